//! The one boundary for what a user asks: each use case's request, with its defaults and
//! limits, checked here once.
//!
//! Why one place: the CLI and the HTTP layer only turn strings into these types (a number
//! is a number there, nothing more); whether 5,000 entities is too many a page, or what a
//! page holds by default, is the library's to say, the same for every caller. With the
//! `server` feature the requests describe themselves as OpenAPI query parameters
//! (`utoipa::IntoParams`): a field's doc comment is what the API's reader sees, and a field
//! that is not a query parameter (`all`, a path's id) is left out by `skip_serializing`.

use serde::{Deserialize, Serialize};

use super::{
    MAX_DEPTH, MAX_ENTITY_LIMIT, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS, MAX_TERRITORIES_PAGE,
};
use crate::extract::entities::EntityKind;
use crate::extract::Role;
use crate::{Error, Result};

/// Hits per search page when the request does not say.
pub const DEFAULT_SEARCH_LIMIT: usize = 10;
/// Entities per page when the request does not say.
pub const DEFAULT_ENTITY_LIMIT: usize = 50;
/// Territories per page when the request does not say.
pub const DEFAULT_TERRITORIES_PAGE: usize = 100;
/// Passages of a document per answer when the request does not say, and at most.
pub const DEFAULT_DOCUMENT_PASSAGES: usize = 2_000;
pub const MAX_DOCUMENT_PASSAGES: usize = 10_000;
/// Hops around an entity when the request does not say.
pub const DEFAULT_DEPTH: usize = 1;
/// Actions in one page by default.
pub const DEFAULT_ACTIONS_PAGE: usize = 50;
/// Most actions in one page.
pub const MAX_ACTIONS_PAGE: usize = 1000;

/// A search as asked by the CLI or the API (`GET /api/search`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct SearchRequest {
    /// Words, "quoted phrases", -excluded words (at most 1000 characters).
    pub q: String,
    /// Hits per page, 1 to 100 (default 10).
    #[serde(default)]
    pub limit: Option<usize>,
    /// Hits to skip, 0 to 10000.
    #[serde(default)]
    pub offset: Option<usize>,
    /// Territory name or official code; also matches documents of the territories it
    /// contains.
    #[serde(default)]
    pub territory: Option<String>,
    /// Document kind: ctg, contrat_de_ville, pedt, fiche_coordination, article, conseil_municipal.
    #[serde(default)]
    pub kind: Option<String>,
    /// `true`: search the words only as typed, without spelling corrections.
    #[serde(default)]
    pub exact: bool,
    /// `action`: one result per action sheet with its fields holding the words; `passage` (default).
    #[serde(default)]
    pub group: Option<String>,
}

/// A page of entities whose name or alias matches `q`, all when absent (`GET /api/entities`).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct EntitiesRequest {
    /// Part of a name or alias; all entities when absent.
    pub q: Option<String>,
    /// organisation, dispositif, structure, association, autre (plurals too).
    pub kind: Option<String>,
    /// 1 to 1000 (default 50).
    pub limit: Option<usize>,
    /// Entities to skip (default 0).
    pub offset: Option<usize>,
}

/// The territories whose plans name an entity, strongest roles first (`GET /api/territories`).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct TerritoriesRequest {
    /// Entity name, sigle or id.
    pub entity: String,
    /// pilot, partner, funder, mention (or pilote, partenaire, financeur, mentionné) or any (default).
    pub role: Option<String>,
    /// Territories per page, 1 to 1000 (default 100), strongest roles first.
    pub limit: Option<usize>,
    /// Territories to skip (default 0).
    pub offset: Option<usize>,
    /// Every territory, not a page (the CLI's default, and exports; `limit` is then
    /// ignored). Not a query parameter.
    #[serde(default, skip_serializing)]
    pub all: bool,
}

/// The graph around an entity (`GET /api/graph`).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct GraphRequest {
    /// Entity name, sigle or id.
    pub entity: String,
    /// 1 to 3 hops (default 1).
    pub depth: Option<usize>,
}

