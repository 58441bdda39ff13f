//! The knowledge graph: who does what, where, according to which document.
//!
//! The catalog knows every mention of an actor; the questions people ask cross documents and
//! territories ("which towns partner with the Mission locale?", "what surrounds the CAF?"), so
//! mentions are lifted into a graph of documents, sections, territories and entities. Invariant:
//! every edge carries provenance (the document span that justifies it) so any answer can show its
//! evidence. Mention edges are aggregated per (section, entity, role) with a count and a few
//! spans.
//!
//! The graph holds no text: sections and evidence are spans of the documents, read back through
//! a [`DocumentSource`] when an answer shows them. That keeps the graph a few bytes per edge,
//! so a national corpus loads at start-up in a fraction of a second.
//!
//! The graph lives three lives, each in its own file: built once from the corpus (`build`),
//! written and read back (`persist`), and asked at query time (`answers`); an answer can
//! be written out for graph tools (`export`, GraphML). This file holds
//! what they share: the node and edge types, the graph with its lookup tables, and the
//! answer types.

use std::collections::HashMap;

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use serde::{Deserialize, Serialize};

use crate::extract::entities::EntityKind;
use crate::extract::Role;
use crate::{Document, DocumentRef, Territory};

mod answers;
mod build;
mod export;
mod persist;
#[cfg(test)]
mod tests;

pub use export::{to_graphml, GraphFormat};
pub use persist::GRAPH_FILE_NAME;

/// Where a piece of evidence sits: a span of one document's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// Index of the document in the corpus.
    pub doc: u32,
    /// The passage holding the span, when one does.
    pub passage: Option<u32>,
    /// Character offsets in the document's text.
    pub start: u32,
    pub end: u32,
}

/// The documents the graph points into: what an answer needs to show its evidence.
pub trait DocumentSource {
    /// How an answer cites the document at `doc`: id, title, territory, year.
    fn document(&self, doc: usize) -> Option<DocumentRef>;
    /// A section's heading and its parent section.
    fn section(&self, doc: usize, section: usize) -> Option<(&str, Option<usize>)>;
    /// A passage's text and the character offset where it starts.
    fn passage_text(&self, doc: usize, passage: usize) -> Option<(&str, usize)>;
    /// The whole text of a document.
    fn text(&self, doc: usize) -> Option<&str>;
    /// The 1-based page of a character of a document, for paged documents.
    fn page_of(&self, _doc: usize, _offset: usize) -> Option<u32> {
        None
    }

    /// A part of a document's text holding the characters `start..end` and `context`
    /// characters around them where it has them, with the character offset it begins at.
    fn text_around(
        &self,
        doc: usize,
        _start: usize,
        _end: usize,
        _context: usize,
    ) -> Option<(&str, usize)> {
        self.text(doc).map(|text| (text, 0))
    }

    /// Headings from the outermost section down to `section`.
    fn heading_path(&self, doc: usize, section: usize) -> Vec<String> {
        let mut path = Vec::new();
        let mut current = Some(section);
        while let Some(id) = current {
            let Some((heading, parent)) = self.section(doc, id) else {
                break;
            };
            path.push(heading.to_string());
            // Parents come before their children, so the walk ends.
            current = parent.filter(|&p| p < id);
        }
        path.reverse();
        path
    }
}

impl DocumentSource for [Document] {
    fn document(&self, doc: usize) -> Option<DocumentRef> {
        self.get(doc).map(DocumentRef::from)
    }

    fn section(&self, doc: usize, section: usize) -> Option<(&str, Option<usize>)> {
        let s = self.get(doc)?.sections.get(section)?;
        Some((s.heading.as_str(), s.parent))
    }

    fn passage_text(&self, doc: usize, passage: usize) -> Option<(&str, usize)> {
        let d = self.get(doc)?;
        let p = d.passages.get(passage)?;
        Some((d.passage_text(p), p.start))
    }

    fn text(&self, doc: usize) -> Option<&str> {
        self.get(doc).map(|d| d.text.as_str())
    }
}

impl DocumentSource for Vec<Document> {
    fn document(&self, doc: usize) -> Option<DocumentRef> {
        self.as_slice().document(doc)
    }

    fn section(&self, doc: usize, section: usize) -> Option<(&str, Option<usize>)> {
        DocumentSource::section(self.as_slice(), doc, section)
    }

    fn passage_text(&self, doc: usize, passage: usize) -> Option<(&str, usize)> {
        self.as_slice().passage_text(doc, passage)
    }

    fn text(&self, doc: usize) -> Option<&str> {
        DocumentSource::text(self.as_slice(), doc)
    }
}

/// What a node stands for. Sections are most of the nodes and hold two numbers; the rare
/// nodes with names are boxed, so a node is 16 bytes (on disk, the boxes are transparent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum NodeData {
    Document(Box<DocumentNode>),
    Section { doc: u32, section: u32 },
    Territory(Box<Territory>),
    Entity(Box<EntityNode>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct DocumentNode {
    doc: u32,
    doc_id: String,
    title: String,
}

impl DocumentNode {
    /// Its title, else its id.
    fn label(&self) -> String {
        if self.title.is_empty() {
            self.doc_id.clone()
        } else {
            self.title.clone()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct EntityNode {
    id: String,
    name: String,
    kind: EntityKind,
}

/// How two nodes relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// document → territory it is about.
    Covers,
    /// section → parent section or document.
    PartOf,
    /// section (or document, outside any section) → entity, with a role.
    Names,
    /// entity → the general entity it is a branch of.
    BranchOf,
    /// entity → territory named in its name.
    LocatedIn,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Covers => "covers",
            Relation::PartOf => "part_of",
            Relation::Names => "names",
            Relation::BranchOf => "branch_of",
            Relation::LocatedIn => "located_in",
        }
    }
}

/// An edge: its relation, and its evidence as a range of [`KnowledgeGraph::evidence`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct EdgeData {
    relation: Relation,
    role: Option<Role>,
    /// Number of mentions aggregated (1 for structural edges).
    count: u32,
    first_evidence: u32,
    n_evidence: u8,
}

