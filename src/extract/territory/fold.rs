//! One comparable form for place names, shared by the geographic code and the text scanner.
//!
//! Documents write the same place many ways: "L'Union", "l’Union", "LUnion", "ALES" for
//! Alès, "St-Gildas" for Saint-Gildas, "Val d'Oise" for Val-d'Oise. Both sides are cut into
//! words the same way and each word folded (lower case, accents dropped, ligatures opened,
//! "st" → "saint"); a name's key is its folded words glued together, so spaces, hyphens and
//! apostrophes never matter. Offsets are kept in characters as well as bytes, because the
//! data model speaks characters and slicing must stay on UTF-8 boundaries.

use std::borrow::Cow;
use std::cell::OnceCell;

use crate::text::names::fold_word;
use crate::text::{NameKey, WordList};

/// One word of a text: a maximal run of letters and digits.
#[derive(Debug, Clone)]
pub(crate) struct Word<'a> {
    pub text: &'a str,
    /// Folded when first asked ([`Word::folded`]): the scan asks for the words around
    /// capitalised ones only, and most words of running text are neither.
    folded: OnceCell<Cow<'a, str>>,
    pub start_byte: usize,
    pub end_byte: usize,
    pub start_char: usize,
    pub end_char: usize,
    /// True when what separates this word from the previous one may sit inside a place
    /// name (spaces, hyphens, apostrophes), so both can belong to one name.
    pub joins_previous: bool,
    /// True when a lone hyphen glues this word to the previous one ("Barret-Labre").
    pub hyphen_before: bool,
}

impl Word<'_> {
    /// The word folded as place names are; borrowed from the text when folding changes
    /// nothing (most words of running text).
    pub fn folded(&self) -> &str {
        self.folded.get_or_init(|| fold_word(self.text, true))
    }

    /// First letter upper case ("Cergy", "CERGY", "L").
    pub fn is_capitalised(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }

    /// Every letter upper case, and more than one letter ("ALES", not "L" nor "Alès").
    pub fn is_all_caps(&self) -> bool {
        let mut n_letters = 0;
        for c in self.text.chars() {
            if crate::analysis::folding::is_alphabetic(c) {
                if !c.is_uppercase() {
                    return false;
                }
                n_letters += 1;
            }
        }
        n_letters > 1
    }

    pub fn starts_with_digit(&self) -> bool {
        self.text.chars().next().is_some_and(|c| c.is_ascii_digit())
    }
}

/// Articles a name may start with ("L'Union", "Le Mans", "La Rochelle", "Les Ulis"), which
/// writers drop or contract ("au Mans").
pub(crate) fn is_article(folded: &str) -> bool {
    matches!(folded, "l" | "le" | "la" | "les")
}

/// Small linking words (`data/place_name_particles.txt`): never the start or end of a place
/// name on their own, and not a sign that a capitalised neighbour belongs to a longer proper
/// name.
pub(crate) fn is_particle(folded: &str) -> bool {
    static PARTICLES: once_cell::sync::Lazy<WordList> = once_cell::sync::Lazy::new(|| {
        WordList::parse(include_str!("../../../data/place_name_particles.txt"))
    });
    PARTICLES.contains(folded)
}

/// How place names are keyed: folded words, `St`/`Ste` read as `Saint`/`Sainte`, glued.
const PLACE_KEY: NameKey<'static> = NameKey::new().saints();

/// True for what may separate two words of one place name.
fn is_name_separator(separator: &str) -> bool {
    let mut n_chars = 0;
    for c in separator.chars() {
        n_chars += 1;
        if !matches!(
            c,
            ' ' | '-' | '\'' | '’' | 'ʼ' | '\u{a0}' | '\u{202f}' | '\u{2010}' | '\u{2011}'
        ) {
            return false;
        }
    }
    (1..=3).contains(&n_chars)
}

/// Cuts a text into words (`text::words`), with byte and character offsets, each folded as
/// place names are.
pub(crate) fn words(text: &str) -> Vec<Word<'_>> {
    // About one word in six bytes of French text: one allocation for most texts.
    let mut out: Vec<Word<'_>> = Vec::with_capacity(text.len() / 6 + 1);
    let mut previous_end_byte = 0;
    for span in crate::text::words(text) {
        let word_text = span.text(text);
        let separator = &text[previous_end_byte..span.start_byte];
        let joins_previous = !out.is_empty() && is_name_separator(separator);
        let hyphen_before = joins_previous && matches!(separator, "-" | "\u{2010}" | "\u{2011}");
        out.push(Word {
            text: word_text,
            folded: OnceCell::new(),
            start_byte: span.start_byte,
            end_byte: span.end_byte,
            start_char: span.start_char,
            end_char: span.end_char,
            joins_previous,
            hyphen_before,
        });
        previous_end_byte = span.end_byte;
    }
    out
}

