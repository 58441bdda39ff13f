//! Field labels (`PILOTES`, `Partenaires :`, `ÉLÉMENTS DE DIAGNOSTIC`…).
//!
//! Fiches are written by hand: the same field is spelled with or without
//! accents, in capitals or not, with a colon or not, with `/` spaced or not.
//! The spellings live in `data/field_labels.txt` so new towns' habits are a
//! data change; matching folds all of that away and answers the canonical
//! upper-case label the rest of the pipeline keys roles on.

use std::collections::HashMap;

use once_cell::sync::Lazy;

static LABELS: Lazy<Labels> =
    Lazy::new(|| Labels::from_data(include_str!("../../data/field_labels.txt")));

/// The levels an action table's column headers name (`data/table_columns.txt`).
static COLUMNS: Lazy<Labels> =
    Lazy::new(|| Labels::from_data(include_str!("../../data/table_columns.txt")));

/// Folded spelling → canonical label (or level, for column headers).
pub(crate) struct Labels {
    by_folded: HashMap<String, String>,
    /// Longest label, in words, to bound prefix matching.
    max_words: usize,
}

impl Labels {
    fn from_data(data: &str) -> Labels {
        let mut by_folded = HashMap::new();
        let mut max_words = 1;
        for line in data.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut names = line.split('|').map(str::trim).filter(|n| !n.is_empty());
            let Some(canonical) = names.next() else {
                continue;
            };
            for name in std::iter::once(canonical).chain(names) {
                let folded = fold(name);
                max_words = max_words.max(folded.split(' ').count());
                by_folded
                    .entry(folded)
                    .or_insert_with(|| canonical.to_string());
            }
        }
        Labels {
            by_folded,
            max_words,
        }
    }
}

/// Accent-, case- and punctuation-blind form used for every comparison in
/// structure recovery: `Éléments  de diagnostic :` → `elements de diagnostic`.
///
/// Whitespace runs become one space (none at the edges), spaces next to a `/`
/// go, typographic apostrophes and dashes are written `'` and `-`, and trailing
/// `:`, ` `, `.` are trimmed. Letters go through the shared fold (`text::fold`:
/// `ŒUVRE` → `oeuvre`, `ﬁnancement` → `financement`).
pub(crate) fn fold(text: &str) -> String {
    let mut folder = Folder::with_capacity(text.len());
    folder.feed_str(text);
    let kept = trim_folded(&folder.out).len();
    folder.out.truncate(kept);
    folder.out
}

/// The end trim of [`fold`].
fn trim_folded(folded: &str) -> &str {
    folded.trim_end_matches([':', ' ', '.'])
}

/// A byte that folds to itself and needs nothing of its neighbours: a lower-case ASCII letter
/// or a digit.
#[inline]
fn is_copied(byte: u8) -> bool {
    byte.is_ascii_lowercase() || byte.is_ascii_digit()
}

/// [`fold`] as a stream: the output only grows, and after any input prefix
/// ending with a non-whitespace character it is the fold of that prefix
/// before the end trim.
struct Folder {
    out: String,
    /// Whitespace seen since the last character pushed.
    pending_space: bool,
    /// Bytes pushed that no later step removes (not ` `, `:`, `.`).
    solid: usize,
    /// Where one character's letters are folded.
    scratch: String,
}

impl Folder {
    fn with_capacity(capacity: usize) -> Folder {
        Folder {
            out: String::with_capacity(capacity),
            pending_space: false,
            solid: 0,
            scratch: String::new(),
        }
    }