/// One territory and the documents about it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TerritoryRequest {
    /// `<kind>:<code>` (`commune:31150`, `epci:…`, `departement:31`, `region:76`), a name
    /// or a bare code, as the search's territory filter reads them.
    pub territory: String,
}

/// One document with a page of its passages (`GET /api/documents/{doc_id}`).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct DocumentRequest {
    /// The document's id (a path parameter of the API, not a query parameter).
    #[serde(skip_serializing)]
    pub doc_id: String,
    /// Passages to skip (default 0).
    pub offset: Option<usize>,
    /// Passages per answer, 1 to 10,000 (default 2,000); `passages_total` says how many there are.
    pub limit: Option<usize>,
    /// Every passage, not a page (`limit` is then ignored). Not a query parameter.
    #[serde(default, skip_serializing)]
    pub all: bool,
}

/// What `GET /api/actions` and `maillage actions` ask.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct ActionsRequest {
    /// Words of the action's title or heading path (accents and case ignored).
    pub q: Option<String>,
    /// Territory name or official code, any level.
    pub territory: Option<String>,
    /// Document kind: ctg, contrat_de_ville, pedt…
    pub kind: Option<String>,
    /// An entity the action names (name, sigle or id).
    pub entity: Option<String>,
    /// pilot, partner, funder or mention (with `entity`: its role; alone: any entity's).
    pub role: Option<String>,
    /// A dispositif the action names (CLAS, LAEP…).
    pub dispositif: Option<String>,
    /// Actions per page, 1 to 1000 (default 50); ignored by exports, which hold every action.
    pub limit: Option<usize>,
    /// Actions to skip (default 0).
    pub offset: Option<usize>,
    /// Every action, not a page (exports). Not a query parameter.
    #[serde(default, skip_serializing)]
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
        let kind = parsed::<EntityKind>(&self.kind)?;
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
        let role = match given(&self.role) {
            Some("any") | None => None,
            Some(r) => Some(r.parse::<Role>()?),
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

impl SearchRequest {
    /// The query as typed, trimmed: not empty, not endless.
    pub(crate) fn checked_query(&self) -> Result<&str> {
        let q = self.q.trim();
        if q.is_empty() {
            return Err(Error::InvalidQuery("la requête est vide".into()));
        }
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(Error::InvalidQuery(format!(
                "la requête dépasse {MAX_QUERY_CHARS} caractères"
            )));
        }
        Ok(q)
    }

    /// `(limit, offset)`.
    pub(crate) fn checked_page(&self) -> Result<(usize, usize)> {
        let limit = within(
            "limit",
            self.limit.unwrap_or(DEFAULT_SEARCH_LIMIT),
            1,
            MAX_LIMIT,
        )?;
        let offset = self.offset.unwrap_or(0);
        if offset > MAX_OFFSET {
            return Err(Error::InvalidParameter {
                name: "offset",
                message: format!("doit valoir au plus {MAX_OFFSET}"),
            });
        }
        Ok((limit, offset))
    }
}

impl ActionsRequest {
    /// `(offset, limit)`; every action when `all`.
    pub(crate) fn checked_page(&self) -> Result<(usize, usize)> {
        let offset = within("offset", self.offset.unwrap_or(0), 0, MAX_OFFSET)?;
        let limit = if self.all {
            usize::MAX
        } else {
            within(
                "limit",
                self.limit.unwrap_or(DEFAULT_ACTIONS_PAGE),
                1,
                MAX_ACTIONS_PAGE,
            )?
        };
        Ok((offset, limit))
    }
}

