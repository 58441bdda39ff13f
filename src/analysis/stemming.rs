//! French Snowball stemming of folded words.
//!
//! Why not stem the accented word: capitals lose their accents
//! (`PARENTALITE`, `REUSSITE EDUCATIVE`), queries are typed without them,
//! and Snowball treats `-ité` and `-ite` differently (`parentalité` →
//! `parental` but `parentalite` → `parentalit`). Stemming before folding
//! would make the accented and unaccented spellings two terms.
//!
//! So words are folded first (every spelling becomes one string), then the
//! few endings whose accent Snowball needs are put back before stemming:
//! `-ite(s)` → `-ité(s)`, `-ee(s)` → `-ée(s)`, `-iere(s)` → `-ière(s)`.
//! These are the suffixes Snowball's French steps look up with an accent
//! (`ité`, `ée`, `ées`, `ière`); its other accented suffixes (`é`, `és`)
//! already end like the unaccented word once step 4 drops a final `e`/`s`.
//! A real `-ite` word (`limite`, `réussite`) stems the same either way
//! because Snowball only removes `ité` in the R2 region and otherwise
//! removes the final `é` or `e` alike. Whatever the stemmer returns is
//! folded again, so terms stay plain ASCII for Latin text.
//!
//! Because the stem depends on the folded word only, `RÉUSSITE`,
//! `Réussite`, `REUSSITE` and `reussite` always give the same term.
//! Tokens with a digit (`1.2.5`, `2021`, `3d`) are codes, not words: left
//! as they are.
//!
//! # Example
//! ```rust
//! use maillage::analysis::stemming::stem_folded_word;
//!
//! assert_eq!(stem_folded_word("parentalite"), "parental");
//! assert_eq!(stem_folded_word("parentales"), "parental");
//! ```

use std::mem;

use rust_stemmers::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::folding::fold_into;

/// Folded endings and the accented spelling Snowball expects, longest first.
const ACCENTED_ENDINGS: &[(&str, &str)] = &[
    ("ierement", "ièrement"),
    ("ieres", "ières"),
    ("iere", "ière"),
    ("ites", "ités"),
    ("ite", "ité"),
    ("ees", "ées"),
    ("ee", "ée"),
    // Participles of `-fier`/`-cier` verbs (`identifié`, `associé`): French
    // has almost no nouns in `-fie`/`-cie`, unlike `-tie`, `-rie`, `-die`
    // (`sortie`, `mairie`, `maladie`), which are left alone.
    ("fies", "fiés"),
    ("fie", "fié"),
    ("cies", "ciés"),
    ("cie", "cié"),
];

/// Writes `folded_word` into `output` with the accent of its ending put
/// back when Snowball needs it to recognise the suffix.
pub fn restore_accented_ending(folded_word: &str, output: &mut String) {
    output.clear();
    for (folded_ending, accented_ending) in ACCENTED_ENDINGS {
        if let Some(stem) = folded_word.strip_suffix(folded_ending) {
            // Too short to carry a suffix: `ee`, `ite` alone stay as they are.
            if stem.chars().count() >= 2 {
                output.push_str(stem);
                output.push_str(accented_ending);
                return;
            }
        }
    }
    output.push_str(folded_word);
}

/// Stem of one folded word, by the rule of the module doc. Allocates; the
/// filter uses buffers instead.
pub fn stem_folded_word(folded_word: &str) -> String {
    let stemmer = Stemmer::create(Algorithm::French);
    let mut restored = String::new();
    let mut output = String::new();
    stem_into(&stemmer, folded_word, &mut restored, &mut output);
    output
}

fn has_digit(word: &str) -> bool {
    word.bytes().any(|byte| byte.is_ascii_digit()) || word.chars().any(char::is_numeric)
}

/// Stems `folded_word` into `output` using `restored` as scratch space.
fn stem_into(stemmer: &Stemmer, folded_word: &str, restored: &mut String, output: &mut String) {
    output.clear();
    if has_digit(folded_word) {
        output.push_str(folded_word);
        return;
    }
    restore_accented_ending(folded_word, restored);
    let stem = stemmer.stem(restored);
    if stem.is_ascii() {
        output.push_str(&stem);
    } else {
        fold_into(&stem, output);
    }
    spell_final_y_as_i(output);
}

/// Snowball turns a `y` after a vowel into `i` only when a suffix was
/// removed in its first steps: `employés` → `emploi` but the folded
/// `employes` → `employ`. Doing it always puts `employé`, `employer`,
/// `emploi` and `employes` on one term. Short stems keep their `y`: `pays`
/// (a country) must not meet `paiement`.
fn spell_final_y_as_i(stem: &mut String) {
    let bytes = stem.as_bytes();
    let n_bytes = bytes.len();
    if n_bytes >= 5
        && bytes[n_bytes - 1] == b'y'
        && matches!(bytes[n_bytes - 2], b'a' | b'e' | b'i' | b'o' | b'u')
    {
        stem.pop();
        stem.push('i');
    }
}

