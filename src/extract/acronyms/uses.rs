//! Which sigles a text uses, so the glossary can say who uses what.
//!
//! Why not every capitalized token: plans write headings and field labels in
//! capitals (`ACTION : RENFORCER LES ACTIONS…`, `PARTENAIRES`). A run of text
//! whose words are mostly capitals and that holds a capitalized function word
//! (`DE`, `LES`, `ET`) is such a heading; its capitalized tokens only count
//! when the same document also uses them in ordinary text. Label words that
//! stand alone are listed in `data/acronym_stoplist.txt`. Word-like sigles
//! (`Ofii`) are ordinary-looking words, so they only count when a document
//! defines them.

use std::collections::HashSet;

use crate::text::words::{char_at, is_alphabetic, is_alphanumeric};

use super::text::{
    canonical_sigle, cells, fold, fold_into, is_function_word, is_stoplisted, sigle_shape, FastSet,
    SigleShape,
};

/// One use of a sigle, with byte offsets into the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundUse {
    /// Canonical sigle (`CGET` for `C.G.E.T`).
    pub abbr: String,
    pub start: usize,
    pub end: usize,
}

/// Uses of sigles in `text`, in text order. `word_like` holds the canonical
/// spellings of word-like sigles known to be sigles (`Ofii`).
pub fn find_in_text(text: &str, word_like: &HashSet<String>) -> Vec<FoundUse> {
    // One pass over the text: every token that may count, and every word the
    // text writes in lower case. The capitalized tokens that could be such a
    // word (`SOCIALE`) are decided once all of them are known.
    let mut pending: Vec<Pending> = Vec::new();
    let mut word_queries = WordSet::default();
    let mut lower_case_words: Vec<LowerCaseWord> = Vec::new();
    let mut tokens: Vec<Token> = Vec::new();
    let mut shouted: Vec<bool> = Vec::new();
    for (cell_start, cell) in cells(text) {
        // Only a token starting with an ASCII capital may be a sigle.
        if !tokens_into(cell, cell_start, &mut tokens, &mut lower_case_words) {
            continue;
        }
        shouted_tokens_into(cell, &tokens, &mut shouted);
        for (token_span, &is_shouted) in tokens.iter().zip(&shouted) {
            let (start, end) = (token_span.start, token_span.end);
            let token = &cell[start..end];
            if !token.as_bytes()[0].is_ascii_uppercase() {
                continue;
            }
            let prose_query = match sigle_shape(token) {
                Some(SigleShape::Capitals) => {
                    if is_stoplisted(token) {
                        continue;
                    }
                    let folded = fold(token);
                    if is_function_word(&folded) {
                        continue;
                    }
                    if folded.chars().count() >= MIN_LETTERS_OF_A_WORD {
                        word_queries.insert(&folded);
                        Some(folded)
                    } else {
                        None
                    }
                }
                Some(SigleShape::WordLike) if word_like.contains(token) => None,
                _ => continue,
            };
            pending.push(Pending {
                found: FoundUse {
                    abbr: canonical_sigle(token),
                    start: cell_start + start,
                    end: cell_start + end,
                },
                is_shouted,
                prose_query,
            });
        }
    }
    let prose_words = written_in_lower_case(text, &lower_case_words, &word_queries);
    let mut in_prose = Vec::new();
    let mut in_headings = Vec::new();
    for use_ in pending {
        if use_
            .prose_query
            .is_some_and(|folded| prose_words.contains(&folded))
        {
            continue;
        }
        if use_.is_shouted {
            in_headings.push(use_.found);
        } else {
            in_prose.push(use_.found);
        }
    }
    let confirmed: HashSet<&str> = in_prose
        .iter()
        .map(|u| u.abbr.as_str())
        .chain(word_like.iter().map(String::as_str))
        .collect();
    let confirmed_headings: Vec<FoundUse> = in_headings
        .into_iter()
        .filter(|u| confirmed.contains(u.abbr.as_str()))
        .collect();
    in_prose.extend(confirmed_headings);
    in_prose.sort_by_key(|u| u.start);
    in_prose
}

/// A token that counts as a use unless it is a word of the text.
struct Pending {
    found: FoundUse,
    is_shouted: bool,
    /// Its folded form, when the text writing it in lower case makes it a word.
    prose_query: Option<String>,
}

/// A capitalized token this long that the same text also writes in lower
/// case (`SOCIALE` and `sociale`) is a word in a heading, not a sigle.
/// Shorter tokens are kept: `CAP`, `RAM` are sigles whatever `cap` means.
const MIN_LETTERS_OF_A_WORD: usize = 4;

