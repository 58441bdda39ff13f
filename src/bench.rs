//! Measuring speed at scale, on generated corpora: a command, not a test,
//! because timings on a shared 2-core machine are noisy and belong in a
//! report with medians and percentiles, never in a pass/fail assertion.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use crate::gen;
use maillage::pipeline;
use maillage::query::{Engine, SearchRequest};
use maillage::{Error, Result};

/// The fixed query mix, one query per line; `territory=` lines are filtered
/// by a territory of the generated corpus.
const QUERY_MIX: &str = include_str!("../data/bench_queries.txt");

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// The shipped corpus, source of the generated documents.
    pub corpus: PathBuf,
    /// Where generated corpora and indexes go.
    pub work_dir: PathBuf,
    /// Corpus sizes, in documents.
    pub sizes: Vec<usize>,
    pub seed: u64,
    /// Builds per size (the median is reported).
    pub build_runs: usize,
    /// Passes over the query mix, in each round.
    pub query_passes: usize,
    /// Rounds of the query mix: with more than one, every size's index stays open and
    /// each round runs the passes over every size in turn (in the other order the next
    /// round), so that the sizes are compared in the same minutes of a shared host.
    pub query_rounds: usize,
    /// Reuse an index built by an earlier run, measuring queries only.
    pub queries_only: bool,
    /// Search the words only as typed (no typo tier), to measure what corrections cost.
    pub exact: bool,
    /// The query mix, one query per line (`territory=` filters by a territory); the shipped
    /// mix when `None`.
    pub queries: Option<String>,
}

/// Percentiles of a set of durations, in milliseconds.
#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    pub n: usize,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    pub fn of(mut samples_ms: Vec<f64>) -> Latency {
        samples_ms.sort_by(|a, b| a.total_cmp(b));
        let pick = |p: f64| -> f64 {
            if samples_ms.is_empty() {
                return 0.0;
            }
            let rank = ((p * samples_ms.len() as f64).ceil() as usize).clamp(1, samples_ms.len());
            samples_ms[rank - 1]
        };
        Latency {
            n: samples_ms.len(),
            p50_ms: pick(0.50),
            p90_ms: pick(0.90),
            p99_ms: pick(0.99),
            max_ms: samples_ms.last().copied().unwrap_or(0.0),
        }
    }
}

/// One query of the mix: its median and worst time over the passes.
#[derive(Debug, Clone, Serialize)]
pub struct QueryFigure {
    /// As written in the mix (`territory=` when filtered by a territory).
    pub query: String,
    /// Passages found.
    pub total: usize,
    pub p50_ms: f64,
    pub max_ms: f64,
}

/// The figures for one corpus size.
#[derive(Debug, Clone, Serialize)]
pub struct SizeReport {
    pub documents: usize,
    pub megabytes: f64,
    pub passages: usize,
    pub entities: usize,
    pub graph_nodes: usize,
    pub graph_edges: usize,
    /// Every full build (structure, extraction, graph, tantivy), in ms.
    pub build_ms: Vec<f64>,
    pub build_median_ms: f64,
    /// Processor time of the median build (all threads), in seconds.
    pub build_cpu_s: f64,
    pub megabytes_per_s: f64,
    pub documents_per_s: f64,
    pub index_bytes: u64,
    /// Time to open an existing index (ready to search), median.
    pub open_median_ms: f64,
    /// Time to read the knowledge graph, which an opened index reads on first use (the
    /// entity and graph routes; a server reads it in the background once open), in ms.
    pub graph_load_ms: f64,
    pub search: Latency,
    /// The search p50 of each round (every pass of the mix in the round), in ms.
    pub search_round_p50_ms: Vec<f64>,
    /// Each query of the mix.
    pub queries: Vec<QueryFigure>,
    pub graph_query: Latency,
    /// Finding the action sheets and what each names, on first use, in ms.
    pub action_table_ms: f64,
    pub actions: usize,
    /// Similar actions elsewhere, for actions spread over the corpus.
    pub similar_actions: Latency,
    /// Comparisons of two documents' territories.
    pub compare: Latency,
    /// Share of generated documents whose inferred territory is the expected one.
    pub territory_accuracy: f64,
}

