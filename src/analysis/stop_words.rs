//! French stop words, read from `data/stopwords_fr.txt`.
//!
//! Why a data file and why so short: stop words are removed from the index
//! and from queries alike, so a content word in the list could never be
//! searched again (`jeunes`, `ville`, `été`, `est` in `Grand Est`). The file
//! keeps true function words only and documents what it leaves out.
//!
//! The filter compares folded forms (it runs after
//! [`super::folding::FoldingFilter`]), so `À`, `à` and `a` are all removed.
//! Removed tokens leave a gap in positions (tantivy's `StopWordFilter` does
//! not renumber), which keeps phrase queries exact: `situation de handicap`
//! is `situation`, a hole, `handicap`.
//!
//! # Example
//! ```rust
//! use maillage::analysis::is_stop_word;
//!
//! assert!(is_stop_word("Où"));
//! assert!(!is_stop_word("jeunes"));
//! ```

use std::collections::HashSet;

use once_cell::sync::Lazy;
use rustc_hash::FxHashSet;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::folding::fold;

const STOP_WORDS_FILE: &str = include_str!("../../data/stopwords_fr.txt");

/// The folded stop words, in file order, without duplicates.
pub static FOLDED_STOP_WORDS: Lazy<Vec<String>> = Lazy::new(|| {
    let mut seen = HashSet::new();
    STOP_WORDS_FILE
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(fold)
        .filter(|word| seen.insert(word.clone()))
        .collect()
});

/// Looked up once per token indexed: a fast hash, not a DoS-resistant one (the words are ours).
static STOP_WORD_SET: Lazy<FxHashSet<&'static str>> =
    Lazy::new(|| FOLDED_STOP_WORDS.iter().map(String::as_str).collect());

/// True when `word` (any case, with or without accents) is a French stop word.
pub fn is_stop_word(word: &str) -> bool {
    if word.is_ascii() && !word.bytes().any(|byte| byte.is_ascii_uppercase()) {
        return STOP_WORD_SET.contains(word);
    }
    STOP_WORD_SET.contains(fold(word).as_str())
}

/// The tantivy filter removing the folded stop words.
pub fn french_stop_word_filter() -> FrenchStopWords {
    FrenchStopWords
}

/// Token filter removing the folded stop words of `data/stopwords_fr.txt`, leaving their
/// positions empty.
#[derive(Clone, Copy, Debug, Default)]
pub struct FrenchStopWords;

impl TokenFilter for FrenchStopWords {
    type Tokenizer<T: Tokenizer> = FrenchStopWordsWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FrenchStopWordsWrapper<T> {
        FrenchStopWordsWrapper { inner: tokenizer }
    }
}

/// [`FrenchStopWords`] applied to a tokenizer.
#[derive(Clone)]
pub struct FrenchStopWordsWrapper<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for FrenchStopWordsWrapper<T> {
    type TokenStream<'a> = FrenchStopWordsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FrenchStopWordsStream {
            tail: self.inner.token_stream(text),
            words: &STOP_WORD_SET,
        }
    }
}

/// Stream of [`FrenchStopWords`].
pub struct FrenchStopWordsStream<T> {
    tail: T,
    words: &'static FxHashSet<&'static str>,
}

impl<T: TokenStream> TokenStream for FrenchStopWordsStream<T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            if !self.words.contains(self.tail.token().text.as_str()) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::folding::FoldingFilter;
    use crate::analysis::tests::{assert_token, collect_tokens};
    use crate::analysis::tokenizer::FrenchTokenizer;
    use tantivy::tokenizer::TextAnalyzer;

    #[test]
    fn function_words_are_stop_words_in_any_case_and_accent() {
        for word in [
            "de", "la", "LES", "à", "À", "a", "où", "OU", "êtes", "ETES", "leurs", "D",
        ] {
            assert!(is_stop_word(word), "{word}");
        }
    }

    #[test]
    fn content_words_are_not_stop_words() {
        let content_words = [
            "jeunes", "ville", "enfants", "parents", "famille", "été", "est", "être", "avoir",
            "bien", "pas", "ça", "non", "tous", "mission", "locale", "B",
        ];
        for word in content_words {
            assert!(!is_stop_word(word), "{word}");
        }
    }

    #[test]
    fn data_file_is_folded_and_deduplicated() {
        assert!(FOLDED_STOP_WORDS.iter().all(|word| word == &fold(word)));
        let unique: HashSet<_> = FOLDED_STOP_WORDS.iter().collect();
        assert_eq!(unique.len(), FOLDED_STOP_WORDS.len());
        assert!(FOLDED_STOP_WORDS.len() > 100);
    }

    #[test]
    fn filter_leaves_position_gaps() {
        let mut analyzer = TextAnalyzer::builder(FrenchTokenizer::default())
            .filter(FoldingFilter)
            .filter(french_stop_word_filter())
            .build();
        let tokens = collect_tokens(&mut analyzer, "Situation de la famille à Cergy");
        assert_eq!(tokens.len(), 3);
        assert_token(&tokens[0], 0, "situation", 0, 9);
        assert_token(&tokens[1], 3, "famille", 16, 23);
        assert_token(&tokens[2], 5, "cergy", 27, 32);
    }
}
