//! Name keys: one configurable key that makes two spellings of one name equal.
//!
//! A key is the name cut into [`words`](super::words), each word folded by the shared fold,
//! then what the caller asks for: function words dropped (`data/name_function_words.txt`
//! for entities), plural noun groups made singular (entities, sigles' long forms), `St`
//! and `Ste` read as `Saint` and `Sainte` (place names only: in an organisation's name
//! `ST` may be anything), words joined by a space or glued.
//!
//! # The plural rule
//!
//! A key makes a word singular only when the name itself says the word is plural, because
//! a final `s` is just as often a proper name's (`Gildas`, `Cahors`, `Alès`, `Reims`), and
//! keys exist to keep different names apart as much as to bring spellings together.
//! Without a dictionary, what says "plural" in French is agreement: the words of a noun
//! group (the words between two function words) are made singular when its first word
//! looks plural (five letters or more, ending in `s` but not `ss`, or in `aux`) and
//! - another word of the group agrees with it (`Missions Locales`, `Centres communaux`),
//! - or a plural determiner comes before it (`data/plural_determiners.txt`: `Maison des
//!   Solidarités`),
//! - or it is the head noun of a name of several words (`Maisons d'assistants maternels`,
//!   `Quartiers politique`).
//!
//! A sigle's long form is a description made of common nouns, never a proper name: its key
//! ([`NameKey::every_word_singular`]) makes every word of four letters or more singular
//! (`Lieux d'accueil enfant parent` and `Lieu d'accueil enfants parents` are one long form).
//!
//! Only the run of plural-looking words that opens the group changes. A name of one word,
//! and a lone word after `de` (`Ville de Cahors`, `Collège Saint-Gildas`), keep their `s`.
//! The rule reads folded words only, so capitals and accents never change a key.

use std::borrow::Cow;

use once_cell::sync::Lazy;

use super::fold::fold_char_into;
use super::words::words;
use super::FastSet;

/// A list of folded words from `data/`: one a line, `#` starts a comment.
#[derive(Debug, Clone, Default)]
pub struct WordList(FastSet<&'static str>);

impl WordList {
    pub fn parse(data: &'static str) -> WordList {
        WordList(
            data.lines()
                .map(str::trim)
                .filter(|line| !line.is_empty() && !line.starts_with('#'))
                .collect(),
        )
    }

    /// True when `folded` is on the list.
    pub fn contains(&self, folded: &str) -> bool {
        self.0.contains(folded)
    }
}

static PLURAL_DETERMINERS: Lazy<WordList> =
    Lazy::new(|| WordList::parse(include_str!("../../data/plural_determiners.txt")));

/// One word folded for a key; `St`/`Ste` read as `saint`/`sainte` when `saints`. Borrows
/// `word` when folding changes nothing (most words of running text).
pub fn fold_word(word: &str, saints: bool) -> Cow<'_, str> {
    let folded = if word
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        Cow::Borrowed(word)
    } else {
        let mut out = String::with_capacity(word.len());
        for c in word.chars() {
            fold_char_into(c, &mut out);
        }
        Cow::Owned(out)
    };
    match &*folded {
        "st" if saints => Cow::Borrowed("saint"),
        "ste" if saints => Cow::Borrowed("sainte"),
        _ => folded,
    }
}

/// How a caller keys its names: built once, applied to every name.
#[derive(Debug, Clone, Copy, Default)]
pub struct NameKey<'a> {
    function_words: Option<&'a WordList>,
    singular: bool,
    every_word_singular: bool,
    saints: bool,
}

impl<'a> NameKey<'a> {
    /// Folded words, nothing dropped or changed.
    pub const fn new() -> NameKey<'static> {
        NameKey {
            function_words: None,
            singular: false,
            every_word_singular: false,
            saints: false,
        }
    }

    /// Drops `function_words` from the key; they also end the noun groups of the plural rule.
    pub const fn dropping(self, function_words: &'a WordList) -> NameKey<'a> {
        NameKey {
            function_words: Some(function_words),
            singular: self.singular,
            every_word_singular: self.every_word_singular,
            saints: self.saints,
        }
    }

    /// Makes plural noun groups singular (the rule of the module's doc).
    pub const fn singular(mut self) -> NameKey<'a> {
        self.singular = true;
        self
    }

    /// Makes every word of four letters or more singular, a final `s` or `x` dropped: for
    /// descriptions (a sigle's long form), where no word is a proper name.
    pub const fn every_word_singular(mut self) -> NameKey<'a> {
        self.every_word_singular = true;
        self
    }

    /// Reads `St`/`Ste` as `Saint`/`Sainte` (place names).
    pub const fn saints(mut self) -> NameKey<'a> {
        self.saints = true;
        self
    }

    fn is_function_word(&self, folded: &str) -> bool {
        self.function_words
            .is_some_and(|list| list.contains(folded))
    }

    /// The key's words, in order.
    pub fn words<'n>(&self, name: &'n str) -> Vec<Cow<'n, str>> {
        let folded: Vec<Cow<'n, str>> = words(name)
            .map(|span| fold_word(span.text(name), self.saints))
            .collect();
        let function: Vec<bool> = folded.iter().map(|w| self.is_function_word(w)).collect();
        let mut kept = Vec::with_capacity(folded.len());
        let mut group_start = 0;
        for index in 0..=folded.len() {
            if index < folded.len() && !function[index] {
                continue;
            }
            // `group_start..index` is a noun group.
            if index > group_start {
                let group = &folded[group_start..index];
                let plural =
                    self.singular && reads_plural(group, group_start, index, &folded, &function);
                let mut opening_run = true;
                for word in group {
                    opening_run &= looks_plural(word);
                    kept.push(if plural && opening_run {
                        Cow::Owned(singular_of(word))
                    } else if self.every_word_singular {
                        description_singular(word)
                    } else {
                        word.clone()
                    });
                }
            }
            group_start = index + 1;
        }
        kept
    }

    /// The key: the words joined by `joiner`.
    pub fn key(&self, name: &str, joiner: &str) -> String {
        self.words(name).join(joiner)
    }
}

