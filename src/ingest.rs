//! TEMPORARY stand-in until the structure branch lands.
use std::path::{Path, PathBuf};
pub struct SourceFile {
    pub doc_id: String,
    pub path: PathBuf,
    pub n_bytes: u64,
    pub text: String,
}
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}
pub fn read_corpus(dir: &Path) -> crate::Result<(Vec<SourceFile>, Vec<Skipped>)> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let rd = std::fs::read_dir(dir).map_err(|e| crate::Error::Corpus {
        path: dir.into(),
        source: e,
    })?;
    let mut paths: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        match std::fs::read_to_string(&p) {
            Ok(t) if !t.trim().is_empty() => files.push(SourceFile {
                doc_id: p.file_stem().unwrap_or_default().to_string_lossy().into(),
                n_bytes: t.len() as u64,
                path: p,
                text: t,
            }),
            _ => skipped.push(Skipped {
                path: p,
                reason: "unreadable".into(),
            }),
        }
    }
    Ok((files, skipped))
}