/// A word the text writes in lower case (or with one initial capital), with
/// at least [`MIN_LETTERS_OF_A_WORD`] letters: a maximal run of letters.
#[derive(Debug, Clone, Copy)]
struct LowerCaseWord {
    start: usize,
    end: usize,
    is_ascii: bool,
}

/// Folded words, with cheap filters (byte length, first two bytes) to answer
/// most "no" without hashing.
#[derive(Default)]
struct WordSet {
    words: FastSet<String>,
    lengths: u64,
    first_pairs: Vec<u64>,
}

impl WordSet {
    fn insert(&mut self, folded: &str) {
        if self.words.contains(folded) {
            return;
        }
        if self.first_pairs.is_empty() {
            self.first_pairs = vec![0; 65536 / 64];
        }
        self.lengths |= 1 << folded.len().min(63);
        let pair = first_pair(folded.as_bytes());
        self.first_pairs[pair / 64] |= 1 << (pair % 64);
        self.words.insert(folded.to_string());
    }

    /// False when no word of the set has that byte length and those first two
    /// bytes.
    fn may_contain(&self, length: usize, pair: usize) -> bool {
        self.lengths & (1 << length.min(63)) != 0
            && self.first_pairs[pair / 64] & (1 << (pair % 64)) != 0
    }

    fn contains(&self, folded: &str) -> bool {
        !self.words.is_empty()
            && self.may_contain(folded.len(), first_pair(folded.as_bytes()))
            && self.words.contains(folded)
    }
}

/// The words of `queries` (folded) among the lower-case words of the text.
fn written_in_lower_case(
    text: &str,
    words: &[LowerCaseWord],
    queries: &WordSet,
) -> FastSet<String> {
    let mut found = FastSet::default();
    if queries.words.is_empty() {
        return found;
    }
    let mut folded = String::new();
    for word in words {
        let word_text = &text[word.start..word.end];
        if word.is_ascii {
            // An ASCII word folds to itself in lower case.
            let bytes = word_text.as_bytes();
            let pair = first_pair(&[bytes[0].to_ascii_lowercase(), bytes[1]]);
            if !queries.may_contain(bytes.len(), pair) {
                continue;
            }
        }
        folded.clear();
        fold_into(word_text, &mut folded);
        if queries.contains(&folded) && !found.contains(&folded) {
            found.insert(folded.clone());
        }
    }
    found
}

/// The first two bytes of a folded word, as one index.
fn first_pair(bytes: &[u8]) -> usize {
    let first = bytes.first().copied().unwrap_or(0);
    let second = bytes.get(1).copied().unwrap_or(0);
    usize::from(first) << 8 | usize::from(second)
}

/// For each token, whether it sits in a heading written in capitals: a run
/// of capitalized words (`CONDITIONS DE RÉUSSITE`, `1.1. FAVORISER LES
/// ECHANGES`) holding a function word, an accented word or a label word,
/// which a list of sigles (`CAF, MSA, CCAS`) never holds. Written into
/// `shouted`, one flag per token.
fn shouted_tokens_into(cell: &str, tokens: &[Token], shouted: &mut Vec<bool>) {
    shouted.clear();
    shouted.resize(tokens.len(), false);
    let mut run_start = 0;
    for index in 0..=tokens.len() {
        let ends_run = match tokens.get(index) {
            Some(token) => token.has_lowercase,
            None => true,
        };
        if !ends_run {
            continue;
        }
        let run = &tokens[run_start..index];
        let mut words = run
            .iter()
            .filter(|token| token.has_alphabetic)
            .map(|token| &cell[token.start..token.end]);
        // A label word (`OBJECTIFS POURSUIVIS`) marks a heading only when
        // the whole cell is in capitals: `PILOTES CCAS - Elus` is a label
        // followed by content.
        let whole_cell = run_start == 0 && index == tokens.len();
        let is_heading = run.len() >= 2
            && words.clone().nth(1).is_some()
            && words.any(|word| {
                let folded = fold(word);
                (is_function_word(&folded) && (folded.chars().count() >= 2 || folded == "a"))
                    || !word.is_ascii()
                    || (whole_cell && is_stoplisted(word))
            });
        if is_heading {
            shouted[run_start..index]
                .iter_mut()
                .for_each(|flag| *flag = true);
        }
        run_start = index + 1;
    }
}

/// A token of a cell: its byte span, and what letters it holds.
#[derive(Debug, Clone, Copy)]
struct Token {
    start: usize,
    end: usize,
    has_lowercase: bool,
    has_alphabetic: bool,
}

/// Keeps a run of letters that ended at `span.end` as a word written in lower case, when it
/// is one: long enough, every letter after the first in lower case.
fn push_word(
    words: &mut Vec<LowerCaseWord>,
    span: std::ops::Range<usize>,
    n_chars: usize,
    rest_lower: bool,
    is_ascii: bool,
) {
    if n_chars >= MIN_LETTERS_OF_A_WORD && rest_lower {
        words.push(LowerCaseWord {
            start: span.start,
            end: span.end,
            is_ascii,
        });
    }
}

