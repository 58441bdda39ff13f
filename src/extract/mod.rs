//! Entities found in the documents: acronyms with their definitions, actors,
//! dispositifs and structures, territories.
//!
//! Extraction reads [`Document`](crate::Document)s produced by
//! [`structure`](crate::structure) and never changes them, except for filling
//! [`Document::territory`](crate::Document::territory). Everything it finds
//! carries a [`Provenance`], so a user can always see the evidence.

pub mod acronyms;
pub mod entities;
pub mod territory;

use serde::{Deserialize, Serialize};

/// Where a piece of evidence sits: which document, which passage, which
/// character span of [`Document::text`](crate::Document::text).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Provenance {
    pub doc_id: String,
    /// Index into [`Document::passages`](crate::Document::passages), when the
    /// span falls inside a passage.
    pub passage: Option<usize>,
    /// Heading path of the enclosing section (outermost first).
    pub section: Vec<String>,
    /// Character offsets in the document's normalized text.
    pub start: usize,
    pub end: usize,
}

/// The role an entity plays in a section, from the field it is named in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum Role {
    /// Named in PILOTES, Structure porteuse, Porteur…
    Pilot,
    /// Named in PARTENAIRES.
    Partner,
    /// Named in Financements, Financeurs.
    Funder,
    /// Named anywhere else.
    Mention,
}

impl std::str::FromStr for Role {
    type Err = crate::Error;

    /// [`Role::parse`], with an error that lists the roles.
    fn from_str(s: &str) -> Result<Role, crate::Error> {
        Role::parse(s).ok_or_else(|| crate::Error::InvalidParameter {
            name: "role",
            message: format!(
                "`{}` n'est pas un rôle (pilote, partenaire, financeur, mentionné, any)",
                s.trim()
            ),
        })
    }
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Pilot => "pilot",
            Role::Partner => "partner",
            Role::Funder => "funder",
            Role::Mention => "mention",
        }
    }

    /// How a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Role::Pilot => "pilote",
            Role::Partner => "partenaire",
            Role::Funder => "financeur",
            Role::Mention => "mentionné",
        }
    }

    /// Parses `pilot|partner|funder|mention` (and French `pilote`,
    /// `partenaire`, `financeur`, `mentionné`).
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s.trim().to_lowercase().as_str() {
            "pilot" | "pilote" | "pilotes" => Role::Pilot,
            "partner" | "partenaire" | "partenaires" => Role::Partner,
            "funder" | "financeur" | "financeurs" => Role::Funder,
            "mention" | "mentions" | "mentionne" | "mentionné" | "mentionnée" => Role::Mention,
            _ => return None,
        })
    }
}
