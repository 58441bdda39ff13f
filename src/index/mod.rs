//! The tantivy side: one tantivy document per [`Passage`], searched with the
//! shared French analyzer.
//!
//! Only what ranking needs lives in tantivy (the analysed text fields and two
//! integers locating the passage); the passage itself is read back from the
//! [`DocStore`](crate::store::DocStore), so there is one copy of every text,
//! and what belongs to a document (territory, kind) is known from its number.

use std::collections::HashMap;
use std::path::Path;

use tantivy::indexer::UserOperation;
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST};
use tantivy::{doc, Index, IndexWriter};

use crate::analysis;
use crate::model::{Document, Passage};
use crate::{Error, Result};

mod collect;
mod runs;
mod wanted;

pub use collect::{
    Candidate, CandidatesPerDocument, DocumentTop, Matches, SegmentCandidates, EXACT_COUNT,
};
pub use runs::{segment_runs, DocumentRuns, Repeats, SegmentRuns};
pub use wanted::{Wanted, UNSCORED};

/// Heading paths are indexed joined by this separator.
pub const HEADING_SEPARATOR: &str = " › ";

/// The fields of the passage index, resolved once.
///
/// What belongs to a document (its territory, kind, year) is not repeated on its passages:
/// filters on it are sets of documents, applied while matches are collected.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Position of the document in the corpus.
    pub doc_ord: Field,
    /// Position of the passage in its document.
    pub passage: Field,
    /// The passage's [`text_key`] when another passage of its document has the same
    /// text (0 otherwise): such copies are shown once, so they are counted once.
    pub duplicate: Field,
    /// The passage's section, plus one (0: none). Passages of one section carry the same
    /// heading path, so a phrase found in one is found in all (see [`Repeats`]).
    pub section_ord: Field,
    pub title: Field,
    pub section: Field,
    pub field_label: Field,
    pub text: Field,
    /// The neighbouring terms of the text, the title, the heading path and the field label paired
    /// ([`analysis::pairs`]), with their counts and no positions: a phrase in those
    /// fields is searched through its pairs. The title's and the heading path's are on the
    /// first passage of each run of passages repeating them ([`Repeats`]) only.
    pub pairs: Field,
    pub title_pairs: Field,
    pub section_pairs: Field,
    pub field_label_pairs: Field,
}

impl Fields {
    /// The field holding the pairs of `field`'s neighbouring terms, if it has one (on the
    /// first passage of each run only when `field` [`repeats`](Self::repeats)).
    pub fn pairs_of(&self, field: Field) -> Option<Field> {
        if field == self.text {
            Some(self.pairs)
        } else if field == self.title {
            Some(self.title_pairs)
        } else if field == self.section {
            Some(self.section_pairs)
        } else if field == self.field_label {
            Some(self.field_label_pairs)
        } else {
            None
        }
    }

    /// What `field` repeats from passage to passage: [`write`] gives every passage its
    /// document's title and its section's heading path.
    pub fn repeats(&self, field: Field) -> Option<Repeats> {
        if field == self.title {
            Some(Repeats::Document)
        } else if field == self.section {
            Some(Repeats::Section)
        } else {
            None
        }
    }
}

/// Builds the schema of the passage index.
pub fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let analysed = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let french = analysed(analysis::FRENCH);
    let repeated = analysed(analysis::FRENCH_REPEATED);
    let paired = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs)
                // Scored with the paired field's lengths: the pairs' own are never read.
                .set_fieldnorms(false),
        )
    };
    let fields = Fields {
        doc_ord: builder.add_u64_field("doc_ord", FAST),
        passage: builder.add_u64_field("passage", FAST),
        duplicate: builder.add_u64_field("duplicate", FAST),
        section_ord: builder.add_u64_field("section_ord", FAST),
        title: builder.add_text_field("title", repeated.clone()),
        section: builder.add_text_field("section", repeated),
        field_label: builder.add_text_field("field", french.clone()),
        text: builder.add_text_field("text", analysed(analysis::FRENCH_TEXT)),
        pairs: builder.add_text_field("pairs", paired(analysis::FRENCH_PAIRS)),
        title_pairs: builder.add_text_field("title_pairs", paired(analysis::FRENCH_PAIRS_REPEATED)),
        section_pairs: builder
            .add_text_field("section_pairs", paired(analysis::FRENCH_PAIRS_REPEATED)),
        field_label_pairs: builder.add_text_field("field_pairs", paired(analysis::FRENCH_PAIRS)),
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
        duplicate: get("duplicate")?,
        section_ord: get("section_ord")?,
        title: get("title")?,
        section: get("section")?,
        field_label: get("field")?,
        text: get("text")?,
        pairs: get("pairs")?,
        title_pairs: get("title_pairs")?,
        section_pairs: get("section_pairs")?,
        field_label_pairs: get("field_pairs")?,
    })
}

