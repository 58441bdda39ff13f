//! Tests of the public API: documents built from French text, one passage per
//! non-empty line, as the structure stage would give them.

use super::*;
use crate::{Passage, Section, SectionKind};

/// A document with one passage per non-empty line (character offsets).
fn document(doc_id: &str, text: &str) -> Document {
    let mut passages: Vec<Passage> = Vec::new();
    let mut sections: Vec<Section> = Vec::new();
    let (mut char_offset, mut byte_offset) = (0, 0);
    for line in text.split('\n') {
        let n_chars = line.chars().count();
        if !line.trim().is_empty() {
            // A part every three passages.
            let part = passages.len() / 3;
            if sections.len() == part {
                sections.push(Section {
                    id: part,
                    parent: None,
                    depth: 0,
                    kind: SectionKind::Part,
                    number: None,
                    heading: format!("Partie {}", part + 1),
                    start: char_offset,
                    end: char_offset,
                });
            }
            sections[part].end = char_offset + n_chars;
            passages.push(Passage {
                id: passages.len(),
                section: Some(part),
                field: None,
                start: char_offset,
                end: char_offset + n_chars,
                byte_start: byte_offset,
                byte_end: byte_offset + line.len(),
            });
        }
        char_offset += n_chars + 1;
        byte_offset += line.len() + 1;
    }
    Document {
        doc_id: doc_id.to_string(),
        text: text.to_string(),
        sections,
        passages,
        ..Default::default()
    }
}

