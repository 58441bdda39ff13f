//! Removal of elided articles and pronouns (`l’`, `d’`, `qu’`, `jusqu’`…).
//!
//! Why a filter of its own: French glues `le`, `de`, `que`… to the next
//! word when it starts with a vowel, so `l’accueil`, `L'ACCUEIL` and
//! `accueil` must all index `accueil`. The tokenizer leaves a trailing `'`
//! on a word that was glued to the next one; this filter drops the token
//! when that word is an elidable one, and otherwise only strips the mark
//! (`aujourd’hui` gives `aujourd` then `hui`, the same for every spelling).
//!
//! A dropped article keeps its position, exactly like the stop word it
//! stands for: `lieu d’accueil` and `lieu de accueil` have the same shape,
//! so phrase queries match whichever form the query uses.
//!
//! # Example
//! ```rust
//! use maillage::analysis::elision::ElisionFilter;
//! use maillage::analysis::tokenizer::FrenchTokenizer;
//! use tantivy::tokenizer::{TextAnalyzer, TokenStream};
//!
//! let mut analyzer = TextAnalyzer::builder(FrenchTokenizer::default())
//!     .filter(ElisionFilter)
//!     .build();
//! let mut stream = analyzer.token_stream("L’accueil jusqu’à");
//! assert_eq!(stream.next().map(|token| token.text.clone()).as_deref(), Some("accueil"));
//! assert_eq!(stream.next().map(|token| token.text.clone()).as_deref(), Some("à"));
//! assert!(stream.next().is_none());
//! ```

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Words French elides before a vowel (compared without case).
const ELIDABLE_WORDS: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
];

/// True when `word` (without its apostrophe) is an elidable article,
/// pronoun or conjunction, whatever its case.
pub fn is_elidable_word(word: &str) -> bool {
    ELIDABLE_WORDS
        .iter()
        .any(|elidable| elidable.eq_ignore_ascii_case(word))
}

/// Drops elided words marked by the tokenizer with a trailing `'`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ElisionFilter;

impl TokenFilter for ElisionFilter {
    type Tokenizer<T: Tokenizer> = ElisionFilterWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> ElisionFilterWrapper<T> {
        ElisionFilterWrapper { inner: tokenizer }
    }
}

/// [`ElisionFilter`] applied to a tokenizer.
#[derive(Clone)]
pub struct ElisionFilterWrapper<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for ElisionFilterWrapper<T> {
    type TokenStream<'a> = ElisionTokenStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        ElisionTokenStream {
            tail: self.inner.token_stream(text),
        }
    }
}

/// Stream of [`ElisionFilter`].
pub struct ElisionTokenStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for ElisionTokenStream<T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let token = self.tail.token_mut();
            if token.text.ends_with('\'') {
                token.text.pop();
                if is_elidable_word(&token.text) {
                    continue;
                }
            }
            return true;
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
    use crate::analysis::tests::{assert_token, collect_tokens};
    use crate::analysis::tokenizer::FrenchTokenizer;
    use tantivy::tokenizer::TextAnalyzer;

    fn tokens_of(text: &str) -> Vec<Token> {
        let mut analyzer = TextAnalyzer::builder(FrenchTokenizer::default())
            .filter(ElisionFilter)
            .build();
        collect_tokens(&mut analyzer, text)
    }

    fn texts_of(text: &str) -> Vec<String> {
        crate::analysis::tests::texts(tokens_of(text))
    }

    #[test]
    fn drops_elided_article_and_keeps_its_position() {
        let tokens = tokens_of("lieu d’accueil");
        assert_eq!(tokens.len(), 2);
        assert_token(&tokens[0], 0, "lieu", 0, 4);
        assert_token(&tokens[1], 2, "accueil", 9, 16);
    }

    #[test]
    fn handles_every_elidable_word_in_both_cases_and_apostrophes() {
        let text = "l'a d'b j'c m'd n'e s'f t'g c'h qu'i jusqu'j lorsqu'k puisqu'l quoiqu'm";
        assert_eq!(
            texts_of(text),
            ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"]
        );
        assert_eq!(texts_of("L’ÉCOLE D’ÉTÉ QU’IL"), ["ÉCOLE", "ÉTÉ", "IL"]);
        assert_eq!(texts_of("Jusqu’au Lorsqu’elle"), ["au", "elle"]);
    }

    #[test]
    fn strips_the_mark_of_other_words() {
        assert_eq!(texts_of("aujourd’hui"), ["aujourd", "hui"]);
        assert_eq!(texts_of("presqu'île"), ["presqu", "île"]);
    }

    #[test]
    fn lone_letters_without_apostrophe_are_kept() {
        assert_eq!(
            texts_of("vitamine D et plan C"),
            ["vitamine", "D", "et", "plan", "C"]
        );
    }
}
