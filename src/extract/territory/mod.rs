//! Territories: which places a document names, and which one it is about.
//!
//! Every place is tied to the official geographic code ([`Cog`]) so that the graph and the
//! search can group documents by commune, EPCI or département whatever the spelling, and so
//! that "Mission Locale de Blagnac" and a plan of Cornebarrieu meet inside Toulouse
//! Métropole. Names are matched in a folded form ([`fold`]); whether a match is really a
//! place is decided from its context ([`scan`]), because many communes are called like
//! ordinary words. A document's own territory is then chosen by weighing the mentions:
//! the title and opening lines, "Ville de X", their number, and the smaller unit when it
//! is consistent with a larger one also named.

mod cog;
pub(crate) mod fold;
mod scan;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use cog::Cog;
use cog::{CueKind, Unit};
use scan::{scan, Found, ScanOptions};

use super::Provenance;
use crate::{Document, Territory};

/// A place named in a document, with where it is named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerritoryMention {
    pub territory: Territory,
    /// The text as written ("ALES AGGLOMERATION", "L'Union").
    pub surface: String,
    pub provenance: Provenance,
}

/// Territories named in the text, in text order. A name that is also an ordinary word
/// ("l'union fait la force", "un Plan d'action") counts only with a cue ("la ville de
/// L'Union", "à Plan") or when the same place is named with a cue elsewhere.
pub fn find_mentions(doc: &Document, cog: &Cog) -> Vec<TerritoryMention> {
    scan(&doc.text, cog, ScanOptions::RUNNING_TEXT)
        .into_iter()
        .map(|found| TerritoryMention {
            territory: cog.territory_of(found.unit),
            surface: doc
                .text
                .get(found.start_byte..found.end_byte)
                .unwrap_or("")
                .to_string(),
            provenance: provenance(doc, found.start_char, found.end_char),
        })
        .collect()
}

/// The territory the document is about (commune, EPCI or département), if it names one.
pub fn document_territory(doc: &Document, cog: &Cog) -> Option<Territory> {
    let found = scan(&doc.text, cog, ScanOptions::RUNNING_TEXT);
    let in_title = scan(&doc.title, cog, ScanOptions::RUNNING_TEXT);
    let opening_end = opening_end_char(&doc.text, N_OPENING_LINES);
    choose_territory(&found, &in_title, opening_end, cog).map(|unit| cog.territory_of(unit))
}

/// For organisation names: "Mission Locale de Blagnac" → Blagnac, "Mission Locale
/// Haute-Garonne" → 31, "Toulouse Métropole" → the EPCI. The last place named wins
/// ("CAF de la Haute-Garonne" → 31).
pub fn place_in_name(name: &str, cog: &Cog) -> Option<Territory> {
    scan(name, cog, ScanOptions::ORGANISATION_NAME)
        .last()
        .map(|found| cog.territory_of(found.unit))
}

/// The key of `territory` and those of the EPCI, département and région containing it
/// (see [`key_of`]): a filter on any of them keeps it, and it keeps a filter on any of them.
pub fn codes_containing(territory: &Territory, cog: &Cog) -> Vec<String> {
    let mut codes = vec![key_of(territory)];
    for t in [
        cog.epci_of(territory),
        cog.departement_of(territory),
        cog.region_of(territory),
    ]
    .into_iter()
    .flatten()
    {
        let key = key_of(&t);
        if !codes.contains(&key) {
            codes.push(key);
        }
    }
    codes
}

/// A territory's code, told apart across kinds: région codes are also département
/// numbers (76 is Occitanie and Seine-Maritime), so a région's key is `region:76`.
pub fn key_of(territory: &Territory) -> String {
    match territory.kind {
        crate::model::TerritoryKind::Region => format!("region:{}", territory.code),
        _ => territory.code.clone(),
    }
}

