//! Finding place names in running text, and deciding which ones really are places.
//!
//! Looking names up is easy; the hard part is that thousands of communes are called like
//! ordinary words ("Plan", "Union", "Ville", "Vers", "Y") or people ("Barret" in
//! "Christine Barret-Labre"). So each candidate is judged on its evidence:
//! - a cue word before or after it ("Ville de", "à", "département du", "… Métropole"),
//!   read from `data/cog/cues.tsv`;
//! - its capital letter, and whether it is cut out of a longer hyphenated or capitalised
//!   proper name ("Bois-de-la-Barthe", "Magali Thuillier", "Alès Cévennes");
//! - whether its name is an ordinary French word (`data/cog/common_words.txt`): such a
//!   name needs a cue, or the same place named with a cue elsewhere in the text;
//! - a postal code before it or a département number after it ("31700 Cornebarrieu",
//!   "Vers (71)"), and the départements the rest of the text speaks of, to choose among
//!   homonyms.

use std::collections::HashMap;

use super::cog::{Cog, CueKind, Disambiguation, NameEntry, Unit};
use super::fold::{is_article, is_particle, words, Word};

/// A place found in a text, judged and resolved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    pub unit: Unit,
    pub start_char: usize,
    pub end_char: usize,
    pub start_byte: usize,
    pub end_byte: usize,
    /// The cue that introduced it, if any.
    pub cue: Option<CueKind>,
    /// The folded name without a leading article, to find repetitions.
    pub content_key: String,
}

/// Switches for the kind of text scanned.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScanOptions {
    /// Reject a one-word name glued to another capitalised word ("Magali Thuillier"). Off
    /// for organisation names, where "Mission Locale Blagnac" is a common way to write.
    pub reject_inside_proper_names: bool,
    /// Take a plain "de"/"d'"/"du" as a cue ("Mission Locale de Blagnac"): in an
    /// organisation's name, what follows "de" is usually where it works.
    pub de_is_a_cue: bool,
}

impl ScanOptions {
    pub const RUNNING_TEXT: ScanOptions = ScanOptions {
        reject_inside_proper_names: true,
        de_is_a_cue: false,
    };
    pub const ORGANISATION_NAME: ScanOptions = ScanOptions {
        reject_inside_proper_names: false,
        de_is_a_cue: true,
    };
}

/// A name matched in the text, before resolution.
struct Candidate {
    entries: Vec<NameEntry>,
    /// Set when only an intercommunality's core name matched ("Métropole de Toulouse").
    epci_core: Option<Unit>,
    first_word: usize,
    /// One past the last word, the trailing cue word included.
    end_word: usize,
    cue: Option<CueKind>,
    /// Words in the cue phrase: a lone preposition ("à", "en") is a weak cue.
    cue_n_words: usize,
    explicit_departement: Option<String>,
    content_key: String,
    accepted: bool,
}

/// Every place named in `text`, in text order, judged by the rules of this module.
pub(crate) fn scan(text: &str, cog: &Cog, options: ScanOptions) -> Vec<Found> {
    let ws = words(text);
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut scratch = Scratch::default();
    let mut i = 0;
    while i < ws.len() {
        match match_at(&ws, i, text, cog, options, &mut scratch) {
            Some(candidate) if candidate.accepted => {
                i = candidate.end_word;
                candidates.push(candidate);
            }
            Some(candidate) => {
                candidates.push(candidate);
                i += 1;
            }
            None => i += 1,
        }
    }
    resolve_candidates(text, &ws, candidates, cog)
}

/// Buffers reused from one word to the next, so that looking names up allocates nothing.
#[derive(Default)]
struct Scratch {
    /// The folded words from the current one on, glued.
    key: String,
    /// `key[..key_ends[n - 1]]` is the key of the name of `n` words.
    key_ends: Vec<usize>,
}