fn corpus_document(file_name: &str) -> Document {
    let path = format!("{}/corpus/{}", env!("CARGO_MANIFEST_DIR"), file_name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let doc_id = file_name.trim_end_matches(".txt");
    document(doc_id, &text)
}

const CORPUS: [&str; 5] = [
    "000_399e86bc45b017b4.txt",
    "001_f1af12ce620947bd.txt",
    "002_3bfbff5f5364b1b9.txt",
    "003_864e71f6e14458d9.txt",
    "004_5393f7e667cdb102.txt",
];

#[test]
fn definitions_carry_character_offsets_and_passage() {
    let doc = document(
        "ctg",
        "Éducation\n\nUn Lieu d’accueil enfants parents (LAEP) à l’école.",
    );
    let definitions = find_definitions(&doc);
    assert_eq!(definitions.len(), 1);
    let definition = &definitions[0];
    assert_eq!(definition.abbr, "LAEP");
    assert_eq!(definition.long_form, "Lieu d’accueil enfants parents");
    let span: String = doc
        .text
        .chars()
        .skip(definition.provenance.start)
        .take(definition.provenance.end - definition.provenance.start)
        .collect();
    assert_eq!(span, "Lieu d’accueil enfants parents (LAEP)");
    assert_eq!(definition.provenance.passage, Some(1));
    assert_eq!(definition.provenance.section, ["Partie 1"]);
}

#[test]
fn uses_carry_provenance() {
    let doc = document("cdv", "Le CCAS et la CAF.\nLa CAF finance.");
    let uses = find_uses(&doc);
    let abbrs: Vec<&str> = uses.iter().map(|(abbr, _)| abbr.as_str()).collect();
    assert_eq!(abbrs, ["CCAS", "CAF", "CAF"]);
    assert_eq!(uses[2].1.passage, Some(1));
    assert_eq!(uses[2].1.start, 22);
}

#[test]
fn glossary_lends_definitions_to_documents_that_only_use_the_sigle() {
    let docs = [
        document(
            "a",
            "CLAS : Contrat local d'accompagnement à la scolarité\nLe CLAS du collège.",
        ),
        document("b", "Les familles du CLAS, du REAAP et de la CAF."),
    ];
    let glossary = Glossary::build(&docs);
    let clas = glossary.get("clas").expect("CLAS in the glossary");
    assert_eq!(clas.docs, ["a", "b"]);
    assert_eq!(clas.mentions, 3);
    assert_eq!(clas.definitions[0].doc_id, "a");
    assert_eq!(
        glossary.expansions("CLAS"),
        ["Contrat local d'accompagnement à la scolarité"]
    );
    let undefined: Vec<&str> = glossary.undefined().map(|e| e.abbr.as_str()).collect();
    assert_eq!(undefined, ["CAF", "REAAP"]);
}

#[test]
fn glossary_merges_spelling_variants_and_keeps_different_definitions() {
    let docs = [
        document(
            "a",
            "- Une Maison d'assistants maternels (MAM)\n- des Maisons d'assistants maternels (MAM)",
        ),
        document(
            "b",
            "la maison d’assistants maternels (MAM) et un Multi-accueil municipal (MAM)",
        ),
        document("c", "MAM : Maisons d'assistants maternels"),
    ];
    let glossary = Glossary::build(&docs);
    let mam = glossary.get("MAM").expect("MAM in the glossary");
    assert_eq!(mam.definitions.len(), 2);
    assert_eq!(mam.definitions[0].text, "Maisons d'assistants maternels");
    assert_eq!(mam.definitions[0].count, 4);
    assert_eq!(mam.definitions[1].text, "Multi-accueil municipal");
    assert_eq!(mam.definitions[1].count, 1);
}

#[test]
fn glossary_lookups_ignore_case_dots_accents_and_plural() {
    let docs = [document(
        "cdv",
        "préconisé par le Commissariat Général à l'Égalité des Territoires (C.G.E.T) ; le CGET finance",
    )];
    let glossary = Glossary::build(&docs);
    assert_eq!(
        glossary.get("c.g.e.t").map(|e| e.abbr.as_str()),
        Some("CGET")
    );
    assert_eq!(
        glossary.abbreviations_of("commissariat general a l’egalite des territoire"),
        ["CGET"]
    );
    assert!(glossary.abbreviations_of("commissariat").is_empty());
    assert!(glossary.abbreviations_of("de la").is_empty());
    assert!(glossary.get("").is_none());
}

#[test]
fn part_of_a_long_form_reaches_its_sigle_by_its_head_or_three_words_in_a_row() {
    let docs = [document(
        "cdv",
        "Les Quartiers Prioritaires de la Politique de la Ville (QPV) et le Lieu d'Accueil \
         Enfants Parents (LAEP) ; un Projet Éducatif de Territoire (PEDT).",
    )];
    let glossary = Glossary::build(&docs);
    // Its first words, accents, case and plural aside.
    assert_eq!(
        glossary.abbreviation_of_part("quartier prioritaire"),
        Some(("QPV", "Quartiers Prioritaires de la Politique de la Ville"))
    );
    assert_eq!(
        glossary
            .abbreviation_of_part("projets educatifs")
            .map(|(abbr, _)| abbr),
        Some("PEDT")
    );
    // Three words in a row elsewhere, covering half of it.
    assert_eq!(
        glossary
            .abbreviation_of_part("accueil enfants parents")
            .map(|(abbr, _)| abbr),
        Some("LAEP")
    );
    // Two words from its middle, or the whole long form, are not a part.
    assert_eq!(glossary.abbreviation_of_part("politique ville"), None);
    assert_eq!(
        glossary.abbreviation_of_part("lieu accueil enfants parents"),
        None
    );
    assert_eq!(glossary.abbreviation_of_part("accueil"), None);
}

#[test]
fn glossary_entries_are_sorted_case_insensitively() {
    let docs = [document(
        "fiche",
        "Contrat d'intégration républicaine (Cir), la CAF, le CCAS, Action formation insertion (Afi), ALSH",
    )];
    let glossary = Glossary::build(&docs);
    let abbrs: Vec<&str> = glossary.entries().iter().map(|e| e.abbr.as_str()).collect();
    assert_eq!(abbrs, ["Afi", "ALSH", "CAF", "CCAS", "Cir"]);
}

#[test]
fn glossary_survives_serialization() {
    let glossary = Glossary::build(&[document(
        "a",
        "le projet éducatif de territoire (PEDT) et le PEDT",
    )]);
    let bytes = bincode::serialize(&glossary).expect("serializes");
    let back: Glossary = bincode::deserialize(&bytes).expect("deserializes");
    assert_eq!(back, glossary);
    assert_eq!(back.get("pedt").map(|e| e.mentions), Some(2));
    // The long-form index is not saved: it is made again at the first lookup.
    assert_eq!(
        back.abbreviations_of("projets éducatifs de territoire"),
        ["PEDT"]
    );
    assert_eq!(
        back.abbreviations_of("projet éducatif de territoire"),
        ["PEDT"]
    );
    assert!(back.abbreviations_of("projet de territoire").is_empty());
}

#[test]
fn corpus_definitions() {
    let docs: Vec<Document> = CORPUS.iter().map(|name| corpus_document(name)).collect();
    let glossary = Glossary::build(&docs);
    let expect = [
        ("LAEP", "Lieu d'accueil enfants parents"),
        ("MLHG", "Mission Locale Haute-Garonne"),
        ("ALAE", "Accueil de loisirs associé à l'école"),
        (
            "Ofii",
            "Office français de l'immigration et de l'intégration",
        ),
        ("CGET", "Commissariat Général à l'Égalité des Territoires"),
        ("AIO", "accueil information orientation"),
        ("CTG", "convention territoriale globale"),
        ("QPV", "Quartier Politique de la ville"),
    ];
    for (abbr, long_form) in expect {
        assert!(
            glossary.expansions(abbr).contains(&long_form),
            "{abbr}: expected {long_form:?}, got {:?}",
            glossary.expansions(abbr)
        );
    }
    for (abbr, wrong) in [
        ("MLHG", "Mission Locale"),
        ("CCAS", "relais emploi"),
        ("DPE", "Diagnostic énergétique"),
    ] {
        assert!(
            !glossary.expansions(abbr).contains(&wrong),
            "{abbr}: wrong definition {wrong:?}"
        );
    }
    // CAF is used everywhere and defined nowhere in this corpus.
    let caf = glossary.get("CAF").expect("CAF is used");
    assert!(caf.definitions.is_empty() && caf.docs.len() >= 2, "{caf:?}");
    // Headings in capitals are not sigles.
    assert!(glossary.get("RENFORCER").is_none());
}

/// Prints the corpus glossary as TSV (abbr, definition, doc, count, mentions);
/// run with `--ignored --nocapture` to measure against the development gold.
#[test]
#[ignore]
fn print_corpus_glossary() {
    let docs: Vec<Document> = CORPUS.iter().map(|name| corpus_document(name)).collect();
    let glossary = Glossary::build(&docs);
    for entry in glossary.entries() {
        if entry.definitions.is_empty() {
            println!(
                "UNDEF\t{}\t\t{}\t{}",
                entry.abbr,
                entry.docs.join(","),
                entry.mentions
            );
        }
        for definition in &entry.definitions {
            println!(
                "DEF\t{}\t{}\t{}\t{}\t{}",
                entry.abbr, definition.text, definition.doc_id, definition.count, entry.mentions
            );
        }
    }
}

proptest::proptest! {
    /// No input makes extraction panic, and every span is a valid character range.
    #[test]
    fn any_text_is_handled(text in "[A-Za-zÉéèà’'«» ().:;,|\t\n-]{0,120}") {
        let doc = document("p", &text);
        let n_chars = text.chars().count();
        for definition in find_definitions(&doc) {
            proptest::prop_assert!(definition.provenance.start <= definition.provenance.end);
            proptest::prop_assert!(definition.provenance.end <= n_chars);
        }
        for (_, provenance) in find_uses(&doc) {
            proptest::prop_assert!(provenance.end <= n_chars);
        }
        let glossary = Glossary::build(&[doc]);
        let _ = glossary.abbreviations_of(&text);
    }
}
