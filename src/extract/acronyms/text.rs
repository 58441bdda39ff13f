//! Small text helpers shared by the acronym rules.
//!
//! Why a module of its own: the same three questions come back in every rule
//! (is this token a sigle? which words does this phrase hold once elisions and
//! hyphens are split? how do two spellings compare once accents and case are
//! ignored?), and they must get the same answer everywhere, or a definition
//! found by one rule would not merge with the same definition found by another.

use once_cell::sync::Lazy;

use crate::text::{NameKey, WordList};

/// French function words a sigle may skip (folded, lower case).
static FUNCTION_WORDS: Lazy<WordList> =
    Lazy::new(|| WordList::parse(include_str!("../../../data/function_words_fr.txt")));

/// Capitalized words that are not sigles (upper case, no accents).
static STOPLIST: Lazy<WordList> =
    Lazy::new(|| WordList::parse(include_str!("../../../data/acronym_stoplist.txt")));

/// How long forms are compared: function words dropped, plural noun groups singular.
static LONG_FORM_KEY: Lazy<NameKey<'static>> = Lazy::new(|| {
    NameKey::new()
        .dropping(&FUNCTION_WORDS)
        .every_word_singular()
});

pub use crate::text::FastSet;

pub use crate::text::{fold, fold_into};

/// True for a French function word (`de`, `l`, `à`…), given folded.
pub fn is_function_word(folded_word: &str) -> bool {
    FUNCTION_WORDS.contains(folded_word)
}

/// True for a capitalized word that plans use as a label, not as a sigle.
pub fn is_stoplisted(token: &str) -> bool {
    if token.is_ascii() && token.len() <= 32 {
        // Folding ASCII is lowering it: the key is the token in capitals.
        let mut key = [0u8; 32];
        let key = &mut key[..token.len()];
        key.copy_from_slice(token.as_bytes());
        key.make_ascii_uppercase();
        return std::str::from_utf8(key).is_ok_and(|key| STOPLIST.contains(key));
    }
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
    // Most tokens are ordinary words: a sigle starts with an ASCII capital.
    if !token.as_bytes().first().is_some_and(u8::is_ascii_uppercase) {
        return None;
    }
    let token = token.trim_end_matches('.');
    // Accented letters (`ÉTAT`, `Défi`) are words, not sigles; and from here
    // on a byte is a char.
    if !token.is_ascii() {
        return None;
    }
    let bytes = token.as_bytes();
    let n_chars = bytes.len();
    if !(2..=12).contains(&n_chars) {
        return None;
    }
    if bytes.contains(&b'.') {
        // Dotted sigles: single capitals separated by dots (`C.G.E.T`).
        let all_single = token
            .split('.')
            .all(|part| part.len() == 1 && part.as_bytes()[0].is_ascii_uppercase());
        return (all_single && n_chars >= 3).then_some(SigleShape::Capitals);
    }
    let (mut n_upper, mut n_lower) = (0, 0);
    // Three lower-case letters in a row make a word (`ENTREtenir`), not a
    // sigle with a lower-case letter inside (`PaCS`).
    let (mut lower_run, mut has_lower_case_run) = (0, false);
    let mut is_roman_numeral = true;
    for &b in bytes {
        if !(b.is_ascii_alphanumeric() || b == b'&') {
            return None;
        }
        if b.is_ascii_uppercase() {
            n_upper += 1;
        }
        if b.is_ascii_lowercase() {
            n_lower += 1;
            lower_run += 1;
            has_lower_case_run |= lower_run >= 3;
        } else {
            lower_run = 0;
        }
        is_roman_numeral &= matches!(b, b'I' | b'V' | b'X');
    }
    if n_upper >= 2 && n_lower <= n_upper && n_chars <= 10 && !has_lower_case_run {
        if is_roman_numeral {
            return None;
        }
        return Some(SigleShape::Capitals);
    }
    if n_upper == 1 && (3..=5).contains(&n_chars) && n_lower == n_chars - 1 {
        return Some(SigleShape::WordLike);
    }
    None
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
    crate::text::words(phrase)
        .filter_map(|span| {
            let raw = span.text(phrase);
            let folded = fold(raw);
            folded.chars().any(char::is_alphabetic).then(|| Word {
                is_function: is_function_word(&folded),
                capitalized: raw.chars().next().is_some_and(char::is_uppercase),
                folded,
                start: span.start_byte,
                end: span.end_byte,
            })
        })
        .collect()
}