/// The longest name starting at word `i`, judged.
fn match_at(
    ws: &[Word<'_>],
    i: usize,
    text: &str,
    cog: &Cog,
    options: ScanOptions,
    scratch: &mut Scratch,
) -> Option<Candidate> {
    let first = &ws[i];
    if first.starts_with_digit() || !first.is_capitalised() {
        // "l'Union": a lower-case article may start a name if a capital follows.
        let next_is_capital = ws
            .get(i + 1)
            .is_some_and(|n| n.joins_previous && n.is_capitalised());
        // The capital first: most words are neither, and are then never folded.
        if !(next_is_capital && is_article(first.folded())) {
            return None;
        }
    }
    if matches!(first.folded(), "d" | "de" | "du" | "des" | "et") {
        return None;
    }
    // The cue before, looked for only once a name matches.
    let mut before_cache: Option<Option<(CueKind, usize)>> = None;
    let mut before = || *before_cache.get_or_insert_with(|| cue_before(ws, i, cog, options));
    // Keys of the names of 1..n words starting here.
    let Scratch { key, key_ends } = scratch;
    key.clear();
    key_ends.clear();
    for (offset, w) in ws[i..].iter().enumerate().take(cog.max_name_words) {
        if offset > 0 && !w.joins_previous {
            break;
        }
        key.push_str(w.folded());
        key_ends.push(key.len());
        // A word that folds to nothing leaves the key as it is, and could end a name.
        let next_folds_to_nothing = ws
            .get(i + offset + 1)
            .is_some_and(|n| n.folded().is_empty());
        if !next_folds_to_nothing && !cog.may_start_a_longer_name(key) {
            break;
        }
    }
    for n in (1..=key_ends.len()).rev() {
        let last = &ws[i + n - 1];
        if n > 1 && is_particle(last.folded()) {
            continue;
        }
        let key = &key[..key_ends[n - 1]];
        let after_epci = ws
            .get(i + n)
            .is_some_and(|w| w.joins_previous && is_after_cue(cog, w.folded(), CueKind::Epci));
        let entries = cog.entries(key);
        // Only an intercommunality's core name can match without an entry.
        let epci_core = if cog.epci_cores.contains_key(key)
            && (after_epci || before().map(|(kind, _)| kind) == Some(CueKind::Epci))
        {
            cog.pick_epci_core(key)
        } else {
            None
        };
        if entries.is_none() && epci_core.is_none() {
            continue;
        }
        let before = before();
        let before_cue = before.map(|(kind, _)| kind);
        let mut end_word = i + n;
        let mut cue = before_cue;
        let mut cue_n_words = before.map_or(0, |(_, n)| n);
        if after_epci && epci_core.is_some() {
            end_word += 1;
            cue = Some(CueKind::Epci);
            cue_n_words = 2;
        }
        if cue.is_none() && departement_cue_after(ws, end_word, text, cog) {
            cue = Some(CueKind::Departement);
            cue_n_words = 2;
        }
        let explicit_departement = departement_in_brackets(text, ws[end_word - 1].end_byte, cog)
            .or_else(|| departement_of_postal_code_before(ws, i, entries, cog));
        if cue.is_none() && explicit_departement.is_some() {
            cue = Some(CueKind::Commune);
        }
        let content_start = if is_article(first.folded()) && n > 1 {
            i + 1
        } else {
            i
        };
        let content_key: String = ws[content_start..i + n]
            .iter()
            .map(|w| w.folded())
            .collect();
        let mut candidate = Candidate {
            entries: entries.map(<[NameEntry]>::to_vec).unwrap_or_default(),
            epci_core,
            first_word: i,
            end_word,
            cue,
            cue_n_words,
            explicit_departement,
            content_key,
            accepted: false,
        };
        candidate.accepted = judge(ws, &candidate, i + n, cog, options);
        return Some(candidate);
    }
    None
}

/// Whether the evidence is enough to call this match a place.
fn judge(
    ws: &[Word<'_>],
    candidate: &Candidate,
    name_end: usize,
    cog: &Cog,
    options: ScanOptions,
) -> bool {
    let i = candidate.first_word;
    let n_words = name_end - i;
    let first = &ws[i];
    let starts_with_article = is_article(first.folded()) && n_words > 1;
    let content = if starts_with_article {
        &ws[i + 1]
    } else {
        first
    };
    if !content.is_capitalised() || candidate.cue == Some(CueKind::Not) {
        return false;
    }
    // Cut out of a hyphenated compound: "Barret-Labre", "Bois-de-la-Barthe", "Nord-Ouest".
    if glued_by_hyphen(ws, i) || glued_by_hyphen(ws, candidate.end_word) {
        return false;
    }
    let is_epci_name = candidate
        .entries
        .iter()
        .any(|e| e.official && matches!(e.unit, Unit::Epci(_)))
        || candidate.epci_core.is_some()
        || candidate.cue == Some(CueKind::Epci);
    let is_departement_name = candidate
        .entries
        .iter()
        .any(|e| matches!(e.unit, Unit::Departement(_) | Unit::Region(_)));
    let is_administrative_name = is_epci_name || is_departement_name;
    let is_commune_name = candidate
        .entries
        .iter()
        .any(|e| matches!(e.unit, Unit::Commune(_)));
    // "L'OFFRE" is not the commune Loffre: an elided article glued to a name that has none.
    if starts_with_article && first.folded() == "l" && !is_administrative_name {
        let name_has_article = candidate.entries.iter().any(|e| {
            matches!(e.unit, Unit::Commune(c) if cog.communes[c as usize].name.starts_with(['L', 'l']) && cog.communes[c as usize].name.contains(['\'', '’']))
        });
        if !name_has_article {
            return false;
        }
    }
    // "la Saint-Jean", "le Plan": an article the name does not have makes it a common
    // noun; départements do take one ("la Haute-Garonne").
    let article_before = !starts_with_article
        && i > 0
        && first.joins_previous
        && is_article(ws[i - 1].folded())
        && !ws[i - 1].is_capitalised();
    if article_before && candidate.cue.is_none() && !is_administrative_name {
        return false;
    }
    let is_common = cog.common_words.contains(&candidate.content_key)
        || (is_commune_name && candidate.content_key.chars().count() <= 2);
    if is_common && !is_epci_name {
        // The cue must suit the kind of unit: "dans la Ville" says nothing of a commune
        // called Ville, "au Nord" nothing of the département.
        let cue_fits = match candidate.cue {
            Some(CueKind::Owner | CueKind::Commune) => is_commune_name,
            Some(CueKind::Departement) => is_departement_name,
            Some(CueKind::Epci) => true,
            // "en Creuse", "en Somme"; "Mise en Place" is no commune.
            Some(CueKind::Any) => is_departement_name,
            Some(CueKind::Not) | None => false,
        } || (candidate.explicit_departement.is_some() && is_commune_name);
        // In capitals ("MISE EN PLACE") a capital says nothing: a lone preposition is not
        // enough.
        let weak = candidate.cue_n_words < 2 && candidate.explicit_departement.is_none();
        return cue_fits && !(weak && content.is_all_caps());
    }
    let has_cue = candidate.cue.is_some();
    // Only a derived name matched ("SAVOIR-FAIRE" for "CC des Savoir-Faire").
    let only_derived =
        candidate.epci_core.is_none() && candidate.entries.iter().all(|e| !e.official);
    if only_derived && !has_cue && content.is_all_caps() && !is_commune_name {
        return false;
    }
    if has_cue || n_words > 1 || content.is_all_caps() || !options.reject_inside_proper_names {
        return true;
    }
    // A one-word name glued to another capitalised word is part of a longer proper name.
    let glued_capital = |w: &Word<'_>| w.is_capitalised() && !is_particle(w.folded());
    let previous_glued = content.joins_previous && i > 0 && glued_capital(&ws[i - 1]);
    let next_glued = ws
        .get(name_end)
        .is_some_and(|w| w.joins_previous && glued_capital(w));
    !(previous_glued || next_glued)
}

/// True when word `idx` is attached to the previous one by a lone hyphen.
fn glued_by_hyphen(ws: &[Word<'_>], idx: usize) -> bool {
    idx > 0 && ws.get(idx).is_some_and(|w| w.hyphen_before)
}

/// The longest cue phrase that ends right before word `i`, with its number of words.
fn cue_before(
    ws: &[Word<'_>],
    i: usize,
    cog: &Cog,
    options: ScanOptions,
) -> Option<(CueKind, usize)> {
    // Up to five joined words before `i`, nearest first.
    let mut nearest_first: [&str; 5] = [""; 5];
    let mut n_previous = 0;
    let mut j = i;
    while j > 0 && n_previous < 5 && ws[j].joins_previous {
        j -= 1;
        nearest_first[n_previous] = ws[j].folded();
        n_previous += 1;
    }
    let previous = &mut nearest_first[..n_previous];
    previous.reverse();
    let previous: &[&str] = previous;
    let last = previous.last()?;
    // Only the cues ending with the word right before can match; first longest wins.
    let mut best: Option<(usize, CueKind)> = None;
    for &idx in cog
        .before_cues_by_last_word
        .get(*last)
        .map_or(&[][..], Vec::as_slice)
    {
        let cue = &cog.cues[idx];
        let n = cue.words.len();
        if n <= previous.len()
            && previous[previous.len() - n..]
                .iter()
                .zip(&cue.words)
                .all(|(a, b)| *a == b.as_str())
            && best.is_none_or(|(m, _)| n > m)
        {
            best = Some((n, cue.kind));
        }
    }
    if best.is_none() && options.de_is_a_cue && matches!(*last, "de" | "d" | "du" | "des") {
        return Some((CueKind::Any, 1));
    }
    best.map(|(n, kind)| (kind, n))
}

fn is_after_cue(cog: &Cog, folded: &str, kind: CueKind) -> bool {
    cog.after_cue_kinds
        .get(folded)
        .is_some_and(|kinds| kinds.contains(&kind))
}

/// "le Val-d'Oise, département …": a département cue after the name, a comma allowed.
fn departement_cue_after(ws: &[Word<'_>], end_word: usize, text: &str, cog: &Cog) -> bool {
    let (Some(previous), Some(next)) = (
        end_word.checked_sub(1).and_then(|p| ws.get(p)),
        ws.get(end_word),
    ) else {
        return false;
    };
    let between = text.get(previous.end_byte..next.start_byte).unwrap_or("");
    between.chars().all(|c| c == ',' || c == ' ')
        && between.chars().count() <= 3
        && is_after_cue(cog, next.folded(), CueKind::Departement)
}

/// "Vers (71)": the département code in brackets right after a name.
fn departement_in_brackets(text: &str, end_byte: usize, cog: &Cog) -> Option<String> {
    let rest = text.get(end_byte..)?;
    let rest = rest.trim_start_matches([' ', '\u{a0}']);
    let inside = rest.strip_prefix('(')?;
    let close = inside.find(')')?;
    let code = inside.get(..close)?.trim().to_ascii_uppercase();
    if (2..=3).contains(&code.len()) && cog.resolve(&format!("departement:{code}")).is_some() {
        Some(code)
    } else {
        None
    }
}

/// "31700 Cornebarrieu": when the word before is a postal code of one of the matched
/// communes, that commune's département.
fn departement_of_postal_code_before(
    ws: &[Word<'_>],
    i: usize,
    entries: Option<&[NameEntry]>,
    cog: &Cog,
) -> Option<String> {
    let entries = entries?;
    let previous = ws.get(i.checked_sub(1)?)?;
    if previous.text.len() != 5 || !previous.text.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let communes = cog.communes_by_postal_code.get(previous.text)?;
    entries.iter().find_map(|e| match e.unit {
        Unit::Commune(c) if communes.contains(&c) => {
            cog.departement_code_of(e.unit).map(str::to_string)
        }
        _ => None,
    })
}

/// A commune named without a cue, smaller than this, in a département the rest of the
/// text hardly speaks of, is more likely a homonym or a person ("Saint-Exupéry" school in
/// a plan of Haute-Garonne) than the place.
const FAR_AWAY_MAX_POPULATION: u32 = 20_000;
/// "Hardly speaks of": less than this share of the most-named département's weight.
const FAR_AWAY_SHARE: f32 = 0.2;
/// The context must weigh at least this much for "far away" to mean something.
const FAR_AWAY_MIN_CONTEXT: f32 = 4.0;

/// Second pass: homonyms resolved with what the rest of the text says, communes far from
/// everything else dropped, and common-word names accepted when the same place was named
/// with a cue elsewhere.
fn resolve_candidates(
    text: &str,
    ws: &[Word<'_>],
    candidates: Vec<Candidate>,
    cog: &Cog,
) -> Vec<Found> {
    // Context from the accepted names that point to a single unit.
    let mut context = Disambiguation::default();
    for c in candidates.iter().filter(|c| c.accepted) {
        let unit = match (c.epci_core, c.entries.as_slice()) {
            (Some(unit), _) if c.cue == Some(CueKind::Epci) => Some(unit),
            (_, [only]) => Some(only.unit),
            _ => None,
        };
        let Some(unit) = unit else { continue };
        if let Unit::Epci(e) = unit {
            context.epcis.insert(e);
        }
        if let Some(d) = cog.departement_code_of(unit) {
            let weight = if matches!(unit, Unit::Departement(_)) {
                2.0
            } else {
                1.0
            };
            *context.departement_weights.entry(d).or_default() += weight;
        }
    }
    let max_weight = context
        .departement_weights
        .values()
        .copied()
        .fold(0.0_f32, f32::max);
    let is_far_away = |unit: Unit| -> bool {
        let Unit::Commune(c) = unit else { return false };
        let commune = &cog.communes[c as usize];
        let weight = context
            .departement_weights
            .get(commune.departement)
            .copied()
            .unwrap_or(0.0);
        let in_named_epci = cog
            .epci_index_of_commune(c)
            .is_some_and(|e| context.epcis.contains(&e));
        max_weight >= FAR_AWAY_MIN_CONTEXT
            && weight < FAR_AWAY_SHARE * max_weight
            && commune.population < FAR_AWAY_MAX_POPULATION
            && !in_named_epci
    };
    let mut found: Vec<Found> = Vec::new();
    let mut by_surface: HashMap<&str, Unit> = HashMap::new();
    for c in candidates.iter().filter(|c| c.accepted) {
        let Some(unit) = resolve_one(c, cog, &context) else {
            continue;
        };
        if c.cue.is_none() && is_far_away(unit) {
            continue;
        }
        if c.cue.is_some() {
            by_surface.entry(surface(text, ws, c)).or_insert(unit);
        }
        found.push(to_found(ws, c, unit));
    }
    // Repetition: "la ville de L'Union" makes a later "L'Union", written the same way and
    // not opening a line (a heading), a place too.
    for c in candidates.iter().filter(|c| !c.accepted) {
        let Some(&unit) = by_surface.get(surface(text, ws, c)) else {
            continue;
        };
        let first = &ws[c.first_word];
        let opens_line = starts_line(text, ws, c.first_word);
        if !opens_line && !overlaps(&found, first.start_byte) {
            found.push(to_found(ws, c, unit));
        }
    }
    found.sort_by_key(|f| f.start_byte);
    found
}

/// The text of a candidate, its trailing cue word included.
fn surface<'a>(text: &'a str, ws: &[Word<'_>], c: &Candidate) -> &'a str {
    let first = &ws[c.first_word];
    let last = &ws[c.end_word.saturating_sub(1).max(c.first_word)];
    text.get(first.start_byte..last.end_byte).unwrap_or("")
}

/// True when word `idx` is the first word of its line.
fn starts_line(text: &str, ws: &[Word<'_>], idx: usize) -> bool {
    match idx.checked_sub(1).and_then(|p| ws.get(p)) {
        None => true,
        Some(previous) => text
            .get(previous.end_byte..ws[idx].start_byte)
            .is_none_or(|between| between.contains('\n')),
    }
}

fn overlaps(found: &[Found], byte: usize) -> bool {
    found
        .iter()
        .any(|f| f.start_byte <= byte && byte < f.end_byte)
}

fn resolve_one(c: &Candidate, cog: &Cog, context: &Disambiguation) -> Option<Unit> {
    if c.cue == Some(CueKind::Epci) {
        let epci_entries: Vec<NameEntry> = c
            .entries
            .iter()
            .filter(|e| matches!(e.unit, Unit::Epci(_)))
            .copied()
            .collect();
        if let Some(unit) = cog.pick(&epci_entries, c.cue, context).or(c.epci_core) {
            return Some(unit);
        }
    }
    let mut local = context.clone();
    local.explicit_departement = c.explicit_departement.clone();
    cog.pick(&c.entries, c.cue, &local).or(c.epci_core)
}

fn to_found(ws: &[Word<'_>], c: &Candidate, unit: Unit) -> Found {
    let first = &ws[c.first_word];
    let last = &ws[c.end_word.saturating_sub(1).max(c.first_word)];
    Found {
        unit,
        start_char: first.start_char,
        end_char: last.end_char,
        start_byte: first.start_byte,
        end_byte: last.end_byte,
        cue: c.cue,
        content_key: c.content_key.clone(),
    }
}