/// How the search p50 grows from the smallest size measured to the largest, round by round.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Growth {
    pub from_documents: usize,
    pub to_documents: usize,
    /// The largest size's p50 over the smallest's, in each round.
    pub p50_ratio_by_round: Vec<f64>,
    /// Their median.
    pub p50_ratio_median: f64,
}

impl Growth {
    /// The growth between the first and last of `sizes` (documents, each round's p50);
    /// none with fewer than two sizes.
    fn of(sizes: &[(usize, &[f64])]) -> Option<Growth> {
        let (&(from_documents, from), &(to_documents, to)) = (sizes.first()?, sizes.last()?);
        if sizes.len() < 2 {
            return None;
        }
        let p50_ratio_by_round: Vec<f64> = from
            .iter()
            .zip(to.iter())
            .filter(|(&small, _)| small > 0.0)
            .map(|(small, large)| large / small)
            .collect();
        Some(Growth {
            from_documents,
            to_documents,
            p50_ratio_median: median(&p50_ratio_by_round),
            p50_ratio_by_round,
        })
    }
}

/// The whole benchmark.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub machine: String,
    pub sizes: Vec<SizeReport>,
    /// The search p50 of the largest size over the smallest's (with two sizes or more).
    pub growth: Option<Growth>,
    /// Peak resident memory of this process, in MB.
    pub peak_rss_mb: f64,
}

fn median(values: &[f64]) -> f64 {
    Latency::of(values.to_vec()).p50_ms
}

fn dir_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// Processor time this process has used so far (user and system, all
/// threads), in seconds, from `/proc/self/stat`.
pub fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) in parentheses.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name;
    // the kernel counts them in USER_HZ, 100 on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

/// Peak resident set size of this process (VmHWM), in MB.
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// A one-line description of the machine.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    format!("{cores} cores, {cpu}")
}

fn territory_accuracy(engine: &Engine, manifest: &Path) -> f64 {
    let Ok(text) = std::fs::read_to_string(manifest) else {
        return 0.0;
    };
    let expected: std::collections::HashMap<String, String> = text
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let file = cols.next()?;
            let _name = cols.next()?;
            let code = cols.next()?;
            Some((file.trim_end_matches(".txt").to_string(), code.to_string()))
        })
        .collect();
    let documents = engine.documents();
    if documents.is_empty() {
        return 0.0;
    }
    let right = documents
        .iter()
        .filter(|d| {
            let want = expected.get(&d.doc_id);
            let got = d.territory.as_ref().map(|t| &t.code);
            want.is_some() && want == got
        })
        .count();
    right as f64 / documents.len() as f64
}

