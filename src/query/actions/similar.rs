//! Similar actions elsewhere: what a CAF adviser reading one town's CLAS action wants next.
//!
//! Two actions are alike when they name the same dispositifs and actors (a rare one counts
//! more than the CAF every plan names, and the same role counts more than a mere mention)
//! and when they use the same distinctive words. The words are found as a more-like-this
//! does: the action's terms, analysed like the index, weighted by how rare they are in the
//! corpus, the best dozen searched in passages' text. Only actions of *other* territories
//! are answered, and each says why (`reasons`), in French.

use std::collections::HashMap;

use serde::Serialize;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use super::table::{role_bit, roles_of};
use super::{ActionSummary, Engine};
use crate::extract::entities::EntityKind;
use crate::extract::Role;
use crate::query::requests::within;
use crate::Result;

/// Similar actions answered by default, and at most.
pub const DEFAULT_SIMILAR: usize = 10;
pub const MAX_SIMILAR: usize = 100;
/// Distinctive terms searched for the words' part.
const MLT_TERMS: usize = 12;
/// Passages read for the words' part.
const MLT_PASSAGES: usize = 400;
/// Weight of the words' part against one shared rare entity.
const WORDS_WEIGHT: f32 = 2.0;
/// Reasons listed per answer.
const MAX_REASONS: usize = 6;

/// An entity two actions share.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SharedEntity {
    pub id: String,
    pub name: String,
    pub kind: EntityKind,
    /// The roles it plays in both.
    pub roles: Vec<Role>,
}

/// An action of another territory, and why it is alike.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SimilarAction {
    pub action: ActionSummary,
    pub score: f32,
    /// What they share, for a person: « CLAS, Mission Locale partenaire, parentalité ».
    pub reasons: Vec<String>,
    pub shared: Vec<SharedEntity>,
    /// Distinctive words of the action found in this one.
    pub words: Vec<String>,
}

/// The answer of `GET /api/actions/{id}/similar`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SimilarActions {
    pub of: ActionSummary,
    pub similar: Vec<SimilarAction>,
}

#[derive(Default)]
struct Candidate {
    entities: f32,
    words: f32,
    shared: Vec<(u32, u8)>,
}

impl Engine {
    /// Actions of other territories most like action `id`, best first.
    pub fn similar_actions(&self, id: &str, limit: Option<usize>) -> Result<SimilarActions> {
        let limit = within("limit", limit.unwrap_or(DEFAULT_SIMILAR), 1, MAX_SIMILAR)?;
        let action = self.find_action(id)?;
        let table = self.action_table();
        let of = self
            .action_summary(action)
            .ok_or_else(|| crate::Error::NotFound {
                what: "action",
                id: id.to_string(),
                suggestions: Vec::new(),
            })?;
        let home_doc = table.rows[action as usize].doc as usize;
        let home = self.knowledge.documents[home_doc].territory.clone();
        let elsewhere = |candidate: u32| {
            let doc = table.rows[candidate as usize].doc as usize;
            if doc == home_doc {
                return false;
            }
            match (&home, &self.knowledge.documents[doc].territory) {
                (Some(a), Some(b)) => a.code != b.code || a.kind != b.kind,
                _ => true,
            }
        };
        let mut candidates = self.shared_entities(action, &elsewhere);
        let catalog = self.knowledge.catalog.entities();
        let (terms, words_of) = self.distinctive_terms(action)?;
        let found = self.actions_with_terms(&terms, &elsewhere)?;
        let best_words = found.values().map(|(s, _)| *s).fold(0.0f32, f32::max);
        for (&other, (score, _)) in &found {
            if best_words > 0.0 {
                candidates.entry(other).or_default().words = WORDS_WEIGHT * score / best_words;
            }
        }
        let mut ranked: Vec<(u32, Candidate)> = candidates.into_iter().collect();
        let total = |c: &Candidate| c.entities + c.words;
        ranked.sort_by(|(a, ca), (b, cb)| total(cb).total_cmp(&total(ca)).then(a.cmp(b)));
        let similar = ranked
            .into_iter()
            .filter(|(_, c)| total(c) > 0.0)
            .take(limit)
            .filter_map(|(other, c)| {
                let words: Vec<String> = found
                    .get(&other)
                    .map(|(_, matched)| {
                        matched
                            .iter()
                            .filter_map(|t| words_of.get(t).cloned())
                            .collect()
                    })
                    .unwrap_or_default();
                let mut shared: Vec<SharedEntity> = c
                    .shared
                    .iter()
                    .filter_map(|&(e, roles)| {
                        let entity = catalog.get(e as usize)?;
                        Some(SharedEntity {
                            id: entity.id.clone(),
                            name: entity.name.clone(),
                            kind: entity.kind,
                            roles: roles_of(roles),
                        })
                    })
                    .collect();
                // Dispositifs first, then actors in a role, then the rarest.
                shared.sort_by_key(|s| {
                    (
                        s.kind != EntityKind::Dispositif,
                        s.roles.iter().all(|r| *r == Role::Mention),
                    )
                });
                let catalog = &self.knowledge.catalog;
                // A word that names a shared entity (its sigle) is said once, by the entity.
                let words: Vec<String> = words
                    .into_iter()
                    .filter(|w| {
                        catalog
                            .lookup(w)
                            .is_none_or(|e| !shared.iter().any(|s| s.id == e.id))
                    })
                    .collect();
                let short: Vec<String> = shared
                    .iter()
                    .map(|s| catalog.get(&s.id).map_or(s.name.clone(), short_name))
                    .collect();
                let reasons = reasons(&shared, &short, &words);
                Some(SimilarAction {
                    action: self.action_summary(other)?,
                    score: total(&c),
                    reasons,
                    shared,
                    words,
                })
            })
            .collect();
        Ok(SimilarActions { of, similar })
    }