/// Bytes of tantivy's indexing arena per indexing thread.
const ARENA_PER_THREAD: usize = 640_000_000;

/// What a build learns of the text's terms once every passage is written, for the
/// spelling corrections of [`crate::query`].
pub struct TextTerms {
    /// [`most_passages`] of the text.
    pub most_passages: u64,
    /// [`term_dictionary`] of the text.
    pub dictionary: Vec<u8>,
}

/// Writes every passage of `documents` into a new tantivy index in `dir`; returns what
/// the spelling corrections need of its text ([`TextTerms`]).
pub fn write(dir: &Path, documents: &[Document]) -> Result<TextTerms> {
    let (schema, f) = schema();
    let index = Index::create_in_dir(dir, schema)?;
    analysis::register(&index);
    // Two threads match the machine; the arena is per thread. A thread writes a segment
    // each time its arena fills: a search walks every segment, so the arena is made large
    // enough for 10,000 plans to give one segment per thread (memory is taken as used).
    let n_threads = std::thread::available_parallelism()
        .map(|n| n.get().min(4))
        .unwrap_or(1);
    let mut writer: IndexWriter =
        index.writer_with_num_threads(n_threads, ARENA_PER_THREAD * n_threads)?;
    for (doc_ord, document) in documents.iter().enumerate() {
        // Each section's joined heading path, made once for all its passages.
        let section_paths: Vec<String> = (0..document.sections.len())
            .map(|s| document.heading_path(Some(s)).join(HEADING_SEPARATOR))
            .collect();
        // One batch per document: the indexing threads take a plan at a time
        // instead of waking up for every passage.
        let mut batch = Vec::with_capacity(document.passages.len());
        let keys: Vec<u64> = document
            .passages
            .iter()
            .map(|p| text_key(document.passage_text(p)))
            .collect();
        let mut copies: HashMap<u64, u32> = HashMap::with_capacity(keys.len());
        for &key in &keys {
            *copies.entry(key).or_default() += 1;
        }
        let mut previous_section_ord = None;
        for (i, (passage, &key)) in document.passages.iter().zip(&keys).enumerate() {
            let duplicate = if copies[&key] > 1 { key.max(1) } else { 0 };
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
            let section_ord = passage.section.map_or(0, |s| s as u64 + 1);
            let mut tdoc = doc!(
                f.doc_ord => doc_ord as u64,
                f.passage => passage.id as u64,
                f.duplicate => duplicate,
                f.section_ord => section_ord,
                f.title => document.title.as_str(),
                f.section => section,
                f.text => body,
                f.pairs => body,
            );
            // The pairs of the title and the heading path go on the first passage of their
            // run only (the runs `DocumentRuns` reads back): a search extends them to the
            // rest of the run, which repeats the same text.
            if i == 0 {
                tdoc.add_text(f.title_pairs, document.title.as_str());
            }
            if i == 0 || previous_section_ord != Some(section_ord) {
                tdoc.add_text(f.section_pairs, section);
            }
            previous_section_ord = Some(section_ord);
            if let Some(label) = &passage.field {
                tdoc.add_text(f.field_label, label);
                tdoc.add_text(f.field_label_pairs, label);
            }
            batch.push(UserOperation::Add(tdoc));
        }
        writer.run(batch)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let searcher = index.reader()?.searcher();
    Ok(TextTerms {
        most_passages: most_passages(&searcher, f.text)?,
        dictionary: term_dictionary(&searcher, f.text)?,
    })
}

/// Every term of `field` in one dictionary (an FST) with the passages holding it across
/// segments. A misspelt word is looked up with a Levenshtein automaton walked over the
/// dictionary, and each segment has its own: the two indexing threads write two segments
/// holding nearly the same terms, so one walk here replaces a walk of each (about half
/// the time), and the passages of a term found are read with it.
pub fn term_dictionary(searcher: &tantivy::Searcher, field: Field) -> Result<Vec<u8>> {
    let read_error = |e| Error::io("lecture du dictionnaire des termes", e);
    // Each segment's terms come sorted: merged by taking the least head each time.
    let inverted = searcher
        .segment_readers()
        .iter()
        .map(|segment| segment.inverted_index(field))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut streams = Vec::new();
    for segment in &inverted {
        let mut stream = segment.terms().stream().map_err(read_error)?;
        if stream.advance() {
            streams.push(stream);
        }
    }
    let mut builder = tantivy_fst::MapBuilder::memory();
    // Keys come in order, once each: an error here is a bug, reported as tantivy's own.
    let insert_error = |e: tantivy_fst::Error| {
        Error::Tantivy(tantivy::TantivyError::InternalError(format!(
            "dictionnaire des termes : {e}"
        )))
    };
    while let Some(least) = streams.iter().map(|s| s.key()).min().map(<[u8]>::to_vec) {
        let mut passages = 0;
        let mut i = 0;
        while i < streams.len() {
            if streams[i].key() == least.as_slice() {
                passages += u64::from(streams[i].value().doc_freq);
                if !streams[i].advance() {
                    streams.swap_remove(i);
                    continue;
                }
            }
            i += 1;
        }
        builder.insert(&least, passages).map_err(insert_error)?;
    }
    builder.into_inner().map_err(insert_error)
}

/// The most passages any one term of `field` is in (per segment, summed): no near spelling
/// of a word is in more, so a word in more than a thirtieth of that cannot be outnumbered
/// by a misspelling of it ([`crate::query`]'s corrections), and needs no walk over the
/// dictionary. Written at build time in the generation's `meta.json`: the walk is the
/// dearest part of a one-shot search (half of it at 10,000 plans).
pub fn most_passages(searcher: &tantivy::Searcher, field: Field) -> Result<u64> {
    let mut most = 0;
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .stream()
            .map_err(|e| Error::io("lecture du dictionnaire des termes", e))?;
        let mut in_segment = 0;
        while stream.advance() {
            in_segment = in_segment.max(u64::from(stream.value().doc_freq));
        }
        most += in_segment;
    }
    Ok(most)
}

