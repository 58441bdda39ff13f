//! One error type for the library; the binary adds context with anyhow.
//!
//! Variants split what a user did wrong (a bad query, an unknown id: shown as
//! they are, mapped to 4xx over HTTP) from what went wrong underneath (I/O,
//! a corrupt index: logged, mapped to 5xx).

use std::path::PathBuf;

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The query cannot be understood; the message says why, for a person.
    #[error("requête invalide : {0}")]
    InvalidQuery(String),
    /// The query holds only stop words (`de la`, `les`…): nothing to search for.
    #[error("la requête ne contient que des mots vides ({0}) : ajoutez un mot qui a du sens")]
    OnlyStopWords(String),
    /// A parameter is out of its bounds or malformed.
    #[error("paramètre `{name}` invalide : {message}")]
    InvalidParameter { name: &'static str, message: String },
    /// No item with that id; `suggestions` are names spelled close to it.
    #[error("{what} introuvable : {id}{}", did_you_mean(suggestions))]
    NotFound {
        what: &'static str,
        id: String,
        suggestions: Vec<String>,
    },
    /// No territory has that name or code; `suggestions` are spelled close to it.
    #[error(
        "aucune commune, aucun EPCI, département ou région ne s'appelle « {name} »{}",
        did_you_mean_territory(suggestions)
    )]
    UnknownTerritory {
        name: String,
        suggestions: Vec<crate::Territory>,
    },
    /// Several communes bear that name: the user must choose one by its code.
    #[error(
        "plusieurs communes s'appellent « {name} » : précisez par le code de l'une d'elles ({})",
        choices_text(choices)
    )]
    AmbiguousTerritory {
        name: String,
        /// Each commune, with its département in its name ("Saint-Denis (Seine-Saint-Denis)").
        choices: Vec<crate::Territory>,
    },
    /// No index at that path.
    #[error("pas d'index dans {} : construisez-le avec `maillage index --corpus <DOSSIER> --index {}`", .0.display(), .0.display())]
    MissingIndex(PathBuf),
    /// The corpus folder does not exist or cannot be listed.
    #[error("impossible de lire le dossier du corpus {} : {source}", path.display())]
    Corpus {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file-system operation failed.
    #[error("{context} : {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
    /// The search engine failed.
    #[error("moteur de recherche : {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A rebuild would drop most of the indexed documents (an emptied or
    /// unmounted corpus folder): the previous generation is kept.
    #[error("le corpus ne donne plus que {after} document(s) contre {before} dans l'index actuel : index conservé (--allow-shrink pour reconstruire quand même)")]
    Shrink { before: usize, after: usize },
    /// Stored data (graph, documents) cannot be read back.
    #[error("données de l'index {} : {message}", path.display())]
    Store { path: PathBuf, message: String },
    /// A search ran out of its time or of the passages it may score, or its
    /// client went away: its results would be partial, so there are none.
    #[error("{}", budget_message(*.spent, *.time_ms, *.max_scored))]
    Budget {
        spent: crate::query::Spent,
        time_ms: u64,
        max_scored: u64,
    },
    /// A file of the index is missing, truncated or changed since it was
    /// written: its checksum no longer matches the generation's manifest.
    #[error("index endommagé : {} ({reason})", path.display())]
    Damaged { path: PathBuf, reason: String },
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!(" — vouliez-vous dire : {} ?", suggestions.join(", "))
    }
}

fn did_you_mean_territory(suggestions: &[crate::Territory]) -> String {
    let names: Vec<String> = suggestions
        .iter()
        .map(|t| format!("{} ({})", t.name, t.code))
        .collect();
    did_you_mean(&names)
}

fn choices_text(choices: &[crate::Territory]) -> String {
    choices
        .iter()
        .map(|t| format!("{} : {}", t.name, t.code))
        .collect::<Vec<_>>()
        .join(", ")
}

fn budget_message(spent: crate::query::Spent, time_ms: u64, max_scored: u64) -> String {
    use crate::query::Spent;
    match spent {
        Spent::Time => format!(
            "la recherche a dépassé le temps qui lui est alloué ({time_ms} ms) : précisez-la (mots plus rares, un territoire) ou réessayez"
        ),
        Spent::Scored => format!(
            "la recherche touche plus de {max_scored} passages : précisez-la (mots plus rares, un territoire)"
        ),
        Spent::Cancelled => "la recherche a été abandonnée : le client ne l'attend plus".to_string(),
    }
}

impl Error {
    /// True when the error comes from what the user typed or asked for.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            Error::InvalidQuery(_)
                | Error::OnlyStopWords(_)
                | Error::InvalidParameter { .. }
                | Error::NotFound { .. }
                | Error::UnknownTerritory { .. }
                | Error::AmbiguousTerritory { .. }
                | Error::Shrink { .. }
        )
    }

    /// Wraps an I/O error with what was being done.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}
