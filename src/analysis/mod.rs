//! The French analyzer shared by indexing and querying.
//!
//! Why our own chain instead of tantivy's `lang_fr`-style default: the
//! documents mix accented text, ALL-CAPS headings without accents, dotted
//! acronyms, plan numbers, elided articles with two kinds of apostrophes and
//! inclusive writing, and users type queries without accents. Every one of
//! those spellings must land on the same term, and the index and the query
//! parser must use the very same chain (architecture invariant: "index and
//! query share one analyzer"), hence one registered name, [`FRENCH`].
//!
//! The chain, one file per step in tantivy's shape (filter → tokenizer
//! wrapper → token stream):
//!
//! 1. [`tokenizer::FrenchTokenizer`]: words, acronyms (`C.G.E.T` → `CGET`),
//!    codes (`1.2.5`), inclusive forms, hyphen splitting;
//! 2. `RemoveLongFilter`: drops junk longer than [`MAX_TOKEN_BYTES`];
//! 3. [`elision::ElisionFilter`]: `l’`, `D'`, `jusqu’`… removed;
//! 4. [`folding::FoldingFilter`]: lower case, `œ` → `oe`, accents removed;
//! 5. stop words from `data/stopwords_fr.txt` ([`stop_words`]);
//! 6. [`stemming::FrenchStemmer`]: Snowball on the folded word, with the
//!    accent of `-ité`, `-ée`, `-ière` put back first.
//!
//! Removed words (elided articles, stop words) keep their positions, so
//! phrase queries (`"situation de handicap"`) match exactly.
//!
//! [`FRENCH_PAIRS`] is the same chain followed by [`pairs::PairFilter`]: each term paired
//! with its neighbours, so that a phrase is found through its pairs without reading
//! positions.
//!
//! # Example
//! ```rust
//! use maillage::analysis::analyze;
//!
//! assert_eq!(analyze("RÉUSSITE ÉDUCATIVE"), analyze("reussite educative"));
//! assert_eq!(analyze("C.G.E.T"), analyze("CGET"));
//! assert_eq!(analyze("l’accompagnement à la parentalité"), ["accompagn", "parental"]);
//! ```

pub mod elision;
pub mod folding;
pub mod handover;
pub mod memo;
pub mod pairs;
pub mod stemming;
pub mod stop_words;
pub mod tokenizer;

use tantivy::tokenizer::{
    RemoveLongFilter, TextAnalyzer, TextAnalyzerBuilder, TokenStream, Tokenizer,
};

pub use stop_words::is_stop_word;

/// Name under which the analyzer is registered.
pub const FRENCH: &str = "maillage_fr";

/// The analyzer of a passage's body text, handing its terms over to the pairs' analyzer
/// ([`handover`]).
pub const FRENCH_TEXT: &str = "maillage_fr_text";

/// The same analyzer remembering its last texts ([`memo`]), for the fields every passage
/// repeats (title, heading path).
pub const FRENCH_REPEATED: &str = "maillage_fr_repeated";

/// The analyzer followed by [`pairs::PairFilter`]: neighbouring terms as one term each.
pub const FRENCH_PAIRS: &str = "maillage_fr_pairs";

/// [`FRENCH_PAIRS`] remembering its last texts, for the title's and headings' pairs.
pub const FRENCH_PAIRS_REPEATED: &str = "maillage_fr_pairs_repeated";

/// Tokens at least this long (in bytes) are junk (base64, glued URLs) and
/// are dropped.
pub const MAX_TOKEN_BYTES: usize = 64;

/// The chain every analyzer of the index starts with: tokenizer, elision, folding, stop
/// words, stemming.
fn french_chain() -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(tokenizer::FrenchTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(elision::ElisionFilter)
        .filter(folding::FoldingFilter)
        .filter(stop_words::french_stop_word_filter())
        .filter(stemming::FrenchStemmer)
}

/// The analyzer: tokenizer, elision, folding, stop words, stemming.
pub fn french_analyzer() -> TextAnalyzer {
    french_chain().build()
}