/// Lines that count as the document's opening (title block, cover page).
const N_OPENING_LINES: usize = 10;
/// Weight of each kind of evidence in [`document_territory`].
const WEIGHT_MENTION: f32 = 1.0;
const WEIGHT_OWNER_CUE: f32 = 3.0;
const WEIGHT_OPENING: f32 = 2.0;
const WEIGHT_TITLE: f32 = 4.0;
/// Share of its member communes' weight a larger unit gathers.
const SHARE_OF_MEMBERS: f32 = 0.3;
/// A commune named with "Ville de" wins over a larger unit that contains it when it has at
/// least this share of the larger unit's weight.
const SMALLER_UNIT_SHARE: f32 = 0.4;

#[derive(Debug, Default, Clone, Copy)]
struct Evidence {
    weight: f32,
    n_owner_cues: usize,
}

fn choose_territory(
    found: &[Found],
    in_title: &[Found],
    opening_end: usize,
    cog: &Cog,
) -> Option<Unit> {
    let mut evidence: HashMap<Unit, Evidence> = HashMap::new();
    let mut order: Vec<Unit> = Vec::new();
    let mut add = |unit: Unit, weight: f32, owner: bool| {
        if matches!(unit, Unit::Region(_)) {
            return;
        }
        let e = evidence.entry(unit).or_insert_with(|| {
            order.push(unit);
            Evidence::default()
        });
        e.weight += weight;
        e.n_owner_cues += usize::from(owner);
    };
    for f in found {
        let owner = f.cue == Some(CueKind::Owner);
        let mut weight = WEIGHT_MENTION;
        if owner {
            weight += WEIGHT_OWNER_CUE;
        }
        if f.start_char < opening_end {
            weight += WEIGHT_OPENING;
        }
        add(f.unit, weight, owner);
    }
    let mut title_units: Vec<Unit> = in_title.iter().map(|f| f.unit).collect();
    title_units.dedup();
    for unit in title_units {
        add(unit, WEIGHT_TITLE, false);
    }
    // A larger unit also gathers part of the weight of the communes it holds that are
    // named without "Ville de" (a contrat de ville listing its member communes).
    let communes: Vec<(Unit, Evidence)> = order
        .iter()
        .filter(|u| matches!(u, Unit::Commune(_)))
        .map(|&u| (u, evidence[&u]))
        .collect();
    for &outer in order.iter().filter(|u| !matches!(u, Unit::Commune(_))) {
        let gathered: f32 = communes
            .iter()
            .filter(|(c, e)| e.n_owner_cues == 0 && cog.unit_contains(outer, *c))
            .map(|(_, e)| e.weight)
            .sum();
        if let Some(e) = evidence.get_mut(&outer) {
            e.weight += SHARE_OF_MEMBERS * gathered;
        }
    }
    // Best weight; ties go to the unit named first.
    let mut best: Option<(Unit, Evidence)> = None;
    for &unit in &order {
        let e = evidence[&unit];
        if best.is_none_or(|(_, b)| e.weight > b.weight) {
            best = Some((unit, e));
        }
    }
    let (best_unit, best_evidence) = best?;
    if matches!(best_unit, Unit::Commune(_)) {
        return Some(best_unit);
    }
    // "Ville de Cornebarrieu" in a plan that also names Toulouse Métropole often: the
    // commune is what the document is about.
    let smaller = order
        .iter()
        .filter(|&&u| {
            u != best_unit && matches!(u, Unit::Commune(_)) && cog.unit_contains(best_unit, u)
        })
        .map(|&u| (u, evidence[&u]))
        .filter(|(_, e)| {
            e.n_owner_cues > 0 && e.weight >= SMALLER_UNIT_SHARE * best_evidence.weight
        })
        .max_by(|a, b| {
            a.1.weight
                .partial_cmp(&b.1.weight)
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    Some(smaller.map_or(best_unit, |(u, _)| u))
}

/// The character offset where the first `n_lines` non-empty lines end.
fn opening_end_char(text: &str, n_lines: usize) -> usize {
    let mut n_seen = 0;
    let mut offset = 0;
    for line in text.split('\n') {
        offset += line.chars().count() + 1;
        if !line.trim().is_empty() {
            n_seen += 1;
            if n_seen >= n_lines {
                break;
            }
        }
    }
    offset
}

/// Where a span sits: the passage holding it and its heading path.
fn provenance(doc: &Document, start: usize, end: usize) -> Provenance {
    let passage = doc
        .passages
        .iter()
        .find(|p| p.start <= start && start < p.end);
    let section = match passage {
        Some(p) => doc.heading_path_owned(p.section),
        None => section_path(doc, start),
    };
    Provenance {
        doc_id: doc.doc_id.clone(),
        passage: passage.map(|p| p.id),
        section,
        start,
        end,
    }
}

/// Headings of the sections enclosing `offset`, outermost first.
fn section_path(doc: &Document, offset: usize) -> Vec<String> {
    let innermost = doc
        .sections
        .iter()
        .filter(|s| s.start <= offset && offset < s.end)
        .max_by_key(|s| (s.depth, s.start));
    let mut path = Vec::new();
    let mut current = innermost;
    while let Some(section) = current {
        path.push(section.heading.clone());
        if path.len() > doc.sections.len() {
            break;
        }
        current = section.parent.and_then(|p| doc.sections.get(p));
    }
    path.reverse();
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TerritoryKind;

    #[test]
    fn a_commune_is_kept_by_its_epci_departement_and_region_and_regions_are_told_apart() {
        let cog = Cog::get();
        let cornebarrieu = cog.resolve("Cornebarrieu").unwrap();
        let keys = codes_containing(&cornebarrieu, cog);
        assert_eq!(keys[0], "31150");
        assert!(keys.contains(&"31".to_string()), "{keys:?}");
        assert!(keys.contains(&"region:76".to_string()), "{keys:?}");
        assert!(keys.iter().any(|k| k.len() == 9), "no EPCI in {keys:?}");
        // Seine-Maritime is département 76, not the région 76.
        let seine_maritime = cog.resolve("departement:76").unwrap();
        assert_eq!(key_of(&seine_maritime), "76");
        assert!(!keys.contains(&key_of(&seine_maritime)));
        let occitanie = cog.resolve("Occitanie").unwrap();
        assert_eq!(codes_containing(&occitanie, cog), ["region:76"]);
    }

    fn doc_from_text(doc_id: &str, text: &str) -> Document {
        let title = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
            .to_string();
        Document {
            doc_id: doc_id.to_string(),
            title,
            text: text.to_string(),
            ..Default::default()
        }
    }

    fn mentioned(text: &str) -> Vec<(String, String)> {
        find_mentions(&doc_from_text("test", text), Cog::get())
            .into_iter()
            .map(|m| (m.surface, m.territory.code))
            .collect()
    }

    fn pair(surface: &str, code: &str) -> (String, String) {
        (surface.to_string(), code.to_string())
    }

    #[test]
    fn the_longest_names_are_still_read_word_by_word() {
        // Seven words glued by hyphens, and one by spaces in a capitalised heading: the
        // scanner stops gluing only once no name starts with the key, never inside one.
        assert_eq!(
            mentioned("Une réunion à Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson (51)."),
            vec![pair(
                "Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson",
                "51513"
            )]
        );
        assert_eq!(
            mentioned("PARTENAIRES : Ville de Saint Remy en Bouzemont Saint Genest et Isson"),
            vec![pair(
                "Saint Remy en Bouzemont Saint Genest et Isson",
                "51513"
            )]
        );
        let cog = Cog::get();
        assert!(cog.may_start_a_longer_name("saintremy"));
        assert!(!cog.may_start_a_longer_name("parentalite"));
    }

    #[test]
    fn cue_words_make_ordinary_words_places() {
        assert_eq!(
            mentioned("Le projet politique de territoire porté par la ville de L'Union."),
            vec![pair("L'Union", "31561")]
        );
        assert_eq!(
            mentioned("la commune de Plan accueille"),
            vec![pair("Plan", "38308")]
        );
    }

    #[test]
    fn ordinary_words_alone_are_not_places() {
        assert!(mentioned("L'union fait la force.").is_empty());
        assert!(mentioned("l'union fait la force, un plan d'action, la Justice.").is_empty());
        assert!(mentioned("Plan d'action\nUn Plan ambitieux pour la Ville.").is_empty());
        assert!(mentioned("Mars 2022 : Contrat de Ville, Quartier Bastide").is_empty());
        assert!(mentioned("Y a-t-il eu des Vers ?").is_empty());
    }

    #[test]
    fn capitals_articles_and_buildings_are_not_places() {
        // All capitals: a capital letter says nothing.
        assert!(mentioned("MISE EN PLACE DANS LA VILLE, TOUT AU LONG DE L'ANNÉE").is_empty());
        // "L'OFFRE" is not the commune Loffre, "l'APS" not Laps.
        assert!(mentioned("L'OFFRE DE SOINS et l'APS").is_empty());
        // A feast, a school, a street.
        assert!(mentioned("le feu de la Saint Jean").is_empty());
        assert!(mentioned("l'école Saint-Exupéry, rue de Cornebarrieu").is_empty());
        // Title case, a quarter's name, a département that is also a word.
        assert!(mentioned("Mise en Place du Plan").is_empty());
        assert!(mentioned("le quartier Saint-Jacques").is_empty());
        assert!(mentioned("une Réunion de travail au Nord du parc").is_empty());
        // A derived intercommunality name in capitals ("CC des Savoir-Faire").
        assert!(mentioned("VALORISER LES SAVOIR-FAIRE").is_empty());
    }

    #[test]
    fn small_communes_far_from_the_rest_are_dropped() {
        let text = "Ville de Cornebarrieu, Ville de Cornebarrieu, Blagnac, Toulouse Métropole, \
                    la Haute-Garonne. Les Ambrits et Saint-Exupéry.";
        let codes: Vec<String> = mentioned(text).into_iter().map(|(_, c)| c).collect();
        assert!(codes.contains(&"31150".to_string()) && codes.contains(&"31069".to_string()));
        assert!(!codes.contains(&"33398".to_string()), "{codes:?}");
    }

    #[test]
    fn names_inside_longer_proper_names_are_not_places() {
        assert!(mentioned("par Christine Barret-Labre").is_empty());
        assert!(mentioned("le collège Bois-de-la-Barthe").is_empty());
        assert!(mentioned("au Nord-Ouest de la ville").is_empty());
    }

    #[test]
    fn finds_communes_epci_and_departements_in_sentences() {
        assert_eq!(
            mentioned("Des permanences de la Mission Locale de Blagnac sur la ville"),
            vec![pair("Blagnac", "31069")]
        );
        assert_eq!(
            mentioned("FICHES ACTIONS CONTRAT DE VILLE D'ALES AGGLOMERATION"),
            vec![pair("ALES AGGLOMERATION", "200066918")]
        );
        assert_eq!(
            mentioned("un dispositif porté par Toulouse Métropole et la Métropole de Toulouse"),
            vec![
                pair("Toulouse Métropole", "243100518"),
                pair("Toulouse", "243100518")
            ]
        );
        assert_eq!(
            mentioned("l'offre disponible dans le Val-d'Oise, département récemment audité"),
            vec![pair("Val-d'Oise", "95")]
        );
        assert_eq!(
            mentioned("a réuni à Cergy différents partenaires"),
            vec![pair("Cergy", "95127")]
        );
    }

    #[test]
    fn departements_that_are_words_need_a_cue() {
        assert_eq!(
            mentioned("la CAF du Nord et le département du Lot, en Somme"),
            vec![pair("Nord", "59"), pair("Lot", "46"), pair("Somme", "80")]
        );
        assert_eq!(mentioned("à Paris"), vec![pair("Paris", "75056")]);
    }

    #[test]
    fn postal_codes_and_brackets_choose_among_homonyms() {
        // Vers: 74296 (Haute-Savoie) is the more populated, 71572 is in Saône-et-Loire.
        assert_eq!(
            mentioned("la commune de Vers (71)"),
            vec![pair("Vers", "71572")]
        );
        assert_eq!(mentioned("Mairie, 71240 Vers"), vec![pair("Vers", "71572")]);
        assert_eq!(mentioned("la commune de Vers"), vec![pair("Vers", "74296")]);
    }

    #[test]
    fn repetition_of_a_cued_place_counts() {
        let found = mentioned("La ville de L'Union signe. L'Union est partenaire.");
        assert_eq!(
            found,
            vec![pair("L'Union", "31561"), pair("L'Union", "31561")]
        );
    }

    #[test]
    fn mentions_carry_character_offsets() {
        let text = "Écoles élémentaires à Anduze";
        let doc = doc_from_text("d", text);
        let mentions = find_mentions(&doc, Cog::get());
        assert_eq!(mentions.len(), 1);
        let p = &mentions[0].provenance;
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(chars[p.start..p.end].iter().collect::<String>(), "Anduze");
        assert_eq!(p.doc_id, "d");
    }

    #[test]
    fn places_in_organisation_names() {
        let cog = Cog::get();
        let code = |name: &str| place_in_name(name, cog).map(|t| t.code);
        assert_eq!(code("Mission Locale de Blagnac"), Some("31069".to_string()));
        assert_eq!(code("Mission Locale Haute-Garonne"), Some("31".to_string()));
        assert_eq!(code("Mission Locale Blagnac"), Some("31069".to_string()));
        assert_eq!(code("Toulouse Métropole"), Some("243100518".to_string()));
        assert_eq!(code("CCAS de Cornebarrieu"), Some("31150".to_string()));
        assert_eq!(code("Mission Locale"), None);
        assert_eq!(code("Maison de la Justice et du Droit"), None);
        assert_eq!(code(""), None);
    }

    #[test]
    fn no_panic_on_odd_text() {
        let cog = Cog::get();
        for text in [
            "",
            "\u{0}",
            "’’’",
            "L'",
            "à",
            "-Cergy-",
            "(",
            "Vers (",
            "31700",
            "é\u{301}",
        ] {
            let doc = doc_from_text("odd", text);
            let _ = find_mentions(&doc, cog);
            let _ = document_territory(&doc, cog);
            let _ = place_in_name(text, cog);
        }
    }

    fn territory_of_text(text: &str) -> Option<String> {
        document_territory(&doc_from_text("t", text), Cog::get()).map(|t| t.code)
    }

    #[test]
    fn document_territory_weighs_title_owner_cues_and_members() {
        // The commune its council speaks for, even with its metropolis named more often.
        let plan = "Projet éducatif\nPilote : Ville de Cornebarrieu\n\
                    Toulouse Métropole finance. Toulouse Métropole anime. Toulouse Métropole.";
        assert_eq!(territory_of_text(plan).as_deref(), Some("31150"));
        // An intercommunality whose member communes are listed.
        let contrat = "Contrat de ville d'Alès Agglomération\n\
                       Quartiers prioritaires à Alès, Anduze, Salindres et La Grand-Combe.";
        assert_eq!(territory_of_text(contrat).as_deref(), Some("200066918"));
        // Nothing named, nothing chosen; a region is never the answer.
        assert_eq!(territory_of_text("Plan d'action de la Convention"), None);
        assert_eq!(territory_of_text("la Direccte Ile-de-France"), None);
    }

    #[test]
    fn cue_words_work_for_towns_outside_the_corpus() {
        assert_eq!(
            mentioned(
                "Convention territoriale globale entre la CAF du Nord et la ville de Roubaix"
            ),
            vec![pair("Nord", "59"), pair("Roubaix", "59512")]
        );
        assert_eq!(
            mentioned("la Communauté de communes du Pays de Mormal"),
            vec![pair("Pays de Mormal", "200043321")]
        );
        assert_eq!(
            mentioned("le quartier Saint-Jacques de Perpignan, à Paris et au Mans"),
            vec![
                pair("Perpignan", "66136"),
                pair("Paris", "75056"),
                pair("Mans", "72181")
            ]
        );
        assert!(mentioned("Direction Générale, Marie Dupont, Florence Martin").is_empty());
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_text(text in "\\PC{0,80}", name in "[A-Za-zÀ-ÿ'’ -]{0,30}") {
            let cog = Cog::get();
            let doc = doc_from_text("prop", &text);
            for m in find_mentions(&doc, cog) {
                proptest::prop_assert!(m.provenance.start < m.provenance.end);
                proptest::prop_assert!(m.provenance.end <= text.chars().count());
            }
            let _ = document_territory(&doc, cog);
            let _ = place_in_name(&name, cog);
            let _ = cog.resolve(&name);
        }
    }

    fn corpus_territory(file: &str) -> Option<Territory> {
        let path = format!("{}/corpus/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(!text.is_empty(), "cannot read {path}");
        let doc = doc_from_text(file, &text);
        let started = std::time::Instant::now();
        let territory = document_territory(&doc, Cog::get());
        println!("{file}: {territory:?} in {:?}", started.elapsed());
        territory
    }

    fn is(territory: Option<Territory>, code: &str, kind: TerritoryKind) -> bool {
        territory.is_some_and(|t| t.code == code && t.kind == kind)
    }

    #[test]
    fn corpus_fiche_of_cergy() {
        assert!(is(
            corpus_territory("000_399e86bc45b017b4.txt"),
            "95127",
            TerritoryKind::Commune
        ));
    }

    #[test]
    fn corpus_ctg_of_cornebarrieu() {
        assert!(is(
            corpus_territory("001_f1af12ce620947bd.txt"),
            "31150",
            TerritoryKind::Commune
        ));
    }

    #[test]
    fn corpus_article_on_val_d_oise() {
        assert!(is(
            corpus_territory("002_3bfbff5f5364b1b9.txt"),
            "95",
            TerritoryKind::Departement
        ));
    }

    #[test]
    fn corpus_contrat_de_ville_of_ales_agglomeration() {
        assert!(is(
            corpus_territory("003_864e71f6e14458d9.txt"),
            "200066918",
            TerritoryKind::Epci
        ));
    }

    #[test]
    fn corpus_council_presentation_of_l_union() {
        assert!(is(
            corpus_territory("004_5393f7e667cdb102.txt"),
            "31561",
            TerritoryKind::Commune
        ));
    }
}
/// Prints every mention found in the shipped corpus, to review precision by eye:
/// `cargo test --lib extract::territory::corpus_review -- --ignored --nocapture`.
#[cfg(test)]
mod corpus_review {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    #[ignore]
    fn print_corpus_mentions() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("corpus folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        paths.sort();
        assert!(!paths.is_empty());
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let title = text
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("");
            let doc = Document {
                doc_id: path.display().to_string(),
                title: title.to_string(),
                text: text.clone(),
                ..Default::default()
            };
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for m in find_mentions(&doc, Cog::get()) {
                let t = &m.territory;
                let line = format!(
                    "{} -> {} {} ({})",
                    m.surface,
                    t.name,
                    t.code,
                    t.kind.as_str()
                );
                *counts.entry(line).or_default() += 1;
            }
            let territory = document_territory(&doc, Cog::get());
            println!("== {} => {territory:?}", doc.doc_id);
            for (line, n) in counts {
                println!("   {n} x {line}");
            }
            assert!(territory.is_some(), "{}", doc.doc_id);
        }
    }
}
