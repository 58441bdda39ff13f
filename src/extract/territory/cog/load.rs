//! Building the [`Cog`] tables from the embedded TSV files, once, at first use.
//!
//! Kept apart from the lookups because it is the only code that writes the tables: each
//! file is one pass that fills the by-code, by-name and by-postal-code maps, and the
//! EPCI's derived names ("Alès Agglomération", the core "Alès") are made here.

use std::collections::HashMap;

use super::super::fold::{is_article, name_key, name_key_parts, name_words, PlaceKey};
use super::{
    Cog, Commune, Cue, CueKind, CueSide, Departement, Epci, FastMap, FastSet, NameEntry, NameList,
    Region, Unit, EPCI_TYPE_WORDS,
};

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

impl Cog {
    /// Every table, from the embedded files.
    pub(super) fn parse() -> Cog {
        let mut cog = Cog::empty();
        cog.load_regions();
        cog.load_departements();
        cog.load_communes();
        cog.load_epcis();
        cog.load_epci_history();
        cog.common_words = COMMON_WORDS_TXT
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(name_key)
            .collect();
        cog.cues = parse_cues(CUES_TSV);
        cog.index_cues();
        cog
    }

    fn empty() -> Cog {
        Cog {
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
            name_prefixes: std::sync::OnceLock::new(),
        }
    }

    fn load_regions(&mut self) {
        for row in rows(REGIONS_TSV) {
            let region = Region {
                code: field(&row, 0),
                name: field(&row, 1),
            };
            if region.code.is_empty() {
                continue;
            }
            let idx = self.regions.len() as u32;
            self.region_by_code.insert(region.code, idx);
            self.add_name(region.name, Unit::Region(idx), true);
            self.regions.push(region);
        }
    }

    fn load_departements(&mut self) {
        for row in rows(DEPARTEMENTS_TSV) {
            let departement = Departement {
                code: field(&row, 0),
                name: field(&row, 1),
                region: field(&row, 2),
            };
            if departement.code.is_empty() {
                continue;
            }
            let idx = self.departements.len() as u32;
            self.departement_by_code.insert(departement.code, idx);
            self.add_name(departement.name, Unit::Departement(idx), true);
            self.departements.push(departement);
        }
    }

    fn load_communes(&mut self) {
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
            let idx = self.communes.len() as u32;
            self.commune_by_code.insert(commune.code, idx);
            self.add_name(commune.name, Unit::Commune(idx), true);
            for postal_code in field(&row, 5)
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                self.communes_by_postal_code
                    .entry(postal_code)
                    .or_default()
                    .push(idx);
            }
            self.communes.push(commune);
        }
    }

    /// EPCI and their member communes; needs the communes loaded.
    fn load_epcis(&mut self) {
        self.epci_of_commune = vec![None; self.communes.len()];
        for row in rows(EPCI_TSV) {
            let code = field(&row, 0);
            if code.is_empty() {
                continue;
            }
            let idx = self.epcis.len() as u32;
            let members: Vec<u32> = field(&row, 4)
                .split(',')
                .filter_map(|c| self.commune_by_code.get(c.trim()).copied())
                .collect();
            let mut departement_counts: HashMap<&'static str, usize> = HashMap::new();
            for &m in &members {
                self.epci_of_commune[m as usize] = Some(idx);
                *departement_counts
                    .entry(self.communes[m as usize].departement)
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
            self.epci_by_code.insert(code, idx);
            self.add_epci_names(epci.name, idx, true);
            self.epcis.push(epci);
        }
    }

    fn load_epci_history(&mut self) {
        // An earlier name counts below any current one; an earlier SIREN finds today's EPCI.
        for row in rows(EPCI_HISTORY_TSV) {
            let (old_code, old_name, code) = (field(&row, 0), field(&row, 1), field(&row, 2));
            let Some(&idx) = self.epci_by_code.get(code) else {
                continue;
            };
            self.add_epci_names(old_name, idx, false);
            if !old_code.is_empty() {
                self.epci_by_code.entry(old_code).or_insert(idx);
            }
        }
    }

    /// Indexes the cues for the scanner: those said before a name by their last word,
    /// one-word ones said after it by the word.
    fn index_cues(&mut self) {
        for (idx, cue) in self.cues.iter().enumerate() {
            match cue.side {
                CueSide::Before => {
                    if let Some(last) = cue.words.last() {
                        self.before_cues_by_last_word
                            .entry(last.clone())
                            .or_default()
                            .push(idx);
                    }
                }
                CueSide::After => {
                    if let [word] = cue.words.as_slice() {
                        let kinds = self.after_cue_kinds.entry(word.clone()).or_default();
                        if !kinds.contains(&cue.kind) {
                            kinds.push(cue.kind);
                        }
                    }
                }
            }
        }
    }

    fn add_name(&mut self, name: &str, unit: Unit, official: bool) {
        let PlaceKey {
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
}
