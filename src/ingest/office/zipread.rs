//! The zip layer shared by the DOCX and ODT readers: opens an archive held in
//! memory and hands out its parts, every byte decompressed charged to one budget
//! (the file's `max_decompressed_bytes`), whatever the sizes the archive declares.

use std::cell::Cell;
use std::io::{self, BufReader, Cursor, Read};
use std::rc::Rc;

use zip::result::ZipError;
use zip::ZipArchive;

use super::types::{Limits, Unreadable};

/// More entries than this is no word-processing document (a zip of many small files).
pub(crate) const MAX_ENTRIES: usize = 5000;

/// First bytes of an OLE compound file (legacy .doc, or an encrypted OOXML package).
pub(crate) const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub(crate) fn mb(bytes: u64) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    if mb >= 10.0 {
        format!("{mb:.0} Mo")
    } else {
        format!("{mb:.1} Mo").replace('.', ",")
    }
}

pub(crate) fn too_large_decompressed(limit: u64) -> Unreadable {
    Unreadable::TooLarge(format!("plus de {} une fois décompressé", mb(limit)))
}

/// An opened archive and what is left of its decompression budget.
pub(crate) struct Package<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    /// Bytes that may still be decompressed (shared with the readers handed out).
    left: Rc<Cell<u64>>,
    limit: u64,
}

impl<'a> Package<'a> {
    /// Opens `bytes` as a zip archive: `Damaged` when it is none, `TooLarge` when it has
    /// too many entries or declares more than the budget once decompressed.
    pub(crate) fn open(bytes: &'a [u8], limits: &Limits) -> Result<Package<'a>, Unreadable> {
        if bytes.len() < 22 {
            return Err(Unreadable::Damaged(if bytes.is_empty() {
                "fichier vide".into()
            } else {
                "pas une archive zip (trop court)".into()
            }));
        }
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            Unreadable::Damaged(format!("pas une archive zip lisible ({})", short(&e)))
        })?;
        if zip.len() > MAX_ENTRIES {
            return Err(Unreadable::TooLarge(format!(
                "{} entrées dans l'archive (au plus {MAX_ENTRIES})",
                zip.len()
            )));
        }
        let limit = limits.max_decompressed_bytes;
        let mut declared: u128 = 0;
        for index in 0..zip.len() {
            if let Ok(entry) = zip.by_index_data(index) {
                declared = declared.saturating_add(u128::from(entry.size()));
            }
        }
        if declared > u128::from(limit) {
            return Err(too_large_decompressed(limit));
        }
        Ok(Package {
            zip,
            left: Rc::new(Cell::new(limit)),
            limit,
        })
    }

    /// Index of the entry `name`, exactly or else ignoring ASCII case (OPC part names
    /// are case-insensitive).
    fn index_of(&self, name: &str) -> Option<usize> {
        let name = name.trim_start_matches('/');
        if let Some(index) = self.zip.index_for_name(name) {
            return Some(index);
        }
        self.zip
            .file_names()
            .position(|n| n.as_ref().is_ok_and(|n| n.eq_ignore_ascii_case(name)))
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.index_of(name).is_some()
    }

    /// Calls `f` with a buffered reader over the decompressed entry `name` (`Ok(None)`
    /// when there is no such entry). Reading past the budget fails with an I/O error that
    /// [`Package::error`] turns into `TooLarge`.
    pub(crate) fn with_entry<T>(
        &mut self,
        name: &str,
        f: impl FnOnce(&mut BufReader<Budgeted<'_>>) -> Result<T, Unreadable>,
    ) -> Result<Option<T>, Unreadable> {
        let Some(index) = self.index_of(name) else {
            return Ok(None);
        };
        let limit = self.limit;
        let left = Rc::clone(&self.left);
        let file = self.zip.by_index(index).map_err(|e| zip_error(name, &e))?;
        if file.is_dir() {
            return Ok(None);
        }
        if file.size() > left.get() {
            return Err(too_large_decompressed(limit));
        }
        let mut reader = BufReader::with_capacity(
            64 * 1024,
            Budgeted {
                inner: Box::new(file),
                left,
                limit,
                exceeded: false,
            },
        );
        f(&mut reader).map(Some)
    }

    /// The whole decompressed entry `name`, for small parts (relationships, metadata).
    pub(crate) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, Unreadable> {
        self.with_entry(name, |reader| {
            let mut out = Vec::new();
            match reader.read_to_end(&mut out) {
                Ok(_) => Ok(out),
                Err(e) => Err(io_error(reader.get_ref(), name, &e)),
            }
        })
    }
}

