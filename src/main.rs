//! The `maillage` command line: a thin shell over the library.
//!
//! Parsing arguments, printing for a person or as JSON, and mapping errors
//! to exit codes (2 for what the user typed, 1 for anything else) is all
//! that happens here.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use serde::Serialize;

use maillage::pipeline::{self, BuildReport, Stage};
use maillage::query::{Engine, SearchRequest, SearchResponse};

/// The indexer's threads allocate tokens and documents that other threads free; the system
/// allocator serialises that on its arena locks (a build spent a third of its time there),
/// mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "maillage",
    version,
    about = "Search French territorial policy documents (CTG, contrats de ville, PEDT…)",
    long_about = "maillage reads a folder of French plan documents, recovers their structure \
                  (axes, objectifs, fiches-actions, fields such as PILOTES and PARTENAIRES), \
                  extracts acronyms, actors, dispositifs and territories, and answers French \
                  queries at passage level."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct IndexArg {
    /// Index folder.
    #[arg(long, default_value = "index")]
    index: PathBuf,
    /// Corpus folder, indexed first when the index does not exist yet.
    #[arg(long, default_value = "corpus")]
    corpus: PathBuf,
    /// Largest document read, in megabytes of text (a PDF, DOCX or ODT file may be 8 times larger).
    #[arg(long, default_value_t = maillage::ingest::DEFAULT_MAX_FILE_MB)]
    max_file_mb: u64,
    /// Replace the index even when the corpus now gives fewer than half its documents.
    #[arg(long)]
    allow_shrink: bool,
}

