//! TEMPORARY stand-in until the entities branch lands.
use serde::{Deserialize, Serialize};
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Organisation,
    Dispositif,
    Structure,
    Association,
    Autre,
}
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entity {
    pub id: String,
    pub name: String,
    pub kind: EntityKind,
    pub aliases: Vec<String>,
    pub branch_of: Option<String>,
    pub place: Option<crate::Territory>,
    pub mentions: Vec<EntityMention>,
}
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EntityMention {
    pub role: super::Role,
    pub surface: String,
    pub provenance: super::Provenance,
}
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Catalog {
    entities: Vec<Entity>,
}
impl Catalog {
    pub fn build(
        _docs: &[crate::Document],
        _acronyms: &[(String, String)],
        _place: &dyn Fn(&str) -> Option<crate::Territory>,
    ) -> Catalog {
        Catalog::default()
    }
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }
    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.id == id)
    }
    pub fn lookup(&self, name: &str) -> Option<&Entity> {
        self.entities
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name))
    }
    pub fn search(&self, _q: &str, _kind: Option<EntityKind>, _limit: usize) -> Vec<&Entity> {
        Vec::new()
    }
    pub fn with_branches(&self, id: &str) -> Vec<&Entity> {
        self.get(id).into_iter().collect()
    }
}
