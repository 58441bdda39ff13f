//! A passage's text analysed once for its terms and its pairs.
//!
//! Why: the body text is indexed twice, as terms and as pairs of terms ([`super::pairs`]),
//! and analysing it a second time for the pairs was a tenth of the build's processor time.
//! tantivy indexes the fields of a passage one after the other on one thread, in the
//! schema's order, the text before its pairs. So the text's analyzer leaves the last text
//! it read and its terms to its thread, and the pairs' analyzer takes them over when it is
//! given that same text. Both run the same chain, so the terms are the same whichever of
//! the two made them; any other text is analysed as before.
//!
//! A title's and a heading path's pairs are indexed on the first passage of their run, after
//! the other fields: by then the slot holds the body text. So the memo of those fields
//! ([`super::memo::Memo::sharing_terms`]) leaves the terms of its last few texts to its
//! thread as well (`shared_terms`), and the pairs' analyzer looks there next.
//!
//! # Example
//! ```rust
//! use maillage::analysis::{french_analyzer, handover::Handing, pairs_analyzer};
//! use tantivy::tokenizer::{TextAnalyzer, TokenStream};
//!
//! let text = "Contrat de ville";
//! let mut handing = TextAnalyzer::from(Handing::new(french_analyzer()));
//! let mut stream = handing.token_stream(text);
//! let mut terms = Vec::new();
//! while let Some(token) = stream.next() {
//!     terms.push(token.text.clone());
//! }
//! assert_eq!(terms, ["contrat", "vill"]);
//! // The pairs are made from the terms just handed over.
//! let mut pairs = pairs_analyzer();
//! let mut stream = pairs.token_stream(text);
//! assert_eq!(stream.next().unwrap().text, "contrat _ vill");
//! ```

use std::cell::RefCell;
use std::collections::VecDeque;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use super::memo::Replay;

/// The last text the text's analyzer read on this thread, and its terms.
#[derive(Default)]
struct Handed {
    text: String,
    terms: Vec<Token>,
    /// `terms` are `text`'s (false once taken over, or before anything was read).
    valid: bool,
}

thread_local! {
    static HANDED: RefCell<Handed> = RefCell::new(Handed::default());
    /// The last texts a [`Memo::sharing_terms`](super::memo::Memo::sharing_terms) analysed
    /// on this thread and their terms, newest first.
    static SHARED: RefCell<VecDeque<(String, Vec<Token>)>> =
        RefCell::new(VecDeque::with_capacity(SHARED_TEXTS));
}

/// Texts whose terms are shared: a title and the heading paths of the sections around.
const SHARED_TEXTS: usize = 8;

/// An analyzer that hands each text and its terms over to its thread (see the module doc).
#[derive(Clone)]
pub struct Handing {
    inner: TextAnalyzer,
    terms: Vec<Token>,
}

impl Handing {
    pub fn new(inner: TextAnalyzer) -> Handing {
        Handing {
            inner,
            terms: Vec::new(),
        }
    }
}

impl Tokenizer for Handing {
    type TokenStream<'a> = Replay<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Replay<'a> {
        let mut n = 0;
        let mut stream = self.inner.token_stream(text);
        while stream.advance() {
            set_token(&mut self.terms, n, stream.token());
            n += 1;
        }
        self.terms.truncate(n);
        HANDED.with(|handed| {
            let mut handed = handed.borrow_mut();
            handed.text.clear();
            handed.text.push_str(text);
            copy_tokens(&self.terms, &mut handed.terms);
            handed.valid = true;
        });
        // Made again for each text: a consumer changing a term affects nothing later.
        Replay::new(&mut self.terms, None)
    }
}

/// Puts the terms of `text` into `terms` when they were just handed over on this thread;
/// false, and `terms` untouched, otherwise.
pub(super) fn take_over(text: &str, terms: &mut Vec<Token>) -> bool {
    HANDED.with(|handed| {
        let mut handed = handed.borrow_mut();
        if !handed.valid || handed.text != text {
            return false;
        }
        handed.valid = false;
        std::mem::swap(&mut handed.terms, terms);
        true
    })
}

/// Leaves `tokens` as the terms of `text` to this thread, for [`shared_terms`].
pub(super) fn share(text: &str, tokens: &[Token]) {
    SHARED.with(|shared| {
        let mut shared = shared.borrow_mut();
        let (mut shared_text, mut terms) = if shared.len() >= SHARED_TEXTS {
            shared.pop_back().unwrap_or_default()
        } else {
            Default::default()
        };
        shared_text.clear();
        shared_text.push_str(text);
        copy_tokens(tokens, &mut terms);
        shared.push_front((shared_text, terms));
    });
}

