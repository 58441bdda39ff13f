//! Reading what a person typed, leniently.
//!
//! People paste text, forget a closing quote, type `ET`/`AND` between
//! words. Nothing here fails on such input: an unbalanced quote runs to the
//! end of the query, a lone operator is ignored. Only an empty or oversized
//! query is refused, by the caller.

/// A query as the user meant it, before analysis.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserQuery {
    /// Bare words, in order.
    pub words: Vec<String>,
    /// Quoted phrases, without their quotes.
    pub phrases: Vec<String>,
    /// Words or phrases prefixed with `-`: results must not contain them.
    pub excluded: Vec<String>,
}

impl UserQuery {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.phrases.is_empty()
    }
}

/// Operators people type that carry no meaning for a ranked search.
fn is_operator(word: &str) -> bool {
    matches!(
        word,
        "AND" | "OR" | "ET" | "OU" | "&&" | "||" | "+" | "-" | "|" | "&" | "NOT"
    )
}

/// Splits a query into words, `"phrases"` and `-exclusions`.
pub fn parse(input: &str) -> UserQuery {
    let mut query = UserQuery::default();
    // Typographic quotes count as quotes.
    let normalized: String = input
        .chars()
        .map(|c| match c {
            '«' | '»' | '“' | '”' | '„' => '"',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let mut chars = normalized.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let negated = c == '-' && {
            let mut ahead = chars.clone();
            ahead.next();
            matches!(ahead.peek(), Some(n) if !n.is_whitespace())
        };
        if negated {
            chars.next();
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
            let phrase = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
            if !phrase.is_empty() {
                if negated {
                    query.excluded.push(phrase);
                } else {
                    query.phrases.push(phrase);
                }
            }
            continue;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == '"' {
                break;
            }
            word.push(c);
            chars.next();
        }
        let word = word.trim_start_matches('+').to_string();
        if word.is_empty() || is_operator(&word) {
            continue;
        }
        if negated {
            query.excluded.push(word);
        } else {
            query.words.push(word);
        }
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, words: &[&str], phrases: &[&str], excluded: &[&str]) {
        let q = parse(input);
        assert_eq!(q.words, words, "words of {input:?}");
        assert_eq!(q.phrases, phrases, "phrases of {input:?}");
        assert_eq!(q.excluded, excluded, "excluded of {input:?}");
    }

    #[test]
    fn words_and_phrases() {
        check("parentalité", &["parentalité"], &[], &[]);
        check(
            "\"situation de handicap\" jeunes",
            &["jeunes"],
            &["situation de handicap"],
            &[],
        );
        check("« réussite éducative »", &[], &["réussite éducative"], &[]);
    }

    #[test]
    fn unbalanced_quote_runs_to_the_end() {
        check(
            "accueil \"lieu d'accueil",
            &["accueil"],
            &["lieu d'accueil"],
            &[],
        );
        check("\"", &[], &[], &[]);
    }

    #[test]
    fn lone_operators_are_ignored() {
        check("CAF AND CCAS", &["CAF", "CCAS"], &[], &[]);
        check("- + OR", &[], &[], &[]);
        check("jeunes ET parents", &["jeunes", "parents"], &[], &[]);
    }

    #[test]
    fn exclusions() {
        check("santé -mentale", &["santé"], &[], &["mentale"]);
        check(
            "jeunes -\"mission locale\"",
            &["jeunes"],
            &[],
            &["mission locale"],
        );
        // A hyphen inside a word is part of the word.
        check("Haute-Garonne", &["Haute-Garonne"], &[], &[]);
    }
}
