//! Typo tolerance: a mistyped word is also searched as the spelling the corpus uses.
//!
//! Why the index's own term dictionary and not a word list: a dictionary of French would
//! not know the acronyms, place names and jargon of these plans, and would propose words no
//! plan uses. The dictionary holds analysed terms (folded, stemmed), walked with a
//! Levenshtein automaton (what tantivy's `FuzzyTermQuery` does, but here we need to know
//! which term was found, to say so and to rank it below the word as typed). The typed word
//! is probed twice, as its stem and as its folded form, and the closer find wins; the
//! readable spelling of a correction is read back from a passage that holds it.
//!
//! The rules follow how people mistype: a word of 5 to 8 letters may be one edit away, a
//! longer one two (a swap of two letters is one edit); sigles, numbers and short words are
//! never corrected (`CLAS` is not a typo of `CLAE`). A word is corrected when the index does
//! not know it, or knows it in far fewer passages than a near spelling (a typo that also
//! sits in some plan). The word as typed is still searched, and ranks above its correction.

use std::collections::HashMap;
use std::sync::OnceLock;

use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder, DFA};
use serde::Serialize;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, Searcher, Term, TERMINATED};
use tantivy_fst::{IntoStreamer, Streamer};

use crate::Result;

/// A word corrected is one that a near spelling outnumbers this many times.
pub(crate) const OUTNUMBERED: u64 = 30;

/// A word of the query and the spelling it was also searched as.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Correction {
    /// The word as typed.
    pub from: String,
    /// The spelling found in the corpus.
    pub to: String,
    /// The analysed term searched for `to`.
    #[serde(skip)]
    pub(crate) term: String,
}

/// The largest number of edits a typed word may be from its correction, or `None` when it
/// must not be corrected.
pub(crate) fn max_edits(word: &str) -> Option<u8> {
    if super::search::looks_like_sigle(word) || word.chars().any(char::is_numeric) {
        return None;
    }
    edits_for(word.chars().filter(|c| c.is_alphabetic()).count())
}

/// Edits allowed for a word (or a stem) of `letters` letters: a stem is shorter than its
/// word, and two edits on `separ` (from `séparation`) reach `espac`.
pub(crate) fn edits_for(letters: usize) -> Option<u8> {
    match letters {
        0..=4 => None,
        5..=8 => Some(1),
        _ => Some(2),
    }
}

fn read_error(e: std::io::Error) -> crate::Error {
    crate::Error::io("lecture du dictionnaire des termes", e)
}

/// A term of the dictionary near a probe.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Near {
    pub term: String,
    pub edits: u8,
    /// Passages holding it.
    pub passages: u64,
}

fn automaton_builder(edits: u8) -> &'static LevenshteinAutomatonBuilder {
    // Building the tables costs milliseconds: once per distance for the process.
    static ONE: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    static TWO: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    if edits <= 1 {
        ONE.get_or_init(|| LevenshteinAutomatonBuilder::new(1, true))
    } else {
        TWO.get_or_init(|| LevenshteinAutomatonBuilder::new(2, true))
    }
}

/// A Levenshtein DFA as the automaton tantivy's term dictionary walks.
struct Within<'a>(&'a DFA);

impl tantivy_fst::Automaton for Within<'_> {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// Where the terms of the text are looked up.
#[derive(Clone, Copy)]
pub(crate) enum Dictionary<'a> {
    /// Every segment's terms in one dictionary, with their passages
    /// ([`crate::index::term_dictionary`]).
    Merged(&'a tantivy_fst::Map<Vec<u8>>),
    /// The dictionary of `field` in each segment (a generation written before the merged
    /// one was), the passages read from the searcher.
    Segments(&'a Searcher, Field),
}

impl Dictionary<'_> {
    /// Passages holding `term` in the text.
    fn passages(self, term: &str) -> Result<u64> {
        Ok(match self {
            Dictionary::Merged(map) => map.get(term).unwrap_or(0),
            Dictionary::Segments(searcher, field) => {
                searcher.doc_freq(&Term::from_field_text(field, term))?
            }
        })
    }
}