/// [`french_analyzer`] whose terms are then paired ([`pairs`]).
pub fn pairs_analyzer() -> TextAnalyzer {
    french_chain().filter(pairs::PairFilter).build()
}

/// Registers [`FRENCH`], [`FRENCH_TEXT`], [`FRENCH_REPEATED`], [`FRENCH_PAIRS`] and
/// [`FRENCH_PAIRS_REPEATED`] on the index's tokenizer manager.
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(FRENCH, french_analyzer());
    index.tokenizers().register(
        FRENCH_TEXT,
        TextAnalyzer::from(handover::Handing::new(french_analyzer())),
    );
    index.tokenizers().register(FRENCH_PAIRS, pairs_analyzer());
    index.tokenizers().register(
        FRENCH_PAIRS_REPEATED,
        TextAnalyzer::from(memo::Memo::new(pairs_analyzer())),
    );
    index.tokenizers().register(
        FRENCH_REPEATED,
        TextAnalyzer::from(memo::Memo::sharing_terms()),
    );
}

/// The terms the index stores for `text`, in order (for tests, query
/// building, highlighting).
pub fn analyze(text: &str) -> Vec<String> {
    terms_of(french_analyzer(), text)
}

/// The terms `analyzer` gives for `text`, in order.
fn terms_of(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut terms = Vec::new();
    while let Some(token) = stream.next() {
        terms.push(token.text.clone());
    }
    terms
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use tantivy::tokenizer::Token;

    /// Checks one token, tantivy's way.
    pub(crate) fn assert_token(token: &Token, position: usize, text: &str, from: usize, to: usize) {
        assert_eq!(token.position, position, "position of {token:?}");
        assert_eq!(token.text, text, "text of {token:?}");
        assert_eq!(token.offset_from, from, "offset_from of {token:?}");
        assert_eq!(token.offset_to, to, "offset_to of {token:?}");
    }

    /// Every token `analyzer` produces for `text`.
    pub(crate) fn collect_tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
        let mut tokens = Vec::new();
        let mut stream = analyzer.token_stream(text);
        stream.process(&mut |token: &Token| tokens.push(token.clone()));
        tokens
    }

    /// The texts of `tokens`.
    pub(crate) fn texts(tokens: Vec<Token>) -> Vec<String> {
        tokens.into_iter().map(|token| token.text).collect()
    }

    fn same_terms(left: &str, right: &str) -> bool {
        analyze(left) == analyze(right)
    }

    #[test]
    fn accented_unaccented_and_capital_spellings_give_one_term() {
        let spellings = [
            "RÉUSSITE ÉDUCATIVE",
            "REUSSITE EDUCATIVE",
            "réussite éducative",
        ];
        for spelling in spellings {
            assert_eq!(analyze(spelling), ["reussit", "educ"], "{spelling}");
        }
        for (left, right) in [
            ("parentalité", "PARENTALITE"),
            ("scolarité", "SCOLARITE"),
            ("numérique", "NUMERIQUE"),
            ("Santé", "SANTE"),
            ("Été", "ete"),
            ("Œuvre", "oeuvre"),
            ("CŒUR", "cœur"),
        ] {
            assert!(same_terms(left, right), "{left} / {right}");
        }
    }

    #[test]
    fn acronym_spellings_give_one_term() {
        assert!(same_terms("C.G.E.T", "CGET"));
        assert!(same_terms("C.G.E.T.", "cget"));
        assert!(same_terms("Q.P.V", "QPV"));
        assert_eq!(analyze("1.2.5"), ["1.2.5"]);
    }

    #[test]
    fn hyphenated_names_are_split_in_consecutive_positions() {
        let mut analyzer = french_analyzer();
        let tokens = collect_tokens(&mut analyzer, "Val-d’Oise");
        assert_eq!(tokens.len(), 2);
        assert_eq!(tokens[0].position, 0);
        assert_eq!(tokens[1].position, 2);
        assert!(same_terms("Val-d'Oise", "val d’oise"));
        assert!(same_terms("Haute-Garonne", "haute garonne"));
        assert!(same_terms("Emploi-Formation", "emploi formation"));
    }

    #[test]
    fn elision_works_with_both_apostrophes_and_capitals() {
        for text in ["l'école", "l’école", "L’ÉCOLE", "L'ECOLE", "école"] {
            assert_eq!(analyze(text), analyze("ecole"), "{text}");
        }
        assert_eq!(
            analyze("jusqu’à lorsqu'il puisqu’elle quoiqu'on"),
            Vec::<String>::new()
        );
        // Apostrophe lost or spaced out by a PDF tool, or not typed.
        for text in ["d ’accueil", "d’ accueil", "d accueil", "D' ACCUEIL"] {
            assert_eq!(analyze(text), analyze("accueil"), "{text}");
        }
    }

    /// Pairs seen in the shipped corpus that a search must conflate.
    #[test]
    fn corpus_inflections_conflate() {
        let pairs = [
            ("parentalité", "parental"),
            ("parentalité", "parentales"),
            ("PARENTALITE", "parental"),
            ("éducative", "éducatif"),
            ("éducatives", "EDUCATIF"),
            ("mission", "missions"),
            ("jeune", "jeunes"),
            ("locale", "local"),
            ("Locales", "local"),
            ("situation", "situations"),
            ("fragilité", "fragilités"),
            ("famille", "familles"),
            ("quartier", "quartiers"),
            ("partenaire", "partenaires"),
            ("accompagnement", "accompagner"),
            ("sociale", "sociaux"),
            ("associations", "association"),
            ("territoriale", "territorial"),
            ("habitant.e.s", "habitants"),
            ("professionnel.le.s", "professionnels"),
            ("engagés", "ENGAGES"),
            ("première", "premier"),
            ("année", "ANNEES"),
            ("numérique", "numeriques"),
            ("handicap", "handicaps"),
            // The noun and its verb: welcome, as `accueillir les jeunes`
            // answers a search for `accueil des jeunes`.
            ("accueil", "accueillir"),
        ];
        for (left, right) in pairs {
            assert!(
                same_terms(left, right),
                "{left} {:?} / {right} {:?}",
                analyze(left),
                analyze(right)
            );
        }
    }

    /// Pairs with different meanings that must stay apart.
    #[test]
    fn different_words_stay_apart() {
        let pairs = [
            ("santé", "sans"),
            ("été", "état"),
            ("parent", "parental"),
            ("ville", "vie"),
            ("enfant", "enfance"),
            ("emploi", "employeur"),
            ("sport", "support"),
            ("mission", "mise"),
            ("CAF", "CAS"),
        ];
        for (left, right) in pairs {
            assert!(
                !same_terms(left, right),
                "{left} / {right} both give {:?}",
                analyze(left)
            );
        }
    }

    #[test]
    fn content_words_survive_and_function_words_go() {
        assert_eq!(
            analyze("Les jeunes de la ville et leurs parents"),
            ["jeun", "vill", "parent"]
        );
        assert_eq!(analyze("Le Grand Est"), ["grand", "est"]);
    }

    #[test]
    fn never_panics_on_odd_input() {
        let odd = "’’ l’ d' .. ‧·• 1,,2 ..a. ‐‑ œ\u{301} ﬁ ß İ 𝔸 🙂 \u{0} \t\r\n ^{er} 1^{er}";
        let terms = analyze(odd);
        assert!(terms.iter().all(|term| !term.is_empty()));
        assert!(analyze(&"a".repeat(MAX_TOKEN_BYTES + 1)).is_empty());
    }

    /// Documents matching `query` in a RAM index holding `texts`, by index
    /// in `texts`, through tantivy's own query parser.
    fn matching_texts(texts: &[&str], query: &str) -> Vec<usize> {
        use tantivy::collector::TopDocs;
        use tantivy::query::QueryParser;
        use tantivy::schema::{
            IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED,
        };
        use tantivy::{doc, Index, TantivyDocument};

        let mut schema_builder = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(FRENCH)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let text_field = schema_builder.add_text_field(
            "text",
            TextOptions::default().set_indexing_options(indexing),
        );
        let rank_field = schema_builder.add_u64_field("rank", STORED);
        let index = Index::create_in_ram(schema_builder.build());
        register(&index);
        let mut writer = index.writer(15_000_000).expect("RAM index writer");
        for (rank, text) in texts.iter().enumerate() {
            writer
                .add_document(doc!(text_field => *text, rank_field => rank as u64))
                .expect("add document");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        // tantivy's grammar reads an unquoted `'` as a quote: escape it, as a user's query
        // never reaches this parser (ours is `query::parse`).
        let escaped = if query.starts_with('"') {
            query.to_string()
        } else {
            query.replace('\'', "\\'")
        };
        let parsed = QueryParser::for_index(&index, vec![text_field])
            .parse_query(&escaped)
            .expect("query parses");
        let mut ranks: Vec<usize> = searcher
            .search(
                &parsed,
                &TopDocs::with_limit(texts.len().max(1)).order_by_score(),
            )
            .expect("search")
            .into_iter()
            .filter_map(|(_, address)| {
                let document: TantivyDocument = searcher.doc(address).ok()?;
                let rank = document.get_first(rank_field)?.as_u64()?;
                usize::try_from(rank).ok()
            })
            .collect();
        ranks.sort_unstable();
        ranks
    }

    #[test]
    fn phrase_query_matches_inflected_and_capital_forms_in_an_index() {
        let texts = [
            "Accompagner les situations de handicap",
            "SITUATION DE HANDICAP des enfants",
            "Situation d’Handicap",
            "la situation financière et le handicap",
            "handicap de situation",
        ];
        assert_eq!(
            matching_texts(&texts, "\"situation de handicap\""),
            [0, 1, 2]
        );
        assert_eq!(
            matching_texts(&texts, "\"SITUATIONS DU HANDICAP\""),
            [0, 1, 2]
        );
    }

    #[test]
    fn index_finds_acronyms_hyphenated_names_and_unaccented_queries() {
        let texts = [
            "Le C.G.E.T. finance la Haute-Garonne",
            "RÉUSSITE ÉDUCATIVE en Val-d’Oise",
            "Un Lieu d’Accueil Enfants-Parents (LAEP)",
            "haute qualité, garonne",
            "Action 1.2.5 : parentalité",
        ];
        assert_eq!(matching_texts(&texts, "CGET"), [0]);
        assert_eq!(matching_texts(&texts, "c.g.e.t"), [0]);
        assert_eq!(matching_texts(&texts, "\"haute garonne\""), [0]);
        assert_eq!(matching_texts(&texts, "Garonne"), [0, 3]);
        assert_eq!(matching_texts(&texts, "\"reussite educative\""), [1]);
        assert_eq!(matching_texts(&texts, "\"val d'oise\""), [1]);
        assert_eq!(
            matching_texts(&texts, "\"lieu d'accueil enfants parents\""),
            [2]
        );
        assert_eq!(matching_texts(&texts, "1.2.5"), [4]);
        assert_eq!(matching_texts(&texts, "d'accueil"), [2]);
        assert_eq!(matching_texts(&texts, "Val-d’Oise"), [1]);
        assert_eq!(matching_texts(&texts, "PARENTALITE"), [4]);
    }

    proptest::proptest! {
        /// Any mix of French letters, apostrophes, dots and dashes: no panic,
        /// offsets on character boundaries, increasing positions, no empty term.
        #[test]
        fn any_text_gives_well_formed_tokens(text in "[a-zA-Zéèêàçœ’'.·,:1-9 \\-–«»ﬁÉÈŒ]{0,60}") {
            let mut analyzer = french_analyzer();
            let tokens = collect_tokens(&mut analyzer, &text);
            let mut previous_position = None;
            for token in &tokens {
                proptest::prop_assert!(text.get(token.offset_from..token.offset_to).is_some());
                proptest::prop_assert!(!token.text.is_empty());
                proptest::prop_assert!(previous_position.is_none_or(|position| token.position > position));
                previous_position = Some(token.position);
            }
        }
    }

    /// Runs the analyzer over the shipped corpus: no panic, offsets on char
    /// boundaries, and a word gives the same terms in any case/accent form.
    #[test]
    fn shipped_corpus_is_analyzed_consistently() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let Ok(entries) = std::fs::read_dir(&corpus) else {
            return;
        };
        let mut analyzer = french_analyzer();
        let mut n_tokens = 0usize;
        for entry in entries.flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            for token in collect_tokens(&mut analyzer, &text) {
                let original = &text[token.offset_from..token.offset_to];
                n_tokens += 1;
                if token.text.contains('.') || token.text.contains(',') {
                    continue;
                }
                let upper = analyze(&original.to_uppercase());
                let folded = analyze(&folding::fold(original));
                assert_eq!(upper, folded, "{original}");
            }
        }
        assert!(n_tokens > 10_000, "{n_tokens} tokens");
    }
}

