//! Recognizing outline headings in one line of clean text.
//!
//! French plans name their levels (`Axe`, `PILIER N°`, `Enjeu n°`, `Objectif`,
//! `ACTION :`, `FICHE-ACTION`) or number them (`I -`, `1.`, `1.2.`, `1.2.5.`,
//! `1.2.5.a.`). Each form gets a rank (0 = outermost) so that a stack can
//! rebuild the tree whatever mix of forms a document uses; numbered lines
//! whose rank cannot be known from the form alone (`1. Organiser…` in a plain
//! list) float one level under whatever encloses them.

use once_cell::sync::Lazy;
use regex::{Captures, Regex};

use crate::SectionKind;

/// Where a heading sits in the outline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rank {
    Fixed(u8),
    /// One level below the enclosing heading; siblings share a style.
    Floating,
}

/// Rank of headings that only look like headings (short capitals line).
pub(crate) const GENERIC_RANK: u8 = 5;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Heading {
    pub kind: SectionKind,
    pub rank: Rank,
    pub number: Option<String>,
    /// The words after the marker (`Grandir et s'épanouir…`), maybe empty.
    pub title: String,
    /// Forms sharing a style are siblings (used by floating ranks).
    pub style: &'static str,
    /// `AXE : JEUNESSE`: an axe named, not numbered.
    pub unnumbered_axe: bool,
}

macro_rules! regex {
    ($name:ident, $re:expr) => {
        static $name: Lazy<Regex> = Lazy::new(|| Regex::new($re).expect("valid regex"));
    };
}

const SEP: &str = r"\s*(?:[:\-–—.)]\s*)?";

/// A heading form: `head`, then the title: one `first` character (maybe no
/// class at all) and `rest` up to the end of the line.
struct Form {
    /// `head(?P<t>first)`: the title starts where `t` does. On a line without
    /// `\n` (and without tab, which [`recognize`] rejects first) `rest$`
    /// matches whatever follows, so the leftmost-first match of the whole form
    /// takes the same path through `head` as this one, which stops early
    /// instead of walking the title.
    short: Lazy<Regex>,
    /// `head(?P<title>first rest)$`, for lines with a `\n`.
    whole: Lazy<Regex>,
}

impl Form {
    /// The groups of the match and the title.
    fn captures<'h>(&self, line: &'h str) -> Option<(Captures<'h>, &'h str)> {
        if line.contains('\n') {
            let c = self.whole.captures(line)?;
            let title = c.name("title").map_or("", |m| m.as_str());
            Some((c, title))
        } else {
            let c = self.short.captures(line)?;
            let title = &line[c.name("t").map_or(line.len(), |m| m.start())..];
            Some((c, title))
        }
    }
}

macro_rules! form {
    ($name:ident, $head:expr, $first:expr, $rest:expr) => {
        static $name: Form = Form {
            short: Lazy::new(|| {
                Regex::new(&format!("{}(?P<t>{})", $head, $first)).expect("valid regex")
            }),
            whole: Lazy::new(|| {
                Regex::new(&format!("{}(?P<title>{}{})$", $head, $first, $rest))
                    .expect("valid regex")
            }),
        };
    };
}

form!(ROMAN, r"^(?P<num>[IVX]{1,5})\s*[-–—.)]\s+", r"\S", ".*");
form!(
    PILIER,
    format!(r"^(?i:pilier)\s*(?i:n\s*°|n°|no|n\.)?\s*(?P<num>\d{{1,2}})\b{SEP}"),
    "",
    ".*"
);
form!(
    AXE_NUMBERED,
    format!(r"^(?i:axe)\s*(?i:n\s*°|n°|no)?\s*(?P<num>\d{{1,2}}|[IVX]{{1,4}})\b{SEP}"),
    "",
    ".*"
);
form!(
    AXE_NAMED,
    r"^(?i:axe)(?P<qualifier>\s+[\p{L}' ]{1,30}?)?\s*:\s*",
    r"\S",
    ".*"
);
form!(
    ENJEU,
    format!(r"^(?i:enjeu)\s*(?i:n\s*°|n°|no|n\.)?\s*(?P<num>\d{{1,2}})\b{SEP}"),
    "",
    ".*"
);
form!(
    ORIENTATION,
    format!(
        r"^(?i:orientation)(?:\s+(?i:strat[ée]gique))?\s*(?i:n\s*°|n°|no)?\s*(?P<num>\d{{1,2}}(?:\.\d{{1,2}})*)\b{SEP}"
    ),
    "",
    ".*"
);
form!(
    OBJECTIF,
    format!(
        r"^(?i:objectif)(?:\s+(?i:op[ée]rationnel|strat[ée]gique|g[ée]n[ée]ral|sp[ée]cifique))?\s*(?i:n\s*°|n°|no)?\s*(?P<num>\d{{1,2}}(?:\.\d{{1,2}})*)\b{SEP}"
    ),
    "",
    ".*"
);
form!(
    ACTION_NUMBERED,
    format!(r"^(?i:action)\s*(?i:n\s*°|n°|no)?\s*(?P<num>\d{{1,3}}(?:\.\d{{1,2}})*)\b{SEP}"),
    "",
    ".*"
);
form!(ACTION_NAMED, r"^(?i:action)\s*:\s*", r"\S", ".*");

