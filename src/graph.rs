//! The knowledge graph: who does what, where, according to which document.
//!
//! The catalog knows every mention of an actor; the questions people ask cross documents and
//! territories ("which towns partner with the Mission locale?", "what surrounds the CAF?"), so
//! mentions are lifted into a graph of documents, sections, territories and entities. Invariant:
//! every edge carries provenance (the document span that justifies it) so any answer can show its
//! evidence. Mention edges are aggregated per (section, entity, role) with a count and a few
//! excerpts, which keeps the graph small enough to load at start-up.
//!
//! Persistence is one bincode file of plain node and edge lists (not petgraph's own serde form,
//! whose sequences bincode cannot always size), rebuilt into a petgraph graph on load.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::io::{BufReader, BufWriter};
use std::path::Path;

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::{Deserialize, Serialize};

use crate::extract::entities::{Catalog, EntityKind};
use crate::extract::{Provenance, Role};
use crate::{Document, Error, Result, Territory};

/// File name of the saved graph inside its directory.
pub const GRAPH_FILE_NAME: &str = "graph.bin";

/// Excerpts kept per aggregated mention edge; the count keeps the true total.
const MAX_EVIDENCE_PER_EDGE: usize = 5;

/// Evidence shown per territory and role: enough to judge, small enough to
/// answer fast for an actor named in thousands of plans.
const MAX_EVIDENCE_PER_ROLE: usize = 8;

/// Chars of context kept on each side of a mention in an excerpt.
const EXCERPT_CONTEXT_CHARS: usize = 90;

/// What a node stands for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum NodeData {
    Document {
        doc_id: String,
        title: String,
    },
    Section {
        doc_id: String,
        index: usize,
        heading: String,
    },
    Territory(Territory),
    Entity {
        id: String,
        name: String,
        kind: EntityKind,
    },
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

/// One piece of evidence stored on an edge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StoredEvidence {
    provenance: Provenance,
    text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct EdgeData {
    relation: Relation,
    role: Option<Role>,
    /// Number of mentions aggregated (1 for structural edges).
    count: u32,
    evidence: Vec<StoredEvidence>,
}

/// What is written to disk.
#[derive(Serialize, Deserialize)]
struct StoredGraph {
    nodes: Vec<NodeData>,
    edges: Vec<(u32, u32, EdgeData)>,
}

/// Documents, sections, territories and entities, linked with provenance.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeGraph {
    graph: DiGraph<NodeData, EdgeData>,
    entity_nodes: HashMap<String, NodeIndex>,
}

/// The territories an entity is named in, with the roles it plays there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TerritoryRoles {
    pub territory: Territory,
    /// Distinct roles, strongest first (pilot, partner, funder, mention).
    pub roles: Vec<Role>,
    pub evidence: Vec<Evidence>,
}

/// One excerpt showing an entity in a role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub doc_id: String,
    /// Heading path of the section (action) where the entity is named.
    pub section: Vec<String>,
    pub role: Role,
    /// Short excerpt around the mention.
    pub text: String,
}

/// A piece of the graph, for drawing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Subgraph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

fn node_id(node: &NodeData) -> String {
    match node {
        NodeData::Document { doc_id, .. } => format!("document:{doc_id}"),
        NodeData::Section { doc_id, index, .. } => format!("section:{doc_id}#{index}"),
        NodeData::Territory(territory) => format!("territory:{}", territory_key(territory)),
        NodeData::Entity { id, .. } => format!("entity:{id}"),
    }
}

fn document_provenance(doc_id: &str) -> Provenance {
    Provenance {
        doc_id: doc_id.to_string(),
        passage: None,
        section: Vec::new(),
        start: 0,
        end: 0,
    }
}

