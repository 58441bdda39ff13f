//! Word splitting for French administrative prose.
//!
//! Why not tantivy's `SimpleTokenizer`: our documents spell one acronym as
//! `C.G.E.T` or `CGET`, number their plans `1.2.5` or `4.2.4.c`, write
//! inclusive forms such as `habitant.e.s`, and glue elided articles to the
//! next word (`l’accueil`, `D’ACCÈS`). Splitting blindly on every
//! non-alphanumeric character would make `C.G.E.T` four one-letter terms
//! that never meet `CGET`, and would lose the apostrophe that tells the
//! elision filter an article was elided. So this tokenizer:
//!
//! - splits on anything that is not a letter, a digit or a combining mark
//!   (hyphens included: `Haute-Garonne` is two tokens at consecutive
//!   positions, so it is found by its parts and as a phrase);
//! - keeps a trailing apostrophe on a word directly followed by another
//!   word (`l’accueil` → `l'` then `accueil`), both `'` and `’`, for
//!   [`super::elision`] to decide;
//! - joins dotted single letters into one acronym (`C.G.E.T.` → `CGET`);
//! - keeps dotted numbers and plan codes whole (`1.2.5`, `4.2.4.c`, `1,5`);
//! - reduces inclusive writing to its first part (`habitant.e.s` →
//!   `habitant`, which stems like `habitants`).
//!
//! Offsets always point at the original text; positions count tokens.
//!
//! # Example
//! ```rust
//! use maillage::analysis::tokenizer::FrenchTokenizer;
//! use tantivy::tokenizer::{TokenStream, Tokenizer};
//!
//! let mut tokenizer = FrenchTokenizer::default();
//! let mut stream = tokenizer.token_stream("Le C.G.E.T et l’ANCT");
//! let mut texts = Vec::new();
//! while let Some(token) = stream.next() {
//!     texts.push(token.text.clone());
//! }
//! assert_eq!(texts, ["Le", "CGET", "et", "l'", "ANCT"]);
//! ```

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::char::is_combining_mark;

use crate::text::words::char_at;

/// Endings of inclusive writing (`habitant.e.s`, `acteur.rice.s`,
/// `professionnel·le·s`): a closed grammatical set, not a vocabulary.
const INCLUSIVE_ENDINGS: &[&str] = &[
    "e", "s", "es", "le", "les", "ne", "nes", "se", "ses", "te", "tes", "ice", "ices", "rice",
    "rices", "euse", "euses", "ve", "ves", "fe", "fes", "ère", "ères", "ière", "ières", "eure",
    "eures", "ale", "ales", "x",
];

/// Splits French text into raw tokens (original case, see the module doc).
#[derive(Clone, Default)]
pub struct FrenchTokenizer {
    token: Token,
}

/// Stream of [`FrenchTokenizer`].
pub struct FrenchTokenStream<'a> {
    text: &'a str,
    /// Byte index where the search for the next token starts.
    cursor: usize,
    token: &'a mut Token,
}

impl Tokenizer for FrenchTokenizer {
    type TokenStream<'a> = FrenchTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FrenchTokenStream<'a> {
        self.token.reset();
        FrenchTokenStream {
            text,
            cursor: 0,
            token: &mut self.token,
        }
    }
}

/// A character that belongs inside a word.
#[inline]
pub fn is_word_char(character: char) -> bool {
    super::folding::is_alphanumeric(character) || is_mark(character)
}

/// A combining mark (a decomposed accent). None comes before U+0300: spaces and punctuation,
/// most of what is not a word character, are told apart without the table's search.
#[inline]
fn is_mark(character: char) -> bool {
    character as u32 >= 0x300 && is_combining_mark(character)
}

/// Straight, typographic and modifier apostrophes, as found in real files.
pub fn is_apostrophe(character: char) -> bool {
    matches!(character, '\'' | '’' | 'ʼ' | '‘' | '´' | '`')
}

