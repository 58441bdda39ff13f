//! Sigles: the definitions documents give, the documents that use them, and
//! the glossary that joins both across the corpus.
//!
//! Why: plans are written in sigles (CLAS, LAEP, REAAP…) that a reader from
//! another town does not know, and a search for `lieu d'accueil enfants
//! parents` should find the plan that only says `LAEP`. A document seldom
//! defines every sigle it uses, so the glossary lends the definitions a
//! document gives to every document that uses the same sigle.
//!
//! Rules, in one place:
//! - a definition is kept only when the sigle's letters align with its long
//!   form (see [`align`]), whatever shape it has (see [`definitions`]);
//! - definitions of one sigle whose content words are the same once case,
//!   accents, apostrophes and plurals are ignored are merged, shown with their
//!   most frequent spelling (ties: the one with lower-case letters, then the
//!   first seen); a trailing qualifier (`- périscolaire`) is already dropped
//!   at extraction;
//! - different definitions of one sigle are all kept, most frequent first.
//!
//! # Example
//! ```
//! use maillage::extract::acronyms::Glossary;
//! use maillage::Document;
//!
//! let doc = Document {
//!     doc_id: "ctg".into(),
//!     text: "Un Lieu d'accueil enfants parents (LAEP) ouvre. Le LAEP accueille.".into(),
//!     ..Default::default()
//! };
//! let glossary = Glossary::build(&[doc]);
//! assert_eq!(glossary.expansions("laep"), ["Lieu d'accueil enfants parents"]);
//! assert_eq!(glossary.abbreviations_of("lieux d’accueil enfant parent"), ["LAEP"]);
//! ```

mod align;
mod definitions;
pub(crate) mod text;
mod uses;

use std::collections::{BTreeSet, HashMap, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Provenance;
use crate::Document;
use text::{long_form_key, sigle_key, sigle_shape, CharOffsets, SigleShape};

/// A sigle and the long form a document gives for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcronymDefinition {
    /// Canonical spelling, dots removed (`CGET` for `C.G.E.T`).
    pub abbr: String,
    /// The long form as written, whitespace collapsed.
    pub long_form: String,
    /// Where the definition (sigle and long form) sits.
    pub provenance: Provenance,
}

/// Definitions a document itself gives.
pub fn find_definitions(doc: &Document) -> Vec<AcronymDefinition> {
    let offsets = CharOffsets::new(&doc.text);
    definitions::find_in_text(&doc.text)
        .into_iter()
        .map(|found| AcronymDefinition {
            provenance: provenance(doc, &offsets, found.start, found.end),
            abbr: found.abbr,
            long_form: found.long_form,
        })
        .collect()
}

/// Sigles used in the text (defined or not), with provenance, for "who uses
/// it". Word-like sigles (`Ofii`) count only when this document defines them.
pub fn find_uses(doc: &Document) -> Vec<(String, Provenance)> {
    let word_like = word_like_sigles(&find_definitions(doc));
    uses_with(doc, &word_like)
}

fn uses_with(doc: &Document, word_like: &HashSet<String>) -> Vec<(String, Provenance)> {
    let offsets = CharOffsets::new(&doc.text);
    uses::find_in_text(&doc.text, word_like)
        .into_iter()
        .map(|found| {
            let provenance = provenance(doc, &offsets, found.start, found.end);
            (found.abbr, provenance)
        })
        .collect()
}

fn word_like_sigles(definitions: &[AcronymDefinition]) -> HashSet<String> {
    definitions
        .iter()
        .filter(|d| sigle_shape(&d.abbr) == Some(SigleShape::WordLike))
        .map(|d| d.abbr.clone())
        .collect()
}

/// Provenance of a byte span of `doc.text`: character offsets, the passage
/// holding its start and that passage's heading path.
fn provenance(doc: &Document, offsets: &CharOffsets, start: usize, end: usize) -> Provenance {
    let start = offsets.char_offset(start);
    let end = offsets.char_offset(end);
    let after = doc.passages.partition_point(|p| p.start <= start);
    let passage = after
        .checked_sub(1)
        .and_then(|index| doc.passages.get(index))
        .filter(|p| start < p.end.max(p.start + 1));
    Provenance {
        doc_id: doc.doc_id.clone(),
        passage: passage.map(|p| p.id),
        section: doc.heading_path_owned(passage.and_then(|p| p.section)),
        start,
        end,
    }
}

