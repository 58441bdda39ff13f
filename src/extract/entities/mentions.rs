//! Mentions: the matches of the scanner and the items of role fields, as [`EntityMention`]s.
//!
//! A match becomes a mention with the role its passage's field gives (PARTENAIRES → partner),
//! and a field item the scan could not see (text reflowed by the structure stage) is still
//! counted, once: this is what lets the graph say who pilots and who partners an action.

use std::collections::HashSet;

use super::names::role_of_field;
use super::scan::Scanner;
use super::EntityMention;
use crate::extract::Role;
use crate::Document;

/// The passage holding char `offset`, if any.
fn passage_at(doc: &Document, offset: usize) -> Option<usize> {
    let after = doc.passages.partition_point(|p| p.start <= offset);
    doc.passages[..after]
        .iter()
        .rev()
        .take(8)
        .find(|p| p.start <= offset && offset < p.end)
        .map(|p| p.id)
        .filter(|id| *id < doc.passages.len())
        .or_else(|| {
            doc.passages[..after]
                .iter()
                .rposition(|p| p.start <= offset && offset < p.end)
        })
}

/// The mention of a span, with the role its passage's field gives; `roles` holds
/// [`role_of_field`] of each passage's field.
fn mention_at(
    doc_index: usize,
    doc: &Document,
    start: usize,
    end: usize,
    roles: &[Option<Role>],
) -> EntityMention {
    let passage = passage_at(doc, start);
    let role = passage
        .and_then(|index| roles.get(index).copied().flatten())
        .unwrap_or(Role::Mention);
    EntityMention {
        role,
        doc: doc_index as u32,
        passage: passage.map(|p| p as u32),
        start: start as u32,
        end: end as u32,
    }
}

/// A field item resolved to an entity: (passage, start char, end char, entity, role).
pub(super) type FieldMention = (usize, usize, usize, usize, Role);

/// The mentions of one document: every match of the scanner, then the field items the scan
/// did not see (text reflowed by the structure stage), once per passage. In a role field,
/// `Mission Locale Haute-Garonne (MLHG)` is one mention, not two.
pub(super) fn doc_mentions(
    scanner: &Scanner,
    doc_index: usize,
    doc: &Document,
    fields: &[FieldMention],
) -> Vec<(usize, EntityMention)> {
    let text = doc.text.as_str();
    // The role each passage's field gives, asked once per passage.
    let roles: Vec<Option<Role>> = doc
        .passages
        .iter()
        .map(|p| p.field.as_deref().and_then(role_of_field))
        .collect();
    let mut out = Vec::new();
    let mut seen: HashSet<(usize, usize)> = HashSet::new(); // start, entity
    let mut in_passage: HashSet<(usize, u32)> = HashSet::new(); // entity, passage
    for found in scanner.scan(text) {
        let mention = mention_at(doc_index, doc, found.start, found.end, &roles);
        if mention.role != Role::Mention {
            if let Some(passage) = mention.passage {
                if !in_passage.insert((found.entity, passage)) {
                    continue;
                }
            }
        }
        seen.insert((found.start, found.entity));
        out.push((found.entity, mention));
    }
    if fields.is_empty() {
        return out;
    }
    for (entity, mention) in &out {
        if let Some(passage) = mention.passage {
            in_passage.insert((*entity, passage));
        }
    }
    for &(passage, start, end, entity, role) in fields {
        let passage_id = passage as u32;
        if in_passage.contains(&(entity, passage_id)) || seen.contains(&(start, entity)) {
            continue;
        }
        in_passage.insert((entity, passage_id));
        out.push((
            entity,
            EntityMention {
                role,
                doc: doc_index as u32,
                passage: Some(passage_id),
                start: start as u32,
                end: end as u32,
            },
        ));
    }
    out
}
