//! The official geographic code (communes, EPCI, départements, régions), embedded in the
//! binary and parsed once.
//!
//! Embedded rather than loaded so that every part of the program, and every test, sees the
//! same code without a path to configure. Records borrow their strings from the embedded
//! text, so loading is a single pass that builds lookup tables: by code, by folded name
//! (see [`super::fold`]), by postal code, and an EPCI's "core" name ("Alès" for "CA Alès
//! Agglomération") used only when the text says it speaks of an intercommunality.

use std::collections::{HashMap, HashSet};

use once_cell::sync::Lazy;

use super::fold::{is_article, name_key, name_key_parts, name_words, NameKey};
use crate::{Territory, TerritoryKind};

const COMMUNES_TSV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/cog/communes.tsv"
));
const EPCI_TSV: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/cog/epci.tsv"));
/// Earlier names and SIREN of today's EPCI (renamed, or merged into them), derived from the
/// earlier releases of the same package: plans name intercommunalities as they were.
const EPCI_HISTORY_TSV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/cog/epci_history.tsv"
));
const DEPARTEMENTS_TSV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/cog/departements.tsv"
));
const REGIONS_TSV: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/cog/regions.tsv"));
const COMMON_WORDS_TXT: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/cog/common_words.txt"
));
const CUES_TSV: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/cog/cues.tsv"));

/// Words that name the kind of an intercommunality rather than the place.
const EPCI_TYPE_WORDS: &[&str] = &[
    "ca",
    "cc",
    "cu",
    "communaute",
    "communes",
    "urbaine",
    "agglomeration",
    "agglo",
    "metropole",
];

#[derive(Debug)]
pub(crate) struct Commune {
    pub code: &'static str,
    pub name: &'static str,
    pub departement: &'static str,
    pub region: &'static str,
    pub population: u32,
}

#[derive(Debug)]
pub(crate) struct Epci {
    pub code: &'static str,
    pub name: &'static str,
    pub population: u32,
    pub members: Vec<u32>,
    /// The département holding most of its member communes.
    pub main_departement: Option<&'static str>,
}

#[derive(Debug)]
pub(crate) struct Departement {
    pub code: &'static str,
    pub name: &'static str,
    pub region: &'static str,
}

#[derive(Debug)]
pub(crate) struct Region {
    pub code: &'static str,
    pub name: &'static str,
}

/// One unit of the code, as an index into its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Unit {
    Commune(u32),
    Epci(u32),
    Departement(u32),
    Region(u32),
}

/// A unit a folded name points to; `official` is false for a variant we derived
/// ("Alès Agglomération" for "CA Alès Agglomération").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NameEntry {
    pub unit: Unit,
    pub official: bool,
}

/// What a cue word says about the place after or before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum CueKind {
    /// "Ville de", "commune de", "mairie de": the commune's own council speaks.
    Owner,
    Commune,
    Departement,
    Epci,
    Any,
    /// "école", "rue", "collège": what follows names a building or a street, not a place.
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CueSide {
    Before,
    After,
}

#[derive(Debug, Clone)]
pub(crate) struct Cue {
    pub side: CueSide,
    pub kind: CueKind,
    pub words: Vec<String>,
}

/// How to choose among homonyms: the départements (with weights) and EPCIs the
/// surrounding text is about, and a département written next to the name.
#[derive(Debug, Default, Clone)]
pub(crate) struct Disambiguation {
    pub departement_weights: HashMap<&'static str, f32>,
    pub epcis: HashSet<u32>,
    pub explicit_departement: Option<String>,
}

/// The French official geographic code. Get it with [`Cog::get`].
#[derive(Debug)]
pub struct Cog {
    pub(crate) communes: Vec<Commune>,
    pub(crate) epcis: Vec<Epci>,
    pub(crate) departements: Vec<Departement>,
    pub(crate) regions: Vec<Region>,
    commune_by_code: FastMap<&'static str, u32>,
    epci_by_code: FastMap<&'static str, u32>,
    departement_by_code: FastMap<&'static str, u32>,
    region_by_code: FastMap<&'static str, u32>,
    epci_of_commune: Vec<Option<u32>>,
    pub(crate) names: FastMap<String, NameList>,
    pub(crate) epci_cores: FastMap<String, Vec<u32>>,
    pub(crate) communes_by_postal_code: FastMap<&'static str, Vec<u32>>,
    pub(crate) common_words: FastSet<String>,
    pub(crate) cues: Vec<Cue>,
    /// Indices into `cues` of the cues said before a name, by their last word, in file order.
    pub(crate) before_cues_by_last_word: FastMap<String, Vec<usize>>,
    /// One-word cues said after a name: the word → the kinds it cues.
    pub(crate) after_cue_kinds: FastMap<String, Vec<CueKind>>,
    /// The most words any name has, to bound the scanner's look-ahead.
    pub(crate) max_name_words: usize,
}

static COG: Lazy<Cog> = Lazy::new(Cog::parse);

