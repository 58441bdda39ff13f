//! Building the graph from a corpus and the catalog of its entities.
//!
//! Node and edge indices are part of the design, so the passes run in a fixed order:
//! documents with their territory and outline (the sections of a document get consecutive
//! nodes, found again by arithmetic instead of a map), then the entities named somewhere,
//! then the mentions, aggregated into one `names` edge per (section, entity, role) and stored
//! entity by entity.

use std::collections::{HashMap, HashSet};

use petgraph::graph::{DiGraph, NodeIndex};

use super::{
    role_rank, territory_key, DocumentNode, EdgeData, EntityNode, KnowledgeGraph, NodeData,
    Relation, Span,
};
use crate::extract::entities::Catalog;
use crate::extract::Role;
use crate::{Document, Territory};

/// Spans kept per aggregated mention edge; the count keeps the true total.
const MAX_EVIDENCE_PER_EDGE: usize = 5;

/// Builds the graph; kept apart so `KnowledgeGraph::build` reads as the plan.
struct GraphBuilder {
    graph: DiGraph<NodeData, EdgeData>,
    evidence: Vec<Span>,
    territory_nodes: HashMap<String, NodeIndex>,
}

/// Where the documents sit in the graph: the nodes a mention edge can start from.
struct DocumentNodes {
    /// The node of each document, by document index.
    by_doc: HashMap<u32, NodeIndex>,
    /// The sections of a document get consecutive nodes, from `first_section[doc]`
    /// (`None` for a document left out because its id repeats an earlier one's).
    first_section: Vec<Option<usize>>,
}

/// Mentions of one entity in one section (or document) in one role: one `names` edge.
struct Aggregate {
    role: Role,
    count: u32,
    evidence: Vec<Span>,
}

/// What mentions are aggregated over: (section or document node, entity node, role rank).
type AggregateKey = (u32, u32, u8);

impl KnowledgeGraph {
    /// Builds the graph of a corpus from its documents and the catalog of their entities
    /// (whose mentions point at `docs` by index).
    pub fn build(docs: &[Document], catalog: &Catalog) -> KnowledgeGraph {
        let mut builder = GraphBuilder {
            graph: DiGraph::new(),
            evidence: Vec::new(),
            territory_nodes: HashMap::new(),
        };
        let documents = builder.add_documents(docs);
        let entity_nodes = builder.add_entities(catalog);
        let aggregates = aggregate_mentions(docs, catalog, &entity_nodes, &documents);
        builder.add_mention_edges(aggregates);
        KnowledgeGraph::assemble(
            builder.graph,
            builder.evidence,
            entity_nodes,
            documents.by_doc,
        )
    }
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

    /// Documents, their territory and their outline. A document whose id repeats an earlier
    /// one's is left out.
    fn add_documents(&mut self, docs: &[Document]) -> DocumentNodes {
        let mut documents = DocumentNodes {
            by_doc: HashMap::new(),
            first_section: vec![None; docs.len()],
        };
        let mut seen_ids: HashSet<&str> = HashSet::new();
        for (doc_index, doc) in docs.iter().enumerate() {
            if !seen_ids.insert(doc.doc_id.as_str()) {
                continue;
            }
            let doc_u32 = doc_index as u32;
            let doc_node = self
                .graph
                .add_node(NodeData::Document(Box::new(DocumentNode {
                    doc: doc_u32,
                    doc_id: doc.doc_id.clone(),
                    title: doc.title.clone(),
                })));
            documents.by_doc.insert(doc_u32, doc_node);
            if let Some(territory) = &doc.territory {
                let territory_node = self.territory_node(territory);
                let whole = Span {
                    doc: doc_u32,
                    passage: None,
                    start: 0,
                    end: 0,
                };
                self.add_edge(
                    doc_node,
                    territory_node,
                    Relation::Covers,
                    None,
                    1,
                    &[whole],
                );
            }
            documents.first_section[doc_index] = Some(self.add_outline(doc_u32, doc, doc_node));
        }
        documents
    }

    /// The sections of a document as consecutive nodes, each part of its parent section (or
    /// of the document); returns the index of the first.
    fn add_outline(&mut self, doc_u32: u32, doc: &Document, doc_node: NodeIndex) -> usize {
        let first = self.graph.node_count();
        for section in &doc.sections {
            self.graph.add_node(NodeData::Section {
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
            self.add_edge(node, parent, Relation::PartOf, None, 1, &[span]);
        }
        first
    }

    /// The entities of [`entities_in_graph`], then their `branch_of` and `located_in` edges;
    /// returns the node of each entity, by id.
    fn add_entities(&mut self, catalog: &Catalog) -> HashMap<String, NodeIndex> {
        let wanted = entities_in_graph(catalog);
        let mut entity_nodes: HashMap<String, NodeIndex> = HashMap::new();
        for entity in catalog
            .entities()
            .iter()
            .filter(|e| wanted.contains(e.id.as_str()))
        {
            let node = self.graph.add_node(NodeData::Entity(Box::new(EntityNode {
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
                self.add_edge(node, parent, Relation::BranchOf, None, 1, &[span]);
            }
            if let Some(place) = &entity.place {
                let territory_node = self.territory_node(place);
                self.add_edge(node, territory_node, Relation::LocatedIn, None, 1, &[span]);
            }
        }
        entity_nodes
    }

    /// One `names` edge per aggregate.
    fn add_mention_edges(&mut self, mut aggregates: Vec<(AggregateKey, Aggregate)>) {
        // Edges naming one entity are stored together, so a question about an entity reads
        // them in one sweep of memory instead of chasing links across the graph.
        aggregates.sort_by_key(|&((source, target, role), _)| (target, source, role));
        for ((source, target, _), aggregate) in aggregates {
            self.add_edge(
                NodeIndex::new(source as usize),
                NodeIndex::new(target as usize),
                Relation::Names,
                Some(aggregate.role),
                aggregate.count,
                &aggregate.evidence,
            );
        }
    }
}

/// Ids of the entities that get a node: those named somewhere, and the general entities they
/// are branches of (a chain of branches is followed a bounded number of steps).
fn entities_in_graph(catalog: &Catalog) -> HashSet<&str> {
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
    wanted
}

/// Mentions, aggregated per (section or document, entity, role), in the order each
/// aggregate is first met.
fn aggregate_mentions(
    docs: &[Document],
    catalog: &Catalog,
    entity_nodes: &HashMap<String, NodeIndex>,
    documents: &DocumentNodes,
) -> Vec<(AggregateKey, Aggregate)> {
    let mut slot_of: HashMap<AggregateKey, usize> = HashMap::new();
    let mut aggregates: Vec<(AggregateKey, Aggregate)> = Vec::new();
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
            let source = match (section, documents.first_section[doc_index]) {
                (Some(s), Some(first)) => Some(NodeIndex::new(first + s)),
                _ => documents.by_doc.get(&mention.doc).copied(),
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
    aggregates
}

/// Index of the innermost section holding char `offset`.
fn innermost_section(doc: &Document, offset: usize) -> Option<usize> {
    doc.sections
        .iter()
        .filter(|s| s.start <= offset && offset < s.end)
        .max_by_key(|s| s.depth)
        .map(|s| s.id)
}
