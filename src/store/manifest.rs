//! The checksum of every file of a generation, so damage is found when the
//! generation is opened rather than by the search that trips over it.
//!
//! A build writes `manifest.json` last, before publishing: the size and CRC-32
//! of each file under the generation folder. Opening a generation checks them
//! all (on every core, a few hundred MB per second and core), so a truncated
//! tantivy `.pos` file, a zeroed `documents.bin` or a missing graph file is
//! reported with its name, and a server with its corpus at hand rebuilds
//! instead of answering 500 to every search. CRC-32 finds accidents (a full
//! disk, a copy cut short, a bad sector); it is not a defence against someone
//! who can write to the index folder, who could rewrite the manifest too.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

pub(crate) const MANIFEST: &str = "manifest.json";

/// Largest manifest read: a few hundred bytes per file, a few thousand files.
const MAX_MANIFEST_BYTES: u64 = 64 << 20;

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    files: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    /// Relative to the generation folder, `/`-separated.
    path: String,
    bytes: u64,
    crc32: u32,
}

/// Files a reader may create or touch after the build: not checked.
fn is_volatile(name: &str) -> bool {
    name.ends_with(".lock") || name == MANIFEST
}

/// Writes the manifest of every file under `dir`.
pub(crate) fn write(dir: &Path) -> Result<()> {
    let mut paths = Vec::new();
    list(dir, dir, &mut paths)?;
    let mut files = paths
        .par_iter()
        .map(|relative| {
            let path = dir.join(relative);
            let (bytes, crc32) = checksum(&path, u64::MAX)
                .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
            Ok(Entry {
                path: relative.clone(),
                bytes,
                crc32,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let bytes = serde_json::to_vec_pretty(&Manifest { files }).map_err(|e| Error::Store {
        path: dir.join(MANIFEST),
        message: e.to_string(),
    })?;
    super::write_synced(&dir.join(MANIFEST), &bytes)
}

/// Checks every file the manifest of `dir` lists: present, a regular file, of
/// its size and checksum. The first damage found is the error.
pub(crate) fn verify(dir: &Path) -> Result<()> {
    let manifest_path = dir.join(MANIFEST);
    let damaged = |path: PathBuf, reason: &str| Error::Damaged {
        path,
        reason: reason.to_string(),
    };
    let bytes = match super::read_index_file(&manifest_path, MAX_MANIFEST_BYTES) {
        Ok(bytes) => bytes,
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Err(damaged(manifest_path, "absent"));
        }
        Err(err) => return Err(err),
    };
    let manifest: Manifest =
        serde_json::from_slice(&bytes).map_err(|_| damaged(manifest_path.clone(), "illisible"))?;
    manifest.files.par_iter().try_for_each(|entry| {
        let path = match safe_relative(&entry.path) {
            Some(relative) => dir.join(relative),
            None => {
                return Err(damaged(
                    manifest_path.clone(),
                    "nomme un fichier hors de l'index",
                ))
            }
        };
        match checksum(&path, entry.bytes) {
            Ok((bytes, _)) if bytes != entry.bytes => Err(damaged(
                path,
                &format!("{bytes} octets au lieu de {}", entry.bytes),
            )),
            Ok((_, crc32)) if crc32 != entry.crc32 => Err(damaged(path, "contenu modifié")),
            Ok(_) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(damaged(path, "absent")),
            Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => Err(damaged(
                path,
                &format!("plus grand que ses {} octets", entry.bytes),
            )),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
                Err(damaged(path, "pas un fichier ordinaire"))
            }
            Err(e) => Err(Error::io(format!("lecture de {}", path.display()), e)),
        }
    })
}

/// A manifest path made of plain names only (no `..`, no root).
fn safe_relative(path: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.contains('\\') {
            return None;
        }
        out.push(part);
    }
    Some(out)
}

/// Relative paths of the regular files under `root`, `/`-separated.
fn list(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    let entries =
        fs::read_dir(dir).map_err(|e| Error::io(format!("listing {}", dir.display()), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(format!("listing {}", dir.display()), e))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if kind.is_dir() {
            list(root, &path, out)?;
        } else if kind.is_file() && !is_volatile(&name) {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
    Ok(())
}

/// Size and CRC-32 of a regular file, reading at most `limit + 1` bytes
/// (`FileTooLarge` past `limit`, `InvalidInput` for a FIFO, a device…).
fn checksum(path: &Path, limit: u64) -> std::io::Result<(u64, u32)> {
    use std::io::{Error as IoError, ErrorKind};
    let (file, _) = crate::ingest::open_regular(path).map_err(|e| match e {
        crate::ingest::ReadError::Io(e) => e,
        crate::ingest::ReadError::NotRegular => IoError::from(ErrorKind::InvalidInput),
        crate::ingest::ReadError::TooLarge { .. } => IoError::from(ErrorKind::FileTooLarge),
    })?;
    let mut reader = file.take(limit.saturating_add(1));
    let mut hasher = crc32fast::Hasher::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > limit {
            return Err(IoError::from(ErrorKind::FileTooLarge));
        }
        hasher.update(&buffer[..n]);
    }
    Ok((total, hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generation() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("tantivy")).unwrap();
        fs::write(dir.path().join("tantivy/seg.pos"), vec![7u8; 10_000]).unwrap();
        fs::write(dir.path().join("documents.bin"), "Contrat de ville d'Alès").unwrap();
        fs::write(dir.path().join("tantivy/.tantivy-meta.lock"), "").unwrap();
        write(dir.path()).unwrap();
        dir
    }

    fn reason(dir: &Path) -> (PathBuf, String) {
        match verify(dir) {
            Err(Error::Damaged { path, reason }) => (path, reason),
            other => panic!("expected damage, got {other:?}"),
        }
    }

    #[test]
    fn an_intact_generation_passes_and_locks_are_not_listed() {
        let dir = generation();
        verify(dir.path()).unwrap();
        let manifest = fs::read_to_string(dir.path().join(MANIFEST)).unwrap();
        assert!(manifest.contains("tantivy/seg.pos"));
        assert!(!manifest.contains(".lock"));
        fs::write(dir.path().join("tantivy/.tantivy-meta.lock"), "pid").unwrap();
        verify(dir.path()).unwrap();
    }

    #[test]
    fn a_truncated_file_is_named() {
        let dir = generation();
        let pos = dir.path().join("tantivy/seg.pos");
        fs::write(&pos, vec![7u8; 4_000]).unwrap();
        let (path, why) = reason(dir.path());
        assert_eq!(path, pos);
        assert_eq!(why, "4000 octets au lieu de 10000");
    }

    #[test]
    fn a_changed_a_grown_and_a_missing_file_are_named() {
        let dir = generation();
        let documents = dir.path().join("documents.bin");
        fs::write(&documents, "Contrat de ville d'Alès").unwrap();
        verify(dir.path()).unwrap();
        fs::write(&documents, "CONTRAT DE VILLE D'ALÈS").unwrap();
        assert_eq!(
            reason(dir.path()),
            (documents.clone(), "contenu modifié".into())
        );
        fs::write(&documents, "Contrat de ville d'Alès, avenant").unwrap();
        assert!(reason(dir.path()).1.starts_with("plus grand que"));
        fs::remove_file(&documents).unwrap();
        assert_eq!(reason(dir.path()), (documents, "absent".into()));
    }

    #[test]
    fn a_missing_or_hostile_manifest_is_damage() {
        let dir = generation();
        fs::write(
            dir.path().join(MANIFEST),
            r#"{"files":[{"path":"../../etc/passwd","bytes":1,"crc32":0}]}"#,
        )
        .unwrap();
        assert!(reason(dir.path()).1.contains("hors de"));
        fs::write(dir.path().join(MANIFEST), "{").unwrap();
        assert_eq!(reason(dir.path()).1, "illisible");
        fs::remove_file(dir.path().join(MANIFEST)).unwrap();
        assert_eq!(reason(dir.path()).1, "absent");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_in_place_of_a_file_does_not_hang() {
        let dir = generation();
        let pos = dir.path().join("tantivy/seg.pos");
        fs::remove_file(&pos).unwrap();
        let c_path = std::ffi::CString::new(pos.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        assert_eq!(reason(dir.path()), (pos, "pas un fichier ordinaire".into()));
    }
}
