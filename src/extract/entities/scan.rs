//! The trie scanner: every place in a text where a known spelling of an entity is written.
//!
//! Mentions are looked for in every document of a national corpus, so the scan is one pass
//! over each text with all the folded spellings in a byte trie, walked from word starts only
//! and folding as it goes (no folded copy of the text). The fold is the shared one
//! (`text::fold`, marks spaced): a character that opens into several (`ﬁ`, `Œ`, `ß`) is fed
//! to the trie whole, and a match may only end after a whole input character, so its
//! offsets always fall on the text's characters. Short sigles must
//! also match in capitals (`CAF`, not `caf` nor `CAFÉS`); longer names match in any case and
//! in the plural.

use std::collections::HashSet;

use super::names::{fold_text, is_function_word, needs_exact_case, pluralize_word};
use crate::text::fold::{fold_char_marks_into, Marks};
use crate::text::words::{char_at, is_alphanumeric};

/// One searchable spelling of an entity.
struct ScanPattern {
    entity: usize,
    /// The alias as written (without the `=` marker), for the exact-case check.
    alias: String,
    /// The alias in capitals, also accepted by the exact-case check.
    alias_upper: String,
    exact_case: bool,
}

/// The folded patterns for an alias: itself, and for case-insensitive names the plural of the
/// words before the first function word (`missions locales`, `centres communaux d'action…`).
fn alias_variants(alias: &str) -> Vec<String> {
    let folded = fold_text(alias.trim_start_matches('='));
    let folded = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut variants = vec![folded.clone()];
    if !needs_exact_case(alias) {
        let mut plural_words = Vec::new();
        let mut in_head = true;
        for word in folded.split(' ') {
            if in_head && !is_function_word(word) && !word.contains('\'') && word.len() >= 2 {
                plural_words.push(pluralize_word(word));
            } else {
                in_head = false;
                plural_words.push(word.to_string());
            }
        }
        let plural = plural_words.join(" ");
        if plural != folded {
            variants.push(plural);
        }
    }
    variants
}

/// A match of a pattern in a document, in chars and in bytes.
#[derive(Debug, Clone, Copy)]
pub(super) struct TextMatch {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) start_byte: usize,
    pub(super) end_byte: usize,
    pub(super) entity: usize,
}

/// The folded patterns in a trie over their UTF-8 bytes, with dense transitions over the few
/// bytes patterns use. Matches must start and end on a word boundary, so the text is walked
/// from word starts only, folding as it goes: no folded copy of the text, and most walks stop
/// after a char or two.
struct Trie {
    /// Byte → its class (0: no pattern has that byte).
    class_of: [u8; 256],
    n_classes: usize,
    /// `next[node * n_classes + class]`: the child, or 0 (the root is never a child).
    next: Vec<u32>,
    /// Patterns ending at each node, by increasing index: `ends[node]` is a range of `ids`.
    ends: Vec<(u32, u32)>,
    ids: Vec<u32>,
}

impl Trie {
    fn new(patterns: &[String]) -> Trie {
        // UTF-8 never uses 13 of the 256 byte values, so the classes fit a byte.
        let mut class_of = [0u8; 256];
        let mut n_classes = 1;
        for pattern in patterns {
            for &b in pattern.as_bytes() {
                if class_of[usize::from(b)] == 0 {
                    class_of[usize::from(b)] = n_classes as u8;
                    n_classes += 1;
                }
            }
        }
        let mut next = vec![0u32; n_classes];
        let mut ends_of: Vec<Vec<u32>> = vec![Vec::new()];
        for (id, pattern) in patterns.iter().enumerate() {
            let mut node = 0usize;
            for &b in pattern.as_bytes() {
                let slot = node * n_classes + usize::from(class_of[usize::from(b)]);
                node = match next[slot] {
                    0 => {
                        let child = ends_of.len();
                        ends_of.push(Vec::new());
                        next.resize(next.len() + n_classes, 0);
                        next[slot] = child as u32;
                        child
                    }
                    child => child as usize,
                };
            }
            ends_of[node].push(id as u32);
        }
        let mut ends = Vec::with_capacity(ends_of.len());
        let mut ids = Vec::new();
        for list in ends_of {
            let first = ids.len() as u32;
            ids.extend(list);
            ends.push((first, ids.len() as u32));
        }
        Trie {
            class_of,
            n_classes,
            next,
            ends,
            ids,
        }
    }

