//! The analyzer with a memory of the last few texts it analysed.
//!
//! Why: every passage is indexed with its document's title and its section's heading path,
//! so those two fields repeat the same few strings passage after passage: most of the words a
//! build analyses are words it analysed a moment ago. Remembering the tokens of the last texts
//! and replaying them gives the very same tokens (index and query still share one analyzer)
//! for a string comparison instead of a tokenisation, elision, folding and stemming.
//!
//! # Example
//! ```rust
//! use maillage::analysis::{french_analyzer, memo::Memo};
//! use tantivy::tokenizer::{TextAnalyzer, TokenStream};
//!
//! let mut memo = TextAnalyzer::from(Memo::new(french_analyzer()));
//! for _ in 0..3 {
//!     let mut terms = Vec::new();
//!     let mut stream = memo.token_stream("Axe 2 › Soutenir la parentalité");
//!     while let Some(token) = stream.next() {
//!         terms.push(token.text.clone());
//!     }
//!     assert_eq!(terms, ["axe", "2", "souten", "parental"]);
//! }
//! ```

use std::cell::RefCell;
use std::collections::VecDeque;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use super::handover::copy_tokens;

/// Texts remembered: a passage's section and the sections around it.
const REMEMBERED: usize = 8;

thread_local! {
    /// The terms of the last texts a [`Memo::sharing`] analysed on this thread, newest
    /// first: the pairs of a title or a heading path are made from them
    /// ([`super::pairs::PairFilter`]) instead of analysing the text again.
    static SHARED: RefCell<VecDeque<(String, Vec<Token>)>> =
        RefCell::new(VecDeque::with_capacity(REMEMBERED));
}

/// Puts the terms of `text` into `terms` when a [`Memo::sharing`] analysed it lately on
/// this thread; false, and `terms` untouched, otherwise.
pub(super) fn shared_terms(text: &str, terms: &mut Vec<Token>) -> bool {
    SHARED.with(|shared| {
        let shared = shared.borrow();
        let Some((_, tokens)) = shared.iter().find(|(t, _)| t == text) else {
            return false;
        };
        copy_tokens(tokens, terms);
        true
    })
}

/// Remembers `tokens` as the terms of `text` for [`shared_terms`].
fn share(text: &str, tokens: &[Token]) {
    SHARED.with(|shared| {
        let mut shared = shared.borrow_mut();
        let (mut t, mut toks) = if shared.len() >= REMEMBERED {
            shared.pop_back().unwrap_or_default()
        } else {
            Default::default()
        };
        t.clear();
        t.push_str(text);
        copy_tokens(tokens, &mut toks);
        shared.push_front((t, toks));
    });
}

/// One remembered text and its tokens.
#[derive(Clone)]
struct Entry {
    text: String,
    tokens: Vec<Token>,
    /// A consumer changed a replayed token: the entry no longer matches its text.
    touched: bool,
}

/// A tokenizer replaying the tokens of recently seen texts (see the module doc).
#[derive(Clone)]
pub struct Memo {
    inner: TextAnalyzer,
    entries: VecDeque<Entry>,
    /// The tokens of each text analysed are also given to its thread ([`shared_terms`]).
    sharing: bool,
}

impl Memo {
    pub fn new(inner: TextAnalyzer) -> Memo {
        Memo {
            inner,
            entries: VecDeque::with_capacity(REMEMBERED),
            sharing: false,
        }
    }

    /// A memo whose analyses the pairs' analyzer takes up on the same thread: `inner` must
    /// be the analyzer the pairs are made from ([`super::french_analyzer`]).
    pub fn sharing(inner: TextAnalyzer) -> Memo {
        Memo {
            sharing: true,
            ..Memo::new(inner)
        }
    }
}

impl Tokenizer for Memo {
    type TokenStream<'a> = Replay<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Replay<'a> {
        self.entries.retain(|e| !e.touched);
        let found = self.entries.iter().position(|e| e.text == text);
        let index = match found {
            Some(index) => index,
            None => {
                let mut tokens = Vec::new();
                let mut stream = self.inner.token_stream(text);
                while stream.advance() {
                    tokens.push(stream.token().clone());
                }
                if self.sharing {
                    share(text, &tokens);
                }
                if self.entries.len() >= REMEMBERED {
                    self.entries.pop_back();
                }
                self.entries.push_front(Entry {
                    text: text.to_string(),
                    tokens,
                    touched: false,
                });
                0
            }
        };
        let entry = &mut self.entries[index];
        Replay::new(&mut entry.tokens, Some(&mut entry.touched))
    }
}

/// The tokens of one text made earlier, in order.
pub struct Replay<'a> {
    tokens: &'a mut [Token],
    /// Set when a consumer changes a token, if the tokens are kept for another time.
    touched: Option<&'a mut bool>,
    /// Index of the next token; the current one is `next - 1`.
    next: usize,
}

impl<'a> Replay<'a> {
    /// Replays `tokens`; `touched` is set if a consumer changes one.
    pub(super) fn new(tokens: &'a mut [Token], touched: Option<&'a mut bool>) -> Replay<'a> {
        Replay {
            tokens,
            touched,
            next: 0,
        }
    }
}

impl TokenStream for Replay<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next.max(1) - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        if let Some(touched) = self.touched.as_deref_mut() {
            *touched = true;
        }
        &mut self.tokens[self.next.max(1) - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::french_analyzer;
    use crate::analysis::tests::collect_tokens;

    #[test]
    fn replays_exactly_what_the_analyzer_gives() {
        let mut plain = french_analyzer();
        let mut memo = TextAnalyzer::from(Memo::new(french_analyzer()));
        let texts = [
            "Convention Territoriale Globale — Cornebarrieu",
            "Axe 2 : Accompagner les familles › ACTION : RENFORCER LES ACTIONS DE PARENTALITÉ",
            "Convention Territoriale Globale — Cornebarrieu",
            "",
            "l’accueil des jeunes enfants (EAJE) à l'Union",
            "Axe 2 : Accompagner les familles › ACTION : RENFORCER LES ACTIONS DE PARENTALITÉ",
        ];
        // Many rounds, more texts than remembered: hits, misses and evictions.
        for round in 0..4 {
            for (i, text) in texts.iter().enumerate() {
                let varied = format!("{text} {}", (round + i) % 11);
                for t in [*text, varied.as_str()] {
                    assert_eq!(
                        collect_tokens(&mut memo, t),
                        collect_tokens(&mut plain, t),
                        "{t:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_pairs_of_a_shared_text_equal_its_pairs_made_afresh() {
        let mut memo = TextAnalyzer::from(Memo::sharing(french_analyzer()));
        let mut pairs = crate::analysis::pairs_analyzer();
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
                collect_tokens(&mut crate::analysis::pairs_analyzer(), text)
            );
            // A text older than the memory is no longer shared; a newer one still is.
            if i >= REMEMBERED {
                assert!(!shared_terms(&texts[i - REMEMBERED], &mut terms));
                assert!(shared_terms(&texts[i + 1 - REMEMBERED], &mut terms));
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

    #[test]
    fn a_changed_token_is_not_replayed() {
        let mut memo = Memo::new(french_analyzer());
        {
            let mut stream = memo.token_stream("Soutien à la parentalité");
            assert!(stream.advance());
            stream.token_mut().text = "changé".to_string();
        }
        let mut stream = memo.token_stream("Soutien à la parentalité");
        assert!(stream.advance());
        assert_eq!(stream.token().text, "soutien");
    }
}