/// Words remembered per thread; cleared when full, so memory stays bounded.
const STEM_CACHE_CAPACITY: usize = 200_000;

thread_local! {
    static STEM_CACHE: std::cell::RefCell<rustc_hash::FxHashMap<String, String>> =
        std::cell::RefCell::new(rustc_hash::FxHashMap::default());
}

/// Token filter stemming folded French words (see the module doc).
#[derive(Clone, Copy, Debug, Default)]
pub struct FrenchStemmer;

impl TokenFilter for FrenchStemmer {
    type Tokenizer<T: Tokenizer> = FrenchStemmerWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FrenchStemmerWrapper<T> {
        FrenchStemmerWrapper { inner: tokenizer }
    }
}

/// [`FrenchStemmer`] applied to a tokenizer.
#[derive(Clone)]
pub struct FrenchStemmerWrapper<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for FrenchStemmerWrapper<T> {
    type TokenStream<'a> = FrenchStemmerTokenStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FrenchStemmerTokenStream {
            tail: self.inner.token_stream(text),
            stemmer: Stemmer::create(Algorithm::French),
            restored: String::new(),
            output: String::new(),
        }
    }
}

/// Stream of [`FrenchStemmer`].
pub struct FrenchStemmerTokenStream<T> {
    tail: T,
    stemmer: Stemmer,
    restored: String,
    output: String,
}

impl<T: TokenStream> TokenStream for FrenchStemmerTokenStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        // Plans repeat their vocabulary (and every passage repeats its
        // heading path): most words were stemmed a moment ago.
        let cached = STEM_CACHE.with(|cache| {
            let cache = cache.borrow();
            cache.get(token.text.as_str()).map(|stem| {
                self.output.clear();
                self.output.push_str(stem);
            })
        });
        if cached.is_none() {
            stem_into(
                &self.stemmer,
                &token.text,
                &mut self.restored,
                &mut self.output,
            );
            STEM_CACHE.with(|cache| {
                let mut cache = cache.borrow_mut();
                if cache.len() >= STEM_CACHE_CAPACITY {
                    cache.clear();
                }
                cache.insert(token.text.clone(), self.output.clone());
            });
        }
        mem::swap(&mut token.text, &mut self.output);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::folding::fold;

    fn stem(word: &str) -> String {
        stem_folded_word(&fold(word))
    }

    #[test]
    fn restores_only_the_listed_endings() {
        let mut output = String::new();
        restore_accented_ending("parentalite", &mut output);
        assert_eq!(output, "parentalité");
        restore_accented_ending("premieres", &mut output);
        assert_eq!(output, "premières");
        restore_accented_ending("annees", &mut output);
        assert_eq!(output, "années");
        restore_accented_ending("ite", &mut output);
        assert_eq!(output, "ite");
        restore_accented_ending("sortie", &mut output);
        assert_eq!(output, "sortie");
        restore_accented_ending("qualifiees", &mut output);
        assert_eq!(output, "qualifiées");
        restore_accented_ending("jeunes", &mut output);
        assert_eq!(output, "jeunes");
    }

    #[test]
    fn accented_and_folded_endings_stem_alike() {
        assert_eq!(stem("parentalité"), stem("PARENTALITE"));
        assert_eq!(stem("parentalité"), "parental");
        assert_eq!(stem("année"), stem("ANNEE"));
        assert_eq!(stem("première"), stem("premier"));
        assert_eq!(stem("scolarité"), stem("scolarites"));
        assert_eq!(stem("régulièrement"), stem("REGULIER"));
        assert_eq!(stem("IDENTIFIE"), stem("identifier"));
        assert_eq!(stem("associés"), stem("association"));
        assert_eq!(stem("EMPLOYES"), stem("emploi"));
        assert_eq!(stem("déployés"), stem("déploiement"));
        assert_ne!(stem("pays"), stem("paiement"));
    }

    #[test]
    fn codes_are_not_stemmed() {
        assert_eq!(stem_folded_word("1.2.5"), "1.2.5");
        assert_eq!(stem_folded_word("2021"), "2021");
        assert_eq!(stem_folded_word("a4"), "a4");
    }

    #[test]
    fn stems_are_ascii_for_french_words() {
        for word in [
            "été",
            "progrès",
            "réussite",
            "sécurité",
            "aiguë",
            "Noël",
            "œuvre",
        ] {
            assert!(stem(word).is_ascii(), "{word} gave {}", stem(word));
        }
    }
}