/// A total order on units, to break ties the same way on every run.
fn unit_order(unit: Unit) -> (u8, u32) {
    match unit {
        Unit::Region(i) => (0, i),
        Unit::Departement(i) => (1, i),
        Unit::Epci(i) => (2, i),
        Unit::Commune(i) => (3, i),
    }
}

pub(crate) use crate::text::{FastMap, FastSet};

fn fast_map<K, V>(capacity: usize) -> FastMap<K, V> {
    HashMap::with_capacity_and_hasher(capacity, Default::default())
}

/// Data rows of an embedded TSV: header and `#` comments skipped, the first fields split
/// on tabs (missing ones empty, each trimmed).
fn rows(tsv: &'static str) -> impl Iterator<Item = [&'static str; 6]> {
    tsv.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let mut fields = [""; 6];
            for (slot, value) in fields.iter_mut().zip(line.split('\t')) {
                *slot = value.trim();
            }
            fields
        })
}

fn field(row: &[&'static str; 6], i: usize) -> &'static str {
    row.get(i).copied().unwrap_or("")
}

/// The units one folded name points to; almost always one, kept inline.
#[derive(Debug, Clone)]
pub(crate) enum NameList {
    One(NameEntry),
    Many(Vec<NameEntry>),
}

impl NameList {
    pub(crate) fn as_slice(&self) -> &[NameEntry] {
        match self {
            NameList::One(entry) => std::slice::from_ref(entry),
            NameList::Many(entries) => entries,
        }
    }

    fn push(&mut self, entry: NameEntry) {
        if self.as_slice().contains(&entry) {
            return;
        }
        match self {
            NameList::One(first) => *self = NameList::Many(vec![*first, entry]),
            NameList::Many(entries) => entries.push(entry),
        }
    }
}

impl Cog {
    /// The code, parsed on first use.
    pub fn get() -> &'static Cog {
        &COG
    }

    fn parse() -> Cog {
        let mut cog = Cog {
            communes: Vec::new(),
            epcis: Vec::new(),
            departements: Vec::new(),
            regions: Vec::new(),
            commune_by_code: fast_map(40_000),
            epci_by_code: fast_map(1_300),
            departement_by_code: fast_map(110),
            region_by_code: fast_map(30),
            epci_of_commune: Vec::new(),
            names: fast_map(80_000),
            epci_cores: fast_map(1_300),
            communes_by_postal_code: fast_map(40_000),
            common_words: FastSet::default(),
            cues: Vec::new(),
            before_cues_by_last_word: FastMap::default(),
            after_cue_kinds: FastMap::default(),
            max_name_words: 1,
        };
        for row in rows(REGIONS_TSV) {
            let region = Region {
                code: field(&row, 0),
                name: field(&row, 1),
            };
            if region.code.is_empty() {
                continue;
            }
            let idx = cog.regions.len() as u32;
            cog.region_by_code.insert(region.code, idx);
            cog.add_name(region.name, Unit::Region(idx), true);
            cog.regions.push(region);
        }
        for row in rows(DEPARTEMENTS_TSV) {
            let departement = Departement {
                code: field(&row, 0),
                name: field(&row, 1),
                region: field(&row, 2),
            };
            if departement.code.is_empty() {
                continue;
            }
            let idx = cog.departements.len() as u32;
            cog.departement_by_code.insert(departement.code, idx);
            cog.add_name(departement.name, Unit::Departement(idx), true);
            cog.departements.push(departement);
        }
        for row in rows(COMMUNES_TSV) {
            let commune = Commune {
                code: field(&row, 0),
                name: field(&row, 1),
                departement: field(&row, 2),
                region: field(&row, 3),
                population: field(&row, 4).parse().unwrap_or(0),
            };
            if commune.code.is_empty() {
                continue;
            }
            let idx = cog.communes.len() as u32;
            cog.commune_by_code.insert(commune.code, idx);
            cog.add_name(commune.name, Unit::Commune(idx), true);
            for postal_code in field(&row, 5)
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                cog.communes_by_postal_code
                    .entry(postal_code)
                    .or_default()
                    .push(idx);
            }
            cog.communes.push(commune);
        }
        cog.epci_of_commune = vec![None; cog.communes.len()];
        for row in rows(EPCI_TSV) {
            let code = field(&row, 0);
            if code.is_empty() {
                continue;
            }
            let idx = cog.epcis.len() as u32;
            let members: Vec<u32> = field(&row, 4)
                .split(',')
                .filter_map(|c| cog.commune_by_code.get(c.trim()).copied())
                .collect();
            let mut departement_counts: HashMap<&'static str, usize> = HashMap::new();
            for &m in &members {
                cog.epci_of_commune[m as usize] = Some(idx);
                *departement_counts
                    .entry(cog.communes[m as usize].departement)
                    .or_default() += 1;
            }
            let main_departement = departement_counts
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
                .map(|(d, _)| d);
            let epci = Epci {
                code,
                name: field(&row, 1),
                population: field(&row, 3).parse().unwrap_or(0),
                members,
                main_departement,
            };
            cog.epci_by_code.insert(code, idx);
            cog.add_epci_names(epci.name, idx, true);
            cog.epcis.push(epci);
        }
        // An earlier name counts below any current one; an earlier SIREN finds today's EPCI.
        for row in rows(EPCI_HISTORY_TSV) {
            let (old_code, old_name, code) = (field(&row, 0), field(&row, 1), field(&row, 2));
            let Some(&idx) = cog.epci_by_code.get(code) else {
                continue;
            };
            cog.add_epci_names(old_name, idx, false);
            if !old_code.is_empty() {
                cog.epci_by_code.entry(old_code).or_insert(idx);
            }
        }
        cog.common_words = COMMON_WORDS_TXT
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(name_key)
            .collect();
        cog.cues = parse_cues(CUES_TSV);
        for (idx, cue) in cog.cues.iter().enumerate() {
            match cue.side {
                CueSide::Before => {
                    if let Some(last) = cue.words.last() {
                        cog.before_cues_by_last_word
                            .entry(last.clone())
                            .or_default()
                            .push(idx);
                    }
                }
                CueSide::After => {
                    if let [word] = cue.words.as_slice() {
                        let kinds = cog.after_cue_kinds.entry(word.clone()).or_default();
                        if !kinds.contains(&cue.kind) {
                            kinds.push(cue.kind);
                        }
                    }
                }
            }
        }
        cog
    }

    fn add_name(&mut self, name: &str, unit: Unit, official: bool) {
        let NameKey {
            key,
            n_words,
            article_len,
        } = name_key_parts(name);
        if key.is_empty() {
            return;
        }
        self.max_name_words = self.max_name_words.max(n_words);
        if let Some(len) = article_len {
            // "Le Mans" is also written "au Mans", "L'Union" also "Union"; "Plan" itself
            // comes before "Le Plan".
            if let Some(rest) = key.get(len..) {
                self.push_entry(
                    rest.to_string(),
                    NameEntry {
                        unit,
                        official: false,
                    },
                );
            }
        }
        self.push_entry(key, NameEntry { unit, official });
    }

    fn push_entry(&mut self, key: String, entry: NameEntry) {
        match self.names.entry(key) {
            std::collections::hash_map::Entry::Occupied(mut list) => list.get_mut().push(entry),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(NameList::One(entry));
            }
        }
    }

    /// The units a folded name points to.
    pub(crate) fn entries(&self, key: &str) -> Option<&[NameEntry]> {
        self.names.get(key).map(NameList::as_slice)
    }

    fn add_epci_names(&mut self, name: &str, idx: u32, official: bool) {
        // "CC de l'Est Lyonnais (CCEL)": the acronym in brackets is not part of the name.
        let name = name.split('(').next().unwrap_or(name);
        let unit = Unit::Epci(idx);
        self.add_name(name, unit, official);
        let words = name_words(name);
        let is_leading_noise = |w: &str| {
            EPCI_TYPE_WORDS.contains(&w) || is_article(w) || matches!(w, "de" | "d" | "du" | "des")
        };
        let mut first = 0;
        while first < words.len() && is_leading_noise(&words[first]) {
            first += 1;
        }
        let mut last = words.len();
        while last > first && EPCI_TYPE_WORDS.contains(&words[last - 1].as_str()) {
            last -= 1;
        }
        if first < words.len() && first > 0 {
            // "Alès Agglomération", "Cergy-Pontoise", "Pays de Romilly sur Seine".
            self.push_entry(
                words[first..].concat(),
                NameEntry {
                    unit,
                    official: false,
                },
            );
        }
        if first < last {
            // "Alès", "Toulouse": only with an intercommunality cue nearby.
            let core = words[first..last].concat();
            let cores = self.epci_cores.entry(core).or_default();
            if !cores.contains(&idx) {
                cores.push(idx);
            }
        }
    }

    pub(crate) fn territory_of(&self, unit: Unit) -> Territory {
        let (name, code, kind) = match unit {
            Unit::Commune(i) => {
                let c = &self.communes[i as usize];
                (c.name, c.code, TerritoryKind::Commune)
            }
            Unit::Epci(i) => {
                let e = &self.epcis[i as usize];
                (e.name, e.code, TerritoryKind::Epci)
            }
            Unit::Departement(i) => {
                let d = &self.departements[i as usize];
                (d.name, d.code, TerritoryKind::Departement)
            }
            Unit::Region(i) => {
                let r = &self.regions[i as usize];
                (r.name, r.code, TerritoryKind::Region)
            }
        };
        Territory {
            name: name.to_string(),
            code: code.to_string(),
            kind,
        }
    }

    pub(crate) fn unit_of(&self, territory: &Territory) -> Option<Unit> {
        let code = territory.code.as_str();
        match territory.kind {
            TerritoryKind::Commune => self.commune_by_code.get(code).map(|&i| Unit::Commune(i)),
            TerritoryKind::Epci => self.epci_by_code.get(code).map(|&i| Unit::Epci(i)),
            TerritoryKind::Departement => self
                .departement_by_code
                .get(code)
                .map(|&i| Unit::Departement(i)),
            TerritoryKind::Region => self.region_by_code.get(code).map(|&i| Unit::Region(i)),
        }
    }

    /// The département a unit lies in (an EPCI: the one holding most of its communes).
    pub(crate) fn departement_code_of(&self, unit: Unit) -> Option<&'static str> {
        match unit {
            Unit::Commune(i) => Some(self.communes[i as usize].departement),
            Unit::Epci(i) => self.epcis[i as usize].main_departement,
            Unit::Departement(i) => Some(self.departements[i as usize].code),
            Unit::Region(_) => None,
        }
    }

    fn region_code_of(&self, unit: Unit) -> Option<&'static str> {
        match unit {
            Unit::Commune(i) => Some(self.communes[i as usize].region),
            Unit::Region(i) => Some(self.regions[i as usize].code),
            _ => {
                let departement = self.departement_code_of(unit)?;
                let idx = self.departement_by_code.get(departement)?;
                Some(self.departements[*idx as usize].region)
            }
        }
    }

    pub(crate) fn epci_index_of_commune(&self, commune: u32) -> Option<u32> {
        self.epci_of_commune
            .get(commune as usize)
            .copied()
            .flatten()
    }

    /// A name or a code (INSEE, SIREN, département number, region code) → territory.
    ///
    /// Codes: five characters are an INSEE code (else a postal code, the most populated
    /// commune wins), nine digits a SIREN, two or three a département, else a région
    /// (`region:76` forces the kind, as do `commune:`, `epci:`, `departement:`).
    /// Names ignore case, accents, hyphens, spaces and apostrophes, "St"/"Saint", a leading
    /// article, prefixes such as "CA ", "CC ", "Métropole de", "Ville de", "Département du".
    /// Homonymous communes: the most populated. See [`Cog::resolve_near`] to narrow them.
    pub fn resolve(&self, name_or_code: &str) -> Option<Territory> {
        self.resolve_near(name_or_code, None)
    }

    /// Like [`Cog::resolve`], but homonymous communes are first looked for inside
    /// `context` (a département, an EPCI, a région, or the same département as a commune).
    pub fn resolve_near(
        &self,
        name_or_code: &str,
        context: Option<&Territory>,
    ) -> Option<Territory> {
        let query = name_or_code.trim();
        if query.is_empty() {
            return None;
        }
        if let Some(unit) = self.resolve_code(query) {
            return Some(self.territory_of(unit));
        }
        let mut disambiguation = Disambiguation::default();
        if let Some(unit) = context.and_then(|t| self.unit_of(t)) {
            match unit {
                Unit::Epci(i) => {
                    disambiguation.epcis.insert(i);
                }
                Unit::Region(i) => {
                    let region = self.regions[i as usize].code;
                    for d in self.departements.iter().filter(|d| d.region == region) {
                        disambiguation.departement_weights.insert(d.code, 1.0);
                    }
                }
                _ => {
                    if let Some(d) = self.departement_code_of(unit) {
                        disambiguation.departement_weights.insert(d, 1.0);
                    }
                }
            }
        }
        let words = name_words(query);
        // A leading cue: "Ville de Cergy", "Département du Val-d'Oise", "CA du Grand Cahors".
        let mut best_cue: Option<(usize, CueKind)> = None;
        for cue in self
            .cues
            .iter()
            .filter(|c| c.side == CueSide::Before && c.kind != CueKind::Not)
        {
            let n = cue.words.len();
            if n < words.len() && words[..n] == cue.words[..] && best_cue.is_none_or(|(m, _)| n > m)
            {
                best_cue = Some((n, cue.kind));
            }
        }
        let mut attempts: Vec<(&[String], Option<CueKind>)> = vec![(&words[..], None)];
        if let Some((n, kind)) = best_cue {
            attempts.insert(0, (&words[n..], Some(kind)));
        }
        for (rest, cue) in attempts {
            let key = rest.concat();
            if cue == Some(CueKind::Epci) {
                // "Métropole de Toulouse" is the metropolis, not the commune Toulouse.
                let epci_entries: Vec<NameEntry> = self
                    .entries(&key)
                    .map(|entries| {
                        entries
                            .iter()
                            .filter(|e| matches!(e.unit, Unit::Epci(_)))
                            .copied()
                            .collect()
                    })
                    .unwrap_or_default();
                if let Some(unit) = self
                    .pick(&epci_entries, cue, &disambiguation)
                    .or_else(|| self.pick_epci_core(&key))
                {
                    return Some(self.territory_of(unit));
                }
            }
            if let Some(entries) = self.entries(&key) {
                if let Some(unit) = self.pick(entries, cue, &disambiguation) {
                    return Some(self.territory_of(unit));
                }
            }
            // "Agglomération d'Alès", "Alès Agglo", "CC Pays de Romilly": the core name.
            if cue == Some(CueKind::Epci)
                || rest.iter().any(|w| EPCI_TYPE_WORDS.contains(&w.as_str()))
            {
                let core: String = rest
                    .iter()
                    .filter(|w| {
                        !EPCI_TYPE_WORDS.contains(&w.as_str())
                            && !matches!(w.as_str(), "de" | "d" | "du" | "des")
                    })
                    .map(String::as_str)
                    .collect();
                if let Some(unit) = self.pick_epci_core(&core) {
                    return Some(self.territory_of(unit));
                }
            }
            if rest.len() > 1 && is_article(&rest[0]) {
                if let Some(entries) = self.entries(&rest[1..].concat()) {
                    if let Some(unit) = self.pick(entries, cue, &disambiguation) {
                        return Some(self.territory_of(unit));
                    }
                }
            }
        }
        None
    }

    fn resolve_code(&self, query: &str) -> Option<Unit> {
        if let Some((kind, code)) = query.split_once(':') {
            let code = code.trim();
            return match fold_kind(kind)? {
                TerritoryKind::Commune => self.commune_by_code.get(code).map(|&i| Unit::Commune(i)),
                TerritoryKind::Epci => self.epci_by_code.get(code).map(|&i| Unit::Epci(i)),
                TerritoryKind::Departement => self
                    .departement_by_code
                    .get(code)
                    .map(|&i| Unit::Departement(i)),
                TerritoryKind::Region => self.region_by_code.get(code).map(|&i| Unit::Region(i)),
            };
        }
        let is_code_like = query.chars().all(|c| c.is_ascii_alphanumeric())
            && query.chars().filter(|c| c.is_ascii_digit()).count() + 1 >= query.len();
        if !is_code_like {
            return None;
        }
        let upper = query.to_ascii_uppercase();
        let code = upper.as_str();
        match code.len() {
            5 => self
                .commune_by_code
                .get(code)
                .map(|&i| Unit::Commune(i))
                .or_else(|| {
                    let communes = self.communes_by_postal_code.get(code)?;
                    communes
                        .iter()
                        .max_by_key(|&&i| self.communes[i as usize].population)
                        .map(|&i| Unit::Commune(i))
                }),
            9 => self.epci_by_code.get(code).map(|&i| Unit::Epci(i)),
            1..=3 => {
                let padded = if code.len() == 1 {
                    format!("0{code}")
                } else {
                    code.to_string()
                };
                self.departement_by_code
                    .get(padded.as_str())
                    .map(|&i| Unit::Departement(i))
                    .or_else(|| {
                        self.region_by_code
                            .get(padded.as_str())
                            .map(|&i| Unit::Region(i))
                    })
            }
            _ => None,
        }
    }

    /// Chooses among the units a name points to: the kind the cue asks for, official names
    /// before derived ones, then EPCI > département > région > commune when nothing says,
    /// and among communes the one the context points to, else the most populated.
    pub(crate) fn pick(
        &self,
        entries: &[NameEntry],
        cue: Option<CueKind>,
        disambiguation: &Disambiguation,
    ) -> Option<Unit> {
        // Kind order, most wanted first.
        let order: &[u8] = match cue {
            Some(CueKind::Owner) | Some(CueKind::Commune) => &[0, 1, 2, 3],
            Some(CueKind::Departement) => &[2, 3, 1, 0],
            Some(CueKind::Epci) => &[1, 0, 2, 3],
            Some(CueKind::Any | CueKind::Not) | None => &[1, 2, 3, 0],
        };
        let kind_rank = |unit: Unit| -> u8 {
            let k = match unit {
                Unit::Commune(_) => 0,
                Unit::Epci(_) => 1,
                Unit::Departement(_) => 2,
                Unit::Region(_) => 3,
            };
            order.iter().position(|&o| o == k).unwrap_or(4) as u8
        };
        let any_official = entries.iter().any(|e| e.official);
        let wanted_official =
            |e: &NameEntry| e.official || !any_official || cue == Some(CueKind::Epci);
        let best_rank = entries
            .iter()
            .filter(|e| wanted_official(e))
            .map(|e| kind_rank(e.unit))
            .min()?;
        let candidates: Vec<Unit> = entries
            .iter()
            .filter(|e| wanted_official(e) && kind_rank(e.unit) == best_rank)
            .map(|e| e.unit)
            .collect();
        if candidates.len() == 1 {
            return candidates.first().copied();
        }
        candidates.into_iter().max_by(|&a, &b| {
            let score = |u: Unit| -> (u8, f32, u32) {
                let departement = self.departement_code_of(u).unwrap_or("");
                let explicit = disambiguation.explicit_departement.as_deref() == Some(departement);
                let in_epci = match u {
                    Unit::Commune(i) => self
                        .epci_index_of_commune(i)
                        .is_some_and(|e| disambiguation.epcis.contains(&e)),
                    _ => false,
                };
                let weight = disambiguation
                    .departement_weights
                    .get(departement)
                    .copied()
                    .unwrap_or(0.0);
                (
                    u8::from(explicit) * 2 + u8::from(in_epci),
                    weight,
                    self.population_of(u),
                )
            };
            let (sa, sb) = (score(a), score(b));
            sa.0.cmp(&sb.0)
                .then(sa.1.partial_cmp(&sb.1).unwrap_or(std::cmp::Ordering::Equal))
                .then(sa.2.cmp(&sb.2))
        })
    }

    /// The EPCI whose core name is `core` ("ales"), the most populated if several.
    pub(crate) fn pick_epci_core(&self, core: &str) -> Option<Unit> {
        let indices = self.epci_cores.get(core)?;
        indices
            .iter()
            .max_by_key(|&&i| self.epcis[i as usize].population)
            .map(|&i| Unit::Epci(i))
    }

    fn population_of(&self, unit: Unit) -> u32 {
        match unit {
            Unit::Commune(i) => self.communes[i as usize].population,
            Unit::Epci(i) => self.epcis[i as usize].population,
            _ => 0,
        }
    }

    /// The communes sharing `name` when nothing else bears it ("Saint-Denis": the one of
    /// Seine-Saint-Denis and the one of La Réunion), most populated first; empty when the
    /// name is a code, unknown, or one place.
    pub fn homonyms(&self, name: &str) -> Vec<Territory> {
        let name = name.trim();
        if name.is_empty() || self.resolve_code(name).is_some() {
            return Vec::new();
        }
        let Some(entries) = self.entries(&name_words(name).concat()) else {
            return Vec::new();
        };
        if entries.iter().any(|e| !matches!(e.unit, Unit::Commune(_))) {
            return Vec::new();
        }
        let mut communes: Vec<Unit> = entries.iter().map(|e| e.unit).collect();
        communes.dedup();
        if communes.len() < 2 {
            return Vec::new();
        }
        communes.sort_by_key(|&u| std::cmp::Reverse(self.population_of(u)));
        communes.into_iter().map(|u| self.territory_of(u)).collect()
    }

    /// Territories whose name is spelled close to `name` ("Ocitanie" → Occitanie), closest
    /// first then largest: a "did you mean" for a name that resolves to nothing.
    pub fn similar(&self, name: &str, limit: usize) -> Vec<Territory> {
        let wanted = name_words(name).concat();
        let n = wanted.chars().count();
        let allowed = match n {
            0..=3 => return Vec::new(),
            4..=8 => 1,
            9..=14 => 2,
            _ => 3,
        };
        let mut found: Vec<(usize, bool, u32, Unit)> = Vec::new();
        for (key, list) in &self.names {
            if key.chars().count().abs_diff(n) > allowed {
                continue;
            }
            let edits = strsim::levenshtein(key, &wanted);
            if edits > allowed {
                continue;
            }
            for entry in list.as_slice() {
                let size = match entry.unit {
                    Unit::Region(_) | Unit::Departement(_) => u32::MAX,
                    unit => self.population_of(unit),
                };
                found.push((edits, !entry.official, u32::MAX - size, entry.unit));
            }
        }
        found.sort_by_key(|&(edits, derived, smaller, unit)| {
            (edits, derived, smaller, unit_order(unit))
        });
        let mut out: Vec<Territory> = Vec::new();
        for (.., unit) in found {
            let territory = self.territory_of(unit);
            if !out.contains(&territory) {
                out.push(territory);
            }
            if out.len() == limit {
                break;
            }
        }
        out
    }

    /// The département a commune (or an EPCI, by most of its communes) lies in; a
    /// département is its own.
    pub fn departement_of(&self, commune: &Territory) -> Option<Territory> {
        let unit = self.unit_of(commune)?;
        let code = self.departement_code_of(unit)?;
        let idx = self.departement_by_code.get(code)?;
        Some(self.territory_of(Unit::Departement(*idx)))
    }

    /// The région a commune, an EPCI (by its main département) or a département lies in;
    /// a région is its own.
    pub fn region_of(&self, territory: &Territory) -> Option<Territory> {
        let code = self.region_code_of(self.unit_of(territory)?)?;
        let idx = self.region_by_code.get(code)?;
        Some(self.territory_of(Unit::Region(*idx)))
    }

    /// The EPCI a commune belongs to.
    pub fn epci_of(&self, commune: &Territory) -> Option<Territory> {
        match self.unit_of(commune)? {
            Unit::Commune(i) => self
                .epci_index_of_commune(i)
                .map(|e| self.territory_of(Unit::Epci(e))),
            _ => None,
        }
    }

    /// True if `inner` lies within `outer`: commune in EPCI, département or région; EPCI
    /// in the département (région) holding most of its communes; département in région.
    /// A territory contains itself.
    pub fn contains(&self, outer: &Territory, inner: &Territory) -> bool {
        let (Some(outer), Some(inner)) = (self.unit_of(outer), self.unit_of(inner)) else {
            return false;
        };
        self.unit_contains(outer, inner)
    }

    pub(crate) fn unit_contains(&self, outer: Unit, inner: Unit) -> bool {
        if outer == inner {
            return true;
        }
        match (outer, inner) {
            (Unit::Epci(e), Unit::Commune(c)) => self.epci_index_of_commune(c) == Some(e),
            (Unit::Departement(d), Unit::Commune(_) | Unit::Epci(_)) => {
                self.departement_code_of(inner) == Some(self.departements[d as usize].code)
            }
            (Unit::Region(r), Unit::Commune(_) | Unit::Epci(_) | Unit::Departement(_)) => {
                self.region_code_of(inner) == Some(self.regions[r as usize].code)
            }
            _ => false,
        }
    }

    /// The member communes of an EPCI, the communes of a département or région; empty
    /// for a commune.
    pub fn communes_in(&self, outer: &Territory) -> Vec<Territory> {
        let Some(unit) = self.unit_of(outer) else {
            return Vec::new();
        };
        match unit {
            Unit::Epci(e) => self.epcis[e as usize]
                .members
                .iter()
                .map(|&c| self.territory_of(Unit::Commune(c)))
                .collect(),
            Unit::Departement(_) | Unit::Region(_) => (0..self.communes.len() as u32)
                .map(Unit::Commune)
                .filter(|&c| self.unit_contains(unit, c))
                .map(|c| self.territory_of(c))
                .collect(),
            Unit::Commune(_) => Vec::new(),
        }
    }

    /// Communes with at least `min_population` inhabitants, in code order.
    pub fn communes_with_population(&self, min_population: u32) -> Vec<Territory> {
        (0..self.communes.len() as u32)
            .filter(|&c| self.communes[c as usize].population >= min_population)
            .map(|c| self.territory_of(Unit::Commune(c)))
            .collect()
    }

    /// Number of communes, EPCI, départements and régions loaded.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        (
            self.communes.len(),
            self.epcis.len(),
            self.departements.len(),
            self.regions.len(),
        )
    }
}