    /// Actions kept by `keep` that name what action `action` names, scored by the rarity of
    /// each entity shared (a dispositif counts more, the same role more than a mention).
    fn shared_entities(&self, action: u32, keep: &dyn Fn(u32) -> bool) -> HashMap<u32, Candidate> {
        let table = self.action_table();
        let mut candidates: HashMap<u32, Candidate> = HashMap::new();
        let n_actions = table.len().max(1) as f32;
        let catalog = self.knowledge.catalog.entities();
        for named in &table.named[action as usize] {
            let naming = &table.naming[named.entity as usize];
            // Named by (almost) every action, an entity tells nothing.
            let rarity = (n_actions / naming.len().max(1) as f32).ln();
            if rarity <= 0.0 {
                continue;
            }
            let kind_weight = match catalog.get(named.entity as usize).map(|e| e.kind) {
                Some(EntityKind::Dispositif) => 1.5,
                _ => 1.0,
            };
            for &other in naming.iter().filter(|&&o| keep(o)) {
                let Ok(at) =
                    table.named[other as usize].binary_search_by_key(&named.entity, |n| n.entity)
                else {
                    continue;
                };
                let theirs = table.named[other as usize][at].roles;
                let acting = role_bit(Role::Mention) ^ 0xF;
                let same_role = named.roles & theirs & acting != 0;
                let entry = candidates.entry(other).or_default();
                entry.entities += rarity * kind_weight * if same_role { 1.5 } else { 1.0 };
                entry.shared.push((named.entity, named.roles & theirs));
            }
        }
        candidates
    }