/// Puts the terms of `text` into `terms` when they were [`share`]d lately on this thread;
/// false, and `terms` untouched, otherwise.
pub(super) fn shared_terms(text: &str, terms: &mut Vec<Token>) -> bool {
    SHARED.with(|shared| {
        let shared = shared.borrow();
        let Some((_, shared_terms)) = shared.iter().find(|(t, _)| t == text) else {
            return false;
        };
        copy_tokens(shared_terms, terms);
        true
    })
}

/// Writes `token` at `terms[n]`, reusing the string already there.
fn set_token(terms: &mut Vec<Token>, n: usize, token: &Token) {
    match terms.get_mut(n) {
        Some(slot) => {
            slot.text.clear();
            slot.text.push_str(&token.text);
            slot.offset_from = token.offset_from;
            slot.offset_to = token.offset_to;
            slot.position = token.position;
            slot.position_length = token.position_length;
        }
        None => terms.push(token.clone()),
    }
}

/// Makes `to` a copy of `from`, reusing its strings.
fn copy_tokens(from: &[Token], to: &mut Vec<Token>) {
    for (n, token) in from.iter().enumerate() {
        set_token(to, n, token);
    }
    to.truncate(from.len());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::memo::Memo;
    use crate::analysis::tests::collect_tokens;
    use crate::analysis::{french_analyzer, pairs_analyzer};

    #[test]
    fn hands_over_exactly_what_the_analyzer_gives() {
        let mut plain = french_analyzer();
        let mut handing = TextAnalyzer::from(Handing::new(french_analyzer()));
        let texts = [
            "Axe 2 : Accompagner les familles",
            "",
            "l’accueil des jeunes enfants (EAJE) à l'Union",
            "RENFORCER LES ACTIONS DE PARENTALITÉ",
            "Axe 2 : Accompagner les familles",
        ];
        for text in texts {
            assert_eq!(
                collect_tokens(&mut handing, text),
                collect_tokens(&mut plain, text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_pairs_of_a_text_handed_over_equal_the_pairs_of_a_text_analysed_again() {
        let mut handing = TextAnalyzer::from(Handing::new(french_analyzer()));
        let mut pairs = pairs_analyzer();
        let mut fresh = pairs_analyzer();
        let texts = [
            "la Mission Locale d’Agen et le contrat de ville",
            "lieu d’accueil enfants parents",
            "",
            "lieu d’accueil enfants parents",
        ];
        for (i, text) in texts.iter().enumerate() {
            collect_tokens(&mut handing, text);
            let handed = collect_tokens(&mut pairs, text);
            assert!(!HANDED.with(|h| h.borrow().valid), "taken over");
            assert_eq!(handed, collect_tokens(&mut fresh, text), "{text:?}");
            // Another text than the one handed over is analysed, not replaced by it.
            let other = texts[(i + 1) % texts.len()];
            collect_tokens(&mut handing, text);
            assert_eq!(
                collect_tokens(&mut pairs, other),
                collect_tokens(&mut fresh, other),
                "{other:?} after {text:?}"
            );
        }
    }

    #[test]
    fn the_pairs_of_a_shared_text_equal_its_pairs_made_afresh() {
        let mut memo = TextAnalyzer::from(Memo::sharing_terms());
        let mut pairs = pairs_analyzer();
        let texts: Vec<String> = (0..12)
            .map(|i| format!("Axe {i} : l’accueil du jeune enfant › Fiche {i} : Contrat de ville"))
            .collect();
        for (i, text) in texts.iter().enumerate() {
            collect_tokens(&mut memo, text);
            let mut terms = Vec::new();
            assert!(shared_terms(text, &mut terms), "{text:?} shared");
            assert_eq!(terms, collect_tokens(&mut french_analyzer(), text));
            // Made from the shared terms, the pairs are the pairs of the text.
            assert_eq!(
                collect_tokens(&mut pairs, text),
                collect_tokens(&mut pairs_analyzer(), text)
            );
            // A text older than the memory is no longer shared; a newer one still is.
            if i >= SHARED_TEXTS {
                assert!(!shared_terms(&texts[i - SHARED_TEXTS], &mut terms));
                assert!(shared_terms(&texts[i + 1 - SHARED_TEXTS], &mut terms));
            }
        }
        let mut untouched = vec![Token::default()];
        assert!(!shared_terms("Axe 99 : jamais analysé", &mut untouched));
        assert_eq!(untouched, vec![Token::default()]);
        // A plain memo shares nothing.
        let mut plain = TextAnalyzer::from(Memo::new(french_analyzer()));
        collect_tokens(&mut plain, "Soutien à la parentalité");
        assert!(!shared_terms("Soutien à la parentalité", &mut untouched));
    }
}
