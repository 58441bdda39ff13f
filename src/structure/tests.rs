//! Tests of structure recovery, on small French plans and on the shipped corpus.

use super::passages::MAX_PASSAGE_CHARS;
use super::*;
use crate::ingest::clean;
use crate::DocKind;

fn corpus(prefix: &str) -> Option<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let entry = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with(prefix))?;
    let bytes = std::fs::read(entry.path()).ok()?;
    let raw = crate::ingest::decode(&bytes).ok()?;
    let id = entry.path().file_stem()?.to_string_lossy().into_owned();
    Some((id, clean(&raw, false)))
}

/// A passage as a reader sees it: its text and heading path spelled out.
#[derive(Debug, Clone)]
struct Shown {
    field: Option<String>,
    text: String,
    heading_path: Vec<String>,
}

fn shown(doc: &Document) -> Vec<Shown> {
    doc.passages
        .iter()
        .map(|p| Shown {
            field: p.field.clone(),
            text: doc.passage_text(p).to_string(),
            heading_path: doc.heading_path_owned(p.section),
        })
        .collect()
}

fn char_slice(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

fn assert_offsets_consistent(doc: &Document) {
    let n_chars = doc.text.chars().count();
    for (i, p) in doc.passages.iter().enumerate() {
        assert_eq!(p.id, i);
        assert!(
            p.start < p.end && p.end <= n_chars,
            "passage {i} out of bounds"
        );
        assert_eq!(
            char_slice(&doc.text, p.start, p.end),
            doc.passage_text(p),
            "passage {i} text is not its slice"
        );
        assert!(!doc.passage_text(p).trim().is_empty());
        if let Some(s) = p.section {
            assert!(s < doc.sections.len());
        }
    }
    for (i, s) in doc.sections.iter().enumerate() {
        assert_eq!(s.id, i);
        assert!(
            s.start <= s.end && s.end <= n_chars,
            "section {i} out of bounds"
        );
        if let Some(parent) = s.parent {
            assert!(parent < i, "a parent comes before its child");
            assert_eq!(s.depth, doc.sections[parent].depth + 1);
        }
    }
    for w in doc.passages.windows(2) {
        assert!(w[0].start <= w[1].start, "passages in document order");
    }
}

fn passage_with(doc: &Document, field: &str, needle: &str) -> Option<Shown> {
    shown(doc)
        .into_iter()
        .find(|p| p.field.as_deref() == Some(field) && p.text.contains(needle))
}

const FICHE_PLAN: &str = "Convention Territoriale Globale\n\nPlan d'action\n\nMars 2022\n\n\
Axe 1 : Grandir sur la ville\n\n- Objectif 1 : Prévenir les fragilités\n\n\
Axe 2 : Accompagner les familles et la parentalité\n\n- Objectif 6 : Accompagner les familles dans leur parentalité\n\n\
Axe 1 : Grandir sur la ville\n\nEnfance - Synthèse des enjeux identifiés\n\n\
Objectif 6 : Accompagner les familles dans leur parentalité\n\nAXE : ACCOMPAGNEMENT DES FAMILLES\n\n\
ACTION : RENFORCER LES ACTIONS DE PARENTALITÉ PORTÉES PAR UN RÉSEAU DE PARTENAIRES\n\n\
ÉLÉMENTS DE DIAGNOSTIC\n\n- Un Lieu d'accueil enfants parents (LAEP) ayant ouvert en février 2020\n\n\
AXE : ACCOMPAGNEMENT DES FAMILLES\n\nACTION : RENFORCER LES ACTIONS DE PARENTALITÉ PORTÉES PAR UN RÉSEAU DE PARTENAIRES\n\n\
PILOTES\nVille – Elus\n\nPARTENAIRES\nCAF, PMI / ASE\n";

#[test]
fn fiche_hangs_under_its_summary_axe_and_objectif() {
    let doc = parse("plan", &clean(FICHE_PLAN, false));
    assert_offsets_consistent(&doc);
    let expected = vec![
        "Axe 2 : Accompagner les familles et la parentalité".to_string(),
        "Objectif 6 : Accompagner les familles dans leur parentalité".to_string(),
        "ACTION : RENFORCER LES ACTIONS DE PARENTALITÉ PORTÉES PAR UN RÉSEAU DE PARTENAIRES"
            .to_string(),
    ];
    let diagnostic =
        passage_with(&doc, "ÉLÉMENTS DE DIAGNOSTIC", "LAEP").expect("diagnostic passage");
    assert_eq!(diagnostic.heading_path, expected);
    let partners = passage_with(&doc, "PARTENAIRES", "CAF").expect("partners passage");
    assert_eq!(partners.text, "CAF, PMI / ASE");
    assert_eq!(
        partners.heading_path, expected,
        "the repeated page header continues the same action"
    );
    let actions = doc
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Action)
        .count();
    assert_eq!(actions, 1);
    let theme = passage_with(&doc, "AXE", "ACCOMPAGNEMENT DES FAMILLES").expect("fiche theme");
    assert_eq!(
        theme.heading_path, expected,
        "the theme belongs to the fiche it heads"
    );
    assert_eq!(doc.title, "Convention Territoriale Globale — Plan d'action");
    assert_eq!(doc.kind, Some(DocKind::Ctg));
    assert_eq!(doc.year, Some(2022));
}