    fn feed_str(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let byte = bytes[at];
            if is_copied(byte) {
                // The common case: words in lower case with one space between them, which
                // fold to themselves, copied as is.
                let (mut end, mut spaces) = (at + 1, 0);
                while end < bytes.len() {
                    if is_copied(bytes[end]) {
                        end += 1;
                    } else if bytes[end] == b' '
                        && bytes.get(end + 1).is_some_and(|&b| is_copied(b))
                    {
                        end += 2;
                        spaces += 1;
                    } else {
                        break;
                    }
                }
                if self.pending_space {
                    self.push_space_before(char::from(byte));
                }
                self.out.push_str(&text[at..end]);
                self.solid += end - at - spaces;
                at = end;
            } else if byte.is_ascii() {
                self.push_ascii(byte);
                at += 1;
            } else {
                let c = text[at..].chars().next().expect("char boundary");
                self.feed(c);
                at += c.len_utf8();
            }
        }
    }

    /// [`Folder::push_mapped`] for an ASCII character.
    #[inline]
    fn push_ascii(&mut self, byte: u8) {
        match byte {
            // `char::is_whitespace` in ASCII.
            b'\t'..=b'\r' | b' ' => self.pending_space = true,
            b'`' => self.push('\''),
            _ => self.push(char::from(byte.to_ascii_lowercase())),
        }
    }

    /// One character: the marks labels care about here, the letters by the shared fold.
    #[inline]
    fn feed(&mut self, c: char) {
        if c.is_ascii() || matches!(c, '’' | '‘' | '–' | '—') || c.is_whitespace() {
            self.push_mapped(c);
        } else {
            let mut letters = std::mem::take(&mut self.scratch);
            letters.clear();
            crate::text::fold::fold_char_into(c, &mut letters);
            for folded in letters.chars() {
                self.push_mapped(folded);
            }
            self.scratch = letters;
        }
    }

    #[inline]
    fn push_mapped(&mut self, c: char) {
        match c {
            'a'..='z' | '0'..='9' => self.push(c),
            'A'..='Z' => self.push(c.to_ascii_lowercase()),
            '’' | '‘' | '`' => self.push('\''),
            '–' | '—' => self.push('-'),
            c if c.is_whitespace() => self.pending_space = true,
            c if c.is_ascii() => self.push(c),
            c => {
                for lower in c.to_lowercase() {
                    self.push(lower);
                }
            }
        }
    }

    #[inline(always)]
    fn push(&mut self, c: char) {
        if self.pending_space {
            self.push_space_before(c);
        }
        self.out.push(c);
        if !matches!(c, ':' | '.') {
            self.solid += c.len_utf8();
        }
    }

    fn push_space_before(&mut self, c: char) {
        self.pending_space = false;
        if c != '/' && !self.out.is_empty() && !self.out.ends_with('/') {
            self.out.push(' ');
        }
    }
}

/// The canonical label when the whole `line` is a label (`PILOTES`,
/// `Partenaires :`, `MODALITÉS DE MISE EN ŒUVRE / ETAPES DE TRAVAIL`).
pub(crate) fn whole_label(line: &str) -> Option<String> {
    // Labels fold to at most 80 bytes: stop folding once the fold is longer.
    let mut folder = Folder::with_capacity(line.len().min(128));
    for c in line.chars() {
        folder.feed(c);
        if folder.solid > 80 {
            return None;
        }
    }
    let folded = trim_folded(&folder.out);
    if folded.is_empty() || folded.len() > 80 {
        return None;
    }
    LABELS.by_folded.get(folded).cloned()
}

/// The level (`AXE`, `OBJECTIF`, `ACTION`) a column header names in an action table
/// (`Objectifs opérationnels` → `OBJECTIF`).
pub(crate) fn column_level(cell: &str) -> Option<&'static str> {
    if cell.len() > 120 {
        return None;
    }
    COLUMNS.by_folded.get(&fold(cell)).map(String::as_str)
}

