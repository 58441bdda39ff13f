//! Words: maximal runs of letters and digits, with their byte and character offsets.
//!
//! Every stage that cuts text into words cuts it here (place names, sigles and their long
//! forms, name keys), so `l’Union`, `Haute-Garonne` or `d'accueil` split the same way
//! everywhere: an apostrophe or a hyphen ends a word, as any mark does.

/// `char::is_alphanumeric`, answered without a table search for the characters French
/// text is made of (ASCII, accented Latin letters, typographic punctuation); every scanner
/// asks it of every character.
#[inline]
pub fn is_alphanumeric(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphanumeric(),
        0xC0..=0x17F => c != '×' && c != '÷',
        0x2000..=0x206F => false,
        _ => c.is_alphanumeric(),
    }
}

/// `char::is_alphabetic`, fast for French text (see [`is_alphanumeric`]).
#[inline]
pub fn is_alphabetic(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphabetic(),
        0xC0..=0x17F => c != '×' && c != '÷',
        0x2000..=0x206F => false,
        _ => c.is_alphabetic(),
    }
}

/// The char at byte `pos` of `text` (a char boundary) and its length in bytes, with no
/// decoding for ASCII.
#[inline]
pub fn char_at(text: &str, pos: usize) -> (char, usize) {
    let b = text.as_bytes()[pos];
    if b.is_ascii() {
        (char::from(b), 1)
    } else {
        let c = text[pos..].chars().next().unwrap_or('\0');
        (c, c.len_utf8())
    }
}

/// Where one word lies in its text, in bytes (for slicing) and in characters (what the data
/// model speaks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordSpan {
    pub start_byte: usize,
    pub end_byte: usize,
    pub start_char: usize,
    pub end_char: usize,
}

impl WordSpan {
    /// The word in `text`, the text it was found in.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start_byte..self.end_byte]
    }
}

/// The words of `text`, in order.
pub fn words(text: &str) -> Words<'_> {
    Words {
        text,
        byte: 0,
        char_index: 0,
    }
}

/// The iterator of [`words`].
#[derive(Debug, Clone)]
pub struct Words<'a> {
    text: &'a str,
    byte: usize,
    char_index: usize,
}

impl Iterator for Words<'_> {
    type Item = WordSpan;

    fn next(&mut self) -> Option<WordSpan> {
        let mut start = None;
        while self.byte < self.text.len() {
            // ASCII, most of French text, is classified without decoding.
            let (c, len) = char_at(self.text, self.byte);
            if is_alphanumeric(c) {
                start.get_or_insert((self.byte, self.char_index));
            } else if let Some((start_byte, start_char)) = start {
                return Some(WordSpan {
                    start_byte,
                    end_byte: self.byte,
                    start_char,
                    end_char: self.char_index,
                });
            }
            self.byte += len;
            self.char_index += 1;
        }
        start.map(|(start_byte, start_char)| WordSpan {
            start_byte,
            end_byte: self.byte,
            start_char,
            end_char: self.char_index,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_character_classes_agree_with_unicode() {
        for code in 0..0x3_0000u32 {
            if let Some(c) = char::from_u32(code) {
                assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
                assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
            }
        }
    }

    #[test]
    fn apostrophes_hyphens_and_marks_end_words() {
        let text = "à l’Union, Côte-d'Or\t« Yères »";
        let found: Vec<&str> = words(text).map(|w| w.text(text)).collect();
        assert_eq!(found, ["à", "l", "Union", "Côte", "d", "Or", "Yères"]);
        let chars: Vec<char> = text.chars().collect();
        for w in words(text) {
            let by_chars: String = chars[w.start_char..w.end_char].iter().collect();
            assert_eq!(by_chars, w.text(text));
        }
        assert_eq!(words("").count(), 0);
        assert_eq!(words(" ,;—«»").count(), 0);
    }

    #[test]
    fn runs_read_by_bytes_give_the_words_read_char_by_char() {
        let texts = [
            "Le CLAS 2024-2026 de Saint-Étienne : 12 actions, œuvre commune",
            "réussite éducative\nCAF31 et PMI / LAEP « Les P’tits Loups »",
            "e\u{301}cole cafe\u{301} naïve 3ème",
            "abc",
            "déjà",
        ];
        for text in texts {
            // The reference: maximal runs of alphanumeric chars, by chars.
            let mut expected = Vec::new();
            let mut start: Option<(usize, usize)> = None;
            let mut n_chars = 0;
            for (char_index, (byte, c)) in text.char_indices().enumerate() {
                if c.is_alphanumeric() {
                    start.get_or_insert((byte, char_index));
                } else if let Some((b, ci)) = start.take() {
                    expected.push((b, byte, ci, char_index));
                }
                n_chars = char_index + 1;
            }
            if let Some((b, ci)) = start {
                expected.push((b, text.len(), ci, n_chars));
            }
            let found: Vec<_> = words(text)
                .map(|w| (w.start_byte, w.end_byte, w.start_char, w.end_char))
                .collect();
            assert_eq!(found, expected, "{text:?}");
        }
    }
}