#[test]
fn glued_bold_headings_give_action_and_field() {
    let raw = "Objectif 4 : Aller à la rencontre des jeunes\n\nAXE : JEUNESSE**ACTION : RENFORCER LES ACTIONS D'ALLER VERS****ELÉMENTS DE DIAGNOSTIC**\n\n- Des actions de passerelle entre les ALAE et le PAJ\n";
    let doc = parse("glue", &clean(raw, false));
    let passage =
        passage_with(&doc, "ÉLÉMENTS DE DIAGNOSTIC", "passerelle").expect("field passage");
    assert_eq!(
        passage.heading_path.last().map(String::as_str),
        Some("ACTION : RENFORCER LES ACTIONS D'ALLER VERS")
    );
}

#[test]
fn tab_fields_and_roman_parts() {
    let raw = "Coordination territoriale linguistique de Cergy\n\nI - IDENTITÉ\t\nStatut\tmunicipal\nDate de création\tseptembre 2016\n\nV - SPÉCIFICITÉS\nBesoins\tFinanciers. Subventions aux associations.\n\tHumains : 1 poste pour l'aide au pilotage.\n";
    let doc = parse("cergy", &clean(raw, false));
    assert_offsets_consistent(&doc);
    let status = passage_with(&doc, "STATUT", "municipal").expect("statut");
    assert_eq!(status.text, "municipal");
    assert_eq!(status.heading_path, vec!["I - IDENTITÉ".to_string()]);
    let needs = passage_with(&doc, "BESOINS", "Humains").expect("continuation row keeps the label");
    assert_eq!(needs.heading_path, vec!["V - SPÉCIFICITÉS".to_string()]);
    assert_eq!(doc.kind, Some(DocKind::FicheCoordination));
    assert_eq!(doc.year, Some(2016));
}

#[test]
fn a_label_cell_that_also_holds_a_value_gives_the_label_and_the_value() {
    // A PDF layout may draw the field label and the first column's text in one cell.
    let raw = "1.2. DEVELOPPER LA SOLIDARITE\n\n\
OBJECTIF OPERATIONNEL\t1.2.1. FAVORISER LES LIENS\t1.2.5. TRAVAILLER SUR LA PARENTALITE\n\
CAHIER DES CHARGES • L'opérateur recherche des thèmes fédérateurs • Il anime\tL'opérateur soutient les parents\n";
    let doc = parse("ville", &clean(raw, false));
    assert_offsets_consistent(&doc);
    let first = passage_with(&doc, "CAHIER DES CHARGES", "fédérateurs").expect("first value");
    assert!(!first.text.starts_with("CAHIER"), "{}", first.text);
    assert_eq!(
        first.heading_path.last().map(String::as_str),
        Some("1.2.1. FAVORISER LES LIENS")
    );
    // Which column the next cells belong to is lost with the cell that was merged;
    // they stay values of the field.
    passage_with(&doc, "CAHIER DES CHARGES", "soutient").expect("second value");
    assert!(doc
        .passages
        .iter()
        .all(|p| p.field.as_deref().is_none_or(|f| f.len() < 40)));
}

