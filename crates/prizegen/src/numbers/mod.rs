//! Service 3, `numbers`: random numbers, a pure function of (request, key).

use crate::contract::{
    GenerateRequest, account_prize, attack, character, prize_pool, spy_mission, stream_for,
};
use crate::server::{ApiError, ApiJson, error::not_found, openapi_route};
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use prizegen_domain::games::{self, Impl};
use utoipa::OpenApi;

/// The numbers service's own routes (the common ones are added by `server`).
pub fn routes(imp: Impl) -> Router {
    Router::new()
        .route("/v1/numbers/account-prize", post(account_prize_digits))
        .route("/v1/numbers/prize-pool", post(prize_pool_digits))
        .route("/v1/numbers/spy-mission", post(spy_mission_numbers))
        .route("/v1/numbers/attack", post(attack_numbers))
        .route("/v1/numbers/character", post(character_rolls))
        .merge(openapi_route(Contract::openapi()))
        .fallback(not_found)
        .with_state(imp)
}

/// The digits part of an account number.
#[utoipa::path(
    post,
    path = "/v1/numbers/account-prize",
    request_body = GenerateRequest,
    responses(
        (status = 200, description = "v1: four digits; v2: eight digits, leading zeros kept", body = account_prize::Numbers),
        (status = 422, description = "the key is not 64 hex digits"),
    ),
)]
async fn account_prize_digits(
    State(imp): State<Impl>,
    ApiJson(request): ApiJson<GenerateRequest>,
) -> Result<Json<account_prize::Numbers>, ApiError> {
    let mut stream = stream_for(request.key.as_deref())?;
    Ok(Json(account_prize::Numbers { digits: games::account_prize::digits(imp, &mut stream) }))
}

/// The 20 digits a prize-pool sequence may take.
#[utoipa::path(
    post,
    path = "/v1/numbers/prize-pool",
    request_body = GenerateRequest,
    responses((status = 200, description = "20 digits", body = prize_pool::Numbers)),
)]
async fn prize_pool_digits(
    State(imp): State<Impl>,
    ApiJson(request): ApiJson<GenerateRequest>,
) -> Result<Json<prize_pool::Numbers>, ApiError> {
    let mut stream = stream_for(request.key.as_deref())?;
    Ok(Json(prize_pool::Numbers { digits: games::prize_pool::digits(imp, &mut stream) }))
}

/// The six numbers of a dossier.
#[utoipa::path(
    post,
    path = "/v1/numbers/spy-mission",
    request_body = GenerateRequest,
    responses((status = 200, description = "six integers in [0, 19]", body = spy_mission::Numbers)),
)]
async fn spy_mission_numbers(
    State(imp): State<Impl>,
    ApiJson(request): ApiJson<GenerateRequest>,
) -> Result<Json<spy_mission::Numbers>, ApiError> {
    let mut stream = stream_for(request.key.as_deref())?;
    Ok(Json(spy_mission::Numbers { numbers: games::spy_mission::numbers(imp, &mut stream) }))
}

/// An attack's roll and power.
#[utoipa::path(
    post,
    path = "/v1/numbers/attack",
    request_body = GenerateRequest,
    responses((status = 200, description = "v1: roll 0–2, power 0.0–9.9; v2: roll 1–2, power 0.00–9.99", body = attack::Numbers)),
)]
async fn attack_numbers(
    State(imp): State<Impl>,
    ApiJson(request): ApiJson<GenerateRequest>,
) -> Result<Json<attack::Numbers>, ApiError> {
    let mut stream = stream_for(request.key.as_deref())?;
    let (roll, power) = games::attack::numbers(imp, &mut stream);
    Ok(Json(attack::Numbers { roll, power: power.to_string() }))
}

/// A character's eight rolls.
#[utoipa::path(
    post,
    path = "/v1/numbers/character",
    request_body = GenerateRequest,
    responses((status = 200, description = "eight integers in [1, 20]", body = character::Numbers)),
)]
async fn character_rolls(
    State(imp): State<Impl>,
    ApiJson(request): ApiJson<GenerateRequest>,
) -> Result<Json<character::Numbers>, ApiError> {
    let mut stream = stream_for(request.key.as_deref())?;
    Ok(Json(character::Numbers { rolls: games::character::rolls(imp, &mut stream) }))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "prizegen numbers — internal contract v1", description = "See docs/contract.md."),
    paths(account_prize_digits, prize_pool_digits, spy_mission_numbers, attack_numbers, character_rolls)
)]
struct Contract;

/// The OpenAPI document this service serves at `/v1/openapi.json`.
pub fn contract() -> utoipa::openapi::OpenApi {
    Contract::openapi()
}
