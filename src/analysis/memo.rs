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

use std::collections::VecDeque;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

/// Texts remembered: a passage's section and the sections around it.
const REMEMBERED: usize = 8;

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
    /// The terms of each text analysed are also left to its thread for the pairs' analyzer
    /// ([`super::handover::shared_terms`]).
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

    /// The French analyzer remembering its last texts, whose terms the pairs' analyzer
    /// takes up on the same thread (a title's or a heading path's pairs are made just after
    /// its terms).
    pub fn sharing_terms() -> Memo {
        Memo {
            sharing: true,
            ..Memo::new(super::french_analyzer())
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
                    super::handover::share(text, &tokens);
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
