//! Query-time answers: the territories of an entity, the neighbourhood of an entity.
//!
//! Everything here only reads the graph and its lookup tables. Questions walk the compact
//! graph first and read document text last, and only for what is shown, so an actor named in
//! thousands of plans still answers fast.

use std::collections::{HashMap, HashSet, VecDeque};

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use super::{
    role_rank, territory_key, DocumentSource, Evidence, GraphEdge, GraphNode, KnowledgeGraph,
    NodeData, Span, Subgraph, TerritoryPage, TerritoryRoles,
};
use crate::extract::Role;
use crate::Territory;

/// Evidence shown per territory and role: enough to judge, small enough to
/// answer fast for an actor named in thousands of plans.
const MAX_EVIDENCE_PER_ROLE: usize = 8;

/// Chars of context kept on each side of a mention in an excerpt.
const EXCERPT_CONTEXT_CHARS: usize = 90;

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

impl KnowledgeGraph {
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
        let mut gathered = self.gather_territories(entity_id, role);
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
            .map(|g| self.territory_roles(source, g))
            .collect();
        TerritoryPage { total, territories }
    }

    /// The territories covered by the documents that name the entity (any alias, any
    /// branch) in `role` (None = any), each with the roles, a few spans of evidence per
    /// role and the count of mentions; in the order first met.
    fn gather_territories(&self, entity_id: &str, role: Option<Role>) -> Vec<Gathered<'_>> {
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
                // The document comes from the edge's evidence, which sits beside the edge:
                // no visit to the section node for each of thousands of edges.
                let evidence = self.evidence_of(data);
                let Some(doc) = evidence.first().map(|span| span.doc) else {
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
                    gathered[slot].add(edge_role, edge.source(), evidence, data.count);
                }
            }
        }
        gathered
    }

    /// One territory of [`Self::territories_of`]'s page, its evidence read from `source`.
    fn territory_roles(&self, source: &dyn DocumentSource, g: Gathered<'_>) -> TerritoryRoles {
        let mut evidence: Vec<Evidence> = g
            .evidence
            .iter()
            .map(|(role, node, span)| Evidence {
                document: source.document(span.doc as usize).unwrap_or_default(),
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
                .then(a.document.doc_id.cmp(&b.document.doc_id))
                .then(a.section.cmp(&b.section))
        });
        TerritoryRoles {
            territory: g.territory.clone(),
            roles: g.roles,
            mentions: g.n_mentions,
            evidence,
        }
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
        let kept = self.walk(start, depth, max_nodes);
        let mut ids: HashMap<NodeIndex, String> = HashMap::new();
        let mut nodes = Vec::with_capacity(kept.len());
        for &node in &kept {
            if let Some(shown) = self.graph_node(source, node) {
                ids.insert(node, shown.id.clone());
                nodes.push(shown);
            }
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

    /// The nodes within `depth` hops of `start` (edges followed both ways), at most
    /// `max_nodes`, nearest first, and among neighbours the strongest links first.
    fn walk(&self, start: NodeIndex, depth: usize, max_nodes: usize) -> Vec<NodeIndex> {
        if max_nodes == 0 {
            return Vec::new();
        }
        let mut kept: Vec<NodeIndex> = vec![start];
        let mut seen: HashSet<NodeIndex> = HashSet::from([start]);
        let mut queue: VecDeque<(NodeIndex, usize)> = VecDeque::from([(start, 0)]);
        while let Some((node, distance)) = queue.pop_front() {
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
                    return kept;
                }
                if seen.insert(other) {
                    kept.push(other);
                    queue.push_back((other, distance + 1));
                }
            }
        }
        kept
    }

    /// What a document is called in an answer: its title, else its id.
    fn document_label(&self, doc: u32) -> Option<String> {
        match self.graph.node_weight(*self.document_nodes.get(&doc)?)? {
            NodeData::Document(document) => Some(document.label()),
            _ => None,
        }
    }

    /// A node as an answer shows it.
    fn graph_node(&self, source: &dyn DocumentSource, node: NodeIndex) -> Option<GraphNode> {
        let id = self.node_id(node)?;
        let (label, kind, entity_kind, document) = match self.graph.node_weight(node)? {
            NodeData::Document(document) => (document.label(), "document", None, None),
            NodeData::Section { doc, section } => (
                source
                    .section(*doc as usize, *section as usize)
                    .map(|(heading, _)| heading.to_string())
                    .unwrap_or_default(),
                "section",
                None,
                self.document_label(*doc),
            ),
            NodeData::Territory(territory) => (territory.name.clone(), "territory", None, None),
            NodeData::Entity(entity) => (entity.name.clone(), "entity", Some(entity.kind), None),
        };
        Some(GraphNode {
            id,
            label,
            kind: kind.to_string(),
            entity_kind,
            document,
        })
    }

    /// Ids of the entities present in the graph (those named somewhere, and their parents).
    pub fn entity_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.entity_nodes.keys().map(String::as_str).collect();
        ids.sort_unstable();
        ids
    }
}

/// What [`KnowledgeGraph::territories_of`] gathers for one territory.
struct Gathered<'g> {
    territory: &'g Territory,
    roles: Vec<Role>,
    /// (role, section or document node, span), at most a few per role.
    evidence: Vec<(Role, NodeIndex, Span)>,
    n_mentions: u32,
}

impl Gathered<'_> {
    /// One edge naming the entity in `role` from `node`, with its evidence and count.
    fn add(&mut self, role: Role, node: NodeIndex, evidence: &[Span], count: u32) {
        if !self.roles.contains(&role) {
            self.roles.push(role);
        }
        let shown = self.evidence.iter().filter(|(r, _, _)| *r == role).count();
        let room = MAX_EVIDENCE_PER_ROLE.saturating_sub(shown);
        for span in evidence.iter().take(room) {
            self.evidence.push((role, node, *span));
        }
        self.n_mentions += count;
    }
}
