//! A phrase in a field every passage of a run repeats: checked once per run.
//!
//! Every passage is indexed with its document's title and its section's heading path, so
//! those two fields hold the same text for hundreds of consecutive doc ids. A phrase query
//! reads positions to check the phrase at each of them, and gets the same answer and the
//! same score every time (same text: same phrase frequency, same field length). A section
//! phrase such as « réussite éducative » matched 34,100 passages by checking each.
//!
//! Here the phrase is checked at the first doc id of a run that holds its words; the rest
//! of the run ([`DocumentRuns::run_end`]) matches with the score found there, without
//! reading postings, and a run where the phrase fails is passed over whole.

use std::sync::Arc;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use crate::index::{DocumentRuns, Repeats, SegmentRuns};

/// `query`, over a field that repeats per [`Repeats`], answered once per run.
#[derive(Debug)]
pub struct Repeated {
    query: Box<dyn Query>,
    repeats: Repeats,
    runs: Arc<SegmentRuns>,
}

impl Repeated {
    /// `query` must match only by the field `repeats` describes: a query that also reads
    /// another field would be given the answer of the run's first passage.
    pub fn new(query: Box<dyn Query>, repeats: Repeats, runs: Arc<SegmentRuns>) -> Repeated {
        Repeated {
            query,
            repeats,
            runs,
        }
    }
}

impl Clone for Repeated {
    fn clone(&self) -> Self {
        Repeated {
            query: self.query.box_clone(),
            repeats: self.repeats,
            runs: self.runs.clone(),
        }
    }
}

