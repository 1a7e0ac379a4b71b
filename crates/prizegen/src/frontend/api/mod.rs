//! The public JSON API under `/api/v1` (SPEC §5), described at `/api/v1/openapi.json`. Each
//! handler's route is declared once, by its `#[utoipa::path]`; `frontend/router.rs` collects
//! them into the router and the OpenAPI document together.

pub mod campaigns;
pub mod draws;
pub mod fairness;
pub mod games;
pub mod sequences;

use crate::server::ApiError;
use axum::extract::{FromRequestParts, Query};
use http::request::Parts;
use utoipa::OpenApi;

/// The document's header and the schemas no route names by itself; the paths are added from
/// the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "prizegen public API",
        description = "Draws, games and fairness. Errors are `{\"error\": {\"code\", \"message\"}}`. \
                       Operator calls take `Authorization: Bearer <PRIZEGEN_ADMIN_TOKEN>`."
    ),
    components(schemas(crate::frontend::view::DrawBody, crate::store::ServedBy))
)]
pub struct ApiDoc;

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
