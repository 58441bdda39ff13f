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

    proptest! {
        /// Folding is idempotent, and capitals and accents never matter.
        #[test]
        fn folding_is_stable(text in "[a-zA-ZàâäçéèêëîïôöùûüÿœæÀÂÇÉÈÊËÎÏÔÙÛŒÆ ﬁﬂß'’-]{0,40}") {
            let once = fold(&text);
            prop_assert_eq!(fold(&once), once.clone());
            prop_assert_eq!(fold(&text.to_uppercase()), fold(&text.to_lowercase()));
        }
    }
}
