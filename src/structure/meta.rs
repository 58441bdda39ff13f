//! Title, kind and year of a document, read from its opening lines.
//!
//! File names are hashes, so the content must say what a document is. Cover
//! pages put the title, the kind of plan and the date in their first lines,
//! between logos and copyright notices; the body then mentions many other
//! plans (a CTG cites the PEDT, a council slide cites the CTG), so the opening
//! lines weigh far more than the rest.

use once_cell::sync::Lazy;
use regex::Regex;

use super::labels::fold;
use crate::DocKind;

/// How many non-blank lines count as the opening of a document.
const OPENING_LINES: usize = 15;

static KIND_PHRASES: Lazy<Vec<(DocKind, String)>> = Lazy::new(|| {
    include_str!("../../data/doc_kinds.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (kind, phrase) = l.split_once('|')?;
            Some((DocKind::parse(kind)?, fold(phrase.trim())))
        })
        .collect()
});

static MONTH_YEAR: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)\b(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre)\s+((?:19|20)\d{2})\b")
        .expect("valid regex")
});
static NUMERIC_DATE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"\b\d{1,2}[/.]\d{1,2}[/.]((?:19|20)\d{2})\b").expect("valid regex"));
static YEAR_RANGE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"\b((?:19|20)\d{2})\s*[-–/à]\s*(?:19|20)\d{2}\b").expect("valid regex")
});
static LONE_YEAR: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(?:(?:19|20)\d{2})$").expect("valid regex"));
static NOT_A_TITLE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^(?:©|\(c\)|copyright|cahier\s+n|sommaire|table des mati|page\s+\d|libert[ée]\s*•|r[ée]publique fran[çc]aise|logo)")
        .expect("valid regex")
});

/// The first non-empty lines, each cut to its first [`OPENING_LINE_BYTES`]:
/// what a title or a date can be, so that a file made of one huge line costs
/// no more than a normal one.
fn opening(text: &str) -> Vec<&str> {
    text.lines()
        .map(|l| clip(l, OPENING_LINE_BYTES).trim())
        .filter(|l| !l.is_empty())
        .take(OPENING_LINES)
        .collect()
}

const OPENING_LINE_BYTES: usize = 1_000;

/// `line` cut to at most `max` bytes, on a character boundary.
fn clip(line: &str, max: usize) -> &str {
    if line.len() <= max {
        return line;
    }
    let mut end = max;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    &line[..end]
}

fn is_date_line(line: &str) -> bool {
    let rest = MONTH_YEAR.replace_all(line, "");
    let rest = NUMERIC_DATE.replace_all(&rest, "");
    let rest = rest
        .trim_matches(|c: char| c.is_whitespace() || c.is_ascii_digit() || c == ',' || c == '-');
    (rest.is_empty() && line.chars().any(|c| c.is_ascii_digit())) || LONE_YEAR.is_match(line)
}

/// The distinct non-empty phrases of [`KIND_PHRASES`], searched all at once.
static PHRASE_SEARCH: Lazy<PhraseSearch> = Lazy::new(|| {
    let mut phrases: Vec<&str> = Vec::new();
    let mut slot_of = Vec::with_capacity(KIND_PHRASES.len());
    for (_, phrase) in KIND_PHRASES.iter() {
        if phrase.is_empty() {
            slot_of.push(None);
            continue;
        }
        let slot = match phrases.iter().position(|p| p == phrase) {
            Some(slot) => slot,
            None => {
                phrases.push(phrase);
                phrases.len() - 1
            }
        };
        slot_of.push(Some(slot));
    }
    let automaton = aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(&phrases)
        .expect("valid phrases");
    PhraseSearch {
        automaton,
        slot_of,
        n_phrases: phrases.len(),
    }
});

struct PhraseSearch {
    automaton: aho_corasick::AhoCorasick,
    /// KIND_PHRASES index → pattern id (None for an empty phrase).
    slot_of: Vec<Option<usize>>,
    n_phrases: usize,
}

fn kind_phrases_in(folded: &str) -> impl Iterator<Item = (DocKind, usize)> + '_ {
    let counts = count_phrases(folded);
    KIND_PHRASES
        .iter()
        .zip(&PHRASE_SEARCH.slot_of)
        .map(move |((kind, _), slot)| (*kind, slot.map_or(0, |s| counts[s])))
}

