//! Where a document defines its sigles, and with which words.
//!
//! Why three rules and one validator: plans define sigles in three shapes
//! (a glossary line `CLAS : Contrat local…`, a long form then the sigle
//! `Lieu d'accueil enfants parents (LAEP)`, the sigle then its long form
//! `Ofii (Office français…)`), but parentheses and colons also carry many
//! other things (who runs an action, a place, a funder, a field label). Each
//! rule only proposes candidates; [`align`](super::align::align) decides, so
//! the same standard applies whatever the shape.

use super::align::{align, Alignment};
use super::text::{
    canonical_sigle, cells, sigle_letters, sigle_shape, split_words, SigleShape, Word,
};

/// A definition found in a text, with byte offsets into that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDefinition {
    /// Canonical sigle (`CGET` for `C.G.E.T`).
    pub abbr: String,
    /// The long form as written, whitespace collapsed.
    pub long_form: String,
    /// Byte span covering the sigle and its long form.
    pub start: usize,
    pub end: usize,
}

/// Longest stretch of text read before a parenthesis for its long form.
const MAX_LOOKBACK_BYTES: usize = 400;
/// Longest parenthesis content considered.
const MAX_PARENTHESIS_BYTES: usize = 200;
/// Most words a long form may hold, per letter of the sigle, plus slack for
/// function words.
const WORDS_PER_LETTER: usize = 3;

/// All definitions of a text, in text order.
pub fn find_in_text(text: &str) -> Vec<FoundDefinition> {
    let mut found = find_glossary_lines(text);
    found.extend(find_parentheses(text));
    found.sort_by_key(|d| (d.start, d.end));
    found.dedup_by(|later, earlier| {
        later.abbr == earlier.abbr
            && later.start < earlier.end
            && later.long_form == earlier.long_form
    });
    found
}

/// `SIGLE : long form` (also `=`, ` - `, ` – `) at the start of a line or of
/// a table cell.
fn find_glossary_lines(text: &str) -> Vec<FoundDefinition> {
    let mut found = Vec::new();
    for (cell_start, cell) in cells(text) {
        if let Some((abbr, long)) = glossary_line(cell) {
            if let Some(definition) = glossary_definition(
                &cell[abbr.clone()],
                &cell[long.clone()],
                cell_start + abbr.start,
                cell_start + long.start,
            ) {
                found.push(definition);
            }
        }
    }
    found
}

/// The sigle and the long form of a glossary line: the match of
/// [`GLOSSARY_LINE_PATTERN`], read by hand (every part of the pattern can only
/// match one way, so no backtracking is needed; a test compares both).
fn glossary_line(cell: &str) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    // `^[\s\-•*–>·]*\**`: list marks, stars, spaces.
    let abbr_start = cell.len()
        - cell
            .trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, '-' | '•' | '*' | '–' | '>' | '·')
            })
            .len();
    // `[A-Za-z][A-Za-z0-9.&]{1,11}`: followed by none of those characters.
    let bytes = cell.as_bytes();
    if !bytes.get(abbr_start).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let abbr_len = bytes[abbr_start..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'&'))
        .count();
    if !(2..=12).contains(&abbr_len) {
        return None;
    }
    let abbr_end = abbr_start + abbr_len;
    // `\**\s*(?::|=|\s[-–—]\s)`.
    let after_stars = cell[abbr_end..].trim_start_matches('*');
    let after_spaces = after_stars.trim_start();
    let had_space = after_spaces.len() < after_stars.len();
    let mut rest = after_spaces.chars();
    let separator_end = match rest.next() {
        Some(':' | '=') => cell.len() - rest.as_str().len(),
        Some('-' | '–' | '—') if had_space => {
            let space = rest.next()?;
            if !space.is_whitespace() {
                return None;
            }
            cell.len() - rest.as_str().len()
        }
        _ => return None,
    };
    // `\s*(?P<long>\S.*?)\s*$`: the rest, trimmed, not empty.
    let long_start = cell.len() - cell[separator_end..].trim_start().len();
    let long_end = cell.trim_end().len();
    if long_start >= long_end {
        return None;
    }
    Some((abbr_start..abbr_end, long_start..long_end))
}

