//! The command line as a person or a script uses it.

use crate::fixture::*;

fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkd()
        .filter(|c| c.is_ascii())
        .collect::<String>()
        .to_lowercase()
}

#[test]
fn search_json_has_the_documented_shape() {
    let v = search_json("parentalité", &["--limit", "5"]);
    for key in ["query", "total", "took_ms", "hits", "facets"] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    let hits = v["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 5);
    for key in [
        "doc_id",
        "doc_title",
        "section",
        "field",
        "text",
        "snippet",
        "score",
        "kind",
        "year",
        "territory",
    ] {
        assert!(hits[0].get(key).is_some(), "hit lacks {key}: {}", hits[0]);
    }
    assert!(hits
        .iter()
        .any(|h| h["snippet"].as_str().unwrap().contains("<mark>")));
}

#[test]
fn accents_and_case_do_not_matter() {
    let a = search_json("réussite éducative", &["--limit", "20"]);
    let b = search_json("REUSSITE EDUCATIVE", &["--limit", "20"]);
    assert_eq!(a["total"], b["total"]);
    assert!(a["total"].as_u64().unwrap() > 0);
}

#[test]
fn phrase_query_finds_the_phrase() {
    let v = search_json("\"situation de handicap\"", &[]);
    let hits = v["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    for h in hits {
        let text = fold(h["text"].as_str().unwrap());
        let section = fold(&h["section"].to_string());
        assert!(
            text.contains("situation") && text.contains("handicap") || section.contains("handicap"),
            "hit without the phrase: {text}"
        );
    }
}

#[test]
fn the_parentalite_fiche_carries_its_heading_path() {
    let v = search_json("parentalité", &["--limit", "10"]);
    let hits = v["hits"].as_array().unwrap();
    let fiche = hits
        .iter()
        .find(|h| {
            fold(&h["section"].to_string()).contains(
                "renforcer les actions de parentalite portees par un reseau de partenaires",
            )
        })
        .unwrap_or_else(|| panic!("the Cornebarrieu fiche is not in the top 10: {v}"));
    let path: Vec<String> = fiche["section"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| fold(s.as_str().unwrap()))
        .collect();
    assert!(
        path.iter().any(|s| s.starts_with("axe 2")),
        "no axe in {path:?}"
    );
    assert!(
        path.iter().any(|s| s.starts_with("objectif 6")),
        "no objectif in {path:?}"
    );
}

#[test]
fn malformed_queries_never_panic() {
    let index = shipped_index().to_string_lossy().into_owned();
    for q in [
        "\"",
        "\"lieu d'accueil",
        "AND",
        "- + OR",
        "((",
        "parent*",
        "«",
        "-",
    ] {
        let out = run(&["search", "--index", &index, q]);
        let code = out.status.code().unwrap_or(-1);
        assert!(
            code == 0 || code == 2,
            "{q:?} exited {code}: {}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("panicked"), "{q:?} panicked");
    }
    let out = run(&["search", "--index", &index, "\""]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("requête"));
}

#[test]
fn a_query_of_stop_words_says_so() {
    let index = shipped_index().to_string_lossy().into_owned();
    let out = run(&["search", "--index", &index, "de la des"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("mots vides"), "{}", stderr(&out));
}

#[test]
fn a_missing_index_says_how_to_build_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing-here");
    let no_corpus = dir.path().join("no-corpus");
    let out = run(&[
        "search",
        "--index",
        missing.to_str().unwrap(),
        "--corpus",
        no_corpus.to_str().unwrap(),
        "parentalité",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("maillage index"), "{}", stderr(&out));
}

#[test]
fn bad_files_are_skipped_with_a_warning_and_the_rest_is_indexed() {
    let corpus = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    std::fs::write(corpus.path().join("vide.txt"), b"").unwrap();
    std::fs::write(
        corpus.path().join("image.txt"),
        [0u8, 159, 146, 150, 0, 0, 1, 2, 3, 255, 0],
    )
    .unwrap();
    std::fs::write(corpus.path().join("tableur.xlsx"), b"PK\x03\x04").unwrap();
    // Windows-1252: "Lieu d'accueil enfants parents à Cornebarrieu, réussite éducative"
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(
        "PEDT de la commune\n\nObjectif 1 : Favoriser la réussite éducative des élèves\n\nLieu d'accueil enfants parents à Cornebarrieu, réussite éducative et cœur de ville.\n",
    );
    std::fs::write(corpus.path().join("pedt-cp1252.txt"), &cp1252).unwrap();
    std::fs::create_dir(corpus.path().join("sous-dossier")).unwrap();
    std::fs::write(
        corpus.path().join("sous-dossier/fiche.html"),
        "<html><body><h1>Fiche action</h1><p>Soutien à la <b>parentalité</b> &amp; accueil</p><ul><li>CAF</li><li>CCAS</li></ul></body></html>",
    )
    .unwrap();
    let out = run(&[
        "index",
        "--corpus",
        corpus.path().to_str().unwrap(),
        "--index",
        index.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = stdout(&out) + &stderr(&out);
    for skipped in ["vide.txt", "image.txt", "tableur.xlsx"] {
        assert!(
            report.contains(skipped),
            "{skipped} not reported as skipped: {report}"
        );
    }
    assert!(report.contains("2 documents indexés"), "{report}");

    let idx = index.path().to_str().unwrap();
    let out = run(&["search", "--index", idx, "--json", "reussite educative"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = v["hits"][0]["text"].as_str().unwrap_or("").to_string();
    assert!(
        text.contains("réussite éducative"),
        "cp1252 not decoded: {v}"
    );
    let out = run(&["search", "--index", idx, "--json", "parentalite"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["hits"][0]["doc_id"], "sous-dossier/fiche");
    assert!(
        !v["hits"][0]["text"].as_str().unwrap().contains("<b>"),
        "HTML not stripped: {v}"
    );
}

#[test]
fn a_first_search_builds_the_missing_index() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("fresh");
    let corpus = corpus_dir();
    let out = run(&[
        "search",
        "--index",
        idx.to_str().unwrap(),
        "--corpus",
        corpus.to_str().unwrap(),
        "parentalité",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("construction"), "{}", stderr(&out));
    assert!(stdout(&out).contains("passages"));
}

#[test]
fn documents_lists_every_shipped_file() {
    let index = shipped_index().to_string_lossy().into_owned();
    let out = run(&["documents", "--index", &index, "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let docs = v.as_array().unwrap();
    assert_eq!(docs.len(), 5);
    for d in docs {
        for key in [
            "doc_id",
            "title",
            "kind",
            "year",
            "territory",
            "sections",
            "passages",
        ] {
            assert!(d.get(key).is_some(), "document lacks {key}: {d}");
        }
        assert!(!d["title"].as_str().unwrap().is_empty());
        assert!(d["passages"].as_u64().unwrap() > 0);
    }
}

#[test]
fn rebuilding_keeps_the_index_usable() {
    let corpus = corpus_dir();
    let index = tempfile::tempdir().unwrap();
    let idx = index.path().to_str().unwrap();
    for _ in 0..2 {
        let out = run(&[
            "index",
            "--corpus",
            corpus.to_str().unwrap(),
            "--index",
            idx,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let out = run(&["search", "--index", idx, "--json", "parentalité"]);
        assert!(out.status.success());
    }
}

#[test]
fn an_index_build_killed_at_any_moment_leaves_the_previous_index_usable() {
    let corpus = corpus_dir();
    let index = tempfile::tempdir().unwrap();
    let idx = index.path().to_str().unwrap();
    let build = || {
        run(&[
            "index",
            "--corpus",
            corpus.to_str().unwrap(),
            "--index",
            idx,
        ])
    };
    assert!(build().status.success());
    // Kill rebuilds at spread-out moments: while reading, indexing, publishing.
    for delay_ms in [0u64, 5, 15, 30, 60, 90, 120, 160, 220] {
        let mut child = bin()
            .args([
                "index",
                "--corpus",
                corpus.to_str().unwrap(),
                "--index",
                idx,
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let out = run(&["search", "--index", idx, "--json", "parentalité"]);
        assert!(
            out.status.success(),
            "index unusable after a kill at {delay_ms} ms: {}",
            stderr(&out)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v["total"].as_u64().unwrap() > 0);
    }
    assert!(build().status.success(), "the next build must succeed");
    let leftovers: Vec<_> = std::fs::read_dir(index.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "unfinished generations left behind: {leftovers:?}"
    );
}

#[test]
fn a_rebuild_that_would_lose_most_documents_keeps_the_index_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for name in ["a", "b", "c"] {
        std::fs::write(
            corpus.join(format!("{name}.txt")),
            format!("Projet éducatif de territoire {name}\n\nAxe 1 : Parentalité et réussite éducative\n"),
        )
        .unwrap();
    }
    let index = dir.path().join("index");
    let args = |extra: &[&str]| {
        let mut args = vec![
            "index".to_string(),
            "--corpus".into(),
            corpus.to_string_lossy().into_owned(),
            "--index".into(),
            index.to_string_lossy().into_owned(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let run_with = |extra: &[&str]| {
        let args = args(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args)
    };
    assert!(run_with(&[]).status.success());
    std::fs::remove_file(corpus.join("a.txt")).unwrap();
    std::fs::remove_file(corpus.join("b.txt")).unwrap();
    let refused = run_with(&[]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("index conservé"),
        "{}",
        stderr(&refused)
    );
    let documents = run(&["documents", "--json", "--index", index.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&documents.stdout).unwrap();
    assert_eq!(
        v.as_array().map(Vec::len),
        Some(3),
        "the previous index is still served"
    );
    let allowed = run_with(&["--allow-shrink"]);
    assert!(allowed.status.success(), "{}", stderr(&allowed));
    let documents = run(&["documents", "--json", "--index", index.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&documents.stdout).unwrap();
    assert_eq!(v.as_array().map(Vec::len), Some(1));
}

#[test]
fn files_over_the_size_limit_are_skipped_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let paragraph = "Le lieu d'accueil enfants parents accueille les familles du quartier. ";
    std::fs::write(corpus.join("enorme.txt"), paragraph.repeat(25_000)).unwrap();
    std::fs::write(corpus.join("petit.txt"), paragraph).unwrap();
    let index = dir.path().join("index");
    let out = run(&[
        "index",
        "--corpus",
        corpus.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
        "--max-file-mb",
        "1",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["n_documents"], 1);
    let skipped = &report["skipped"][0];
    assert_eq!(skipped["file"], "enorme.txt");
    assert_eq!(skipped["code"], "too_large");
    assert!(skipped["reason"]
        .as_str()
        .unwrap()
        .contains("--max-file-mb"));
}

/// Builds a small index in a temporary folder; returns (folder, index path, generation path).
fn small_index() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(
        corpus.join("pedt.txt"),
        "Projet éducatif de territoire\n\nAxe 1 : Parentalité\n\nLe lieu d'accueil enfants parents ouvre.\n",
    )
    .unwrap();
    let index = dir.path().join("index");
    maillage::pipeline::build(&corpus, &index, &|_| {}).unwrap();
    let generation = maillage::store::current(&index).unwrap().dir;
    (dir, index, generation)
}

/// Opens the index on another thread: Err when it does not answer within a minute.
fn open_within_a_minute(index: &std::path::Path) -> Result<String, &'static str> {
    let index = index.to_path_buf();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let outcome = maillage::query::Engine::open(&index)
            .map(|_| ())
            .map_err(|e| e.to_string());
        let _ = send.send(outcome);
    });
    match receive.recv_timeout(std::time::Duration::from_secs(60)) {
        Ok(Ok(())) => Ok("opened".into()),
        Ok(Err(message)) => Ok(message),
        Err(_) => Err("opening the index hung"),
    }
}

#[test]
fn special_files_in_place_of_index_files_are_errors_not_hangs() {
    for file in ["knowledge.bin", "documents.bin", "graph/graph.bin"] {
        let (_dir, index, generation) = small_index();
        let path = generation.join(file);
        if !path.exists() {
            continue;
        }
        std::fs::remove_file(&path).unwrap();
        let fifo = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        let message = open_within_a_minute(&index).expect("no hang");
        assert!(
            message.contains("pas un fichier ordinaire"),
            "{file}: {message}"
        );
    }
    let (_dir, index, generation) = small_index();
    std::fs::remove_file(generation.join("meta.json")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", generation.join("meta.json")).unwrap();
    let message = open_within_a_minute(&index).expect("no hang");
    assert!(message.contains("pas un fichier ordinaire"), "{message}");
}

#[test]
fn a_current_pointing_elsewhere_never_prints_what_it_points_to() {
    let (_dir, index, _generation) = small_index();
    let current = index.join("CURRENT");
    std::fs::remove_file(&current).unwrap();
    std::fs::write(index.join("secret"), "gen-000001\nmot de passe : hunter2\n").unwrap();
    std::os::unix::fs::symlink(index.join("secret"), &current).unwrap();
    let out = run(&["documents", "--index", index.to_str().unwrap()]);
    assert!(!out.status.success());
    let said = stdout(&out) + &stderr(&out);
    assert!(!said.contains("hunter2"), "{said}");
    assert!(said.contains("CURRENT"), "{said}");
}

#[test]
fn every_damaged_index_file_is_named_at_open_and_rebuilt_from_the_corpus() {
    let (_keep, index, generation) = small_index();
    // Every kind of file of a generation: tantivy's segment files are named
    // afresh by each build, so they are found by extension.
    let mut kinds: Vec<String> = vec![
        "documents.bin".into(),
        "knowledge.bin".into(),
        "meta.json".into(),
        "tantivy/meta.json".into(),
    ];
    for entry in std::fs::read_dir(generation.join("graph"))
        .unwrap()
        .flatten()
    {
        kinds.push(format!("graph/{}", entry.file_name().to_string_lossy()));
    }
    for extension in ["pos", "idx", "term", "store", "fast", "fieldnorm"] {
        kinds.push(format!("tantivy/*.{extension}"));
    }
    let find = |generation: &std::path::Path, kind: &str| match kind.strip_prefix("tantivy/*.") {
        Some(extension) => std::fs::read_dir(generation.join("tantivy"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == extension))
            .unwrap_or_else(|| panic!("no .{extension} file")),
        None => generation.join(kind),
    };
    for kind in &kinds {
        let (dir, index, generation) = small_index();
        let file = find(&generation, kind);
        let bytes = std::fs::read(&file).unwrap();
        // Cut in half, or changed in place when too short to cut.
        if bytes.len() > 1 {
            std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
        } else {
            std::fs::write(&file, b"x").unwrap();
        }
        match maillage::query::Engine::open(&index) {
            Err(maillage::Error::Damaged { path, .. }) => assert_eq!(path, file),
            Err(other) => panic!("{}: {other}", file.display()),
            Ok(_) => panic!("{} damaged but opened", file.display()),
        }
        // Its corpus gone, the damage is an error that names the file.
        std::fs::rename(dir.path().join("corpus"), dir.path().join("ailleurs")).unwrap();
        let out = run(&[
            "search",
            "parentalité",
            "--index",
            index.to_str().unwrap(),
            "--corpus",
            "/nonexistent",
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains(file.file_name().unwrap().to_str().unwrap()));
    }
    // With its corpus at hand, the CLI rebuilds and answers.
    std::fs::write(find(&generation, "tantivy/*.pos"), b"").unwrap();
    // Rebuilt from the folder it was built from, not from the default one.
    let out = run(&[
        "search",
        "parentalité",
        "--json",
        "--index",
        index.to_str().unwrap(),
        "--corpus",
        "/nonexistent",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("index endommagé"), "{}", stderr(&out));
    assert!(stderr(&out).contains("reconstruction"), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["total"].as_u64().unwrap() > 0, "{v}");
    maillage::query::Engine::open(&index).unwrap();
}

#[test]
fn graph_writes_graphml_for_graph_tools() {
    let index = shipped_index().to_string_lossy().into_owned();
    let args = [
        "graph", "--index", &index, "--entity", "CAF", "--depth", "2",
    ];
    let plain = run(&args);
    assert!(plain.status.success(), "{}", stderr(&plain));
    let json: serde_json::Value = serde_json::from_slice(&plain.stdout).expect("JSON");
    // `--json` and `--format json` print the same answer as before.
    for extra in [&["--json"][..], &["--format", "json"][..]] {
        let out = run(&[&args[..], extra].concat());
        assert!(out.status.success(), "{extra:?}: {}", stderr(&out));
        assert_eq!(out.stdout, plain.stdout, "{extra:?}");
    }
    let out = run(&[&args[..], &["--format", "graphml"][..]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let xml = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert_graphml_holds(&read_graphml(&xml), &json);

    // A format it does not write, or two that contradict each other: exit 2, said in French.
    for extra in [
        &["--format", "gexf"][..],
        &["--json", "--format", "graphml"][..],
    ] {
        let out = run(&[&args[..], extra].concat());
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        assert!(out.stdout.is_empty(), "{extra:?}");
        assert!(
            stderr(&out).contains("paramètre `format`"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn opening_leaves_the_graph_unread_until_asked_and_names_an_unreadable_one_then() {
    let (_keep, index, generation) = small_index();
    let parentalite = maillage::query::SearchRequest {
        q: "parentalité".into(),
        ..Default::default()
    };
    let engine = maillage::query::Engine::open(&index).unwrap();
    assert!(engine.search(&parentalite).unwrap().total > 0);
    assert!(!engine.graph_is_loaded(), "a search read the graph");
    let entities = engine.entities(&Default::default()).unwrap().entities;
    let first = &entities.first().expect("an entity in the small corpus").id;
    assert!(engine.entity(first).is_ok());
    assert!(engine.graph_is_loaded());
    assert!(engine.graph().unwrap().n_nodes() > 0);

    // A graph file the manifest agrees with but that does not decode: the index opens and
    // searches, and every ask of the graph is an error naming the file.
    let graph = generation.join("graph/graph.bin");
    let bytes = b"pas un graphe".to_vec();
    std::fs::write(&graph, &bytes).unwrap();
    let manifest_path = generation.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    let entry = manifest["files"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|e| e["path"] == "graph/graph.bin")
        .expect("the graph in the manifest");
    entry["bytes"] = bytes.len().into();
    entry["crc32"] = crc32fast::hash(&bytes).into();
    std::fs::write(&manifest_path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    let engine = maillage::query::Engine::open(&index).unwrap();
    assert!(engine.search(&parentalite).unwrap().total > 0);
    engine.warm_up();
    assert!(!engine.is_warm(), "warm without its graph");
    for _ in 0..2 {
        match engine.entity(first) {
            Err(maillage::Error::Store { path, .. }) => assert_eq!(path, graph),
            other => panic!("{:?}", other.map(|e| e.id)),
        }
    }
    assert!(engine.search(&parentalite).unwrap().total > 0);
    let out = run(&["entity", first, "--index", index.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("graph.bin"), "{}", stderr(&out));
}

#[test]
fn bench_rounds_measure_every_size_in_each_round_and_report_the_growth() {
    let work = tempfile::tempdir().unwrap();
    let corpus = corpus_dir().to_string_lossy().into_owned();
    let work_dir = work.path().to_string_lossy().into_owned();
    let output = run(&[
        "bench",
        "--sizes",
        "2,4",
        "--runs",
        "1",
        "--passes",
        "1",
        "--rounds",
        "3",
        "--corpus",
        &corpus,
        "--work-dir",
        &work_dir,
    ]);
    assert!(output.status.success(), "bench failed: {}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let sizes = report["sizes"].as_array().unwrap();
    let mix = sizes[0]["queries"].as_array().unwrap().len();
    assert!(mix > 10, "the shipped mix: {mix} queries");
    for size in sizes {
        // Three rounds of one pass over the mix, each round's p50 kept.
        assert_eq!(size["search"]["n"], 3 * mix);
        let rounds = size["search_round_p50_ms"].as_array().unwrap();
        assert_eq!(rounds.len(), 3);
        assert!(rounds.iter().all(|p50| p50.as_f64().unwrap() > 0.0));
    }
    assert_eq!(sizes[0]["documents"], 2);
    assert_eq!(sizes[1]["documents"], 4);
    let growth = &report["growth"];
    assert_eq!(growth["from_documents"], 2);
    assert_eq!(growth["to_documents"], 4);
    let ratios: Vec<f64> = growth["p50_ratio_by_round"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_f64().unwrap())
        .collect();
    assert_eq!(ratios.len(), 3);
    let mut sorted = ratios.clone();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(growth["p50_ratio_median"].as_f64().unwrap(), sorted[1]);
    // The human summary is French, on the error stream.
    let log = stderr(&output);
    assert!(log.contains("manche 3 : p50 2 : "), "{log}");
    assert!(log.contains("p50 à 4 documents sur p50 à 2"), "{log}");
}