/// Runs the benchmark for every size.
pub fn run(options: &BenchOptions, log: &dyn Fn(&str)) -> Result<BenchReport> {
    let rounds = options.query_rounds.max(1);
    let mut sizes = Vec::new();
    let mut mixes = Vec::new();
    // With several rounds the engines stay open until every size has been measured.
    let mut engines = Vec::new();
    for &n in &options.sizes {
        let out = options.work_dir.join(format!("gen-{n}"));
        let index_dir = out.join("index");
        let mut build_ms = Vec::new();
        let mut build_cpu = Vec::new();
        let n_bytes;
        let reuse = options.queries_only && maillage::store::current(&index_dir).is_ok();
        if reuse {
            log(&format!("index repris de {}", index_dir.display()));
            n_bytes = dir_size(&out.join("corpus"));
        } else {
            log(&format!("{n} documents générés dans {}", out.display()));
            let generated = gen::generate(&options.corpus, &out, n, options.seed)?;
            n_bytes = generated.n_bytes;
            for run in 0..options.build_runs.max(1) {
                let started = Instant::now();
                let cpu_before = cpu_seconds();
                pipeline::build(&generated.dir, &index_dir, &|_| {})?;
                build_ms.push(started.elapsed().as_secs_f64() * 1000.0);
                build_cpu.push((build_ms[run], cpu_seconds() - cpu_before));
                log(&format!(
                    "  construction {} sur {n} documents : {:.0} ms",
                    run + 1,
                    build_ms[run]
                ));
            }
        }
        let mut open_ms = Vec::new();
        let mut engine = None;
        for _ in 0..5 {
            let started = Instant::now();
            let opened = Engine::open(&index_dir)?;
            open_ms.push(started.elapsed().as_secs_f64() * 1000.0);
            engine = Some(opened);
        }
        let engine = engine.ok_or_else(|| Error::MissingIndex(index_dir.clone()))?;
        let started = Instant::now();
        let graph = engine.graph()?;
        let graph_load_ms = started.elapsed().as_secs_f64() * 1000.0;
        let (graph_nodes, graph_edges) = (graph.n_nodes(), graph.n_edges());
        let mut mix = QueryMix::new(&engine, options);
        if rounds == 1 {
            mix.round(&engine, options.query_passes)?;
        }
        let graph_ms = graph_figures(&engine, options.query_passes)?;
        let (action_table_ms, actions, similar_ms, compare_ms) = action_figures(&engine)?;
        let megabytes = n_bytes as f64 / 1e6;
        let build_median_ms = median(&build_ms);
        let build_cpu_s = build_cpu
            .iter()
            .min_by(|a, b| {
                (a.0 - build_median_ms)
                    .abs()
                    .total_cmp(&(b.0 - build_median_ms).abs())
            })
            .map_or(0.0, |(_, cpu)| *cpu);
        let info = engine.info();
        sizes.push(SizeReport {
            documents: info.documents,
            megabytes,
            passages: info.passages,
            entities: info.entities,
            graph_nodes,
            graph_edges,
            build_median_ms,
            build_cpu_s,
            megabytes_per_s: if build_ms.is_empty() {
                0.0
            } else {
                megabytes / (build_median_ms / 1000.0)
            },
            documents_per_s: if build_ms.is_empty() {
                0.0
            } else {
                info.documents as f64 / (build_median_ms / 1000.0)
            },
            build_ms,
            index_bytes: dir_size(&maillage::store::current(&index_dir)?.dir),
            open_median_ms: median(&open_ms),
            graph_load_ms,
            // Filled in once the mix has been run.
            search: Latency::of(Vec::new()),
            search_round_p50_ms: Vec::new(),
            queries: Vec::new(),
            graph_query: Latency::of(graph_ms),
            action_table_ms,
            actions,
            similar_actions: Latency::of(similar_ms),
            compare: Latency::of(compare_ms),
            territory_accuracy: territory_accuracy(&engine, &out.join("manifest.tsv")),
        });
        mixes.push(mix);
        if rounds > 1 {
            engines.push(engine);
        }
    }
    if rounds > 1 {
        for round in 0..rounds {
            for i in round_order(round, engines.len()) {
                mixes[i].round(&engines[i], options.query_passes)?;
            }
            let p50s: Vec<String> = mixes
                .iter()
                .zip(&options.sizes)
                .filter_map(|(mix, n)| Some(format!("{n} : {:.3} ms", mix.round_p50_ms.last()?)))
                .collect();
            log(&format!("manche {} : p50 {}", round + 1, p50s.join(", ")));
        }
    }
    for (size, mix) in sizes.iter_mut().zip(mixes) {
        (size.search, size.search_round_p50_ms, size.queries) = mix.finish();
    }
    let growth = Growth::of(
        &sizes
            .iter()
            .map(|s| (s.documents, s.search_round_p50_ms.as_slice()))
            .collect::<Vec<_>>(),
    );
    if let Some(growth) = &growth {
        log(&format!(
            "p50 à {} documents sur p50 à {} : {:.2}× (médiane de {} manche(s))",
            growth.to_documents,
            growth.from_documents,
            growth.p50_ratio_median,
            growth.p50_ratio_by_round.len()
        ));
    }
    Ok(BenchReport {
        machine: machine(),
        sizes,
        growth,
        peak_rss_mb: peak_rss_mb(),
    })
}