/// The best term of the `dictionary` within its edits of the first of `probes` that has
/// any (the probes excluded): fewest edits, then most passages, then alphabetical so the
/// answer does not depend on segments. Probes are tried in turn because building an
/// automaton of two edits costs about as much as the walk (60–270 µs for a word of 11 to
/// 14 letters). A probe is not walked first with one edit: most words looked up are
/// right, so nothing is near them, and the second walk would cost more than the
/// automaton it spares.
pub(crate) fn nearest(dictionary: Dictionary<'_>, probes: &[(&str, u8)]) -> Result<Option<Near>> {
    // Each term found: its edits, and its passages when the dictionary holds them.
    let mut found: HashMap<String, (u8, Option<u64>)> = HashMap::new();
    for &(probe, edits) in probes.iter().filter(|(p, e)| !p.is_empty() && *e > 0) {
        let dfa = automaton_builder(edits).build_dfa(probe);
        let mut keep = |key: &[u8], passages: Option<u64>| {
            let Ok(term) = std::str::from_utf8(key) else {
                return;
            };
            if probes.iter().any(|(p, _)| *p == term) {
                return;
            }
            if let Distance::Exact(d) = dfa.eval(term) {
                let entry = found.entry(term.to_string()).or_insert((d, passages));
                entry.0 = entry.0.min(d);
            }
        };
        match dictionary {
            Dictionary::Merged(map) => {
                let mut stream = map.search(Within(&dfa)).into_stream();
                while let Some((key, passages)) = stream.next() {
                    keep(key, Some(passages));
                }
            }
            Dictionary::Segments(searcher, field) => {
                for segment in searcher.segment_readers() {
                    let inverted = segment.inverted_index(field)?;
                    let mut stream = inverted
                        .terms()
                        .search(Within(&dfa))
                        .into_stream()
                        .map_err(read_error)?;
                    while stream.advance() {
                        keep(stream.key(), None);
                    }
                }
            }
        }
        if !found.is_empty() {
            break;
        }
    }
    let mut best: Option<Near> = None;
    for (term, (edits, passages)) in found {
        let passages = match passages {
            Some(passages) => passages,
            None => dictionary.passages(&term)?,
        };
        let near = Near {
            term,
            edits,
            passages,
        };
        let better = best.as_ref().is_none_or(|b| {
            (near.edits, std::cmp::Reverse(near.passages), &near.term)
                < (b.edits, std::cmp::Reverse(b.passages), &b.term)
        });
        if better {
            best = Some(near);
        }
    }
    Ok(best)
}

/// Passages holding `term` in any of `fields`.
pub(crate) fn passages_with(searcher: &Searcher, fields: &[Field], term: &str) -> Result<u64> {
    let mut n = 0;
    for &field in fields {
        n += searcher.doc_freq(&Term::from_field_text(field, term))?;
    }
    Ok(n)
}

/// Where a term occurs: up to `n` (document, passage) pairs, in index order.
pub(crate) fn occurrences(
    searcher: &Searcher,
    field: Field,
    term: &str,
    runs: &crate::index::SegmentRuns,
    n: usize,
) -> Result<Vec<(u32, u32)>> {
    let term = Term::from_field_text(field, term);
    let mut out = Vec::new();
    for segment in searcher.segment_readers() {
        let Some(runs) = runs.get(&segment.segment_id()) else {
            continue;
        };
        let inverted = segment.inverted_index(field)?;
        let Some(mut postings) = inverted
            .read_postings(&term, IndexRecordOption::Basic)
            .map_err(read_error)?
        else {
            continue;
        };
        let mut doc = postings.doc();
        while doc != TERMINATED && out.len() < n {
            if let Some(at) = runs.locate(doc) {
                out.push(at);
            }
            doc = postings.advance();
        }
        if out.len() >= n {
            break;
        }
    }
    Ok(out)
}

