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

/// Folded spelling → canonical label.
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
/// go, and trailing `:`, ` `, `.` are trimmed. Combining marks are dropped after
/// canonical decomposition (every character with a non-zero combining class
/// is a mark, so decomposing character by character equals NFD here).
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// [`fold`] appended to `out` (which must be empty).
pub(crate) fn fold_into(text: &str, out: &mut String) {
    let mut folder = Folder {
        out,
        pending_space: false,
    };
    for c in text.chars() {
        if c.is_ascii() {
            folder.push_mapped(c);
        } else {
            unicode_normalization::char::decompose_canonical(c, |d| {
                if !unicode_normalization::char::is_combining_mark(d) {
                    folder.push_mapped(d);
                }
            });
        }
    }
    let kept = folder.out.trim_end_matches([':', ' ', '.']).len();
    folder.out.truncate(kept);
}

struct Folder<'a> {
    out: &'a mut String,
    /// Whitespace seen since the last character pushed.
    pending_space: bool,
}

impl Folder<'_> {
    #[inline]
    fn push_mapped(&mut self, c: char) {
        match c {
            'a'..='z' | '0'..='9' => self.push(c),
            'A'..='Z' => self.push(c.to_ascii_lowercase()),
            'œ' | 'Œ' => {
                self.push('o');
                self.push('e');
            }
            'æ' | 'Æ' => {
                self.push('a');
                self.push('e');
            }
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

    #[inline]
    fn push(&mut self, c: char) {
        if self.pending_space {
            self.pending_space = false;
            if c != '/' && !self.out.is_empty() && !self.out.ends_with('/') {
                self.out.push(' ');
            }
        }
        self.out.push(c);
    }
}

/// The canonical label when the whole `line` is a label (`PILOTES`,
/// `Partenaires :`, `MODALITÉS DE MISE EN ŒUVRE / ETAPES DE TRAVAIL`).
pub(crate) fn whole_label(line: &str) -> Option<String> {
    let folded = fold(line);
    if folded.is_empty() || folded.len() > 80 {
        return None;
    }
    LABELS.by_folded.get(&folded).cloned()
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
    for count in (1..=limit).rev() {
        let end = words[count - 1].1;
        let head = &line[..end];
        let rest = &line[end..];
        let rest_trimmed = rest.trim_start();
        let colon_in_head = head.ends_with(':');
        let colon_after = rest_trimmed.starts_with(':');
        let head_without_colon = head.trim_end_matches(':');
        let Some(label) = LABELS.by_folded.get(&fold(head_without_colon)) else {
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
