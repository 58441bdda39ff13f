//! Folding and name keys: how two spellings of one name are found equal.
//!
//! Every other piece compares names through these few functions (`Missions Locales` and
//! `mission locale` share one key; `Pôle-Emploi` folds to `pole emploi` char for char), so
//! the catalog, the field splitter and the scanner all agree on what "the same name" means.
//! Also here: the small tests on a single name (is it a sigle, does a sigle fit a long form,
//! what kind does its head noun suggest, what role does a field label give).

use std::collections::HashMap;

use once_cell::sync::Lazy;
use unicode_normalization::char::decompose_canonical;

use super::EntityKind;
use crate::extract::Role;

static HEADS_TSV: &str = include_str!("../../../data/entity_heads.tsv");

/// Words ignored when comparing names (`data/name_function_words.txt`).
static FUNCTION_WORDS: Lazy<crate::text::FastSet<&'static str>> = Lazy::new(|| {
    include_str!("../../../data/name_function_words.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

static HEAD_KINDS: Lazy<HashMap<String, EntityKind>> = Lazy::new(|| {
    HEADS_TSV
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let mut columns = line.split('\t');
            let head = columns.next()?.trim();
            let kind = EntityKind::parse(columns.next()?)?;
            Some((name_key(head), kind))
        })
        .collect()
});

/// Folds one char to lower case without accent; dashes and all white space become a space,
/// typographic apostrophes a straight one. Always exactly one char out, so offsets are kept.
pub fn fold_char(c: char) -> char {
    match FOLDED_LATIN.get(c as usize) {
        Some(&folded) => folded,
        None => fold_char_slow(c),
    }
}

/// [`fold_char`] by the Unicode tables.
pub(super) fn fold_char_slow(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}' => '\'',
        '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => ' ',
        c if c.is_whitespace() => ' ',
        c => {
            let mut base = None;
            decompose_canonical(c, |d| {
                if base.is_none() {
                    base = Some(d);
                }
            });
            let base = base.unwrap_or(c);
            base.to_lowercase().next().unwrap_or(base)
        }
    }
}

/// [`fold_char`] of U+0000 to U+024F (ASCII and the accented Latin letters), computed once:
/// nearly every char of a French text.
pub(super) static FOLDED_LATIN: Lazy<Vec<char>> = Lazy::new(|| {
    (0..0x250u32)
        .map(|code| char::from_u32(code).map_or('\0', fold_char_slow))
        .collect()
});