/// A short excerpt of `chars` around `[start, end)`, white space collapsed.
fn excerpt(chars: &[char], start: usize, end: usize) -> String {
    let start = start.min(chars.len());
    let end = end.clamp(start, chars.len());
    let from = start.saturating_sub(EXCERPT_CONTEXT_CHARS);
    let to = (end + EXCERPT_CONTEXT_CHARS).min(chars.len());
    let raw: String = chars[from..to].iter().collect();
    let mut text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if from > 0 {
        text.insert(0, '…');
    }
    if to < chars.len() {
        text.push('…');
    }
    text
}

fn role_rank(role: Role) -> u8 {
    match role {
        Role::Pilot => 0,
        Role::Partner => 1,
        Role::Funder => 2,
        Role::Mention => 3,
    }
}

/// Builds the graph; kept as free functions so `KnowledgeGraph::build` reads as the plan.
struct GraphBuilder {
    graph: DiGraph<NodeData, EdgeData>,
    document_nodes: HashMap<String, NodeIndex>,
    entity_nodes: HashMap<String, NodeIndex>,
    territory_nodes: HashMap<String, NodeIndex>,
}

impl GraphBuilder {
    fn territory_node(&mut self, territory: &Territory) -> NodeIndex {
        let key = territory_key(territory);
        if let Some(&node) = self.territory_nodes.get(&key) {
            return node;
        }
        let node = self.graph.add_node(NodeData::Territory(territory.clone()));
        self.territory_nodes.insert(key, node);
        node
    }

    fn add_edge(
        &mut self,
        from: NodeIndex,
        to: NodeIndex,
        relation: Relation,
        provenance: Provenance,
    ) {
        self.graph.add_edge(
            from,
            to,
            EdgeData {
                relation,
                role: None,
                count: 1,
                evidence: vec![StoredEvidence {
                    provenance: without_section_path(provenance),
                    text: String::new(),
                }],
            },
        );
    }
}