#[test]
fn column_table_cells_belong_to_their_column_objective() {
    let raw = "1. COHESION SOCIALE\n\n1.2. DEVELOPPER LA SOLIDARITE ET CREER DU LIEN\n\n\
OBJECTIF OPERATIONNEL\t1.2.1. FAVORISER LES LIENS INTERGENERATIONNELS\t1.2.5. TRAVAILLER SUR LA PARENTALITE\n\
ORIENTATIONS\t<p>1.2.1.a. Organiser des espaces pour « faire » ensemble</p>\t<p>1.2.5.a. Accompagner les parents dans leurs fonctions parentales</p> <p>1.2.5.b. Initier une réflexion</p>\n\
CAHIER DES CHARGES\t<ul><li>L'opérateur recherche des thèmes fédérateurs</li></ul>\t<ul><li>L'opérateur soutient les parents</li></ul>\n\
\t\t<ul><li>Nombre de familles</li></ul>\n";
    let doc = parse("ales", &clean(raw, false));
    assert_offsets_consistent(&doc);
    let orientation = passage_with(&doc, "ORIENTATIONS", "1.2.5.a").expect("orientation cell");
    assert_eq!(
        orientation.heading_path,
        vec![
            "1. COHESION SOCIALE".to_string(),
            "1.2. DEVELOPPER LA SOLIDARITE ET CREER DU LIEN".to_string(),
            "1.2.5. TRAVAILLER SUR LA PARENTALITE".to_string()
        ]
    );
    assert!(orientation.text.contains("1.2.5.b. Initier une réflexion"));
    let spec = passage_with(&doc, "CAHIER DES CHARGES", "soutient les parents").expect("spec cell");
    assert_eq!(
        spec.heading_path.last().map(String::as_str),
        Some("1.2.5. TRAVAILLER SUR LA PARENTALITE")
    );
    let first_column =
        passage_with(&doc, "CAHIER DES CHARGES", "fédérateurs").expect("first column");
    assert_eq!(
        first_column.heading_path.last().map(String::as_str),
        Some("1.2.1. FAVORISER LES LIENS INTERGENERATIONNELS")
    );
    let continued =
        passage_with(&doc, "CAHIER DES CHARGES", "Nombre de familles").expect("continuation row");
    assert_eq!(
        continued.heading_path.last().map(String::as_str),
        Some("1.2.5. TRAVAILLER SUR LA PARENTALITE")
    );
}

#[test]
fn hierarchical_table_with_empty_cells_means_same_as_above() {
    let raw = "| Axe 1 : Grandir | Objectif 1 : Prévenir les fragilités | Action 1 : Poursuivre le bien-être |\n| | | Action 2 : Réfléchir au soutien scolaire |\n| | Objectif 2 : Favoriser l'ouverture | Action 4 : Renforcer l'ouverture |\n";
    let doc = parse("arbo", &clean(raw, false));
    assert_offsets_consistent(&doc);
    let action2 = shown(&doc)
        .into_iter()
        .find(|p| p.text.starts_with("Action 2"))
        .expect("action 2");
    assert_eq!(
        action2.heading_path,
        vec![
            "Axe 1 : Grandir",
            "Objectif 1 : Prévenir les fragilités",
            "Action 2 : Réfléchir au soutien scolaire"
        ]
    );
    let action4 = shown(&doc)
        .into_iter()
        .find(|p| p.text.starts_with("Action 4"))
        .expect("action 4");
    assert_eq!(
        action4.heading_path[1],
        "Objectif 2 : Favoriser l'ouverture"
    );
}

