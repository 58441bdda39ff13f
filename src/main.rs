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

// The generated corpora and the benchmark are the binary's tools, not the library's API.
mod bench;
mod gen;

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
    about = "Recherche dans les documents de politique territoriale (CTG, contrats de ville, PEDT…)",
    long_about = "maillage lit un dossier de documents de planification territoriale, en \
                  retrouve la structure (axes, objectifs, fiches-actions, champs tels que \
                  PILOTES et PARTENAIRES), en extrait les sigles, acteurs, dispositifs et \
                  territoires, et répond aux requêtes en français passage par passage."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct IndexArg {
    /// Dossier de l'index.
    #[arg(long, default_value = "index")]
    index: PathBuf,
    /// Dossier du corpus, indexé d'abord si l'index n'existe pas encore.
    #[arg(long, default_value = "corpus")]
    corpus: PathBuf,
    /// Taille maximale d'un document lu, en mégaoctets de texte (un fichier PDF, DOCX ou ODT peut être 8 fois plus gros).
    #[arg(long, default_value_t = maillage::ingest::DEFAULT_MAX_FILE_MB)]
    max_file_mb: u64,
    /// Remplacer l'index même si le corpus donne désormais moins de la moitié de ses documents.
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
    /// (Re)construire l'index à partir d'un dossier de corpus.
    Index {
        #[command(flatten)]
        index: IndexArg,
        /// Afficher le rapport de construction en JSON.
        #[arg(long)]
        json: bool,
    },
    /// Afficher le texte nettoyé que maillage lit dans un fichier (PDF, DOCX, ODT, texte, HTML).
    Text {
        file: PathBuf,
        /// Taille maximale d'un document lu, en mégaoctets de texte.
        #[arg(long, default_value_t = maillage::ingest::DEFAULT_MAX_FILE_MB)]
        max_file_mb: u64,
        /// Afficher `{file, format, pages, title, text, page_starts}` en JSON.
        #[arg(long)]
        json: bool,
        /// Pour un PDF : la mise en page de chaque page (blocs, colonnes, tableaux) au lieu du texte.
        #[arg(long)]
        layout: bool,
    },
    /// Rechercher des passages.
    Search {
        /// Mots, "expressions entre guillemets", -mots à exclure.
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Nombre de résultats.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Nombre de résultats à sauter (pagination).
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Uniquement les documents de ce territoire (nom ou code officiel) ou d'un territoire qu'il contient.
        #[arg(long)]
        territory: Option<String>,
        /// Uniquement les documents de ce type (ctg, contrat_de_ville, pedt, fiche_coordination, article, conseil_municipal).
        #[arg(long)]
        kind: Option<String>,
        /// Chercher les mots tels que tapés, sans correction orthographique.
        #[arg(long)]
        exact: bool,
        #[command(flatten)]
        index: IndexArg,
        #[arg(long)]
        json: bool,
    },
    /// Lister les documents indexés.
    Documents {
        #[command(flatten)]
        index: IndexArg,
        #[arg(long)]
        json: bool,
    },
    /// Afficher un document : plan, entités, sigles.
    Document {
        doc_id: String,
        #[command(flatten)]
        index: IndexArg,
        #[arg(long)]
        json: bool,
    },
    /// Afficher le glossaire des sigles.
    Acronyms {
        #[command(flatten)]
        index: IndexArg,
        #[arg(long)]
        json: bool,
    },
    /// Afficher un sigle : ses définitions et leur provenance.
    Acronym {
        abbr: String,
        #[command(flatten)]
        index: IndexArg,
        #[arg(long)]
        json: bool,
    },
    /// Lister les entités (acteurs, dispositifs, structures), éventuellement filtrées par nom.
    Entities {
        #[arg(default_value = "")]
        query: String,
        /// Type d'entité : organisation, dispositif, structure, association ou autre.
        #[arg(long)]
        kind: Option<String>,
        /// Entités affichées (50 par défaut, 1 000 au plus).
        #[arg(long)]
        limit: Option<usize>,
        #[command(flatten)]
        index: IndexArg,
        #[arg(long)]
        json: bool,
    },
    /// Afficher une entité : type, alias, définitions, rôles par territoire avec les extraits qui les attestent.
    Entity {
        name: String,
        #[command(flatten)]
        index: IndexArg,
        #[arg(long)]
        json: bool,
    },
    /// Lister les territoires dont les documents citent une entité.
    Territories {
        /// Nom, sigle ou identifiant de l'entité.
        #[arg(long)]
        entity: String,
        /// Rôle : pilote, partenaire, financeur ou mentionné (ou pilot, partner, funder, mention) ; any pour tous.
        #[arg(long, default_value = "any")]
        role: String,
        /// Nombre maximal de territoires (tous par défaut), rôles les plus forts en premier.
        #[arg(long)]
        limit: Option<usize>,
        /// Nombre de territoires à sauter (pagination).
        #[arg(long, default_value_t = 0)]
        offset: usize,
        #[command(flatten)]
        index: IndexArg,
        #[arg(long)]
        json: bool,
    },
    /// Générer un corpus réaliste de N plans à partir du corpus fourni (déterministe).
    GenCorpus {
        /// Nombre de documents.
        #[arg(long, default_value_t = 100)]
        docs: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Corpus modèle.
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
        /// Dossier de sortie : les documents vont dans OUT/corpus, les territoires attendus dans OUT/manifest.tsv.
        out: PathBuf,
    },
    /// Mesurer la vitesse de construction et de recherche sur des corpus générés (voir BENCHMARKS.md).
    Bench {
        /// Tailles des corpus en nombre de documents, séparées par des virgules.
        #[arg(long, default_value = "100,1000,2000,10000", value_delimiter = ',')]
        sizes: Vec<usize>,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Constructions par taille ; la médiane est retenue.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Nombre de tours sur le jeu de requêtes.
        #[arg(long, default_value_t = 20)]
        passes: usize,
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
        /// Dossier des corpus et index générés.
        #[arg(long, default_value = "target/bench")]
        work_dir: PathBuf,
        /// Réutiliser les index construits par une exécution précédente et ne mesurer que les recherches.
        #[arg(long)]
        queries_only: bool,
        /// Chercher les mots tels que tapés, sans correction orthographique (pour en mesurer le coût).
        #[arg(long)]
        exact: bool,
    },
    /// Servir l'interface web et l'API JSON ; construit d'abord l'index s'il manque ou n'est plus à jour.
    #[cfg(feature = "server")]
    Serve {
        /// Adresse d'écoute.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Appels au moteur exécutés en même temps (par défaut : deux fois le nombre de cœurs) ; les autres attendent leur tour.
        #[arg(long)]
        workers: Option<usize>,
        /// Durée maximale d'une recherche avant de répondre 503 (en millisecondes).
        #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=600_000))]
        search_time_ms: u64,
        /// Origine dont les pages peuvent appeler l'API depuis un navigateur (CORS), par exemple
        /// https://observatoire.example.fr ; à répéter pour en autoriser plusieurs. Aucune par défaut.
        #[arg(long = "cors-origin")]
        cors_origins: Vec<String>,
        /// Attente maximale d'une requête pour un exécuteur libre avant de répondre 503 (en millisecondes).
        #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=600_000))]
        queue_wait_ms: u64,
        #[command(flatten)]
        index: IndexArg,
    },
    /// Afficher en JSON les nœuds et les liens autour d'une entité.
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
            let why = format!("{err} ; reconstruction depuis {}…", corpus.display());
            (corpus, why)
        }
        other => return Ok(other?),
    };
    eprintln!("maillage: {why}");
    let report = pipeline::build_with(&corpus, &args.index, &args.read_options(), &|_| {})
        .with_context(|| format!("indexation de {}", corpus.display()))?;
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
                    .with_context(|| format!("indexation de {}", corpus.display()))?;
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
                let bytes = std::fs::read(&file)
                    .with_context(|| format!("lecture de {}", file.display()))?;
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
            let list = open(&index)?.entities(&maillage::query::EntitiesRequest {
                q: Some(query),
                kind,
                limit,
                offset: None,
            })?;
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
            let list = open(&index)?.territories(&maillage::query::TerritoriesRequest {
                entity,
                role: Some(role),
                all: limit.is_none(),
                limit,
                offset: Some(offset),
            })?;
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
            let generated = gen::generate(&corpus, &out, docs, seed)?;
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
            let options = bench::BenchOptions {
                exact,
                corpus,
                work_dir,
                sizes,
                seed,
                build_runs: runs,
                query_passes: passes,
                queries_only,
            };
            let report = bench::run(&options, &|line| eprintln!("{line}"))?;
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
            let graph = open(&index)?.neighbourhood(&maillage::query::GraphRequest {
                entity,
                depth: Some(depth),
            })?;
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