    /// The node after reading `bytes` from `node`, if any.
    #[inline]
    fn step(&self, mut node: usize, bytes: &[u8]) -> Option<usize> {
        for &b in bytes {
            let class = self.class_of[usize::from(b)];
            if class == 0 {
                return None;
            }
            node = self.next[node * self.n_classes + usize::from(class)] as usize;
            if node == 0 {
                return None;
            }
        }
        Some(node)
    }
}

#[inline]
fn is_alphanumeric_at(text: &str, pos: usize) -> bool {
    let b = text.as_bytes()[pos];
    if b.is_ascii() {
        b.is_ascii_alphanumeric()
    } else {
        is_alphanumeric(char_at(text, pos).0)
    }
}

pub(super) struct Scanner {
    trie: Option<Trie>,
    patterns: Vec<ScanPattern>,
}

impl Scanner {
    pub(super) fn new(patterns_in: Vec<(usize, String)>) -> Scanner {
        let mut patterns = Vec::new();
        let mut folded_patterns = Vec::new();
        let mut seen = HashSet::new();
        for (entity, alias) in patterns_in {
            let exact_case = needs_exact_case(&alias);
            let clean_alias = alias.trim_start_matches('=').trim().to_string();
            for variant in alias_variants(&alias) {
                if variant.chars().count() < 2
                    || !seen.insert((entity, variant.clone(), exact_case))
                {
                    continue;
                }
                folded_patterns.push(variant);
                patterns.push(ScanPattern {
                    entity,
                    alias_upper: clean_alias.to_uppercase(),
                    alias: clean_alias.clone(),
                    exact_case,
                });
            }
        }
        let trie = (!folded_patterns.is_empty()).then(|| Trie::new(&folded_patterns));
        Scanner { trie, patterns }
    }

    /// The matches of the trie's spellings that start at byte `start` (char `start_char`) of
    /// `text` and end on a word boundary, added to `candidates`.
    #[inline]
    fn matches_from(
        &self,
        trie: &Trie,
        text: &str,
        (start, start_char): (usize, usize),
        ascii_class: &[u8; 128],
        folded: &mut String,
        candidates: &mut Vec<TextMatch>,
    ) {
        let bytes = text.as_bytes();
        // Walk the trie from here, one folded char at a time.
        let mut node = 0;
        let mut end = start;
        let mut end_char = start_char;
        while end < bytes.len() {
            let b = bytes[end];
            let (child, len) = if b.is_ascii() {
                let class = ascii_class[usize::from(b)];
                if class == 0 {
                    break;
                }
                let child = trie.next[node * trie.n_classes + usize::from(class)] as usize;
                (child, 1)
            } else {
                let (c, len) = char_at(text, end);
                folded.clear();
                fold_char_marks_into(c, Marks::Spaced, folded);
                // A char that folds to nothing (a lone combining mark) ends the walk.
                let child = if folded.is_empty() {
                    0
                } else {
                    trie.step(node, folded.as_bytes()).unwrap_or(0)
                };
                (child, len)
            };
            if child == 0 {
                break;
            }
            node = child;
            end += len;
            end_char += 1;
            let (first, last) = trie.ends[node];
            if first < last && (end == bytes.len() || !is_alphanumeric_at(text, end)) {
                let surface = &text[start..end];
                for &id in &trie.ids[first as usize..last as usize] {
                    let Some(pattern) = self.patterns.get(id as usize) else {
                        continue;
                    };
                    if pattern.exact_case
                        && surface != pattern.alias
                        && surface != pattern.alias_upper
                    {
                        continue;
                    }
                    candidates.push(TextMatch {
                        start: start_char,
                        end: end_char,
                        start_byte: start,
                        end_byte: end,
                        entity: pattern.entity,
                    });
                }
            }
        }
    }