/// An action plan kept as a table (a workbook, a plan's summary): a header of levels
/// and fields, then a row per action, the levels repeated or left empty below.
const ACTION_TABLE: &str = "Convention territoriale globale 2023-2027 — Ville de Blagnac\n\n\
Axe\tObjectifs opérationnels\tAction\tPilote\tPartenaires\tÉchéance\tQuartiers\n\
Axe 1 : Petite enfance\tDévelopper l'offre d'accueil\tCréer une crèche de 40 places\tVille\tCAF, PMI\t01/09/2024\tCentre\n\
Axe 1 : Petite enfance\tDévelopper l'offre d'accueil\tOuvrir un LAEP itinérant\tCCAS\tCAF, centre social\t2025\tTous\n\
\t\t\t\tassociations de parents\t\n\
Axe 2 : Jeunesse\tAccompagner la scolarité\tÉtendre le CLAS aux collégiens\tVille\tÉducation nationale\t2023\tRessaisons\n\n\
Statut\tmunicipal\n";

#[test]
fn an_action_table_gives_a_section_per_level_and_fields_per_action() {
    let doc = parse("blagnac", &clean(ACTION_TABLE, false));
    assert_offsets_consistent(&doc);
    let headings: Vec<(SectionKind, &str)> = doc
        .sections
        .iter()
        .map(|s| (s.kind, s.heading.as_str()))
        .collect();
    // The levels repeated on the rows of their actions open each section once.
    assert_eq!(
        headings,
        vec![
            (SectionKind::Axe, "Axe 1 : Petite enfance"),
            (SectionKind::Objectif, "Développer l'offre d'accueil"),
            (SectionKind::Action, "Créer une crèche de 40 places"),
            (SectionKind::Action, "Ouvrir un LAEP itinérant"),
            (SectionKind::Axe, "Axe 2 : Jeunesse"),
            (SectionKind::Objectif, "Accompagner la scolarité"),
            (SectionKind::Action, "Étendre le CLAS aux collégiens"),
        ]
    );
    let partners = passage_with(&doc, "PARTENAIRES", "centre social").expect("partners");
    assert_eq!(
        partners.heading_path,
        vec![
            "Axe 1 : Petite enfance",
            "Développer l'offre d'accueil",
            "Ouvrir un LAEP itinérant"
        ]
    );
    // A row whose levels are empty goes on with the action above.
    let more = passage_with(&doc, "PARTENAIRES", "associations de parents").expect("more");
    assert_eq!(more.heading_path, partners.heading_path);
    assert!(passage_with(&doc, "PILOTES", "CCAS").is_some());
    assert!(passage_with(&doc, "CALENDRIER", "01/09/2024").is_some());
    // A column named by no label keeps its header as its field.
    assert!(passage_with(&doc, "QUARTIERS", "Ressaisons").is_some());
    // The header is no passage, and the table ends with its rows.
    assert!(shown(&doc)
        .iter()
        .all(|p| !p.text.contains("Objectifs opérationnels")));
    assert!(passage_with(&doc, "STATUT", "municipal").is_some());
}

#[test]
fn without_an_action_column_the_finest_level_holds_the_actions() {
    let table = "Axe\tObjectif\tPilote\tPartenaires\n\
                 Axe 1 : Jeunesse\tAccompagner les jeunes vers l'emploi\tService jeunesse\tMission Locale\n";
    let doc = parse("objectifs", &clean(table, false));
    let kinds: Vec<(SectionKind, &str)> = doc
        .sections
        .iter()
        .map(|s| (s.kind, s.heading.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (SectionKind::Axe, "Axe 1 : Jeunesse"),
            (SectionKind::Action, "Accompagner les jeunes vers l'emploi"),
        ]
    );
    assert!(passage_with(&doc, "PARTENAIRES", "Mission Locale").is_some());
}