/// Separators that may join segments of one token (acronym, code,
/// inclusive form) when they sit between two word characters.
fn is_joining_dot(character: char) -> bool {
    matches!(character, '.' | '·' | '•' | '‧')
}

/// What the segments of a dotted run look like.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum RunShape {
    /// `C.G.E.T`: every segment is one letter.
    Acronym,
    /// `1.2.5`, `4.2.4.c`, `1,5`: starts with a number, then numbers or letters.
    Code,
    /// `habitant.e.s`: a word then inclusive endings.
    Inclusive,
    /// Anything else: only the first segment is a token.
    Mixed,
}

/// One maximal run of word characters starting at `start`; returns its end.
fn segment_end(text: &str, start: usize) -> usize {
    find_from(text, start, |character| !is_word_char(character)).unwrap_or(text.len())
}

/// The first character at or after byte `from` (a character boundary) that `wanted` accepts,
/// read without decoding ASCII, most of French text.
#[inline]
fn find_from(text: &str, from: usize, wanted: impl Fn(char) -> bool) -> Option<usize> {
    let mut at = from;
    while at < text.len() {
        let (character, len) = char_at(text, at);
        if wanted(character) {
            return Some(at);
        }
        at += len;
    }
    None
}

fn first_char(text: &str, at: usize) -> Option<char> {
    text.get(at..).and_then(|rest| rest.chars().next())
}

fn is_all_digits(segment: &str) -> bool {
    !segment.is_empty() && segment.chars().all(|character| character.is_ascii_digit())
}

fn is_single_letter(segment: &str) -> bool {
    let mut characters = segment.chars().filter(|&character| !is_mark(character));
    matches!((characters.next(), characters.next()), (Some(letter), None) if letter.is_alphabetic())
}

fn is_inclusive_ending(segment: &str, word_is_upper_case: bool) -> bool {
    let all_lower = segment.chars().all(|character| !character.is_uppercase());
    let all_upper = segment.chars().all(|character| !character.is_lowercase());
    if !(all_lower || (word_is_upper_case && all_upper)) {
        return false;
    }
    let lower = segment.to_lowercase();
    INCLUSIVE_ENDINGS.contains(&lower.as_str())
}

fn is_inclusive_word(segment: &str) -> bool {
    segment.chars().count() >= 2 && segment.chars().all(char::is_alphabetic)
}

impl<'a> FrenchTokenStream<'a> {
    /// Start of the next word character at or after the cursor.
    fn next_word_start(&self) -> Option<usize> {
        find_from(self.text, self.cursor, is_word_char)
    }

    fn emit(&mut self, from: usize, to: usize, text: &str) {
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.text.clear();
        self.token.text.push_str(text);
        self.cursor = to;
    }