/// The corpus glossary: every sigle used or defined, with its definitions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Glossary {
    /// Sorted by [`sigle_key`] (case-, accent- and dot-insensitive).
    entries: Vec<GlossaryEntry>,
    /// The entries of each long form's key, made at the first lookup.
    #[serde(skip)]
    long_forms: LongFormIndex,
}

/// Long-form keys to glossary entries: a search looks its words up on every query, and
/// keying every definition again each time cost more than the rest of planning.
#[derive(Debug, Clone, Default)]
struct LongFormIndex(std::sync::OnceLock<LongForms>);

#[derive(Debug, Clone)]
struct LongForms {
    /// Each long form's key → the entries defining it.
    entries_of_key: HashMap<String, Vec<usize>>,
    /// Each entry's definitions' keys, cut into words, in the order of the definitions.
    definition_words: Vec<Vec<Vec<String>>>,
}

fn same_words(words: &[String], wanted: &[&str]) -> bool {
    words.len() == wanted.len() && words.iter().zip(wanted).all(|(w, v)| w == v)
}

impl LongForms {
    fn of(entries: &[GlossaryEntry]) -> LongForms {
        let mut entries_of_key: HashMap<String, Vec<usize>> = HashMap::new();
        let mut definition_words = Vec::with_capacity(entries.len());
        for (i, entry) in entries.iter().enumerate() {
            let mut words_of_entry = Vec::with_capacity(entry.definitions.len());
            for d in &entry.definitions {
                let key = long_form_key(&d.text);
                words_of_entry.push(key.split(' ').map(str::to_string).collect());
                let slot = entries_of_key.entry(key).or_default();
                if slot.last() != Some(&i) {
                    slot.push(i);
                }
            }
            definition_words.push(words_of_entry);
        }
        LongForms {
            entries_of_key,
            definition_words,
        }
    }
}

impl PartialEq for LongFormIndex {
    /// Derived from the entries: two glossaries are equal when their entries are.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// One sigle of the glossary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GlossaryEntry {
    /// The sigle, as most often written when defined (else when used).
    pub abbr: String,
    /// Long forms, most frequent first; empty when no document defines it.
    pub definitions: Vec<DefinitionEntry>,
    /// Documents that use or define the sigle, sorted.
    pub docs: Vec<String>,
    /// Number of uses across the corpus.
    pub mentions: usize,
}

/// One long form of a sigle, merged over its spellings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DefinitionEntry {
    /// The most frequent spelling.
    pub text: String,
    /// The document that gives it first (in corpus order).
    pub doc_id: String,
    /// How many times documents give it.
    pub count: usize,
    /// Every place it is given.
    pub sources: Vec<Provenance>,
}