/// In [`WORD_BYTE_LOWERED`]: the byte ends a run of ASCII word bytes.
const NOT_A_WORD_BYTE: u8 = 0xFF;

/// Per byte, the lower case of an ASCII byte that is not white space, else
/// [`NOT_A_WORD_BYTE`] (white space, or part of a longer character).
static WORD_BYTE_LOWERED: [u8; 256] = {
    let mut table = [NOT_A_WORD_BYTE; 256];
    let mut byte = 0;
    while byte < 128 {
        if !matches!(byte as u8, b' ' | b'\t'..=b'\r') {
            table[byte] = (byte as u8).to_ascii_lowercase();
        }
        byte += 1;
    }
    table
};

/// A key of a text equal for texts equal once case and runs of white space are ignored:
/// the ranking shows one passage per key and document, and counts are made the same way.
pub fn text_key(text: &str) -> u64 {
    // FNV-1a over the lower-cased words, one space between them. A run of ASCII letters
    // is hashed in a loop of its own (nearly all of a text): the build keys every passage.
    const PRIME: u64 = 0x0100_0000_01b3;
    let fnv = |hash: u64, byte: u8| (hash ^ u64::from(byte)).wrapping_mul(PRIME);
    let is_ascii_space = |byte: u8| matches!(byte, b' ' | b'\t'..=b'\r');
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    // A space is owed before the next word: white space was seen after a word.
    let (mut in_text, mut space_owed) = (false, false);
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        let c = if byte.is_ascii() {
            if is_ascii_space(byte) {
                space_owed = in_text;
                at += 1;
                continue;
            }
            None
        } else {
            let c = text[at..].chars().next().expect("a char boundary");
            if c.is_whitespace() {
                space_owed = in_text;
                at += c.len_utf8();
                continue;
            }
            Some(c)
        };
        if space_owed {
            hash = fnv(hash, b' ');
            space_owed = false;
        }
        in_text = true;
        match c {
            None => {
                while let Some(&byte) = bytes.get(at) {
                    let lower = WORD_BYTE_LOWERED[usize::from(byte)];
                    if lower == NOT_A_WORD_BYTE {
                        break;
                    }
                    hash = fnv(hash, lower);
                    at += 1;
                }
            }
            Some(c) => {
                let mut buffer = [0u8; 4];
                for lower in c.to_lowercase() {
                    for &byte in lower.encode_utf8(&mut buffer).as_bytes() {
                        hash = fnv(hash, byte);
                    }
                }
                at += c.len_utf8();
            }
        }
    }
    hash
}

