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
    let mut in_prose = Vec::new();
    let mut in_headings = Vec::new();
    for (cell_start, cell) in cells(text) {
        let target = if is_shouting(cell) {
            &mut in_headings
        } else {
            &mut in_prose
        };
        for (start, end) in tokens(cell) {
            let token = &cell[start..end];
            let counts = match sigle_shape(token) {
                Some(SigleShape::Capitals) => !is_stoplisted(token),
                Some(SigleShape::WordLike) => word_like.contains(token),
                None => false,
            };
            if counts {
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

/// Lines split into table cells, with their byte offsets.
fn cells(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split(['\n', '\t', '|']).map(move |cell| {
        let start = offset;
        offset += cell.len() + 1;
        (start, cell)
    })
}

/// True for a heading written in capitals: mostly capitalized words, one of
/// them a function word (`RENFORCER LES ACTIONS`), which a list of sigles
/// (`CAF, MSA, CCAS`) never has.
fn is_shouting(cell: &str) -> bool {
    let words: Vec<&str> = cell
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 2)
        .collect();
    let capitalized: Vec<&&str> = words
        .iter()
        .filter(|w| w.chars().all(|c| !c.is_lowercase()))
        .collect();
    let has_function_word = capitalized.iter().any(|w| is_function_word(&fold(w)));
    capitalized.len() >= 2 && capitalized.len() * 10 >= words.len() * 6 && has_function_word
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
