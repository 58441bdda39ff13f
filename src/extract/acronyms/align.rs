//! Does this phrase spell that sigle? The one test every definition must pass.
//!
//! Why: a parenthesis after a phrase is a definition only when the sigle's
//! letters come from the phrase (`Lieu d'accueil enfants parents (LAEP)`), not
//! when it names who runs the thing (`relais emploi (CCAS)`) or where it is.
//! This is Schwartz–Hearst's idea adapted to French: letters are matched to
//! **word initials** in order, function words (`de`, `l'`, `à`…) may give a
//! letter or be skipped, a content word may give a short prefix (`PArentalité`)
//! at a cost, and a content word may be skipped only in long forms of four
//! content words or more (`Service pour l'inclusion en accueil collectif de
//! mineurs` -> SIAM). Word-like sigles (`Ofii`, `Cir`) are read as words far
//! more often than as sigles, so they must align on initials alone.

use super::text::{SigleShape, Word};

/// Longest prefix a content word may give (`TERritoire`).
const MAX_PREFIX_LETTERS: usize = 3;

/// How well a sigle aligns with a run of words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Alignment {
    /// Content words that gave no letter.
    pub skipped_content_words: usize,
    /// Letters taken beyond word initials.
    pub extra_letters: usize,
}

/// Aligns `letters` (folded) with all of `words`: the first word gives the
/// first letter as its initial, the last word gives at least one letter,
/// every letter is used. Returns the best alignment that the rules accept.
pub fn align(letters: &[char], words: &[Word], shape: SigleShape) -> Option<Alignment> {
    if letters.len() < 2 || words.len() < 2 {
        return None;
    }
    let first = words.first()?;
    if first.folded.chars().next()? != letters[0] {
        return None;
    }
    let n_content = words.iter().filter(|w| !w.is_function).count();
    let best = best_alignment(letters, words)?;
    let allowed_skips = match shape {
        SigleShape::WordLike => 0,
        SigleShape::Capitals if n_content >= 4 => 1,
        SigleShape::Capitals => 0,
    };
    let allowed_extra = match shape {
        SigleShape::WordLike => 0,
        // Most letters must stay initials.
        SigleShape::Capitals => 2.min(letters.len().saturating_sub(1) / 2),
    };
    (best.skipped_content_words <= allowed_skips && best.extra_letters <= allowed_extra)
        .then_some(best)
}

/// Dynamic programming over (letter, word): the cheapest way to give every
/// letter from the words in order, the last word giving something.
fn best_alignment(letters: &[char], words: &[Word]) -> Option<Alignment> {
    let n_letters = letters.len();
    let n_words = words.len();
    // cost[i][j]: best alignment of letters[i..] with words[j..], None if impossible.
    let mut cost: Vec<Vec<Option<Alignment>>> = vec![vec![None; n_words + 1]; n_letters + 1];
    cost[n_letters][n_words] = Some(Alignment {
        skipped_content_words: 0,
        extra_letters: 0,
    });
    for j in (0..n_words).rev() {
        let word = &words[j];
        let word_chars: Vec<char> = word.folded.chars().collect();
        for i in (0..=n_letters).rev() {
            let mut best: Option<Alignment> = None;
            // The word gives nothing (never the first word).
            if j > 0 {
                if let Some(rest) = cost[i][j + 1] {
                    let skipped = usize::from(!word.is_function);
                    best = better(
                        best,
                        Alignment {
                            skipped_content_words: rest.skipped_content_words + skipped,
                            extra_letters: rest.extra_letters,
                        },
                    );
                }
            }
            // The word gives a prefix of k letters.
            let max_k = if word.is_function {
                1
            } else {
                MAX_PREFIX_LETTERS
            };
            for k in 1..=max_k {
                if i + k > n_letters || k > word_chars.len() || (k > 1 && k == word_chars.len()) {
                    break;
                }
                if word_chars[..k] != letters[i..i + k] {
                    break;
                }
                if let Some(rest) = cost[i + k][j + 1] {
                    best = better(
                        best,
                        Alignment {
                            skipped_content_words: rest.skipped_content_words,
                            extra_letters: rest.extra_letters + (k - 1),
                        },
                    );
                }
            }
            // All letters used but words remain: only allowed when nothing
            // is left at all (the last word must give a letter).
            if i == n_letters && j < n_words {
                best = None;
            }
            cost[i][j] = best;
        }
    }
    // The first word must give the first letter, so it cannot be skipped:
    // cost[0][0] was computed without the skip option for j == 0.
    cost[0][0]
}

fn better(current: Option<Alignment>, candidate: Alignment) -> Option<Alignment> {
    match current {
        Some(current) if current <= candidate => Some(current),
        _ => Some(candidate),
    }
}

#[cfg(test)]
mod tests {
    use super::super::text::{sigle_letters, sigle_shape, split_words};
    use super::*;

    fn check(sigle: &str, long_form: &str) -> Option<Alignment> {
        let shape = sigle_shape(sigle)?;
        align(&sigle_letters(sigle), &split_words(long_form), shape)
    }

    #[test]
    fn initials_of_content_words_align() {
        assert!(check("LAEP", "Lieu d'accueil enfants parents").is_some());
        assert!(check("CLAS", "Contrat local d'accompagnement à la scolarité").is_some());
        assert!(check("CGET", "Commissariat Général à l'Égalité des Territoires").is_some());
    }

    #[test]
    fn function_words_may_give_a_letter() {
        // The A of "à" in REAAP, the E of "en" in EJEM, the D of "de" in PEDT.
        assert!(check("REAAP", "Réseau d'écoute et d'appui à la parentalité").is_some());
        assert!(check("EJEM", "Être Jeune en Métropole").is_some());
        assert!(check("PEDT", "projet éducatif de territoire").is_some());
    }

    #[test]
    fn hyphenated_words_give_one_letter_each() {
        assert!(check("MLHG", "Mission Locale Haute-Garonne").is_some());
        assert!(check("MLHG", "Mission Locale").is_none());
    }

    #[test]
    fn one_skipped_content_word_only_in_long_forms() {
        let siam = check(
            "SIAM",
            "Service pour l'inclusion en accueil collectif de mineurs",
        );
        assert_eq!(siam.map(|a| a.skipped_content_words), Some(1));
        assert!(check("CM", "Conseil départemental municipal").is_none());
    }

    #[test]
    fn a_short_prefix_may_give_two_letters() {
        let pacs = check("PACS", "Pacte civil de solidarité");
        assert_eq!(pacs.map(|a| a.extra_letters), Some(1));
        // A single word never spells a sigle.
        assert!(check("TER", "territoire").is_none());
    }

    #[test]
    fn letters_absent_from_the_phrase_do_not_align() {
        assert!(check("DPE", "Diagnostic énergétique").is_none());
        assert!(check("CCAS", "relais emploi").is_none());
        assert!(check("TM", "moyens actuels").is_none());
    }

    #[test]
    fn the_last_word_must_give_a_letter() {
        assert!(check("ALAE", "Accueil de loisirs associé à l'école périscolaire").is_none());
        assert!(check("ALAE", "Accueil de loisirs associé à l'école").is_some());
    }

    #[test]
    fn word_like_sigles_need_plain_initials() {
        assert!(check(
            "Ofii",
            "Office français de l'immigration et de l'intégration"
        )
        .is_some());
        assert!(check("Cir", "Contrat d'intégration républicaine").is_some());
        assert!(check("Ville", "mise à disposition de locaux").is_none());
    }
}