/// Documents, sections, territories and entities, linked with provenance.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeGraph {
    graph: DiGraph<NodeData, EdgeData>,
    /// Every edge's evidence, edge after edge.
    evidence: Vec<Span>,
    entity_nodes: HashMap<String, NodeIndex>,
    /// The node of each document, by document index.
    document_nodes: HashMap<u32, NodeIndex>,
    /// What a question reads for every edge it follows, looked up once: the branches of
    /// each entity node, the edges naming it, the territories of each document.
    branches: HashMap<NodeIndex, Vec<NodeIndex>>,
    /// The `names` edges into each entity node, in edge order.
    named_by: HashMap<NodeIndex, Vec<EdgeIndex>>,
    /// The territories each document covers, by document index.
    document_covers: Vec<Vec<NodeIndex>>,
}

/// The territories an entity is named in, with the roles it plays there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TerritoryRoles {
    pub territory: Territory,
    /// Distinct roles, strongest first (pilot, partner, funder, mention).
    pub roles: Vec<Role>,
    /// Times the territory's plans name the entity (in the roles asked for).
    pub mentions: u32,
    /// A few excerpts per role, with the action (section) they come from.
    pub evidence: Vec<Evidence>,
}

/// Some of the territories of an entity, and how many there are.
#[derive(Debug, Clone, PartialEq)]
pub struct TerritoryPage {
    pub total: usize,
    pub territories: Vec<TerritoryRoles>,
}

/// One excerpt showing an entity in a role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Evidence {
    /// The document it comes from (`doc_id`, `doc_title`, `territory`, `year`).
    #[serde(flatten)]
    pub document: DocumentRef,
    /// Heading path of the section (action) where the entity is named.
    pub section: Vec<String>,
    pub role: Role,
    /// Short excerpt around the mention.
    pub text: String,
    /// The passage holding the mention, when one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passage: Option<u32>,
    /// The 1-based page of the mention, for paged documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// A piece of the graph, for drawing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Subgraph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GraphNode {
    /// `document:<doc_id>`, `section:<doc_id>#<n>`, `territory:<kind>:<code>`, `entity:<id>`.
    pub id: String,
    pub label: String,
    /// `document`, `section`, `territory` or `entity`.
    pub kind: String,
    /// For entities, their kind.
    pub entity_kind: Option<EntityKind>,
    /// For sections, their document as a document node is labelled (its title, else its
    /// id): a drawing can group a plan's sections under its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GraphEdge {
    pub source: String,
    pub target: String,
    /// `covers`, `part_of`, `names`, `branch_of`, `located_in`.
    pub relation: String,
    pub role: Option<Role>,
    /// Number of mentions behind a `names` edge, 1 otherwise.
    pub count: u32,
}

fn territory_key(territory: &Territory) -> String {
    format!("{}:{}", territory.kind.as_str(), territory.code)
}

fn role_rank(role: Role) -> u8 {
    match role {
        Role::Pilot => 0,
        Role::Partner => 1,
        Role::Funder => 2,
        Role::Mention => 3,
    }
}

impl KnowledgeGraph {
    /// The graph with its lookup tables.
    fn assemble(
        graph: DiGraph<NodeData, EdgeData>,
        evidence: Vec<Span>,
        entity_nodes: HashMap<String, NodeIndex>,
        document_nodes: HashMap<u32, NodeIndex>,
    ) -> KnowledgeGraph {
        let mut covers: HashMap<NodeIndex, Vec<NodeIndex>> = HashMap::new();
        let mut branches: HashMap<NodeIndex, Vec<NodeIndex>> = HashMap::new();
        let mut named_by: HashMap<NodeIndex, Vec<EdgeIndex>> = HashMap::new();
        // Edges naming one entity are stored together: look the entity up once per run.
        let mut run: Option<(NodeIndex, Vec<EdgeIndex>)> = None;
        for edge in graph.edge_references() {
            match edge.weight().relation {
                Relation::Covers => covers.entry(edge.source()).or_default().push(edge.target()),
                Relation::BranchOf => branches
                    .entry(edge.target())
                    .or_default()
                    .push(edge.source()),
                Relation::Names => match &mut run {
                    Some((target, edges)) if *target == edge.target() => edges.push(edge.id()),
                    _ => {
                        if let Some((target, edges)) = run.take() {
                            named_by.entry(target).or_default().extend(edges);
                        }
                        run = Some((edge.target(), vec![edge.id()]));
                    }
                },
                _ => {}
            }
        }
        if let Some((target, edges)) = run {
            named_by.entry(target).or_default().extend(edges);
        }
        let n_documents = document_nodes.keys().max().map_or(0, |&d| d as usize + 1);
        let mut document_covers = vec![Vec::new(); n_documents];
        for (&doc, node) in &document_nodes {
            if let Some(territories) = covers.get(node) {
                document_covers[doc as usize] = territories.clone();
            }
        }
        KnowledgeGraph {
            graph,
            evidence,
            entity_nodes,
            document_nodes,
            branches,
            named_by,
            document_covers,
        }
    }

    fn evidence_of(&self, edge: &EdgeData) -> &[Span] {
        let first = edge.first_evidence as usize;
        self.evidence
            .get(first..first + usize::from(edge.n_evidence))
            .unwrap_or(&[])
    }

    pub fn n_nodes(&self) -> usize {
        self.graph.node_count()
    }

    pub fn n_edges(&self) -> usize {
        self.graph.edge_count()
    }
}
