//! The index folder on disk, and why a build can never break it.
//!
//! Every build writes a complete new *generation* (`gen-NNNNNN/`: the tantivy
//! index, the documents ([`documents`], read in place), the knowledge store
//! (summaries, glossary, catalog: loaded whole, small), the graph,
//! `meta.json`) beside the live one,
//! then publishes it by atomically renaming a small `CURRENT` file that names
//! it. A build killed at any moment leaves at worst an unfinished
//! `*.tmp` folder that the next build removes; readers always follow
//! `CURRENT` to a finished generation. The previous generation is kept so a
//! server still reading it is not pulled from under its feet.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

pub mod documents;
mod manifest;

use crate::extract::acronyms::Glossary;
use crate::extract::entities::Catalog;
use crate::extract::territory::{self, Cog};
use crate::ingest::Skipped;
use crate::model::{DocKind, Document, DocumentRef, Source, Territory};
use crate::{Error, Result};
pub use documents::{DocStore, PassageRef};

const CURRENT: &str = "CURRENT";
const KNOWLEDGE: &str = "knowledge.bin";
const DOCUMENTS: &str = "documents.bin";
const META: &str = "meta.json";
/// The text's terms of every segment in one dictionary ([`crate::index::term_dictionary`]).
const SPELLINGS: &str = "spellings.fst";
/// Bumped whenever the on-disk format changes, so an old index is rebuilt, not misread
/// (8: each passage's section in the search index; 9: pairs of neighbouring terms;
/// 10: the body text's own analyzer name, [`crate::analysis::FRENCH_TEXT`]).
pub const FORMAT_VERSION: u32 = 10;

/// Everything the pipeline learnt about the corpus that a server keeps in
/// memory: what each document is, the glossary and the catalog. Texts and
/// outlines stay in the [`DocStore`].
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Knowledge {
    pub documents: Vec<DocumentInfo>,
    pub glossary: Glossary,
    pub catalog: Catalog,
    /// The corpus files left out of this generation, and why.
    pub skipped: Vec<Skipped>,
}

/// What is known of one document without reading its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentInfo {
    pub doc_id: String,
    pub title: String,
    pub kind: Option<DocKind>,
    pub year: Option<u16>,
    pub territory: Option<Territory>,
    /// The codes of its territory and of the territories containing it.
    pub territory_keys: Vec<String>,
    pub n_sections: usize,
    pub n_passages: usize,
    /// The file it was read from.
    pub source: Source,
    /// Character offsets where its pages start (empty when unpaged).
    pub pages: Vec<u32>,
}

impl DocumentInfo {
    /// The 1-based page of the character at `offset`, for paged documents.
    pub fn page_of(&self, offset: usize) -> Option<u32> {
        crate::model::page_of(&self.pages, offset)
    }

    /// How an answer cites this document: id, title, territory and year.
    pub fn cited(&self) -> DocumentRef {
        DocumentRef {
            doc_id: self.doc_id.clone(),
            doc_title: self.title.clone(),
            territory: self.territory.clone(),
            year: self.year,
            format: Some(self.source.format),
        }
    }

    pub fn of(document: &Document) -> DocumentInfo {
        DocumentInfo {
            doc_id: document.doc_id.clone(),
            title: document.title.clone(),
            kind: document.kind,
            year: document.year,
            territory: document.territory.clone(),
            territory_keys: document
                .territory
                .as_ref()
                .map(|t| territory::codes_containing(t, Cog::get()))
                .unwrap_or_default(),
            n_sections: document.sections.len(),
            n_passages: document.passages.len(),
            source: document.source.clone(),
            pages: document.pages.clone(),
        }
    }
}

/// What a generation says about itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    pub format_version: u32,
    /// The corpus folder it was built from, as given.
    pub corpus: PathBuf,
    /// Seconds since the Unix epoch.
    pub built_at: u64,
    pub n_documents: usize,
    pub n_passages: usize,
    /// What the corpus folder looked like when the build started (see
    /// [`corpus_fingerprint`]); a different value means the index is stale.
    #[serde(default)]
    pub corpus_fingerprint: String,
    /// The most passages one term of the text is in ([`crate::index::most_passages`]);
    /// absent from generations written before it was, read from the index then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub most_text_passages: Option<u64>,
}

/// Paths of one generation.
#[derive(Debug, Clone)]
pub struct Generation {
    pub dir: PathBuf,
}

impl Generation {
    pub fn tantivy_dir(&self) -> PathBuf {
        self.dir.join("tantivy")
    }
    pub fn graph_dir(&self) -> PathBuf {
        self.dir.join("graph")
    }
    pub fn knowledge_path(&self) -> PathBuf {
        self.dir.join(KNOWLEDGE)
    }
    pub fn meta_path(&self) -> PathBuf {
        self.dir.join(META)
    }

