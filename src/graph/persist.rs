//! Saving the graph and loading it back.
//!
//! Persistence is one bincode file of plain node, edge and span lists (not petgraph's own serde
//! form, whose sequences bincode cannot always size), rebuilt into a petgraph graph on load.
//! A load checks that every edge's ends and evidence exist, so a damaged file is an error
//! rather than a graph that points nowhere.

use std::collections::HashMap;
use std::io::BufWriter;
use std::path::Path;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use serde::{Deserialize, Serialize};

use super::{EdgeData, KnowledgeGraph, NodeData, Span};
use crate::{Error, Result};

/// File name of the saved graph inside its directory.
pub const GRAPH_FILE_NAME: &str = "graph.bin";

/// What is written to disk.
#[derive(Serialize, Deserialize)]
struct StoredGraph {
    nodes: Vec<NodeData>,
    edges: Vec<(u32, u32, EdgeData)>,
    evidence: Vec<Span>,
}

impl KnowledgeGraph {
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
}
