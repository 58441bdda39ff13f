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

/// A GraphML document as a graph tool reads it: the declared keys, each node's id and data,
/// each edge's source, target and data. Panics on anything that is not well-formed XML.
#[derive(Debug, Default)]
pub struct GraphmlRead {
    pub keys: Vec<String>,
    pub nodes: Vec<(String, std::collections::HashMap<String, String>)>,
    pub edges: Vec<(String, String, std::collections::HashMap<String, String>)>,
}

pub fn read_graphml(xml: &str) -> GraphmlRead {
    use quick_xml::events::{BytesStart, Event};
    use quick_xml::{Reader, XmlVersion};
    let attribute = |e: &BytesStart<'_>, name: &str| -> Option<String> {
        e.attributes()
            .map(|a| a.expect("well-formed attribute"))
            .find(|a| a.key.as_ref() == name)
            .map(|a| {
                a.normalized_value(XmlVersion::Implicit1_0)
                    .expect("attribute value")
                    .into_owned()
            })
    };
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut read = GraphmlRead::default();
    let (mut key, mut text) = (None, String::new());
    loop {
        match reader.read_event().expect("well-formed GraphML") {
            Event::Start(e) | Event::Empty(e) => {
                match e.name().as_ref() {
                    "key" => read.keys.push(attribute(&e, "id").expect("key id")),
                    "node" => read
                        .nodes
                        .push((attribute(&e, "id").expect("node id"), Default::default())),
                    "edge" => read.edges.push((
                        attribute(&e, "source").expect("edge source"),
                        attribute(&e, "target").expect("edge target"),
                        Default::default(),
                    )),
                    "data" => key = attribute(&e, "key"),
                    _ => {}
                }
                text.clear();
            }
            Event::Text(t) => text.push_str(&t.xml_content(XmlVersion::Implicit1_0)),
            Event::GeneralRef(r) => text.push(match r.resolve_char_ref().expect("reference") {
                Some(c) => c,
                None => match r.as_ref() {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    other => panic!("unknown reference &{other};"),
                },
            }),
            Event::End(e) if e.name().as_ref() == "data" => {
                let name = key.take().expect("data names its key");
                let value = std::mem::take(&mut text);
                match (read.edges.last_mut(), read.nodes.last_mut()) {
                    (Some(edge), _) => edge.2.insert(name, value),
                    (None, Some(node)) => node.1.insert(name, value),
                    (None, None) => panic!("data outside a node or an edge"),
                };
            }
            Event::Eof => break,
            _ => {}
        }
    }
    read
}

/// Asserts that a GraphML reading holds exactly the nodes and edges of a JSON graph answer,
/// with the same attributes.
pub fn assert_graphml_holds(read: &GraphmlRead, json: &serde_json::Value) {
    let nodes = json["nodes"].as_array().expect("nodes");
    let edges = json["edges"].as_array().expect("edges");
    assert!(!nodes.is_empty() && !edges.is_empty(), "{json}");
    assert_eq!(read.nodes.len(), nodes.len());
    assert_eq!(read.edges.len(), edges.len());
    for ((id, data), node) in read.nodes.iter().zip(nodes) {
        assert_eq!(Some(id.as_str()), node["id"].as_str());
        for key in ["label", "kind", "entity_kind", "document"] {
            assert_eq!(
                data.get(key).map(String::as_str),
                node[key].as_str(),
                "{key} of {id}"
            );
        }
    }
    for ((source, target, data), edge) in read.edges.iter().zip(edges) {
        assert_eq!(Some(source.as_str()), edge["source"].as_str());
        assert_eq!(Some(target.as_str()), edge["target"].as_str());
        assert_eq!(
            data.get("relation").map(String::as_str),
            edge["relation"].as_str()
        );
        assert_eq!(data.get("role").map(String::as_str), edge["role"].as_str());
        assert_eq!(
            data.get("count").and_then(|c| c.parse::<u64>().ok()),
            edge["count"].as_u64()
        );
    }
}
