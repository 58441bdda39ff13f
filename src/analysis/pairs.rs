//! Pairs of neighbouring terms, indexed as one term each (word shingles).
//!
//! Why: a phrase query reads the positions of every passage holding all its words, and
//! the words of the phrases people search (« mission locale », « contrat de ville », the
//! long form of a sigle) are each in tens of thousands of passages. A pair of terms is
//! in few: its postings say at once which passages hold the phrase and how often,
//! without reading a position, and they carry block maxima, so a two-word phrase is
//! searched and pruned like one word.
//!
//! Every term is paired with each term up to [`MAX_GAP`] positions after it, the gap
//! written in the pair: removed words (stop words, elided articles) keep their positions,
//! so `contrat de ville` pairs `contrat` and `ville` at a gap of two, and so does
//! `contrat pour ville`. The pairs of a phrase whose gaps are all within [`MAX_GAP`] are
//! then in every passage where the phrase is, and a two-term phrase occurs in a passage
//! exactly as often as its pair: same matches, same score.
//!
//! # Example
//! ```rust
//! use maillage::analysis::pairs::{analyze_pairs, pair_term};
//!
//! assert_eq!(
//!     analyze_pairs("contrat de ville"),
//!     [pair_term("contrat", 2, "vill")],
//! );
//! ```

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Terms further apart than this are not paired.
pub const MAX_GAP: usize = 2;

/// The term indexed for `first` followed, `gap` positions later, by `second`.
pub fn pair_term(first: &str, gap: usize, second: &str) -> String {
    let mut pair = String::new();
    write_pair(&mut pair, first, gap, second);
    pair
}

/// Writes the pair of [`pair_term`] into `out`, replacing what it held: the one spelling of
/// a pair, for the index and the queries alike.
fn write_pair(out: &mut String, first: &str, gap: usize, second: &str) {
    // Analysed terms hold neither spaces nor `_`: the pair cannot be read two ways.
    out.clear();
    out.push_str(first);
    out.push(' ');
    for _ in 1..gap {
        out.push_str("_ ");
    }
    out.push_str(second);
}

/// The pair terms of a phrase (its terms with their positions): one for each two
/// successive terms close enough to be paired, in order. Every passage holding the phrase
/// holds them all.
pub fn pairs_of_phrase(terms: &[(usize, String)]) -> Vec<String> {
    terms
        .windows(2)
        .filter_map(|w| {
            let gap = w[1].0.checked_sub(w[0].0)?;
            (1..=MAX_GAP)
                .contains(&gap)
                .then(|| pair_term(&w[0].1, gap, &w[1].1))
        })
        .collect()
}

/// The pair terms the index stores for `text` (for tests).
pub fn analyze_pairs(text: &str) -> Vec<String> {
    super::terms_of(super::pairs_analyzer(), text)
}

/// Turns a stream of terms into the stream of their pairs.
#[derive(Clone, Copy, Debug, Default)]
pub struct PairFilter;

impl TokenFilter for PairFilter {
    type Tokenizer<T: Tokenizer> = PairFilterWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> PairFilterWrapper<T> {
        PairFilterWrapper {
            inner: tokenizer,
            terms: Vec::new(),
        }
    }
}

/// [`PairFilter`] applied to a tokenizer.
#[derive(Clone)]
pub struct PairFilterWrapper<T> {
    inner: T,
    /// The terms of the text being paired, kept from one text to the next.
    terms: Vec<Token>,
}

impl<T: Tokenizer> Tokenizer for PairFilterWrapper<T> {
    type TokenStream<'a> = PairTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        // The body text's terms were usually made a moment ago ([`super::handover`]), and
        // a title's or a heading path's just before its pairs.
        if !super::handover::take_over(text, &mut self.terms)
            && !super::handover::shared_terms(text, &mut self.terms)
        {
            self.terms.clear();
            let mut inner = self.inner.token_stream(text);
            while inner.advance() {
                self.terms.push(inner.token().clone());
            }
        }
        PairTokenStream {
            terms: &self.terms,
            first: 0,
            second: 0,
            token: Token::default(),
        }
    }
}

/// Stream of [`PairFilter`]: for each term, its pairs with the terms after it.
pub struct PairTokenStream<'a> {
    terms: &'a [Token],
    /// The pair about to be made: `terms[first]` with `terms[second]`.
    first: usize,
    second: usize,
    token: Token,
}

impl TokenStream for PairTokenStream<'_> {
    fn advance(&mut self) -> bool {
        while self.first < self.terms.len() {
            self.second += 1;
            let first = &self.terms[self.first];
            let gap = self
                .terms
                .get(self.second)
                .map(|second| second.position.saturating_sub(first.position));
            match gap {
                Some(0) => continue,
                Some(gap) if gap <= MAX_GAP => {
                    let second = &self.terms[self.second];
                    write_pair(&mut self.token.text, &first.text, gap, &second.text);
                    self.token.position = first.position;
                    self.token.offset_from = first.offset_from;
                    self.token.offset_to = second.offset_to;
                    self.token.position_length = gap + 1;
                    return true;
                }
                _ => {
                    self.first += 1;
                    self.second = self.first;
                }
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;

    #[test]
    fn neighbours_are_paired_with_the_gap_left_by_removed_words() {
        assert_eq!(
            analyze_pairs("la Mission Locale d’Agen"),
            [
                pair_term("mission", 1, "local"),
                pair_term("local", 2, "agen")
            ]
        );
        // A stop word or an elided article keeps its place: one gap for both spellings.
        assert_eq!(
            analyze_pairs("lieu d’accueil enfants parents")[0],
            analyze_pairs("LIEU DE ACCUEIL")[0]
        );
        assert_eq!(
            analyze_pairs("situation de handicap"),
            ["situat _ handicap"]
        );
        // Three words apart: too far to pair.
        assert!(analyze_pairs("accès aux droits et à la santé")
            .iter()
            .all(|p| !p.ends_with("sant")));
        assert!(analyze_pairs("jeunes").is_empty());
        assert!(analyze_pairs("").is_empty());
    }

    #[test]
    fn a_phrase_gives_the_pairs_its_passages_hold() {
        let phrase = "contrat local d'accompagnement à la scolarité";
        let terms: Vec<(usize, String)> = {
            let mut analyzer = crate::analysis::french_analyzer();
            let mut stream = analyzer.token_stream(phrase);
            let mut terms = Vec::new();
            while let Some(token) = stream.next() {
                terms.push((token.position, token.text.clone()));
            }
            terms
        };
        assert_eq!(terms.len(), analyze(phrase).len());
        let pairs = pairs_of_phrase(&terms);
        // « à la » is two removed words: accompagnement and scolarité are three apart.
        assert_eq!(pairs.len(), terms.len() - 2);
        let indexed = analyze_pairs(&format!("Le {phrase} (CLAS) du quartier"));
        for pair in &pairs {
            assert!(indexed.contains(pair), "{pair} not in {indexed:?}");
        }
        let far = [(0, "accompagn".to_string()), (3, "scolarit".to_string())];
        assert!(pairs_of_phrase(&far).is_empty());
    }
}
