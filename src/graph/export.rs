//! A neighbourhood in the format graph tools read: GraphML.
//!
//! Why GraphML: Gephi, Cytoscape, yEd and networkx all read it, with typed attributes
//! declared once by `<key>` elements, so an analyst can take the graph the UI draws
//! into the tool they know. The document holds exactly the nodes and edges of the JSON
//! answer ([`Subgraph`]) with the same ids and values (English codes, as the API), so the
//! two never tell different stories.
//!
//! Written by hand rather than through an XML writer: the shape is fixed and small, and
//! what matters is escaping every value (names come from the documents) and dropping the
//! few characters XML 1.0 cannot carry at all, escaped or not.

use std::fmt::Write as _;
use std::str::FromStr;

use super::Subgraph;
use crate::Error;

/// How a neighbourhood is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GraphFormat {
    /// The JSON answer ([`Subgraph`] serialized), the default.
    #[default]
    Json,
    /// GraphML (see [`to_graphml`]).
    Graphml,
}

impl GraphFormat {
    /// The media type of a document in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            GraphFormat::Json => "application/json",
            GraphFormat::Graphml => "application/graphml+xml",
        }
    }

    /// The stable code, as accepted by `format=`.
    pub fn as_str(self) -> &'static str {
        match self {
            GraphFormat::Json => "json",
            GraphFormat::Graphml => "graphml",
        }
    }
}

impl FromStr for GraphFormat {
    type Err = Error;

    /// `json` or `graphml`, in any case.
    fn from_str(s: &str) -> Result<GraphFormat, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(GraphFormat::Json),
            "graphml" => Ok(GraphFormat::Graphml),
            _ => Err(Error::InvalidParameter {
                name: "format",
                message: format!(
                    "`{}` n'est pas un format de graphe (json, graphml)",
                    s.trim().chars().take(40).collect::<String>()
                ),
            }),
        }
    }
}

/// The attributes every node and edge may carry: (id, for, type). The ids are the JSON
/// field names, so a script reading either format finds the same names.
const KEYS: [(&str, &str, &str); 7] = [
    ("label", "node", "string"),
    ("kind", "node", "string"),
    ("entity_kind", "node", "string"),
    ("document", "node", "string"),
    ("relation", "edge", "string"),
    ("role", "edge", "string"),
    // `long`: a count is a u32, past Java's `int` (Gephi, Cytoscape).
    ("count", "edge", "long"),
];