impl Glossary {
    /// Builds the glossary of a corpus. Documents are read in parallel and
    /// merged in corpus order, so the result does not depend on the threads.
    pub fn build(docs: &[Document]) -> Glossary {
        let definitions: Vec<AcronymDefinition> = docs
            .par_iter()
            .map(find_definitions)
            .collect::<Vec<_>>()
            .into_iter()
            .flatten()
            .collect();
        let word_like = word_like_sigles(&definitions);

        let mut drafts: HashMap<String, EntryDraft> = HashMap::new();
        for definition in &definitions {
            let draft = drafts.entry(sigle_key(&definition.abbr)).or_default();
            draft.defined_spellings.push(definition.abbr.clone());
            draft.docs.insert(definition.provenance.doc_id.clone());
            draft.add_definition(definition);
        }
        // Uses only count and say which documents: no provenance needed.
        // Each document's spellings with their counts, in first-seen order.
        let uses: Vec<Vec<(String, usize)>> = docs
            .par_iter()
            .map(|doc| {
                let mut order: Vec<(String, usize)> = Vec::new();
                let mut slot: HashMap<String, usize> = HashMap::new();
                for found in uses::find_in_text(&doc.text, &word_like) {
                    match slot.get(&found.abbr) {
                        Some(&i) => order[i].1 += 1,
                        None => {
                            slot.insert(found.abbr.clone(), order.len());
                            order.push((found.abbr, 1));
                        }
                    }
                }
                order
            })
            .collect();
        let mut keys: HashMap<String, String> = HashMap::new();
        for (doc, spellings) in docs.iter().zip(uses) {
            for (abbr, count) in spellings {
                let key = match keys.get(&abbr) {
                    Some(key) => key,
                    None => keys.entry(abbr.clone()).or_insert_with(|| sigle_key(&abbr)),
                };
                let draft = match drafts.get_mut(key) {
                    Some(draft) => draft,
                    None => drafts.entry(key.clone()).or_default(),
                };
                match draft.used_spellings.iter_mut().find(|(s, _)| *s == abbr) {
                    Some(seen) => seen.1 += count,
                    None => draft.used_spellings.push((abbr, count)),
                }
                if !draft.docs.contains(&doc.doc_id) {
                    draft.docs.insert(doc.doc_id.clone());
                }
                draft.mentions += count;
            }
        }
        let mut keyed: Vec<(String, GlossaryEntry)> = drafts
            .into_iter()
            .filter_map(|(key, draft)| Some((key, draft.finish()?)))
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.abbr.cmp(&b.1.abbr)));
        Glossary {
            entries: keyed.into_iter().map(|(_, entry)| entry).collect(),
            long_forms: LongFormIndex::default(),
        }
    }

    /// Every sigle, sorted by sigle case-insensitively.
    pub fn entries(&self) -> &[GlossaryEntry] {
        &self.entries
    }

    /// The entry of a sigle, whatever its case and dots (`c.g.e.t` -> CGET).
    pub fn get(&self, abbr: &str) -> Option<&GlossaryEntry> {
        let key = sigle_key(abbr);
        if key.is_empty() {
            return None;
        }
        self.entries
            .binary_search_by(|entry| sigle_key(&entry.abbr).cmp(&key))
            .ok()
            .and_then(|index| self.entries.get(index))
    }

    /// For acronym-aware search: the long forms of a sigle, most frequent first.
    pub fn expansions(&self, abbr: &str) -> Vec<&str> {
        self.get(abbr)
            .map(|entry| entry.definitions.iter().map(|d| d.text.as_str()).collect())
            .unwrap_or_default()
    }

    fn long_forms(&self) -> &LongForms {
        self.long_forms
            .0
            .get_or_init(|| LongForms::of(&self.entries))
    }

    /// For acronym-aware search the other way: the sigles whose long form
    /// matches `phrase` (accent/case/apostrophe-insensitive, plural-tolerant,
    /// function words ignored).
    pub fn abbreviations_of(&self, phrase: &str) -> Vec<&str> {
        let key = long_form_key(phrase);
        if key.is_empty() {
            return Vec::new();
        }
        self.long_forms()
            .entries_of_key
            .get(&key)
            .map(|found| {
                found
                    .iter()
                    .map(|&i| self.entries[i].abbr.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// For acronym-aware search with part of a long form: the one sigle whose long
    /// form starts with the words of `phrase`, or holds three or more of them in a
    /// row, covering at least half of its words (`quartier politique` → QPV,
    /// `accueil enfants parents` → LAEP, « Lieu d'accueil enfants parents »),
    /// with that long form. Nothing when several sigles would do: the words are then
    /// not distinctive. An exact long form is [`Glossary::abbreviations_of`]'s.
    pub fn abbreviation_of_part(&self, phrase: &str) -> Option<(&str, &str)> {
        let key = long_form_key(phrase);
        let wanted: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
        if wanted.len() < 2 {
            return None;
        }
        let mut found: Option<(&str, &str)> = None;
        let long_forms = self.long_forms();
        for (entry, definition_words) in self.entries.iter().zip(&long_forms.definition_words) {
            let matched = entry
                .definitions
                .iter()
                .zip(definition_words)
                .find(|(_, words)| {
                    // Its first words, or three words in a row elsewhere: two words from
                    // the middle of a long form (« politique … ville ») are a notion of
                    // their own more often than a way of naming the sigle.
                    words.len() > wanted.len()
                        && 2 * wanted.len() >= words.len()
                        && (same_words(&words[..wanted.len()], &wanted)
                            || wanted.len() >= 3
                                && words.windows(wanted.len()).any(|w| same_words(w, &wanted)))
                });
            if let Some((definition, _)) = matched {
                if found.is_some_and(|(abbr, _)| abbr != entry.abbr) {
                    return None;
                }
                found = Some((entry.abbr.as_str(), definition.text.as_str()));
            }
        }
        found
    }

    /// Sigles used somewhere but defined nowhere.
    pub fn undefined(&self) -> impl Iterator<Item = &GlossaryEntry> {
        self.entries
            .iter()
            .filter(|entry| entry.definitions.is_empty())
    }
}

/// A glossary entry while the corpus is read.
#[derive(Default)]
struct EntryDraft {
    defined_spellings: Vec<String>,
    /// Spellings used, with their counts, in first-seen order.
    used_spellings: Vec<(String, usize)>,
    docs: BTreeSet<String>,
    mentions: usize,
    /// Long forms by [`long_form_key`], in first-seen order.
    definitions: Vec<DefinitionDraft>,
}

struct DefinitionDraft {
    key: String,
    spellings: Vec<String>,
    sources: Vec<Provenance>,
}

impl EntryDraft {
    fn add_definition(&mut self, definition: &AcronymDefinition) {
        let key = long_form_key(&definition.long_form);
        match self.definitions.iter_mut().find(|d| d.key == key) {
            Some(draft) => {
                draft.spellings.push(definition.long_form.clone());
                draft.sources.push(definition.provenance.clone());
            }
            None => self.definitions.push(DefinitionDraft {
                key,
                spellings: vec![definition.long_form.clone()],
                sources: vec![definition.provenance.clone()],
            }),
        }
    }

    fn finish(self) -> Option<GlossaryEntry> {
        let abbr = most_frequent(&self.defined_spellings).or_else(|| {
            most_frequent_counted(
                self.used_spellings
                    .iter()
                    .map(|(spelling, count)| (spelling.as_str(), *count)),
            )
        })?;
        let mut definitions: Vec<DefinitionEntry> = self
            .definitions
            .into_iter()
            .filter_map(|draft| {
                Some(DefinitionEntry {
                    text: most_frequent(&draft.spellings)?,
                    doc_id: draft.sources.first()?.doc_id.clone(),
                    count: draft.sources.len(),
                    sources: draft.sources,
                })
            })
            .collect();
        // Stable: equal counts keep first-seen order.
        definitions.sort_by_key(|d| std::cmp::Reverse(d.count));
        Some(GlossaryEntry {
            abbr,
            definitions,
            docs: self.docs.into_iter().collect(),
            mentions: self.mentions,
        })
    }
}

/// The most frequent spelling; ties go to one with lower-case letters (not
/// shouted), then to the first seen.
fn most_frequent(spellings: &[String]) -> Option<String> {
    let mut counted: Vec<(&str, usize)> = Vec::new();
    for spelling in spellings {
        match counted.iter_mut().find(|(s, _)| s == spelling) {
            Some(seen) => seen.1 += 1,
            None => counted.push((spelling, 1)),
        }
    }
    most_frequent_counted(counted.into_iter())
}

/// [`most_frequent`] over `(spelling, count)` pairs in first-seen order.
fn most_frequent_counted<'a>(counted: impl Iterator<Item = (&'a str, usize)>) -> Option<String> {
    let mut best: Option<(&str, usize, bool)> = None;
    for (spelling, count) in counted {
        let has_lower = spelling.chars().any(char::is_lowercase);
        let is_better = match best {
            None => true,
            Some((_, best_count, best_lower)) => (count, has_lower) > (best_count, best_lower),
        };
        if is_better {
            best = Some((spelling, count, has_lower));
        }
    }
    best.map(|(spelling, _, _)| spelling.to_string())
}

#[cfg(test)]
mod tests;
