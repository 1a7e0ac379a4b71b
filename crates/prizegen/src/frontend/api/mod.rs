//! The public JSON API under `/api/v1` (SPEC §5), described at `/api/v1/openapi.json`.

mod campaigns;
mod draws;
mod fairness;
mod games;
mod prize_pool;

use super::Frontend;
use crate::server::{ApiError, openapi_route_at};
use axum::Router;
use axum::extract::{FromRequestParts, Query};
use axum::routing::{get, post};
use http::request::Parts;
use std::sync::Arc;
use utoipa::OpenApi;

/// The API's routes.
pub fn routes() -> Router<Arc<Frontend>> {
    Router::new()
        .route("/api/v1/games", get(games::list))
        .route("/api/v1/draws", post(draws::create).get(draws::list))
        .route("/api/v1/draws/{id}", get(draws::one))
        .route("/api/v1/fairness", get(fairness::show))
        .route("/api/v1/fairness/rotate", post(fairness::rotate))
        .route("/api/v1/prize-pool/sequences", post(prize_pool::generate))
        .route("/api/v1/prize-pool/sequences/{sequence}", get(prize_pool::one))
        .route("/api/v1/prize-pool/sequences/{sequence}/claim", post(prize_pool::claim))
        .route("/api/v1/campaigns", get(campaigns::list).post(campaigns::create))
        .route(
            "/api/v1/campaigns/{slug}",
            get(campaigns::one).put(campaigns::update).delete(campaigns::delete),
        )
        .route("/api/v1/{*rest}", axum::routing::any(crate::server::error::not_found))
        .merge(openapi_route_at("/api/v1/openapi.json", ApiDoc::openapi()))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "prizegen public API",
        description = "Draws, games and fairness. Errors are `{\"error\": {\"code\", \"message\"}}`. \
                       Operator calls take `Authorization: Bearer <PRIZEGEN_ADMIN_TOKEN>`."
    ),
    paths(
        games::list,
        draws::create,
        draws::one,
        draws::list,
        prize_pool::generate,
        prize_pool::one,
        prize_pool::claim,
        fairness::show,
        fairness::rotate,
        campaigns::list,
        campaigns::one,
        campaigns::create,
        campaigns::update,
        campaigns::delete
    ),
    components(schemas(super::view::DrawBody, crate::store::ServedBy))
)]
struct ApiDoc;

/// The public API's OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// `Query` whose rejection is a JSON 400.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| Self(value))
            .map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))
    }
}