/// The forms `KEYWORD N : title`: keyword, form, kind, rank, style.
static NUMBERED_FORMS: [(&str, &Form, SectionKind, u8, &str); 6] = [
    ("pilier", &PILIER, SectionKind::Axe, 1, "axe"),
    ("axe", &AXE_NUMBERED, SectionKind::Axe, 1, "axe"),
    ("enjeu", &ENJEU, SectionKind::Enjeu, 1, "enjeu"),
    (
        "orientation",
        &ORIENTATION,
        SectionKind::Orientation,
        2,
        "orientation",
    ),
    ("objectif", &OBJECTIF, SectionKind::Objectif, 3, "objectif"),
    ("action", &ACTION_NUMBERED, SectionKind::Action, 4, "action"),
];
regex!(
    FICHE_ACTION,
    r"^(?i:fiche)[\s-]+(?i:action)\b(?P<title>.{0,100})$"
);
form!(
    NUMBERED,
    r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})(?P<letter>\.[a-z])?(?P<dot>[.)])?\s+",
    r#"[\p{Lu}«“\x22']"#,
    r"[^\t]*"
);
regex!(TOC_TAIL, r"(?:\.{3,}|…)\s*\d{1,3}\s*$|\s\d{1,3}$");

/// `- item`, `• item`, `* item`, `– item`, `→ item`.
pub(crate) fn is_bullet(line: &str) -> bool {
    let t = line.trim_start();
    let mut chars = t.chars();
    match (chars.next(), chars.next()) {
        (Some('-' | '•' | '*' | '–' | '—' | '→' | '▪' | '►' | '○' | '●' | '✓'), Some(c)) => {
            c.is_whitespace()
        }
        (Some('•' | '▪' | '►' | '●'), None) => true,
        _ => false,
    }
}

fn number_depth(number: &str) -> usize {
    number.split('.').filter(|p| !p.is_empty()).count()
}

fn is_capitals(text: &str) -> bool {
    let mut letters = 0usize;
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        if !c.is_uppercase() {
            return false;
        }
        letters += 1;
    }
    letters >= 3
}

fn clean_title(title: &str) -> String {
    // `1.1 FAVORISER … → 4 objectifs opérationnels` keeps the heading only.
    let title = title.split(" → ").next().unwrap_or(title);
    title.trim().trim_end_matches(':').trim().to_string()
}

/// False when [`recognize`] surely answers `None` (a cheap test on the first
/// byte, the same that gates its regexes).
pub(crate) fn may_open(line: &str) -> bool {
    let Some(&first) = line.as_bytes().first() else {
        return false;
    };
    !first.is_ascii()
        || matches!(first.to_ascii_lowercase(), b'f' | b'p' | b'a' | b'e' | b'o')
        || matches!(first, b'I' | b'V' | b'X')
        || first.is_ascii_digit()
}

