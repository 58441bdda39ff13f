//! Which files of a corpus folder are read: the folder is not ours.
//!
//! A town's shared folder holds links, sockets, pipes and copies; it may be an
//! attacker's. So a link is followed only when what it points to (resolved)
//! lies inside the corpus, a file is opened without blocking and read only when
//! it is a regular file, and never past its size limit. The corpus fingerprint
//! walks the same way, so whatever changes what is read (a new link, a link
//! pointed elsewhere) makes the index stale.

use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rustc_hash::FxHasher;

use super::SkipReason;
use crate::model::SourceFormat;

/// A file found in the corpus folder, to read or refused with a reason.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// As reached through the corpus folder.
    pub path: PathBuf,
    /// Relative to the corpus folder, with its extension, `/`-separated.
    pub relative: String,
    /// The relative path without its extension, safe to print on one line.
    pub doc_id: String,
    pub format: SourceFormat,
    /// Why the file is not read, when it is not.
    pub refused: Option<SkipReason>,
}

/// Every file under `dir`, sorted by path, each with its format or the reason
/// it is refused. Err only when `dir` itself cannot be read.
pub fn walk(dir: &Path) -> crate::Result<Vec<Candidate>> {
    let root = fs::canonicalize(dir).map_err(|source| crate::Error::Corpus {
        path: dir.to_path_buf(),
        source,
    })?;
    if let Err(source) = fs::read_dir(&root) {
        return Err(crate::Error::Corpus {
            path: dir.to_path_buf(),
            source,
        });
    }
    let mut out = Vec::new();
    let mut walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dir.to_path_buf());
                let reason = if error.loop_ancestor().is_some() {
                    SkipReason::NotRegular("boucle de liens symboliques")
                } else if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink())
                    && fs::metadata(&path).is_err()
                {
                    SkipReason::NotRegular("lien symbolique cassé")
                } else {
                    SkipReason::CannotRead(
                        error
                            .io_error()
                            .map_or_else(|| error.to_string(), ToString::to_string),
                    )
                };
                out.push(refused(dir, path, reason));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let path = entry.path().to_path_buf();
        if entry.path_is_symlink() && !resolves_inside(&path, &root) {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            out.push(refused(dir, path, SkipReason::OutsideCorpus));
            continue;
        }
        let file_type = entry.file_type();
        if file_type.is_dir() {
            if format_of(&path).is_some() {
                walker.skip_current_dir();
                out.push(refused(
                    dir,
                    path,
                    SkipReason::NotRegular("dossier nommé comme un document"),
                ));
            }
            continue;
        }
        if !file_type.is_file() {
            let what = if file_type.is_fifo() {
                "tube nommé (FIFO)"
            } else if file_type.is_socket() {
                "socket"
            } else if file_type.is_block_device() || file_type.is_char_device() {
                "périphérique"
            } else {
                "fichier spécial"
            };
            out.push(refused(dir, path, SkipReason::NotRegular(what)));
            continue;
        }
        match format_of(&path) {
            Some(format) => out.push(Candidate {
                relative: relative_of(dir, &path),
                doc_id: sanitize_id(&relative_of(dir, &path.with_extension(""))),
                path,
                format,
                refused: None,
            }),
            None => {
                let extension = extension_of(&path);
                out.push(refused(dir, path, SkipReason::Unsupported(extension)));
            }
        }
    }
    Ok(out)
}

fn refused(dir: &Path, path: PathBuf, reason: SkipReason) -> Candidate {
    Candidate {
        relative: relative_of(dir, &path),
        doc_id: String::new(),
        format: SourceFormat::Text,
        path,
        refused: Some(reason),
    }
}

fn extension_of(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

fn format_of(path: &Path) -> Option<SourceFormat> {
    SourceFormat::from_extension(&extension_of(path))
}

/// True when the link at `path`, resolved, lies inside `root` (canonical).
fn resolves_inside(path: &Path, root: &Path) -> bool {
    fs::canonicalize(path).is_ok_and(|target| target.starts_with(root))
}

/// `path` relative to `dir`, `/`-separated, safe to print on one line.
fn relative_of(dir: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(dir).unwrap_or(path);
    let joined = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    sanitize_id(&joined)
}

/// Control characters (a newline in a file name…) would break line-based
/// output and logs: each becomes `_`.
pub fn sanitize_id(id: &str) -> String {
    if id.chars().any(char::is_control) {
        id.chars()
            .map(|c| if c.is_control() { '_' } else { c })
            .collect()
    } else {
        id.to_string()
    }
}

/// Why a file could not be read whole.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    NotRegular,
    TooLarge { bytes: u64 },
}

/// Opens `path` without blocking (a FIFO or device swapped in must not hang
/// the caller) and checks, once open, that it is a regular file.
pub fn open_regular(path: &Path) -> Result<(fs::File, fs::Metadata), ReadError> {
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    Ok((file, meta))
}

/// The bytes of the regular file at `path`, at most `limit` of them (checked on
/// its size, then on what is actually read, since a file may grow meanwhile).
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, meta) = open_regular(path)?;
    if meta.len() > limit {
        return Err(ReadError::TooLarge { bytes: meta.len() });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            bytes: bytes.len() as u64,
        });
    }
    Ok(bytes)
}

/// [`read_bounded`] for a corpus file, with the reason to skip it.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, SkipReason> {
    read_bounded(path, limit).map_err(|error| match error {
        ReadError::Io(e) => SkipReason::CannotRead(e.to_string()),
        ReadError::NotRegular => SkipReason::NotRegular("fichier spécial"),
        ReadError::TooLarge { bytes } => SkipReason::TooLarge { bytes, limit },
    })
}

/// A summary of what [`walk`] sees that changes whenever a file is added,
/// removed, renamed, resized or touched, or a link is pointed elsewhere: file
/// count, total size, newest modification time, and a hash of the paths, link
/// targets and sizes.
pub fn corpus_fingerprint(dir: &Path) -> String {
    let Ok(candidates) = walk(dir) else {
        return String::new();
    };
    let mut hasher = FxHasher::default();
    let (mut n_files, mut n_bytes, mut newest) = (0u64, 0u64, 0u128);
    for candidate in &candidates {
        candidate.relative.hash(&mut hasher);
        candidate.refused.is_some().hash(&mut hasher);
        if let Ok(target) = fs::read_link(&candidate.path) {
            target.hash(&mut hasher);
        }
        let Ok(meta) = fs::metadata(&candidate.path) else {
            continue;
        };
        n_files += 1;
        n_bytes += meta.len();
        meta.len().hash(&mut hasher);
        if let Some(t) = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        {
            newest = newest.max(t.as_nanos());
            t.as_nanos().hash(&mut hasher);
        }
    }
    format!("{n_files}:{n_bytes}:{newest}:{:016x}", hasher.finish())
}
