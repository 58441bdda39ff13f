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
    /// Passes over the query mix.
    pub query_passes: usize,
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

/// The whole benchmark.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub machine: String,
    pub sizes: Vec<SizeReport>,
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
    let mut sizes = Vec::new();
    for &n in &options.sizes {
        let out = options.work_dir.join(format!("gen-{n}"));
        let index_dir = out.join("index");
        let mut build_ms = Vec::new();
        let mut build_cpu = Vec::new();
        let n_bytes;
        let reuse = options.queries_only && maillage::store::current(&index_dir).is_ok();
        if reuse {
            log(&format!("reusing the index in {}", index_dir.display()));
            n_bytes = dir_size(&out.join("corpus"));
        } else {
            log(&format!("generating {n} documents in {}", out.display()));
            let generated = gen::generate(&options.corpus, &out, n, options.seed)?;
            n_bytes = generated.n_bytes;
            for run in 0..options.build_runs.max(1) {
                let started = Instant::now();
                let cpu_before = cpu_seconds();
                pipeline::build(&generated.dir, &index_dir, &|_| {})?;
                build_ms.push(started.elapsed().as_secs_f64() * 1000.0);
                build_cpu.push((build_ms[run], cpu_seconds() - cpu_before));
                log(&format!(
                    "  build {} of {n} documents: {:.0} ms",
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
        let (search_ms, queries, graph_ms) = query_figures(&engine, options)?;
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
            search: Latency::of(search_ms),
            queries,
            graph_query: Latency::of(graph_ms),
            action_table_ms,
            actions,
            similar_actions: Latency::of(similar_ms),
            compare: Latency::of(compare_ms),
            territory_accuracy: territory_accuracy(&engine, &out.join("manifest.tsv")),
        });
    }
    Ok(BenchReport {
        machine: machine(),
        sizes,
        peak_rss_mb: peak_rss_mb(),
    })
}

/// The query mix run `query_passes` times (every search's time, and each query's median),
/// then the territories of the 20 most named entities.
fn query_figures(
    engine: &Engine,
    options: &BenchOptions,
) -> Result<(Vec<f64>, Vec<QueryFigure>, Vec<f64>)> {
    let territory = engine
        .documents()
        .iter()
        .find_map(|d| d.territory.as_ref().map(|t| t.code.clone()));
    let mix: Vec<&str> = options
        .queries
        .as_deref()
        .unwrap_or(QUERY_MIX)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    // A server parses the geographic code while it warms up: not timed in a search here
    // either (without a build in this process, the first territory filter would).
    maillage::extract::territory::Cog::get();
    let mut search_ms = Vec::new();
    let mut per_query: Vec<(Vec<f64>, usize)> = vec![(Vec::new(), 0); mix.len()];
    for _ in 0..options.query_passes.max(1) {
        for (i, line) in mix.iter().enumerate() {
            let (q, filtered) = match line.strip_prefix("territory=") {
                Some(rest) => (rest, true),
                None => (*line, false),
            };
            let request = SearchRequest {
                q: q.to_string(),
                limit: Some(10),
                territory: if filtered { territory.clone() } else { None },
                exact: options.exact,
                ..Default::default()
            };
            let started = Instant::now();
            let result = engine.search(&request);
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            search_ms.push(ms);
            per_query[i].0.push(ms);
            match result {
                Ok(response) => per_query[i].1 = response.total,
                Err(e) if e.is_user_error() => {}
                Err(e) => return Err(e),
            }
        }
    }
    let queries = mix
        .iter()
        .zip(per_query)
        .map(|(query, (samples, total))| {
            let latency = Latency::of(samples);
            QueryFigure {
                query: query.to_string(),
                total,
                p50_ms: latency.p50_ms,
                max_ms: latency.max_ms,
            }
        })
        .collect();
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
    for _ in 0..options.query_passes.max(1) {
        for id in &top_entities {
            let started = Instant::now();
            let _ = engine.territories(&maillage::query::TerritoriesRequest {
                entity: id.clone(),
                ..Default::default()
            })?;
            graph_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    Ok((search_ms, queries, graph_ms))
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