/// The tokens of a cell: runs of letters and digits, dots kept between single
/// capitals (`C.G.E.T`); written into `tokens`, in one pass over its bytes.
/// The cell's lower-case words (see [`LowerCaseWord`]) are added to `words`,
/// with offsets in the text (the cell starts at `cell_start`). Returns whether
/// any token starts with an ASCII capital.
fn tokens_into(
    cell: &str,
    cell_start: usize,
    tokens: &mut Vec<Token>,
    words: &mut Vec<LowerCaseWord>,
) -> bool {
    tokens.clear();
    let bytes = cell.as_bytes();
    let mut any_capital_start = false;
    let mut pos = 0;
    while pos < bytes.len() {
        let class = ASCII_CLASS[usize::from(bytes[pos])];
        if class & (ALPHANUMERIC | NON_ASCII) == 0 {
            pos += 1;
            continue;
        }
        if class & NON_ASCII != 0 {
            let (c, len) = char_at(cell, pos);
            if !is_alphanumeric(c) {
                pos += len;
                continue;
            }
        }
        // A token starts: read it to its end.
        let start = pos;
        let (end, seen, has_dot) = read_token(cell, start, cell_start, words);
        let token = &cell[start..end];
        if has_dot && sigle_shape(token).is_none() {
            // Not a dotted sigle: its parts are tokens of their own.
            let mut part_start = start;
            for part in token.split('.') {
                if !part.is_empty() {
                    any_capital_start |= part.as_bytes()[0].is_ascii_uppercase();
                    tokens.push(Token {
                        start: part_start,
                        end: part_start + part.len(),
                        has_lowercase: part.chars().any(char::is_lowercase),
                        has_alphabetic: part.chars().any(char::is_alphabetic),
                    });
                }
                part_start += part.len() + 1;
            }
        } else {
            any_capital_start |= bytes[start].is_ascii_uppercase();
            tokens.push(Token {
                start,
                end,
                has_lowercase: seen & LOWERCASE != 0,
                has_alphabetic: seen & ALPHABETIC != 0,
            });
        }
        pos = end;
    }
    any_capital_start
}

/// Reads the token that starts at `start` of `cell`: its end, the union of its chars'
/// classes, and whether it holds a dot between capitals. Its runs of letters that are
/// lower-case words go to `words`.
#[inline]
fn read_token(
    cell: &str,
    start: usize,
    cell_start: usize,
    words: &mut Vec<LowerCaseWord>,
) -> (usize, u8, bool) {
    let bytes = cell.as_bytes();
    let mut run: Option<LetterRun> = None;
    let mut last_is_ascii_capital = false;
    let mut end = start;
    let mut has_dot = false;
    let mut seen = 0u8;
    while end < bytes.len() {
        let b = bytes[end];
        let class = ASCII_CLASS[usize::from(b)];
        let (len, class) = if class & (ALPHANUMERIC | AMPERSAND) != 0 {
            (1, class)
        } else if class & NON_ASCII != 0 {
            let (c, len) = char_at(cell, end);
            if !is_alphanumeric(c) {
                break;
            }
            let mut class = ALPHANUMERIC;
            if is_alphabetic(c) {
                class |= ALPHABETIC;
            }
            if c.is_lowercase() {
                class |= LOWERCASE;
            }
            (len, class)
        } else if b == b'.'
            && last_is_ascii_capital
            && bytes.get(end + 1).is_some_and(u8::is_ascii_uppercase)
        {
            has_dot = true;
            (1, 0)
        } else {
            break;
        };
        seen |= class;
        if class & ALPHABETIC != 0 {
            LetterRun::extend(&mut run, end, len, class & LOWERCASE != 0);
        } else {
            LetterRun::close(&mut run, cell_start, end, words);
        }
        last_is_ascii_capital = class & UPPERCASE != 0;
        end += len;
    }
    LetterRun::close(&mut run, cell_start, end, words);
    (end, seen, has_dot)
}

/// A run of letters being read inside a token: where it starts, its chars, whether all
/// but the first are in lower case and all are ASCII.
struct LetterRun {
    start: usize,
    chars: usize,
    rest_lower: bool,
    ascii: bool,
}

impl LetterRun {
    /// Adds the letter at `at` (`len` bytes) to the open run, or opens one with it.
    #[inline]
    fn extend(run: &mut Option<LetterRun>, at: usize, len: usize, lowercase: bool) {
        match run {
            Some(run) => {
                run.chars += 1;
                run.rest_lower &= lowercase;
                run.ascii &= len == 1;
            }
            None => {
                *run = Some(LetterRun {
                    start: at,
                    chars: 1,
                    rest_lower: true,
                    ascii: len == 1,
                });
            }
        }
    }

