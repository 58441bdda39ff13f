//! Shared fixtures of the entity tests (the graph's tests use them too), and the tests of the
//! catalog's public lookups.
//!
//! The fixtures build small French documents the way the structure stage would, so every test
//! reads as the plan text it is about.

use super::*;
use crate::{Document, Passage, Section, SectionKind, TerritoryKind};

/// A document whose passages are its blank-line separated paragraphs; a paragraph whose
/// first line is an upper-case label (`PARTENAIRES`) becomes a passage of that field.
pub(crate) fn make_doc(doc_id: &str, text: &str, territory: Option<Territory>) -> Document {
    let mut passages = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let byte_of = |char_index: usize| -> usize {
        text.char_indices()
            .nth(char_index)
            .map_or(text.len(), |(byte, _)| byte)
    };
    let mut start = 0;
    let mut i = 0;
    while i <= chars.len() {
        let at_break = i == chars.len() || (chars[i] == '\n' && chars.get(i + 1) == Some(&'\n'));
        if at_break {
            let paragraph: String = chars[start..i].iter().collect();
            if !paragraph.trim().is_empty() {
                let first_line = paragraph.lines().next().unwrap_or("").trim().to_string();
                let is_label = !first_line.is_empty()
                    && first_line.chars().all(|c| !c.is_lowercase())
                    && paragraph.lines().count() > 1;
                let (field, body_start) = if is_label {
                    (
                        Some(first_line.clone()),
                        start + first_line.chars().count() + 1,
                    )
                } else {
                    (None, start)
                };
                passages.push(Passage {
                    id: passages.len(),
                    section: Some(0),
                    field,
                    start: body_start,
                    end: i,
                    byte_start: byte_of(body_start),
                    byte_end: byte_of(i),
                });
            }
            start = i + 2;
            i += 2;
        } else {
            i += 1;
        }
    }
    Document {
        doc_id: doc_id.to_string(),
        title: doc_id.to_string(),
        text: text.to_string(),
        sections: vec![Section {
            id: 0,
            parent: None,
            depth: 0,
            kind: SectionKind::Action,
            number: Some("1".to_string()),
            heading: "Action 1 : Test".to_string(),
            start: 0,
            end: chars.len(),
        }],
        passages,
        territory,
        ..Default::default()
    }
}

/// The text of a mention, as written.
pub(crate) fn surface(text: &str, mention: &EntityMention) -> String {
    text.chars()
        .skip(mention.start as usize)
        .take((mention.end - mention.start) as usize)
        .collect()
}

pub(crate) fn commune(name: &str, code: &str) -> Territory {
    Territory {
        name: name.to_string(),
        code: code.to_string(),
        kind: TerritoryKind::Commune,
    }
}

pub(crate) fn test_places(name: &str) -> Option<Territory> {
    let key = name_key(name);
    let places = [
        ("blagnac", commune("Blagnac", "31069")),
        ("cornebarrieu", commune("Cornebarrieu", "31150")),
        (
            "haute garonne",
            Territory {
                name: "Haute-Garonne".into(),
                code: "31".into(),
                kind: TerritoryKind::Departement,
            },
        ),
    ];
    places
        .into_iter()
        .find(|(k, _)| {
            key.split(' ')
                .collect::<Vec<_>>()
                .windows(k.split(' ').count())
                .any(|w| w.join(" ") == *k)
        })
        .map(|(_, t)| t)
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
