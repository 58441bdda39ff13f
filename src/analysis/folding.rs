//! Lower case, ligatures and accent folding in one pass.
//!
//! Why fold everything: the same word reaches us as `Réussite`, `RÉUSSITE`,
//! `REUSSITE` (capitals typed without accents) or `reussite` (a query typed
//! on a phone); PDF extraction adds `ﬁ` ligatures and `œ`/`æ` are written
//! either way. One term per word requires lower case, compatibility
//! decomposition (`ﬁ` → `fi`), dropped combining marks (`é` → `e`) and the
//! ligatures Unicode does not decompose (`œ` → `oe`, `æ` → `ae`, `ß` → `ss`).
//! The stemmer runs after this filter on folded words (see
//! [`super::stemming`] for how it copes with lost accents).
//!
//! Pure ASCII tokens, the vast majority, are lowered in place without
//! allocating.
//!
//! # Example
//! ```rust
//! use maillage::analysis::folding::fold;
//!
//! assert_eq!(fold("RÉUSSITE Éducative"), "reussite educative");
//! assert_eq!(fold("Œuvre ﬁnancée"), "oeuvre financee");
//! ```

use std::mem;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

pub use crate::text::words::{is_alphabetic, is_alphanumeric};
pub use crate::text::{fold, fold_into};

/// Token filter applying [`fold`] to every token.
#[derive(Clone, Copy, Debug, Default)]
pub struct FoldingFilter;

impl TokenFilter for FoldingFilter {
    type Tokenizer<T: Tokenizer> = FoldingFilterWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FoldingFilterWrapper<T> {
        FoldingFilterWrapper {
            inner: tokenizer,
            buffer: String::new(),
        }
    }
}

/// [`FoldingFilter`] applied to a tokenizer.
#[derive(Clone)]
pub struct FoldingFilterWrapper<T> {
    inner: T,
    buffer: String,
}

impl<T: Tokenizer> Tokenizer for FoldingFilterWrapper<T> {
    type TokenStream<'a> = FoldingTokenStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.buffer.clear();
        FoldingTokenStream {
            tail: self.inner.token_stream(text),
            buffer: &mut self.buffer,
        }
    }
}

/// Stream of [`FoldingFilter`].
pub struct FoldingTokenStream<'a, T> {
    tail: T,
    buffer: &'a mut String,
}

impl<'a, T: TokenStream> TokenStream for FoldingTokenStream<'a, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if token.text.is_ascii() {
            token.text.make_ascii_lowercase();
        } else {
            self.buffer.clear();
            fold_into(&token.text, self.buffer);
            mem::swap(&mut token.text, self.buffer);
        }
        true
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
            .filter(FoldingFilter)
            .build();
        collect_tokens(&mut analyzer, text)
    }

    #[test]
    fn accented_unaccented_and_capital_forms_fold_alike() {
        for form in [
            "réussite éducative",
            "REUSSITE EDUCATIVE",
            "RÉUSSITE ÉDUCATIVE",
        ] {
            assert_eq!(fold(form), "reussite educative", "{form}");
        }
        assert_eq!(fold("Île-de-France Ça Où Noël"), "ile-de-france ca ou noel");
    }

    #[test]
    fn spells_out_ligatures() {
        assert_eq!(fold("Œuvre sœur Cæsar"), "oeuvre soeur caesar");
        assert_eq!(fold("ﬁnancement ﬂux"), "financement flux");
    }

    #[test]
    fn decomposed_input_folds_like_composed_input() {
        // `e` followed by a combining acute accent, as some PDF tools write it.
        assert_eq!(fold("e\u{301}te\u{301}"), fold("été"));
    }

    #[test]
    fn filter_keeps_offsets_of_the_original_text() {
        let tokens = tokens_of("Santé ÉTÉ");
        assert_token(&tokens[0], 0, "sante", 0, 6);
        assert_token(&tokens[1], 1, "ete", 7, 12);
    }

    #[test]
    fn other_scripts_survive() {
        assert_eq!(fold("Ελλάδα ДОМ"), "ελλαδα дом");
    }
}
