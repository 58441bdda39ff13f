//! TEMPORARY stand-in until the structure branch lands.
use crate::model::*;
pub fn parse(doc_id: &str, text: &str) -> Document {
    let mut passages = Vec::new();
    let mut off = 0usize;
    for line in text.split('\n') {
        let n = line.chars().count();
        if !line.trim().is_empty() {
            passages.push(Passage {
                id: passages.len(),
                section: None,
                heading_path: vec![],
                field: None,
                text: line.trim().to_string(),
                start: off,
                end: off + n,
            });
        }
        off += n + 1;
    }
    Document {
        doc_id: doc_id.into(),
        title: text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .into(),
        text: text.into(),
        passages,
        ..Default::default()
    }
}