#[test]
fn a_header_of_levels_alone_or_of_prose_is_no_action_table() {
    // Levels without fields: the hierarchical table's rules read it.
    let levels =
        "Axe\tObjectif\tAction\nAxe 1 : Grandir\tObjectif 1 : Prévenir\tAction 1 : Écouter\n";
    let doc = parse("niveaux", &clean(levels, false));
    assert!(doc
        .passages
        .iter()
        .any(|p| doc.passage_text(p) == "Axe\tObjectif\tAction"));
    // Sentences in the first row: a table of text, not a header.
    let prose = "Les actions menées\tLes pilotes de chaque action\tLes partenaires associés au projet\nCafé des parents\tVille\tCAF\n";
    let doc = parse("prose", &clean(prose, false));
    assert!(doc.sections.iter().all(|s| s.kind != SectionKind::Action));
}

#[test]
fn long_blocks_are_split_keeping_path_and_field() {
    let item = "- Une action de soutien à la parentalité portée par le centre social et la CAF auprès des familles du quartier.\n";
    let raw = format!(
        "Objectif 1 : Soutenir les familles\n\nMODALITÉS DE MISE EN ŒUVRE\n{}",
        item.repeat(20)
    );
    let doc = parse("long", &clean(&raw, false));
    assert_offsets_consistent(&doc);
    let pieces: Vec<Shown> = shown(&doc)
        .into_iter()
        .filter(|p| p.field.is_some())
        .collect();
    assert!(pieces.len() >= 3, "a 2,000-char list is split");
    for p in &pieces {
        assert!(p.text.chars().count() <= MAX_PASSAGE_CHARS);
        assert!(
            p.text.starts_with("- Une action"),
            "split on item boundaries: {:?}",
            p.text
        );
        assert_eq!(
            p.field.as_deref(),
            Some("MODALITÉS DE MISE EN ŒUVRE / ÉTAPES DE TRAVAIL")
        );
        assert_eq!(
            p.heading_path,
            vec!["Objectif 1 : Soutenir les familles".to_string()]
        );
    }
}

#[test]
fn enjeu_number_takes_its_title_from_the_next_line() {
    let raw = "Conseil municipal\n08 décembre 2021\n\nEnjeu n°2\n\nLa visibilité et la structuration de l'offre\n\n2 orientations\n\n1. Identifier des lieux d'information\n\n2. S'appuyer sur le travail en réseau\n";
    let doc = parse("cm", &clean(raw, false));
    assert_offsets_consistent(&doc);
    let enjeu = doc
        .sections
        .iter()
        .find(|s| s.kind == SectionKind::Enjeu)
        .expect("enjeu");
    assert_eq!(
        enjeu.heading,
        "Enjeu n°2 : La visibilité et la structuration de l'offre"
    );
    let second = doc
        .sections
        .iter()
        .find(|s| s.heading.starts_with("2. S'appuyer"))
        .expect("orientation");
    assert_eq!(
        second.parent,
        Some(enjeu.id),
        "numbered items float under the enjeu, as siblings"
    );
    assert_eq!(doc.kind, Some(DocKind::ConseilMunicipal));
    assert_eq!(doc.year, Some(2021));
}

#[test]
fn empty_and_flat_texts_do_not_fail() {
    let doc = parse("vide", "");
    assert!(doc.passages.is_empty() && doc.sections.is_empty());
    assert_eq!(doc.title, "vide");
    let doc = parse("plat", "Une phrase simple sur l'accueil des enfants.");
    assert_eq!(doc.passages.len(), 1);
    assert_eq!(doc.passages[0].section, None);
    assert!(doc.heading_path(doc.passages[0].section).is_empty());
}