/// The heading `line` (already trimmed, not a bullet) opens, if any.
pub(crate) fn recognize(line: &str) -> Option<Heading> {
    if line.is_empty() || line.contains('\t') || line.chars().count() > 300 {
        return None;
    }
    // Every form starts with its keyword (case-blind), a roman numeral or a
    // digit: a line starting otherwise skips the regexes that cannot match.
    // The keywords' letters have no case variant outside ASCII, so an ASCII
    // comparison is exact; a non-ASCII first character tries every form.
    let bytes = line.as_bytes();
    let any = !bytes[0].is_ascii();
    let keyword = |word: &str| {
        any || bytes
            .get(..word.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(word.as_bytes()))
    };
    let make = |kind, rank, number: Option<&str>, title: &str, style| Heading {
        kind,
        rank,
        number: number.map(str::to_string),
        title: clean_title(title),
        style,
        unnumbered_axe: false,
    };
    if keyword("fiche") {
        if let Some(c) = FICHE_ACTION.captures(line) {
            return Some(make(
                SectionKind::Action,
                Rank::Fixed(4),
                None,
                &c["title"],
                "fiche",
            ));
        }
    }
    // Numbered forms first: within one keyword (`axe`, `action`) the numbered
    // form wins over the named one.
    for (word, form, kind, rank, style) in NUMBERED_FORMS {
        if keyword(word) {
            if let Some((c, title)) = form.captures(line) {
                return Some(make(kind, Rank::Fixed(rank), Some(&c["num"]), title, style));
            }
        }
    }
    if keyword("axe") {
        if let Some((_, title)) = AXE_NAMED.captures(line) {
            let mut heading = make(SectionKind::Axe, Rank::Fixed(1), None, title, "axe");
            heading.unnumbered_axe = true;
            return Some(heading);
        }
    }
    if keyword("action") {
        if let Some((_, title)) = ACTION_NAMED.captures(line) {
            return Some(make(
                SectionKind::Action,
                Rank::Fixed(4),
                None,
                title,
                "action",
            ));
        }
    }
    if any || matches!(bytes[0], b'I' | b'V' | b'X') {
        if let Some((c, title)) = ROMAN.captures(line) {
            if title.chars().count() <= 120 {
                return Some(make(
                    SectionKind::Part,
                    Rank::Fixed(0),
                    Some(&c["num"]),
                    title,
                    "roman",
                ));
            }
        }
    }
    if any || bytes[0].is_ascii_digit() {
        if let Some((c, title)) = NUMBERED.captures(line) {
            if TOC_TAIL.is_match(line) || title.chars().count() > 250 {
                return None;
            }
            let number = c["num"].to_string();
            let depth = number_depth(&number);
            let has_letter = c.name("letter").is_some();
            if depth == 1 && !has_letter && c.name("dot").is_none() {
                return None; // `3 phases ont structuré…` is a sentence.
            }
            let number = match c.name("letter") {
                Some(letter) => format!("{number}{}", letter.as_str()),
                None => number,
            };
            let (kind, rank, style) = match (depth, has_letter) {
                (_, true) | (4.., _) => (SectionKind::Action, Rank::Fixed(4), "n4"),
                (3, _) => (SectionKind::Objectif, Rank::Fixed(3), "n3"),
                (2, _) => (SectionKind::Orientation, Rank::Fixed(2), "n2"),
                _ if is_capitals(title) => (SectionKind::Heading, Rank::Fixed(1), "n1caps"),
                _ => (SectionKind::Heading, Rank::Floating, "n1"),
            };
            return Some(make(kind, rank, Some(&number), title, style));
        }
    }
    None
}

