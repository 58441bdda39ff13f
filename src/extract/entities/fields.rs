//! Field splitting: the items of a PILOTES / PARTENAIRES / FINANCEMENTS field.
//!
//! Such a field is a loose list (`CAF et CPAM / Education nationale – Ecoles, Associations...`)
//! whose items are the surest evidence of who takes part in an action, but only once the list
//! is cut at the right places and the vague items (`Ecoles`, `Elus`, see
//! `data/entity_vague_items.txt`) and descriptive phrases are dropped.

use std::collections::HashSet;

use once_cell::sync::Lazy;

use super::names::{fold_text, is_sigle_like, name_key};
use crate::text::{Folded, Marks};

static VAGUE_ITEMS_TXT: &str = include_str!("../../../data/entity_vague_items.txt");

static VAGUE_ITEM_KEYS: Lazy<HashSet<String>> = Lazy::new(|| {
    VAGUE_ITEMS_TXT
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(name_key)
        .collect()
});

/// One item of a PILOTES / PARTENAIRES field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldItem {
    /// The name, cleaned of articles, `association` prefixes and a trailing `(SIGLE)`.
    pub name: String,
    /// The sigle given in parentheses after the name, if any.
    pub sigle: Option<String>,
    /// The item was introduced as an association (`Associations partenaires : les Outsiders`).
    pub association: bool,
    /// Char offsets of the item in the field text.
    pub start: usize,
    pub end: usize,
}

fn is_split_char(chars: &[char], i: usize) -> bool {
    match chars[i] {
        '\n' | '\r' | '\t' | ',' | ';' | '/' | '•' | '·' | '|' | '–' | '—' | ':' | '+' => {
            true
        }
        '-' => {
            let before = i.checked_sub(1).and_then(|j| chars.get(j));
            let after = chars.get(i + 1);
            matches!(before, Some(c) if c.is_whitespace())
                && matches!(after, Some(c) if c.is_whitespace())
        }
        _ => false,
    }
}

const LEADING_ARTICLES: &[&str] = &[
    "les ",
    "la ",
    "le ",
    "l'",
    "l’",
    "des ",
    "un ",
    "une ",
    "d'",
    "d’",
    "de ",
    "du ",
    "autres ",
    "notamment ",
    "ex ",
    "ex. ",
];

/// Splits a field's text into items. `is_known` tells whether a name is a known actor: a segment
/// is only split on ` et ` when both halves are known (`CAF et CPAM`), never in
/// `Direction des Solidarités et de la Petite Enfance`.
pub fn split_field_items(text: &str, is_known: &dyn Fn(&str) -> bool) -> Vec<FieldItem> {
    let chars: Vec<char> = text.chars().collect();
    let mut segments: Vec<(usize, usize, char)> = Vec::new(); // start, end, separator after
    let mut depth = 0usize;
    let mut start = 0usize;
    for i in 0..chars.len() {
        match chars[i] {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if chars[i] == '\n' {
            depth = 0;
        }
        if depth == 0 && is_split_char(&chars, i) {
            segments.push((start, i, chars[i]));
            start = i + 1;
        }
    }
    segments.push((start, chars.len(), '\n'));

    let mut items = Vec::new();
    let mut association_prefix = false;
    for (seg_start, seg_end, separator) in segments {
        let raw: String = chars[seg_start..seg_end].iter().collect();
        if separator == ':' {
            // `Associations partenaires : les Outsiders`: the label sets the kind of what follows.
            association_prefix = name_key(&raw).starts_with("association");
            continue;
        }
        for (piece_start, piece) in split_on_et(&raw, is_known) {
            if let Some(mut item) = clean_field_item(&piece, is_known) {
                item.association |= association_prefix;
                item.start += seg_start + piece_start;
                item.end += seg_start + piece_start;
                items.push(item);
            }
        }
        if separator == '\n' || separator == '\r' {
            association_prefix = false;
        }
    }
    items
}

/// Splits `A et B` when both sides are known actors; returns (char offset, piece).
fn split_on_et(segment: &str, is_known: &dyn Fn(&str) -> bool) -> Vec<(usize, String)> {
    if let Some(byte_pos) = segment.find(" et ") {
        let left = &segment[..byte_pos];
        let right = &segment[byte_pos + 4..];
        if is_known(left.trim()) && is_known(right.trim()) {
            let right_char_start = segment[..byte_pos + 4].chars().count();
            return vec![(0, left.to_string()), (right_char_start, right.to_string())];
        }
    }
    vec![(0, segment.to_string())]
}

fn is_trim_char(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '.' | '…' | '*' | '-' | '«' | '»' | '"' | '“' | '”' | '!' | '?'
        )
}

