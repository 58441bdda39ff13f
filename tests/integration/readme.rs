//! Every command the README's « Command line » block shows, run as written by a shell, in a
//! folder laid out as the README assumes (`corpus/`, a `plan.pdf`).

use std::path::Path;
use std::process::Command;

use crate::fixture::corpus_dir;

/// The `maillage …` lines of the README's command-line block, comments included.
fn readme_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let section = readme
        .split("## Command line")
        .nth(1)
        .expect("a « Command line » section");
    let block = section
        .split("```sh")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a sh block");
    block
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("maillage "))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_readme_command_runs_as_written() {
    let commands = readme_commands();
    assert!(commands.len() >= 12, "{commands:?}");
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), corpus.join(entry.file_name())).unwrap();
    }
    let pdf = std::fs::read_dir(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/print"),
    )
    .unwrap()
    .filter_map(Result::ok)
    .map(|e| e.path())
    .find(|p| p.extension().is_some_and(|e| e == "pdf"))
    .expect("a PDF fixture");
    std::fs::copy(pdf, dir.path().join("plan.pdf")).unwrap();

    let bin_dir = Path::new(env!("CARGO_BIN_EXE_maillage")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for line in &commands {
        let out = Command::new("sh")
            .arg("-c")
            .arg(line)
            .current_dir(dir.path())
            .env("PATH", &path)
            .output()
            .expect("sh runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "`{line}` exited {:?}: {stderr}",
            out.status.code()
        );
        assert!(!stderr.contains("panicked"), "`{line}`: {stderr}");
        assert!(!stdout.trim().is_empty(), "`{line}` printed nothing");
        if line.contains("--json") || line.starts_with("maillage bench") {
            let parsed: Result<serde_json::Value, _> = serde_json::from_str(&stdout);
            assert!(parsed.is_ok(), "`{line}` does not print JSON: {stdout}");
        }
    }
}