/// `Label : value` or, when the label is written in capitals, `LABEL value`:
/// the canonical label and the byte offset where the value starts in `line`.
pub(crate) fn leading_label(line: &str) -> Option<(String, usize)> {
    // Word spans of the first few words.
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start: Option<usize> = None;
    for (index, c) in line.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                words.push((s, index));
                if words.len() > LABELS.max_words + 1 {
                    break;
                }
            }
        } else if start.is_none() {
            start = Some(index);
        }
    }
    if let Some(s) = start {
        if words.len() <= LABELS.max_words + 1 {
            words.push((s, line.len()));
        }
    }
    let limit = words.len().min(LABELS.max_words);
    if limit == 0 {
        return None;
    }
    // The fold of every head `line[..word end]` at once: a head ends with a
    // non-whitespace character, so its fold is a prefix of the longest
    // head's, end-trimmed; trailing colons are trimmed by the fold anyway.
    let mut folder = Folder::with_capacity(words[limit - 1].1);
    let mut folded_ends = Vec::with_capacity(limit);
    for (index, c) in line[..words[limit - 1].1].char_indices() {
        folder.feed(c);
        if index + c.len_utf8() == words[folded_ends.len()].1 {
            folded_ends.push(folder.out.len());
        }
    }
    for count in (1..=limit).rev() {
        let end = words[count - 1].1;
        let head = &line[..end];
        let rest = &line[end..];
        let rest_trimmed = rest.trim_start();
        let colon_in_head = head.ends_with(':');
        let colon_after = rest_trimmed.starts_with(':');
        let head_without_colon = head.trim_end_matches(':');
        let folded = trim_folded(&folder.out[..folded_ends[count - 1]]);
        let Some(label) = LABELS.by_folded.get(folded) else {
            continue;
        };
        let value_start = if colon_after {
            let after_colon = &rest_trimmed[1..];
            line.len() - after_colon.trim_start().len()
        } else {
            line.len() - rest_trimmed.len()
        };
        if value_start >= line.len() {
            return None;
        }
        let written_in_capitals = head_without_colon
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| c.is_uppercase())
            && head_without_colon
                .chars()
                .filter(|c| c.is_alphabetic())
                .count()
                >= 5;
        if colon_in_head || colon_after || written_in_capitals {
            return Some((label.clone(), value_start));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_ignores_accents_case_and_colon() {
        assert_eq!(fold("Éléments  de DIAGNOSTIC :"), "elements de diagnostic");
        assert_eq!(fold("MISE EN ŒUVRE / ETAPES"), "mise en oeuvre/etapes");
    }

    #[test]
    fn the_fold_of_a_text_is_the_fold_of_its_chars_one_by_one() {
        let texts = [
            "le soutien à la parentalité / les lieux d’accueil",
            "des actions  menées en 2024 :\nla ville et le CCAS",
            "projet educatif territorial 2021-2024.",
            "accueil /parents , enfants\t et jeunes ",
            "MISE EN ŒUVRE / étapes de travail",
            "a b c d / e f",
            "",
        ];
        for text in texts {
            let mut one_by_one = Folder::with_capacity(text.len());
            text.chars().for_each(|c| one_by_one.feed(c));
            let mut whole = Folder::with_capacity(text.len());
            whole.feed_str(text);
            assert_eq!(whole.out, one_by_one.out, "{text:?}");
            assert_eq!(whole.solid, one_by_one.solid, "{text:?}");
        }
        assert_eq!(
            fold("le soutien à la parentalité / les lieux"),
            "le soutien a la parentalite/les lieux"
        );
    }

    #[test]
    fn whole_labels_are_canonical() {
        assert_eq!(
            whole_label("ELÉMENTS DE DIAGNOSTIC").as_deref(),
            Some("ÉLÉMENTS DE DIAGNOSTIC")
        );
        assert_eq!(whole_label("Partenaires :").as_deref(), Some("PARTENAIRES"));
        assert_eq!(
            whole_label("MODALITÉS DE MISE EN ŒUVRE / ETAPES DE TRAVAIL").as_deref(),
            Some("MODALITÉS DE MISE EN ŒUVRE / ÉTAPES DE TRAVAIL")
        );
        assert_eq!(whole_label("Les partenaires de la ville"), None);
        // The columns of action tables kept as workbooks.
        assert_eq!(whole_label("Échéance").as_deref(), Some("CALENDRIER"));
        assert_eq!(
            whole_label("Commentaires :").as_deref(),
            Some("OBSERVATIONS")
        );
        assert_eq!(
            whole_label("État d’avancement").as_deref(),
            Some("AVANCEMENT")
        );
    }

    #[test]
    fn column_headers_name_levels() {
        assert_eq!(column_level("Objectifs opérationnels"), Some("OBJECTIF"));
        assert_eq!(column_level("AXES STRATÉGIQUES :"), Some("AXE"));
        assert_eq!(column_level("Intitulé de l’action"), Some("ACTION"));
        assert_eq!(column_level("Pilote"), None);
    }

    #[test]
    fn leading_labels_need_a_colon_or_capitals() {
        let line = "PARTENAIRES CAF, Marcher à 4 pattes, ARPADE";
        let (label, at) = leading_label(line).unwrap();
        assert_eq!(label, "PARTENAIRES");
        assert_eq!(&line[at..], "CAF, Marcher à 4 pattes, ARPADE");
        let line = "Publics : les jeunes de 16 à 25 ans";
        let (label, at) = leading_label(line).unwrap();
        assert_eq!(
            (label.as_str(), &line[at..]),
            ("PUBLICS", "les jeunes de 16 à 25 ans")
        );
        assert_eq!(
            leading_label("Partenaires et habitants se sont réunis"),
            None
        );
        let line = "EVALUATION INDICATEURS Nombre d'actions";
        assert_eq!(
            leading_label(line).map(|(l, _)| l).as_deref(),
            Some("EVALUATION INDICATEURS")
        );
    }
}