/// A decompressing reader that charges every byte to the package's budget.
pub(crate) struct Budgeted<'z> {
    inner: Box<dyn Read + 'z>,
    left: Rc<Cell<u64>>,
    limit: u64,
    exceeded: bool,
}

impl Budgeted<'_> {
    pub(crate) fn exceeded(&self) -> bool {
        self.exceeded
    }
    pub(crate) fn limit(&self) -> u64 {
        self.limit
    }
}

impl Read for Budgeted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.left.get();
        // One byte more than the budget allows tells "exactly at the limit" from "past it".
        let want = (buf.len() as u64).min(left.saturating_add(1)) as usize;
        let n = self.inner.read(&mut buf[..want])?;
        if n as u64 > left {
            self.exceeded = true;
            self.left.set(0);
            return Err(io::Error::other("decompression budget exceeded"));
        }
        self.left.set(left - n as u64);
        Ok(n)
    }
}

/// A read error of an entry: `TooLarge` when the budget ran out, else `Damaged`.
pub(crate) fn io_error(reader: &Budgeted<'_>, name: &str, e: &io::Error) -> Unreadable {
    if reader.exceeded() {
        too_large_decompressed(reader.limit())
    } else {
        Unreadable::Damaged(format!("{name} illisible ({e})"))
    }
}

fn zip_error(name: &str, e: &ZipError) -> Unreadable {
    match e {
        ZipError::UnsupportedArchive(what) if what.to_ascii_lowercase().contains("password") => {
            Unreadable::Encrypted
        }
        ZipError::InvalidPassword => Unreadable::Encrypted,
        _ => Unreadable::Damaged(format!("{name} illisible dans l'archive ({})", short(e))),
    }
}

fn short(e: &ZipError) -> String {
    let mut s = e.to_string();
    if s.len() > 120 {
        let mut cut = 120;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// Resolves a relationship `target` against the folder of the part `source`
/// ("word/document.xml" + "footnotes.xml" → "word/footnotes.xml").
pub(crate) fn resolve_target(source: &str, target: &str) -> String {
    let target = target.split(['#', '?']).next().unwrap_or("");
    let mut parts: Vec<&str> = if let Some(absolute) = target.strip_prefix('/') {
        return normalize(absolute.split('/').collect());
    } else {
        source.split('/').collect()
    };
    parts.pop(); // the source's own file name
    parts.extend(target.split('/'));
    normalize(parts)
}

fn normalize(parts: Vec<&str>) -> String {
    let mut out: Vec<&str> = Vec::new();
    for part in parts {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    out.join("/")
}

/// Why an OLE compound file (not a zip) cannot be read as an office package:
/// an encrypted OOXML package, or a legacy binary document.
pub(crate) fn ole_error(bytes: &[u8], legacy: &str) -> Unreadable {
    let has = |name: &str| {
        let pattern: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        bytes
            .windows(pattern.len())
            .any(|w| w == pattern.as_slice())
    };
    if has("EncryptedPackage") || has("EncryptionInfo") {
        Unreadable::Encrypted
    } else if has("WordDocument") || has("PowerPoint Document") || has("Workbook") {
        Unreadable::Damaged(legacy.to_string())
    } else {
        Unreadable::Encrypted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_the_source_folder() {
        assert_eq!(
            resolve_target("word/document.xml", "footnotes.xml"),
            "word/footnotes.xml"
        );
        assert_eq!(
            resolve_target("word/document.xml", "/word/x.xml"),
            "word/x.xml"
        );
        assert_eq!(
            resolve_target("word/document.xml", "../customXml/a.xml"),
            "customXml/a.xml"
        );
        assert_eq!(resolve_target("", "word/document.xml"), "word/document.xml");
    }
}
