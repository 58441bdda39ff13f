//! Page starts: from the [`PAGE_BREAK`] marks a PDF's text carries through cleaning to
//! character offsets.
//!
//! Marks rather than offsets travel through cleaning because cleaning moves every
//! offset; they are taken out only once the text is final.

use super::PAGE_BREAK;

/// Removes the [`PAGE_BREAK`] marks from cleaned text, giving the character
/// offset where each page starts (page 1 at 0). A mark alone on its line takes
/// the line with it. Unpaged text comes back as it is, with no pages.
pub(super) fn split_pages(text: &str, paged: bool) -> (String, Vec<u32>) {
    if !paged {
        if text.contains(PAGE_BREAK) {
            return (text.replace(PAGE_BREAK, ""), Vec::new());
        }
        return (text.to_string(), Vec::new());
    }
    let mut out = String::with_capacity(text.len());
    let mut pages = vec![0u32];
    let mut chars = 0u32;
    let mut pending_pages = 0usize;
    let mut last_blank = false;
    for line in text.split('\n') {
        let marks = line.matches(PAGE_BREAK).count();
        let content: String = if marks > 0 {
            line.replace(PAGE_BREAK, "")
        } else {
            line.to_string()
        };
        let trimmed = content.trim();
        if marks > 0 && trimmed.is_empty() {
            pending_pages += marks;
            continue;
        }
        let blank = trimmed.is_empty();
        if blank && (last_blank || out.is_empty()) {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            chars += 1;
        }
        // Pages that began on lines now gone start here.
        for _ in 0..pending_pages {
            pages.push(chars);
        }
        pending_pages = 0;
        if marks > 0 {
            let mut at = chars;
            let mut piece_start = 0;
            for (index, _) in line.match_indices(PAGE_BREAK) {
                at += line[piece_start..index].chars().count() as u32;
                pages.push(at);
                piece_start = index + PAGE_BREAK.len_utf8();
            }
        }
        chars += content.chars().count() as u32;
        out.push_str(&content);
        last_blank = blank;
    }
    while out.ends_with('\n') {
        out.pop();
    }
    // Pages with no text at all (blank pages at the end) still count.
    let n_chars = out.chars().count() as u32;
    for _ in 0..pending_pages {
        pages.push(n_chars);
    }
    for page in &mut pages {
        *page = (*page).min(n_chars);
    }
    (out, pages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::clean;

    #[test]
    fn page_marks_become_page_offsets() {
        let text = format!(
            "Titre\n\nLe jeune {PAGE_BREAK}enfant\n{PAGE_BREAK}\nFiche action\n{PAGE_BREAK}"
        );
        let (clean_text, pages) = split_pages(&text, true);
        assert_eq!(clean_text, "Titre\n\nLe jeune enfant\nFiche action");
        // Page 2 starts at « enfant », page 3 at « Fiche », page 4 is empty.
        let offset = |needle: &str| {
            clean_text[..clean_text.find(needle).unwrap()]
                .chars()
                .count() as u32
        };
        assert_eq!(
            pages,
            vec![
                0,
                offset("enfant"),
                offset("Fiche"),
                clean_text.chars().count() as u32
            ]
        );
        assert_eq!(
            crate::model::page_of(&pages, offset("jeune") as usize),
            Some(1)
        );
        assert_eq!(
            crate::model::page_of(&pages, offset("Fiche") as usize + 3),
            Some(3)
        );
        let (unpaged, none) = split_pages(&text, false);
        assert!(none.is_empty() && !unpaged.contains(PAGE_BREAK));
    }

    #[test]
    fn page_marks_survive_cleaning() {
        let raw = format!("Axe 1 :   Grandir\n{PAGE_BREAK}PILOTES : Ville\tCAF");
        let (text, pages) = split_pages(&clean(&raw, false), true);
        assert_eq!(text, "Axe 1 : Grandir\nPILOTES : Ville\tCAF");
        assert_eq!(pages, vec![0, "Axe 1 : Grandir\n".chars().count() as u32]);
    }
}