/// A value the user gave: trimmed, and absent when empty.
pub(crate) fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A value the user gave, parsed (`DocKind`, `EntityKind`, `Role`: their `FromStr` says
/// what is wrong, in French); absent when empty.
pub(crate) fn parsed<T>(value: &Option<String>) -> Result<Option<T>>
where
    T: std::str::FromStr<Err = Error>,
{
    given(value).map(str::parse).transpose()
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

    #[test]
    fn one_parse_accepts_every_spelling_and_says_in_french_what_is_wrong() {
        use crate::model::DocKind;
        for (typed, kind) in [
            ("dispositif", EntityKind::Dispositif),
            ("Dispositifs", EntityKind::Dispositif),
            (" organisations ", EntityKind::Organisation),
            ("organization", EntityKind::Organisation),
            ("autres", EntityKind::Autre),
            ("other", EntityKind::Autre),
        ] {
            assert_eq!(typed.parse::<EntityKind>().unwrap(), kind, "{typed}");
        }
        let err = "actions".parse::<EntityKind>().unwrap_err();
        assert!(
            matches!(&err, Error::InvalidParameter { name: "kind", message }
                if message.contains("`actions` n'est pas un genre d'entité")
                    && message.contains("dispositif")),
            "{err}"
        );
        for (typed, role) in [
            ("pilot", Role::Pilot),
            ("Pilotes", Role::Pilot),
            ("partenaires", Role::Partner),
            ("financeur", Role::Funder),
            ("mentionné", Role::Mention),
        ] {
            assert_eq!(typed.parse::<Role>().unwrap(), role, "{typed}");
        }
        let err = "chef".parse::<Role>().unwrap_err();
        assert!(err.to_string().contains("n'est pas un rôle"), "{err}");
        for (typed, kind) in [
            ("CTG", DocKind::Ctg),
            ("contrat-de-ville", DocKind::ContratDeVille),
            ("contrat de ville", DocKind::ContratDeVille),
            ("pedt", DocKind::Pedt),
        ] {
            assert_eq!(typed.parse::<DocKind>().unwrap(), kind, "{typed}");
        }
        let err = "plu".parse::<DocKind>().unwrap_err();
        assert!(
            err.to_string().contains("n'est pas un type de document"),
            "{err}"
        );
        // Every request reads its words through the same parse: blank is absent, `any` is
        // every role.
        assert_eq!(parsed::<DocKind>(&Some("  ".into())).unwrap(), None);
        assert_eq!(
            parsed::<EntityKind>(&Some("Structures".into())).unwrap(),
            Some(EntityKind::Structure)
        );
        let any = TerritoriesRequest {
            entity: "CAF".into(),
            role: Some("any".into()),
            ..Default::default()
        };
        assert_eq!(any.checked().unwrap().role, None);
    }

    #[test]
    fn search_and_action_pages_have_their_defaults_and_bounds_here() {
        let search = SearchRequest {
            q: "  parentalité ".into(),
            ..Default::default()
        };
        assert_eq!(search.checked_query().unwrap(), "parentalité");
        assert_eq!(search.checked_page().unwrap(), (DEFAULT_SEARCH_LIMIT, 0));
        let blank = SearchRequest::default();
        assert!(matches!(blank.checked_query(), Err(Error::InvalidQuery(_))));
        let deep = SearchRequest {
            offset: Some(MAX_OFFSET + 1),
            ..Default::default()
        };
        assert!(matches!(
            deep.checked_page(),
            Err(Error::InvalidParameter { name: "offset", .. })
        ));
        let wide = SearchRequest {
            limit: Some(MAX_LIMIT + 1),
            ..Default::default()
        };
        assert!(matches!(
            wide.checked_page(),
            Err(Error::InvalidParameter { name: "limit", .. })
        ));
        assert_eq!(
            ActionsRequest::default().checked_page().unwrap(),
            (0, DEFAULT_ACTIONS_PAGE)
        );
        let export = ActionsRequest {
            limit: Some(MAX_ACTIONS_PAGE + 1),
            all: true,
            ..Default::default()
        };
        assert_eq!(export.checked_page().unwrap(), (0, usize::MAX));
    }
}