fn clean_field_item(piece: &str, is_known: &dyn Fn(&str) -> bool) -> Option<FieldItem> {
    let leading = piece.chars().take_while(|c| is_trim_char(*c)).count();
    let mut name: String = piece.trim_matches(is_trim_char).to_string();
    let start = leading;
    let end = start + name.chars().count();

    // A trailing parenthesis: a sigle becomes an alias, anything else is dropped.
    let mut sigle = None;
    if let (Some(open), true) = (name.find('('), name.ends_with(')')) {
        let inside = name[open + 1..name.len() - 1].trim().to_string();
        let short_word = inside.chars().count() <= 6 && !inside.contains(' ');
        if !inside.is_empty() && (is_sigle_like(&inside) || short_word) {
            sigle = Some(inside);
        }
        name = name[..open].trim_matches(is_trim_char).to_string();
    } else if let Some(open) = name.find('(') {
        name = name[..open].trim_matches(is_trim_char).to_string();
    }

    // Leading articles and `association` before a proper name.
    let mut association = false;
    loop {
        let lower = name.to_lowercase();
        let mut changed = false;
        for article in LEADING_ARTICLES {
            if lower.starts_with(article) && lower.len() > article.len() {
                name = name[article.len()..].trim_start().to_string();
                changed = true;
                break;
            }
        }
        for prefix in ["associations ", "association "] {
            if lower.starts_with(prefix) {
                let rest = name[prefix.len()..].trim_start();
                if rest.chars().next().is_some_and(char::is_uppercase) {
                    name = rest.to_string();
                    association = true;
                    changed = true;
                }
                break;
            }
        }
        if !changed {
            break;
        }
    }
    let name = name.trim_matches(is_trim_char).to_string();
    let key = name_key(&name);
    if key.is_empty() || !name.chars().any(char::is_alphabetic) {
        return None;
    }
    let n_words = name.split_whitespace().count();
    if n_words > 8 || name.chars().count() > 90 {
        return None;
    }
    let known = is_known(&name) || sigle.as_deref().is_some_and(is_known);
    if !known {
        if VAGUE_ITEM_KEYS.contains(&key) {
            return None;
        }
        // An unknown phrase in lower case (`acteurs de l'emploi`, `Coordinatrice administrative
        // et petite enfance`) describes rather than names; a proper name has a capital inside,
        // is a sigle, or is one word (`Arpade`).
        let has_inner_capital = name.chars().skip(1).any(char::is_uppercase);
        if n_words > 1 && !has_inner_capital && !association && sigle.is_none() {
            return None;
        }
        // A phrase starting in lower case (`référents des CLAS…`) describes a role.
        if !name.chars().next().is_some_and(char::is_uppercase) && !association {
            return None;
        }
        // A lone adverb (`Éventuellement`, `Notamment`) is a note, not a name.
        if n_words == 1 && key.ends_with("ment") && sigle.is_none() {
            return None;
        }
    }
    Some(FieldItem {
        name,
        sigle,
        association,
        start,
        end,
    })
}

