//! The tantivy side: one tantivy document per [`Passage`], searched with the
//! shared French analyzer.
//!
//! Only what ranking and filtering need lives in tantivy (the analyzed text
//! fields, the filter keys and two integers locating the passage); the
//! passage itself is read back from the [`Knowledge`](crate::store::Knowledge)
//! kept in memory, so there is one copy of every text and the index stays small.

use std::collections::HashMap;
use std::path::Path;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::{doc, DocAddress, DocId, Index, IndexWriter, Score, SegmentOrdinal, SegmentReader};

use crate::analysis;
use crate::model::{Document, Passage};
use crate::{Error, Result};

/// Heading paths are indexed joined by this separator.
pub const HEADING_SEPARATOR: &str = " › ";

/// The fields of the passage index, resolved once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Position of the document in the knowledge store.
    pub doc_ord: Field,
    /// Position of the passage in its document.
    pub passage: Field,
    pub doc_id: Field,
    pub title: Field,
    pub section: Field,
    pub field_label: Field,
    pub text: Field,
    pub kind: Field,
    /// The document's territory code and the codes of every territory containing it.
    pub territory: Field,
    pub year: Field,
}

/// Builds the schema of the passage index.
pub fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let french = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::FRENCH)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        doc_ord: builder.add_u64_field("doc_ord", INDEXED | FAST | STORED),
        passage: builder.add_u64_field("passage", FAST | STORED),
        doc_id: builder.add_text_field("doc_id", STRING | STORED),
        title: builder.add_text_field("title", french.clone()),
        section: builder.add_text_field("section", french.clone()),
        field_label: builder.add_text_field("field", french.clone()),
        text: builder.add_text_field("text", french),
        kind: builder.add_text_field("kind", STRING),
        territory: builder.add_text_field("territory", STRING),
        year: builder.add_u64_field("year", INDEXED | FAST),
    };
    (builder.build(), fields)
}

/// Resolves the fields of an existing index's schema.
pub fn fields_of(schema: &Schema) -> Result<Fields> {
    let get = |name: &str| {
        schema.get_field(name).map_err(|_| {
            Error::Tantivy(tantivy::TantivyError::SchemaError(format!(
                "index has no field `{name}`: rebuild it with `maillage index`"
            )))
        })
    };
    Ok(Fields {
        doc_ord: get("doc_ord")?,
        passage: get("passage")?,
        doc_id: get("doc_id")?,
        title: get("title")?,
        section: get("section")?,
        field_label: get("field")?,
        text: get("text")?,
        kind: get("kind")?,
        territory: get("territory")?,
        year: get("year")?,
    })
}

/// Writes every passage of `documents` into a new tantivy index in `dir`.
///
/// `territory_keys(doc)` gives the filter keys of a document (its territory
/// code and those of the territories containing it).
pub fn write(
    dir: &Path,
    documents: &[Document],
    territory_keys: &dyn Fn(&Document) -> Vec<String>,
) -> Result<()> {
    let (schema, f) = schema();
    let index = Index::create_in_dir(dir, schema)?;
    analysis::register(&index);
    // Two threads match the machine; the arena is per thread.
    let n_threads = std::thread::available_parallelism()
        .map(|n| n.get().min(4))
        .unwrap_or(1);
    let mut writer: IndexWriter =
        index.writer_with_num_threads(n_threads, 64_000_000 * n_threads)?;
    for (doc_ord, document) in documents.iter().enumerate() {
        let keys = territory_keys(document);
        let kind = document.kind.map(|k| k.as_str()).unwrap_or("");
        // Each section's joined heading path, made once for all its passages.
        let section_paths: Vec<String> = (0..document.sections.len())
            .map(|s| document.heading_path(Some(s)).join(HEADING_SEPARATOR))
            .collect();
        for passage in &document.passages {
            // A heading's own passage is found through the `section` field
            // like every passage under it; indexing its words again as body
            // text would rank bare headings above the fiches they announce.
            let body = if is_heading_only(document, passage) {
                ""
            } else {
                document.passage_text(passage)
            };
            let section = passage
                .section
                .and_then(|s| section_paths.get(s))
                .map(String::as_str)
                .unwrap_or("");
            let mut tdoc = doc!(
                f.doc_ord => doc_ord as u64,
                f.passage => passage.id as u64,
                f.doc_id => document.doc_id.as_str(),
                f.title => document.title.as_str(),
                f.section => section,
                f.text => body,
                f.kind => kind,
            );
            if let Some(label) = &passage.field {
                tdoc.add_text(f.field_label, label);
            }
            if let Some(year) = document.year {
                tdoc.add_u64(f.year, u64::from(year));
            }
            for key in &keys {
                tdoc.add_text(f.territory, key);
            }
            writer.add_document(tdoc)?;
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}

/// True for the passage that only repeats its section's heading.
pub fn is_heading_only(document: &Document, passage: &Passage) -> bool {
    fn squashed(s: &str) -> impl Iterator<Item = char> + '_ {
        s.split_whitespace().flat_map(str::chars)
    }
    passage.field.is_none()
        && passage
            .section
            .and_then(|s| document.sections.get(s))
            .is_some_and(|s| squashed(&s.heading).eq(squashed(document.passage_text(passage))))
}

/// Opens the tantivy index in `dir` with the French analyzer registered.
pub fn open(dir: &Path) -> Result<(Index, Fields)> {
    let index = Index::open_in_dir(dir)?;
    analysis::register(&index);
    let fields = fields_of(&index.schema())?;
    Ok((index, fields))
}

/// Reads the `(doc_ord, passage)` pair of hits from the fast fields, with
/// the columns of every segment opened once per search, not once per hit.
pub struct Locator {
    columns: Vec<Option<(Column<u64>, Column<u64>)>>,
}

impl Locator {
    pub fn new(searcher: &tantivy::Searcher) -> Locator {
        let columns = searcher
            .segment_readers()
            .iter()
            .map(|segment| {
                let fast = segment.fast_fields();
                Some((fast.u64("doc_ord").ok()?, fast.u64("passage").ok()?))
            })
            .collect();
        Locator { columns }
    }

    pub fn locate(&self, address: DocAddress) -> Option<(usize, usize)> {
        let (doc_ord, passage) = self.columns.get(address.segment_ord as usize)?.as_ref()?;
        Some((
            doc_ord.first(address.doc_id)? as usize,
            passage.first(address.doc_id)? as usize,
        ))
    }
}

/// Counts matching passages per document, for facets, without scoring.
pub struct PassagesPerDocument;

/// Per-segment state of [`PassagesPerDocument`].
pub struct SegmentPassagesPerDocument {
    doc_ord: Column<u64>,
    counts: HashMap<u64, u32>,
}

impl Collector for PassagesPerDocument {
    type Fruit = HashMap<u64, u32>;
    type Child = SegmentPassagesPerDocument;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(SegmentPassagesPerDocument {
            doc_ord: segment.fast_fields().u64("doc_ord")?,
            counts: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<u64, u32>>) -> tantivy::Result<Self::Fruit> {
        let mut merged: HashMap<u64, u32> = HashMap::new();
        for fruit in fruits {
            for (doc_ord, n) in fruit {
                *merged.entry(doc_ord).or_default() += n;
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentPassagesPerDocument {
    type Fruit = HashMap<u64, u32>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(doc_ord) = self.doc_ord.first(doc) {
            *self.counts.entry(doc_ord).or_default() += 1;
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.counts
    }
}