/// Measurement, not a check: `cargo test --lib analysis::measure --
/// --ignored --nocapture` prints the analyzer's speed on the shipped corpus
/// and where its conflation of the corpus vocabulary differs from plain
/// Snowball on accented words (`PROBE=mot1,mot2` prints chosen words too).
#[cfg(test)]
mod measure {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    #[ignore]
    fn compare_with_accented_snowball() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::French);
        let mut words = BTreeSet::new();
        for entry in std::fs::read_dir(&corpus).unwrap().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            for word in text.split(|c: char| !c.is_alphabetic()) {
                if word.chars().count() > 2 && word.chars().any(|c| c.is_lowercase()) {
                    words.insert(word.to_lowercase());
                }
            }
        }
        let mut all_text = String::new();
        for entry in std::fs::read_dir(&corpus).unwrap().flatten() {
            all_text.push_str(&std::fs::read_to_string(entry.path()).unwrap());
        }
        let started = std::time::Instant::now();
        let mut analyzer = french_analyzer();
        let mut n_tokens = 0usize;
        for _ in 0..10 {
            let mut stream = analyzer.token_stream(&all_text);
            while stream.advance() {
                n_tokens += 1;
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{n_tokens} tokens, {:.1} MB/s",
            10.0 * all_text.len() as f64 / seconds / 1e6
        );
        let mut ours: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut reference: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for word in &words {
            let Some(term) = analyze(word).into_iter().next() else {
                continue;
            };
            ours.entry(term).or_default().insert(word.clone());
            let reference_term = folding::fold(&stemmer.stem(word));
            reference
                .entry(reference_term)
                .or_default()
                .insert(word.clone());
        }
        for probe in std::env::var("PROBE").unwrap_or_default().split(',') {
            if !probe.is_empty() {
                println!(
                    "PROBE {probe} -> {:?} / reference {}",
                    analyze(probe),
                    folding::fold(&stemmer.stem(probe))
                );
            }
        }
        println!(
            "{} words, {} terms ours, {} terms reference",
            words.len(),
            ours.len(),
            reference.len()
        );
        let ours_of: BTreeMap<&String, &String> = ours
            .iter()
            .flat_map(|(t, ws)| ws.iter().map(move |w| (w, t)))
            .collect();
        let reference_of: BTreeMap<&String, &String> = reference
            .iter()
            .flat_map(|(t, ws)| ws.iter().map(move |w| (w, t)))
            .collect();
        println!("--- reference conflates, ours splits:");
        for (term, group) in &reference {
            let our_terms: BTreeSet<_> = group.iter().filter_map(|w| ours_of.get(w)).collect();
            if our_terms.len() > 1 {
                println!("{term}: {group:?} -> {our_terms:?}");
            }
        }
        println!("--- ours conflates, reference splits:");
        for (term, group) in &ours {
            let reference_terms: BTreeSet<_> =
                group.iter().filter_map(|w| reference_of.get(w)).collect();
            if reference_terms.len() > 1 {
                println!("{term}: {group:?} -> {reference_terms:?}");
            }
        }
    }
}