/// `subgraph` as a GraphML document: one `<node>` per node (id, then `label`, `kind`, for
/// entities `entity_kind`, for sections their `document`), one directed `<edge>` per edge (`relation`, `role` when
/// there is one, `count`), in the order of the JSON answer. Absent values are left out,
/// as GraphML reads a missing `<data>` as "no value".
pub fn to_graphml(subgraph: &Subgraph) -> String {
    let mut out = String::with_capacity(256 + 160 * (subgraph.nodes.len() + subgraph.edges.len()));
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    for (id, domain, kind) in KEYS {
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "  <key id=\"{id}\" for=\"{domain}\" attr.name=\"{id}\" attr.type=\"{kind}\"/>"
        );
    }
    out.push_str("  <graph id=\"maillage\" edgedefault=\"directed\">\n");
    for node in &subgraph.nodes {
        let _ = writeln!(out, "    <node id=\"{}\">", escape(&node.id));
        data(&mut out, "label", &node.label);
        data(&mut out, "kind", &node.kind);
        if let Some(kind) = node.entity_kind {
            data(&mut out, "entity_kind", kind.as_str());
        }
        if let Some(document) = &node.document {
            data(&mut out, "document", document);
        }
        out.push_str("    </node>\n");
    }
    for (i, edge) in subgraph.edges.iter().enumerate() {
        let _ = writeln!(
            out,
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\">",
            escape(&edge.source),
            escape(&edge.target)
        );
        data(&mut out, "relation", &edge.relation);
        if let Some(role) = edge.role {
            data(&mut out, "role", role.as_str());
        }
        data(&mut out, "count", &edge.count.to_string());
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

/// One `<data>` line.
fn data(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(out, "      <data key=\"{key}\">{}</data>", escape(value));
}

/// `text` as XML character data or an attribute value: markup characters escaped, the
/// characters XML 1.0 forbids even escaped (most C0 controls, lone surrogates cannot occur
/// in a `str`, U+FFFE, U+FFFF) replaced by U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Kept as references: a reader would otherwise normalise them to spaces
            // inside attribute values.
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// The XML 1.0 `Char` production.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use quick_xml::events::Event;
    use quick_xml::{Reader, XmlVersion};

    use super::*;
    use crate::extract::entities::EntityKind;
    use crate::extract::Role;
    use crate::graph::{GraphEdge, GraphNode};

    /// What a GraphML reader sees: per node id its data, per edge (source, target, data),
    /// and the key ids declared.
    #[derive(Debug, Default)]
    struct Read {
        keys: Vec<(String, String)>,
        nodes: Vec<(String, HashMap<String, String>)>,
        edges: Vec<(String, String, HashMap<String, String>)>,
        directed: bool,
    }

    fn attribute(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
        e.attributes()
            .map(|a| a.expect("well-formed attribute"))
            .find(|a| a.key.as_ref() == name)
            .map(|a| {
                a.normalized_value(XmlVersion::Implicit1_0)
                    .expect("escaped value")
                    .into_owned()
            })
    }

    /// Parses a GraphML document back, failing on anything that is not well-formed.
    fn read_back(xml: &str) -> Read {
        let mut reader = Reader::from_str(xml);
        reader.config_mut().check_end_names = true;
        let mut read = Read::default();
        let mut current_key: Option<String> = None;
        let mut text = String::new();
        loop {
            match reader.read_event().expect("well-formed GraphML") {
                Event::Start(e) | Event::Empty(e) => {
                    match e.name().as_ref() {
                        "key" => read.keys.push((
                            attribute(&e, "id").expect("key id"),
                            attribute(&e, "for").expect("key for"),
                        )),
                        "graph" => {
                            read.directed =
                                attribute(&e, "edgedefault").as_deref() == Some("directed")
                        }
                        "node" => read
                            .nodes
                            .push((attribute(&e, "id").expect("node id"), HashMap::new())),
                        "edge" => read.edges.push((
                            attribute(&e, "source").expect("source"),
                            attribute(&e, "target").expect("target"),
                            HashMap::new(),
                        )),
                        "data" => current_key = attribute(&e, "key"),
                        _ => {}
                    }
                    text.clear();
                }
                Event::Text(t) => text.push_str(&t.xml_content(XmlVersion::Implicit1_0)),
                Event::GeneralRef(r) => {
                    let c = match r.resolve_char_ref().expect("character reference") {
                        Some(c) => c,
                        None => match r.as_ref() {
                            "amp" => '&',
                            "lt" => '<',
                            "gt" => '>',
                            "quot" => '"',
                            "apos" => '\'',
                            other => panic!("unknown reference &{other};"),
                        },
                    };
                    text.push(c);
                }
                Event::End(e) if e.name().as_ref() == "data" => {
                    let key = current_key.take().expect("data has a key");
                    let value = std::mem::take(&mut text);
                    let holder = match (read.edges.last_mut(), read.nodes.last_mut()) {
                        (Some(edge), _) => &mut edge.2,
                        (None, Some(node)) => &mut node.1,
                        (None, None) => panic!("data outside a node or an edge"),
                    };
                    holder.insert(key, value);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        read
    }

    fn sample() -> Subgraph {
        Subgraph {
            nodes: vec![
                GraphNode {
                    id: "entity:caf".into(),
                    label: "CAF « Haute-Garonne » & <partenaires>".into(),
                    kind: "entity".into(),
                    entity_kind: Some(EntityKind::Organisation),
                    document: None,
                },
                GraphNode {
                    id: "section:plans/l'été \"2024\"#3".into(),
                    label: "Fiche\u{0C} action\t3\n\u{1}".into(),
                    kind: "section".into(),
                    entity_kind: None,
                    document: Some("PEDT 2024 <Fenouillet>".into()),
                },
                GraphNode {
                    id: "territory:commune:31150".into(),
                    label: "Fenouillet".into(),
                    kind: "territory".into(),
                    entity_kind: None,
                    document: None,
                },
            ],
            edges: vec![
                GraphEdge {
                    source: "section:plans/l'été \"2024\"#3".into(),
                    target: "entity:caf".into(),
                    relation: "names".into(),
                    role: Some(Role::Funder),
                    count: u32::MAX,
                },
                GraphEdge {
                    source: "entity:caf".into(),
                    target: "territory:commune:31150".into(),
                    relation: "located_in".into(),
                    role: None,
                    count: 1,
                },
            ],
        }
    }

    #[test]
    fn graphml_reads_back_as_the_json_holds_it() {
        let graph = sample();
        let read = read_back(&to_graphml(&graph));
        assert!(read.directed);
        let declared: Vec<&str> = read.keys.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            declared,
            [
                "label",
                "kind",
                "entity_kind",
                "document",
                "relation",
                "role",
                "count"
            ]
        );
        assert_eq!(read.nodes.len(), graph.nodes.len());
        assert_eq!(read.edges.len(), graph.edges.len());
        for ((id, data), node) in read.nodes.iter().zip(&graph.nodes) {
            assert_eq!(id, &node.id);
            assert_eq!(data.get("kind"), Some(&node.kind));
            assert_eq!(
                data.get("entity_kind").map(String::as_str),
                node.entity_kind.map(EntityKind::as_str)
            );
            assert_eq!(data.get("document"), node.document.as_ref());
        }
        // Markup characters and quotes come back as they were.
        assert_eq!(read.nodes[0].1["label"], graph.nodes[0].label);
        // Controls XML cannot carry are replaced; tabs and newlines survive.
        assert_eq!(
            read.nodes[1].1["label"],
            "Fiche\u{FFFD} action\t3\n\u{FFFD}"
        );
        for ((source, target, data), edge) in read.edges.iter().zip(&graph.edges) {
            assert_eq!((source, target), (&edge.source, &edge.target));
            assert_eq!(data["relation"], edge.relation);
            assert_eq!(data["count"], edge.count.to_string());
            assert_eq!(
                data.get("role").map(String::as_str),
                edge.role.map(Role::as_str)
            );
        }
    }

    #[test]
    fn an_empty_graph_is_a_valid_document() {
        let read = read_back(&to_graphml(&Subgraph::default()));
        assert!(read.nodes.is_empty() && read.edges.is_empty());
        assert_eq!(read.keys.len(), KEYS.len());
    }

    #[test]
    fn formats_are_codes_and_anything_else_is_a_user_error() {
        assert_eq!(
            "GraphML".parse::<GraphFormat>().unwrap(),
            GraphFormat::Graphml
        );
        assert_eq!(" json ".parse::<GraphFormat>().unwrap(), GraphFormat::Json);
        let err = "gexf".parse::<GraphFormat>().unwrap_err();
        assert!(err.is_user_error());
        assert!(
            matches!(&err, Error::InvalidParameter { name: "format", message } if message.contains("gexf")),
            "{err}"
        );
        assert_eq!(
            GraphFormat::Graphml.content_type(),
            "application/graphml+xml"
        );
    }
}
