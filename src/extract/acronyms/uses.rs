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

use super::text::{
    canonical_sigle, fold, is_function_word, is_stoplisted, sigle_shape, SigleShape,
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
    let prose_words = lower_case_words(text);
    let mut in_prose = Vec::new();
    let mut in_headings = Vec::new();
    for (cell_start, cell) in cells(text) {
        let spans = tokens(cell);
        let shouted = shouted_tokens(cell, &spans);
        for (&(start, end), is_shouted) in spans.iter().zip(shouted) {
            let token = &cell[start..end];
            let counts = match sigle_shape(token) {
                Some(SigleShape::Capitals) => {
                    let folded = fold(token);
                    let is_prose_word = folded.chars().count() >= MIN_LETTERS_OF_A_WORD
                        && prose_words.contains(&folded);
                    !is_stoplisted(token) && !is_function_word(&folded) && !is_prose_word
                }
                Some(SigleShape::WordLike) => word_like.contains(token),
                None => false,
            };
            if counts {
                let target = if is_shouted {
                    &mut in_headings
                } else {
                    &mut in_prose
                };
                target.push(FoundUse {
                    abbr: canonical_sigle(token),
                    start: cell_start + start,
                    end: cell_start + end,
                });
            }
        }
    }
    let confirmed: HashSet<String> = in_prose
        .iter()
        .map(|u| u.abbr.clone())
        .chain(word_like.iter().cloned())
        .collect();
    in_prose.extend(
        in_headings
            .into_iter()
            .filter(|u| confirmed.contains(&u.abbr)),
    );
    in_prose.sort_by_key(|u| u.start);
    in_prose
}

/// A capitalized token this long that the same text also writes in lower
/// case (`SOCIALE` and `sociale`) is a word in a heading, not a sigle.
/// Shorter tokens are kept: `CAP`, `RAM` are sigles whatever `cap` means.
const MIN_LETTERS_OF_A_WORD: usize = 4;

/// The words a text writes in lower case (or with one initial capital), folded.
fn lower_case_words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|word| {
            word.chars().skip(1).all(char::is_lowercase)
                && word.chars().count() >= MIN_LETTERS_OF_A_WORD
        })
        .map(fold)
        .collect()
}

/// Lines split into table cells, with their byte offsets.
fn cells(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split(['\n', '\t', '|']).map(move |cell| {
        let start = offset;
        offset += cell.len() + 1;
        (start, cell)
    })
}

/// For each token, whether it sits in a heading written in capitals: a run
/// of capitalized words (`CONDITIONS DE RÉUSSITE`, `1.1. FAVORISER LES
/// ECHANGES`) holding a function word, an accented word or a label word,
/// which a list of sigles (`CAF, MSA, CCAS`) never holds.
fn shouted_tokens(cell: &str, spans: &[(usize, usize)]) -> Vec<bool> {
    let mut shouted = vec![false; spans.len()];
    let mut run_start = 0;
    for index in 0..=spans.len() {
        let ends_run = match spans.get(index) {
            Some(&(start, end)) => cell[start..end].chars().any(char::is_lowercase),
            None => true,
        };
        if !ends_run {
            continue;
        }
        let run = &spans[run_start..index];
        let words: Vec<&str> = run
            .iter()
            .map(|&(start, end)| &cell[start..end])
            .filter(|token| token.chars().any(char::is_alphabetic))
            .collect();
        // A label word (`OBJECTIFS POURSUIVIS`) marks a heading only when
        // the whole cell is in capitals: `PILOTES CCAS - Elus` is a label
        // followed by content.
        let whole_cell = run_start == 0 && index == spans.len();
        let is_heading = words.len() >= 2
            && words.iter().any(|word| {
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
    shouted
}

/// Byte spans of the tokens of a cell: runs of letters and digits, dots
/// kept between single capitals (`C.G.E.T`).
fn tokens(cell: &str) -> Vec<(usize, usize)> {
    let chars: Vec<(usize, char)> = cell.char_indices().collect();
    let mut spans = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        let (start, c) = chars[index];
        if !c.is_alphanumeric() {
            index += 1;
            continue;
        }
        let mut end_index = index;
        while end_index + 1 < chars.len() {
            let next = chars[end_index + 1].1;
            let joins_dotted = next == '.'
                && chars
                    .get(end_index + 2)
                    .is_some_and(|&(_, after)| after.is_ascii_uppercase())
                && chars[end_index].1.is_ascii_uppercase();
            if next.is_alphanumeric() || next == '&' || joins_dotted {
                end_index += 1;
            } else {
                break;
            }
        }
        let end = chars
            .get(end_index + 1)
            .map_or(cell.len(), |&(offset, _)| offset);
        let token = &cell[start..end];
        if token.contains('.') && sigle_shape(token).is_none() {
            // Not a dotted sigle: its parts are tokens of their own.
            let mut part_start = start;
            for part in token.split('.') {
                if !part.is_empty() {
                    spans.push((part_start, part_start + part.len()));
                }
                part_start += part.len() + 1;
            }
        } else {
            spans.push((start, end));
        }
        index = end_index + 1;
    }
    spans
}

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
