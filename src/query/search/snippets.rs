//! Snippets: the best fragment of a passage as HTML, matched terms in `<mark>`.
//!
//! Documents hold raw markup that must show as text, so everything but the marks
//! is escaped; a passage with no fragment to show gives its first words instead.

use std::collections::BTreeSet;
use std::ops::Range;

use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::{Score, Searcher, Term};

use crate::text::FastMap;
use crate::Result;

const SNIPPET_CHARS: usize = 220;

/// What shows a query's terms in a passage: its best fragment, or whether it holds one.
///
/// A passage is cut with the plain French analyzer rather than the field's own (the same
/// terms): the body text's analyzer also hands its terms over for the pairs
/// ([`crate::analysis::handover`]), work a snippet has no use for. The analyzer gives
/// terms as the index stores them, so a token is looked up as it comes, without a copy.
pub(crate) struct Highlighter {
    /// Each term of the query in the text field, weighing more the rarer it is.
    weights: FastMap<String, Score>,
    analyzer: TextAnalyzer,
    /// The longest fragment, in bytes of the passage.
    max_len: usize,
}

/// The best fragment of a passage: its byte range, and the ranges of its marked terms
/// (within the passage, in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fragment {
    pub range: Range<usize>,
    pub marks: Vec<Range<usize>>,
}

impl Highlighter {
    /// The highlighter of `query`'s terms in `field`, fragments of at most
    /// [`SNIPPET_CHARS`] bytes, a term weighing `1 / (1 + documents holding it)`.
    pub(crate) fn new(searcher: &Searcher, query: &dyn Query, field: Field) -> Result<Self> {
        let mut terms: BTreeSet<&Term> = BTreeSet::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field {
                terms.insert(term);
            }
        });
        let mut weights = FastMap::default();
        for term in terms {
            let value = term.value();
            let Some(text) = value.as_str() else {
                continue;
            };
            let doc_freq = searcher.doc_freq(term)?;
            if doc_freq > 0 {
                weights.insert(text.to_string(), 1.0 / (1.0 + doc_freq as Score));
            }
        }
        Ok(Self::with_weights(weights, SNIPPET_CHARS))
    }

    fn with_weights(weights: FastMap<String, Score>, max_len: usize) -> Self {
        Highlighter {
            weights,
            analyzer: crate::analysis::french_analyzer(),
            max_len,
        }
    }

    /// Whether `text` holds a term of the query: stops at the first.
    pub(crate) fn holds_a_term(&self, text: &str) -> bool {
        if self.weights.is_empty() {
            return false;
        }
        let mut analyzer = self.analyzer.clone();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            if self.weights.contains_key(stream.token().text.as_str()) {
                return true;
            }
        }
        false
    }

    /// The fragment of `text` whose terms weigh most, `None` when it holds none.
    ///
    /// The text is cut into consecutive fragments, a new one starting at the first token
    /// that would take the current one past the length limit; on equal weights the
    /// earliest fragment wins.
    pub(crate) fn best_fragment(&self, text: &str) -> Option<Fragment> {
        if self.weights.is_empty() {
            return None;
        }
        let mut analyzer = self.analyzer.clone();
        let mut stream = analyzer.token_stream(text);
        let mut best: Option<(Score, Fragment)> = None;
        let mut current = (
            0.0,
            Fragment {
                range: 0..0,
                marks: Vec::new(),
            },
        );
        let close = |(score, fragment): (Score, Fragment), best: &mut Option<(Score, Fragment)>| {
            if score > 0.0 && best.as_ref().is_none_or(|(top, _)| score > *top) {
                *best = Some((score, fragment));
            }
        };
        while stream.advance() {
            let token = stream.token();
            if token.offset_to - current.1.range.start > self.max_len {
                let start = token.offset_from;
                let done = std::mem::replace(
                    &mut current,
                    (
                        0.0,
                        Fragment {
                            range: start..start,
                            marks: Vec::new(),
                        },
                    ),
                );
                close(done, &mut best);
            }
            current.1.range.end = token.offset_to;
            if let Some(weight) = self.weights.get(token.text.as_str()) {
                current.0 += weight;
                current.1.marks.push(token.offset_from..token.offset_to);
            }
        }
        close(current, &mut best);
        best.map(|(_, fragment)| fragment)
    }
}