    pub fn read_meta(&self) -> Result<Meta> {
        let path = self.meta_path();
        let bytes = read_index_file(&path, MAX_INDEX_FILE)?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Damaged {
            path,
            reason: format!("illisible : {e}"),
        })
    }

    pub fn documents_path(&self) -> PathBuf {
        self.dir.join(DOCUMENTS)
    }

    pub fn spellings_path(&self) -> PathBuf {
        self.dir.join(SPELLINGS)
    }

    /// The text's dictionary ([`crate::index::term_dictionary`]); `None` for a generation
    /// written before it was (its segments' own dictionaries are walked then).
    pub fn read_spellings(&self) -> Result<Option<tantivy_fst::Map<Vec<u8>>>> {
        let path = self.spellings_path();
        if !path.exists() {
            return Ok(None);
        }
        let bytes = read_index_file(&path, MAX_INDEX_FILE)?;
        tantivy_fst::Map::from_bytes(bytes)
            .map(Some)
            .map_err(|e| Error::Damaged {
                path,
                reason: format!("illisible : {e}"),
            })
    }

    pub fn read_knowledge(&self) -> Result<Knowledge> {
        let path = self.knowledge_path();
        let bytes = read_index_file(&path, MAX_INDEX_FILE)?;
        bincode::deserialize(&bytes).map_err(|e| Error::Damaged {
            path: path.clone(),
            reason: format!("illisible : {e}"),
        })
    }

    /// Checks every file of the generation against the checksums written when
    /// it was built: [`Error::Damaged`] names the first missing, truncated or
    /// changed file.
    pub fn verify(&self) -> Result<()> {
        manifest::verify(&self.dir)
    }

    /// The documents' texts and outlines, mapped, not read.
    pub fn open_documents(&self) -> Result<DocStore> {
        DocStore::open(&self.documents_path())
    }
}

/// Largest `meta.json` or `knowledge.bin` read (a national corpus's knowledge is a
/// few hundred MB): a damaged or hostile index cannot make a read take all memory.
const MAX_INDEX_FILE: u64 = 8 << 30;

/// The bytes of one file of an index, which must be a regular file of at most
/// `limit` bytes. Opened without blocking: a FIFO or a device put in its place
/// is an error, never a hang or an endless read.
pub fn read_index_file(path: &Path, limit: u64) -> Result<Vec<u8>> {
    crate::ingest::read_bounded(path, limit).map_err(|e| index_file_error(path, e))
}

/// Opens one file of an index without blocking and checks it is a regular file
/// (a FIFO, a device or a folder in its place is an error, never a hang).
pub fn open_index_file(path: &Path) -> Result<(fs::File, fs::Metadata)> {
    crate::ingest::open_regular(path).map_err(|e| index_file_error(path, e))
}

fn index_file_error(path: &Path, error: crate::ingest::ReadError) -> Error {
    use crate::ingest::ReadError;
    let refuse = |message: String| Error::Store {
        path: path.to_path_buf(),
        message: format!("{message} : reconstruisez avec `maillage index`"),
    };
    match error {
        ReadError::Io(e) => Error::io(format!("lecture de {}", path.display()), e),
        ReadError::NotRegular => refuse("pas un fichier ordinaire".into()),
        ReadError::TooLarge { bytes } => refuse(format!("{bytes} octets, plus qu'attendu")),
    }
}

/// The generation `CURRENT` points to in `index_dir`, if any.
pub fn current(index_dir: &Path) -> Result<Generation> {
    let pointer = index_dir.join(CURRENT);
    if !pointer.exists() && fs::symlink_metadata(&pointer).is_err() {
        return Err(Error::MissingIndex(index_dir.to_path_buf()));
    }
    // A generation name is a few dozen bytes: anything longer is not ours.
    let name = String::from_utf8_lossy(&read_index_file(&pointer, 256)?)
        .trim()
        .to_string();
    let valid = name.starts_with("gen-")
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !name.contains("..");
    let dir = index_dir.join(&name);
    if !valid || !dir.is_dir() {
        // Never echo what the file holds: it may be anything the link points to.
        return Err(Error::Store {
            path: pointer,
            message: "does not name a generation of this index: rebuild with `maillage index`"
                .to_string(),
        });
    }
    let generation = Generation { dir };
    let meta = generation.read_meta()?;
    if meta.format_version != FORMAT_VERSION {
        return Err(Error::Store {
            path: generation.meta_path(),
            message: format!(
                "index format {} but this maillage reads format {FORMAT_VERSION}: rebuild with `maillage index`",
                meta.format_version
            ),
        });
    }
    Ok(generation)
}

