//! Line kinds: what the start of a line says it is (a heading such as
//! « Axe 2 : », an enumerated item, a field label such as « PILOTES : »).
//! Such a line starts a new line in the output even when its geometry would
//! let it continue the paragraph above, so the structure step can find it.

use super::Line;

const HEADING_WORDS: &[&str] = &[
    "axe",
    "axes",
    "objectif",
    "objectifs",
    "action",
    "actions",
    "fiche",
    "enjeu",
    "enjeux",
    "orientation",
    "orientations",
    "mesure",
    "priorité",
    "thème",
    "thématique",
    "volet",
    "chantier",
    "pilier",
    "programme",
    "partie",
    "chapitre",
    "titre",
    "article",
    "annexe",
    "étape",
    "ambition",
    "défi",
    "engagement",
];

/// "Axe 2 :", "Objectif 3", "Fiche action n°4", "Enjeu n°1", "Orientation : …".
pub fn is_heading_start(s: &str) -> bool {
    let mut it = s.split_whitespace();
    let Some(w) = it.next() else { return false };
    let w = w.trim_end_matches(':').to_lowercase();
    if !HEADING_WORDS.contains(&w.as_str()) {
        return false;
    }
    if s.split_whitespace()
        .next()
        .is_some_and(|f| f.ends_with(':'))
    {
        return true;
    }
    let mut next = it.next().unwrap_or("");
    if next.eq_ignore_ascii_case("action")
        || next.eq_ignore_ascii_case("n°")
        || next.eq_ignore_ascii_case("no")
        || next.eq_ignore_ascii_case("n")
    {
        next = it.next().unwrap_or("");
    }
    let next = next.trim_start_matches("n°").trim_start_matches("N°");
    if next == ":" || next.is_empty() && s.trim_end().ends_with(':') {
        return true;
    }
    let first = next.chars().next();
    first.is_some_and(|c| c.is_ascii_digit())
        || (next.len() <= 4
            && !next.is_empty()
            && next
                .trim_end_matches([':', '.', '-'])
                .chars()
                .all(|c| matches!(c, 'I' | 'V' | 'X'))
            && !next.trim_end_matches([':', '.', '-']).is_empty())
        || (next.chars().count() <= 2
            && first.is_some_and(|c| c.is_ascii_uppercase())
            && next.trim_end_matches([':', '.', ')']).chars().count() == 1)
}

/// "1. ", "2) ", "a) ", "1.2.3 " at the start of a line.
pub fn is_enumerator(s: &str) -> bool {
    let head: String = s.chars().take_while(|c| !c.is_whitespace()).collect();
    if head.is_empty() || s.len() == head.len() {
        return false;
    }
    let h = head.trim_end_matches([')', '.']);
    if h.len() == head.len() && !head.contains('.') {
        return false;
    }
    if h.is_empty() {
        return false;
    }
    let numeric = h
        .split('.')
        .all(|p| !p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_digit()));
    let letter =
        h.chars().count() == 1 && h.chars().all(|c| c.is_ascii_lowercase()) && head.ends_with(')');
    numeric || letter
}

/// "PILOTES :", "Public visé :", "PARTENAIRES : Ville, CAF".
pub fn is_label_start(s: &str) -> bool {
    if let Some(pos) = s.find(':') {
        let head = s[..pos].trim();
        let letters: Vec<char> = head.chars().filter(|c| c.is_alphabetic()).collect();
        if letters.len() >= 3
            && head.chars().count() <= 40
            && letters.iter().all(|c| c.is_uppercase())
        {
            return true;
        }
        if s[pos + 1..].trim().is_empty()
            && head.chars().count() <= 40
            && head.chars().next().is_some_and(|c| c.is_uppercase())
        {
            return true;
        }
    }
    false
}

/// A line that never continues the paragraph above: a list item, a heading, a label.
pub(super) fn starts_new_line(b: &Line) -> bool {
    (b.bullet && b.weak_bullet.is_none())
        || is_enumerator(&b.text)
        || is_heading_start(&b.text)
        || is_label_start(&b.text)
}

/// A list item: a (strong) bullet or an enumerator.
pub(super) fn is_item(l: &Line) -> bool {
    (l.bullet && l.weak_bullet.is_none()) || is_enumerator(&l.text)
}
