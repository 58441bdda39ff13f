//! The official geographic code (communes, EPCI, départements, régions), embedded in the
//! binary and parsed once.
//!
//! Embedded rather than loaded so that every part of the program, and every test, sees the
//! same code without a path to configure. Records borrow their strings from the embedded
//! text, so loading is a single pass that builds lookup tables: by code, by folded name
//! (see [`super::fold`]), by postal code, and an EPCI's "core" name ("Alès" for "CA Alès
//! Agglomération") used only when the text says it speaks of an intercommunality.
//!
//! This file holds the tables and their types; building them is in [`load`], turning a
//! name or a code into a unit (and choosing among homonyms) in [`resolve`], and which
//! unit lies in which in [`relations`].

mod load;
mod relations;
mod resolve;

use std::collections::{HashMap, HashSet};

use once_cell::sync::Lazy;

use crate::{Territory, TerritoryKind};

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
    /// Hashes of the proper prefixes of every key of `names` and `epci_cores`: the scanner
    /// stops gluing words onto a key no name starts with. A collision only costs a lookup.
    /// Made at the first scan: a server that scans no text does not pay for it.
    name_prefixes: std::sync::OnceLock<FastSet<u64>>,
}

static COG: Lazy<Cog> = Lazy::new(Cog::parse);

fn prefix_hash(key: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(key)
}

pub(crate) use crate::text::{FastMap, FastSet};

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

    /// Whether [`Cog::get`] was called already: the first call parses the code (tens of
    /// milliseconds), a server's warm-up makes it.
    pub fn is_parsed() -> bool {
        Lazy::get(&COG).is_some()
    }

    /// The units a folded name points to.
    pub(crate) fn entries(&self, key: &str) -> Option<&[NameEntry]> {
        self.names.get(key).map(NameList::as_slice)
    }

    /// False when no name's key (nor intercommunality core's) is longer than `key` and
    /// starts with it: gluing more words onto `key` cannot make a name.
    pub(crate) fn may_start_a_longer_name(&self, key: &str) -> bool {
        self.name_prefixes
            .get_or_init(|| self.prefix_hashes())
            .contains(&prefix_hash(key))
    }

    fn prefix_hashes(&self) -> FastSet<u64> {
        let mut prefixes = FastSet::default();
        for key in self.names.keys().chain(self.epci_cores.keys()) {
            for (end, _) in key.char_indices().skip(1) {
                prefixes.insert(prefix_hash(&key[..end]));
            }
        }
        prefixes
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
        self.unit_by_code(territory.kind, &territory.code)
    }

    /// The unit of that kind with that official code.
    pub(crate) fn unit_by_code(&self, kind: TerritoryKind, code: &str) -> Option<Unit> {
        match kind {
            TerritoryKind::Commune => self.commune_by_code.get(code).map(|&i| Unit::Commune(i)),
            TerritoryKind::Epci => self.epci_by_code.get(code).map(|&i| Unit::Epci(i)),
            TerritoryKind::Departement => self
                .departement_by_code
                .get(code)
                .map(|&i| Unit::Departement(i)),
            TerritoryKind::Region => self.region_by_code.get(code).map(|&i| Unit::Region(i)),
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
