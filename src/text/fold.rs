//! Lower case, accents removed, ligatures and compatibility forms opened: `Égalité` →
//! `egalite`, `Œuvre` → `oeuvre`, `ﬁche` → `fiche`, `Straße` → `strasse`.
//!
//! The fold of the accented Latin letters (U+0080 to U+024F, nearly every non-ASCII
//! letter of a French plan) is computed once into a table; anything else is folded as
//! it comes.

use once_cell::sync::Lazy;
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// First code point past the table.
const TABLE_END: u32 = 0x250;

/// The folds of U+0080 to U+024F.
static LATIN: Lazy<Vec<Box<str>>> = Lazy::new(|| {
    (0x80..TABLE_END)
        .map(|code| {
            let mut folded = String::new();
            if let Some(c) = char::from_u32(code) {
                fold_char_slow(c, &mut folded);
            }
            folded.into_boxed_str()
        })
        .collect()
});

/// The fold of one character, appended to `out`.
#[inline]
pub fn fold_char_into(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if u32::from(c) < TABLE_END {
        out.push_str(&LATIN[(u32::from(c) - 0x80) as usize]);
    } else {
        fold_char_slow(c, out);
    }
}

fn fold_char_slow(c: char, out: &mut String) {
    for lower in c.to_lowercase() {
        match lower {
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            'ø' => out.push('o'),
            'đ' => out.push('d'),
            'ł' => out.push('l'),
            'ı' => out.push('i'),
            _ => decompose_compatible(lower, |part| {
                if !is_combining_mark(part) {
                    // Compatibility forms may decompose to capitals (`Ⅻ`).
                    out.extend(part.to_lowercase());
                }
            }),
        }
    }
}

/// How a fold treats the marks between words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marks {
    /// Kept as the letter fold leaves them: the analyzer's and the keys' fold.
    Kept,
    /// Every apostrophe written `'`, every dash and white space one space: how names are
    /// scanned, so `Pôle‑Emploi` and `pole emploi`, `l’Union` and `l'Union` meet.
    Spaced,
}

/// The fold of one character with its marks treated as `marks` says, appended to `out`.
#[inline]
pub fn fold_char_marks_into(c: char, marks: Marks, out: &mut String) {
    if marks == Marks::Spaced {
        match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}' => return out.push('\''),
            '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => {
                return out.push(' ')
            }
            c if c.is_whitespace() => return out.push(' '),
            _ => {}
        }
    }
    fold_char_into(c, out);
}

/// [`fold`] with its marks treated as `marks` says.
pub fn fold_marks(text: &str, marks: Marks) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char_marks_into(c, marks, &mut out);
    }
    out
}

/// A folded text that remembers, for each of its bytes, where in the input it came from:
/// a ligature opens into several bytes (`ﬁ` → `fi`, `Œ` → `oe`, `ß` → `ss`) that all point
/// at the one input character, so a span found in the fold maps back to whole characters
/// of the input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Folded {
    /// The fold.
    pub text: String,
    /// `origins[i]`: the byte offset, in the input, of the character folded byte `i` came
    /// from. Non-decreasing, always on an input character boundary.
    origins: Vec<u32>,
    input_len: usize,
}

impl Folded {
    /// The fold of `input`, marks treated as `marks` says, with its offset map.
    pub fn new(input: &str, marks: Marks) -> Folded {
        let mut text = String::with_capacity(input.len());
        let mut origins = Vec::with_capacity(input.len());
        for (at, c) in input.char_indices() {
            fold_char_marks_into(c, marks, &mut text);
            origins.resize(text.len(), at as u32);
        }
        Folded {
            text,
            origins,
            input_len: input.len(),
        }
    }

    /// The input byte offset where folded byte `folded` starts (the input's length at the
    /// end of the fold). Inside a character's fold, the start of that character.
    pub fn input_offset(&self, folded: usize) -> usize {
        self.origins
            .get(folded)
            .map_or(self.input_len, |&at| at as usize)
    }

