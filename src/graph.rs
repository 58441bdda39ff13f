//! TEMPORARY stand-in until the entities branch lands.
use crate::extract::entities::Catalog;
use crate::extract::Role;
use serde::{Deserialize, Serialize};
use std::path::Path;
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct KnowledgeGraph;
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TerritoryRoles {
    pub territory: crate::Territory,
    pub roles: Vec<Role>,
    pub evidence: Vec<Evidence>,
}
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evidence {
    pub doc_id: String,
    pub section: Vec<String>,
    pub role: Role,
    pub text: String,
}
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Subgraph {
    pub nodes: Vec<serde_json::Value>,
    pub edges: Vec<serde_json::Value>,
}
impl KnowledgeGraph {
    pub fn build(_docs: &[crate::Document], _catalog: &Catalog) -> KnowledgeGraph {
        KnowledgeGraph
    }
    pub fn save(&self, _dir: &Path) -> crate::Result<()> {
        Ok(())
    }
    pub fn load(_dir: &Path) -> crate::Result<KnowledgeGraph> {
        Ok(KnowledgeGraph)
    }
    pub fn territories_of(&self, _id: &str, _role: Option<Role>) -> Vec<TerritoryRoles> {
        Vec::new()
    }
    pub fn neighbourhood(&self, _id: &str, _depth: usize, _max: usize) -> Subgraph {
        Subgraph::default()
    }
    pub fn n_nodes(&self) -> usize {
        0
    }
    pub fn n_edges(&self) -> usize {
        0
    }
}
