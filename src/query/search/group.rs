//! Results grouped by action: one result per action sheet, showing the fields that hold
//! the query's words.
//!
//! A fiche-action is cut into passages (PILOTES, PUBLIC, the description…), and every one
//! of them matches a word of its heading path: searched one by one, `parentalité` gives a
//! page of fields of one sheet, most of them without the word. Grouped, the sheet is one
//! result, ranked where its best passage ranks, with the passages that hold a word as its
//! fields. A passage that matches only through its heading is not shown, and an action none
//! of whose passages holds a word is not a result unless its own title does. Passages
//! outside any action stay results of their own when their text holds a word. Totals and
//! facets count the groups, so pages are exact slices of one grouped ranking.

use serde::Serialize;
use tantivy::Searcher;

use super::snippets::{self, Highlighter};
use super::{plan, Facts, Hit};
use crate::query::{rank, Correction, Engine};
use crate::Result;

/// Fields shown per grouped result at most (the rest are counted).
const FIELDS_PER_GROUP: usize = 6;

/// How results are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    /// One result per passage.
    #[default]
    Passage,
    /// One result per action sheet.
    Action,
}

impl std::str::FromStr for Grouping {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Grouping> {
        match s.trim() {
            "" | "passage" | "none" => Ok(Grouping::Passage),
            "action" => Ok(Grouping::Action),
            other => Err(crate::Error::InvalidParameter {
                name: "group",
                message: format!(
                    "`{}` n'est pas un regroupement (action ou passage)",
                    other.chars().take(40).collect::<String>()
                ),
            }),
        }
    }
}

/// A field of a grouped result that holds the query's words.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct HitField {
    pub field: Option<String>,
    /// HTML, as [`super::Hit::snippet`].
    pub snippet: String,
    pub passage: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// One result of a grouped ranking: an action's passages, or a passage alone.
pub(super) struct Group {
    pub action: Option<u32>,
    /// Its passages that hold a word, best first.
    pub shown: Vec<rank::Ranked>,
    /// Its best passage, which places it.
    pub best: rank::Ranked,
    pub matching: usize,
}

impl Engine {
    /// The ranked passages (all of them, best first) gathered into results.
    pub(super) fn group_by_action(
        &self,
        ranked: &[rank::Ranked],
        holds_word: &dyn Fn(usize, usize) -> bool,
        title_holds_word: &dyn Fn(u32) -> bool,
    ) -> Vec<Group> {
        let table = self.action_table();
        let mut groups: Vec<Group> = Vec::new();
        let mut slot_of: std::collections::HashMap<u32, usize> = Default::default();
        for r in ranked {
            let section = self
                .store
                .passage(r.doc_ord, r.passage)
                .and_then(|p| p.section);
            let action = section.and_then(|s| table.action_of(r.doc_ord, s));
            let in_text = holds_word(r.doc_ord, r.passage);
            match action {
                Some(a) => {
                    let slot = *slot_of.entry(a).or_insert_with(|| {
                        groups.push(Group {
                            action: Some(a),
                            shown: Vec::new(),
                            best: *r,
                            matching: 0,
                        });
                        groups.len() - 1
                    });
                    let group = &mut groups[slot];
                    group.matching += 1;
                    if in_text {
                        group.shown.push(*r);
                    }
                }
                None if in_text => groups.push(Group {
                    action: None,
                    shown: vec![*r],
                    best: *r,
                    matching: 1,
                }),
                None => {}
            }
        }
        groups.retain(|g| !g.shown.is_empty() || g.action.is_some_and(title_holds_word));
        for g in &mut groups {
            if let Some(first) = g.shown.first() {
                g.best = *first;
            }
        }
        groups
    }

    /// One page of the grouped ranking of every matching passage, the number of results,
    /// and the results per document (what facets count).
    pub(super) fn grouped_page(
        &self,
        q: &str,
        ranked: &[rank::Ranked],
        facts: &Facts<'_>,
        offset: usize,
        limit: usize,
        snippets: &Highlighter,
    ) -> (usize, Vec<Hit>, Vec<u32>) {
        let words: Vec<String> = plan::analyse(q).into_iter().map(|(_, t)| t).collect();
        let table = self.action_table();
        let title_holds = |action: u32| {
            table.rows.get(action as usize).is_some_and(|row| {
                self.store
                    .heading(row.doc as usize, row.section as usize)
                    .is_some_and(|(title, _)| {
                        plan::analyse(title).iter().any(|(_, t)| words.contains(t))
                    })
            })
        };
        let holds =
            |doc: usize, passage: usize| rank::PassageFacts::matches_in_text(facts, doc, passage);
        let groups = self.group_by_action(ranked, &holds, &title_holds);
        let mut per_document = vec![0u32; self.knowledge.documents.len()];
        for g in &groups {
            if let Some(n) = per_document.get_mut(g.best.doc_ord) {
                *n += 1;
            }
        }
        let hits = groups
            .iter()
            .skip(offset)
            .take(limit)
            .filter_map(|g| {
                let mut hit = self.hit(&g.best, snippets)?;
                if let Some(action) = g.action {
                    let summary = self.action_summary(action)?;
                    hit.action = Some(summary.id);
                    hit.action_title = Some(summary.title);
                    hit.fields = self.group_fields(g, snippets);
                    hit.more_fields = Some(g.shown.len().saturating_sub(hit.fields.len()));
                }
                Some(hit)
            })
            .collect();
        (groups.len(), hits, per_document)
    }

    /// Every passage whose own text holds a word of the query (as typed, its sigles and long
    /// forms, its corrections), read from the postings of the text field.
    pub(super) fn passages_holding(
        &self,
        searcher: &Searcher,
        q: &str,
        expansions: &[String],
        corrections: &[Correction],
    ) -> Result<crate::text::FastSet<(u32, u32)>> {
        let mut words: Vec<String> = plan::analyse(q).into_iter().map(|(_, t)| t).collect();
        for other in expansions.iter().chain(corrections.iter().map(|c| &c.to)) {
            words.extend(plan::analyse(other).into_iter().map(|(_, t)| t));
        }
        let mut out = crate::text::FastSet::default();
        for segment in searcher.segment_readers() {
            let Some(runs) = self.runs.get(&segment.segment_id()) else {
                continue;
            };
            let inverted = segment.inverted_index(self.fields.text)?;
            for word in &words {
                let term = tantivy::Term::from_field_text(self.fields.text, word);
                let Some(mut postings) = inverted
                    .read_postings(&term, tantivy::schema::IndexRecordOption::Basic)
                    .map_err(tantivy::TantivyError::from)?
                else {
                    continue;
                };
                let mut doc = tantivy::DocSet::doc(&postings);
                while doc != tantivy::TERMINATED {
                    if let Some(found) = runs.locate(doc) {
                        out.insert(found);
                    }
                    doc = tantivy::DocSet::advance(&mut postings);
                }
            }
        }
        Ok(out)
    }

    /// The fields a grouped result shows, highlighted.
    pub(super) fn group_fields(&self, group: &Group, snippets: &Highlighter) -> Vec<HitField> {
        group
            .shown
            .iter()
            .take(FIELDS_PER_GROUP)
            .filter_map(|r| {
                let passage = self.store.passage(r.doc_ord, r.passage)?;
                let info = self.knowledge.documents.get(r.doc_ord)?;
                Some(HitField {
                    field: passage.field.map(str::to_string),
                    snippet: snippets::snippet_html(snippets, passage.text),
                    passage: passage.id,
                    page: info.page_of(passage.start),
                })
            })
            .collect()
    }
}