impl KnowledgeGraph {
    /// Builds the graph of a corpus from its documents and the catalog of their entities.
    pub fn build(docs: &[Document], catalog: &Catalog) -> KnowledgeGraph {
        let mut builder = GraphBuilder {
            graph: DiGraph::new(),
            document_nodes: HashMap::new(),
            entity_nodes: HashMap::new(),
            territory_nodes: HashMap::new(),
        };

        // Documents, their territory and their outline.
        let mut section_nodes: HashMap<(usize, usize), NodeIndex> = HashMap::new();
        let mut doc_index_by_id: HashMap<&str, usize> = HashMap::new();
        for (doc_index, doc) in docs.iter().enumerate() {
            if builder.document_nodes.contains_key(&doc.doc_id) {
                continue;
            }
            doc_index_by_id.insert(doc.doc_id.as_str(), doc_index);
            let doc_node = builder.graph.add_node(NodeData::Document {
                doc_id: doc.doc_id.clone(),
                title: doc.title.clone(),
            });
            builder.document_nodes.insert(doc.doc_id.clone(), doc_node);
            if let Some(territory) = &doc.territory {
                let territory_node = builder.territory_node(territory);
                builder.add_edge(
                    doc_node,
                    territory_node,
                    Relation::Covers,
                    document_provenance(&doc.doc_id),
                );
            }
            for section in &doc.sections {
                let node = builder.graph.add_node(NodeData::Section {
                    doc_id: doc.doc_id.clone(),
                    index: section.id,
                    heading: section.heading.clone(),
                });
                section_nodes.insert((doc_index, section.id), node);
            }
            for section in &doc.sections {
                let Some(&node) = section_nodes.get(&(doc_index, section.id)) else {
                    continue;
                };
                let parent = section
                    .parent
                    .and_then(|p| section_nodes.get(&(doc_index, p)).copied())
                    .unwrap_or(doc_node);
                let provenance = Provenance {
                    doc_id: doc.doc_id.clone(),
                    passage: None,
                    section: Vec::new(),
                    start: section.start,
                    end: section.end,
                };
                builder.add_edge(node, parent, Relation::PartOf, provenance);
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
        for entity in catalog
            .entities()
            .iter()
            .filter(|e| wanted.contains(e.id.as_str()))
        {
            let node = builder.graph.add_node(NodeData::Entity {
                id: entity.id.clone(),
                name: entity.name.clone(),
                kind: entity.kind,
            });
            builder.entity_nodes.insert(entity.id.clone(), node);
        }
        for entity in catalog
            .entities()
            .iter()
            .filter(|e| wanted.contains(e.id.as_str()))
        {
            let Some(&node) = builder.entity_nodes.get(&entity.id) else {
                continue;
            };
            let provenance = entity
                .mentions
                .first()
                .map(|m| m.provenance.clone())
                .unwrap_or_else(|| document_provenance(""));
            if let Some(&parent) = entity
                .branch_of
                .as_ref()
                .and_then(|p| builder.entity_nodes.get(p))
            {
                builder.add_edge(node, parent, Relation::BranchOf, provenance.clone());
            }
            if let Some(place) = &entity.place {
                let territory_node = builder.territory_node(place);
                builder.add_edge(node, territory_node, Relation::LocatedIn, provenance);
            }
        }

        // Mentions, aggregated per (section or document, entity, role).
        let mut aggregated: BTreeMap<(usize, usize, u8), EdgeData> = BTreeMap::new();
        for entity in catalog.entities() {
            let Some(&entity_node) = builder.entity_nodes.get(&entity.id) else {
                continue;
            };
            for mention in &entity.mentions {
                let provenance = &mention.provenance;
                let Some(&doc_index) = doc_index_by_id.get(provenance.doc_id.as_str()) else {
                    continue;
                };
                let doc = &docs[doc_index];
                let section = provenance
                    .passage
                    .and_then(|p| doc.passages.get(p))
                    .and_then(|p| p.section)
                    .or_else(|| innermost_section(doc, provenance.start));
                let source = section
                    .and_then(|s| section_nodes.get(&(doc_index, s)).copied())
                    .or_else(|| builder.document_nodes.get(&doc.doc_id).copied());
                let Some(source) = source else { continue };
                let edge = aggregated
                    .entry((source.index(), entity_node.index(), role_rank(mention.role)))
                    .or_insert_with(|| EdgeData {
                        relation: Relation::Names,
                        role: Some(mention.role),
                        count: 0,
                        evidence: Vec::new(),
                    });
                edge.count += 1;
                if edge.evidence.len() < MAX_EVIDENCE_PER_EDGE {
                    // The excerpt comes from the passage holding the
                    // mention: small to scan, and it never runs into the
                    // next field.
                    let holder = provenance
                        .passage
                        .and_then(|p| doc.passages.get(p))
                        .filter(|p| p.start <= provenance.start && provenance.end <= p.end);
                    let text = match holder {
                        Some(p) => {
                            let chars: Vec<char> = p.text.chars().collect();
                            excerpt(&chars, provenance.start - p.start, provenance.end - p.start)
                        }
                        None => {
                            let chars: Vec<char> = doc.text.chars().collect();
                            excerpt(&chars, provenance.start, provenance.end)
                        }
                    };
                    edge.evidence.push(StoredEvidence {
                        provenance: without_section_path(provenance.clone()),
                        text,
                    });
                }
            }
        }
        for ((source, target, _), edge) in aggregated {
            builder
                .graph
                .add_edge(NodeIndex::new(source), NodeIndex::new(target), edge);
        }

        KnowledgeGraph {
            graph: builder.graph,
            entity_nodes: builder.entity_nodes,
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
                        e.weight().clone(),
                    )
                })
                .collect(),
        };
        let file = std::fs::File::create(&path)
            .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
        bincode::serialize_into(BufWriter::new(file), &stored).map_err(|e| Error::Store {
            path: path.clone(),
            message: e.to_string(),
        })
    }

    /// Reads a graph written by [`KnowledgeGraph::save`].
    pub fn load(dir: &Path) -> Result<KnowledgeGraph> {
        let path = dir.join(GRAPH_FILE_NAME);
        let file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::MissingIndex(dir.to_path_buf()))
            }
            Err(e) => return Err(Error::io(format!("cannot read {}", path.display()), e)),
        };
        let stored: StoredGraph =
            bincode::deserialize_from(BufReader::new(file)).map_err(|e| Error::Store {
                path: path.clone(),
                message: e.to_string(),
            })?;
        let mut graph = DiGraph::with_capacity(stored.nodes.len(), stored.edges.len());
        let mut entity_nodes = HashMap::new();
        for node in stored.nodes {
            let entity_id = match &node {
                NodeData::Entity { id, .. } => Some(id.clone()),
                _ => None,
            };
            let index = graph.add_node(node);
            if let Some(id) = entity_id {
                entity_nodes.insert(id, index);
            }
        }
        let n_nodes = graph.node_count();
        for (source, target, edge) in stored.edges {
            let (source, target) = (source as usize, target as usize);
            if source >= n_nodes || target >= n_nodes {
                return Err(Error::Store {
                    path,
                    message: "edge to a missing node".to_string(),
                });
            }
            graph.add_edge(NodeIndex::new(source), NodeIndex::new(target), edge);
        }
        Ok(KnowledgeGraph {
            graph,
            entity_nodes,
        })
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
            for edge in self.graph.edges_directed(node, Direction::Incoming) {
                if edge.weight().relation == Relation::BranchOf && seen.insert(edge.source()) {
                    family.push(edge.source());
                }
            }
            cursor += 1;
        }
        family
    }

    /// The document a section or document node belongs to.
    /// Headings from the document down to `node` (empty for a document).
    fn section_path(&self, node: NodeIndex) -> Vec<String> {
        let mut path = Vec::new();
        let mut current = node;
        for _ in 0..64 {
            match self.graph.node_weight(current) {
                Some(NodeData::Section { heading, .. }) => {
                    path.push(heading.clone());
                    match self
                        .graph
                        .edges_directed(current, Direction::Outgoing)
                        .find(|e| e.weight().relation == Relation::PartOf)
                    {
                        Some(e) => current = e.target(),
                        None => break,
                    }
                }
                _ => break,
            }
        }
        path.reverse();
        path
    }

    fn document_of(&self, node: NodeIndex) -> Option<NodeIndex> {
        let mut current = node;
        for _ in 0..64 {
            match self.graph.node_weight(current)? {
                NodeData::Document { .. } => return Some(current),
                NodeData::Section { .. } => {
                    current = self
                        .graph
                        .edges_directed(current, Direction::Outgoing)
                        .find(|e| e.weight().relation == Relation::PartOf)?
                        .target();
                }
                _ => return None,
            }
        }
        None
    }

    fn territories_of_document(&self, document: NodeIndex) -> Vec<&Territory> {
        self.graph
            .edges_directed(document, Direction::Outgoing)
            .filter(|e| e.weight().relation == Relation::Covers)
            .filter_map(|e| match self.graph.node_weight(e.target()) {
                Some(NodeData::Territory(territory)) => Some(territory),
                _ => None,
            })
            .collect()
    }

    /// "Which towns partner with X": territories whose documents name the entity (any alias,
    /// any branch), grouped by territory, with the roles played and evidence, for `role` (None =
    /// any). Per territory, the roles and the actions (sections) where the entity plays them.
    /// Territories where the entity plays a stronger role and has more evidence come first.
    pub fn territories_of(&self, entity_id: &str, role: Option<Role>) -> Vec<TerritoryRoles> {
        let mut by_territory: HashMap<String, TerritoryRoles> = HashMap::new();
        let mut n_mentions: HashMap<String, u32> = HashMap::new();
        for entity_node in self.entity_family(entity_id) {
            for edge in self.graph.edges_directed(entity_node, Direction::Incoming) {
                let data = edge.weight();
                if data.relation != Relation::Names {
                    continue;
                }
                let Some(edge_role) = data.role else { continue };
                if role.is_some_and(|r| r != edge_role) {
                    continue;
                }
                let Some(document) = self.document_of(edge.source()) else {
                    continue;
                };
                for territory in self.territories_of_document(document) {
                    let key = territory_key(territory);
                    let entry = by_territory
                        .entry(key.clone())
                        .or_insert_with(|| TerritoryRoles {
                            territory: territory.clone(),
                            roles: Vec::new(),
                            evidence: Vec::new(),
                        });
                    if !entry.roles.contains(&edge_role) {
                        entry.roles.push(edge_role);
                    }
                    let shown = entry
                        .evidence
                        .iter()
                        .filter(|e| e.role == edge_role)
                        .count();
                    let room = MAX_EVIDENCE_PER_ROLE.saturating_sub(shown);
                    for evidence in data.evidence.iter().take(room) {
                        entry.evidence.push(Evidence {
                            doc_id: evidence.provenance.doc_id.clone(),
                            section: self.section_path(edge.source()),
                            role: edge_role,
                            text: evidence.text.clone(),
                        });
                    }
                    *n_mentions.entry(key).or_default() += data.count;
                }
            }
        }
        let mut out: Vec<(u32, TerritoryRoles)> = by_territory
            .into_iter()
            .map(|(key, mut roles)| {
                roles.roles.sort_by_key(|r| role_rank(*r));
                roles.evidence.sort_by(|a, b| {
                    role_rank(a.role)
                        .cmp(&role_rank(b.role))
                        .then(a.doc_id.cmp(&b.doc_id))
                        .then(a.section.cmp(&b.section))
                });
                (n_mentions.get(&key).copied().unwrap_or(0), roles)
            })
            .collect();
        out.sort_by(|a, b| {
            let best_a = a.1.roles.first().map(|r| role_rank(*r)).unwrap_or(u8::MAX);
            let best_b = b.1.roles.first().map(|r| role_rank(*r)).unwrap_or(u8::MAX);
            best_a
                .cmp(&best_b)
                .then(b.0.cmp(&a.0))
                .then(a.1.territory.name.cmp(&b.1.territory.name))
        });
        out.into_iter().map(|(_, roles)| roles).collect()
    }

    /// Nodes and edges within `depth` hops of an entity (edges followed both ways), at most
    /// `max_nodes` nodes, nearest first; for drawing. Empty for an unknown entity.
    pub fn neighbourhood(&self, entity_id: &str, depth: usize, max_nodes: usize) -> Subgraph {
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
        let nodes = kept
            .iter()
            .filter_map(|&n| self.graph.node_weight(n).map(|w| (n, w)));
        let nodes: Vec<GraphNode> = nodes
            .map(|(_, data)| match data {
                NodeData::Document { doc_id, title } => GraphNode {
                    id: node_id(data),
                    label: if title.is_empty() {
                        doc_id.clone()
                    } else {
                        title.clone()
                    },
                    kind: "document".to_string(),
                    entity_kind: None,
                },
                NodeData::Section { heading, .. } => GraphNode {
                    id: node_id(data),
                    label: heading.clone(),
                    kind: "section".to_string(),
                    entity_kind: None,
                },
                NodeData::Territory(territory) => GraphNode {
                    id: node_id(data),
                    label: territory.name.clone(),
                    kind: "territory".to_string(),
                    entity_kind: None,
                },
                NodeData::Entity { name, kind, .. } => GraphNode {
                    id: node_id(data),
                    label: name.clone(),
                    kind: "entity".to_string(),
                    entity_kind: Some(*kind),
                },
            })
            .collect();
        let mut edges = Vec::new();
        for edge_index in self.graph.edge_indices() {
            let Some((source, target)) = self.graph.edge_endpoints(edge_index) else {
                continue;
            };
            if !(seen.contains(&source) && seen.contains(&target)) {
                continue;
            }
            if let Some(edge) = self.graph_edge(edge_index, source, target) {
                edges.push(edge);
            }
        }
        Subgraph { nodes, edges }
    }

    fn graph_edge(
        &self,
        edge: EdgeIndex,
        source: NodeIndex,
        target: NodeIndex,
    ) -> Option<GraphEdge> {
        let data = self.graph.edge_weight(edge)?;
        Some(GraphEdge {
            source: node_id(self.graph.node_weight(source)?),
            target: node_id(self.graph.node_weight(target)?),
            relation: data.relation.as_str().to_string(),
            role: data.role,
            count: data.count,
        })
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

/// Index of the innermost section holding char `offset`.
/// Provenance as stored on an edge: the heading path is left out, since the
/// edge's own section node gives it (see `section_path`); repeating it on
/// every piece of evidence made the graph several times larger.
fn without_section_path(mut provenance: Provenance) -> Provenance {
    provenance.section = Vec::new();
    provenance
}

fn innermost_section(doc: &Document, offset: usize) -> Option<usize> {
    doc.sections
        .iter()
        .filter(|s| s.start <= offset && offset < s.end)
        .max_by_key(|s| s.depth)
        .map(|s| s.id)
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
        let result = graph.territories_of("mission-locale", None);
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
    fn territories_of_filters_by_role() {
        let (docs, catalog) = tiny_corpus();
        let graph = KnowledgeGraph::build(&docs, &catalog);
        let partners = graph.territories_of("mission-locale", Some(Role::Partner));
        assert_eq!(names(&partners), vec!["Cornebarrieu"]);
        assert!(partners[0].evidence.iter().all(|e| e.role == Role::Partner));
        let pilots = graph.territories_of("caf", Some(Role::Pilot));
        assert_eq!(names(&pilots), vec!["Cornebarrieu"]);
        let any_caf = graph.territories_of("caf", None);
        assert_eq!(any_caf.len(), 3);
        assert_eq!(
            any_caf[0].territory.name, "Cornebarrieu",
            "the pilot comes first"
        );
        assert!(graph.territories_of("caf", Some(Role::Funder)).is_empty());
        assert!(graph.territories_of("no-such-entity", None).is_empty());
    }

    #[test]
    fn graph_has_structure_and_provenance_on_every_edge() {
        let (docs, catalog) = tiny_corpus();
        let graph = KnowledgeGraph::build(&docs, &catalog);
        assert!(graph.n_nodes() > 10);
        for edge in graph.graph.edge_weights() {
            assert!(!edge.evidence.is_empty(), "{edge:?}");
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
        let caf_ales = graph.territories_of("caf", None);
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
            loaded.territories_of("mission-locale", None),
            graph.territories_of("mission-locale", None)
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
        let small = graph.neighbourhood("caf", 3, 4);
        assert_eq!(small.nodes.len(), 4);
        assert_eq!(small.nodes[0].id, "entity:caf");
        let ids: HashSet<&str> = small.nodes.iter().map(|n| n.id.as_str()).collect();
        assert!(small
            .edges
            .iter()
            .all(|e| ids.contains(e.source.as_str()) && ids.contains(e.target.as_str())));

        let one_hop = graph.neighbourhood("caf", 1, 100);
        assert!(one_hop
            .nodes
            .iter()
            .skip(1)
            .all(|n| n.kind == "section" || n.kind == "document"));
        let two_hops = graph.neighbourhood("caf", 2, 100);
        assert!(two_hops.nodes.len() > one_hop.nodes.len());
        assert!(graph.neighbourhood("caf", 0, 100).nodes.len() == 1);
        assert!(graph.neighbourhood("unknown", 2, 100).nodes.is_empty());
        let json = serde_json::to_string(&small).expect("json");
        assert!(json.contains("\"entity_kind\":\"organisation\""), "{json}");
    }
}
