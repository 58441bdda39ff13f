//! `documents.bin`: every document's text and outline, read in place.
//!
//! Why not deserialise the documents at start-up like the rest of the knowledge: texts are
//! most of a corpus (a national one is gigabytes), and a search only ever shows a handful of
//! passages. So the file is laid out as fixed-size little-endian records and blobs that are
//! memory-mapped and read where they lie: opening costs a few system calls whatever the
//! corpus size, and memory holds only the pages a user looked at.
//!
//! Layout (all integers little-endian):
//!
//! ```text
//! header    magic "MLGDOCS2", n_docs u32, n_fields u32,
//!           then (offset u64, length u64) of: docs, sections, passages, fields, strings, texts
//! docs      per document 40 bytes: text offset u64, text bytes u64, first section u32,
//!           sections u32, first passage u32, passages u32, chars u32, reserved u32
//! sections  per section 32 bytes: parent u32, depth u16, kind u8, reserved u8, start u32,
//!           end u32, heading (offset u32, bytes u32), number (offset u32, bytes u32)
//! passages  per passage 24 bytes: section u32, field u32, start u32, end u32,
//!           byte start u32, byte end u32 (in the document's text)
//! fields    per field label 8 bytes: (offset u32, bytes u32) in strings
//! strings   headings, numbers and field labels, UTF-8
//! texts     document texts, UTF-8
//! ```
//!
//! `u32::MAX` stands for "none". Every read is bounds-checked and every string is checked to
//! be UTF-8 when read, so a damaged file gives errors or empty answers, never a panic.

use std::collections::HashMap;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use memmap2::Mmap;

use crate::model::{Document, Passage, Section, SectionKind};
use crate::{Error, Result};

const MAGIC: &[u8; 8] = b"MLGDOCS2";
const N_PARTS: usize = 6;
const HEADER_BYTES: usize = 8 + 4 + 4 + N_PARTS * 16;
const DOC_BYTES: usize = 40;
const SECTION_BYTES: usize = 32;
const PASSAGE_BYTES: usize = 24;
const FIELD_BYTES: usize = 8;
const NONE: u32 = u32::MAX;

/// The parts of the file, in header order.
#[derive(Clone, Copy)]
enum Part {
    Docs = 0,
    Sections = 1,
    Passages = 2,
    Fields = 3,
    Strings = 4,
    Texts = 5,
}

const SECTION_KINDS: [SectionKind; 7] = [
    SectionKind::Part,
    SectionKind::Axe,
    SectionKind::Enjeu,
    SectionKind::Orientation,
    SectionKind::Objectif,
    SectionKind::Action,
    SectionKind::Heading,
];

fn kind_code(kind: SectionKind) -> u8 {
    SECTION_KINDS.iter().position(|k| *k == kind).unwrap_or(6) as u8
}

fn to_u32(value: usize, what: &str, path: &Path) -> Result<u32> {
    u32::try_from(value)
        .ok()
        .filter(|v| *v != NONE)
        .ok_or_else(|| Error::Store {
            path: path.to_path_buf(),
            message: format!("{what} {value} is too large for the document store"),
        })
}

fn opt_u32(value: Option<usize>, what: &str, path: &Path) -> Result<u32> {
    value.map_or(Ok(NONE), |v| to_u32(v, what, path))
}

/// Writes `documents` to `path` (synced), in the layout of the module doc.
pub fn write(path: &Path, documents: &[Document]) -> Result<()> {
    let mut parts = Parts::new(path, documents.len());
    for document in documents {
        parts.add_document(document)?;
    }
    let header = parts.header(documents.len())?;
    let parts_in_order: [&[u8]; 5] = [
        &parts.docs,
        &parts.sections,
        &parts.passages,
        &parts.fields,
        &parts.strings,
    ];
    let io_error = |e: std::io::Error| Error::io(format!("writing {}", path.display()), e);
    let file = fs::File::create(path).map_err(io_error)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    out.write_all(&header).map_err(io_error)?;
    for part in parts_in_order {
        out.write_all(part).map_err(io_error)?;
    }
    for document in documents {
        out.write_all(document.text.as_bytes()).map_err(io_error)?;
    }
    let file = out.into_inner().map_err(|e| io_error(e.into_error()))?;
    file.sync_all().map_err(io_error)
}