#[test]
fn corpus_cornebarrieu_parentalite_partners() {
    let Some((id, text)) = corpus("001_") else {
        return;
    };
    let doc = parse(&id, &text);
    assert_offsets_consistent(&doc);
    let partners: Vec<Shown> = shown(&doc)
        .into_iter()
        .filter(|p| {
            p.field.as_deref() == Some("PARTENAIRES")
                && p.heading_path
                    .last()
                    .is_some_and(|h| h.contains("RENFORCER LES ACTIONS DE PARENTALITÉ"))
        })
        .collect();
    assert!(!partners.is_empty(), "PARTENAIRES of the parentalité fiche");
    assert!(partners
        .iter()
        .any(|p| p.text.contains("Marcher à 4 pattes")));
    assert_eq!(
        partners[0].heading_path,
        vec![
            "Axe 2 : Accompagner les familles et la parentalité".to_string(),
            "Objectif 6 : Accompagner les familles dans leur parentalité".to_string(),
            "ACTION : RENFORCER LES ACTIONS DE PARENTALITÉ PORTÉES PAR UN RÉSEAU DE PARTENAIRES"
                .to_string(),
        ]
    );
    let diagnostic = passage_with(
        &doc,
        "ÉLÉMENTS DE DIAGNOSTIC",
        "Un Lieu d'accueil enfants parents (LAEP)",
    )
    .expect("LAEP");
    assert_eq!(diagnostic.heading_path, partners[0].heading_path);
    assert_eq!(doc.kind, Some(DocKind::Ctg));
    assert_eq!(doc.year, Some(2022));
}

#[test]
fn corpus_documents_parse_with_sane_passages() {
    let mut lengths = Vec::new();
    for prefix in ["000_", "001_", "002_", "003_", "004_"] {
        let Some((id, text)) = corpus(prefix) else {
            continue;
        };
        let doc = parse(&id, &text);
        assert_offsets_consistent(&doc);
        assert!(!doc.passages.is_empty());
        assert!(
            !doc.title.is_empty() && doc.title != id,
            "{id} has a content title"
        );
        lengths.extend(shown(&doc).iter().map(|p| p.text.chars().count()));
        if std::env::var_os("MAILLAGE_DUMP").is_some() {
            eprintln!(
                "== {id} | {} | {:?} | {:?} | {} sections | {} passages",
                doc.title,
                doc.kind,
                doc.year,
                doc.sections.len(),
                doc.passages.len()
            );
            for (id, p) in shown(&doc).iter().enumerate() {
                let preview: String = p.text.chars().take(90).collect();
                eprintln!(
                    "  [{}] {:?} {} :: {}",
                    id,
                    p.field,
                    p.heading_path.join(" > "),
                    preview.replace('\n', "⏎")
                );
            }
        }
    }
    if lengths.is_empty() {
        return;
    }
    lengths.sort_unstable();
    eprintln!(
        "longest passages: {:?}",
        &lengths[lengths.len().saturating_sub(5)..]
    );
    let median = lengths[lengths.len() / 2];
    eprintln!(
        "median passage length on the corpus: {median} chars over {} passages",
        lengths.len()
    );
    assert!(median < 600, "median passage length {median}");
    assert!(lengths.iter().all(|&l| l <= MAX_PASSAGE_CHARS));
}

#[test]
fn corpus_alès_column_objective() {
    let Some((id, text)) = corpus("003_") else {
        return;
    };
    let doc = parse(&id, &text);
    assert_eq!(doc.kind, Some(DocKind::ContratDeVille));
    assert_eq!(doc.year, Some(2015));
    assert_eq!(
        doc.title,
        "FICHES ACTIONS CONTRAT DE VILLE D'ALES AGGLOMERATION"
    );
    let cell = shown(&doc)
        .into_iter()
        .find(|p| p.field.as_deref() == Some("ORIENTATIONS") && p.text.contains("1.2.5.a."))
        .expect("orientations of 1.2.5");
    assert_eq!(
        cell.heading_path.last().map(String::as_str),
        Some("1.2.5. TRAVAILLER SUR LA PARENTALITE")
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn parse_of_clean_never_panics_and_offsets_are_in_bounds(
            raw in proptest::collection::vec(
                prop_oneof![
                    Just("Axe 1 : Grandir\n".to_string()),
                    Just("- Objectif 2 : Prévenir\n".to_string()),
                    Just("ACTION : AGIR**ÉLÉMENTS**".to_string()),
                    Just("PILOTES\n".to_string()),
                    Just("OBJECTIF OPERATIONNEL\t1.2.1. A\t1.2.2. B\n".to_string()),
                    Just("ORIENTATIONS\t<p>x</p>\t<p>é</p>\n".to_string()),
                    Just("| a | b |\n|--|--|\n".to_string()),
                    Just("\t\t".to_string()),
                    Just("•".to_string()),
                    "\\PC{0,40}",
                    "[ \t\n•éœ’a-z<>p/*|:0-9.]{0,30}",
                ],
                0..12,
            )
        ) {
            let raw: String = raw.concat();
            let text = clean(&raw, false);
            let doc = parse("prop", &text);
            let n_chars = doc.text.chars().count();
            for p in &doc.passages {
                prop_assert!(p.start < p.end && p.end <= n_chars);
                prop_assert_eq!(char_slice(&doc.text, p.start, p.end), doc.passage_text(p));
            }
            for s in &doc.sections {
                prop_assert!(s.start <= s.end && s.end <= n_chars);
            }
            let html = clean(&raw, true);
            let _ = parse("prop-html", &html);
        }
    }
}

