//! Golden files: the glossary and each document's outline facts on the
//! shipped corpus. A change in extraction shows as a readable diff;
//! regenerate with `UPDATE_GOLDEN=1 cargo test --test integration golden`
//! and review the diff before committing.

use std::path::PathBuf;

use crate::fixture::engine;

fn check_golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("golden file written");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with UPDATE_GOLDEN=1", path.display()));
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .filter(|(e, a)| e != a)
            .take(10)
            .map(|(e, a)| format!("- {e}\n+ {a}"))
            .collect();
        panic!(
            "{} differs ({} vs {} lines):\n{}\nrerun with UPDATE_GOLDEN=1 if the change is right",
            path.display(),
            expected.lines().count(),
            actual.lines().count(),
            diff.join("\n")
        );
    }
}

#[test]
fn glossary_of_the_shipped_corpus() {
    let mut out = String::from("abbr\tdefinitions\tdocs\n");
    for entry in engine().acronyms() {
        let definitions: Vec<String> = entry
            .definitions
            .iter()
            .map(|d| format!("{} ({}×{})", d.text, d.document.doc_id, d.count))
            .collect();
        out.push_str(&format!(
            "{}\t{}\t{}\n",
            entry.abbr,
            if definitions.is_empty() {
                "-".to_string()
            } else {
                definitions.join(" | ")
            },
            entry
                .docs
                .iter()
                .map(|d| d.doc_id.as_str())
                .collect::<Vec<_>>()
                .join(",")
        ));
    }
    check_golden("glossary.tsv", &out);
}

#[test]
fn documents_of_the_shipped_corpus() {
    let mut out = String::from("doc_id\ttitle\tkind\tyear\tterritory\tcode\tterritory_kind\n");
    for d in engine().documents() {
        let (name, code, kind) = match &d.territory {
            Some(t) => (t.name.clone(), t.code.clone(), t.kind.as_str().to_string()),
            None => ("-".into(), "-".into(), "-".into()),
        };
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{name}\t{code}\t{kind}\n",
            d.doc_id,
            d.title,
            d.kind.as_deref().unwrap_or("-"),
            d.year.map(|y| y.to_string()).unwrap_or_else(|| "-".into()),
        ));
    }
    check_golden("documents.tsv", &out);
}
