//! Folding and name keys: how two spellings of one name are found equal.
//!
//! Every other piece compares names through these few functions (`Missions Locales` and
//! `mission locale` share one key; `Pôle-Emploi` folds to `pole emploi` char for char), so
//! the catalog, the field splitter and the scanner all agree on what "the same name" means.
//! Also here: the small tests on a single name (is it a sigle, does a sigle fit a long form,
//! what kind does its head noun suggest, what role does a field label give).

use std::collections::HashMap;

use once_cell::sync::Lazy;

use super::EntityKind;
use crate::extract::Role;
use crate::text::{NameKey, WordList};

static HEADS_TSV: &str = include_str!("../../../data/entity_heads.tsv");

/// Words ignored when comparing names (`data/name_function_words.txt`).
static FUNCTION_WORDS: Lazy<WordList> =
    Lazy::new(|| WordList::parse(include_str!("../../../data/name_function_words.txt")));

/// How entity names are keyed: function words dropped, plural noun groups singular.
static NAME_KEY: Lazy<NameKey<'static>> =
    Lazy::new(|| NameKey::new().dropping(&FUNCTION_WORDS).singular());

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

/// The shared fold with marks spaced (`Pôle‑Emploi` → `pole emploi`, `l’Œuvre` →
/// `l'oeuvre`): how names are compared with the text they are scanned in.
pub(super) fn fold_text(s: &str) -> String {
    crate::text::fold_marks(s, crate::text::Marks::Spaced)
}

pub(super) fn is_function_word(word: &str) -> bool {
    FUNCTION_WORDS.contains(word)
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

/// The comparison key of a name: folded, punctuation and function words removed, plural
/// noun groups singular (`text::names`). `Missions Locales` and `mission locale` share the
/// key `mission locale`; `Ville de Cahors` keeps its `s`.
pub fn name_key(name: &str) -> String {
    NAME_KEY.key(name, " ")
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

/// The role each canonical field label gives (`data/field_roles.tsv`).
static FIELD_ROLES: Lazy<HashMap<&'static str, Role>> = Lazy::new(|| {
    include_str!("../../../data/field_roles.tsv")
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let (label, role) = line.split_once('\t')?;
            Some((label.trim(), Role::parse(role)?))
        })
        .collect()
});

/// Maps a field label (`PILOTES`, `Structure porteuse`, `Financements`, `PARTENAIRES`) to the role
/// an actor named in it plays; `None` for fields that give no role (`MOYENS`, `INDICATEURS`).
/// The label is read as the structure reader reads it (`data/field_labels.txt`), the role
/// comes from `data/field_roles.tsv`.
pub fn role_of_field(label: &str) -> Option<Role> {
    let canonical = crate::structure::canonical_field_label(label)?;
    FIELD_ROLES.get(canonical.as_str()).copied()
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
        assert_eq!(name_key("Bureaux municipaux"), "bureau municipal");
        assert_eq!(name_key("Œuvre"), name_key("OEUVRE"));
        assert_eq!(
            name_key("Centre social Saint-Gildas"),
            "centre social saint gildas"
        );
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
    fn every_role_names_a_canonical_label() {
        for label in FIELD_ROLES.keys() {
            assert_eq!(
                crate::structure::canonical_field_label(label).as_deref(),
                Some(*label)
            );
        }
        assert_eq!(FIELD_ROLES.len(), 4);
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