    /// Closes the open run at `end` (offsets in the cell, which starts at `cell_start`),
    /// keeping it as a lower-case word when it is one.
    #[inline]
    fn close(
        run: &mut Option<LetterRun>,
        cell_start: usize,
        end: usize,
        words: &mut Vec<LowerCaseWord>,
    ) {
        if let Some(run) = run.take() {
            push_word(
                words,
                cell_start + run.start..cell_start + end,
                run.chars,
                run.rest_lower,
                run.ascii,
            );
        }
    }
}

const ALPHANUMERIC: u8 = 1;
const ALPHABETIC: u8 = 2;
const LOWERCASE: u8 = 4;
/// ASCII capital (only ASCII bytes get it).
const UPPERCASE: u8 = 8;
const AMPERSAND: u8 = 16;
/// A byte of a multi-byte char: decode it to know more.
const NON_ASCII: u8 = 32;

/// What each byte says of the char it is (or starts).
static ASCII_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_lowercase() {
            ALPHANUMERIC | ALPHABETIC | LOWERCASE
        } else if byte.is_ascii_uppercase() {
            ALPHANUMERIC | ALPHABETIC | UPPERCASE
        } else if byte.is_ascii_digit() {
            ALPHANUMERIC
        } else if byte == b'&' {
            AMPERSAND
        } else if byte >= 0x80 {
            NON_ASCII
        } else {
            0
        };
        b += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, word_like: &[&str]) -> Vec<String> {
        let word_like = word_like.iter().map(|s| s.to_string()).collect();
        find_in_text(text, &word_like)
            .into_iter()
            .map(|u| u.abbr)
            .collect()
    }

    #[test]
    fn sigles_in_prose_are_uses() {
        assert_eq!(
            check(
                "Acteurs : LAEP, MLS, EAJE, CAF (éventuellement) – co-portage MLS-LAEP",
                &[]
            ),
            ["LAEP", "MLS", "EAJE", "CAF", "MLS", "LAEP"]
        );
    }

    #[test]
    fn dotted_sigles_are_canonical() {
        assert_eq!(check("le C.G.E.T. et la CAF.", &[]), ["CGET", "CAF"]);
    }

    #[test]
    fn headings_in_capitals_only_confirm_known_sigles() {
        let text = "ACTION : POURSUIVRE LES ACTIONS DE VALORISATION DU CLAS AUPRÈS DES FAMILLES\nle CLAS accueille";
        assert_eq!(check(text, &[]), ["CLAS", "CLAS"]);
    }

    #[test]
    fn headings_inside_prose_cells_are_recognized() {
        let text = "CONDITIONS DE RÉUSSITE Bilans pour évaluer les besoins - SIAM, CAF, MSA";
        assert_eq!(check(text, &[]), ["SIAM", "CAF", "MSA"]);
        assert!(check(
            "<p>DISPOSITIFS REGIONAUX DE LUTTE CONTRE L'ILLETTRISME</p> le suivi",
            &[]
        )
        .is_empty());
    }

    #[test]
    fn capitalized_words_also_written_in_lower_case_are_not_sigles() {
        let text = "PILIER N°1 : COHESION SOCIALE avec la CAF\nla cohésion sociale";
        assert_eq!(check(text, &[]), ["CAF"]);
    }

    #[test]
    fn a_cell_of_capitals_with_a_label_word_is_a_heading() {
        assert!(check("OBJECTIFS POURSUIVIS", &[]).is_empty());
        assert!(check("HORS APPEL A PROJET", &[]).is_empty());
        assert_eq!(
            check("OBJECTIFS POURSUIVIS\tavec le CCAS\nPILOTES CCAS", &[]),
            ["CCAS", "CCAS"]
        );
    }

    #[test]
    fn field_labels_and_numerals_are_not_sigles() {
        assert_eq!(
            check("| PILOTES CCAS - Elus | PARTENAIRES Mission Locale |", &[]),
            ["CCAS"]
        );
        assert_eq!(check("II - BUTS / OBJECTIFS", &[]), Vec::<String>::new());
    }

    #[test]
    fn word_like_sigles_count_only_when_known() {
        assert_eq!(
            check("l'offre de l'Ofii et de la Ville", &["Ofii"]),
            ["Ofii"]
        );
        assert!(check("l'offre de l'Ofii", &[]).is_empty());
    }

    #[test]
    fn accented_text_does_not_panic_or_split_characters() {
        assert_eq!(
            check("ÉLÉMENTS DE DIAGNOSTIC É.É. Œ (F/H) CAFÉ", &[]),
            Vec::<String>::new()
        );
    }
}