/// The snippet of a passage's text: its best fragment highlighted, else its
/// first words, escaped.
pub(super) fn snippet_html(highlighter: &Highlighter, text: &str) -> String {
    let found = highlighter
        .best_fragment(text)
        .and_then(|f| Some((text.get(f.range.clone())?, f)));
    match found {
        Some((fragment, f)) => {
            let marks: Vec<Range<usize>> = f
                .marks
                .iter()
                .map(|m| m.start - f.range.start..m.end - f.range.start)
                .collect();
            highlight_html(fragment, &marks)
        }
        None => html_escape(&truncate_chars(text, SNIPPET_CHARS)),
    }
}

/// Escapes text for HTML: documents contain raw markup that must show as text.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    push_escaped(&mut out, text);
    out
}

/// Appends `text` to `out`, escaped for HTML.
fn push_escaped(out: &mut String, text: &str) {
    let mut plain = 0;
    for (i, byte) in text.bytes().enumerate() {
        let escaped = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // An ASCII byte is never inside a multi-byte character: `i` is on a boundary.
        out.push_str(&text[plain..i]);
        out.push_str(escaped);
        plain = i + 1;
    }
    out.push_str(&text[plain..]);
}

/// Escapes `fragment` and wraps the byte ranges in `<mark>`.
fn highlight_html(fragment: &str, highlighted: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(fragment.len() + 32);
    let mut cursor = 0;
    for range in highlighted {
        let (Some(before), Some(marked)) = (
            fragment.get(cursor..range.start),
            fragment.get(range.start..range.end),
        ) else {
            continue;
        };
        push_escaped(&mut out, before);
        out.push_str("<mark>");
        push_escaped(&mut out, marked);
        out.push_str("</mark>");
        cursor = range.end;
    }
    push_escaped(&mut out, fragment.get(cursor..).unwrap_or(""));
    out
}

