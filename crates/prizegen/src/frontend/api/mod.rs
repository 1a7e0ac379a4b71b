//! The public JSON API under `/api/v1` (SPEC §5), described at `/api/v1/openapi.json`. Each
//! handler's route is declared once, by its `#[utoipa::path]`; `frontend/router.rs` collects
//! them into the router and the OpenAPI document together.

pub mod audit;
pub mod campaigns;
pub mod draws;
pub mod fairness;
pub mod faults;
pub mod games;
pub mod leaderboard;
pub mod players;
mod schemas;
pub mod sequences;
pub mod stats;

use crate::server::ApiError;
use axum::extract::{FromRequestParts, Query};
use http::request::Parts;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The document's header, its security scheme and the schemas no route names by itself; the
/// paths are added from the routes, and the answers every operation shares by
/// `server::openapi::complete`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "prizegen public API",
        description = "Draws, games, fairness, campaigns, players and the leaderboard. Every error is \
                       `{\"error\": {\"code\", \"message\"}}` (`Error`), with the status it says. Operator calls \
                       take `Authorization: Bearer <PRIZEGEN_ADMIN_TOKEN>`; a player's calls take \
                       `Authorization: Bearer <token>` from `POST /api/v1/sessions`, and a draw made with it is \
                       theirs.",
        version = env!("CARGO_PKG_VERSION"),
    ),
    modifiers(&OperatorToken),
    components(schemas(
        crate::frontend::view::DrawBody,
        crate::store::ServedBy,
        crate::contract::account_prize::AccountResult,
        crate::contract::prize_pool::ClaimResult,
        crate::contract::spy_mission::MissionResult,
        crate::contract::attack::AttackResult,
        crate::contract::character::CharacterResult,
    ))
)]
pub struct ApiDoc;

/// The operator's bearer token, as the security scheme operator calls name.
struct OperatorToken;

impl Modify for OperatorToken {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("`PRIZEGEN_ADMIN_TOKEN`, the operator's secret."))
            .build();
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme("operator", SecurityScheme::Http(scheme));
        let player = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("A player's session token, from `POST /api/v1/sessions`."))
            .build();
        components.add_security_scheme("player", SecurityScheme::Http(player));
    }
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
