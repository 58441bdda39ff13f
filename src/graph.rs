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
//! Persistence is one bincode file of plain node, edge and span lists (not petgraph's own serde
//! form, whose sequences bincode cannot always size), rebuilt into a petgraph graph on load.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::BufWriter;
use std::path::Path;

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::{Deserialize, Serialize};

use crate::extract::entities::{Catalog, EntityKind};
use crate::extract::Role;
use crate::{Document, Error, Result, Territory};

/// File name of the saved graph inside its directory.
pub const GRAPH_FILE_NAME: &str = "graph.bin";

/// Spans kept per aggregated mention edge; the count keeps the true total.
const MAX_EVIDENCE_PER_EDGE: usize = 5;

/// Evidence shown per territory and role: enough to judge, small enough to
/// answer fast for an actor named in thousands of plans.
const MAX_EVIDENCE_PER_ROLE: usize = 8;

/// Chars of context kept on each side of a mention in an excerpt.
const EXCERPT_CONTEXT_CHARS: usize = 90;

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
    /// The id of the document at `doc`.
    fn doc_id(&self, doc: usize) -> Option<&str>;
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
    fn doc_id(&self, doc: usize) -> Option<&str> {
        self.get(doc).map(|d| d.doc_id.as_str())
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
    fn doc_id(&self, doc: usize) -> Option<&str> {
        self.as_slice().doc_id(doc)
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

/// What is written to disk.
#[derive(Serialize, Deserialize)]
struct StoredGraph {
    nodes: Vec<NodeData>,
    edges: Vec<(u32, u32, EdgeData)>,
    evidence: Vec<Span>,
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
    pub doc_id: String,
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

/// A short excerpt of `text` around the chars `[start, end)`, white space collapsed.
fn excerpt(text: &str, start: usize, end: usize) -> String {
    excerpt_in(text, 0, start, end)
}

/// [`excerpt`] of a part of a text that begins `offset` characters into it: the ellipsis
/// before tells whether the text goes on before the excerpt, not the part.
fn excerpt_in(text: &str, offset: usize, start: usize, end: usize) -> String {
    let from = start.saturating_sub(EXCERPT_CONTEXT_CHARS);
    let to = end.max(start) + EXCERPT_CONTEXT_CHARS;
    let mut chars = text.chars().skip(from);
    let raw: String = chars.by_ref().take(to - from).collect();
    let cut_at_end = chars.next().is_some();
    let mut out = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if offset + from > 0 && !raw.is_empty() {
        out.insert(0, '…');
    }
    if cut_at_end {
        out.push('…');
    }
    out
}

fn role_rank(role: Role) -> u8 {
    match role {
        Role::Pilot => 0,
        Role::Partner => 1,
        Role::Funder => 2,
        Role::Mention => 3,
    }
}

/// Builds the graph; kept apart so `KnowledgeGraph::build` reads as the plan.
struct GraphBuilder {
    graph: DiGraph<NodeData, EdgeData>,
    evidence: Vec<Span>,
    territory_nodes: HashMap<String, NodeIndex>,
}

impl GraphBuilder {
    fn territory_node(&mut self, territory: &Territory) -> NodeIndex {
        let key = territory_key(territory);
        if let Some(&node) = self.territory_nodes.get(&key) {
            return node;
        }
        let node = self
            .graph
            .add_node(NodeData::Territory(Box::new(territory.clone())));
        self.territory_nodes.insert(key, node);
        node
    }

    fn add_edge(
        &mut self,
        from: NodeIndex,
        to: NodeIndex,
        relation: Relation,
        role: Option<Role>,
        count: u32,
        evidence: &[Span],
    ) {
        let first_evidence = self.evidence.len() as u32;
        let n_evidence = evidence.len().min(usize::from(u8::MAX));
        self.evidence.extend_from_slice(&evidence[..n_evidence]);
        self.graph.add_edge(
            from,
            to,
            EdgeData {
                relation,
                role,
                count,
                first_evidence,
                n_evidence: n_evidence as u8,
            },
        );
    }
}

/// Index of the innermost section holding char `offset`.
fn innermost_section(doc: &Document, offset: usize) -> Option<usize> {
    doc.sections
        .iter()
        .filter(|s| s.start <= offset && offset < s.end)
        .max_by_key(|s| s.depth)
        .map(|s| s.id)
}

impl KnowledgeGraph {
    /// Builds the graph of a corpus from its documents and the catalog of their entities
    /// (whose mentions point at `docs` by index).
    pub fn build(docs: &[Document], catalog: &Catalog) -> KnowledgeGraph {
        let mut builder = GraphBuilder {
            graph: DiGraph::new(),
            evidence: Vec::new(),
            territory_nodes: HashMap::new(),
        };

        // Documents, their territory and their outline. The sections of a document get
        // consecutive nodes, from `first_section_node[doc]`.
        let mut document_nodes: HashMap<u32, NodeIndex> = HashMap::new();
        let mut first_section_node: Vec<Option<usize>> = vec![None; docs.len()];
        let mut seen_ids: HashSet<&str> = HashSet::new();
        for (doc_index, doc) in docs.iter().enumerate() {
            if !seen_ids.insert(doc.doc_id.as_str()) {
                continue;
            }
            let doc_u32 = doc_index as u32;
            let doc_node = builder
                .graph
                .add_node(NodeData::Document(Box::new(DocumentNode {
                    doc: doc_u32,
                    doc_id: doc.doc_id.clone(),
                    title: doc.title.clone(),
                })));
            document_nodes.insert(doc_u32, doc_node);
            if let Some(territory) = &doc.territory {
                let territory_node = builder.territory_node(territory);
                let whole = Span {
                    doc: doc_u32,
                    passage: None,
                    start: 0,
                    end: 0,
                };
                builder.add_edge(
                    doc_node,
                    territory_node,
                    Relation::Covers,
                    None,
                    1,
                    &[whole],
                );
            }
            let first = builder.graph.node_count();
            first_section_node[doc_index] = Some(first);
            for section in &doc.sections {
                builder.graph.add_node(NodeData::Section {
                    doc: doc_u32,
                    section: section.id as u32,
                });
            }
            for (offset, section) in doc.sections.iter().enumerate() {
                let node = NodeIndex::new(first + offset);
                let parent = section
                    .parent
                    .filter(|&p| p < doc.sections.len())
                    .map(|p| NodeIndex::new(first + p))
                    .unwrap_or(doc_node);
                let span = Span {
                    doc: doc_u32,
                    passage: None,
                    start: section.start as u32,
                    end: section.end as u32,
                };
                builder.add_edge(node, parent, Relation::PartOf, None, 1, &[span]);
            }
        }

        // Entities that are named somewhere, and the general entities they are branches of.
        let mut wanted: HashSet<&str> = HashSet::new();
        for entity in catalog.entities() {
            if entity.mentions.is_empty() {
                continue;
            }
            let mut current = Some(entity);
            let mut guard = 0;
            while let Some(e) = current {
                if !wanted.insert(e.id.as_str()) || guard > 16 {
                    break;
                }
                current = e.branch_of.as_deref().and_then(|p| catalog.get(p));
                guard += 1;
            }
        }
        let mut entity_nodes: HashMap<String, NodeIndex> = HashMap::new();
        for entity in catalog
            .entities()
            .iter()
            .filter(|e| wanted.contains(e.id.as_str()))
        {
            let node = builder
                .graph
                .add_node(NodeData::Entity(Box::new(EntityNode {
                    id: entity.id.clone(),
                    name: entity.name.clone(),
                    kind: entity.kind,
                })));
            entity_nodes.insert(entity.id.clone(), node);
        }
        for entity in catalog
            .entities()
            .iter()
            .filter(|e| wanted.contains(e.id.as_str()))
        {
            let Some(&node) = entity_nodes.get(&entity.id) else {
                continue;
            };
            let span = entity
                .mentions
                .first()
                .map(|m| Span {
                    doc: m.doc,
                    passage: m.passage,
                    start: m.start,
                    end: m.end,
                })
                .unwrap_or(Span {
                    doc: u32::MAX,
                    passage: None,
                    start: 0,
                    end: 0,
                });
            if let Some(&parent) = entity.branch_of.as_ref().and_then(|p| entity_nodes.get(p)) {
                builder.add_edge(node, parent, Relation::BranchOf, None, 1, &[span]);
            }
            if let Some(place) = &entity.place {
                let territory_node = builder.territory_node(place);
                builder.add_edge(node, territory_node, Relation::LocatedIn, None, 1, &[span]);
            }
        }

        // Mentions, aggregated per (section or document, entity, role).
        struct Aggregate {
            role: Role,
            count: u32,
            evidence: Vec<Span>,
        }
        let mut slot_of: HashMap<(u32, u32, u8), usize> = HashMap::new();
        let mut aggregates: Vec<((u32, u32, u8), Aggregate)> = Vec::new();
        for entity in catalog.entities() {
            let Some(&entity_node) = entity_nodes.get(&entity.id) else {
                continue;
            };
            for mention in &entity.mentions {
                let doc_index = mention.doc as usize;
                let Some(doc) = docs.get(doc_index) else {
                    continue;
                };
                let section = mention
                    .passage
                    .and_then(|p| doc.passages.get(p as usize))
                    .and_then(|p| p.section)
                    .or_else(|| innermost_section(doc, mention.start as usize))
                    .filter(|&s| s < doc.sections.len());
                let source = match (section, first_section_node[doc_index]) {
                    (Some(s), Some(first)) => Some(NodeIndex::new(first + s)),
                    _ => document_nodes.get(&mention.doc).copied(),
                };
                let Some(source) = source else { continue };
                let key = (
                    source.index() as u32,
                    entity_node.index() as u32,
                    role_rank(mention.role),
                );
                let slot = *slot_of.entry(key).or_insert_with(|| {
                    aggregates.push((
                        key,
                        Aggregate {
                            role: mention.role,
                            count: 0,
                            evidence: Vec::new(),
                        },
                    ));
                    aggregates.len() - 1
                });
                let aggregate = &mut aggregates[slot].1;
                aggregate.count += 1;
                if aggregate.evidence.len() < MAX_EVIDENCE_PER_EDGE {
                    aggregate.evidence.push(Span {
                        doc: mention.doc,
                        passage: mention.passage,
                        start: mention.start,
                        end: mention.end,
                    });
                }
            }
        }
        // Edges naming one entity are stored together, so a question about an entity reads
        // them in one sweep of memory instead of chasing links across the graph.
        aggregates.sort_by_key(|&((source, target, role), _)| (target, source, role));
        for ((source, target, _), aggregate) in aggregates {
            builder.add_edge(
                NodeIndex::new(source as usize),
                NodeIndex::new(target as usize),
                Relation::Names,
                Some(aggregate.role),
                aggregate.count,
                &aggregate.evidence,
            );
        }

        KnowledgeGraph::assemble(
            builder.graph,
            builder.evidence,
            entity_nodes,
            document_nodes,
        )
    }

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

    /// Writes the graph to `dir/graph.bin`, creating `dir` if needed.
    pub fn save(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
        let path = dir.join(GRAPH_FILE_NAME);
        let stored = StoredGraph {
            nodes: self.graph.node_weights().cloned().collect(),
            edges: self
                .graph
                .edge_references()
                .map(|e| {
                    (
                        e.source().index() as u32,
                        e.target().index() as u32,
                        *e.weight(),
                    )
                })
                .collect(),
            evidence: self.evidence.clone(),
        };
        let file = std::fs::File::create(&path)
            .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
        let mut writer = BufWriter::new(file);
        bincode::serialize_into(&mut writer, &stored).map_err(|e| Error::Store {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let file = writer.into_inner().map_err(|e| Error::Store {
            path: path.clone(),
            message: e.to_string(),
        })?;
        file.sync_all()
            .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
    }

    /// Reads a graph written by [`KnowledgeGraph::save`].
    pub fn load(dir: &Path) -> Result<KnowledgeGraph> {
        let path = dir.join(GRAPH_FILE_NAME);
        if std::fs::symlink_metadata(&path).is_err() {
            return Err(Error::MissingIndex(dir.to_path_buf()));
        }
        // Non-blocking and regular only: a FIFO in its place must not hang the load.
        let (file, _) = crate::store::open_index_file(&path)?;
        let corrupt = |message: &str| Error::Store {
            path: path.clone(),
            message: message.to_string(),
        };
        // A large buffer: decoding reads many small fields, and a copy of the whole file
        // in memory would double the peak while loading.
        let reader = std::io::BufReader::with_capacity(1 << 20, file);
        let stored: StoredGraph =
            bincode::deserialize_from(reader).map_err(|e| corrupt(&e.to_string()))?;
        let mut graph = DiGraph::with_capacity(stored.nodes.len(), stored.edges.len());
        let mut entity_nodes = HashMap::new();
        let mut document_nodes = HashMap::new();
        for node in stored.nodes {
            let (entity_id, doc) = match &node {
                NodeData::Entity(entity) => (Some(entity.id.clone()), None),
                NodeData::Document(document) => (None, Some(document.doc)),
                _ => (None, None),
            };
            let index = graph.add_node(node);
            if let Some(id) = entity_id {
                entity_nodes.insert(id, index);
            }
            if let Some(doc) = doc {
                document_nodes.insert(doc, index);
            }
        }
        let n_nodes = graph.node_count();
        for (source, target, edge) in stored.edges {
            let (source, target) = (source as usize, target as usize);
            if source >= n_nodes || target >= n_nodes {
                return Err(corrupt("edge to a missing node"));
            }
            let end = edge.first_evidence as usize + usize::from(edge.n_evidence);
            if end > stored.evidence.len() {
                return Err(corrupt("edge with missing evidence"));
            }
            graph.add_edge(NodeIndex::new(source), NodeIndex::new(target), edge);
        }
        Ok(KnowledgeGraph::assemble(
            graph,
            stored.evidence,
            entity_nodes,
            document_nodes,
        ))
    }

    fn evidence_of(&self, edge: &EdgeData) -> &[Span] {
        let first = edge.first_evidence as usize;
        self.evidence
            .get(first..first + usize::from(edge.n_evidence))
            .unwrap_or(&[])
    }

    /// The entity node and the nodes of all its branches, transitively.
    fn entity_family(&self, entity_id: &str) -> Vec<NodeIndex> {
        let Some(&root) = self.entity_nodes.get(entity_id) else {
            return Vec::new();
        };
        let mut family = vec![root];
        let mut seen = HashSet::from([root]);
        let mut cursor = 0;
        while cursor < family.len() {
            let node = family[cursor];
            for &branch in self.branches.get(&node).into_iter().flatten() {
                if seen.insert(branch) {
                    family.push(branch);
                }
            }
            cursor += 1;
        }
        family
    }

    /// Headings from the document down to `node` (empty for a document).
    fn section_path(&self, source: &dyn DocumentSource, node: NodeIndex) -> Vec<String> {
        match self.graph.node_weight(node) {
            Some(NodeData::Section { doc, section }) => {
                source.heading_path(*doc as usize, *section as usize)
            }
            _ => Vec::new(),
        }
    }

    /// The excerpt a span shows: from its passage when it lies inside one (small to read, and
    /// it never runs into the next field), else from the document.
    fn excerpt(source: &dyn DocumentSource, span: &Span) -> String {
        let (start, end) = (span.start as usize, span.end as usize);
        let holder = span
            .passage
            .and_then(|p| source.passage_text(span.doc as usize, p as usize))
            .filter(|(text, p_start)| *p_start <= start && end <= *p_start + text.chars().count());
        match holder {
            Some((text, p_start)) => excerpt(text, start - p_start, end - p_start),
            None => source
                // One character more than the context tells whether the text goes on.
                .text_around(span.doc as usize, start, end, EXCERPT_CONTEXT_CHARS + 1)
                .filter(|(text, from)| *from <= start && text.chars().count() + from >= end)
                .or_else(|| source.text(span.doc as usize).map(|text| (text, 0)))
                .map(|(text, from)| excerpt_in(text, from, start - from, end - from))
                .unwrap_or_default(),
        }
    }

    /// "Which towns partner with X": territories whose documents name the entity (any alias,
    /// any branch), grouped by territory, with the roles played and evidence, for `role` (None =
    /// any). Per territory, the roles and the actions (sections) where the entity plays them.
    /// Territories where the entity plays a stronger role and has more evidence come first;
    /// `page` picks which of them come with their evidence (an actor named in every plan of a
    /// national corpus has thousands), `total` counts them all.
    pub fn territories_of(
        &self,
        source: &dyn DocumentSource,
        entity_id: &str,
        role: Option<Role>,
        page: std::ops::Range<usize>,
    ) -> TerritoryPage {
        struct Gathered<'g> {
            territory: &'g Territory,
            roles: Vec<Role>,
            /// (role, section or document node, span), at most a few per role.
            evidence: Vec<(Role, NodeIndex, Span)>,
            n_mentions: u32,
        }
        let mut slot_of: HashMap<NodeIndex, usize> = HashMap::new();
        let mut gathered: Vec<Gathered> = Vec::new();
        let edges = self.graph.raw_edges();
        for entity_node in self.entity_family(entity_id) {
            for edge_index in self.named_by.get(&entity_node).into_iter().flatten() {
                let Some(edge) = edges.get(edge_index.index()) else {
                    continue;
                };
                let data = &edge.weight;
                let Some(edge_role) = data.role else { continue };
                if role.is_some_and(|r| r != edge_role) {
                    continue;
                }
                let source = edge.source();
                // The document comes from the edge's evidence, which sits beside the edge:
                // no visit to the section node for each of thousands of edges.
                let Some(doc) = self.evidence_of(data).first().map(|span| span.doc) else {
                    continue;
                };
                let covered = self.document_covers.get(doc as usize).into_iter().flatten();
                for (node, territory) in covered.filter_map(|&t| match self.graph.node_weight(t) {
                    Some(NodeData::Territory(territory)) => Some((t, territory)),
                    _ => None,
                }) {
                    let slot = *slot_of.entry(node).or_insert_with(|| {
                        gathered.push(Gathered {
                            territory,
                            roles: Vec::new(),
                            evidence: Vec::new(),
                            n_mentions: 0,
                        });
                        gathered.len() - 1
                    });
                    let entry = &mut gathered[slot];
                    if !entry.roles.contains(&edge_role) {
                        entry.roles.push(edge_role);
                    }
                    let shown = entry
                        .evidence
                        .iter()
                        .filter(|(r, _, _)| *r == edge_role)
                        .count();
                    let room = MAX_EVIDENCE_PER_ROLE.saturating_sub(shown);
                    for span in self.evidence_of(data).iter().take(room) {
                        entry.evidence.push((edge_role, source, *span));
                    }
                    entry.n_mentions += data.count;
                }
            }
        }
        for g in &mut gathered {
            g.roles.sort_by_key(|r| role_rank(*r));
        }
        gathered.sort_by(|a, b| {
            let best_a = a.roles.first().map(|r| role_rank(*r)).unwrap_or(u8::MAX);
            let best_b = b.roles.first().map(|r| role_rank(*r)).unwrap_or(u8::MAX);
            best_a
                .cmp(&best_b)
                .then(b.n_mentions.cmp(&a.n_mentions))
                .then(a.territory.name.cmp(&b.territory.name))
                .then(a.territory.code.cmp(&b.territory.code))
        });
        let total = gathered.len();
        // Only the territories shown get their excerpts read.
        let territories = gathered
            .into_iter()
            .skip(page.start)
            .take(page.end.saturating_sub(page.start))
            .map(|g| {
                let mut evidence: Vec<Evidence> = g
                    .evidence
                    .iter()
                    .map(|(role, node, span)| Evidence {
                        doc_id: source
                            .doc_id(span.doc as usize)
                            .unwrap_or_default()
                            .to_string(),
                        section: self.section_path(source, *node),
                        role: *role,
                        text: Self::excerpt(source, span),
                        passage: span.passage,
                        page: source.page_of(span.doc as usize, span.start as usize),
                    })
                    .collect();
                evidence.sort_by(|a, b| {
                    role_rank(a.role)
                        .cmp(&role_rank(b.role))
                        .then(a.doc_id.cmp(&b.doc_id))
                        .then(a.section.cmp(&b.section))
                });
                TerritoryRoles {
                    territory: g.territory.clone(),
                    roles: g.roles,
                    mentions: g.n_mentions,
                    evidence,
                }
            })
            .collect();
        TerritoryPage { total, territories }
    }

    fn node_id(&self, node: NodeIndex) -> Option<String> {
        Some(match self.graph.node_weight(node)? {
            NodeData::Document(document) => format!("document:{}", document.doc_id),
            NodeData::Section { doc, section } => {
                let document = self.document_nodes.get(doc)?;
                match self.graph.node_weight(*document)? {
                    NodeData::Document(document) => {
                        format!("section:{}#{section}", document.doc_id)
                    }
                    _ => return None,
                }
            }
            NodeData::Territory(territory) => format!("territory:{}", territory_key(territory)),
            NodeData::Entity(entity) => format!("entity:{}", entity.id),
        })
    }

    /// Nodes and edges within `depth` hops of an entity (edges followed both ways), at most
    /// `max_nodes` nodes, nearest first; for drawing. Empty for an unknown entity.
    pub fn neighbourhood(
        &self,
        source: &dyn DocumentSource,
        entity_id: &str,
        depth: usize,
        max_nodes: usize,
    ) -> Subgraph {
        let Some(&start) = self.entity_nodes.get(entity_id) else {
            return Subgraph::default();
        };
        if max_nodes == 0 {
            return Subgraph::default();
        }
        let mut kept: Vec<NodeIndex> = vec![start];
        let mut seen: HashSet<NodeIndex> = HashSet::from([start]);
        let mut queue: VecDeque<(NodeIndex, usize)> = VecDeque::from([(start, 0)]);
        'walk: while let Some((node, distance)) = queue.pop_front() {
            if distance >= depth {
                continue;
            }
            // Strongest links first: pilots and partners before plain mentions.
            let mut neighbours: Vec<(u8, u32, NodeIndex)> = self
                .graph
                .edges_directed(node, Direction::Outgoing)
                .map(|e| (e.weight(), e.target()))
                .chain(
                    self.graph
                        .edges_directed(node, Direction::Incoming)
                        .map(|e| (e.weight(), e.source())),
                )
                .map(|(w, other)| {
                    (
                        w.role.map(role_rank).unwrap_or(0),
                        u32::MAX - w.count,
                        other,
                    )
                })
                .collect();
            neighbours.sort();
            for (_, _, other) in neighbours {
                if kept.len() >= max_nodes {
                    break 'walk;
                }
                if seen.insert(other) {
                    kept.push(other);
                    queue.push_back((other, distance + 1));
                }
            }
        }
        let mut ids: HashMap<NodeIndex, String> = HashMap::new();
        let mut nodes = Vec::with_capacity(kept.len());
        for &node in &kept {
            let (Some(data), Some(id)) = (self.graph.node_weight(node), self.node_id(node)) else {
                continue;
            };
            let (label, kind, entity_kind) = match data {
                NodeData::Document(document) => (
                    if document.title.is_empty() {
                        document.doc_id.clone()
                    } else {
                        document.title.clone()
                    },
                    "document",
                    None,
                ),
                NodeData::Section { doc, section } => (
                    source
                        .section(*doc as usize, *section as usize)
                        .map(|(heading, _)| heading.to_string())
                        .unwrap_or_default(),
                    "section",
                    None,
                ),
                NodeData::Territory(territory) => (territory.name.clone(), "territory", None),
                NodeData::Entity(entity) => (entity.name.clone(), "entity", Some(entity.kind)),
            };
            ids.insert(node, id.clone());
            nodes.push(GraphNode {
                id,
                label,
                kind: kind.to_string(),
                entity_kind,
            });
        }
        // Only the edges of kept nodes are looked at, never the whole graph.
        let mut edges = Vec::new();
        for &node in &kept {
            let Some(source_id) = ids.get(&node) else {
                continue;
            };
            for edge in self.graph.edges_directed(node, Direction::Outgoing) {
                let Some(target_id) = ids.get(&edge.target()) else {
                    continue;
                };
                let data = edge.weight();
                edges.push((
                    edge.id().index(),
                    GraphEdge {
                        source: source_id.clone(),
                        target: target_id.clone(),
                        relation: data.relation.as_str().to_string(),
                        role: data.role,
                        count: data.count,
                    },
                ));
            }
        }
        edges.sort_by_key(|(index, _)| *index);
        Subgraph {
            nodes,
            edges: edges.into_iter().map(|(_, edge)| edge).collect(),
        }
    }

    /// Ids of the entities present in the graph (those named somewhere, and their parents).
    pub fn entity_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.entity_nodes.keys().map(String::as_str).collect();
        ids.sort_unstable();
        ids
    }

    pub fn n_nodes(&self) -> usize {
        self.graph.node_count()
    }

    pub fn n_edges(&self) -> usize {
        self.graph.edge_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::entities::tests::{commune, make_doc, test_places};
    use crate::{Section, SectionKind};

    fn section(
        id: usize,
        parent: Option<usize>,
        heading: &str,
        start: usize,
        end: usize,
    ) -> Section {
        Section {
            id,
            parent,
            depth: usize::from(parent.is_some()),
            kind: if parent.is_some() {
                SectionKind::Action
            } else {
                SectionKind::Axe
            },
            number: None,
            heading: heading.to_string(),
            start,
            end,
        }
    }

    /// Three towns: Cornebarrieu names the Mission locale as partner (via a branch), Alès only
    /// mentions it, L'Union never does; a fourth document has no territory.
    fn tiny_corpus() -> (Vec<Document>, Catalog) {
        let cornebarrieu_text = "PILOTES\nVille de Cornebarrieu, CAF\n\nPARTENAIRES\nMission Locale Haute-Garonne (MLHG), CPAM\n\nLa Mission locale tient une permanence.";
        let mut cornebarrieu = make_doc(
            "ctg",
            cornebarrieu_text,
            Some(commune("Cornebarrieu", "31150")),
        );
        let n = cornebarrieu_text.chars().count();
        cornebarrieu.sections = vec![
            section(0, None, "Axe 1 : Grandir", 0, n),
            section(1, Some(0), "Action 5 : Insertion des jeunes", 0, n),
        ];
        for passage in &mut cornebarrieu.passages {
            passage.section = Some(1);
        }
        let ales = make_doc(
            "cdv",
            "Le travail avec pole emploi et la mission locale. La CAF finance.",
            Some(commune("Alès", "30007")),
        );
        let lunion = make_doc(
            "cm",
            "La CTG avec la CAF. Le CCAS.",
            Some(commune("L'Union", "31561")),
        );
        let orphan = make_doc("article", "Les Missions Locales du département.", None);
        let docs = vec![cornebarrieu, ales, lunion, orphan];
        let catalog = Catalog::build(&docs, &[], &test_places);
        (docs, catalog)
    }

    fn names(result: &[TerritoryRoles]) -> Vec<&str> {
        result.iter().map(|t| t.territory.name.as_str()).collect()
    }

    #[test]
    fn territories_of_follows_branches_and_skips_documents_without_territory() {
        let (docs, catalog) = tiny_corpus();
        let graph = KnowledgeGraph::build(&docs, &catalog);
        let result = graph
            .territories_of(&docs, "mission-locale", None, 0..usize::MAX)
            .territories;
        assert_eq!(names(&result), vec!["Cornebarrieu", "Alès"]);
        assert_eq!(result[0].roles, vec![Role::Partner, Role::Mention]);
        let partner = result[0]
            .evidence
            .iter()
            .find(|e| e.role == Role::Partner)
            .expect("partner");
        assert_eq!(partner.doc_id, "ctg");
        assert!(partner.text.contains("Haute-Garonne"), "{}", partner.text);
        assert!(!partner.section.is_empty());
        assert_eq!(result[1].roles, vec![Role::Mention]);
    }

    #[test]
    fn territories_come_in_pages_with_a_total() {
        let (docs, catalog) = tiny_corpus();
        let graph = KnowledgeGraph::build(&docs, &catalog);
        let all = graph.territories_of(&docs, "caf", None, 0..usize::MAX);
        assert_eq!(all.total, 3);
        let first = graph.territories_of(&docs, "caf", None, 0..1);
        assert_eq!(first.total, 3);
        assert_eq!(first.territories, all.territories[..1]);
        let rest = graph.territories_of(&docs, "caf", None, 1..10);
        assert_eq!(rest.territories, all.territories[1..]);
        assert!(graph
            .territories_of(&docs, "caf", None, 5..9)
            .territories
            .is_empty());
        assert!(all.territories.iter().all(|t| t.mentions >= 1));
    }

    #[test]
    fn territories_of_filters_by_role() {
        let (docs, catalog) = tiny_corpus();
        let graph = KnowledgeGraph::build(&docs, &catalog);
        let partners = graph
            .territories_of(&docs, "mission-locale", Some(Role::Partner), 0..usize::MAX)
            .territories;
        assert_eq!(names(&partners), vec!["Cornebarrieu"]);
        assert!(partners[0].evidence.iter().all(|e| e.role == Role::Partner));
        let pilots = graph
            .territories_of(&docs, "caf", Some(Role::Pilot), 0..usize::MAX)
            .territories;
        assert_eq!(names(&pilots), vec!["Cornebarrieu"]);
        let any_caf = graph
            .territories_of(&docs, "caf", None, 0..usize::MAX)
            .territories;
        assert_eq!(any_caf.len(), 3);
        assert_eq!(
            any_caf[0].territory.name, "Cornebarrieu",
            "the pilot comes first"
        );
        assert!(graph
            .territories_of(&docs, "caf", Some(Role::Funder), 0..usize::MAX)
            .territories
            .is_empty());
        assert!(graph
            .territories_of(&docs, "no-such-entity", None, 0..usize::MAX)
            .territories
            .is_empty());
    }

    #[test]
    fn graph_has_structure_and_provenance_on_every_edge() {
        let (docs, catalog) = tiny_corpus();
        let graph = KnowledgeGraph::build(&docs, &catalog);
        assert!(graph.n_nodes() > 10);
        for edge in graph.graph.edge_weights() {
            assert!(!graph.evidence_of(edge).is_empty(), "{edge:?}");
        }
        let relations: HashSet<Relation> = graph.graph.edge_weights().map(|e| e.relation).collect();
        for relation in [
            Relation::Covers,
            Relation::PartOf,
            Relation::Names,
            Relation::BranchOf,
            Relation::LocatedIn,
        ] {
            assert!(relations.contains(&relation), "{relation:?}");
        }
        // Mentions of one entity in one section are aggregated.
        let caf_ales = graph
            .territories_of(&docs, "caf", None, 0..usize::MAX)
            .territories;
        assert!(caf_ales.iter().all(|t| !t.evidence.is_empty()));
    }

    #[test]
    fn save_and_load_round_trip() {
        let (docs, catalog) = tiny_corpus();
        let graph = KnowledgeGraph::build(&docs, &catalog);
        let dir = tempfile::tempdir().expect("tempdir");
        graph.save(dir.path()).expect("save");
        let loaded = KnowledgeGraph::load(dir.path()).expect("load");
        assert_eq!(loaded.n_nodes(), graph.n_nodes());
        assert_eq!(loaded.n_edges(), graph.n_edges());
        assert_eq!(
            loaded
                .territories_of(&docs, "mission-locale", None, 0..usize::MAX)
                .territories,
            graph
                .territories_of(&docs, "mission-locale", None, 0..usize::MAX)
                .territories
        );
        let missing = KnowledgeGraph::load(&dir.path().join("nothing-here"));
        assert!(matches!(missing, Err(Error::MissingIndex(_))));
        std::fs::write(dir.path().join(GRAPH_FILE_NAME), b"not a graph").expect("write");
        assert!(matches!(
            KnowledgeGraph::load(dir.path()),
            Err(Error::Store { .. })
        ));
    }

    #[test]
    fn neighbourhood_is_bounded() {
        let (docs, catalog) = tiny_corpus();
        let graph = KnowledgeGraph::build(&docs, &catalog);
        let small = graph.neighbourhood(&docs, "caf", 3, 4);
        assert_eq!(small.nodes.len(), 4);
        assert_eq!(small.nodes[0].id, "entity:caf");
        let ids: HashSet<&str> = small.nodes.iter().map(|n| n.id.as_str()).collect();
        assert!(small
            .edges
            .iter()
            .all(|e| ids.contains(e.source.as_str()) && ids.contains(e.target.as_str())));

        let one_hop = graph.neighbourhood(&docs, "caf", 1, 100);
        assert!(one_hop
            .nodes
            .iter()
            .skip(1)
            .all(|n| n.kind == "section" || n.kind == "document"));
        let two_hops = graph.neighbourhood(&docs, "caf", 2, 100);
        assert!(two_hops.nodes.len() > one_hop.nodes.len());
        assert!(graph.neighbourhood(&docs, "caf", 0, 100).nodes.len() == 1);
        assert!(graph
            .neighbourhood(&docs, "unknown", 2, 100)
            .nodes
            .is_empty());
        let json = serde_json::to_string(&small).expect("json");
        assert!(json.contains("\"entity_kind\":\"organisation\""), "{json}");
    }
}