    /// The input byte offset where the fold of `text[..folded]` ends: the end of the input
    /// character folded byte `folded - 1` came from, so a span never cuts a ligature.
    pub fn input_end(&self, folded: usize) -> usize {
        if folded == 0 {
            return 0;
        }
        let last = self.input_offset(folded - 1);
        // The next input character starts where the first folded byte not from `last` does.
        let next = self.origins[folded..].partition_point(|&at| at as usize == last);
        self.input_offset(folded + next)
    }
}

/// [`fold`], appended to `out`.
pub fn fold_into(text: &str, out: &mut String) {
    for c in text.chars() {
        fold_char_into(c, out);
    }
}

/// The folded form of `text`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn french_spellings_fold_together() {
        for (a, b) in [
            ("Œuvre", "oeuvre"),
            ("ŒUVRE", "Oeuvre"),
            ("ﬁche", "fiche"),
            ("Straße", "STRASSE"),
            ("Égalité", "egalite"),
            ("RÉUSSITE ÉDUCATIVE", "reussite educative"),
            ("Alès", "ALES"),
            ("Cœur", "coeur"),
        ] {
            assert_eq!(fold(a), fold(b), "{a} / {b}");
        }
    }

    #[test]
    fn the_table_agrees_with_the_slow_fold() {
        for code in 0x80..TABLE_END {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let mut slow = String::new();
            fold_char_slow(c, &mut slow);
            let mut fast = String::new();
            fold_char_into(c, &mut fast);
            assert_eq!(fast, slow, "U+{code:04X}");
        }
    }

    #[test]
    fn spaced_marks_fold_dashes_and_apostrophes() {
        assert_eq!(fold_marks("Pôle‑Emploi", Marks::Spaced), "pole emploi");
        assert_eq!(fold_marks("l’Union", Marks::Spaced), "l'union");
        assert_eq!(fold_marks("Pôle-Emploi", Marks::Kept), "pole-emploi");
    }

    #[test]
    fn offsets_point_at_the_character_a_ligature_came_from() {
        let folded = Folded::new("Œuvre ﬁnancée", Marks::Kept);
        assert_eq!(folded.text, "oeuvre financee");
        // `o` and `e` both come from `Œ` (two bytes), `fi` from `ﬁ` (three bytes).
        assert_eq!(folded.input_offset(1), 0);
        assert_eq!(folded.input_end(1), 2, "half a ligature ends after it");
        assert_eq!(folded.input_offset(7), "Œuvre ".len());
        assert_eq!(folded.input_end(9), "Œuvre ﬁ".len());
        assert_eq!(folded.input_end(folded.text.len()), "Œuvre ﬁnancée".len());
    }

    proptest! {
        /// Every offset falls on a character boundary of the input and they never go back.
        #[test]
        fn offsets_are_boundaries_and_monotonic(text in "[a-zA-Zéèàœ ŒﬁﬂßÆ’ⅫĲ²·-]{0,30}") {
            for marks in [Marks::Kept, Marks::Spaced] {
                let folded = Folded::new(&text, marks);
                let (mut previous_at, mut previous_end) = (0, 0);
                for i in 0..=folded.text.len() {
                    let at = folded.input_offset(i);
                    let end = folded.input_end(i);
                    prop_assert!(text.is_char_boundary(at) && text.is_char_boundary(end));
                    prop_assert!(at >= previous_at && end >= previous_end);
                    (previous_at, previous_end) = (at, end);
                    if folded.text.is_char_boundary(i) {
                        // The fold of the input up to the span's end starts with the span.
                        prop_assert!(fold_marks(&text[..end], marks).starts_with(&folded.text[..i]));
                    }
                }
            }
        }


        /// Folding is idempotent, and capitals and accents never matter.
        #[test]
        fn folding_is_stable(text in "[a-zA-ZàâäçéèêëîïôöùûüÿœæÀÂÇÉÈÊËÎÏÔÙÛŒÆ ﬁﬂß'’-]{0,40}") {
            let once = fold(&text);
            prop_assert_eq!(fold(&once), once.clone());
            prop_assert_eq!(fold(&text.to_uppercase()), fold(&text.to_lowercase()));
        }
    }
}
