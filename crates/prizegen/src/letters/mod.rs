//! Service 2, `letters`: random letters, a pure function of (request, key).

use crate::contract::{GenerateRequest, account_prize, character, prize_pool, spy_mission, stream_for};
use crate::server::{ApiError, ApiJson, error::not_found, openapi_route};
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use prizegen_domain::games::{self, Impl};
use utoipa::OpenApi;

/// The letters service's own routes (the common ones are added by `server`).
pub fn routes(imp: Impl) -> Router {
    Router::new()
        .route("/v1/letters/account-prize", post(account_prize_letters))
        .route("/v1/letters/prize-pool", post(prize_pool_letters))
        .route("/v1/letters/spy-mission", post(spy_mission_letters))
        .route("/v1/letters/character", post(character_background))
        .merge(openapi_route(Contract::openapi()))
        .fallback(not_found)
        .with_state(imp)
}

/// The letters part of an account number.
#[utoipa::path(
    post,
    path = "/v1/letters/account-prize",
    request_body = GenerateRequest,
    responses(
        (status = 200, description = "v1: four lowercase letters; v2: two uppercase", body = account_prize::Letters),
        (status = 422, description = "the key is not 64 hex digits"),
    ),
)]
async fn account_prize_letters(
    State(imp): State<Impl>,
    ApiJson(request): ApiJson<GenerateRequest>,
) -> Result<Json<account_prize::Letters>, ApiError> {
    let mut stream = stream_for(request.key.as_deref())?;
    Ok(Json(account_prize::Letters { letters: games::account_prize::letters(imp, &mut stream) }))
}

/// The 20 letters a prize-pool sequence may take.
#[utoipa::path(
    post,
    path = "/v1/letters/prize-pool",
    request_body = GenerateRequest,
    responses((status = 200, description = "20 letters from a..zA..Z", body = prize_pool::Letters)),
)]
async fn prize_pool_letters(
    State(imp): State<Impl>,
    ApiJson(request): ApiJson<GenerateRequest>,
) -> Result<Json<prize_pool::Letters>, ApiError> {
    let mut stream = stream_for(request.key.as_deref())?;
    Ok(Json(prize_pool::Letters { letters: games::prize_pool::letters(imp, &mut stream) }))
}

/// The six letters of a dossier.
#[utoipa::path(
    post,
    path = "/v1/letters/spy-mission",
    request_body = GenerateRequest,
    responses((status = 200, description = "six lowercase letters", body = spy_mission::Letters)),
)]
async fn spy_mission_letters(
    State(imp): State<Impl>,
    ApiJson(request): ApiJson<GenerateRequest>,
) -> Result<Json<spy_mission::Letters>, ApiError> {
    let mut stream = stream_for(request.key.as_deref())?;
    Ok(Json(spy_mission::Letters { letters: games::spy_mission::letters(imp, &mut stream) }))
}

/// A character's background, a pick from a list.
#[utoipa::path(
    post,
    path = "/v1/letters/character",
    request_body = GenerateRequest,
    responses((status = 200, description = "one of the 13 backgrounds", body = character::Letters)),
)]
async fn character_background(
    State(imp): State<Impl>,
    ApiJson(request): ApiJson<GenerateRequest>,
) -> Result<Json<character::Letters>, ApiError> {
    let mut stream = stream_for(request.key.as_deref())?;
    Ok(Json(character::Letters { background: games::character::background(imp, &mut stream).to_owned() }))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "prizegen letters — internal contract v1", description = "See docs/contract.md."),
    paths(account_prize_letters, prize_pool_letters, spy_mission_letters, character_background)
)]
struct Contract;

/// The OpenAPI document this service serves at `/v1/openapi.json`.
pub fn contract() -> utoipa::openapi::OpenApi {
    Contract::openapi()
}
