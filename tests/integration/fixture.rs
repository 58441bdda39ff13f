//! Shared fixtures: the shipped corpus indexed once per test binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_maillage"))
}

/// Runs the binary, returning its output.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the maillage binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// An index of the shipped corpus, built once and shared by the tests.
pub fn shipped_index() -> &'static Path {
    static INDEX: OnceLock<tempfile::TempDir> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            maillage::pipeline::build(&corpus_dir(), dir.path(), &|_| {})
                .expect("the shipped corpus indexes");
            dir
        })
        .path()
}

/// The shipped index opened as a library engine, shared.
pub fn engine() -> &'static maillage::query::Engine {
    static ENGINE: OnceLock<maillage::query::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| maillage::query::Engine::open(shipped_index()).expect("index opens"))
}

/// Runs `maillage search --json` on the shipped index.
pub fn search_json(query: &str, extra: &[&str]) -> serde_json::Value {
    let index = shipped_index().to_string_lossy().into_owned();
    let mut args = vec!["search", "--index", index.as_str(), "--json"];
    args.extend_from_slice(extra);
    args.push(query);
    let output = run(&args);
    assert!(
        output.status.success(),
        "search {query:?} failed: {}",
        stderr(&output)
    );
    serde_json::from_slice(&output.stdout).expect("search prints JSON")
}

/// A corpus of 60 plans generated from the shipped one (other communes), indexed once:
/// enough territories and repeated passages to exercise facets, pagination and diversity.
pub fn generated_engine() -> &'static maillage::query::Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, maillage::query::Engine)> = OnceLock::new();
    &ENGINE
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            // The generator is the binary's tool (`maillage gen-corpus`), not the library's.
            let out = run(&[
                "gen-corpus",
                "--docs",
                "60",
                "--seed",
                "42",
                "--corpus",
                &corpus_dir().to_string_lossy(),
                &dir.path().to_string_lossy(),
            ]);
            assert!(out.status.success(), "gen-corpus: {}", stderr(&out));
            let index = dir.path().join("index");
            maillage::pipeline::build(&dir.path().join("corpus"), &index, &|_| {})
                .expect("the generated corpus indexes");
            let engine = maillage::query::Engine::open(&index).expect("index opens");
            (dir, engine)
        })
        .1
}