/// A generation being written; [`Staging::publish`] makes it current.
#[derive(Debug)]
pub struct Staging {
    index_dir: PathBuf,
    name: String,
    pub generation: Generation,
}

/// Starts a new generation in `index_dir` (created if needed), removing the
/// leftovers of interrupted builds.
pub fn stage(index_dir: &Path) -> Result<Staging> {
    fs::create_dir_all(index_dir)
        .map_err(|e| Error::io(format!("creating {}", index_dir.display()), e))?;
    let mut highest = 0u64;
    let entries = fs::read_dir(index_dir)
        .map_err(|e| Error::io(format!("listing {}", index_dir.display()), e))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(rest) = name.strip_prefix("CURRENT.") {
            // A pointer written by a build killed before its rename.
            if rest.ends_with(".tmp") && !tmp_owner_alive(&format!("0.{rest}")) {
                let _ = fs::remove_file(entry.path());
            }
            continue;
        }
        if let Some(rest) = name.strip_prefix("gen-") {
            if rest.ends_with(".tmp") {
                // An interrupted build; if another build is running right
                // now its folder carries a live pid and is left alone.
                if !tmp_owner_alive(rest) {
                    let _ = fs::remove_dir_all(entry.path());
                }
                continue;
            }
            if let Ok(n) = rest.parse::<u64>() {
                highest = highest.max(n);
            }
        }
    }
    let name = format!("gen-{:06}", highest + 1);
    let tmp = index_dir.join(format!("{name}.{}.tmp", std::process::id()));
    fs::create_dir_all(tmp.join("tantivy"))
        .map_err(|e| Error::io(format!("creating {}", tmp.display()), e))?;
    fs::create_dir_all(tmp.join("graph"))
        .map_err(|e| Error::io(format!("creating {}", tmp.display()), e))?;
    Ok(Staging {
        index_dir: index_dir.to_path_buf(),
        name,
        generation: Generation { dir: tmp },
    })
}

fn tmp_owner_alive(rest: &str) -> bool {
    // rest looks like `000004.1234.tmp`
    let pid = rest.split('.').nth(1).and_then(|p| p.parse::<u32>().ok());
    match pid {
        Some(pid) if pid == std::process::id() => false,
        Some(pid) => Path::new(&format!("/proc/{pid}")).exists(),
        None => false,
    }
}

impl Staging {
    /// Writes the documents (`documents.bin`) and the knowledge store of
    /// `documents`, one on each core.
    pub fn write_knowledge(
        &self,
        documents: &[Document],
        glossary: &Glossary,
        catalog: &Catalog,
        skipped: &[Skipped],
    ) -> Result<()> {
        let knowledge_path = self.generation.knowledge_path();
        let (written, serialized) = rayon::join(
            || documents::write(&self.generation.documents_path(), documents),
            || {
                #[derive(Serialize)]
                struct KnowledgeRef<'a> {
                    documents: Vec<DocumentInfo>,
                    glossary: &'a Glossary,
                    catalog: &'a Catalog,
                    skipped: &'a [Skipped],
                }
                bincode::serialize(&KnowledgeRef {
                    documents: documents.iter().map(DocumentInfo::of).collect(),
                    glossary,
                    catalog,
                    skipped,
                })
                .map_err(|e| Error::Store {
                    path: knowledge_path.clone(),
                    message: e.to_string(),
                })
                .and_then(|bytes| write_synced(&knowledge_path, &bytes))
            },
        );
        written.and(serialized)
    }

    pub fn write_spellings(&self, dictionary: &[u8]) -> Result<()> {
        write_synced(&self.generation.spellings_path(), dictionary)
    }

    pub fn write_meta(&self, meta: &Meta) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(meta).map_err(|e| Error::Store {
            path: self.generation.meta_path(),
            message: e.to_string(),
        })?;
        write_synced(&self.generation.meta_path(), &bytes)
    }

    /// Writes the checksums of every file, renames the finished generation
    /// into place and points `CURRENT` at it; then removes generations older
    /// than the previous one.
    pub fn publish(self) -> Result<Generation> {
        manifest::write(&self.generation.dir)?;
        let final_dir = self.index_dir.join(&self.name);
        fs::rename(&self.generation.dir, &final_dir)
            .map_err(|e| Error::io(format!("publishing {}", final_dir.display()), e))?;
        let tmp_pointer = self
            .index_dir
            .join(format!("{CURRENT}.{}.tmp", std::process::id()));
        write_synced(&tmp_pointer, self.name.as_bytes())?;
        fs::rename(&tmp_pointer, self.index_dir.join(CURRENT))
            .map_err(|e| Error::io(format!("updating {}/CURRENT", self.index_dir.display()), e))?;
        if let Ok(dir) = fs::File::open(&self.index_dir) {
            let _ = dir.sync_all();
        }
        prune(&self.index_dir, &self.name);
        Ok(Generation { dir: final_dir })
    }
}

