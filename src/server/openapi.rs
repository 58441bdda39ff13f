//! The OpenAPI description, generated from the handlers' own annotations so
//! it cannot drift from the routes.
//!
//! Response bodies are the library's own types, whose schemas are derived only when the
//! `server` feature is on: the data model carries an attribute, not a dependency, and a
//! field added to a type shows in the description at once.

use utoipa::OpenApi;

use super::{actions, routes};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "maillage",
        description = "Search across French territorial policy documents (CTG, contrats de ville, PEDT): passages, glossary of sigles, actors and territories."
    ),
    paths(
        routes::health,
        routes::search,
        routes::documents,
        routes::document,
        routes::document_file_openapi,
        routes::status,
        routes::acronyms,
        routes::acronym,
        routes::entities,
        routes::entity,
        routes::territories,
        routes::territory,
        routes::graph,
        actions::actions,
        actions::action,
        actions::compare,
    ),
    components(schemas(
        routes::ErrorResponse,
        routes::ErrorDetailSchema,
        routes::Health,
        crate::query::SearchResponse,
        crate::query::Hit,
        crate::query::Facets,
        crate::query::FacetCount,
        crate::query::Correction,
        crate::query::DocumentSummary,
        crate::query::DocumentDetail,
        crate::query::PassageOut,
        crate::query::EntityInDocument,
        crate::query::AcronymInDocument,
        crate::query::AcronymEntry,
        crate::query::AcronymDefinitionOut,
        crate::query::SourceOut,
        crate::query::EntitySummary,
        crate::query::EntityDetail,
        crate::query::EntityList,
        crate::query::EntityRef,
        crate::query::TerritoryList,
        crate::query::TerritoryDetail,
        crate::query::CorpusStatus,
        crate::query::FormatCount,
        crate::query::ActionSummary,
        crate::query::ActionList,
        crate::query::ActionDetail,
        crate::query::ActionField,
        crate::query::ActionEntity,
        crate::query::SimilarActions,
        crate::query::SimilarAction,
        crate::query::SharedEntity,
        crate::query::Comparison,
        crate::query::ComparedEntity,
        crate::graph::TerritoryRoles,
        crate::graph::Evidence,
        crate::graph::Subgraph,
        crate::graph::GraphNode,
        crate::graph::GraphEdge,
        crate::ingest::Skipped,
        crate::model::Territory,
        crate::model::DocumentRef,
        crate::model::TerritoryKind,
        crate::model::Section,
        crate::model::SourceFormat,
        crate::extract::Role,
        crate::extract::entities::EntityKind,
    )),
    tags(
        (name = "search", description = "Passage search"),
        (name = "documents", description = "Indexed documents"),
        (name = "glossary", description = "Sigles and their definitions"),
        (name = "entities", description = "Actors, dispositifs, territories and the graph"),
        (name = "service", description = "Health"),
    )
)]
pub struct ApiDoc;

/// The document served at `/api/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_api_route_is_described() {
        let doc = serde_json::to_value(document()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        for p in [
            "/health",
            "/api/search",
            "/api/documents",
            "/api/documents/{doc_id}",
            "/api/acronyms",
            "/api/acronyms/{abbr}",
            "/api/entities",
            "/api/entities/{id}",
            "/api/territories",
            "/api/territories/{territory}",
            "/api/graph",
        ] {
            assert!(paths.contains_key(p), "{p} missing from OpenAPI");
        }
        let graph_parameters: Vec<&str> = doc["paths"]["/api/graph"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(graph_parameters, ["entity", "depth", "format"]);
        // Every 200 answer names a schema, and every schema it names is described.
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for (path, item) in paths {
            let Some(ok) = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                .as_object()
            else {
                continue;
            };
            let reference = ok
                .get("$ref")
                .or_else(|| ok.get("items").and_then(|i| i.get("$ref")))
                .and_then(|r| r.as_str())
                .unwrap_or_else(|| panic!("{path}: 200 has no schema: {ok:?}"));
            let name = reference.rsplit('/').next().unwrap();
            assert!(schemas.contains_key(name), "{path}: {name} not described");
        }
        let hit = &schemas["Hit"]["properties"];
        assert!(
            hit["snippet"].is_object() && hit["passage"].is_object(),
            "{hit}"
        );
        // A cited document is described once, and every answer citing one refers to it.
        let cited = &schemas["DocumentRef"]["properties"];
        assert!(
            cited["doc_id"].is_object() && cited["doc_title"].is_object(),
            "{cited}"
        );
        for name in [
            "Evidence",
            "AcronymDefinitionOut",
            "SourceOut",
            "EntityDetail",
        ] {
            let schema = schemas[name].to_string();
            assert!(
                schema.contains("#/components/schemas/DocumentRef"),
                "{name} does not cite DocumentRef: {schema}"
            );
        }
        let search_params = doc["paths"]["/api/search"]["get"]["parameters"]
            .as_array()
            .unwrap();
        assert!(search_params.iter().any(|p| p["name"] == "q"));
    }
}
