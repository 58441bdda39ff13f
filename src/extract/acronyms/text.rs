//! Small text helpers shared by the acronym rules.
//!
//! Why a module of its own: the same three questions come back in every rule
//! (is this token a sigle? which words does this phrase hold once elisions and
//! hyphens are split? how do two spellings compare once accents and case are
//! ignored?), and they must get the same answer everywhere, or a definition
//! found by one rule would not merge with the same definition found by another.

use std::collections::HashSet;

use once_cell::sync::Lazy;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// French function words a sigle may skip (folded, lower case).
static FUNCTION_WORDS: Lazy<HashSet<String>> =
    Lazy::new(|| word_list(include_str!("../../../data/function_words_fr.txt")));

/// Capitalized words that are not sigles (upper case, no accents).
static STOPLIST: Lazy<HashSet<String>> =
    Lazy::new(|| word_list(include_str!("../../../data/acronym_stoplist.txt")));

fn word_list(source: &str) -> HashSet<String> {
    source
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Lower case, accents removed, ligatures opened: `Égalité` -> `egalite`,
/// `œuvre` -> `oeuvre`.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'œ' | 'Œ' => folded.push_str("oe"),
            'æ' | 'Æ' => folded.push_str("ae"),
            _ => folded.extend(c.to_lowercase()),
        }
    }
    folded
}

/// True for a French function word (`de`, `l`, `à`…), given folded.
pub fn is_function_word(folded_word: &str) -> bool {
    FUNCTION_WORDS.contains(folded_word)
}

/// True for a capitalized word that plans use as a label, not as a sigle.
pub fn is_stoplisted(token: &str) -> bool {
    STOPLIST.contains(&fold(token).to_uppercase())
}

/// The letters of a sigle, folded, without dots or digits:
/// `C.G.E.T` -> `cget`, `Ofii` -> `ofii`.
pub fn sigle_letters(sigle: &str) -> Vec<char> {
    fold(sigle).chars().filter(|c| c.is_alphabetic()).collect()
}

/// The canonical spelling of a sigle: dots and spaces removed, case kept
/// (`C.G.E.T.` -> `CGET`).
pub fn canonical_sigle(sigle: &str) -> String {
    sigle.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The lookup key of a sigle: canonical, folded (`c.g.e.t` -> `cget`).
pub fn sigle_key(sigle: &str) -> String {
    fold(&canonical_sigle(sigle))
}

/// How a token looks, as a sigle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigleShape {
    /// Two capitals or more, maybe digits, dots, a few lower-case letters:
    /// `CAF`, `PEDT`, `C.G.E.T`, `PaCS`.
    Capitals,
    /// One capital then two to four lower-case letters: `Ofii`, `Afi`, `Cir`.
    /// Such a token is an ordinary word far more often than a sigle, so it
    /// only counts when a definition aligns strictly.
    WordLike,
}

/// Classifies a token (no surrounding spaces) as a possible sigle.
pub fn sigle_shape(token: &str) -> Option<SigleShape> {
    let token = token.trim_end_matches('.');
    let n_chars = token.chars().count();
    if !(2..=12).contains(&n_chars) {
        return None;
    }
    let first = token.chars().next()?;
    if !first.is_ascii_uppercase() {
        return None;
    }
    if token.contains('.') {
        // Dotted sigles: single capitals separated by dots (`C.G.E.T`).
        let all_single = token
            .split('.')
            .all(|part| part.chars().count() == 1 && part.chars().all(|c| c.is_ascii_uppercase()));
        return (all_single && n_chars >= 3).then_some(SigleShape::Capitals);
    }
    if !token.chars().all(|c| c.is_ascii_alphanumeric() || c == '&') {
        // Accented letters (`ÉTAT`, `Défi`) are words, not sigles.
        return None;
    }
    let n_upper = token.chars().filter(|c| c.is_ascii_uppercase()).count();
    let n_lower = token.chars().filter(|c| c.is_ascii_lowercase()).count();
    if n_upper >= 2 && n_lower <= n_upper && n_chars <= 10 && !has_lower_case_run(token) {
        if is_roman_numeral(token) {
            return None;
        }
        return Some(SigleShape::Capitals);
    }
    if n_upper == 1 && (3..=5).contains(&n_chars) && n_lower == n_chars - 1 {
        return Some(SigleShape::WordLike);
    }
    None
}

/// Three lower-case letters in a row make a word (`ENTREtenir`), not a
/// sigle with a lower-case letter inside (`PaCS`).
fn has_lower_case_run(token: &str) -> bool {
    let mut run = 0;
    for c in token.chars() {
        run = if c.is_ascii_lowercase() { run + 1 } else { 0 };
        if run >= 3 {
            return true;
        }
    }
    false
}

fn is_roman_numeral(token: &str) -> bool {
    token.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
}

/// One word of a candidate long form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Folded spelling (`egalite`).
    pub folded: String,
    /// True for a function word (`de`, `l`, `à`).
    pub is_function: bool,
    /// True when the word starts with a capital in the text.
    pub capitalized: bool,
    /// Byte offsets of the word in the string it was cut from.
    pub start: usize,
    pub end: usize,
}