/// For each distinct phrase, its occurrences in `folded` on word boundaries,
/// counted as [`count_phrase`] does (leftmost non-overlapping occurrences,
/// then the boundary test).
fn count_phrases(folded: &str) -> Vec<usize> {
    let search = &*PHRASE_SEARCH;
    let mut counts = vec![0usize; search.n_phrases];
    if folded.is_empty() {
        return counts;
    }
    let mut next_free = vec![0usize; search.n_phrases];
    // Overlapping matches come by end offset; one pattern has one length,
    // so its matches also come by start offset.
    for found in search.automaton.find_overlapping_iter(folded) {
        let slot = found.pattern().as_usize();
        if found.start() < next_free[slot] {
            continue;
        }
        next_free[slot] = found.end();
        if on_word_boundaries(folded, found.start(), found.end()) {
            counts[slot] += 1;
        }
    }
    counts
}

fn on_word_boundaries(folded: &str, at: usize, end: usize) -> bool {
    let phrase = &folded[at..end];
    let before = folded[..at].chars().next_back();
    let after = folded[end..].chars().next();
    let word_start =
        !phrase.starts_with(char::is_alphanumeric) || !before.is_some_and(char::is_alphanumeric);
    let word_end =
        !phrase.ends_with(char::is_alphanumeric) || !after.is_some_and(char::is_alphanumeric);
    word_start && word_end
}

/// Occurrences of `phrase` in `folded` on word boundaries.
#[cfg(test)]
fn count_phrase(folded: &str, phrase: &str) -> usize {
    if phrase.is_empty() {
        return 0;
    }
    folded
        .match_indices(phrase)
        .filter(|(at, _)| on_word_boundaries(folded, *at, at + phrase.len()))
        .count()
}

/// The title: the first strong heading-like line of the opening, joined with
/// a short subtitle line (`Convention Territoriale Globale — Plan d'action`).
pub(crate) fn title(text: &str) -> String {
    let lines = opening(text);
    let usable = |l: &&str| -> bool {
        let letters = l.chars().filter(|c| c.is_alphabetic()).count();
        letters >= 6
            && l.split_whitespace().count() >= 2
            && !NOT_A_TITLE.is_match(l)
            && !is_date_line(l)
            && !l.contains('\t')
    };
    let says_kind =
        |l: &str| kind_phrases_in(&fold(l)).any(|(k, n)| n > 0 && k != DocKind::Article);
    let chosen = lines
        .iter()
        .take(8)
        .position(|l| usable(l) && says_kind(l) && l.chars().count() <= 120)
        .or_else(|| lines.iter().position(usable));
    let Some(index) = chosen else {
        return lines.first().map(|l| shorten(l, 120)).unwrap_or_default();
    };
    let mut title = lines[index].to_string();
    if let Some(next) = lines.get(index + 1) {
        let words = title.split_whitespace().count();
        let subtitle = next.chars().count() <= 40
            && next.chars().next().is_some_and(char::is_uppercase)
            && !next.contains(':')
            && !is_date_line(next)
            && !NOT_A_TITLE.is_match(next)
            && super::headings::recognize(next).is_none()
            && super::labels::whole_label(next).is_none()
            && words <= 6
            && !title.ends_with(['.', ':', ';']);
        if subtitle {
            title = format!("{title} — {next}");
        }
    }
    shorten(&title, 160)
}

fn shorten(line: &str, max_chars: usize) -> String {
    if line.chars().count() <= max_chars {
        return line.to_string();
    }
    let cut: String = line.chars().take(max_chars).collect();
    match cut.rfind(' ') {
        Some(space) => format!("{}…", &cut[..space]),
        None => format!("{cut}…"),
    }
}

