//! Heading recognition remembered by span of the text, and the plan
//! summary's objectif → axe map read with it.
//!
//! Table rows and summary lines are asked about several times while the
//! outline is built; remembering each answer keeps the regexes of
//! [`headings`](super::headings) to one run per line.

use std::cell::RefCell;
use std::collections::HashMap;

use super::headings::{self, Heading};
use super::ingest_separator;
use crate::SectionKind;

/// [`headings::recognize`] remembered by span of the text: rows and summary
/// lines are asked about several times.
pub(super) struct HeadingMemo<'a> {
    text: &'a str,
    known: RefCell<crate::text::FastMap<(usize, usize), Option<Heading>>>,
}

impl<'a> HeadingMemo<'a> {
    pub(super) fn new(text: &'a str) -> HeadingMemo<'a> {
        HeadingMemo {
            text,
            known: RefCell::new(crate::text::FastMap::default()),
        }
    }

    pub(super) fn recognize(&self, line: &str) -> Option<Heading> {
        if !headings::may_open(line) {
            return None;
        }
        // Only slices of the text have a stable identity: their span.
        let at = (line.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        if at > self.text.len() || line.len() > self.text.len() - at {
            return headings::recognize(line);
        }
        let key = (at, line.len());
        if let Some(known) = self.known.borrow().get(&key) {
            return known.clone();
        }
        let found = headings::recognize(line);
        self.known.borrow_mut().insert(key, found.clone());
        found
    }

    /// The heading the first item of a cell opens, if any.
    pub(super) fn first_item_heading(&self, cell: &str) -> Option<Heading> {
        let first = cell.split(ingest_separator()).next()?.trim();
        self.recognize(first)
    }
}

/// Objectif number → axe number, read from lines like `Axe 2 : …` followed by
/// `- Objectif 6 : …` (the plan's summary); the first listing wins.
pub(super) fn summary_objectif_axes(text: &str, headings: &HeadingMemo) -> HashMap<String, String> {
    let mut map = HashMap::new();
    let mut axe: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim().trim_start_matches(['-', '•', '*', '–']).trim();
        for cell in trimmed.split('\t') {
            if let Some(h) = headings.recognize(cell.trim()) {
                match h.kind {
                    SectionKind::Axe if h.number.is_some() => axe = h.number,
                    SectionKind::Axe | SectionKind::Part => axe = None,
                    SectionKind::Objectif => {
                        if let (Some(a), Some(n)) = (&axe, h.number) {
                            map.entry(n).or_insert_with(|| a.clone());
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    map
}
