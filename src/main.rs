//! The `maillage` command line: a thin shell over the library.
//!
//! Parsing arguments, dispatching to the library, and mapping errors to exit
//! codes (2 for what the user typed, 1 for anything else) is all that
//! happens here; what gets printed, for a person or as JSON, is in
//! `cli_output.rs`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

// The generated corpora and the benchmark are the binary's tools, not the library's API.
mod bench;
mod gen;
// What the commands print, for a person or as JSON.
mod cli_output;

use cli_output::{outln, print_json, show};
use maillage::graph::{to_graphml, GraphFormat};
use maillage::pipeline::{self, Stage};
use maillage::query::{Engine, SearchRequest};

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
    /// Taille maximale d'un document lu, en mégaoctets de texte (un fichier PDF ou bureautique peut être 8 fois plus gros).
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

/// How a list is given: printed for a person, as JSON, or exported as a file.
#[derive(clap::Args, Clone)]
struct ListOutput {
    /// Exporter : csv (séparateur ;), csv-comma ou jsonl.
    #[arg(long)]
    format: Option<String>,
    #[command(flatten)]
    index: IndexArg,
    /// Afficher la réponse en JSON.
    #[arg(long)]
    json: bool,
}

impl ListOutput {
    /// `answer` exported as its `records` when a format is asked, else shown.
    fn give<T: serde::Serialize, R: maillage::export::Record>(
        &self,
        answer: &T,
        records: &[R],
        human: fn(&T) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        match &self.format {
            Some(format) => export(format, records),
            None => show(answer, self.json, human),
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
    /// Afficher le texte nettoyé que maillage lit dans un fichier (PDF, DOCX, ODT, PPTX, ODP, XLSX, ODS, texte, HTML).
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
        /// Nombre de résultats (10 par défaut, 100 au plus).
        #[arg(long)]
        limit: Option<usize>,
        /// Nombre de résultats à sauter (pagination, 10 000 au plus).
        #[arg(long)]
        offset: Option<usize>,
        /// Uniquement les documents de ce territoire (nom ou code officiel) ou d'un territoire qu'il contient.
        #[arg(long)]
        territory: Option<String>,
        /// Uniquement les documents de ce type (ctg, contrat_de_ville, pedt, fiche_coordination, article, conseil_municipal).
        #[arg(long)]
        kind: Option<String>,
        /// Chercher les mots tels que tapés, sans correction orthographique.
        #[arg(long)]
        exact: bool,
        /// Regrouper les résultats : action (une fiche-action par résultat, avec ses champs qui contiennent les mots) ou passage (par défaut).
        #[arg(long)]
        group: Option<String>,
        #[command(flatten)]
        out: ListOutput,
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
        /// Rôle : pilote, partenaire, financeur ou mentionné (ou pilot, partner, funder, mention) ; any (par défaut) pour tous.
        #[arg(long)]
        role: Option<String>,
        /// Nombre maximal de territoires (tous par défaut), rôles les plus forts en premier.
        #[arg(long)]
        limit: Option<usize>,
        /// Nombre de territoires à sauter (pagination).
        #[arg(long)]
        offset: Option<usize>,
        #[command(flatten)]
        out: ListOutput,
    },
    /// Lister les fiches-actions, filtrées par territoire, type de document, entité, rôle ou dispositif.
    Actions {
        /// Mots du titre ou du chemin de l'action.
        #[arg(long)]
        q: Option<String>,
        /// Territoire (nom ou code officiel, tout niveau).
        #[arg(long)]
        territory: Option<String>,
        /// Type de document (ctg, contrat_de_ville, pedt…).
        #[arg(long)]
        kind: Option<String>,
        /// Entité nommée dans l'action (nom, sigle ou identifiant).
        #[arg(long)]
        entity: Option<String>,
        /// Rôle de l'entité : pilote, partenaire, financeur ou mentionné.
        #[arg(long)]
        role: Option<String>,
        /// Dispositif nommé dans l'action (CLAS, LAEP…).
        #[arg(long)]
        dispositif: Option<String>,
        /// Actions affichées (50 par défaut, 1 000 au plus) ; toutes avec --format.
        #[arg(long)]
        limit: Option<usize>,
        /// Nombre d'actions à sauter (pagination).
        #[arg(long)]
        offset: Option<usize>,
        #[command(flatten)]
        out: ListOutput,
    },
    /// Afficher une fiche-action : ses champs, les entités qu'elle nomme et les actions comparables ailleurs.
    Action {
        /// Identifiant de l'action (`DOC#SECTION`, tel que `maillage actions` l'affiche).
        id: String,
        #[command(flatten)]
        index: IndexArg,
        #[arg(long)]
        json: bool,
    },
    /// Comparer deux territoires : dispositifs et acteurs nommés par les deux, par l'un seulement.
    Compare {
        /// Premier territoire (nom ou code).
        a: String,
        /// Second territoire (nom ou code).
        b: String,
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
        /// Nombre de passages sur le jeu de requêtes, à chaque manche.
        #[arg(long, default_value_t = 20)]
        passes: usize,
        /// Manches de recherche : à plus d'une, les index de toutes les tailles restent
        /// ouverts et chaque manche passe le jeu sur chaque taille à tour de rôle (dans
        /// l'ordre inverse à la manche suivante), pour comparer les tailles dans les mêmes
        /// minutes ; le rapport donne la médiane des rapports de p50 par manche.
        #[arg(long, default_value_t = 1)]
        rounds: usize,
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
        /// Fichier de requêtes, une par ligne (`territory=` pour filtrer par un territoire) ;
        /// par défaut le jeu de BENCHMARKS.md.
        #[arg(long)]
        queries: Option<PathBuf>,
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
    /// Afficher les nœuds et les liens autour d'une entité, en JSON ou en GraphML (Gephi, Cytoscape, networkx).
    Graph {
        /// Nom, sigle ou identifiant de l'entité.
        #[arg(long)]
        entity: String,
        /// Nombre de sauts autour de l'entité (1 par défaut, 3 au plus).
        #[arg(long)]
        depth: Option<usize>,
        /// Format de sortie : json (par défaut) ou graphml.
        #[arg(long, default_value = "json")]
        format: String,
        /// Sortie JSON, comme par défaut (pour les scripts qui passent --json à chaque commande).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        index: IndexArg,
    },
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

/// The commands about action sheets: lists, one sheet with comparable actions, comparisons.
fn answer_actions(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Actions {
            q,
            territory,
            kind,
            entity,
            role,
            dispositif,
            limit,
            offset,
            out,
        } => {
            let list = open(&out.index)?.actions(&maillage::query::ActionsRequest {
                q,
                territory,
                kind,
                entity,
                role,
                dispositif,
                offset,
                limit,
                all: out.format.is_some(),
            })?;
            out.give(&list, &list.actions, cli_output::print_actions)?;
        }
        Command::Action { id, index, json } => {
            let engine = open(&index)?;
            let detail = engine.action(&id)?;
            let similar = engine.similar_actions(&id, None)?;
            if json {
                print_json(&serde_json::json!({ "action": detail, "similar": similar.similar }))?;
            } else {
                cli_output::print_action(&detail, &similar)?;
            }
        }
        Command::Compare { a, b, index, json } => show(
            &open(&index)?.compare(&a, &b)?,
            json,
            cli_output::print_comparison,
        )?,
        _ => anyhow::bail!("commande non prise en charge ici"),
    }
    Ok(())
}

/// Writes records to standard output in an export format.
fn export<R: maillage::export::Record>(format: &str, records: &[R]) -> anyhow::Result<()> {
    let format = maillage::export::Format::parse(format)?;
    let stdout = std::io::stdout().lock();
    let mut exporter =
        maillage::export::Exporter::start::<R>(std::io::BufWriter::new(stdout), format)?;
    for record in records {
        exporter.record(record)?;
    }
    exporter.finish()?;
    Ok(())
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

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Index { index, json } => build_index(&index, json)?,
        Command::Text {
            file,
            max_file_mb,
            json,
            layout,
        } => return print_text(&file, max_file_mb, json, layout),
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
            rounds,
            corpus,
            work_dir,
            queries_only,
            exact,
            queries,
        } => {
            let queries = match queries {
                Some(path) => Some(std::fs::read_to_string(&path).with_context(|| {
                    format!("lecture du fichier de requêtes {}", path.display())
                })?),
                None => None,
            };
            let options = bench::BenchOptions {
                exact,
                queries,
                corpus,
                work_dir,
                sizes,
                seed,
                build_runs: runs,
                query_passes: passes,
                query_rounds: rounds,
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
        query => answer(query)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The commands that answer from the index: open it (built first when it is
/// missing or damaged) and print the answer.
fn answer(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Search {
            query,
            limit,
            offset,
            territory,
            kind,
            exact,
            group,
            out,
        } => {
            let response = open(&out.index)?.search(&SearchRequest {
                q: query.join(" "),
                limit,
                offset,
                territory,
                kind,
                exact,
                group,
            })?;
            out.give(&response, &response.hits, cli_output::print_search)?;
        }
        Command::Documents { index, json } => show(
            open(&index)?.documents().as_slice(),
            json,
            cli_output::print_documents,
        )?,
        Command::Document {
            doc_id,
            index,
            json,
        } => show(
            &open(&index)?.document(&doc_id)?,
            json,
            cli_output::print_document,
        )?,
        command @ (Command::Acronyms { .. }
        | Command::Acronym { .. }
        | Command::Entities { .. }
        | Command::Entity { .. }
        | Command::Territories { .. }
        | Command::Graph { .. }) => answer_glossary_and_entities(command)?,
        command @ (Command::Actions { .. } | Command::Action { .. } | Command::Compare { .. }) => {
            answer_actions(command)?
        }
        Command::Index { .. }
        | Command::Text { .. }
        | Command::GenCorpus { .. }
        | Command::Bench { .. } => {
            // `run` answers these itself; never a panic, even if that changes.
            anyhow::bail!("commande non prise en charge ici")
        }
        #[cfg(feature = "server")]
        Command::Serve { .. } => anyhow::bail!("commande non prise en charge ici"),
    }
    Ok(())
}

/// The commands about sigles, entities, the territories that name them and their graph.
fn answer_glossary_and_entities(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Acronyms { index, json } => show(
            open(&index)?.acronyms().as_slice(),
            json,
            cli_output::print_acronyms,
        )?,
        Command::Acronym { abbr, index, json } => show(
            &open(&index)?.acronym(&abbr)?,
            json,
            cli_output::print_acronym,
        )?,
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
            show(&list, json, cli_output::print_entities)?;
        }
        Command::Entity { name, index, json } => show(
            &open(&index)?.entity(&name)?,
            json,
            cli_output::print_entity,
        )?,
        Command::Territories {
            entity,
            role,
            limit,
            offset,
            out,
        } => {
            let list = open(&out.index)?.territories(&maillage::query::TerritoriesRequest {
                entity,
                role,
                all: limit.is_none(),
                limit,
                offset,
            })?;
            out.give(&list, &list.territories, cli_output::print_territories)?;
        }
        Command::Graph {
            entity,
            depth,
            format,
            json,
            index,
        } => print_graph(
            maillage::query::GraphRequest { entity, depth },
            &format,
            json,
            &index,
        )?,
        _ => anyhow::bail!("commande non prise en charge ici"),
    }
    Ok(())
}

/// `maillage graph`: the neighbourhood of an entity, as JSON or GraphML.
fn print_graph(
    request: maillage::query::GraphRequest,
    format: &str,
    json: bool,
    index: &IndexArg,
) -> anyhow::Result<()> {
    // Read before the index is opened: a typo answers at once.
    let format = match format.parse::<GraphFormat>()? {
        GraphFormat::Graphml if json => {
            return Err(maillage::Error::InvalidParameter {
                name: "format",
                message: "--json et --format graphml s'excluent".into(),
            }
            .into())
        }
        format => format,
    };
    let graph = open(index)?.neighbourhood(&request)?;
    match format {
        GraphFormat::Json => print_json(&graph)?,
        GraphFormat::Graphml => write!(std::io::stdout(), "{}", to_graphml(&graph))?,
    }
    Ok(())
}

/// `maillage index`: builds the index, reporting each stage on stderr.
fn build_index(index: &IndexArg, json: bool) -> anyhow::Result<()> {
    let corpus = index.corpus.clone();
    let progress = |stage: Stage| {
        if !json {
            eprintln!("… {}", stage.label());
        }
    };
    let report = pipeline::build_with(&corpus, &index.index, &index.read_options(), &progress)
        .with_context(|| format!("indexation de {}", corpus.display()))?;
    show(&report, json, cli_output::print_build_report)
}

/// `maillage text`: the clean text of one file, or a PDF's page layout.
fn print_text(file: &Path, max_file_mb: u64, json: bool, layout: bool) -> anyhow::Result<ExitCode> {
    if layout {
        let bytes =
            std::fs::read(file).with_context(|| format!("lecture de {}", file.display()))?;
        outln!("{}", maillage::ingest::pdf_layout(&bytes));
        return Ok(ExitCode::SUCCESS);
    }
    let options = maillage::ingest::ReadOptions::with_max_file_mb(max_file_mb);
    let read = match maillage::ingest::read_one(file, &options) {
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
    Ok(ExitCode::SUCCESS)
}
