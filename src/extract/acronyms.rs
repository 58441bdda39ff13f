//! TEMPORARY stand-in until the acronyms branch lands.
use serde::{Deserialize, Serialize};
pub struct AcronymDefinition {
    pub abbr: String,
    pub long_form: String,
    pub provenance: super::Provenance,
}
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Glossary {
    entries: Vec<GlossaryEntry>,
}
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GlossaryEntry {
    pub abbr: String,
    pub definitions: Vec<DefinitionEntry>,
    pub docs: Vec<String>,
    pub mentions: usize,
}
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DefinitionEntry {
    pub text: String,
    pub doc_id: String,
    pub count: usize,
    pub sources: Vec<super::Provenance>,
}
pub fn find_definitions(_doc: &crate::Document) -> Vec<AcronymDefinition> {
    Vec::new()
}
impl Glossary {
    pub fn build(_docs: &[crate::Document]) -> Glossary {
        Glossary::default()
    }
    pub fn entries(&self) -> &[GlossaryEntry] {
        &self.entries
    }
    pub fn get(&self, abbr: &str) -> Option<&GlossaryEntry> {
        self.entries
            .iter()
            .find(|e| e.abbr.eq_ignore_ascii_case(abbr))
    }
    pub fn expansions(&self, abbr: &str) -> Vec<&str> {
        self.get(abbr)
            .map(|e| e.definitions.iter().map(|d| d.text.as_str()).collect())
            .unwrap_or_default()
    }
    pub fn abbreviations_of(&self, _phrase: &str) -> Vec<&str> {
        Vec::new()
    }
}