/// A line that is a heading only by its look: short, in capitals, not a
/// sentence (`PARTICIPATION DES ACTEURS LOCAUX`), or a short mixed-case line
/// introducing a paragraph (`L'apport des cartographies`).
pub(crate) fn recognize_generic(line: &str, next_line: Option<&str>) -> Option<Heading> {
    // The tests of the definition, cheapest first (all are pure).
    if line.ends_with(['.', ',', ';', ':', '!', '?']) {
        return None;
    }
    let short = |max: usize| line.len() <= max || line.chars().count() <= max;
    let looks_capital = || {
        !line.contains(',')
            && short(100)
            && is_capitals(line)
            && line.split_whitespace().count() <= 14
            && line
                .split_whitespace()
                .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4)
                .count()
                >= 2
    };
    let introduces_paragraph = || {
        line.chars().next().is_some_and(|c| c.is_uppercase())
            && short(70)
            && line.split_whitespace().nth(1).is_some()
            && next_line.is_some_and(|n| !n.contains('\t') && n.chars().nth(79).is_some())
    };
    if !(looks_capital() || introduces_paragraph()) {
        return None;
    }
    // At least 3 letters.
    line.chars().filter(|c| c.is_alphabetic()).nth(2)?;
    Some(Heading {
        kind: SectionKind::Heading,
        rank: Rank::Fixed(GENERIC_RANK),
        number: None,
        title: line.trim().to_string(),
        style: "generic",
        unnumbered_axe: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_number(line: &str) -> Option<(SectionKind, Option<String>)> {
        recognize(line).map(|h| (h.kind, h.number))
    }

    #[test]
    fn named_levels_are_recognized() {
        assert_eq!(
            kind_number("Axe 2 : Accompagner les familles et la parentalité"),
            Some((SectionKind::Axe, Some("2".into())))
        );
        assert_eq!(
            kind_number("PILIER N°1 : COHESION SOCIALE"),
            Some((SectionKind::Axe, Some("1".into())))
        );
        assert_eq!(
            kind_number("Enjeu n°3"),
            Some((SectionKind::Enjeu, Some("3".into())))
        );
        assert_eq!(
            kind_number("Objectif 6 : Accompagner les familles dans leur parentalité"),
            Some((SectionKind::Objectif, Some("6".into())))
        );
        assert_eq!(
            kind_number("ACTION : RENFORCER LES ACTIONS DE PARENTALITÉ"),
            Some((SectionKind::Action, None))
        );
        assert_eq!(
            kind_number("FICHE-ACTION DU PEDT"),
            Some((SectionKind::Action, None))
        );
        assert_eq!(
            kind_number("II - BUTS / OBJECTIFS"),
            Some((SectionKind::Part, Some("II".into())))
        );
        let axe = recognize("AXE : ACCOMPAGNEMENT DES FAMILLES").unwrap();
        assert!(axe.unnumbered_axe);
        assert_eq!(axe.title, "ACCOMPAGNEMENT DES FAMILLES");
    }

    #[test]
    fn numbered_levels_get_ranks_by_depth() {
        assert_eq!(
            recognize("1.2.5. TRAVAILLER SUR LA PARENTALITE")
                .unwrap()
                .rank,
            Rank::Fixed(3)
        );
        let item = recognize("1.2.5.a. Accompagner les parents").unwrap();
        assert_eq!(
            (item.kind, item.number.as_deref()),
            (SectionKind::Action, Some("1.2.5.a"))
        );
        assert_eq!(
            recognize("1.1. FAVORISER LES ECHANGES").unwrap().rank,
            Rank::Fixed(2)
        );
        assert_eq!(
            recognize("1. COHESION SOCIALE").unwrap().rank,
            Rank::Fixed(1)
        );
        assert_eq!(
            recognize("2. Observer l'évolution des besoins")
                .unwrap()
                .rank,
            Rank::Floating
        );
    }

    #[test]
    fn sentences_and_tables_of_contents_are_not_headings() {
        assert_eq!(recognize("3 phases ont structuré la démarche"), None);
        assert_eq!(recognize("1.1 Cohésion sociale 18"), None);
        assert_eq!(
            recognize("1. Méthodologie d'élaboration du plan d'actions..... 2"),
            None
        );
        assert_eq!(recognize("Les objectifs 2022 sont atteints"), None);
    }

    #[test]
    fn generic_headings_are_short_capitals_or_paragraph_intros() {
        assert!(recognize_generic("PARTICIPATION DES ACTEURS LOCAUX", None).is_some());
        assert!(recognize_generic("ENEIS", None).is_none());
        assert!(recognize_generic("CAF, PMI / ASE", None).is_none());
        assert!(recognize_generic("SOMMAIRE", None).is_none());
        let long = "Défi métiers a présenté les parcours recensés dans sa cartographie au travers de filtres.";
        assert!(recognize_generic("L'apport des cartographies", Some(long)).is_some());
        assert!(recognize_generic("Pour aller plus loin :", Some(long)).is_none());
    }

    #[test]
    fn short_forms_agree_with_whole_forms() {
        let forms: [&Form; 10] = [
            &ROMAN,
            &PILIER,
            &AXE_NUMBERED,
            &AXE_NAMED,
            &ENJEU,
            &ORIENTATION,
            &OBJECTIF,
            &ACTION_NUMBERED,
            &ACTION_NAMED,
            &NUMBERED,
        ];
        let lines = [
            "II - BUTS / OBJECTIFS",
            "IV.  Suivi",
            "PILIER N°1 : COHESION SOCIALE",
            "Pilier 2",
            "Axe 2 : Accompagner les familles",
            "AXE III - Jeunesse",
            "Axe n° 12. ",
            "AXE : ACCOMPAGNEMENT DES FAMILLES",
            "Axe stratégique :   Éducation",
            "Enjeu n°3",
            "Enjeu 4 — L'accueil",
            "Orientation stratégique 2.1 : Agir",
            "Objectif opérationnel 1.2.3) Favoriser",
            "Objectif 6 : Accompagner les familles dans leur parentalité",
            "Objectif 6 :",
            "Action n° 12 – Former",
            "ACTION : RENFORCER LES ACTIONS",
            "Action : ",
            "1.2.5. TRAVAILLER SUR LA PARENTALITE",
            "1.2.5.a. Accompagner les parents",
            "2) «Bien vivre»",
            "3 phases ont structuré",
            "12.3 'Citer'",
        ];
        for line in lines {
            for form in forms {
                let short = form.short.captures(line).map(|c| {
                    let title = &line[c.name("t").map_or(line.len(), |m| m.start())..];
                    let groups: Vec<Option<&str>> = ["num", "letter", "dot", "qualifier"]
                        .iter()
                        .map(|g| c.name(g).map(|m| m.as_str()))
                        .collect();
                    (groups, title)
                });
                let whole = form.whole.captures(line).map(|c| {
                    let groups: Vec<Option<&str>> = ["num", "letter", "dot", "qualifier"]
                        .iter()
                        .map(|g| c.name(g).map(|m| m.as_str()))
                        .collect();
                    (groups, c.name("title").map_or("", |m| m.as_str()))
                });
                assert_eq!(short, whole, "{line}");
            }
        }
    }

    #[test]
    fn bullets_are_detected() {
        assert!(is_bullet("- Objectif 1 : Prévenir"));
        assert!(is_bullet(" - sous-item"));
        assert!(!is_bullet("-5 %"));
    }
}