#[test]
fn a_field_value_in_several_short_paragraphs_is_one_passage() {
    // A table cell flattened to paragraphs by a word processor export.
    let raw = "3.1.2. AMELIORER LA LISIBILITE DES OFFRES D'EMPLOI\n\nCAHIER DES CHARGES\n\n\
- L'opérateur assure la coordination avec Pôle emploi, la Mission Locale et la MDE\n\
- Il met en place des actions d'accompagnement\n\n\
LES ACTIONS DEVRONT ETRE VALIDEES PAR LES OPERATEURS (POLE EMPLOI, MISSION LOCALE)\n\n\
EVALUATION INDICATEURS\n\n- Nombre d'entreprises impliquées\n\n- Nombre de stages\n";
    let doc = parse("cdv", &clean(raw, false));
    assert_offsets_consistent(&doc);
    let value = passage_with(&doc, "CAHIER DES CHARGES", "Mission Locale").expect("value");
    assert!(
        value.text.contains("VALIDEES PAR LES OPERATEURS"),
        "{value:?}"
    );
    let count = |field: &str| {
        shown(&doc)
            .iter()
            .filter(|p| p.field.as_deref() == Some(field))
            .count()
    };
    assert_eq!(count("CAHIER DES CHARGES"), 1);
    assert_eq!(
        count("EVALUATION INDICATEURS"),
        1,
        "the next field starts anew"
    );
}

#[test]
fn a_field_value_too_long_for_one_passage_stays_in_several() {
    let long =
        "Le porteur accompagne les familles vers les dispositifs de droit commun. ".repeat(6);
    let raw = format!("PARTENAIRES\n\n{long}\n\n{long}\n");
    let doc = parse("long", &clean(&raw, false));
    let values: Vec<_> = shown(&doc)
        .into_iter()
        .filter(|p| p.field.as_deref() == Some("PARTENAIRES"))
        .collect();
    assert_eq!(values.len(), 2, "{values:?}");
    assert!(values
        .iter()
        .all(|p| p.text.chars().count() <= MAX_PASSAGE_CHARS));
}

#[test]
fn a_dotted_objectif_number_outweighs_a_misread_summary() {
    // The summary table flattened to paragraphs: 3.1.4 seems listed under pilier 4.
    let raw = "TABLEAU RECAPITULATIF\n\nPILIER N°3 : DEVELOPPEMENT ECONOMIQUE\n\n\
3.1.1 Mettre en réseau les acteurs de l'emploi\n\n\
PILIER N°4 : VALEURS DE LA REPUBLIQUE\n\n\
3.1.4 Prolonger la dynamique des clauses d'insertion\n\n\
4.1.1 Communiquer sur les instances de la République\n\n\
PILIER N°3 : DEVELOPPEMENT ECONOMIQUE\n\n\
3.1.4. PROLONGER LA DYNAMIQUE DES CLAUSES D'INSERTION\n\n\
PILOTES\n\nAlès Agglomération\n";
    let doc = parse("cdv", &clean(raw, false));
    let pilotes = passage_with(&doc, "PILOTES", "Alès").expect("pilotes");
    assert!(
        pilotes.heading_path[0].starts_with("PILIER N°3"),
        "{:?}",
        pilotes.heading_path
    );
}