impl Query for Repeated {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(RepeatedWeight {
            inner: self.query.weight(enable_scoring)?,
            repeats: self.repeats,
            runs: self.runs.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct RepeatedWeight {
    inner: Box<dyn Weight>,
    repeats: Repeats,
    runs: Arc<SegmentRuns>,
}

impl Weight for RepeatedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.inner.scorer(reader, boost)?;
        // A segment the runs were not read for (never the case for an opened index): read
        // them now, since a field kept on the first passage of each run needs them.
        let runs = match self.runs.get(&reader.segment_id()) {
            Some(runs) => runs.clone(),
            None => Arc::new(DocumentRuns::of(reader)?),
        };
        Ok(Box::new(RepeatedScorer::new(inner, runs, self.repeats)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

/// Walks the inner scorer run by run: the doc ids of a run after the one the inner scorer
/// matched are reported from memory.
struct RepeatedScorer {
    inner: Box<dyn Scorer>,
    runs: Arc<DocumentRuns>,
    repeats: Repeats,
    doc: DocId,
    /// The end of `doc`'s run, and the score of every doc id of it.
    run_end: DocId,
    score: Score,
}

impl RepeatedScorer {
    fn new(inner: Box<dyn Scorer>, runs: Arc<DocumentRuns>, repeats: Repeats) -> Self {
        let mut scorer = RepeatedScorer {
            inner,
            runs,
            repeats,
            doc: TERMINATED,
            run_end: TERMINATED,
            score: 0.0,
        };
        scorer.enter_run();
        scorer
    }

    /// Takes the inner scorer's doc id as the start of a new run.
    fn enter_run(&mut self) -> DocId {
        self.doc = self.inner.doc();
        if self.doc != TERMINATED {
            self.run_end = self.runs.run_end(self.doc, self.repeats);
            self.score = self.inner.score();
        }
        self.doc
    }
}

impl DocSet for RepeatedScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        if self.doc + 1 < self.run_end {
            self.doc += 1;
            return self.doc;
        }
        self.inner.seek(self.run_end);
        self.enter_run()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc == TERMINATED || target <= self.doc {
            return self.doc;
        }
        if target < self.run_end {
            self.doc = target;
            return self.doc;
        }
        // The run holding `target` is answered at its first doc id (where a field kept on
        // the first passage of a run only is), the same answer as at `target`.
        let start = self.runs.run_start(target, self.repeats);
        self.inner.seek(start.max(self.run_end));
        if self.enter_run() != TERMINATED && self.doc < target {
            self.doc = target;
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for RepeatedScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index;
    use crate::test_support::All;
    use tantivy::query::{BooleanQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::{Field, IndexRecordOption};

    /// Two plans whose sections hold several passages each; the heading « Soutenir la
    /// parentalité » comes back in both, the title words in one.
    fn plans() -> Vec<crate::Document> {
        let first = "Contrat de ville de Cahors\n\n\
            Axe 1 : Soutenir la parentalité\n\n\
            Les ateliers parents enfants se tiennent au centre social.\n\n\
            Le lieu d'accueil enfants parents ouvre le mercredi.\n\n\
            Les familles monoparentales sont accompagnées.\n\n\
            Axe 2 : Insertion des jeunes\n\n\
            La mission locale accompagne les jeunes vers l'emploi.\n\n\
            Les chantiers éducatifs mobilisent les jeunes du quartier.\n\n\
            Axe 3 : Soutenir la parentalité et la réussite éducative\n\n\
            Le programme de réussite éducative suit les enfants.\n\n\
            Les parents sont associés aux ateliers.\n";
        let second = "Convention territoriale globale de Figeac\n\n\
            Soutenir la parentalité\n\n\
            Un réseau d'écoute des parents est animé par la CAF.\n\n\
            Les ateliers parents enfants ont lieu à la médiathèque.\n\n\
            Accès aux droits\n\n\
            La maison France services accueille les habitants.\n";
        vec![
            crate::structure::parse("cahors", first),
            crate::structure::parse("figeac", second),
        ]
    }

    /// The phrase as a search asks it: stop words leave gaps in the positions.
    fn phrase(field: Field, words: &str) -> Box<dyn Query> {
        let analysed = crate::query::search::analyse(words);
        Box::new(PhraseQuery::new_with_offset(
            analysed
                .into_iter()
                .map(|(p, t)| (p, Term::from_field_text(field, &t)))
                .collect(),
        ))
    }

    /// The index of [`plans`], searched: its folder (kept while searching), a searcher, its
    /// fields and its runs.
    fn opened() -> (
        tempfile::TempDir,
        tantivy::Searcher,
        index::Fields,
        Arc<SegmentRuns>,
    ) {
        let dir = tempfile::tempdir().unwrap();
        index::write(dir.path(), &plans()).unwrap();
        let (tantivy_index, fields) = index::open(dir.path()).unwrap();
        let searcher = tantivy_index.reader().unwrap().searcher();
        let runs = Arc::new(index::segment_runs(&searcher).unwrap());
        (dir, searcher, fields, runs)
    }

    /// `query` and the analysed `word` in `field`, both required.
    fn with_word(query: Box<dyn Query>, field: Field, word: &str) -> BooleanQuery {
        BooleanQuery::new(vec![
            (Occur::Must, query),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(field, word),
                    IndexRecordOption::WithFreqs,
                )) as Box<dyn Query>,
            ),
        ])
    }

    #[test]
    fn a_repeated_phrase_matches_and_scores_like_the_phrase() {
        let (_dir, searcher, fields, runs) = opened();
        let cases = [
            (fields.section, Repeats::Section, "soutenir la parentalité"),
            (fields.section, Repeats::Section, "insertion des jeunes"),
            (fields.title, Repeats::Document, "contrat de ville"),
            (fields.title, Repeats::Document, "territoriale globale"),
        ];
        for (field, repeats, words) in cases {
            let plain = phrase(field, words);
            let repeated = Repeated::new(plain.box_clone(), repeats, runs.clone());
            let want = searcher.search(&*plain, &All).unwrap();
            assert!(want.len() >= 2, "{words:?} matches several passages");
            assert_eq!(searcher.search(&repeated, &All).unwrap(), want, "{words:?}");

            // Inside an intersection the phrase is sought, not walked: the same answers.
            let with = |q: Box<dyn Query>| with_word(q, fields.text, "parent");
            let want = searcher.search(&with(plain.box_clone()), &All).unwrap();
            let got = searcher.search(&with(Box::new(repeated)), &All).unwrap();
            assert_eq!(got, want, "{words:?} with « parents »");
        }
    }

    /// The pairs of a title or a heading path are on the first passage of each run only:
    /// a phrase found through them, alone or sought inside an intersection, gives every
    /// passage of the run with the phrase query's score.
    #[test]
    fn a_phrase_found_through_the_pairs_of_its_run_matches_and_scores_like_the_phrase() {
        use crate::analysis::pairs::pairs_of_phrase;
        use crate::query::disjunction::{RunsOf, TermInFields};
        let (_dir, searcher, fields, runs) = opened();
        let cases = [
            (fields.section, Repeats::Section, "soutenir la parentalité"),
            (fields.section, Repeats::Section, "insertion des jeunes"),
            (
                fields.section,
                Repeats::Section,
                "parentalité et la réussite éducative",
            ),
            (fields.title, Repeats::Document, "contrat de ville"),
            (
                fields.title,
                Repeats::Document,
                "convention territoriale globale",
            ),
        ];
        for (field, repeats, words) in cases {
            let terms = crate::query::search::analyse(words);
            let pairs_field = fields.pairs_of(field).expect("paired");
            let by_pairs: Box<dyn Query> = match pairs_of_phrase(&terms).as_slice() {
                [pair] if terms.len() == 2 => Box::new(TermInFields::pairs(
                    vec![(
                        Term::from_field_text(pairs_field, pair),
                        terms
                            .iter()
                            .map(|(_, t)| Term::from_field_text(field, t))
                            .collect(),
                        1.0,
                        Some(RunsOf {
                            repeats,
                            runs: runs.clone(),
                        }),
                    )],
                    1.0,
                )),
                _ => Box::new(Repeated::new(
                    crate::query::search::phrase_by_pairs(field, pairs_field, &terms),
                    repeats,
                    runs.clone(),
                )),
            };
            let plain = phrase(field, words);
            let want = searcher.search(&*plain, &All).unwrap();
            assert!(want.len() >= 2, "{words:?} matches several passages");
            assert_eq!(
                searcher.search(&*by_pairs, &All).unwrap(),
                want,
                "{words:?}"
            );

            // Sought from doc ids inside the runs: the same answers.
            for rare in ["parent", "mercred", "associ"] {
                let with = |q: Box<dyn Query>| with_word(q, fields.text, rare);
                let want = searcher.search(&with(plain.box_clone()), &All).unwrap();
                let got = searcher.search(&with(by_pairs.box_clone()), &All).unwrap();
                assert_eq!(got, want, "{words:?} with {rare}");
            }
        }
    }
}
