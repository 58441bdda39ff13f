//! The OpenAPI description, generated from the handlers' own annotations so
//! it cannot drift from the routes.
//!
//! Response bodies of the library types are described as free-form objects:
//! deriving schemas through every library type would tie the data model to
//! the HTTP layer.

use utoipa::OpenApi;

use super::routes;

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
        routes::graph,
    ),
    components(schemas(routes::ErrorResponse, routes::ErrorDetailSchema, routes::Health)),
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
            "/api/graph",
        ] {
            assert!(paths.contains_key(p), "{p} missing from OpenAPI");
        }
        let search_params = doc["paths"]["/api/search"]["get"]["parameters"]
            .as_array()
            .unwrap();
        assert!(search_params.iter().any(|p| p["name"] == "q"));
    }
}