    /// The action's most distinctive analysed terms, and a readable word for each.
    fn distinctive_terms(&self, action: u32) -> Result<(Vec<String>, HashMap<String, String>)> {
        let detail = self.action(&self.action_id(action).unwrap_or_default())?;
        let mut text = detail.action.title.clone();
        for field in &detail.fields {
            text.push('\n');
            text.push_str(&field.text);
        }
        let mut tf: HashMap<String, u32> = HashMap::new();
        for (_, term) in crate::query::search::analyse(&text) {
            *tf.entry(term).or_default() += 1;
        }
        // The title says what the action is about: its words count double.
        for (_, term) in crate::query::search::analyse(&detail.action.title) {
            *tf.entry(term).or_default() += 1;
        }
        // The readable form of a term: the first word of the text that gives it.
        let mut words_of: HashMap<String, String> = HashMap::new();
        for word in text.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'') {
            let word = word.trim_matches(|c: char| c == '-' || c == '\'');
            if word.chars().count() < 4 {
                continue;
            }
            if let Some((_, term)) = crate::query::search::analyse(word).pop() {
                words_of.entry(term).or_insert_with(|| word.to_lowercase());
            }
        }
        let searcher = self.reader.searcher();
        let n = searcher.num_docs().max(1) as f32;
        let mut scored: Vec<(f32, String)> = Vec::new();
        for (term, count) in tf {
            if term.chars().count() < 3 || term.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            let df = searcher.doc_freq(&Term::from_field_text(self.fields.text, &term))?;
            // A word no other passage uses finds nothing; one in most passages tells nothing.
            if df < 2 || df as f32 > n * 0.05 || count < 2 {
                continue;
            }
            scored.push(((count as f32).sqrt() * (n / df as f32).ln(), term));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let terms = scored.into_iter().take(MLT_TERMS).map(|(_, t)| t).collect();
        Ok((terms, words_of))
    }

    /// Actions kept by `keep` whose passages hold some of `terms`, with a score (the best
    /// passages' BM25, summed per action) and the terms they hold.
    fn actions_with_terms(
        &self,
        terms: &[String],
        keep: &dyn Fn(u32) -> bool,
    ) -> Result<HashMap<u32, (f32, Vec<String>)>> {
        let mut out: HashMap<u32, (f32, Vec<String>)> = HashMap::new();
        if terms.is_empty() {
            return Ok(out);
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|t| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.text, t),
                    IndexRecordOption::WithFreqs,
                ));
                (Occur::Should, q)
            })
            .collect();
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = searcher.search(
            &query,
            &tantivy::collector::TopDocs::with_limit(MLT_PASSAGES).order_by_score(),
        )?;
        let table = self.action_table();
        for (score, address) in top {
            let segment = searcher.segment_reader(address.segment_ord);
            let Some((doc, passage)) = self
                .runs
                .get(&segment.segment_id())
                .and_then(|runs| runs.locate(address.doc_id))
            else {
                continue;
            };
            let Some(action) = self
                .store
                .passage(doc as usize, passage as usize)
                .and_then(|p| p.section)
                .and_then(|s| table.action_of(doc as usize, s))
                .filter(|&a| keep(a))
            else {
                continue;
            };
            let entry = out.entry(action).or_default();
            entry.0 += score;
            if entry.1.len() < terms.len() {
                if let Some(p) = self.store.passage(doc as usize, passage as usize) {
                    let held: Vec<String> = crate::query::search::analyse(p.text)
                        .into_iter()
                        .map(|(_, t)| t)
                        .collect();
                    for t in terms {
                        if held.contains(t) && !entry.1.contains(t) {
                            entry.1.push(t.clone());
                        }
                    }
                }
            }
        }
        Ok(out)
    }
}

/// « CLAS, Mission Locale partenaire, parentalité, cafés des parents ».
fn reasons(shared: &[SharedEntity], names: &[String], words: &[String]) -> Vec<String> {
    let mut out: Vec<String> = shared
        .iter()
        .zip(names)
        .map(|(s, name)| {
            let role = s.roles.iter().find(|r| **r != Role::Mention);
            match role {
                Some(r) if s.kind != EntityKind::Dispositif => format!("{name} {}", r.label()),
                _ => name.clone(),
            }
        })
        .collect();
    for w in words {
        if !out
            .iter()
            .any(|r| crate::text::fold(r).contains(&crate::text::fold(w)))
        {
            out.push(w.clone());
        }
    }
    out.truncate(MAX_REASONS);
    out
}

/// The name people use: the sigle when the entity has one (`CLAS`), else its name.
fn short_name(entity: &crate::extract::entities::Entity) -> String {
    entity
        .aliases
        .iter()
        .find(|a| {
            let letters = a.chars().filter(|c| c.is_alphabetic()).count();
            (2..=8).contains(&letters)
                && a.chars()
                    .filter(|c| c.is_alphabetic())
                    .all(char::is_uppercase)
        })
        .cloned()
        .unwrap_or_else(|| entity.name.clone())
}