/// Keeps the current generation and the one before it.
fn prune(index_dir: &Path, current_name: &str) {
    let Ok(entries) = fs::read_dir(index_dir) else {
        return;
    };
    let mut finished: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("gen-") && !n.ends_with(".tmp"))
        .collect();
    finished.sort();
    let keep_from = finished
        .iter()
        .position(|n| n == current_name)
        .map(|i| i.saturating_sub(1));
    if let Some(keep_from) = keep_from {
        for name in &finished[..keep_from] {
            let _ = fs::remove_dir_all(index_dir.join(name));
        }
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file =
        fs::File::create(path).map_err(|e| Error::io(format!("creating {}", path.display()), e))?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(|e| Error::io(format!("writing {}", path.display()), e))
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

pub use crate::ingest::corpus_fingerprint;

/// True when there is no usable index, or the corpus changed since it was built.
pub fn is_stale(corpus_dir: &Path, index_dir: &Path) -> bool {
    let Ok(generation) = current(index_dir) else {
        return true;
    };
    let Ok(meta) = generation.read_meta() else {
        return true;
    };
    if !corpus_dir.is_dir() {
        return false;
    }
    meta.corpus_fingerprint != corpus_fingerprint(corpus_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publish_one(index_dir: &Path, n_documents: usize) -> Generation {
        let staging = stage(index_dir).unwrap();
        staging
            .write_meta(&Meta {
                format_version: FORMAT_VERSION,
                corpus: "corpus".into(),
                built_at: now_secs(),
                n_documents,
                n_passages: 0,
                corpus_fingerprint: String::new(),
                most_text_passages: None,
            })
            .unwrap();
        staging
            .write_knowledge(&[], &Glossary::default(), &Catalog::default(), &[])
            .unwrap();
        staging.publish().unwrap()
    }

    #[test]
    fn missing_index_says_how_to_build_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = current(dir.path()).unwrap_err();
        assert!(matches!(err, Error::MissingIndex(_)));
        assert!(err.to_string().contains("maillage index"));
    }

    #[test]
    fn interrupted_build_leaves_previous_generation_current() {
        let dir = tempfile::tempdir().unwrap();
        publish_one(dir.path(), 3);
        // A second build that never publishes (killed).
        let abandoned = stage(dir.path()).unwrap();
        std::fs::write(abandoned.generation.dir.join("partial"), b"x").unwrap();
        drop(abandoned);
        let generation = current(dir.path()).unwrap();
        assert_eq!(generation.read_meta().unwrap().n_documents, 3);
        // The next build succeeds and becomes current.
        publish_one(dir.path(), 5);
        assert_eq!(current_documents(dir.path()), 5);
    }

    /// How many documents the generation `CURRENT` points to holds.
    fn current_documents(dir: &Path) -> usize {
        current(dir).unwrap().read_meta().unwrap().n_documents
    }

    #[test]
    fn only_two_generations_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        for n in 0..4 {
            publish_one(dir.path(), n);
        }
        let gens: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("gen-"))
            .collect();
        assert_eq!(gens.len(), 2);
        assert_eq!(current_documents(dir.path()), 3);
    }

    #[test]
    fn a_published_generation_verifies_until_a_file_is_cut() {
        let dir = tempfile::tempdir().unwrap();
        let generation = publish_one(dir.path(), 2);
        generation.verify().unwrap();
        let knowledge = generation.knowledge_path();
        let bytes = std::fs::read(&knowledge).unwrap();
        std::fs::write(&knowledge, &bytes[..bytes.len() / 2]).unwrap();
        match generation.verify() {
            Err(Error::Damaged { path, .. }) => assert_eq!(path, knowledge),
            other => panic!("expected damage, got {other:?}"),
        }
    }

    #[test]
    fn a_stored_document_is_cited_as_it_was_read() {
        let mut document = crate::test_support::make_doc(
            "001_f1af12ce620947bd",
            "Accompagnement à la scolarité.",
            Some(crate::test_support::commune("Cornebarrieu", "31150")),
        );
        document.title = "Convention Territoriale Globale — Plan d'action".into();
        document.year = Some(2022);
        let cited = DocumentInfo::of(&document).cited();
        assert_eq!(cited, DocumentRef::from(&document));
        assert_eq!(
            cited.to_string(),
            "Convention Territoriale Globale — Plan d'action (Cornebarrieu, 2022)"
        );
    }

    #[test]
    fn current_refuses_a_pointer_outside_the_index() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("CURRENT"), "../etc").unwrap();
        assert!(matches!(current(dir.path()), Err(Error::Store { .. })));
    }
}