/// Splits a phrase into words for alignment: elisions (`d'accueil`,
/// `l’école`) and hyphens (`Haute-Garonne`) separate words; quotes, stars and
/// other punctuation are dropped.
pub fn split_words(phrase: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut word_start: Option<usize> = None;
    let push = |start: usize, end: usize, words: &mut Vec<Word>| {
        let raw = &phrase[start..end];
        let folded = fold(raw);
        if folded.chars().any(char::is_alphabetic) {
            words.push(Word {
                is_function: is_function_word(&folded),
                capitalized: raw.chars().next().is_some_and(char::is_uppercase),
                folded,
                start,
                end,
            });
        }
    };
    for (index, c) in phrase.char_indices() {
        if c.is_alphanumeric() {
            if word_start.is_none() {
                word_start = Some(index);
            }
            continue;
        }
        if let Some(start) = word_start.take() {
            // An apostrophe closes an elided word and keeps it: `d'` -> `d`.
            push(start, index, &mut words);
        }
    }
    if let Some(start) = word_start {
        push(start, phrase.len(), &mut words);
    }
    words
}

/// The comparison key of a long form: content words only, folded, plural
/// `s`/`x` removed, so `Maisons d'assistants maternels` and `maison
/// d’assistant maternel` compare equal.
pub fn long_form_key(long_form: &str) -> String {
    split_words(long_form)
        .iter()
        .filter(|word| !word.is_function)
        .map(|word| singular(&word.folded))
        .collect::<Vec<_>>()
        .join(" ")
}

fn singular(folded_word: &str) -> String {
    if folded_word.chars().count() > 3 {
        if let Some(stem) = folded_word.strip_suffix(['s', 'x']) {
            return stem.to_string();
        }
    }
    folded_word.to_string()
}

/// Maps byte offsets of a text to character offsets.
pub struct CharOffsets {
    byte_starts: Vec<usize>,
}

impl CharOffsets {
    pub fn new(text: &str) -> CharOffsets {
        CharOffsets {
            byte_starts: text.char_indices().map(|(index, _)| index).collect(),
        }
    }

    /// The character offset of a byte offset (the next character when the
    /// byte falls inside one; the text length past the end).
    pub fn char_offset(&self, byte_offset: usize) -> usize {
        self.byte_starts
            .partition_point(|&start| start < byte_offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_accents_and_opens_ligatures() {
        assert_eq!(fold("Égalité des Territoires"), "egalite des territoires");
        assert_eq!(fold("Œuvrer"), "oeuvrer");
    }

    #[test]
    fn dotted_and_word_like_sigles_are_recognized() {
        assert_eq!(sigle_shape("C.G.E.T"), Some(SigleShape::Capitals));
        assert_eq!(sigle_shape("C.G.E.T."), Some(SigleShape::Capitals));
        assert_eq!(sigle_shape("PEDT"), Some(SigleShape::Capitals));
        assert_eq!(sigle_shape("Ofii"), Some(SigleShape::WordLike));
        assert_eq!(sigle_shape("Cir"), Some(SigleShape::WordLike));
    }

    #[test]
    fn words_roman_numerals_and_accented_capitals_are_not_sigles() {
        assert_eq!(sigle_shape("Ville"), Some(SigleShape::WordLike));
        assert_eq!(sigle_shape("Commissariat"), None);
        assert_eq!(sigle_shape("III"), None);
        assert_eq!(sigle_shape("ÉTAT"), None);
        assert_eq!(sigle_shape("A1"), None);
        assert_eq!(sigle_shape("ENTREtenir"), None);
        assert_eq!(sigle_shape("PaCS"), Some(SigleShape::Capitals));
        assert_eq!(sigle_shape("F"), None);
    }

    #[test]
    fn split_words_cuts_elisions_and_hyphens() {
        let words = split_words("« Mission Locale Haute-Garonne » d’accueil");
        let folded: Vec<&str> = words.iter().map(|w| w.folded.as_str()).collect();
        assert_eq!(
            folded,
            ["mission", "locale", "haute", "garonne", "d", "accueil"]
        );
        assert!(words[4].is_function);
        assert!(words[0].capitalized && !words[5].capitalized);
    }

    #[test]
    fn long_form_key_ignores_case_accents_apostrophes_and_plural() {
        assert_eq!(
            long_form_key("Maisons d'assistants maternels"),
            long_form_key("maison d’assistant Maternel")
        );
        assert_ne!(
            long_form_key("Maison du lien social"),
            long_form_key("Maison des jeunes")
        );
    }

    #[test]
    fn sigle_key_is_case_and_dot_insensitive() {
        assert_eq!(sigle_key("c.g.e.t"), "cget");
        assert_eq!(canonical_sigle("C.G.E.T."), "CGET");
    }

    #[test]
    fn char_offsets_count_characters_not_bytes() {
        let offsets = CharOffsets::new("éé(A)");
        assert_eq!(offsets.char_offset(4), 2);
        assert_eq!(offsets.char_offset(0), 0);
        assert_eq!(offsets.char_offset(100), 5);
    }
}