pub(super) fn fold_text(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

pub(super) fn is_function_word(word: &str) -> bool {
    FUNCTION_WORDS.contains(word)
}

/// `missions` → `mission`, `sociaux` → `social`; short words (sigles such as `CCAS`) untouched.
fn depluralize(word: &str) -> String {
    let n_chars = word.chars().count();
    if n_chars >= 5 && word.ends_with("eaux") {
        word[..word.len() - 1].to_string()
    } else if n_chars >= 5 && word.ends_with("aux") {
        format!("{}al", &word[..word.len() - 3])
    } else if n_chars >= 5 && word.ends_with('s') && !word.ends_with("ss") {
        word[..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}

/// The plural of a folded word: `locale` → `locales`, `communal` → `communaux`.
pub(super) fn pluralize_word(word: &str) -> String {
    if word.ends_with(['s', 'x', 'z']) {
        word.to_string()
    } else if word.ends_with("al") && word.chars().count() >= 4 {
        format!("{}aux", &word[..word.len() - 2])
    } else if word.ends_with("eau") {
        format!("{word}x")
    } else {
        format!("{word}s")
    }
}

/// The comparison key of a name: folded, punctuation and function words removed, singular.
/// `Missions Locales` and `mission locale` share the key `mission locale`.
pub fn name_key(name: &str) -> String {
    // The shared fold, which opens ligatures (`Œuvre` and `Oeuvre` share a key); offsets do
    // not matter here, unlike in the scanner's one-char fold.
    let folded: String = crate::text::fold(name)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded
        .split_whitespace()
        .filter(|word| !is_function_word(word))
        .map(depluralize)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `CAF`, `MLHG`, `DDETS-PP`: one word, at least two letters, every letter a capital.
pub(super) fn is_sigle_like(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    !s.chars().any(char::is_whitespace)
        && letters.len() >= 2
        && s.chars().count() <= 10
        && letters.iter().all(|c| c.is_uppercase())
}

/// Short one-word aliases (`CAF`, `Ofii`, `Cir`) would match ordinary words in lower case.
pub(super) fn needs_exact_case(alias: &str) -> bool {
    alias.starts_with('=')
        || (!alias.trim().contains(char::is_whitespace)
            && (is_sigle_like(alias) || alias.chars().count() <= 4))
}

/// True when the letters of `sigle` can be read, in order, in `long_form`, starting with its first
/// letter: `MLHG` fits `Mission Locale Haute-Garonne`, not `Mission Locale`.
pub(super) fn sigle_fits_long_form(sigle: &str, long_form: &str) -> bool {
    let sigle_letters: Vec<char> = fold_text(sigle)
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect();
    let long_letters: Vec<char> = fold_text(long_form)
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect();
    let (Some(first_sigle), Some(first_long)) = (sigle_letters.first(), long_letters.first())
    else {
        return false;
    };
    if first_sigle != first_long || sigle_letters.len() < 2 {
        return false;
    }
    let mut long_iter = long_letters.iter();
    sigle_letters
        .iter()
        .all(|letter| long_iter.any(|candidate| candidate == letter))
}

pub(super) fn slug(name: &str) -> String {
    let folded = fold_text(name);
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "entite".to_string()
    } else {
        out
    }
}

/// The kind a long form's first content word suggests (`Centre…` → structure), if any.
pub(super) fn kind_from_head(name: &str) -> Option<EntityKind> {
    let key = name_key(name);
    let head = key.split(' ').next()?;
    HEAD_KINDS.get(head).copied()
}

/// Maps a field label (`PILOTES`, `Structure porteuse`, `Financements`, `PARTENAIRES`) to the role
/// an actor named in it plays; `None` for fields that give no role (`MOYENS`, `INDICATEURS`).
pub fn role_of_field(label: &str) -> Option<Role> {
    let key = name_key(label);
    if key.starts_with("moyen") || key.starts_with("cout") || key.starts_with("budget") {
        return None;
    }
    if key.contains("financ") {
        Some(Role::Funder)
    } else if key.starts_with("partenai") || key.starts_with("partenariat") {
        Some(Role::Partner)
    } else if key.starts_with("pilot") || key.contains("porteu") || key.starts_with("portage") {
        Some(Role::Pilot)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_key_folds_case_accents_plural_and_function_words() {
        assert_eq!(name_key("Missions Locales"), "mission locale");
        assert_eq!(name_key("Pôle-Emploi"), name_key("pole emploi"));
        assert_eq!(
            name_key("Centres communaux d’action sociale"),
            name_key("Centre communal d'action sociale")
        );
        assert_eq!(name_key("CCAS"), "ccas");
        assert_eq!(name_key("Bureaux"), "bureau");
        assert_eq!(name_key("Éducation nationales"), "education nationale");
    }

    #[test]
    fn role_of_field_reads_french_labels() {
        assert_eq!(role_of_field("PILOTES"), Some(Role::Pilot));
        assert_eq!(role_of_field("Structure porteuse"), Some(Role::Pilot));
        assert_eq!(role_of_field("PARTENAIRES"), Some(Role::Partner));
        assert_eq!(role_of_field("Financements"), Some(Role::Funder));
        assert_eq!(role_of_field("FINANCEURS"), Some(Role::Funder));
        assert_eq!(role_of_field("MOYENS FINANCIERS"), None);
        assert_eq!(role_of_field("INDICATEURS"), None);
    }

    #[test]
    fn sigle_must_fit_long_form() {
        assert!(sigle_fits_long_form("MLHG", "Mission Locale Haute-Garonne"));
        assert!(!sigle_fits_long_form("MLHG", "Mission Locale"));
        assert!(sigle_fits_long_form(
            "CLAS",
            "Contrat local d'accompagnement à la scolarité"
        ));
        assert!(!sigle_fits_long_form("CCAS", "relais emploi"));
    }
}