/// The record parts of `documents.bin` as they are written, document after document.
struct Parts<'d> {
    path: &'d Path,
    docs: Vec<u8>,
    sections: Vec<u8>,
    passages: Vec<u8>,
    fields: Vec<u8>,
    strings: Vec<u8>,
    field_ids: HashMap<&'d str, u32>,
    n_sections: usize,
    n_passages: usize,
    text_offset: u64,
}

impl<'d> Parts<'d> {
    fn new(path: &'d Path, n_documents: usize) -> Parts<'d> {
        Parts {
            path,
            docs: Vec::with_capacity(n_documents * DOC_BYTES),
            sections: Vec::new(),
            passages: Vec::new(),
            fields: Vec::new(),
            strings: Vec::new(),
            field_ids: HashMap::new(),
            n_sections: 0,
            n_passages: 0,
            text_offset: 0,
        }
    }

    fn add_string(&mut self, s: &str) -> Result<(u32, u32)> {
        let offset = to_u32(self.strings.len(), "string offset", self.path)?;
        self.strings.extend_from_slice(s.as_bytes());
        Ok((offset, to_u32(s.len(), "string length", self.path)?))
    }

    fn add_document(&mut self, document: &'d Document) -> Result<()> {
        let path = self.path;
        self.docs.extend_from_slice(&self.text_offset.to_le_bytes());
        self.docs
            .extend_from_slice(&(document.text.len() as u64).to_le_bytes());
        for n in [
            self.n_sections,
            document.sections.len(),
            self.n_passages,
            document.passages.len(),
            document.text.chars().count(),
        ] {
            self.docs
                .extend_from_slice(&to_u32(n, "count", path)?.to_le_bytes());
        }
        self.docs.extend_from_slice(&0u32.to_le_bytes());
        self.text_offset += document.text.len() as u64;
        self.n_sections += document.sections.len();
        self.n_passages += document.passages.len();
        for section in &document.sections {
            self.add_section(section)?;
        }
        for passage in &document.passages {
            self.add_passage(passage)?;
        }
        Ok(())
    }

    fn add_section(&mut self, section: &Section) -> Result<()> {
        let path = self.path;
        let heading = self.add_string(&section.heading)?;
        let number = match &section.number {
            Some(number) => self.add_string(number)?,
            None => (NONE, 0),
        };
        let sections = &mut self.sections;
        sections.extend_from_slice(&opt_u32(section.parent, "parent", path)?.to_le_bytes());
        let depth = u16::try_from(section.depth).unwrap_or(u16::MAX);
        sections.extend_from_slice(&depth.to_le_bytes());
        sections.push(kind_code(section.kind));
        sections.push(0);
        for n in [section.start, section.end] {
            sections.extend_from_slice(&to_u32(n, "offset", path)?.to_le_bytes());
        }
        for n in [heading.0, heading.1, number.0, number.1] {
            sections.extend_from_slice(&n.to_le_bytes());
        }
        Ok(())
    }

    fn add_passage(&mut self, passage: &'d Passage) -> Result<()> {
        let path = self.path;
        let field = match passage.field.as_deref() {
            Some(label) => self.field_id(label)?,
            None => NONE,
        };
        let section = opt_u32(passage.section, "section", path)?;
        self.passages.extend_from_slice(&section.to_le_bytes());
        self.passages.extend_from_slice(&field.to_le_bytes());
        for n in [
            passage.start,
            passage.end,
            passage.byte_start,
            passage.byte_end,
        ] {
            self.passages
                .extend_from_slice(&to_u32(n, "offset", path)?.to_le_bytes());
        }
        Ok(())
    }

    /// The id of a field label, given the first time it is met.
    fn field_id(&mut self, label: &'d str) -> Result<u32> {
        if let Some(&id) = self.field_ids.get(label) {
            return Ok(id);
        }
        let id = to_u32(self.field_ids.len(), "field", self.path)?;
        let (offset, len) = self.add_string(label)?;
        self.fields.extend_from_slice(&offset.to_le_bytes());
        self.fields.extend_from_slice(&len.to_le_bytes());
        self.field_ids.insert(label, id);
        Ok(id)
    }

    /// The header: counts, then where each part lies, the texts last.
    fn header(&self, n_documents: usize) -> Result<Vec<u8>> {
        let n_docs = to_u32(n_documents, "document count", self.path)?;
        let n_fields = to_u32(self.field_ids.len(), "field count", self.path)?;
        let mut header = Vec::with_capacity(HEADER_BYTES);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&n_docs.to_le_bytes());
        header.extend_from_slice(&n_fields.to_le_bytes());
        let mut offset = HEADER_BYTES as u64;
        for part in [
            &self.docs,
            &self.sections,
            &self.passages,
            &self.fields,
            &self.strings,
        ] {
            header.extend_from_slice(&offset.to_le_bytes());
            header.extend_from_slice(&(part.len() as u64).to_le_bytes());
            offset += part.len() as u64;
        }
        header.extend_from_slice(&offset.to_le_bytes());
        header.extend_from_slice(&self.text_offset.to_le_bytes());
        Ok(header)
    }
}