/// `text` cut to at most `max` characters, on a word, with an ellipsis when cut.
pub(super) fn truncate_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max).collect();
    if let Some(space) = out.rfind(' ') {
        out.truncate(space);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn highlighter(words: &[(&str, Score)], max_len: usize) -> Highlighter {
        let weights = words
            .iter()
            .map(|(word, weight)| (crate::analysis::analyze(word).remove(0), *weight))
            .collect();
        Highlighter::with_weights(weights, max_len)
    }

    #[test]
    fn the_fragment_whose_terms_weigh_most_is_chosen_and_its_terms_marked() {
        let text = "Le soutien à la parentalité passe par le LAEP. Ensuite, les PARENTALITES \
                    et la parentalité des familles monoparentales.";
        let h = highlighter(&[("parentalité", 0.5), ("LAEP", 0.1)], 50);
        let best = h.best_fragment(text).unwrap();
        // Three marks of « parentalité » in the second fragment outweigh one and the LAEP.
        let marked: Vec<&str> = best.marks.iter().map(|m| &text[m.clone()]).collect();
        assert_eq!(marked, ["PARENTALITES", "parentalité"]);
        assert!(best.range.start > text.find("LAEP").unwrap());
        assert!(best.range.len() <= 50);
        for m in &best.marks {
            assert!(best.range.start <= m.start && m.end <= best.range.end);
        }
    }

    #[test]
    fn on_equal_weights_the_earliest_fragment_wins() {
        let text = "Contrat de ville signé. Puis un autre contrat de ville.";
        let h = highlighter(&[("contrat", 1.0)], 24);
        let best = h.best_fragment(text).unwrap();
        assert_eq!(best.range.start, 0);
        assert_eq!(&text[best.marks[0].clone()], "Contrat");
    }

    #[test]
    fn a_passage_without_a_term_has_no_fragment_and_shows_its_first_words() {
        let h = highlighter(&[("parentalité", 1.0)], SNIPPET_CHARS);
        let text = "Accueil des <b>jeunes</b> enfants";
        assert!(h.best_fragment(text).is_none());
        assert!(!h.holds_a_term(text));
        assert!(h.holds_a_term("Soutien à la PARENTALITE"));
        assert_eq!(
            snippet_html(&h, text),
            "Accueil des &lt;b&gt;jeunes&lt;/b&gt; enfants"
        );
        assert_eq!(
            snippet_html(&h, "l’aide à la parentalité"),
            "l’aide à la <mark>parentalité</mark>"
        );
    }

    /// The fragments tantivy's own generator chooses, for the same weights: what the
    /// highlighter replaced, so that snippets did not change.
    #[test]
    fn fragments_are_those_of_tantivys_generator() {
        use std::collections::BTreeMap;
        use tantivy::schema::{Schema, TEXT};
        use tantivy::snippet::SnippetGenerator;

        let field = Schema::builder().add_text_field("texte", TEXT);
        let words = [
            "parentalité",
            "jeunes",
            "accueil",
            "mission",
            "locale",
            "soutien",
            "scolaire",
            "QPV",
            "santé",
            "emploi",
            "familles",
            "ville",
        ];
        let mut dice = crate::test_support::dice(7);
        for round in 0..300 {
            let n_words = 1 + dice(3) as usize;
            let chosen: Vec<(&str, Score)> = (0..n_words)
                .map(|_| {
                    (
                        words[dice(words.len() as u64) as usize],
                        1.0 / (1 + dice(50)) as Score,
                    )
                })
                .collect();
            let text: String = (0..(5 + dice(120)))
                .map(|_| match dice(6) {
                    0 => words[dice(words.len() as u64) as usize].to_uppercase(),
                    1 => "l’".to_string() + words[dice(words.len() as u64) as usize],
                    2 => "de la".to_string(),
                    _ => words[dice(words.len() as u64) as usize].to_string(),
                })
                .collect::<Vec<_>>()
                .join(if round % 2 == 0 { " " } else { ",\n " });
            let max_len = 20 + dice(200) as usize;
            let ours = highlighter(&chosen, max_len);
            let weights: BTreeMap<String, Score> =
                ours.weights.iter().map(|(k, v)| (k.clone(), *v)).collect();
            let theirs =
                SnippetGenerator::new(weights, crate::analysis::french_analyzer(), field, max_len)
                    .snippet(&text);
            match ours.best_fragment(&text) {
                None => assert!(theirs.is_empty(), "{text:?}"),
                Some(best) => {
                    assert_eq!(best.range, theirs.fragment_range(), "{text:?}");
                    let marks: Vec<Range<usize>> = best
                        .marks
                        .iter()
                        .map(|m| m.start - best.range.start..m.end - best.range.start)
                        .collect();
                    assert_eq!(marks, theirs.highlighted(), "{text:?}");
                }
            }
            assert_eq!(ours.holds_a_term(&text), !theirs.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn snippet_marks_terms_and_escapes_markup() {
        let fragment = "<p>Soutien à la parentalité</p>";
        let start = fragment.find("parentalité").unwrap();
        let end = start + "parentalité".len();
        let html = highlight_html(fragment, std::slice::from_ref(&(start..end)));
        assert_eq!(
            html,
            "&lt;p&gt;Soutien à la <mark>parentalité</mark>&lt;/p&gt;"
        );
    }

    #[test]
    fn every_markup_character_is_escaped_and_accents_kept() {
        assert_eq!(
            html_escape("L'été <b>\"Réussite\" & réussite</b>"),
            "L&#39;été &lt;b&gt;&quot;Réussite&quot; &amp; réussite&lt;/b&gt;"
        );
        assert_eq!(html_escape("à"), "à");
        assert_eq!(html_escape("&"), "&amp;");
    }

    #[test]
    fn bad_ranges_do_not_panic() {
        let html = highlight_html("réussite", &[1..2, 50..60]);
        assert!(html.contains("réussite") || html.contains("ussite"));
    }

    #[test]
    fn truncation_cuts_on_a_word() {
        assert_eq!(
            truncate_chars("accueil des jeunes enfants", 12),
            "accueil des…"
        );
    }
}
