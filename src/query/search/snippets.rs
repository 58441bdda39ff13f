//! Snippets: the best fragment of a passage as HTML, matched terms in `<mark>`.
//!
//! Documents hold raw markup that must show as text, so everything but the marks
//! is escaped; a passage with no fragment to show gives its first words instead.

use std::collections::{BTreeMap, BTreeSet};

use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;
use tantivy::{Score, Searcher, Term};

use crate::Result;

const SNIPPET_CHARS: usize = 220;

/// The snippet generator for `query`'s terms in `field`, fragments of at most
/// [`SNIPPET_CHARS`], rarer terms weighing more in the choice of a fragment.
///
/// It cuts passages with the plain French analyzer rather than the field's own (the same
/// terms): the body text's analyzer also hands its terms over for the pairs
/// ([`crate::analysis::handover`]), work a snippet has no use for.
pub(super) fn generator(
    searcher: &Searcher,
    query: &dyn Query,
    field: Field,
) -> Result<SnippetGenerator> {
    let mut terms: BTreeSet<&Term> = BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term);
        }
    });
    let mut weights: BTreeMap<String, Score> = BTreeMap::new();
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
    Ok(SnippetGenerator::new(
        weights,
        crate::analysis::french_analyzer(),
        field,
        SNIPPET_CHARS,
    ))
}

/// The snippet of a passage's text: its best fragment highlighted, else its
/// first words, escaped.
pub(super) fn snippet_html(snippets: &SnippetGenerator, text: &str) -> String {
    let snippet = snippets.snippet(text);
    if snippet.is_empty() {
        html_escape(&truncate_chars(text, SNIPPET_CHARS))
    } else {
        highlight_html(snippet.fragment(), snippet.highlighted())
    }
}

/// Escapes text for HTML: documents contain raw markup that must show as text.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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
        out.push_str(&html_escape(before));
        out.push_str("<mark>");
        out.push_str(&html_escape(marked));
        out.push_str("</mark>");
        cursor = range.end;
    }
    out.push_str(&html_escape(fragment.get(cursor..).unwrap_or("")));
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