/// One passage as stored: its span, section and field, and its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassageRef<'a> {
    pub id: usize,
    pub section: Option<usize>,
    pub field: Option<&'a str>,
    /// Character offsets in the document's text.
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
}

/// The documents of one generation, memory-mapped.
pub struct DocStore {
    path: PathBuf,
    map: Option<Mmap>,
    n_docs: usize,
    n_fields: usize,
    parts: [(usize, usize); N_PARTS],
}

impl std::fmt::Debug for DocStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocStore")
            .field("path", &self.path)
            .field("n_docs", &self.n_docs)
            .finish()
    }
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    bytes
        .get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn read_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at + 8)?;
    let mut array = [0u8; 8];
    array.copy_from_slice(b);
    Some(u64::from_le_bytes(array))
}

fn some(value: u32) -> Option<usize> {
    (value != NONE).then_some(value as usize)
}

/// A document's record.
#[derive(Debug, Clone, Copy)]
struct DocRecord {
    text_offset: usize,
    text_len: usize,
    first_section: usize,
    n_sections: usize,
    first_passage: usize,
    n_passages: usize,
    n_chars: usize,
}

impl DocStore {
    /// Opens `path`, checking its header; the records are checked as they are read.
    pub fn open(path: &Path) -> Result<DocStore> {
        let (file, meta) = super::open_index_file(path)?;
        let len = meta.len();
        let corrupt = |message: &str| Error::Store {
            path: path.to_path_buf(),
            message: format!("{message}: rebuild with `maillage index`"),
        };
        if len < HEADER_BYTES as u64 {
            return Err(corrupt("the document store is truncated"));
        }
        // SAFETY: a generation's files are written once, synced, and never modified after
        // publication (a rebuild writes a new generation); removing the file keeps the mapping
        // valid. Nothing in maillage writes to a published generation.
        let map = unsafe { Mmap::map(&file) }
            .map_err(|e| Error::io(format!("mapping {}", path.display()), e))?;
        let bytes: &[u8] = &map;
        if &bytes[..8] != MAGIC {
            return Err(corrupt("not a maillage document store"));
        }
        let n_docs = read_u32(bytes, 8).unwrap_or(0) as usize;
        let n_fields = read_u32(bytes, 12).unwrap_or(0) as usize;
        let mut parts = [(0usize, 0usize); N_PARTS];
        for (i, part) in parts.iter_mut().enumerate() {
            let offset = read_u64(bytes, 16 + i * 16).unwrap_or(u64::MAX);
            let length = read_u64(bytes, 24 + i * 16).unwrap_or(u64::MAX);
            let end = offset.saturating_add(length);
            if end > len {
                return Err(corrupt("the document store is truncated"));
            }
            *part = (offset as usize, length as usize);
        }
        let store = DocStore {
            path: path.to_path_buf(),
            map: Some(map),
            n_docs,
            n_fields,
            parts,
        };
        if store.part(Part::Docs).len() != n_docs * DOC_BYTES
            || store.part(Part::Fields).len() != n_fields * FIELD_BYTES
            || !store
                .part(Part::Sections)
                .len()
                .is_multiple_of(SECTION_BYTES)
            || !store
                .part(Part::Passages)
                .len()
                .is_multiple_of(PASSAGE_BYTES)
        {
            return Err(corrupt(
                "the document store's tables do not match its header",
            ));
        }
        Ok(store)
    }