fn fold_kind(kind: &str) -> Option<TerritoryKind> {
    Some(match name_key(kind).as_str() {
        "commune" => TerritoryKind::Commune,
        "epci" => TerritoryKind::Epci,
        "departement" | "dep" => TerritoryKind::Departement,
        "region" | "reg" => TerritoryKind::Region,
        _ => return None,
    })
}

fn parse_cues(tsv: &str) -> Vec<Cue> {
    let mut cues = Vec::new();
    for line in tsv
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let mut fields = line.split('\t');
        let (Some(side), Some(kind), Some(phrase)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let side = match side.trim() {
            "before" => CueSide::Before,
            "after" => CueSide::After,
            _ => continue,
        };
        let kind = match kind.trim() {
            "owner" => CueKind::Owner,
            "commune" => CueKind::Commune,
            "departement" => CueKind::Departement,
            "epci" => CueKind::Epci,
            "any" => CueKind::Any,
            "not" => CueKind::Not,
            _ => continue,
        };
        let words = name_words(phrase);
        if !words.is_empty() {
            cues.push(Cue { side, kind, words });
        }
    }
    cues
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(query: &str) -> Option<(String, TerritoryKind)> {
        Cog::get().resolve(query).map(|t| (t.code, t.kind))
    }

    fn commune(code: &str) -> Option<(String, TerritoryKind)> {
        Some((code.to_string(), TerritoryKind::Commune))
    }

    #[test]
    fn loads_every_table_and_reports_the_time() {
        let started = std::time::Instant::now();
        let cog = Cog::get();
        let elapsed = started.elapsed();
        println!("Cog loaded in {elapsed:?}: {:?}", cog.counts());
        let (communes, epcis, departements, regions) = cog.counts();
        assert!(communes > 34_000, "{communes}");
        assert!(epcis > 1_200, "{epcis}");
        assert!(departements > 100 && regions > 17);
        assert!(cog.common_words.contains("union"));
        assert!(!cog.cues.is_empty());
    }

    #[test]
    fn resolves_commune_names_whatever_the_spelling() {
        assert_eq!(resolve("L'Union"), commune("31561"));
        assert_eq!(resolve("l’union"), commune("31561"));
        assert_eq!(resolve("LUnion"), commune("31561"));
        assert_eq!(resolve("Union"), commune("31561"));
        assert_eq!(resolve("CERGY"), commune("95127"));
        assert_eq!(resolve("Ales"), commune("30007"));
        assert_eq!(resolve("cornebarrieu"), commune("31150"));
        assert_eq!(resolve("Ville de Cornebarrieu"), commune("31150"));
        assert_eq!(resolve("St Denis"), resolve("Saint-Denis"));
        assert!(resolve("Saint-Denis").is_some());
    }

    #[test]
    fn resolves_epci_departements_and_regions_by_name() {
        let epci = |c: &str| Some((c.to_string(), TerritoryKind::Epci));
        assert_eq!(resolve("CA Alès Agglomération"), epci("200066918"));
        assert_eq!(resolve("Alès Agglomération"), epci("200066918"));
        assert_eq!(resolve("ALES AGGLOMERATION"), epci("200066918"));
        assert_eq!(resolve("Agglomération d'Alès"), epci("200066918"));
        assert_eq!(resolve("Toulouse Métropole"), epci("243100518"));
        assert_eq!(resolve("Métropole de Toulouse"), epci("243100518"));
        assert_eq!(resolve("Cergy-Pontoise"), epci("249500109"));
        let departement = |c: &str| Some((c.to_string(), TerritoryKind::Departement));
        assert_eq!(resolve("Val-d'Oise"), departement("95"));
        assert_eq!(resolve("val d oise"), departement("95"));
        assert_eq!(resolve("Haute Garonne"), departement("31"));
        assert_eq!(resolve("Département du Gard"), departement("30"));
        assert_eq!(
            resolve("ile de france"),
            Some(("11".to_string(), TerritoryKind::Region))
        );
        assert_eq!(resolve("nulle part sur terre"), None);
        assert_eq!(resolve(""), None);
    }

    #[test]
    fn resolves_codes() {
        assert_eq!(resolve("31561"), commune("31561"));
        assert_eq!(resolve("95000"), commune("95127"), "postal code of Cergy");
        assert_eq!(
            resolve("200066918"),
            Some(("200066918".to_string(), TerritoryKind::Epci))
        );
        assert_eq!(
            resolve("95"),
            Some(("95".to_string(), TerritoryKind::Departement))
        );
        assert_eq!(
            resolve("2a"),
            Some(("2A".to_string(), TerritoryKind::Departement))
        );
        assert_eq!(
            resolve("region:76"),
            Some(("76".to_string(), TerritoryKind::Region))
        );
        assert_eq!(resolve("commune:00000"), None);
    }

    #[test]
    fn homonyms_prefer_population_unless_the_context_narrows() {
        let cog = Cog::get();
        // "Vers" exists in Saône-et-Loire (71) and Haute-Savoie (74, more populated).
        assert_eq!(
            cog.resolve("Vers").map(|t| t.code),
            Some("74296".to_string())
        );
        let saone_et_loire = cog.resolve("71");
        let near = cog.resolve_near("Vers", saone_et_loire.as_ref());
        assert_eq!(near.map(|t| t.code), Some("71572".to_string()));
    }

    #[test]
    fn relations_between_units() {
        let cog = Cog::get();
        let cornebarrieu = cog.resolve("31150").expect("commune");
        let metropole = cog.resolve("243100518").expect("epci");
        let haute_garonne = cog.resolve("31").expect("departement");
        let occitanie = cog.resolve("region:76").expect("region");
        let cergy = cog.resolve("95127").expect("commune");
        assert_eq!(cog.epci_of(&cornebarrieu), Some(metropole.clone()));
        assert_eq!(
            cog.departement_of(&cornebarrieu),
            Some(haute_garonne.clone())
        );
        assert_eq!(cog.departement_of(&metropole), Some(haute_garonne.clone()));
        assert!(cog.contains(&metropole, &cornebarrieu));
        assert!(cog.contains(&haute_garonne, &metropole));
        assert!(cog.contains(&occitanie, &cornebarrieu));
        assert!(cog.contains(&occitanie, &haute_garonne));
        assert!(cog.contains(&cergy, &cergy));
        assert!(!cog.contains(&metropole, &cergy));
        assert!(!cog.contains(&cornebarrieu, &metropole));
        assert_eq!(cog.epci_of(&haute_garonne), None);
        let members = cog.communes_in(&metropole);
        assert!(
            members.contains(&cornebarrieu) && !members.contains(&cergy),
            "{}",
            members.len()
        );
        assert!(cog.communes_in(&haute_garonne).len() > 500);
        assert!(cog.communes_in(&cergy).is_empty());
    }

    #[test]
    fn an_intercommunality_is_found_by_its_earlier_name_and_siren() {
        let cog = Cog::get();
        // Renamed: same SIREN, new name.
        let lunel = cog.resolve("CC du Pays de Lunel").expect("earlier name");
        assert_eq!(lunel.code, "243400520");
        assert_eq!(lunel.name, "CA Lunel Agglo");
        // Merged: the earlier SIREN leads to the EPCI that took most of its communes.
        let calais = cog.resolve("246201149").expect("earlier SIREN");
        assert_eq!(calais.code, "200090751");
        assert_eq!(
            cog.resolve("CA du Calaisis").map(|t| t.code).as_deref(),
            Some("200090751")
        );
        // Today's names still win.
        assert_eq!(
            cog.resolve("CA Lunel Agglo").map(|t| t.code).as_deref(),
            Some("243400520")
        );
    }

    #[test]
    fn homonymous_communes_are_choices_and_near_names_suggestions() {
        let cog = Cog::get();
        let saint_denis = cog.homonyms("Saint-Denis");
        assert!(saint_denis.len() >= 2, "{saint_denis:?}");
        assert!(saint_denis.iter().any(|t| t.code == "93066"));
        assert!(cog.homonyms("Cornebarrieu").is_empty());
        assert!(cog.homonyms("31").is_empty());
        let near = cog.similar("Ocitanie", 5);
        assert_eq!(near.first().map(|t| t.name.as_str()), Some("Occitanie"));
        assert!(cog.similar("zz", 5).is_empty());
    }
}
