//! From a name or a code to one unit of the code, and the near misses.
//!
//! Names are ambiguous (hundreds of "Saint-Denis", "Toulouse" the commune and the
//! metropolis), so resolution is where the cue before a name, the context of the
//! document and the population decide; the scanner uses the same choice ([`Cog::pick`]).

use super::super::fold::{is_article, name_key, name_words};
use super::{Cog, CueKind, CueSide, Disambiguation, NameEntry, Unit, EPCI_TYPE_WORDS};
use crate::{Territory, TerritoryKind};

/// A total order on units, to break ties the same way on every run.
fn unit_order(unit: Unit) -> (u8, u32) {
    match unit {
        Unit::Region(i) => (0, i),
        Unit::Departement(i) => (1, i),
        Unit::Epci(i) => (2, i),
        Unit::Commune(i) => (3, i),
    }
}

impl Cog {
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
        let disambiguation = self.disambiguation_near(context);
        let words = name_words(query);
        let mut attempts: Vec<(&[String], Option<CueKind>)> = vec![(&words[..], None)];
        if let Some((n, kind)) = self.leading_cue(&words) {
            attempts.insert(0, (&words[n..], Some(kind)));
        }
        for (rest, cue) in attempts {
            if let Some(unit) = self.resolve_words(rest, cue, &disambiguation) {
                return Some(self.territory_of(unit));
            }
        }
        None
    }

    /// What `context` says about homonyms: its EPCI, its région's départements, or its
    /// département.
    fn disambiguation_near(&self, context: Option<&Territory>) -> Disambiguation {
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
        disambiguation
    }

    /// The longest cue said before a name that starts `words` and leaves a name after it,
    /// as (its number of words, its kind).
    fn leading_cue(&self, words: &[String]) -> Option<(usize, CueKind)> {
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
        best_cue
    }

    /// The unit the folded words `rest` name, read as `cue` says (none: as they are).
    fn resolve_words(
        &self,
        rest: &[String],
        cue: Option<CueKind>,
        disambiguation: &Disambiguation,
    ) -> Option<Unit> {
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
                .pick(&epci_entries, cue, disambiguation)
                .or_else(|| self.pick_epci_core(&key))
            {
                return Some(unit);
            }
        }
        if let Some(entries) = self.entries(&key) {
            if let Some(unit) = self.pick(entries, cue, disambiguation) {
                return Some(unit);
            }
        }
        // "Agglomération d'Alès", "Alès Agglo", "CC Pays de Romilly": the core name.
        if cue == Some(CueKind::Epci) || rest.iter().any(|w| EPCI_TYPE_WORDS.contains(&w.as_str()))
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
                return Some(unit);
            }
        }
        if rest.len() > 1 && is_article(&rest[0]) {
            if let Some(entries) = self.entries(&rest[1..].concat()) {
                if let Some(unit) = self.pick(entries, cue, disambiguation) {
                    return Some(unit);
                }
            }
        }
        None
    }

    fn resolve_code(&self, query: &str) -> Option<Unit> {
        if let Some((kind, code)) = query.split_once(':') {
            return self.unit_by_code(fold_kind(kind)?, code.trim());
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