/// A name's lookup key, made in one pass without cutting it into [`Word`]s (the geographic
/// code has 36,000 names to fold at start-up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlaceKey {
    pub key: String,
    pub n_words: usize,
    /// Byte length, in `key`, of a leading article followed by more words ("l" in "lunion").
    pub article_len: Option<usize>,
}

pub(crate) fn name_key_parts(name: &str) -> PlaceKey {
    let mut key = String::with_capacity(name.len());
    let mut n_words = 0;
    let mut first_word_article_len = None;
    for span in crate::text::words(name) {
        let folded = fold_word(span.text(name), true);
        if n_words == 0 && is_article(&folded) {
            first_word_article_len = Some(folded.len());
        }
        key.push_str(&folded);
        n_words += 1;
    }
    let article_len = if n_words > 1 {
        first_word_article_len
    } else {
        None
    };
    PlaceKey {
        key,
        n_words,
        article_len,
    }
}

/// The folded words of a name ("Saint-Jean-de-Luz" → saint, jean, de, luz).
pub(crate) fn name_words(name: &str) -> Vec<String> {
    PLACE_KEY
        .words(name)
        .into_iter()
        .map(Cow::into_owned)
        .collect()
}

/// The lookup key of a name: its folded words glued together.
pub(crate) fn name_key(name: &str) -> String {
    PLACE_KEY.key(name, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_accents_hyphens_and_apostrophes() {
        assert_eq!(name_key("L'Union"), "lunion");
        assert_eq!(name_key("l’union"), "lunion");
        assert_eq!(name_key("LUnion"), "lunion");
        assert_eq!(name_key("Val d'Oise"), name_key("Val-d'Oise"));
        assert_eq!(name_key("ALES"), name_key("Alès"));
        assert_eq!(
            name_key("St-Gildas-des-Bois"),
            name_key("Saint Gildas des Bois")
        );
        assert_eq!(name_key("Œuilly"), "oeuilly");
        assert_eq!(name_key("Île-de-France"), "iledefrance");
    }

    #[test]
    fn one_pass_keys_agree_with_word_keys() {
        for name in [
            "L'Union",
            "Saint-Jean-de-Luz",
            "St-Gildas",
            "Œuilly",
            "Le Mans",
            "Y",
            "",
        ] {
            let parts = name_key_parts(name);
            assert_eq!(parts.key, name_key(name), "{name}");
            assert_eq!(parts.n_words, name_words(name).len(), "{name}");
        }
        assert_eq!(name_key_parts("L'Union").article_len, Some(1));
        assert_eq!(name_key_parts("Le Mans").article_len, Some(2));
        assert_eq!(name_key_parts("Les").article_len, None);
        assert_eq!(name_key_parts("Lens").article_len, None);
    }

    #[test]
    fn words_carry_character_offsets_and_joins() {
        let text = "à l’Union, Côte-d'Or\tYères";
        let ws = words(text);
        let texts: Vec<&str> = ws.iter().map(|w| w.text).collect();
        assert_eq!(texts, ["à", "l", "Union", "Côte", "d", "Or", "Yères"]);
        assert_eq!(ws[2].start_char, 4);
        assert_eq!(ws[2].end_char, 9);
        assert!(ws[2].joins_previous, "l’Union is one name");
        assert!(!ws[3].joins_previous, "a comma breaks a name");
        assert!(ws[4].joins_previous && ws[5].joins_previous);
        assert!(!ws[6].joins_previous, "a tab breaks a name");
        // Character offsets slice the same text as byte offsets.
        let chars: Vec<char> = text.chars().collect();
        let from_chars: String = chars[ws[6].start_char..ws[6].end_char].iter().collect();
        assert_eq!(from_chars, ws[6].text);
    }

    #[test]
    fn capitals_and_all_caps() {
        let ws = words("Cergy ALES L cergy");
        assert!(ws[0].is_capitalised() && !ws[0].is_all_caps());
        assert!(ws[1].is_all_caps());
        assert!(ws[2].is_capitalised() && !ws[2].is_all_caps());
        assert!(!ws[3].is_capitalised());
    }

    #[test]
    fn empty_and_odd_inputs_do_not_panic() {
        assert!(words("").is_empty());
        assert!(words("  ,;—«»").is_empty());
        assert_eq!(words("«Alès»")[0].text, "Alès");
        assert_eq!(name_key(""), "");
    }
}