/// Skips a leading copy of the field label in a passage (`PARTENAIRES Mission locale…`, as in
/// table cells); returns the char offset where the items start.
pub(super) fn label_prefix_len(text: &str, label: &str) -> usize {
    let folded_label = fold_text(label);
    let folded_label = folded_label.trim();
    // The fold remembers where each of its bytes came from: a ligature in the label
    // (`MISE EN ŒUVRE`) opens into two letters but is one char of the text.
    let folded = Folded::new(text, Marks::Spaced);
    let trimmed = folded.text.trim_start();
    let leading = folded.text.len() - trimmed.len();
    if !folded_label.is_empty() && trimmed.starts_with(folded_label) {
        let rest = &trimmed[folded_label.len()..];
        let rest_len = rest.len() - rest.trim_start_matches([' ', ':']).len();
        let end = folded.input_end(leading + folded_label.len() + rest_len);
        text[..end].chars().count()
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(items: &[FieldItem]) -> Vec<&str> {
        items.iter().map(|i| i.name.as_str()).collect()
    }

    #[test]
    fn splits_a_partenaires_field() {
        let known = |s: &str| {
            ["Education nationale", "CAF", "CPAM"]
                .iter()
                .any(|k| name_key(k) == name_key(s))
        };
        let items = split_field_items(
            "Mission Locale Haute-Garonne (MLHG), associations locale, autres acteurs jeunesse : Arpade",
            &known,
        );
        assert_eq!(
            names(&items),
            vec!["Mission Locale Haute-Garonne", "Arpade"]
        );
        assert_eq!(items[0].sigle.as_deref(), Some("MLHG"));

        let items = split_field_items(
            "Education nationale\nAssociations partenaires : les Outsiders",
            &known,
        );
        assert_eq!(names(&items), vec!["Education nationale", "Outsiders"]);
        assert!(items[1].association);
        assert!(!items[0].association);

        let items = split_field_items(
            "Éventuellement, référents des CLAS élémentaire et collège\nCAF",
            &known,
        );
        assert_eq!(names(&items), vec!["CAF"]);

        let items = split_field_items("Ville de Cornebarrieu – Elus, Service Jeunesse", &known);
        assert_eq!(
            names(&items),
            vec!["Ville de Cornebarrieu", "Service Jeunesse"]
        );

        let items = split_field_items(
            "CAF et CPAM / Education nationale – Ecoles, Associations...",
            &known,
        );
        assert_eq!(names(&items), vec!["CAF", "CPAM", "Education nationale"]);

        let items = split_field_items(
            "Direction des Solidarités et de la Petite Enfance, association Action formation insertion (Afi)",
            &known,
        );
        assert_eq!(
            names(&items),
            vec![
                "Direction des Solidarités et de la Petite Enfance",
                "Action formation insertion"
            ]
        );
        assert_eq!(items[1].sigle.as_deref(), Some("Afi"));
        assert!(items[1].association);
    }

    #[test]
    fn a_leading_label_is_skipped_in_chars_of_the_text() {
        let text = "PARTENAIRES : CAF, Mission locale";
        let skip = label_prefix_len(text, "PARTENAIRES");
        assert_eq!(
            text.chars().skip(skip).collect::<String>(),
            "CAF, Mission locale"
        );
        // A ligature opens into two letters in the fold but is one char of the text.
        let text = "Mise en œuvre : Ville d’Alès";
        let skip = label_prefix_len(text, "MISE EN OEUVRE");
        assert_eq!(text.chars().skip(skip).collect::<String>(), "Ville d’Alès");
        assert_eq!(label_prefix_len("Ville de Cahors", "PARTENAIRES"), 0);
    }

    #[test]
    fn field_item_offsets_point_into_the_text() {
        let text = "CAMPS, PMI, Structures du territoire : EAJE";
        let items = split_field_items(text, &|s: &str| s == "PMI" || s == "EAJE");
        let chars: Vec<char> = text.chars().collect();
        for item in &items {
            let slice: String = chars[item.start..item.end].iter().collect();
            assert!(slice.contains(&item.name), "{slice} / {}", item.name);
        }
        assert_eq!(names(&items), vec!["CAMPS", "PMI", "EAJE"]);
    }
}