/// The comparison key of a long form: content words only, folded, plural noun
/// groups singular (the name key's rule, `text::names`), so `Maisons
/// d'assistants maternels` and `maison d’assistant maternel` compare equal.
pub fn long_form_key(long_form: &str) -> String {
    LONG_FORM_KEY
        .words(long_form)
        .into_iter()
        .filter(|word| word.chars().any(char::is_alphabetic))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lines split into table cells, with their byte offsets.
pub fn cells(text: &str) -> impl Iterator<Item = (usize, &str)> {
    // The separators are ASCII: splitting the bytes keeps UTF-8 boundaries.
    let mut offset = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let start = offset;
        let rest = &text.as_bytes()[start..];
        let len = find_cell_separator(rest).unwrap_or_else(|| {
            done = true;
            rest.len()
        });
        offset += len + 1;
        Some((start, &text[start..start + len]))
    })
}

/// The first `\n`, `\t` or `|` of `bytes`, looked for eight bytes at a time.
fn find_cell_separator(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A byte of `w` is zero: the classic "has zero byte" test (exact for the
    // lowest such byte, which is all we need).
    let has_zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGHS;
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let hits = has_zero(w ^ (ONES * u64::from(b'\n')))
            | has_zero(w ^ (ONES * u64::from(b'\t')))
            | has_zero(w ^ (ONES * u64::from(b'|')));
        if hits != 0 {
            return Some(offset + (hits.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| matches!(b, b'\n' | b'\t' | b'|'))
        .map(|i| offset + i)
}

/// Maps byte offsets of a text to character offsets.
///
/// Keeps the character count at every [`CHECKPOINT_BYTES`]-th byte and counts
/// the rest of the way, rather than one entry per character: a document asks
/// for few offsets.
pub struct CharOffsets<'a> {
    bytes: &'a [u8],
    /// `chars_before[k]`: characters starting before byte `k * CHECKPOINT_BYTES`.
    chars_before: Vec<usize>,
}

const CHECKPOINT_BYTES: usize = 1024;

/// Characters starting in `bytes`: every byte that is not a UTF-8 continuation
/// byte (`10xxxxxx`), counted eight bytes at a time.
fn count_char_starts(bytes: &[u8]) -> usize {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let mut n_continuation = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // Bit 7 set and bit 6 clear, in every byte.
        n_continuation += (w & !(w << 1) & HIGH_BITS).count_ones() as usize;
    }
    n_continuation += chunks
        .remainder()
        .iter()
        .filter(|&&b| (b as i8) < -0x40)
        .count();
    bytes.len() - n_continuation
}

impl<'a> CharOffsets<'a> {
    pub fn new(text: &'a str) -> CharOffsets<'a> {
        let bytes = text.as_bytes();
        let mut chars_before = Vec::with_capacity(bytes.len() / CHECKPOINT_BYTES + 1);
        let mut n_chars = 0;
        chars_before.push(0);
        for block in bytes.chunks(CHECKPOINT_BYTES) {
            n_chars += count_char_starts(block);
            chars_before.push(n_chars);
        }
        CharOffsets {
            bytes,
            chars_before,
        }
    }

    /// The character offset of a byte offset (the next character when the
    /// byte falls inside one; the text length past the end).
    pub fn char_offset(&self, byte_offset: usize) -> usize {
        let byte_offset = byte_offset.min(self.bytes.len());
        let block = byte_offset / CHECKPOINT_BYTES;
        let block_start = block * CHECKPOINT_BYTES;
        self.chars_before[block] + count_char_starts(&self.bytes[block_start..byte_offset])
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
        assert_eq!(
            long_form_key("Lieux d'accueil enfant parent"),
            long_form_key("Lieu d’accueil enfants parents")
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

    #[test]
    fn cells_split_on_line_breaks_tabs_and_bars() {
        for text in [
            "",
            "a",
            "\n",
            "ab|cd\tef\ngh",
            "une ligne assez longue pour plusieurs mots\tcellule|autre\n\nfin",
            "é|ü\t€\n",
            "0123456|89abcdef|",
        ] {
            let expected: Vec<(usize, &str)> = {
                let mut offset = 0;
                text.split(['\n', '\t', '|'])
                    .map(|cell| {
                        let start = offset;
                        offset += cell.len() + 1;
                        (start, cell)
                    })
                    .collect()
            };
            assert_eq!(cells(text).collect::<Vec<_>>(), expected, "{text:?}");
        }
    }

    #[test]
    fn char_offsets_agree_with_counting_char_starts() {
        let text = "Écoles « élémentaires » à l’Union — œuvre ∑ 𝄞 (LAEP)\n".repeat(200);
        let starts: Vec<usize> = text.char_indices().map(|(index, _)| index).collect();
        let offsets = CharOffsets::new(&text);
        for byte in (0..text.len() + 3).chain([text.len() + 5000]) {
            let expected = starts.partition_point(|&start| start < byte);
            assert_eq!(offsets.char_offset(byte), expected, "byte {byte}");
        }
    }
}