/// How `term` is written in `texts`, for a person who typed `typed`: among the words that
/// analyse to `term` (`accompagnement`, `accompagner`…), the one closest to what was typed,
/// then the commonest. ALL-CAPS words count only when nothing else is found (headings
/// often drop accents), and then in lower case.
pub(crate) fn spelling<'a>(
    term: &str,
    typed: &str,
    texts: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let typed = crate::analysis::folding::fold(typed);
    let head: String = term.chars().take(3).collect();
    // Per spelling: (seen written in lower case, times seen).
    let mut counts: HashMap<String, (bool, u32)> = HashMap::new();
    for text in texts {
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            if word.chars().count() < 3 {
                continue;
            }
            if !crate::analysis::folding::fold(word).starts_with(&head) {
                continue;
            }
            if super::search::analyse(word)
                .first()
                .map(|(_, t)| t.as_str())
                != Some(term)
            {
                continue;
            }
            let lower_case = word.chars().any(char::is_lowercase);
            let written = if lower_case {
                word.to_string()
            } else {
                word.to_lowercase()
            };
            let entry = counts.entry(written).or_insert((false, 0));
            entry.0 |= lower_case;
            entry.1 += 1;
        }
    }
    // Rank: fewest edits from what was typed, written in lower case, commonest, alphabetical.
    counts
        .into_iter()
        .map(|(word, (lower_case, n))| {
            let edits = strsim::levenshtein(&crate::analysis::folding::fold(&word), &typed);
            (
                (edits, !lower_case, std::cmp::Reverse(n), word.clone()),
                word,
            )
        })
        .min_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, word)| word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_merged_dictionary_finds_what_each_segment_s_finds() {
        // « familles » in both segments, its near spellings split between them.
        let (index, text) = crate::test_support::segments_of(&[
            &[
                "familles monoparentales",
                "famille",
                "parentalite",
                "familles",
            ],
            &[
                "familles",
                "parentalites soutien",
                "familiale",
                "monoparentale",
            ],
        ]);
        let searcher = index.reader().unwrap().searcher();
        let bytes = crate::index::term_dictionary(&searcher, text).unwrap();
        let map = tantivy_fst::Map::from_bytes(bytes).unwrap();
        // Every term's distance to each probe in turn, the first probe with a find deciding.
        let reference = |probes: &[(&str, u8)]| {
            let terms = map.stream().into_str_vec().unwrap();
            probes.iter().find_map(|&(probe, edits)| {
                let dfa = automaton_builder(edits).build_dfa(probe);
                terms
                    .iter()
                    .filter(|(term, _)| probes.iter().all(|(p, _)| p != term))
                    .filter_map(|(term, passages)| match dfa.eval(term) {
                        Distance::Exact(d) => Some((d, std::cmp::Reverse(*passages), term)),
                        Distance::AtLeast(_) => None,
                    })
                    .min()
                    .map(|(edits, passages, term)| (term.clone(), edits, passages.0))
            })
        };
        let probes: [&[(&str, u8)]; 9] = [
            &[("familes", 2)],
            &[("soutient", 2)],
            &[("monoparantal", 2)],
            &[("familes", 1)],
            &[("monoparentales", 2)],
            &[("parentalitee", 2), ("parentalite", 2)],
            &[("parentalit", 1), ("parentalitee", 2)],
            &[("soutient", 1)],
            &[("zzzzzz", 1)],
        ];
        let mut found = Vec::new();
        for probes in probes {
            let merged = nearest(Dictionary::Merged(&map), probes).unwrap();
            let segments = nearest(Dictionary::Segments(&searcher, text), probes).unwrap();
            assert_eq!(merged, segments, "{probes:?}");
            let merged = merged.map(|n| (n.term, n.edits, n.passages));
            assert_eq!(merged, reference(probes), "{probes:?}");
            found.push(merged);
        }
        let near = |term: &str, edits, passages| Some((term.to_string(), edits, passages));
        assert_eq!(
            found,
            [
                // Allowed two edits, the best is still one away.
                near("familles", 1, 3),
                near("soutien", 1, 1),
                // Nothing one edit from « monoparantal »: « monoparentale » is two away.
                near("monoparentale", 2, 1),
                // One edit from « famille » (1 passage) and « familles » (3): the commoner.
                near("familles", 1, 3),
                near("monoparentale", 1, 1),
                // The first probe with a find decides; the probes themselves are left out.
                near("parentalites", 1, 1),
                near("parentalite", 1, 1),
                near("soutien", 1, 1),
                None,
            ]
        );
    }

    #[test]
    fn only_long_ordinary_words_are_corrected() {
        assert_eq!(max_edits("parentalitée"), Some(2));
        assert_eq!(max_edits("mision"), Some(1));
        assert_eq!(max_edits("jeune"), Some(1));
        assert_eq!(max_edits("CLAS"), None);
        assert_eq!(max_edits("REAAP"), None);
        assert_eq!(max_edits("jeux"), None);
        assert_eq!(max_edits("école"), Some(1));
        assert_eq!(max_edits("2024"), None);
        assert_eq!(max_edits("covid19"), None);
    }

    #[test]
    fn the_spelling_of_a_term_prefers_accented_lower_case() {
        let term = crate::analysis::analyze("parentalité").remove(0);
        let texts = [
            "AXE 2 : PARENTALITE",
            "Soutenir la parentalité des familles",
            "Les actions de parentalité, la Parentalité",
        ];
        assert_eq!(
            spelling(&term, "parentalitée", texts).as_deref(),
            Some("parentalité")
        );
        assert_eq!(spelling(&term, "parentalitée", ["rien à voir"]), None);
    }

    #[test]
    fn the_spelling_of_a_term_is_the_form_closest_to_what_was_typed() {
        let term = crate::analysis::analyze("accompagnement").remove(0);
        let texts = [
            "accompagner les familles, accompagner les jeunes",
            "un accompagnement à la scolarité",
        ];
        assert_eq!(
            spelling(&term, "acompagnement", texts).as_deref(),
            Some("accompagnement")
        );
        assert_eq!(
            spelling(&term, "acompagner", texts).as_deref(),
            Some("accompagner")
        );
        // A place name keeps its capital.
        let term = crate::analysis::analyze("Cornebarrieu").remove(0);
        let texts = ["CORNEBARRIEU", "la ville de Cornebarrieu", "Cornebarrieu"];
        assert_eq!(
            spelling(&term, "cornebarieu", texts).as_deref(),
            Some("Cornebarrieu")
        );
    }
}
