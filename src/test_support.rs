//! Fixtures shared by the unit tests of several stages: small French plans built the way the
//! structure stage would, and a few places, so that every test reads as the plan text it is
//! about and no stage's tests reach into another's.

use crate::extract::entities::name_key;
use crate::{Document, Passage, Section, SectionKind, Territory, TerritoryKind};

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

/// A commune of the official code.
pub(crate) fn commune(name: &str, code: &str) -> Territory {
    Territory {
        name: name.to_string(),
        code: code.to_string(),
        kind: TerritoryKind::Commune,
    }
}

/// Places found in a name, as the geographic code would: Blagnac, Cornebarrieu, Haute-Garonne.
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

/// A deterministic pseudo-random draw in `0..n` (a linear congruential generator), for the
/// random tests: the same cases on every run.
pub(crate) fn dice(mut seed: u64) -> impl FnMut(u64) -> u64 {
    move |n| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    }
}

/// Every match of a query with its score: what a wrapper around a query must leave as it was.
pub(crate) struct All;

pub(crate) struct AllInSegment(Vec<(u32, f32)>);

impl tantivy::collector::Collector for All {
    type Fruit = Vec<(u32, f32)>;
    type Child = AllInSegment;
    fn for_segment(&self, _: u32, _: &tantivy::SegmentReader) -> tantivy::Result<AllInSegment> {
        Ok(AllInSegment(Vec::new()))
    }
    fn requires_scoring(&self) -> bool {
        true
    }
    fn merge_fruits(&self, fruits: Vec<Vec<(u32, f32)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.concat())
    }
}

impl tantivy::collector::SegmentCollector for AllInSegment {
    type Fruit = Vec<(u32, f32)>;
    fn collect(&mut self, doc: tantivy::DocId, score: tantivy::Score) {
        self.0.push((doc, score));
    }
    fn harvest(self) -> Self::Fruit {
        self.0
    }
}

/// The `k` best (doc, score) of `query` through `for_each_pruning`, the threshold rising
/// as a top-k collector's does, and how many matches were reported.
pub(crate) fn pruned_top(
    index: &tantivy::Index,
    query: &dyn tantivy::query::Query,
    k: usize,
) -> (Vec<(u32, f32)>, usize) {
    let searcher = index.reader().unwrap().searcher();
    let weight = query
        .weight(tantivy::query::EnableScoring::enabled_from_searcher(
            &searcher,
        ))
        .unwrap();
    let mut top: Vec<(u32, f32)> = Vec::new();
    let mut reported = 0;
    weight
        .for_each_pruning(
            tantivy::Score::NEG_INFINITY,
            searcher.segment_reader(0),
            &mut |doc, score| {
                reported += 1;
                top.push((doc, score));
                top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                top.truncate(k);
                if top.len() == k {
                    top[k - 1].1
                } else {
                    tantivy::Score::NEG_INFINITY
                }
            },
        )
        .unwrap();
    (top, reported)
}

/// An index in memory of one `text` field (tantivy's plain tokenizer), one segment per
/// batch of lines: what two indexing threads write, each its own dictionary.
pub(crate) fn segments_of(batches: &[&[&str]]) -> (tantivy::Index, tantivy::schema::Field) {
    let mut schema = tantivy::schema::Schema::builder();
    let text = schema.add_text_field("text", tantivy::schema::TEXT);
    let index = tantivy::Index::create_in_ram(schema.build());
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
    for (batch, lines) in batches.iter().enumerate() {
        for line in *lines {
            writer.add_document(tantivy::doc!(text => *line)).unwrap();
        }
        writer.commit().unwrap();
        assert_eq!(index.searchable_segment_ids().unwrap().len(), batch + 1);
    }
    (index, text)
}