/// The sizes in the order round `round` measures them: forward, then backward, so that
/// none is always measured first.
fn round_order(round: usize, sizes: usize) -> Vec<usize> {
    if round.is_multiple_of(2) {
        (0..sizes).collect()
    } else {
        (0..sizes).rev().collect()
    }
}

/// The query mix on one index, and the times of its searches so far.
struct QueryMix {
    lines: Vec<String>,
    /// The territory the `territory=` lines filter by: the first document's.
    territory: Option<String>,
    exact: bool,
    /// Every search's time.
    search_ms: Vec<f64>,
    /// Each line's times, and its last total.
    per_query: Vec<(Vec<f64>, usize)>,
    /// The p50 of each round.
    round_p50_ms: Vec<f64>,
}

impl QueryMix {
    fn new(engine: &Engine, options: &BenchOptions) -> QueryMix {
        let territory = engine
            .documents()
            .iter()
            .find_map(|d| d.territory.as_ref().map(|t| t.code.clone()));
        let lines: Vec<String> = options
            .queries
            .as_deref()
            .unwrap_or(QUERY_MIX)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect();
        QueryMix {
            per_query: vec![(Vec::new(), 0); lines.len()],
            lines,
            territory,
            exact: options.exact,
            search_ms: Vec::new(),
            round_p50_ms: Vec::new(),
        }
    }

    /// One round: the mix run `passes` times.
    fn round(&mut self, engine: &Engine, passes: usize) -> Result<()> {
        // A server parses the geographic code while it warms up: not timed in a search
        // here either (without a build in this process, the first territory filter would).
        maillage::extract::territory::Cog::get();
        let mut round_ms = Vec::new();
        for _ in 0..passes.max(1) {
            for (i, line) in self.lines.iter().enumerate() {
                let (q, filtered) = match line.strip_prefix("territory=") {
                    Some(rest) => (rest, true),
                    None => (line.as_str(), false),
                };
                let request = SearchRequest {
                    q: q.to_string(),
                    limit: Some(10),
                    territory: if filtered {
                        self.territory.clone()
                    } else {
                        None
                    },
                    exact: self.exact,
                    ..Default::default()
                };
                let started = Instant::now();
                let result = engine.search(&request);
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                round_ms.push(ms);
                self.per_query[i].0.push(ms);
                match result {
                    Ok(response) => self.per_query[i].1 = response.total,
                    Err(e) if e.is_user_error() => {}
                    Err(e) => return Err(e),
                }
            }
        }
        self.round_p50_ms.push(Latency::of(round_ms.clone()).p50_ms);
        self.search_ms.extend(round_ms);
        Ok(())
    }

    /// Every search's percentiles, each round's p50, each query's figures.
    fn finish(self) -> (Latency, Vec<f64>, Vec<QueryFigure>) {
        let queries = self
            .lines
            .into_iter()
            .zip(self.per_query)
            .map(|(query, (samples, total))| {
                let latency = Latency::of(samples);
                QueryFigure {
                    query,
                    total,
                    p50_ms: latency.p50_ms,
                    max_ms: latency.max_ms,
                }
            })
            .collect();
        (Latency::of(self.search_ms), self.round_p50_ms, queries)
    }
}