    /// Every match in `text` that starts and ends on a word boundary (no letter or digit right
    /// before nor right after), longest first where they overlap, in text order.
    pub(super) fn scan(&self, text: &str) -> Vec<TextMatch> {
        let Some(trie) = &self.trie else {
            return Vec::new();
        };
        let bytes = text.as_bytes();
        // The class of each ASCII byte once folded (every ASCII char folds to one byte).
        let mut ascii_class = [0u8; 128];
        let mut folded = String::with_capacity(8);
        for (b, class) in ascii_class.iter_mut().enumerate() {
            folded.clear();
            fold_char_marks_into(char::from(b as u8), Marks::Spaced, &mut folded);
            if let [byte] = folded.as_bytes() {
                *class = trie.class_of[usize::from(*byte)];
            }
        }
        let mut candidates = Vec::new();
        // A match may start at any char with no letter or digit right before it; the text
        // is read once, its chars counted as it goes.
        let (mut pos, mut char_index) = (0, 0);
        let mut previous_is_alphanumeric = false;
        while pos < bytes.len() {
            let b = bytes[pos];
            let (len, alphanumeric) = if b.is_ascii() {
                (1, b.is_ascii_alphanumeric())
            } else {
                let (c, len) = char_at(text, pos);
                (len, is_alphanumeric(c))
            };
            // An ASCII char outside the trie's spellings starts none of them.
            if !previous_is_alphanumeric && (!b.is_ascii() || ascii_class[usize::from(b)] != 0) {
                let at = (pos, char_index);
                self.matches_from(trie, text, at, &ascii_class, &mut folded, &mut candidates);
            }
            previous_is_alphanumeric = alphanumeric;
            char_index += 1;
            pos += len;
        }
        candidates.sort_by(|a, b| {
            (b.end - b.start)
                .cmp(&(a.end - a.start))
                .then(a.start.cmp(&b.start))
        });
        let mut taken = vec![false; char_index];
        let mut kept = Vec::new();
        for candidate in candidates {
            if taken[candidate.start..candidate.end].iter().any(|t| *t) {
                continue;
            }
            taken[candidate.start..candidate.end]
                .iter_mut()
                .for_each(|t| *t = true);
            kept.push(candidate);
        }
        kept.sort_by_key(|m| m.start);
        kept
    }
}

#[cfg(test)]
mod tests {
    use crate::extract::entities::tests::{build, make_doc, surface};

    #[test]
    fn short_sigles_match_only_in_capitals_and_whole_words() {
        let text =
            "La CAF finance. Une caf de quartier. CAFÉS des parents. Les ARSENAUX. L'ARS est là.";
        let catalog = build(&[make_doc("d1", text, None)], &[]);
        let caf = catalog.get("caf").expect("caf");
        assert_eq!(caf.mentions.len(), 1);
        assert_eq!(surface(text, &caf.mentions[0]), "CAF");
        let ars = catalog.get("ars").expect("ars");
        assert_eq!(ars.mentions.len(), 1);
        assert_eq!(surface(text, &ars.mentions[0]), "ARS");
    }

    #[test]
    fn long_names_match_in_any_case_and_plural() {
        let text =
            "Le réseau des Missions Locales et pole emploi.\n\nAvec la mission locale et POLE EMPLOI.";
        let catalog = build(&[make_doc("d1", text, None)], &[]);
        let ml = catalog.get("mission-locale").expect("ml");
        let surfaces: Vec<String> = ml.mentions.iter().map(|m| surface(text, m)).collect();
        assert_eq!(surfaces, vec!["Missions Locales", "mission locale"]);
        let ft = catalog.get("france-travail").expect("ft");
        assert_eq!(ft.mentions.len(), 2);
        assert_eq!(ft.mentions[0].start, 34);
        assert_eq!(ft.mentions[0].passage, Some(0));
    }
}