    /// A store with no documents (an index built from an empty corpus, or tests).
    pub fn empty() -> DocStore {
        DocStore {
            path: PathBuf::new(),
            map: None,
            n_docs: 0,
            n_fields: 0,
            parts: [(0, 0); N_PARTS],
        }
    }

    fn part(&self, part: Part) -> &[u8] {
        let Some(map) = &self.map else {
            return &[];
        };
        let (offset, length) = self.parts[part as usize];
        map.get(offset..offset + length).unwrap_or(&[])
    }

    fn string(&self, offset: u32, len: u32) -> Option<&str> {
        if offset == NONE {
            return None;
        }
        let (offset, len) = (offset as usize, len as usize);
        let bytes = self
            .part(Part::Strings)
            .get(offset..offset.checked_add(len)?)?;
        std::str::from_utf8(bytes).ok()
    }

    /// A document's record, or `None` when it points outside the tables (a
    /// damaged file must not make a loop run over four billion sections).
    fn record(&self, doc: usize) -> Option<DocRecord> {
        if doc >= self.n_docs {
            return None;
        }
        let table = self.part(Part::Docs);
        let at = doc * DOC_BYTES;
        let u32_at = |i: usize| read_u32(table, at + 16 + i * 4).map(|v| v as usize);
        let record = DocRecord {
            text_offset: read_u64(table, at)? as usize,
            text_len: read_u64(table, at + 8)? as usize,
            first_section: u32_at(0)?,
            n_sections: u32_at(1)?,
            first_passage: u32_at(2)?,
            n_passages: u32_at(3)?,
            n_chars: u32_at(4)?,
        };
        let fits = |first: usize, n: usize, part: Part, bytes: usize| {
            first
                .checked_add(n)
                .is_some_and(|end| end <= self.part(part).len() / bytes)
        };
        let text_fits = record
            .text_offset
            .checked_add(record.text_len)
            .is_some_and(|end| end <= self.part(Part::Texts).len());
        (fits(
            record.first_section,
            record.n_sections,
            Part::Sections,
            SECTION_BYTES,
        ) && fits(
            record.first_passage,
            record.n_passages,
            Part::Passages,
            PASSAGE_BYTES,
        ) && text_fits)
            .then_some(record)
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.n_docs
    }

    pub fn is_empty(&self) -> bool {
        self.n_docs == 0
    }

    /// The whole text of a document.
    pub fn text(&self, doc: usize) -> Option<&str> {
        let record = self.record(doc)?;
        let end = record.text_offset.checked_add(record.text_len)?;
        let bytes = self.part(Part::Texts).get(record.text_offset..end)?;
        std::str::from_utf8(bytes).ok()
    }

    /// Number of characters of a document's text.
    pub fn n_chars(&self, doc: usize) -> usize {
        self.record(doc).map_or(0, |r| r.n_chars)
    }

    pub fn n_passages(&self, doc: usize) -> usize {
        self.record(doc).map_or(0, |r| r.n_passages)
    }

    pub fn n_sections(&self, doc: usize) -> usize {
        self.record(doc).map_or(0, |r| r.n_sections)
    }

