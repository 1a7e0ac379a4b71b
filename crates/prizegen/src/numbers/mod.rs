//! Service 3, `numbers`: random numbers, a pure function of (request, key).

use crate::contract::{GenerateRequest, account_prize, attack, character, prize_pool, spy_mission};
use crate::keyed::Generate;
use crate::server::contract_routes;
use axum::{Json, Router};
use prizegen_domain::games::{self, Impl};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The numbers service's own routes and its contract at `/v1/openapi.json` (the common routes
/// are added by `server`), with the batch route unless `batch` is false. Each route is declared
/// once, by its handler's `#[utoipa::path]`.
pub fn routes(imp: Impl, batch: bool) -> Router {
    let routes = OpenApiRouter::with_openapi(Contract::openapi())
        .routes(routes!(account_prize_digits))
        .routes(routes!(prize_pool_digits))
        .routes(routes!(spy_mission_numbers))
        .routes(routes!(attack_numbers))
        .routes(routes!(character_rolls));
    contract_routes(routes, imp, "numbers", batch)
}

#[derive(OpenApi)]
#[openapi(info(title = "prizegen numbers — internal contract v1", description = "See docs/contract.md."))]
struct Contract;

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
pub async fn account_prize_digits(Generate { imp, mut stream }: Generate) -> Json<account_prize::Numbers> {
    Json(account_prize::Numbers { digits: games::account_prize::digits(imp, &mut stream) })
}

/// The 20 digits a prize-pool sequence may take.
#[utoipa::path(
    post,
    path = "/v1/numbers/prize-pool",
    request_body = GenerateRequest,
    responses((status = 200, description = "20 digits", body = prize_pool::Numbers)),
)]
pub async fn prize_pool_digits(Generate { imp, mut stream }: Generate) -> Json<prize_pool::Numbers> {
    Json(prize_pool::Numbers { digits: games::prize_pool::digits(imp, &mut stream) })
}

/// The six numbers of a dossier.
#[utoipa::path(
    post,
    path = "/v1/numbers/spy-mission",
    request_body = GenerateRequest,
    responses((status = 200, description = "six integers in [0, 19]", body = spy_mission::Numbers)),
)]
pub async fn spy_mission_numbers(Generate { imp, mut stream }: Generate) -> Json<spy_mission::Numbers> {
    Json(spy_mission::Numbers { numbers: games::spy_mission::numbers(imp, &mut stream) })
}

/// An attack's roll and power.
#[utoipa::path(
    post,
    path = "/v1/numbers/attack",
    request_body = GenerateRequest,
    responses((status = 200, description = "v1: roll 0–2, power 0.0–9.9; v2: roll 1–2, power 0.00–9.99", body = attack::Numbers)),
)]
pub async fn attack_numbers(Generate { imp, mut stream }: Generate) -> Json<attack::Numbers> {
    let (roll, power) = games::attack::numbers(imp, &mut stream);
    Json(attack::Numbers { roll, power: power.to_string() })
}

/// A character's eight rolls.
#[utoipa::path(
    post,
    path = "/v1/numbers/character",
    request_body = GenerateRequest,
    responses((status = 200, description = "eight integers in [1, 20]", body = character::Numbers)),
)]
pub async fn character_rolls(Generate { imp, mut stream }: Generate) -> Json<character::Numbers> {
    Json(character::Numbers { rolls: games::character::rolls(imp, &mut stream) })
}
