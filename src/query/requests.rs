//! The one boundary for what a user asks: each use case's request, with its defaults and
//! limits, checked here once.
//!
//! Why one place: the CLI and the HTTP layer only turn strings into these types (a number
//! is a number there, nothing more); whether 5,000 entities is too many a page, or what a
//! page holds by default, is the library's to say, the same for every caller.

use serde::Deserialize;

use super::{MAX_DEPTH, MAX_ENTITY_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS, MAX_TERRITORIES_PAGE};
use crate::extract::entities::EntityKind;
use crate::extract::Role;
use crate::{Error, Result};

/// Entities per page when the request does not say.
pub const DEFAULT_ENTITY_LIMIT: usize = 50;
/// Territories per page when the request does not say.
pub const DEFAULT_TERRITORIES_PAGE: usize = 100;
/// Passages of a document per answer when the request does not say, and at most.
pub const DEFAULT_DOCUMENT_PASSAGES: usize = 2_000;
pub const MAX_DOCUMENT_PASSAGES: usize = 10_000;
/// Hops around an entity when the request does not say.
pub const DEFAULT_DEPTH: usize = 1;

/// A page of entities whose name or alias matches `q` (all when absent).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EntitiesRequest {
    pub q: Option<String>,
    /// `organisation`, `dispositif`, `structure`, `association`, `autre` (plurals too).
    pub kind: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

/// The territories whose plans name an entity, strongest roles first.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TerritoriesRequest {
    /// A name, sigle or id.
    pub entity: String,
    /// A role (French or English) or `any`.
    pub role: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
    /// Every territory, not a page (the CLI's default; `limit` is then ignored).
    #[serde(default)]
    pub all: bool,
}

/// The graph around an entity.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GraphRequest {
    pub entity: String,
    pub depth: Option<usize>,
}

/// One territory and the documents about it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TerritoryRequest {
    /// `<kind>:<code>` (`commune:31150`, `epci:…`, `departement:31`, `region:76`), a name
    /// or a bare code, as the search's territory filter reads them.
    pub territory: String,
}

/// One document with a page of its passages.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DocumentRequest {
    pub doc_id: String,
    pub offset: Option<usize>,
    pub limit: Option<usize>,
    /// Every passage, not a page (`limit` is then ignored).
    #[serde(default)]
    pub all: bool,
}

/// `value` between `min` and `max`, or a French error naming the parameter.
pub(crate) fn within(name: &'static str, value: usize, min: usize, max: usize) -> Result<usize> {
    if value < min || value > max {
        return Err(Error::InvalidParameter {
            name,
            message: format!("doit être compris entre {min} et {max}"),
        });
    }
    Ok(value)
}

/// A name the user typed: not empty, not endless.
pub(crate) fn check_name(name: &'static str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::InvalidParameter {
            name,
            message: "ne doit pas être vide".into(),
        });
    }
    if value.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::InvalidParameter {
            name,
            message: format!("dépasse {MAX_QUERY_CHARS} caractères"),
        });
    }
    Ok(())
}

/// What an [`EntitiesRequest`] asks, checked.
pub(crate) struct Entities {
    pub q: String,
    pub kind: Option<EntityKind>,
    pub limit: usize,
    pub offset: usize,
}

impl EntitiesRequest {
    pub(crate) fn checked(&self) -> Result<Entities> {
        let q = self.q.as_deref().unwrap_or("").trim().to_string();
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(Error::InvalidParameter {
                name: "q",
                message: format!("dépasse {MAX_QUERY_CHARS} caractères"),
            });
        }
        let kind = match self
            .kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            Some(k) => Some(k.parse::<EntityKind>()?),
            None => None,
        };
        Ok(Entities {
            q,
            kind,
            limit: within(
                "limit",
                self.limit.unwrap_or(DEFAULT_ENTITY_LIMIT),
                1,
                MAX_ENTITY_LIMIT,
            )?,
            offset: within("offset", self.offset.unwrap_or(0), 0, MAX_OFFSET)?,
        })
    }
}

/// What a [`TerritoriesRequest`] asks, checked.
pub(crate) struct Territories {
    pub role: Option<Role>,
    pub offset: usize,
    /// `None`: every territory.
    pub limit: Option<usize>,
}

impl TerritoriesRequest {
    pub(crate) fn checked(&self) -> Result<Territories> {
        check_name("entity", &self.entity)?;
        let role = match self
            .role
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty() && *r != "any")
        {
            Some(r) => Some(r.parse::<Role>()?),
            None => None,
        };
        let limit = if self.all {
            None
        } else {
            Some(within(
                "limit",
                self.limit.unwrap_or(DEFAULT_TERRITORIES_PAGE),
                1,
                MAX_TERRITORIES_PAGE,
            )?)
        };
        Ok(Territories {
            role,
            offset: self.offset.unwrap_or(0),
            limit,
        })
    }
}

impl GraphRequest {
    pub(crate) fn checked_depth(&self) -> Result<usize> {
        check_name("entity", &self.entity)?;
        within("depth", self.depth.unwrap_or(DEFAULT_DEPTH), 1, MAX_DEPTH)
    }
}

impl TerritoryRequest {
    /// The name or code asked, not empty, not endless.
    pub(crate) fn checked(&self) -> Result<&str> {
        check_name("territory", &self.territory)?;
        Ok(self.territory.trim())
    }
}

impl DocumentRequest {
    /// `(offset, limit)`.
    pub(crate) fn checked_page(&self) -> Result<(usize, usize)> {
        check_name("doc_id", &self.doc_id)?;
        let limit = if self.all {
            usize::MAX
        } else {
            within(
                "limit",
                self.limit.unwrap_or(DEFAULT_DOCUMENT_PASSAGES),
                1,
                MAX_DOCUMENT_PASSAGES,
            )?
        };
        Ok((self.offset.unwrap_or(0), limit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_limits_live_here() {
        let page = EntitiesRequest::default().checked().unwrap();
        assert_eq!((page.limit, page.offset), (DEFAULT_ENTITY_LIMIT, 0));
        let too_many = EntitiesRequest {
            limit: Some(MAX_ENTITY_LIMIT + 1),
            ..Default::default()
        };
        assert!(matches!(
            too_many.checked(),
            Err(Error::InvalidParameter { name: "limit", .. })
        ));
        let plural = EntitiesRequest {
            kind: Some("Dispositifs".into()),
            ..Default::default()
        };
        assert_eq!(plural.checked().unwrap().kind, Some(EntityKind::Dispositif));
        let french = TerritoriesRequest {
            entity: "CAF".into(),
            role: Some("partenaire".into()),
            ..Default::default()
        };
        let checked = french.checked().unwrap();
        assert_eq!(checked.role, Some(Role::Partner));
        assert_eq!(checked.limit, Some(DEFAULT_TERRITORIES_PAGE));
        let nameless = GraphRequest::default();
        assert!(nameless.checked_depth().is_err());
        let deep = GraphRequest {
            entity: "CAF".into(),
            depth: Some(MAX_DEPTH + 1),
        };
        assert!(deep.checked_depth().is_err());
        let blank = TerritoryRequest {
            territory: "  ".into(),
        };
        assert!(matches!(
            blank.checked(),
            Err(Error::InvalidParameter {
                name: "territory",
                ..
            })
        ));
    }
}