    fn field(&self, id: u32) -> Option<&str> {
        let id = some(id)?;
        if id >= self.n_fields {
            return None;
        }
        let table = self.part(Part::Fields);
        self.string(
            read_u32(table, id * FIELD_BYTES)?,
            read_u32(table, id * FIELD_BYTES + 4)?,
        )
    }

    /// A document's record and where the row of one of its passages starts in the passage
    /// table, or `None` when the document has no such passage.
    fn passage_row(&self, doc: usize, passage: usize) -> Option<(DocRecord, usize)> {
        let record = self.record(doc)?;
        if passage >= record.n_passages {
            return None;
        }
        let at = record
            .first_passage
            .checked_add(passage)?
            .checked_mul(PASSAGE_BYTES)?;
        Some((record, at))
    }

    /// Where the row of one section of a document starts in the section table, or `None`
    /// when the document has no such section.
    fn section_row(&self, doc: usize, section: usize) -> Option<usize> {
        let record = self.record(doc)?;
        if section >= record.n_sections {
            return None;
        }
        record
            .first_section
            .checked_add(section)?
            .checked_mul(SECTION_BYTES)
    }

    /// One passage of a document.
    pub fn passage(&self, doc: usize, passage: usize) -> Option<PassageRef<'_>> {
        let (record, at) = self.passage_row(doc, passage)?;
        let table = self.part(Part::Passages);
        let word = |i: usize| read_u32(table, at + i * 4);
        let (byte_start, byte_end) = (word(4)? as usize, word(5)? as usize);
        let text_start = record.text_offset.checked_add(byte_start)?;
        let text_end = record.text_offset.checked_add(byte_end)?;
        if byte_end > record.text_len || text_start > text_end {
            return None;
        }
        let text = std::str::from_utf8(self.part(Part::Texts).get(text_start..text_end)?).ok()?;
        Some(PassageRef {
            id: passage,
            section: some(word(0)?).filter(|&s| s < record.n_sections),
            field: self.field(word(1)?),
            start: word(2)? as usize,
            end: word(3)? as usize,
            text,
        })
    }

    /// Where one passage of a document lies: its section, and whether it is the value of a
    /// field label. Its text is not read (nor checked): what a pass over many passages needs
    /// when it wants their place only.
    pub fn passage_place(&self, doc: usize, passage: usize) -> Option<(Option<usize>, bool)> {
        let (record, at) = self.passage_row(doc, passage)?;
        let table = self.part(Part::Passages);
        let section = some(read_u32(table, at)?).filter(|&s| s < record.n_sections);
        let field = some(read_u32(table, at + 4)?).is_some_and(|id| id < self.n_fields);
        Some((section, field))
    }

    /// A slice of a document's text holding the characters `start..end` and `context`
    /// characters on each side where the text has them, with the character offset where the
    /// slice begins: evidence is shown in context without reading (and checking) the whole
    /// text. Cut at passage boundaries, the only places whose byte offsets are known.
    pub fn text_around(
        &self,
        doc: usize,
        start: usize,
        end: usize,
        context: usize,
    ) -> Option<(&str, usize)> {
        let record = self.record(doc)?;
        let table = self.part(Part::Passages);
        // (char start, byte start, char end, byte end) of a passage.
        let bounds = |p: usize| -> Option<(usize, usize, usize, usize)> {
            let at = record
                .first_passage
                .checked_add(p)?
                .checked_mul(PASSAGE_BYTES)?;
            let word = |i: usize| read_u32(table, at + i * 4).map(|w| w as usize);
            Some((word(2)?, word(4)?, word(3)?, word(5)?))
        };
        let n = record.n_passages;
        let (want_from, want_to) = (start.saturating_sub(context), end.saturating_add(context));
        // The last passage starting at or before `want_from`, the first ending at or after
        // `want_to` (passages are in text order).
        let first_after = |pred: &dyn Fn(usize) -> bool| -> usize {
            let (mut lo, mut hi) = (0, n);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if pred(mid) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            lo
        };
        let after_from = first_after(&|p| bounds(p).is_none_or(|b| b.0 > want_from));
        let (char_from, byte_from) = match after_from.checked_sub(1) {
            Some(p) => bounds(p).map(|b| (b.0, b.1))?,
            None => (0, 0),
        };
        let reaching = first_after(&|p| bounds(p).is_none_or(|b| b.2 >= want_to));
        let byte_to = if reaching < n {
            bounds(reaching)?.3
        } else {
            record.text_len
        };
        if byte_from > byte_to || byte_to > record.text_len {
            return None;
        }
        let from = record.text_offset.checked_add(byte_from)?;
        let to = record.text_offset.checked_add(byte_to)?;
        let text = std::str::from_utf8(self.part(Part::Texts).get(from..to)?).ok()?;
        Some((text, char_from))
    }

    /// Every passage of a document, in order.
    pub fn passages(&self, doc: usize) -> impl Iterator<Item = PassageRef<'_>> + '_ {
        (0..self.n_passages(doc)).filter_map(move |p| self.passage(doc, p))
    }

    /// One section of a document.
    pub fn section(&self, doc: usize, section: usize) -> Option<Section> {
        let (heading, parent) = self.heading(doc, section)?;
        let at = self.section_row(doc, section)?;
        let table = self.part(Part::Sections);
        let depth = table
            .get(at + 4..at + 6)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))?;
        let kind = self.section_kind(doc, section)?;
        Some(Section {
            id: section,
            parent,
            depth: usize::from(depth),
            kind,
            number: self
                .string(read_u32(table, at + 24)?, read_u32(table, at + 28)?)
                .map(str::to_string),
            heading: heading.to_string(),
            start: read_u32(table, at + 8)? as usize,
            end: read_u32(table, at + 12)? as usize,
        })
    }

    /// A section's kind, without reading its heading.
    pub fn section_kind(&self, doc: usize, section: usize) -> Option<SectionKind> {
        let at = self.section_row(doc, section)?;
        let kind = *self.part(Part::Sections).get(at + 6)?;
        Some(
            SECTION_KINDS
                .get(usize::from(kind))
                .copied()
                .unwrap_or(SectionKind::Heading),
        )
    }

    /// A section's heading and parent, without copying.
    pub fn heading(&self, doc: usize, section: usize) -> Option<(&str, Option<usize>)> {
        let at = self.section_row(doc, section)?;
        let table = self.part(Part::Sections);
        let parent = some(read_u32(table, at)?).filter(|&p| p < section);
        let heading = self.string(read_u32(table, at + 16)?, read_u32(table, at + 20)?)?;
        Some((heading, parent))
    }

    /// Headings from the outermost section down to `section` (empty for none).
    pub fn heading_path(&self, doc: usize, section: Option<usize>) -> Vec<&str> {
        let mut path = Vec::new();
        let mut current = section;
        while let Some((heading, parent)) = current.and_then(|s| self.heading(doc, s)) {
            path.push(heading);
            current = parent;
        }
        path.reverse();
        path
    }

    /// The outline of a document.
    pub fn sections(&self, doc: usize) -> Vec<Section> {
        (0..self.n_sections(doc))
            .filter_map(|s| self.section(doc, s))
            .collect()
    }

    /// A document rebuilt whole from the store (its metadata left empty): for tests and
    /// tools that want the build-time shape.
    pub fn document(&self, doc: usize) -> Option<Document> {
        let text = self.text(doc)?;
        let passages = (0..self.n_passages(doc))
            .map(|p| {
                let (_, at) = self.passage_row(doc, p)?;
                let table = self.part(Part::Passages);
                let passage = self.passage(doc, p)?;
                Some(Passage {
                    id: p,
                    section: passage.section,
                    field: passage.field.map(str::to_string),
                    start: passage.start,
                    end: passage.end,
                    byte_start: read_u32(table, at + 16)? as usize,
                    byte_end: read_u32(table, at + 20)? as usize,
                })
            })
            .collect::<Option<Vec<Passage>>>()?;
        Some(Document {
            text: text.to_string(),
            sections: self.sections(doc),
            passages,
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests;