impl IndexArg {
    fn read_options(&self) -> maillage::ingest::ReadOptions {
        maillage::ingest::ReadOptions {
            allow_shrink: self.allow_shrink,
            ..maillage::ingest::ReadOptions::with_max_file_mb(self.max_file_mb)
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// (Re)build the index from a corpus folder.
    Index {
        #[command(flatten)]
        index: IndexArg,
        /// Print the build report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the clean text maillage reads from one file (PDF, DOCX, ODT, text, HTML).
    Text {
        file: PathBuf,
        /// Largest document read, in megabytes of text.
        #[arg(long, default_value_t = maillage::ingest::DEFAULT_MAX_FILE_MB)]
        max_file_mb: u64,
        /// Print `{file, format, pages, title, text, page_starts}` as JSON.
        #[arg(long)]
        json: bool,
        /// For a PDF: how each page was laid out (blocks, columns, tables), not the text.
        #[arg(long)]
        layout: bool,
    },
    /// Search passages.
    Search {
        /// Words, "quoted phrases", -excluded words.
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Number of hits.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Hits to skip (pagination).
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Only documents of this territory (name or official code), or contained in it.
        #[arg(long)]
        territory: Option<String>,
        /// Only documents of this kind (ctg, contrat_de_ville, pedt, fiche_coordination, article, conseil_municipal).
        #[arg(long)]
        kind: Option<String>,
        /// Search the words only as typed, without spelling corrections.
        #[arg(long)]
        exact: bool,
        #[command(flatten)]
        index: IndexArg,
        #[arg(long)]
        json: bool,
    },
    /// List the indexed documents.
    Documents {
        #[command(flatten)]
        index: IndexArg,
        #[arg(long)]
        json: bool,
    },
    /// Show one document: outline, entities, sigles.
    Document {
        doc_id: String,
        #[command(flatten)]
        index: IndexArg,
        #[arg(long)]
        json: bool,
    },
    /// The acronym glossary.
    Acronyms {
        #[command(flatten)]
        index: IndexArg,
        #[arg(long)]
        json: bool,
    },
    /// One acronym: its definitions and where they come from.
    Acronym {
        abbr: String,
        #[command(flatten)]
        index: IndexArg,
        #[arg(long)]
        json: bool,
    },
    /// List entities (actors, dispositifs, structures), optionally matching a name.
    Entities {
        #[arg(default_value = "")]
        query: String,
        /// organisation, dispositif, structure, association, autre.
        #[arg(long)]
        kind: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[command(flatten)]
        index: IndexArg,
        #[arg(long)]
        json: bool,
    },
    /// One entity: kind, aliases, definitions, roles per territory with evidence.
    Entity {
        name: String,
        #[command(flatten)]
        index: IndexArg,
        #[arg(long)]
        json: bool,
    },
    /// The territories whose documents name an entity.
    Territories {
        /// Entity name, sigle or id.
        #[arg(long)]
        entity: String,
        /// pilot, partner, funder, mention or any.
        #[arg(long, default_value = "any")]
        role: String,
        /// At most this many territories (all by default), strongest roles first.
        #[arg(long)]
        limit: Option<usize>,
        /// Skip this many territories first.
        #[arg(long, default_value_t = 0)]
        offset: usize,
        #[command(flatten)]
        index: IndexArg,
        #[arg(long)]
        json: bool,
    },
    /// Generate a realistic corpus of N plans from the shipped one (deterministic).
    GenCorpus {
        /// Number of documents.
        #[arg(long, default_value_t = 100)]
        docs: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Template corpus.
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
        /// Output folder: documents go to OUT/corpus, expected territories to OUT/manifest.tsv.
        out: PathBuf,
    },
    /// Measure build and query speed on generated corpora (see BENCHMARKS.md).
    Bench {
        /// Corpus sizes in documents, comma-separated.
        #[arg(long, default_value = "100,1000,2000,10000", value_delimiter = ',')]
        sizes: Vec<usize>,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Builds per size; the median is reported.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Passes over the query mix.
        #[arg(long, default_value_t = 20)]
        passes: usize,
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
        /// Where generated corpora and indexes go.
        #[arg(long, default_value = "target/bench")]
        work_dir: PathBuf,
        /// Reuse indexes built by an earlier run and measure queries only.
        #[arg(long)]
        queries_only: bool,
        /// Search the words only as typed: no spelling corrections (what they cost).
        #[arg(long)]
        exact: bool,
    },
    /// Serve the web UI and the JSON API; builds the index first when missing or stale.
    #[cfg(feature = "server")]
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Engine calls run at once (default: twice the cores); more wait their turn.
        #[arg(long)]
        workers: Option<usize>,
        /// Longest a search may run before it answers 503 (milliseconds).
        #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=600_000))]
        search_time_ms: u64,
        /// An origin whose pages may call the API from a browser (CORS), e.g.
        /// https://observatoire.example.fr; repeat for several. None by default.
        #[arg(long = "cors-origin")]
        cors_origins: Vec<String>,
        /// Longest a request waits for a free worker before it answers 503 (milliseconds).
        #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=600_000))]
        queue_wait_ms: u64,
        #[command(flatten)]
        index: IndexArg,
    },
    /// Nodes and edges around an entity.
    Graph {
        #[arg(long)]
        entity: String,
        #[arg(long, default_value_t = 1)]
        depth: usize,
        #[command(flatten)]
        index: IndexArg,
    },
}

/// `println!` that returns an error instead of panicking when stdout is
/// closed (`maillage acronyms | head`).
macro_rules! outln {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout(), $($arg)*)?
    };
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A server logs every request; a one-shot command only what went wrong.
    #[cfg(feature = "server")]
    let default_level = if matches!(cli.command, Command::Serve { .. }) {
        "info"
    } else {
        "warn"
    };
    #[cfg(not(feature = "server"))]
    let default_level = "warn";
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level)),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match run(cli) {
        Ok(code) => code,
        Err(err)
            if err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            let user_error = err.downcast_ref::<maillage::Error>().is_some_and(|e| {
                e.is_user_error() || matches!(e, maillage::Error::MissingIndex(_))
            });
            eprintln!("maillage: {err:#}");
            if user_error {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Opens the index; when there is none yet, or a file of it is damaged, and
/// the corpus folder exists, builds it first, so a fresh checkout answers its
/// first search and a damaged index heals.
fn open(args: &IndexArg) -> anyhow::Result<Engine> {
    let (corpus, why) = match Engine::open(&args.index) {
        Err(maillage::Error::MissingIndex(_)) if args.corpus.is_dir() => (
            args.corpus.clone(),
            format!(
                "pas d'index dans {}, construction depuis {}…",
                args.index.display(),
                args.corpus.display()
            ),
        ),
        Err(maillage::Error::Damaged { path, reason }) => {
            // Rebuilt from the folder it was built from, when that is known.
            let corpus = maillage::store::current(&args.index)
                .and_then(|generation| generation.read_meta())
                .map(|meta| meta.corpus)
                .ok()
                .filter(|corpus| corpus.is_dir())
                .unwrap_or_else(|| args.corpus.clone());
            let err = maillage::Error::Damaged { path, reason };
            if !corpus.is_dir() {
                return Err(err.into());
            }
            let why = format!("{err}; reconstruction depuis {}…", corpus.display());
            (corpus, why)
        }
        other => return Ok(other?),
    };
    eprintln!("maillage: {why}");
    let report = pipeline::build_with(&corpus, &args.index, &args.read_options(), &|_| {})
        .with_context(|| format!("indexing {}", corpus.display()))?;
    eprintln!(
        "maillage: {} documents indexés, {} passages en {:.0} ms",
        report.n_documents,
        report.n_passages,
        report.elapsed.as_secs_f64() * 1000.0
    );
    Ok(Engine::open(&args.index)?)
}

fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Index { index, json } => {
            let corpus = index.corpus.clone();
            let progress = |stage: Stage| {
                if !json {
                    eprintln!("… {}", stage.label());
                }
            };
            let report =
                pipeline::build_with(&corpus, &index.index, &index.read_options(), &progress)
                    .with_context(|| format!("indexing {}", corpus.display()))?;
            if json {
                print_json(&report)?;
            } else {
                print_build_report(&report)?;
            }
        }
        Command::Text {
            file,
            max_file_mb,
            json,
            layout,
        } => {
            if layout {
                let bytes =
                    std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
                outln!("{}", maillage::ingest::pdf_layout(&bytes));
                return Ok(ExitCode::SUCCESS);
            }
            let options = maillage::ingest::ReadOptions::with_max_file_mb(max_file_mb);
            let read = match maillage::ingest::read_one(&file, &options) {
                Ok(read) => read,
                Err(reason) => {
                    eprintln!("maillage: {} : {reason}", file.display());
                    return Ok(ExitCode::from(2));
                }
            };
            if json {
                print_json(&serde_json::json!({
                    "file": read.source.file,
                    "format": read.source.format,
                    "bytes": read.n_bytes,
                    "pages": read.pages.len(),
                    "page_starts": read.pages,
                    "title": read.title,
                    "text": read.text,
                }))?;
            } else {
                outln!("{}", read.text);
            }
        }
        Command::Search {
            query,
            limit,
            offset,
            territory,
            kind,
            exact,
            index,
            json,
        } => {
            let engine = open(&index)?;
            let request = SearchRequest {
                q: query.join(" "),
                limit: Some(limit),
                offset: Some(offset),
                territory,
                kind,
                exact,
            };
            let response = engine.search(&request)?;
            if json {
                print_json(&response)?;
            } else {
                print_search(&response)?;
            }
        }
        Command::Documents { index, json } => {
            let docs = open(&index)?.documents();
            if json {
                print_json(&docs)?;
            } else {
                for d in docs {
                    let territory = d.territory.as_ref().map(|t| t.name.as_str()).unwrap_or("?");
                    let kind = d.kind_label.as_deref().unwrap_or("?");
                    let year = d.year.map(|y| y.to_string()).unwrap_or_else(|| "?".into());
                    outln!(
                        "{}\n    {} · {} · {} · {} · {} sections, {} passages",
                        d.doc_id,
                        d.title,
                        territory,
                        kind,
                        year,
                        d.sections,
                        d.passages
                    );
                }
            }
        }
        Command::Document {
            doc_id,
            index,
            json,
        } => {
            let detail = open(&index)?.document(&doc_id)?;
            if json {
                print_json(&detail)?;
            } else {
                outln!("{}  ({})", detail.summary.title, detail.summary.doc_id);
                for s in &detail.outline {
                    outln!("{}{}", "  ".repeat(s.depth + 1), s.heading);
                }
                if !detail.entities.is_empty() {
                    outln!("\nEntités :");
                    for e in &detail.entities {
                        outln!(
                            "  {} ({})",
                            e.name,
                            plural(e.mentions, "mention", "mentions")
                        );
                    }
                }
            }
        }
        Command::Acronyms { index, json } => {
            let glossary = open(&index)?.acronyms();
            if json {
                print_json(&glossary)?;
            } else {
                for e in glossary {
                    let defs: Vec<&str> = e.definitions.iter().map(|d| d.text.as_str()).collect();
                    let defs = if defs.is_empty() {
                        match &e.entity {
                            Some(known) => {
                                format!("({} — référentiel, non défini ici)", known.name)
                            }
                            None => "(non défini)".to_string(),
                        }
                    } else {
                        defs.join(" | ")
                    };
                    outln!("{:<8} {}  [{} documents]", e.abbr, defs, e.docs.len());
                }
            }
        }
        Command::Acronym { abbr, index, json } => {
            let entry = open(&index)?.acronym(&abbr)?;
            if json {
                print_json(&entry)?;
            } else {
                outln!("{}", entry.abbr);
                for d in &entry.definitions {
                    outln!("  {}  ({} ×{})", d.text, d.doc_id, d.count);
                }
                outln!("  utilisé dans : {}", entry.docs.join(", "));
            }
        }
        Command::Entities {
            query,
            kind,
            limit,
            index,
            json,
        } => {
            let list = open(&index)?.entities(&query, kind.as_deref(), limit, 0)?;
            if json {
                print_json(&list)?;
            } else {
                if list.total > list.entities.len() {
                    outln!(
                        "{} entités sur {} (--limit pour en voir plus)",
                        list.entities.len(),
                        list.total
                    );
                }
                for e in list.entities {
                    outln!(
                        "{:<40} {}  {} dans {}",
                        e.name,
                        e.kind.as_str(),
                        plural(e.mentions, "mention", "mentions"),
                        plural(e.documents, "document", "documents")
                    );
                }
            }
        }
        Command::Entity { name, index, json } => {
            let detail = open(&index)?.entity(&name)?;
            if json {
                print_json(&detail)?;
            } else {
                outln!("{} ({})", detail.name, detail.kind.as_str());
                if !detail.aliases.is_empty() {
                    outln!("  aussi : {}", detail.aliases.join(", "));
                }
                for d in &detail.definitions {
                    outln!("  définition : {} ({})", d.text, d.doc_id);
                }
                for t in &detail.territories {
                    let roles: Vec<&str> = t.roles.iter().map(|r| r.label()).collect();
                    outln!(
                        "  {} ({}) : {}",
                        t.territory.name,
                        t.territory.code,
                        roles.join(", ")
                    );
                }
                let more = detail.territories_total - detail.territories.len();
                if more > 0 {
                    outln!("  … et {more} autres territoires (maillage territories --entity)");
                }
            }
        }
        Command::Territories {
            entity,
            role,
            limit,
            offset,
            index,
            json,
        } => {
            let list = open(&index)?.territories(&entity, Some(&role), offset, limit)?;
            if json {
                print_json(&list)?;
            } else {
                outln!(
                    "{} : {}{}",
                    list.entity.name,
                    plural(list.total, "territoire", "territoires"),
                    if list.territories.len() < list.total {
                        format!(", {} affichés", list.territories.len())
                    } else {
                        String::new()
                    }
                );
                for t in list.territories {
                    let roles: Vec<&str> = t.roles.iter().map(|r| r.label()).collect();
                    outln!(
                        "{} ({}, {}) : {}",
                        t.territory.name,
                        t.territory.code,
                        t.territory.kind.label(),
                        roles.join(", ")
                    );
                    for e in t.evidence.iter().take(3) {
                        outln!("    {} › {} : {}", e.doc_id, e.section.join(" › "), e.text);
                    }
                }
            }
        }
        Command::GenCorpus {
            docs,
            seed,
            corpus,
            out,
        } => {
            let generated = maillage::gen::generate(&corpus, &out, docs, seed)?;
            outln!(
                "{} documents générés ({:.1} Mo) dans {} ; territoires attendus dans {}",
                generated.n_documents,
                generated.n_bytes as f64 / 1e6,
                generated.dir.display(),
                out.join("manifest.tsv").display()
            );
        }
        Command::Bench {
            sizes,
            seed,
            runs,
            passes,
            corpus,
            work_dir,
            queries_only,
            exact,
        } => {
            let options = maillage::bench::BenchOptions {
                exact,
                corpus,
                work_dir,
                sizes,
                seed,
                build_runs: runs,
                query_passes: passes,
                queries_only,
            };
            let report = maillage::bench::run(&options, &|line| eprintln!("{line}"))?;
            print_json(&report)?;
        }
        #[cfg(feature = "server")]
        Command::Serve {
            addr,
            workers,
            search_time_ms,
            queue_wait_ms,
            cors_origins,
            index,
        } => {
            maillage::server::serve(maillage::server::ServeOptions {
                addr,
                read: index.read_options(),
                corpus: index.corpus,
                index: index.index,
                workers: workers.unwrap_or_else(maillage::server::default_workers),
                search: maillage::server::SearchLimits {
                    time: std::time::Duration::from_millis(search_time_ms),
                    queue_wait: std::time::Duration::from_millis(queue_wait_ms),
                    ..Default::default()
                },
                cors_origins,
            })?;
        }
        Command::Graph {
            entity,
            depth,
            index,
        } => {
            let graph = open(&index)?.neighbourhood(&entity, depth)?;
            print_json(&graph)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `n` and the noun, singular for 0 and 1 as French has it.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

fn print_build_report(report: &BuildReport) -> anyhow::Result<()> {
    outln!(
        "{} indexé{} ({:.1} ko) : {} sections, {} passages, {} sigles, {} entités, graphe de {} nœuds et {} liens",
        plural(report.n_documents, "document", "documents"),
        if report.n_documents > 1 { "s" } else { "" },
        report.n_bytes as f64 / 1000.0,
        report.n_sections,
        report.n_passages,
        report.n_acronyms,
        report.n_entities,
        report.n_graph_nodes,
        report.n_graph_edges
    );
    for (doc_id, bytes) in &report.read {
        outln!("  lu      {doc_id} ({bytes} octets)");
    }
    for s in &report.skipped {
        outln!("  écarté  {} : {}", s.file, s.reason);
    }
    outln!(
        "en {:.0} ms ; index dans {}",
        report.elapsed.as_secs_f64() * 1000.0,
        report.index.display()
    );
    Ok(())
}

fn print_search(response: &SearchResponse) -> anyhow::Result<()> {
    let color = std::io::stdout().is_terminal();
    let (on, off) = if color {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("«", "»")
    };
    let shown = response
        .corrected_query
        .as_deref()
        .unwrap_or(&response.query);
    outln!(
        "{} pour « {} » ({:.1} ms){}",
        plural(response.total, "passage", "passages"),
        shown,
        response.took_ms,
        if response.relaxed {
            ", sans tous les mots ensemble"
        } else {
            ""
        }
    );
    for c in &response.corrections {
        outln!(
            "  « {} » cherché aussi comme « {} » (--exact pour ne chercher que ce qui est tapé)",
            c.from,
            c.to
        );
    }
    if !response.expansions.is_empty() {
        outln!("  cherché aussi : {}", response.expansions.join(", "));
    }
    if let Some(t) = &response.territory {
        let included: Vec<&str> = response
            .territories_included
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        outln!(
            "  territoire : {} ({}) — plans retenus : {}",
            t.name,
            t.code,
            if included.is_empty() {
                "aucun".to_string()
            } else {
                included.join(", ")
            }
        );
    }
    for (i, hit) in response.hits.iter().enumerate() {
        let mut about = Vec::new();
        if let Some(t) = &hit.territory {
            about.push(t.name.clone());
        }
        if let Some(k) = &hit.kind {
            about.push(k.clone());
        }
        if let Some(y) = hit.year {
            about.push(y.to_string());
        }
        outln!(
            "\n{:>3}. {}  [{}]",
            response.offset + i + 1,
            hit.doc_title,
            about.join(" · ")
        );
        if !hit.section.is_empty() {
            outln!("     {}", hit.section.join(" › "));
        }
        if let Some(field) = &hit.field {
            outln!("     {field}");
        }
        let snippet = hit
            .snippet
            .replace("<mark>", on)
            .replace("</mark>", off)
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        outln!(
            "     {}",
            snippet.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
    Ok(())
}
