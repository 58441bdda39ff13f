//! Words and hyphens: a line ending in `-` is either a word cut by the line
//! break (glue the halves) or a real compound (keep the hyphen). The
//! document's own vocabulary decides, since no dictionary knows every place
//! name and acronym of a territorial plan. Soft hyphens are resolved the
//! same way at line ends and dropped elsewhere.

use std::collections::HashSet;

use super::{Block, PageOut, GLUED_BREAK};

/// Words and hyphenated compounds of one document.
#[derive(Default)]
pub struct Vocab {
    words: HashSet<String>,
    compounds: HashSet<String>,
}

pub(super) fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

impl Vocab {
    /// Words and hyphenated compounds of the document, except the halves of
    /// line-end hyphenations themselves.
    pub fn from_lines<'a>(lines: impl Iterator<Item = &'a str>) -> Vocab {
        let mut v = Vocab::default();
        let mut after_hyphen = false;
        for line in lines {
            let line = line.replace(GLUED_BREAK, " ");
            let line = line.as_str();
            let toks: Vec<&str> = line.split(' ').filter(|t| !t.is_empty()).collect();
            let ends_hyphen = line.trim_end().ends_with(is_hyphen) || line.ends_with('\u{AD}');
            for (i, tok) in toks.iter().enumerate() {
                if (i == 0 && after_hyphen) || (i + 1 == toks.len() && ends_hyphen) {
                    continue;
                }
                let t: &str = tok.trim_matches(|c: char| !c.is_alphanumeric());
                if t.contains(is_hyphen) {
                    let parts: Vec<&str> = t.split(is_hyphen).collect();
                    if parts.iter().all(|p| !p.is_empty()) {
                        v.compounds
                            .insert(t.to_lowercase().replace(['\u{2010}', '\u{2011}'], "-"));
                    }
                }
                for w in t.split(|c: char| !c.is_alphabetic()) {
                    if w.chars().count() >= 2 {
                        v.words.insert(w.to_lowercase());
                    }
                }
            }
            after_hyphen = ends_hyphen;
        }
        v
    }

    /// `left-` at a line end, `right…` on the next line: true when the hyphen is
    /// a break inside one word (glue the halves), false for a real hyphen.
    pub fn glue_hyphenated(&self, left: &str, right: &str) -> bool {
        let Some(first) = right.chars().next() else {
            return false;
        };
        if !first.is_alphabetic()
            || left.is_empty()
            || !left.chars().last().is_some_and(|c| c.is_alphabetic())
        {
            return false;
        }
        // Proper names: Haute-Garonne, Val-d'Oise, Saint-Denis.
        if first.is_uppercase() {
            return false;
        }
        let mut rc = right.chars();
        if let (Some(_), Some(ap), Some(c3)) = (rc.next(), rc.next(), rc.next()) {
            if (ap == '\'' || ap == '’') && c3.is_uppercase() {
                return false;
            }
        }
        // "Bois-" + "de-la-Barthe": the right part is itself a compound.
        let rtok: &str = right.split(' ').next().unwrap_or("");
        if rtok
            .trim_end_matches(|c: char| !c.is_alphanumeric())
            .contains(is_hyphen)
        {
            return false;
        }
        let rw: String = right.chars().take_while(|c| c.is_alphabetic()).collect();
        let lw: String = left
            .chars()
            .rev()
            .take_while(|c| c.is_alphabetic())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let (l, r) = (lw.to_lowercase(), rw.to_lowercase());
        if self.compounds.contains(&format!("{l}-{r}")) {
            return false;
        }
        if self.words.contains(&format!("{l}{r}")) {
            return true;
        }
        if l.chars().count() >= 2
            && r.chars().count() >= 2
            && self.words.contains(&l)
            && self.words.contains(&r)
        {
            return false;
        }
        true
    }
}

/// The vocabulary of every line of the document, table cells included.
pub(super) fn document_vocab(pages: &[PageOut]) -> Vocab {
    let mut all_lines: Vec<&str> = Vec::new();
    for p in pages {
        for b in &p.blocks {
            match b {
                Block::Text(l) => all_lines.extend(l.iter().map(|x| x.text.as_str())),
                Block::Rows { rows, .. } => {
                    all_lines.extend(rows.iter().flatten().flatten().map(|x| x.text.as_str()))
                }
            }
        }
    }
    Vocab::from_lines(all_lines.into_iter())
}

/// Appends `b` to `out` after a line ending, resolving a line-end hyphen.
pub(super) fn append_joined(out: &mut String, mark: &str, text: &str, vocab: &Vocab) {
    if out.ends_with('\u{AD}') {
        out.pop();
        out.push_str(mark);
        out.push_str(text);
        return;
    }
    let before_dash = out.trim_end_matches(is_hyphen).chars().next_back();
    if out.ends_with(is_hyphen) && before_dash.is_some_and(|c| !c.is_whitespace()) {
        let body = out.trim_end_matches(is_hyphen);
        let left: String = body
            .chars()
            .rev()
            .take_while(|c| !c.is_whitespace())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if vocab.glue_hyphenated(&left, text) {
            out.pop();
        }
        out.push_str(mark);
        out.push_str(text);
        return;
    }
    out.push(' ');
    out.push_str(mark);
    out.push_str(text);
}

pub(super) fn clean_soft_hyphens(s: &str) -> String {
    s.replace('\u{AD}', "")
}

pub(super) fn strip_trailing_soft_hyphen(mut s: String) -> String {
    while s.ends_with('\u{AD}') {
        s.pop();
    }
    s
}
