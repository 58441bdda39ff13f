//! TEMPORARY stand-in until the analysis branch lands.
use tantivy::tokenizer::*;
pub const FRENCH: &str = "maillage_fr";
pub fn french_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::French))
        .build()
}
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(FRENCH, french_analyzer());
}
pub fn analyze(text: &str) -> Vec<String> {
    let mut a = french_analyzer();
    let mut s = a.token_stream(text);
    let mut out = Vec::new();
    while s.advance() {
        out.push(s.token().text.clone());
    }
    out
}
pub fn is_stop_word(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "de" | "la" | "le" | "les" | "des" | "du" | "et" | "a" | "à"
    )
}
