//! Spelling corrections: words the corpus hardly knows, searched also as the
//! near spelling it does know ([`typos`]).
//!
//! The walk over the term dictionary is the costly part, so it is skipped for
//! every word the corpus already knows well.

use crate::analysis;
use crate::query::typos::{self, Correction};
use crate::query::Engine;
use crate::Result;

use super::{analyse, MAX_QUERY_TERMS};
use crate::query::parse::UserQuery;

/// Passages read to find how a corrected word is spelled.
const SPELLING_SAMPLES: usize = 12;

impl Engine {
    /// [`crate::index::most_passages`] of the text: written at build time, read from the
    /// index once for an older generation.
    fn most_passages(&self, searcher: &tantivy::Searcher) -> Result<u64> {
        if let Some(&most) = self.most_passages.get() {
            return Ok(most);
        }
        let most = crate::index::most_passages(searcher, self.fields.text)?;
        Ok(*self.most_passages.get_or_init(|| most))
    }

    /// The words of `user` to search also as a near spelling ([`typos`]).
    pub(super) fn corrections(
        &self,
        searcher: &tantivy::Searcher,
        user: &UserQuery,
    ) -> Result<Vec<Correction>> {
        let f = self.fields;
        let all_fields = [f.text, f.section, f.title, f.field_label];
        let mut corrections: Vec<Correction> = Vec::new();
        if user.words.len() > MAX_QUERY_TERMS {
            // Refused by the plan anyway: no dictionary walk per word first.
            return Ok(corrections);
        }
        for word in &user.words {
            let Some(edits) = typos::max_edits(word) else {
                continue;
            };
            if corrections.iter().any(|c| &c.from == word) {
                continue;
            }
            let terms = analyse(word);
            let [(_, stem)] = terms.as_slice() else {
                continue;
            };
            let folded = analysis::folding::fold(word);
            let folded = folded
                .split(|c: char| !c.is_alphanumeric())
                .max_by_key(|w| w.len())
                .unwrap_or("");
            // A word found in many passages cannot be outnumbered: no dictionary walk.
            let known = typos::passages_with(searcher, &all_fields, stem)?;
            if known > 0
                && known.saturating_mul(typos::OUTNUMBERED) > self.most_passages(searcher)?
            {
                continue;
            }
            // Each probe gets the edits its own length allows, at most the word's.
            let probes = [stem.as_str(), folded].map(|p| {
                let allowed = typos::edits_for(p.chars().count()).unwrap_or(0);
                (p, allowed.min(edits))
            });
            let dictionary = match &self.spellings {
                Some(map) => typos::Dictionary::Merged(map),
                None => typos::Dictionary::Segments(searcher, f.text),
            };
            let Some(near) = typos::nearest(dictionary, &probes)? else {
                continue;
            };
            if known > 0 && near.passages < typos::OUTNUMBERED * known {
                continue;
            }
            let at =
                typos::occurrences(searcher, f.text, &near.term, &self.runs, SPELLING_SAMPLES)?;
            let texts = at
                .iter()
                .filter_map(|&(doc, passage)| self.store.passage(doc as usize, passage as usize))
                .map(|p| p.text);
            let to = typos::spelling(&near.term, word, texts).unwrap_or_else(|| near.term.clone());
            corrections.push(Correction {
                from: word.clone(),
                to,
                term: near.term,
            });
        }
        Ok(corrections)
    }
}

/// `query` with each corrected word replaced by its correction.
pub(super) fn corrected_query(query: &str, corrections: &[Correction]) -> String {
    query
        .split(' ')
        .map(|piece| {
            corrections
                .iter()
                .find(|c| c.from == piece)
                .map_or(piece, |c| c.to.as_str())
        })
        .collect::<Vec<_>>()
        .join(" ")
}