/// True for the passage that only repeats its section's heading.
pub fn is_heading_only(document: &Document, passage: &Passage) -> bool {
    passage.field.is_none()
        && passage
            .section
            .and_then(|s| document.sections.get(s))
            .is_some_and(|s| {
                crate::text::same_but_spacing(document.passage_text(passage), &s.heading)
            })
}

/// Opens the tantivy index in `dir` with the French analyzer registered.
///
/// The index's executor walks a search's segments on every core at once: the writer makes
/// one segment per indexing thread, so a lone search uses the whole machine. Under load a
/// search walks them on its own thread instead (`query::in_flight`).
pub fn open(dir: &Path) -> Result<(Index, Fields)> {
    let mut index = Index::open_in_dir(dir)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores > 1 && index.searchable_segment_metas()?.len() > 1 {
        index.set_multithread_executor(cores.min(8))?;
    }
    analysis::register(&index);
    let fields = fields_of(&index.schema())?;
    Ok((index, fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`text_key`] as defined: FNV-1a over the words lower-cased, joined by one space.
    fn text_key_by_words(text: &str) -> u64 {
        let joined = text
            .split_whitespace()
            .map(|word| {
                word.chars()
                    .flat_map(char::to_lowercase)
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join(" ");
        joined.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    proptest::proptest! {
        #[test]
        fn text_key_hashes_the_lower_cased_words_joined_by_one_space(
            pieces in proptest::collection::vec(0..16usize, 0..24),
        ) {
            const PIECES: [&str; 16] = [
                "Soutien", " ", "à", "PARENTALITÉ", "\n", "\u{a0}", "\t\r\n", "ŒUVRE",
                "\u{2009}", "İ", "l’enfant", "\u{1c}", "ẞ", "x\u{85}y", "\u{b}\u{c}", "ΟΔΟΣ",
            ];
            let text: String = pieces.iter().map(|&i| PIECES[i]).collect();
            proptest::prop_assert_eq!(text_key(&text), text_key_by_words(&text), "{:?}", text);
        }
    }

    #[test]
    fn most_passages_bounds_every_term_across_segments() {
        // Two segments: « famille » leads the first, « jeunesse » the second.
        let (index, text) = crate::test_support::segments_of(&[
            &["famille jeunesse", "famille", "famille ecole"],
            &["jeunesse", "jeunesse ecole", "jeunesse", "famille"],
        ]);
        let searcher = index.reader().unwrap().searcher();
        // 3 in the first segment and 3 in the second: a bound, above any one term's 4.
        assert_eq!(most_passages(&searcher, text).unwrap(), 6);
        for word in ["famille", "jeunesse", "ecole"] {
            let n = searcher
                .doc_freq(&tantivy::Term::from_field_text(text, word))
                .unwrap();
            assert!(n <= 6, "{word}: {n}");
        }
    }

    #[test]
    fn the_term_dictionary_holds_every_segment_s_terms_with_their_passages() {
        let (index, text) = crate::test_support::segments_of(&[
            &["famille jeunesse", "famille", "ecole maternelle"],
            &["jeunesse", "jeunesse ecole", "accueil", "famille"],
        ]);
        let searcher = index.reader().unwrap().searcher();
        let map = tantivy_fst::Map::from_bytes(term_dictionary(&searcher, text).unwrap()).unwrap();
        let terms = map.stream().into_str_vec().unwrap();
        assert_eq!(
            terms,
            [
                ("accueil".to_string(), 1),
                ("ecole".to_string(), 2),
                ("famille".to_string(), 3),
                ("jeunesse".to_string(), 3),
                ("maternelle".to_string(), 1),
            ]
        );
        for (term, passages) in terms {
            let n = searcher
                .doc_freq(&tantivy::Term::from_field_text(text, &term))
                .unwrap();
            assert_eq!(n, passages, "{term}");
        }
    }
}
