//! What every stage does to text the same way: one fold, one fast hash map.
//!
//! Why one place: the analyzer, the sigle finder, the label reader and the name keys all
//! compare French words written with and without accents, in capitals, with ligatures
//! (`Œuvre`, `ﬁche`, `Straße`). Folds written apart gave different answers for the same
//! word; here there is one, and the modules that need a finer key (a name key that drops
//! function words) build it on this one.

#[cfg(test)]
mod agreement;
pub mod fold;
pub mod names;
pub mod words;

pub use fold::{fold, fold_into, fold_marks, Folded, Marks};
pub use names::{NameKey, WordList};
pub use words::{words, WordSpan};

/// A hash map on rustc's Fx hash: our keys are short words and numbers of our own data,
/// looked up once per token, and SipHash's resistance to chosen keys costs more than the
/// lookup. Not for anything written to disk: the Fx hash may change between versions.
pub type FastMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;
/// A hash set on the same hash as [`FastMap`].
pub type FastSet<T> = std::collections::HashSet<T, rustc_hash::FxBuildHasher>;

/// Whether two texts read the same once spaces, tabs and line breaks are set aside: a
/// passage that only repeats its section's heading, broken over lines or spaced otherwise.
pub fn same_but_spacing(a: &str, b: &str) -> bool {
    // Byte by byte where both are ASCII (most of a heading), a character at a time where
    // either is not; `i` and `j` stay on character boundaries.
    let is_space = |c: &u8| matches!(c, b' ' | b'\t'..=b'\r');
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    loop {
        while x.get(i).is_some_and(is_space) {
            i += 1;
        }
        while y.get(j).is_some_and(is_space) {
            j += 1;
        }
        match (x.get(i), y.get(j)) {
            (None, None) => return true,
            (Some(c), Some(d)) if c.is_ascii() && d.is_ascii() => {
                if c != d {
                    return false;
                }
                i += 1;
                j += 1;
            }
            _ => {
                let (p, q) = (a[i..].chars().next(), b[j..].chars().next());
                if let Some(p) = p.filter(|p| p.is_whitespace()) {
                    i += p.len_utf8();
                    continue;
                }
                if let Some(q) = q.filter(|q| q.is_whitespace()) {
                    j += q.len_utf8();
                    continue;
                }
                match (p, q) {
                    (Some(p), Some(q)) if p == q => {
                        i += p.len_utf8();
                        j += q.len_utf8();
                    }
                    _ => return false,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::same_but_spacing;

    #[test]
    fn texts_differing_only_in_spacing_read_the_same() {
        assert!(same_but_spacing(
            "ACTION :  RENFORCER\nLA PARENTALITÉ",
            "ACTION : RENFORCER LA PARENTALITÉ"
        ));
        // A no-break space and a line break are spacing too.
        assert!(same_but_spacing(
            "Axe\u{a0}2 :\tFamilles\n",
            "Axe 2 : Familles"
        ));
        assert!(!same_but_spacing("CAF, PMI", "PARTENAIRES"));
        assert!(!same_but_spacing(
            "Axe 2 : Familles",
            "Axe 2 : Familles et jeunes"
        ));
        assert!(!same_but_spacing("Axe 2", "Axe 3"));
        assert!(same_but_spacing(" \n", ""));
        assert!(same_but_spacing(
            "Accès aux\u{85}droits",
            "Accès aux droits"
        ));
    }

    proptest::proptest! {
        #[test]
        fn same_but_spacing_agrees_with_the_text_without_its_spaces(
            a in proptest::collection::vec(0..8usize, 0..12),
            b in proptest::collection::vec(0..8usize, 0..12),
        ) {
            const PIECES: [&str; 8] = ["a", "É", " ", "\u{a0}", "\n", "\u{85}", "\u{b}", "é"];
            let text = |v: &[usize]| v.iter().map(|&i| PIECES[i]).collect::<String>();
            let (a, b) = (text(&a), text(&b));
            let squashed = |s: &str| s.split_whitespace().collect::<String>();
            proptest::prop_assert_eq!(same_but_spacing(&a, &b), squashed(&a) == squashed(&b));
        }
    }
}