/// The pattern [`glossary_line`] reads.
#[cfg(test)]
const GLOSSARY_LINE_PATTERN: &str = r"^[\s\-•*–>·]*\**(?P<abbr>[A-Za-z][A-Za-z0-9.&]{1,11})\**\s*(?::|=|\s[-–—]\s)\s*(?P<long>\S.*?)\s*$";

fn glossary_definition(
    abbr: &str,
    long: &str,
    abbr_start: usize,
    long_start: usize,
) -> Option<FoundDefinition> {
    let shape = sigle_shape(abbr)?;
    let letters = sigle_letters(abbr);
    // First the long form without a trailing qualifier (`… à l'école -
    // périscolaire`), then the whole rest of the line.
    let mut candidates = Vec::new();
    if let Some(cut) = qualifier_cut(long) {
        candidates.push(&long[..cut]);
    }
    candidates.push(long);
    for candidate in candidates {
        let candidate =
            candidate.trim_end_matches(|c: char| c.is_whitespace() || ".;:,*".contains(c));
        if !candidate.chars().any(char::is_lowercase) {
            // An all-capitals "long form" is a heading (`ACTION : RENFORCER…`).
            continue;
        }
        let words = split_words(candidate);
        if align(&letters, &words, shape).is_some() {
            let last = words.last()?;
            return Some(FoundDefinition {
                abbr: canonical_sigle(abbr),
                long_form: collapse_whitespace(&candidate[..last.end]),
                start: abbr_start,
                end: long_start + last.end,
            });
        }
    }
    None
}

/// Where a long form's trailing qualifier or aside begins, if any.
fn qualifier_cut(long: &str) -> Option<usize> {
    [" - ", " – ", " — ", " (", ", ", " ; ", " / "]
        .iter()
        .filter_map(|sep| long.find(sep))
        .min()
}

/// Parentheses, in both orders: `long form (SIGLE)` and `SIGLE (long form)`.
fn find_parentheses(text: &str) -> Vec<FoundDefinition> {
    let mut found = Vec::new();
    for (open, _) in text.match_indices('(') {
        let Some(close) = closing_parenthesis(text, open) else {
            continue;
        };
        let content = &text[open + 1..close];
        if let Some(definition) = long_form_then_sigle(text, open, content) {
            found.push(definition);
        } else if let Some(definition) = sigle_then_long_form(text, open, close, content) {
            found.push(definition);
        }
    }
    found
}

fn closing_parenthesis(text: &str, open: usize) -> Option<usize> {
    let after = &text[open + 1..];
    for (offset, c) in after.char_indices() {
        if offset > MAX_PARENTHESIS_BYTES {
            return None;
        }
        match c {
            ')' => return Some(open + 1 + offset),
            '(' => return None,
            _ => {}
        }
    }
    None
}

/// `Lieu d'accueil enfants parents (LAEP)`, `… (CTEAC – DRAC)`.
fn long_form_then_sigle(text: &str, open: usize, content: &str) -> Option<FoundDefinition> {
    let content = content.trim();
    let token_end = content
        .find(|c: char| c.is_whitespace() || ",;/:–—".contains(c))
        .unwrap_or(content.len());
    let token = content[..token_end].trim_matches('*');
    let rest = content[token_end..].trim_start();
    if !(rest.is_empty() || rest.starts_with([',', ';', '/', ':', '–', '—', '-'])) {
        return None;
    }
    let shape = sigle_shape(token)?;
    let letters = sigle_letters(token);
    let segment_start = segment_start_before(text, open);
    let segment = &text[segment_start..open];
    let words = split_words(segment);
    let (start_word, _) = best_start(&letters, &words, shape)?;
    let first = &words[start_word];
    let last = words.last()?;
    Some(FoundDefinition {
        abbr: canonical_sigle(token),
        long_form: collapse_whitespace(&segment[first.start..last.end]),
        start: segment_start + first.start,
        end: open + 1 + content_len_to_close(text, open),
    })
}

fn content_len_to_close(text: &str, open: usize) -> usize {
    closing_parenthesis(text, open).map_or(0, |close| close - open)
}

