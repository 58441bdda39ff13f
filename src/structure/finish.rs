//! From drafts to the model: sections widened to span their content,
//! passages sorted and deduplicated, byte offsets turned into character
//! offsets.
//!
//! Parsing works on bytes; the model counts characters. The conversion is
//! done once, at the end, with an index that answers in constant time.

use super::Builder;
use crate::{Passage, Section};

impl Builder<'_> {
    pub(super) fn finish(self) -> (Vec<Section>, Vec<Passage>) {
        let Builder {
            text,
            mut sections,
            mut passages,
            ..
        } = self;
        // Sections span their own passages and their descendants.
        for passage in &passages {
            if let Some(s) = passage.section {
                let section = &mut sections[s];
                section.end = section.end.max(passage.end);
                section.start = section.start.min(passage.start);
            }
        }
        for id in (0..sections.len()).rev() {
            if let Some(parent) = sections[id].parent {
                let (start, end) = (sections[id].start, sections[id].end);
                sections[parent].end = sections[parent].end.max(end);
                sections[parent].start = sections[parent].start.min(start);
            }
        }
        passages.sort_by_key(|p| (p.start, p.end));
        passages.dedup_by(|b, a| a.start == b.start && a.end == b.end);
        let chars = CharIndex::new(text);
        let mut depth_of = vec![0usize; sections.len()];
        let mut out_sections = Vec::with_capacity(sections.len());
        for (id, draft) in sections.iter().enumerate() {
            let depth = match draft.parent {
                Some(p) if p < id => depth_of[p] + 1,
                _ => 0,
            };
            depth_of[id] = depth;
            out_sections.push(Section {
                id,
                parent: draft.parent.filter(|&p| p < id),
                depth,
                kind: draft.kind,
                number: draft.number.clone(),
                heading: draft.heading.clone(),
                start: chars.of(draft.start),
                end: chars.of(draft.end),
            });
        }
        let out_passages = passages
            .into_iter()
            .enumerate()
            .map(|(id, draft)| Passage {
                id,
                section: draft.section,
                field: draft.field,
                start: chars.of(draft.start),
                end: chars.of(draft.end),
                byte_start: draft.start,
                byte_end: draft.end,
            })
            .collect();
        (out_sections, out_passages)
    }
}

/// Byte offset → character offset.
struct CharIndex<'a> {
    text: &'a [u8],
    /// Characters starting before each multiple of [`CharIndex::BLOCK`] bytes.
    blocks: Vec<usize>,
    count: usize,
}

impl<'a> CharIndex<'a> {
    const BLOCK: usize = 64;

    fn new(text: &'a str) -> CharIndex<'a> {
        let bytes = text.as_bytes();
        let mut blocks = Vec::with_capacity(bytes.len() / Self::BLOCK + 1);
        let mut count = 0;
        for block in bytes.chunks(Self::BLOCK) {
            blocks.push(count);
            count += char_starts(block);
        }
        CharIndex {
            text: bytes,
            blocks,
            count,
        }
    }

    /// The index of the character holding `byte` (the character count at
    /// the end of the text and beyond).
    fn of(&self, byte: usize) -> usize {
        if byte >= self.text.len() {
            return self.count;
        }
        let block = byte / Self::BLOCK;
        let starts = self.blocks[block] + char_starts(&self.text[block * Self::BLOCK..byte]);
        if self.text[byte] & 0xC0 == 0x80 {
            // Inside a character: its start was counted.
            starts - 1
        } else {
            starts
        }
    }
}

/// Characters starting in `bytes` (bytes that do not continue a UTF-8 sequence).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}