/// The territories of the 20 most named entities, `passes` times.
fn graph_figures(engine: &Engine, passes: usize) -> Result<Vec<f64>> {
    let top_entities: Vec<String> = engine
        .entities(&maillage::query::EntitiesRequest {
            limit: Some(20),
            ..Default::default()
        })?
        .entities
        .into_iter()
        .map(|e| e.id)
        .collect();
    let mut graph_ms = Vec::new();
    for _ in 0..passes.max(1) {
        for id in &top_entities {
            let started = Instant::now();
            let _ = engine.territories(&maillage::query::TerritoriesRequest {
                entity: id.clone(),
                ..Default::default()
            })?;
            graph_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    Ok(graph_ms)
}

/// The action table's build, then similar actions for 60 actions spread over the corpus and
/// 30 comparisons of neighbouring documents' territories.
fn action_figures(engine: &Engine) -> Result<(f64, usize, Vec<f64>, Vec<f64>)> {
    let started = Instant::now();
    let all = engine.actions(&maillage::query::ActionsRequest {
        all: true,
        ..Default::default()
    })?;
    let table_ms = started.elapsed().as_secs_f64() * 1000.0;
    let step = (all.actions.len() / 60).max(1);
    let mut similar_ms = Vec::new();
    for action in all.actions.iter().step_by(step).take(60) {
        let started = Instant::now();
        engine.similar_actions(&action.id, None)?;
        similar_ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let codes: Vec<String> = engine
        .documents()
        .into_iter()
        .filter_map(|d| d.territory.map(|t| t.code))
        .collect();
    let mut compare_ms = Vec::new();
    for pair in codes.windows(2).step_by((codes.len() / 30).max(1)).take(30) {
        let started = Instant::now();
        match engine.compare(&pair[0], &pair[1]) {
            Ok(_) => compare_ms.push(started.elapsed().as_secs_f64() * 1000.0),
            Err(e) if e.is_user_error() => {}
            Err(e) => return Err(e),
        }
    }
    Ok((table_ms, all.actions.len(), similar_ms, compare_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_ranks() {
        let l = Latency::of((1..=100).map(f64::from).collect());
        assert_eq!(l.p50_ms, 50.0);
        assert_eq!(l.p99_ms, 99.0);
        assert_eq!(l.max_ms, 100.0);
        let empty = Latency::of(Vec::new());
        assert_eq!(empty.n, 0);
    }

    #[test]
    fn growth_is_the_median_of_each_round_s_ratio_of_the_largest_to_the_smallest() {
        let small = [0.5, 0.4, 0.6];
        let middle = [9.0, 9.0, 9.0];
        let large = [0.8, 0.8, 0.6];
        let growth = Growth::of(&[(2000, &small), (5000, &middle), (10000, &large)]).unwrap();
        assert_eq!((growth.from_documents, growth.to_documents), (2000, 10000));
        assert_eq!(growth.p50_ratio_by_round, vec![1.6, 2.0, 1.0]);
        // The middle round's ratio, not the ratio of the pooled medians (0.8 / 0.5).
        assert_eq!(growth.p50_ratio_median, 1.6);
        // A round whose smaller size has no time gives no ratio.
        let growth = Growth::of(&[(100, &[0.0, 0.5]), (200, &[1.0, 1.0])]).unwrap();
        assert_eq!(growth.p50_ratio_by_round, vec![2.0]);
        assert_eq!(Growth::of(&[(2000, &small)]), None);
        assert_eq!(Growth::of(&[]), None);
    }

    #[test]
    fn rounds_take_the_sizes_forward_then_backward() {
        assert_eq!(round_order(0, 3), vec![0, 1, 2]);
        assert_eq!(round_order(1, 3), vec![2, 1, 0]);
        assert_eq!(round_order(2, 3), vec![0, 1, 2]);
        assert_eq!(round_order(5, 1), vec![0]);
    }

    #[test]
    fn processor_time_grows_with_work() {
        let before = cpu_seconds();
        let mut x = 0u64;
        let started = Instant::now();
        while started.elapsed().as_millis() < 60 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        assert!(x != 1);
        let spent = cpu_seconds() - before;
        assert!(spent > 0.0 && spent < 10.0, "{spent}");
    }
}
