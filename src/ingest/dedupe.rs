//! Dropping second copies of a plan: the same text twice, or the same plan saved in two
//! formats.
//!
//! Corpus folders often hold `plan.pdf` next to `plan.docx`, or a copy in `archives/`;
//! indexing both would count every mention twice, so one file of each text is kept
//! and the others are skipped with the name of the one kept.

use std::collections::HashMap;

use super::{SkipReason, SourceFile};
use crate::model::SourceFormat;

/// Keeps one file of each text: exact copies, and the same plan saved in two
/// formats (`plan.pdf` and `plan.docx`: same name, nearly the same words). The
/// file kept is the one whose format keeps the structure best.
pub(super) fn drop_duplicates(files: &mut Vec<SourceFile>) -> Vec<(String, SkipReason)> {
    use rustc_hash::FxHasher;
    use std::hash::{Hash, Hasher};
    fn rank(format: SourceFormat) -> u8 {
        match format {
            SourceFormat::Docx => 0,
            SourceFormat::Odt => 1,
            SourceFormat::Pptx => 2,
            SourceFormat::Odp => 3,
            SourceFormat::Xlsx => 4,
            SourceFormat::Ods => 5,
            SourceFormat::Csv => 6,
            SourceFormat::Pdf => 7,
            SourceFormat::Html => 8,
            SourceFormat::Markdown => 9,
            SourceFormat::Text => 10,
        }
    }
    // Best format first, then the shallowest file (a copy kept in a subfolder
    // such as `archives/` is the copy), then path order, so the kept file does
    // not depend on the order files were read in.
    let depth = |f: &SourceFile| f.source.file.matches('/').count();
    files.sort_by(|a, b| {
        rank(a.source.format)
            .cmp(&rank(b.source.format))
            .then_with(|| depth(a).cmp(&depth(b)))
            .then_with(|| a.path.cmp(&b.path))
    });
    let mut by_hash: HashMap<u64, usize> = HashMap::new();
    let mut by_stem: HashMap<String, Vec<usize>> = HashMap::new();
    let mut words_of: HashMap<usize, Vec<u64>> = HashMap::new();
    let mut duplicate_of: Vec<Option<usize>> = vec![None; files.len()];
    for index in 0..files.len() {
        let mut hasher = FxHasher::default();
        files[index].text.hash(&mut hasher);
        let hash = hasher.finish();
        if let Some(&first) = by_hash.get(&hash) {
            if files[first].text == files[index].text {
                duplicate_of[index] = Some(first);
                continue;
            }
        }
        by_hash.entry(hash).or_insert(index);
        let stem = files[index].doc_id.clone();
        let kept: Vec<usize> = by_stem.get(&stem).cloned().unwrap_or_default();
        for other in kept {
            let a = words_of
                .entry(other)
                .or_insert_with(|| shingles(&files[other].text))
                .clone();
            let b = words_of
                .entry(index)
                .or_insert_with(|| shingles(&files[index].text));
            if resemblance(&a, b) >= 0.8 {
                duplicate_of[index] = Some(other);
                break;
            }
        }
        if duplicate_of[index].is_none() {
            by_stem.entry(stem).or_default().push(index);
        }
    }
    let mut out = Vec::new();
    let mut kept = Vec::new();
    let sources: Vec<String> = files.iter().map(|f| f.source.file.clone()).collect();
    for (index, file) in std::mem::take(files).into_iter().enumerate() {
        match duplicate_of[index] {
            Some(first) => out.push((
                file.source.file,
                SkipReason::Duplicate {
                    of: sources[first].clone(),
                },
            )),
            None => kept.push(file),
        }
    }
    *files = kept;
    out
}

/// Hashes of the runs of four words of a text (lower-cased letters and digits),
/// sorted and deduplicated: what two renderings of one plan share.
fn shingles(text: &str) -> Vec<u64> {
    use rustc_hash::FxHasher;
    use std::hash::{Hash, Hasher};
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    let mut out: Vec<u64> = words
        .windows(4)
        .map(|window| {
            let mut hasher = FxHasher::default();
            window.hash(&mut hasher);
            hasher.finish()
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Shared shingles over the smaller set: near 1 when one text holds the other.
fn resemblance(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared as f64 / a.len().min(b.len()) as f64
}