/// The start of the word run that spells the sigle best, nearest the
/// parenthesis on ties (the shortest plausible long form).
fn best_start(letters: &[char], words: &[Word], shape: SigleShape) -> Option<(usize, Alignment)> {
    let max_words = WORDS_PER_LETTER * letters.len() + 3;
    let mut best: Option<(usize, Alignment)> = None;
    for start in (0..words.len()).rev() {
        if words.len() - start > max_words {
            break;
        }
        let word = &words[start];
        if word.folded.chars().next() != letters.first().copied() {
            continue;
        }
        // A long form starts on a content word, or on a capitalized
        // function word (`A vocation d'insertion professionnelle`).
        if word.is_function && !word.capitalized {
            continue;
        }
        if let Some(alignment) = align(letters, &words[start..], shape) {
            if best.is_none_or(|(_, current)| alignment < current) {
                best = Some((start, alignment));
            }
        }
    }
    best
}

/// Where the clause before a parenthesis begins: after punctuation, a table
/// cell break, a blank line or a line that starts a list item.
fn segment_start_before(text: &str, open: usize) -> usize {
    let before = &text[..open];
    let mut start = 0;
    for (index, c) in before.char_indices().rev() {
        if open - index > MAX_LOOKBACK_BYTES {
            start = index + c.len_utf8();
            break;
        }
        let is_boundary = match c {
            '(' | ')' | '[' | ']' | '.' | ';' | ':' | '!' | '?' | '\t' | '|' | '<' | '>' | '•'
            | ',' | '–' | '—' => true,
            // A single line break continues the clause, unless a blank line
            // precedes it or the next line starts a list item.
            '\n' => {
                let blank_line_before = before[..index]
                    .trim_end_matches([' ', '\r'])
                    .ends_with('\n');
                blank_line_before || starts_list_item(&before[index + 1..])
            }
            _ => false,
        };
        if is_boundary {
            start = index + c.len_utf8();
            break;
        }
    }
    start
}

fn starts_list_item(line: &str) -> bool {
    let line = line.trim_start_matches([' ', '\r']);
    line.starts_with(['-', '•', '*', '·']) || line.starts_with(|c: char| c.is_ascii_digit())
}