    /// Scans the dotted run that begins with the segment `start..end` and
    /// emits one token for it. Returns false when the run is a single segment.
    fn emit_dotted_run(&mut self, start: usize, first_end: usize) -> bool {
        let text = self.text;
        // Fast path: most words are followed by a space or punctuation.
        let may_join = first_char(text, first_end)
            .is_some_and(|character| is_joining_dot(character) || character == ',');
        if !may_join {
            return false;
        }
        let first = &text[start..first_end];
        let mut end = first_end;
        let mut n_segments = 1usize;
        let mut all_single_letters = is_single_letter(first);
        let mut code_like = is_all_digits(first);
        let inclusive_word = is_inclusive_word(first);
        let word_is_upper_case = !first.chars().any(char::is_lowercase);
        let mut all_inclusive_endings = inclusive_word;
        while let Some(separator) = first_char(text, end) {
            let next_start = end + separator.len_utf8();
            let Some(after) = first_char(text, next_start) else {
                break;
            };
            if !is_word_char(after) || !(is_joining_dot(separator) || separator == ',') {
                break;
            }
            let next_end = segment_end(text, next_start);
            let segment = &text[next_start..next_end];
            // A decimal comma joins numbers only: `1,5` but not `1,a` nor `a,1`.
            let comma_joins = code_like && is_all_digits(segment) && {
                let previous = &text[..end];
                previous.ends_with(|character: char| character.is_ascii_digit())
            };
            if separator == ',' && !comma_joins {
                break;
            }
            n_segments += 1;
            all_single_letters &= is_single_letter(segment);
            code_like &= is_all_digits(segment) || is_single_letter(segment);
            all_inclusive_endings &= is_inclusive_ending(segment, word_is_upper_case);
            end = next_end;
        }
        if n_segments < 2 {
            return false;
        }
        let shape = if all_single_letters {
            RunShape::Acronym
        } else if code_like {
            RunShape::Code
        } else if all_inclusive_endings {
            RunShape::Inclusive
        } else {
            RunShape::Mixed
        };
        match shape {
            RunShape::Acronym => {
                let mut offset_to = end;
                if first_char(text, end).is_some_and(|character| character == '.') {
                    offset_to += 1;
                }
                self.token.offset_from = start;
                self.token.offset_to = offset_to;
                self.token.text.clear();
                self.token.text.extend(
                    text[start..end]
                        .chars()
                        .filter(|&character| is_word_char(character)),
                );
                self.cursor = offset_to;
            }
            RunShape::Code => self.emit(start, end, &text[start..end]),
            RunShape::Inclusive => {
                self.emit(start, end, first);
            }
            RunShape::Mixed => self.emit(start, first_end, first),
        }
        true
    }
}

impl<'a> TokenStream for FrenchTokenStream<'a> {
    fn advance(&mut self) -> bool {
        let Some(start) = self.next_word_start() else {
            self.cursor = self.text.len();
            return false;
        };
        self.token.position = self.token.position.wrapping_add(1);
        self.token.position_length = 1;
        let text = self.text;
        let end = segment_end(text, start);
        // `l’accueil`: keep the apostrophe as a marker for the elision filter.
        if let Some(separator) = first_char(text, end).filter(|&character| is_apostrophe(character))
        {
            let after_apostrophe = end + separator.len_utf8();
            if first_char(text, after_apostrophe).is_some_and(is_word_char) {
                self.token.offset_from = start;
                self.token.offset_to = after_apostrophe;
                self.token.text.clear();
                self.token.text.push_str(&text[start..end]);
                self.token.text.push('\'');
                self.cursor = after_apostrophe;
                return true;
            }
        }
        if !self.emit_dotted_run(start, end) {
            self.emit(start, end, &text[start..end]);
        }
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tests::{assert_token, collect_tokens};
    use tantivy::tokenizer::TextAnalyzer;

    fn tokens_of(text: &str) -> Vec<Token> {
        collect_tokens(&mut TextAnalyzer::from(FrenchTokenizer::default()), text)
    }

    fn texts_of(text: &str) -> Vec<String> {
        crate::analysis::tests::texts(tokens_of(text))
    }

    #[test]
    fn word_bounds_read_by_bytes_are_those_read_by_characters() {
        let text =
            "L’ÉTÉ 2024 : «\u{a0}accueil\u{a0}» — de\u{301}cision · CAF/MSA, œuvre 🙂 n°3\tfin.";
        for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let by_characters = text[start..]
                .char_indices()
                .find(|&(_, c)| !is_word_char(c))
                .map_or(text.len(), |(i, _)| start + i);
            assert_eq!(segment_end(text, start), by_characters, "from {start}");
            let next_word = text[start..]
                .char_indices()
                .find(|&(_, c)| is_word_char(c))
                .map(|(i, _)| start + i);
            assert_eq!(
                find_from(text, start, is_word_char),
                next_word,
                "from {start}"
            );
        }
    }