/// The kind, from what the title, the opening and the body say, in that
/// order of weight.
pub(crate) fn kind(text: &str, title: &str) -> Option<DocKind> {
    let mut scores: Vec<(DocKind, usize)> = Vec::new();
    let mut add = |kind: DocKind, points: usize| match scores.iter_mut().find(|(k, _)| *k == kind) {
        Some((_, s)) => *s += points,
        None => scores.push((kind, points)),
    };
    for (kind, n) in kind_phrases_in(&fold(title)) {
        add(kind, 20 * n.min(1));
    }
    for line in opening(text) {
        for (kind, n) in kind_phrases_in(&fold(line)) {
            add(kind, 3 * n.min(2));
        }
    }
    for (kind, n) in kind_phrases_in(&fold(text)) {
        add(kind, n.min(5));
    }
    scores.retain(|(_, s)| *s > 0);
    // A plan kind named anywhere beats article markers found in the body only.
    scores.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let (best, score) = *scores.first()?;
    if score < 2 {
        return None;
    }
    Some(best)
}

/// The year of the plan, from the opening lines: `Mars 2022`,
/// `08 décembre 2021`, `2015-2020` (its start), a lone `2019`.
pub(crate) fn year(text: &str) -> Option<u16> {
    let lines = opening(text);
    let parse = |s: &str| s.parse::<u16>().ok();
    for line in &lines {
        if let Some(c) = MONTH_YEAR.captures(line) {
            return parse(&c[1]);
        }
        if let Some(c) = NUMERIC_DATE.captures(line) {
            return parse(&c[1]);
        }
        if LONE_YEAR.is_match(line) {
            return parse(line);
        }
    }
    lines
        .iter()
        .find_map(|l| YEAR_RANGE.captures(l).and_then(|c| parse(&c[1])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_first_line_is_read_by_its_opening_only() {
        let line = "Contrat de ville de l'agglomération, signé en mars 2015. ".repeat(2_000);
        let lines = opening(&line);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].len() <= OPENING_LINE_BYTES);
        assert!(title(&line).chars().count() <= 161);
        assert_eq!(year(&line), Some(2015));
        assert_eq!(clip("Alès", 3), "Al");
    }

    #[test]
    fn title_skips_logos_and_joins_subtitle() {
        let text = "\nConvention Territoriale Globale\n\nPlan d'action\n\nMars 2022\n\n3 axes stratégiques";
        assert_eq!(
            title(text),
            "Convention Territoriale Globale — Plan d'action"
        );
        let text = "Aiès\nAgglomération\nCAHIER N°4\nFICHES ACTIONS CONTRAT DE VILLE D'ALES AGGLOMERATION\nJuin 2015";
        assert_eq!(
            title(text),
            "FICHES ACTIONS CONTRAT DE VILLE D'ALES AGGLOMERATION"
        );
        let text =
            "© Préfecture du Val-d'Oise\nLa présentation par Défi métiers de sa cartographie.";
        assert!(title(text).starts_with("La présentation par Défi métiers"));
    }

    #[test]
    fn kind_weights_the_title() {
        let text = "Conseil municipal\n08 décembre 2021\nLa CTG vise le renforcement.\nLa CTG intègre le PEDT.";
        assert_eq!(
            kind(text, "Conseil municipal"),
            Some(DocKind::ConseilMunicipal)
        );
        let text = "© Préfecture\nUne réunion a eu lieu.\nTags : Ofii | migrant";
        assert_eq!(kind(text, "Une réunion a eu lieu."), Some(DocKind::Article));
        assert_eq!(kind("Rien de particulier ici.", "Rien"), None);
    }

    #[test]
    fn phrase_counts_match_one_by_one_search() {
        for folded in [
            "la ctg et le pedt, ctgctg ctg. convention territoriale globale",
            "contrat de ville de contrats de villecontrat de ville",
            "",
            "© 2020 tags : lire aussi publié le",
        ] {
            let all: Vec<usize> = kind_phrases_in(folded).map(|(_, n)| n).collect();
            let one_by_one: Vec<usize> = KIND_PHRASES
                .iter()
                .map(|(_, p)| count_phrase(folded, p))
                .collect();
            assert_eq!(all, one_by_one, "{folded}");
        }
    }

    #[test]
    fn year_from_opening_dates() {
        assert_eq!(year("Convention\nMars 2022\n"), Some(2022));
        assert_eq!(year("Conseil municipal\n08 décembre 2021"), Some(2021));
        assert_eq!(year("Plan d'action 2015-2020 du contrat"), Some(2015));
        assert_eq!(year("Aucune date ici"), None);
    }
}