/// True when the noun group `group`, at `start..end` of the name's `folded` words, reads as
/// a plural (see the module's doc).
fn reads_plural(
    group: &[Cow<'_, str>],
    start: usize,
    end: usize,
    folded: &[Cow<'_, str>],
    function: &[bool],
) -> bool {
    let Some(first) = group.first() else {
        return false;
    };
    if !looks_plural(first) {
        return false;
    }
    let agreement = group.len() > 1 && looks_plural(&group[1]);
    let determiner = start > 0 && PLURAL_DETERMINERS.contains(&folded[start - 1]);
    let first_group = function[..start].iter().all(|&f| f);
    // The head noun of a name of several words is a common noun (`Quartiers politique`,
    // `Maisons d'assistants`).
    let head_noun = first_group && (group.len() > 1 || (end < folded.len() && function[end]));
    agreement || determiner || head_noun
}

/// Five letters or more, ending in `s` (not `ss`) or in `aux`.
fn looks_plural(word: &str) -> bool {
    word.chars().count() >= 5
        && (word.ends_with("aux") || (word.ends_with('s') && !word.ends_with("ss")))
}

/// `missions` → `mission`, `sociaux` → `social`, `bureaux` → `bureau`.
fn singular_of(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("eaux") {
        format!("{stem}eau")
    } else if let Some(stem) = word.strip_suffix("aux") {
        format!("{stem}al")
    } else {
        word.strip_suffix('s').unwrap_or(word).to_string()
    }
}

/// A description's word made singular: more than three letters, a final `s` or `x` dropped.
fn description_singular<'n>(word: &Cow<'n, str>) -> Cow<'n, str> {
    match word.strip_suffix(['s', 'x']) {
        Some(stem) if word.chars().count() > 3 => Cow::Owned(stem.to_string()),
        _ => word.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static FUNCTION_WORDS: Lazy<WordList> =
        Lazy::new(|| WordList::parse(include_str!("../../data/name_function_words.txt")));

    fn entity_key(name: &str) -> String {
        NameKey::new()
            .dropping(&FUNCTION_WORDS)
            .singular()
            .key(name, " ")
    }

    #[test]
    fn plural_groups_become_singular() {
        assert_eq!(entity_key("Missions Locales"), "mission locale");
        assert_eq!(
            entity_key("Centres communaux d’action sociale"),
            entity_key("Centre communal d'action sociale")
        );
        assert_eq!(
            entity_key("Maisons d'assistants maternels"),
            entity_key("maison d’assistant maternel")
        );
        assert_eq!(entity_key("Maison des Solidarités"), "maison solidarite");
        assert_eq!(entity_key("Réseaux sociaux"), "reseau social");
        assert_eq!(entity_key("Bureaux municipaux"), "bureau municipal");
        assert_eq!(entity_key("Quartiers politique"), "quartier politique");
    }

    #[test]
    fn proper_names_keep_their_s() {
        assert_eq!(entity_key("Gildas"), "gildas");
        assert_eq!(
            entity_key("Centre social Saint-Gildas"),
            "centre social saint gildas"
        );
        assert_eq!(entity_key("Ville de Cahors"), "ville cahors");
        assert_eq!(entity_key("Mission locale d'Alès"), "mission locale ales");
        assert_eq!(entity_key("CCAS"), "ccas");
    }

    #[test]
    fn saints_only_when_asked() {
        let place = NameKey::new().saints();
        assert_eq!(place.key("St-Gildas-des-Bois", ""), "saintgildasdesbois");
        assert_eq!(place.key("Ste-Foy", ""), place.key("Sainte Foy", ""));
        assert_eq!(
            NameKey::new().key("ST Microelectronics", " "),
            "st microelectronics"
        );
    }

    #[test]
    fn words_borrow_what_is_already_folded() {
        assert!(matches!(fold_word("union", false), Cow::Borrowed(_)));
        assert_eq!(fold_word("Œuilly", false), "oeuilly");
        assert_eq!(fold_word("st", true), "saint");
        assert_eq!(fold_word("st", false), "st");
    }
}