    #[test]
    fn marks_are_told_apart_as_the_table_does() {
        // Under U+0300 the table is not searched: it must hold no mark there.
        for character in (0..0x4000u32).filter_map(char::from_u32) {
            assert_eq!(
                is_mark(character),
                is_combining_mark(character),
                "{character:?} U+{:04X}",
                character as u32
            );
        }
        // « é » decomposed is one word of two characters.
        assert_eq!(
            texts_of("de\u{301}cision, e\u{301}te\u{301}"),
            ["de\u{301}cision", "e\u{301}te\u{301}"]
        );
    }

    #[test]
    fn splits_on_spaces_punctuation_and_hyphens() {
        let tokens = tokens_of("Haute-Garonne, Emploi–Formation !");
        assert_eq!(tokens.len(), 4);
        assert_token(&tokens[0], 0, "Haute", 0, 5);
        assert_token(&tokens[1], 1, "Garonne", 6, 13);
        assert_token(&tokens[2], 2, "Emploi", 15, 21);
        // The en dash is three bytes long.
        assert_token(&tokens[3], 3, "Formation", 24, 33);
    }

    #[test]
    fn keeps_apostrophe_of_elided_word_with_both_apostrophes() {
        let tokens = tokens_of("l'accueil d’été");
        assert_token(&tokens[0], 0, "l'", 0, 2);
        assert_token(&tokens[1], 1, "accueil", 2, 9);
        assert_token(&tokens[2], 2, "d'", 10, 14);
        assert_token(&tokens[3], 3, "été", 14, 19);
        assert_eq!(texts_of("Val-d'Oise"), ["Val", "d'", "Oise"]);
    }

    #[test]
    fn closing_quote_is_not_an_elision() {
        assert_eq!(texts_of("'projet' l' "), ["projet", "l"]);
    }

    #[test]
    fn joins_dotted_acronym_with_and_without_final_dot() {
        let tokens = tokens_of("C.G.E.T. et C.A.F");
        assert_token(&tokens[0], 0, "CGET", 0, 8);
        assert_token(&tokens[1], 1, "et", 9, 11);
        assert_token(&tokens[2], 2, "CAF", 12, 17);
    }

    #[test]
    fn keeps_plan_numbers_and_codes_whole() {
        assert_eq!(
            texts_of("Action 1.2.5. puis 4.2.4.c. et 1,5 ETP, 2020-2021"),
            ["Action", "1.2.5", "puis", "4.2.4.c", "et", "1,5", "ETP", "2020", "2021"]
        );
    }

    #[test]
    fn decimal_comma_needs_digits_on_both_sides() {
        assert_eq!(
            texts_of("axes 1,a et 2, 3"),
            ["axes", "1", "a", "et", "2", "3"]
        );
    }

    #[test]
    fn reduces_inclusive_writing_to_the_word() {
        let tokens = tokens_of("les habitant.e.s et professionnel·le·s");
        assert_token(&tokens[1], 1, "habitant", 4, 16);
        assert_eq!(tokens[3].text, "professionnel");
        assert_eq!(texts_of("HABITANT.E.S"), ["HABITANT"]);
    }

    #[test]
    fn missing_space_after_full_stop_still_splits() {
        assert_eq!(
            texts_of("avec le PLIE.Les jeunes"),
            ["avec", "le", "PLIE", "Les", "jeunes"]
        );
        assert_eq!(
            texts_of("magali.thuillier@cergy.fr"),
            ["magali", "thuillier", "cergy", "fr"]
        );
    }

    #[test]
    fn never_splits_a_multibyte_character() {
        let text = "œuvre « Réussite » ÉTÉ ’’ l’ d’ ·é. —";
        for token in tokens_of(text) {
            assert!(text.get(token.offset_from..token.offset_to).is_some());
        }
        assert_eq!(texts_of("œuvre « Réussite »"), ["œuvre", "Réussite"]);
    }

    #[test]
    fn empty_and_punctuation_only_texts_give_nothing() {
        assert!(tokens_of("").is_empty());
        assert!(tokens_of(" ... ’ - « » ").is_empty());
    }
}