/// `Ofii (Office français de l'immigration et de l'intégration)`.
fn sigle_then_long_form(
    text: &str,
    open: usize,
    close: usize,
    content: &str,
) -> Option<FoundDefinition> {
    let before = text[..open].trim_end_matches([' ', '\u{a0}']);
    let token_start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric() || c == '.' || c == '&')
        .last()
        .map(|(index, _)| index)?;
    let token = &before[token_start..];
    let shape = sigle_shape(token)?;
    let letters = sigle_letters(token);
    let cut = qualifier_cut(content).unwrap_or(content.len());
    let long = &content[..cut];
    if !long.chars().any(char::is_lowercase) {
        return None;
    }
    let words = split_words(long);
    let first_content = words.iter().position(|w| !w.is_function || w.capitalized)?;
    let words = &words[first_content..];
    align(&letters, words, shape)?;
    let first = words.first()?;
    let last = words.last()?;
    Some(FoundDefinition {
        abbr: canonical_sigle(token),
        long_form: collapse_whitespace(&long[first.start..last.end]),
        start: token_start,
        end: close + 1,
    })
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace()
        .map(|word| word.trim_matches(|c| c == '*' || c == '«' || c == '»'))
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The (sigle, long form) pairs found in `text`.
    fn check(text: &str) -> Vec<(String, String)> {
        find_in_text(text)
            .into_iter()
            .map(|d| (d.abbr, d.long_form))
            .collect()
    }

    fn pair(abbr: &str, long_form: &str) -> (String, String) {
        (abbr.to_string(), long_form.to_string())
    }

    #[test]
    fn glossary_line_with_colon() {
        assert_eq!(
            check("CLAS : Contrat local d'accompagnement à la scolarité\n"),
            [pair(
                "CLAS",
                "Contrat local d'accompagnement à la scolarité"
            )]
        );
    }

    #[test]
    fn glossary_line_drops_a_trailing_qualifier() {
        assert_eq!(
            check("ALAE : Accueil de loisirs associé à l'école - périscolaire\nALSH : Accueil de loisirs sans hébergement – extrascolaire"),
            [
                pair("ALAE", "Accueil de loisirs associé à l'école"),
                pair("ALSH", "Accueil de loisirs sans hébergement")
            ]
        );
    }

    #[test]
    fn glossary_line_in_a_table_cell_and_with_bold() {
        assert_eq!(
            check("Sigles\t**CMJ** : Conseil municipal des jeunes"),
            [pair("CMJ", "Conseil municipal des jeunes")]
        );
    }

    #[test]
    fn headings_and_labels_are_not_glossary_lines() {
        assert!(check("ACTION : RENFORCER LES ACTIONS EN FAVEUR DES JEUNES").is_empty());
        assert!(check("AXE : JEUNESSE").is_empty());
        assert!(check("- MLS : un poste informatique dédié").is_empty());
        assert!(check("CCL : accompagnement aux activités culturelles, de loisirs").is_empty());
        assert!(check("PILOTES CCAS - Elus").is_empty());
    }

    #[test]
    fn long_form_then_sigle_takes_the_shortest_long_form() {
        assert_eq!(
            check("- Un Lieu d'accueil enfants parents (LAEP)"),
            [pair("LAEP", "Lieu d'accueil enfants parents")]
        );
        assert_eq!(
            check("la gouvernance du projet social de territoire (PST) et de la convention territoriale globale (CTG) qui intègre"),
            [pair("PST", "projet social de territoire"), pair("CTG", "convention territoriale globale")]
        );
    }

    #[test]
    fn plural_long_form() {
        assert_eq!(
            check("ainsi que de 3 Maisons d'assistants maternels (MAM)"),
            [pair("MAM", "Maisons d'assistants maternels")]
        );
    }

    #[test]
    fn quoted_long_form() {
        assert_eq!(
            check("Un dispositif récent porté par Toulouse Métropole, « Être Jeune en Métropole » (EJEM)"),
            [pair("EJEM", "Être Jeune en Métropole")]
        );
    }

    #[test]
    fn dotted_sigle() {
        assert_eq!(
            check("préconisé par le Commissariat Général à l'Égalité des Territoires (C.G.E.T)"),
            [pair(
                "CGET",
                "Commissariat Général à l'Égalité des Territoires"
            )]
        );
    }

    #[test]
    fn long_form_split_over_a_line_break() {
        assert_eq!(
            check("porté par le Centre communal\nd'action sociale (CCAS) de la ville"),
            [pair("CCAS", "Centre communal d'action sociale")]
        );
    }

    #[test]
    fn sigle_with_a_second_name_in_the_parenthesis() {
        assert_eq!(
            check(
                "avec le Contrat Territorial d'Education Artistique et Culturelle (CTEAC – DRAC)"
            ),
            [pair(
                "CTEAC",
                "Contrat Territorial d'Education Artistique et Culturelle"
            )]
        );
    }

    #[test]
    fn hyphenated_place_in_the_long_form() {
        assert_eq!(
            check("PARTENAIRES Mission Locale Haute-Garonne (MLHG), associations"),
            [pair("MLHG", "Mission Locale Haute-Garonne")]
        );
        assert!(check("- Une permanence de la Mission Locale (MLHG)").is_empty());
    }

    #[test]
    fn capitalized_function_word_may_start_a_long_form() {
        assert_eq!(
            check("un dispositif de crèche « A vocation d'insertion professionnelle » (AVIP)"),
            [pair("AVIP", "A vocation d'insertion professionnelle")]
        );
    }

    #[test]
    fn sigle_then_long_form() {
        assert_eq!(
            check("la Direction territoriale de l’Ofii (Office français de l'immigration et de l'intégration) du Val-d'Oise"),
            [pair("Ofii", "Office français de l'immigration et de l'intégration")]
        );
        assert_eq!(
            check("• AIO (accueil information orientation) (Conseil Régional)"),
            [pair("AIO", "accueil information orientation")]
        );
    }

    #[test]
    fn word_like_sigles_after_their_long_form() {
        assert_eq!(
            check("bénéficiaires du Contrat d'intégration républicaine (Cir) ;"),
            [pair("Cir", "Contrat d'intégration républicaine")]
        );
        assert_eq!(
            check(
                "Partenaires\tCDRIML, Réseau Alpha, association Action formation insertion (Afi)"
            ),
            [pair("Afi", "Action formation insertion")]
        );
    }

    #[test]
    fn holders_funders_and_places_are_rejected() {
        assert!(
            check("- Un recours à la réorientation des familles au relais emploi (CCAS)")
                .is_empty()
        );
        assert!(check("avec les moyens actuels (TM)").is_empty());
        assert!(check("mise à disposition de locaux (Ville), identification").is_empty());
        assert!(check("• Diagnostic énergétique (DPE)").is_empty());
        assert!(check("Portrait de la population\n(ABS)").is_empty());
        assert!(check("Nombre de participants et typologie (F/H)").is_empty());
        assert!(check("• SPEP technique (DIRECCTE)").is_empty());
    }

    #[test]
    fn common_forms_of_other_towns() {
        assert_eq!(
            check("dans les Quartiers prioritaires de la politique de la ville (QPV) de l'agglomération"),
            [pair("QPV", "Quartiers prioritaires de la politique de la ville")]
        );
        assert_eq!(
            check("les établissements d'accueil du jeune enfant (EAJE) et la PMI"),
            [pair("EAJE", "établissements d'accueil du jeune enfant")]
        );
        assert_eq!(
            check("financé par la CAF (Caisse d’allocations familiales) du Gard"),
            [pair("CAF", "Caisse d’allocations familiales")]
        );
        assert_eq!(
            check("PMI = Protection maternelle et infantile"),
            [pair("PMI", "Protection maternelle et infantile")]
        );
        assert_eq!(
            check("un Centre médico-psychologique (CMP) pour enfants"),
            [pair("CMP", "Centre médico-psychologique")]
        );
    }

    /// The glossary line pattern, by the regex.
    fn glossary_line_by_regex(
        cell: &str,
    ) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
        static GLOSSARY_LINE: once_cell::sync::Lazy<regex::Regex> =
            once_cell::sync::Lazy::new(|| {
                regex::Regex::new(GLOSSARY_LINE_PATTERN).expect("valid glossary regex")
            });
        let captures = GLOSSARY_LINE.captures(cell)?;
        Some((
            captures.name("abbr")?.range(),
            captures.name("long")?.range(),
        ))
    }

    #[test]
    fn glossary_lines_read_by_hand_match_the_pattern() {
        for cell in [
            "CLAS : Contrat local",
            "  - **CMJ** : Conseil municipal",
            "PMI = Protection maternelle",
            "ALAE - Accueil",
            "ALAE – Accueil de loisirs  ",
            "ALAE -Accueil",
            "ALAE- Accueil",
            "ALAE\u{a0}—\u{a0}Accueil",
            "ALAE :",
            "ALAE :   ",
            "A : b",
            "ABCDEFGHIJKL : trop",
            "ABCDEFGHIJKLM : trop long",
            "C.G.E.T. : Commissariat",
            "R&D: recherche",
            "*** ABC *** : x",
            "ABC ** : x",
            "ABC* *: x",
            "•·> ABC:x\r",
            "1ABC : x",
            "ÉTAT : x",
            "ABC é : x",
            "ABC : \u{2003}x y\u{2003}",
            "",
            ":",
            "ABC",
        ] {
            assert_eq!(
                glossary_line(cell),
                glossary_line_by_regex(cell),
                "{cell:?}"
            );
        }
        for file in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"))
            .expect("corpus folder")
            .filter_map(Result::ok)
        {
            let text = std::fs::read_to_string(file.path()).unwrap_or_default();
            for (_, cell) in cells(&text) {
                assert_eq!(
                    glossary_line(cell),
                    glossary_line_by_regex(cell),
                    "{cell:?}"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn glossary_lines_by_hand_and_by_regex_agree(
            cell in "[ \t\u{a0}*•>·–—=:A-Da-c0-2.&é-]{0,24}"
        ) {
            proptest::prop_assert_eq!(glossary_line(&cell), glossary_line_by_regex(&cell));
        }
    }

    #[test]
    fn odd_input_does_not_panic() {
        for text in [
            "(",
            ")",
            "()",
            "(A",
            "é(É)",
            "CLAS :",
            ":",
            "A (b c)",
            "(ÉÉ) (’) « » (…)",
        ] {
            let _ = check(text);
        }
    }
}
