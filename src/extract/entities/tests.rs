//! Fixtures of the entity tests, and the tests of the catalog's public lookups; documents and
//! places shared with other stages' tests are in [`crate::test_support`].

use super::*;
pub(crate) use crate::test_support::{commune, make_doc, test_places};
use crate::Document;

/// The text of a mention, as written.
pub(crate) fn surface(text: &str, mention: &EntityMention) -> String {
    text.chars()
        .skip(mention.start as usize)
        .take((mention.end - mention.start) as usize)
        .collect()
}

pub(super) fn build(docs: &[Document], acronyms: &[(&str, &str)]) -> Catalog {
    let acronyms: Vec<(String, String)> = acronyms
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    Catalog::build(docs, &acronyms, &test_places)
}

#[test]
fn lookup_canonicalizes_plurals_renames_and_sigles() {
    let catalog = build(&[], &[]);
    let mission_locale = catalog.lookup("Missions Locales").map(|e| e.id.as_str());
    assert_eq!(mission_locale, Some("mission-locale"));
    assert_eq!(
        catalog.lookup("Pôle emploi").map(|e| e.id.as_str()),
        Some("france-travail")
    );
    assert_eq!(
        catalog.lookup("POLE EMPLOI").map(|e| e.name.as_str()),
        Some("France Travail")
    );
    assert_eq!(
        catalog.lookup("France Travail").map(|e| e.id.as_str()),
        Some("france-travail")
    );
    assert_eq!(catalog.lookup("RAM").map(|e| e.id.as_str()), Some("rpe"));
    assert_eq!(
        catalog
            .lookup("caisse d'allocations familiales")
            .map(|e| e.id.as_str()),
        Some("caf")
    );
    assert!(catalog.lookup("Association imaginaire").is_none());
    let france_travail = catalog.get("france-travail").expect("gazetteer row");
    assert!(france_travail.formerly.iter().any(|f| f == "Pôle emploi"));
}

#[test]
fn search_ranks_exact_then_prefix_and_filters_kind() {
    let doc = make_doc("d1", "La Mission locale et la Maison des ados.", None);
    let catalog = build(&[doc], &[]);
    let hits = catalog.search("missi", None, 5);
    assert_eq!(hits.first().map(|e| e.id.as_str()), Some("mission-locale"));
    let hits = catalog.search("maison", Some(EntityKind::Structure), 50);
    assert!(hits.iter().all(|e| e.kind == EntityKind::Structure));
    assert_eq!(hits.first().map(|e| e.id.as_str()), Some("maison-ados"));
    assert!(catalog.search("zzzz", None, 5).is_empty());
    assert_eq!(catalog.search("", None, 10).len(), 2);
}

#[test]
fn never_panics_on_odd_text() {
    let text = "PARTENAIRES\n(((, ; – ’’ «» é\u{301} œuvre CAF) (\n\n\u{0}ÉÉ İstanbul ﬁ CAF";
    let doc = make_doc("odd", text, None);
    let catalog = build(&[doc], &[("", ""), ("É", "é")]);
    assert_eq!(catalog.get("caf").map(|e| e.mentions.len()), Some(2));
}

#[test]
fn the_same_catalog_is_written_as_the_same_bytes() {
    let doc = make_doc(
        "d1",
        "PARTENAIRES : la Mission locale, la CAF, France Travail, la Maison des ados, \
         le Département et l'Éducation nationale.",
        None,
    );
    // Two builds hold their lookups in hash maps seeded apart, so in other orders.
    let first = bincode::serialize(&build(std::slice::from_ref(&doc), &[])).expect("write");
    let second = bincode::serialize(&build(&[doc], &[])).expect("write");
    assert!(build(&[], &[]).entities().len() > 10);
    assert_eq!(first, second);
}
