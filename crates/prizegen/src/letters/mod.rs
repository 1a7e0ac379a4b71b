//! Service 2, `letters`: random letters, a pure function of (request, key).

use crate::contract::{GenerateRequest, account_prize, character, prize_pool, spy_mission};
use crate::keyed::Generate;
use crate::server::contract_routes;
use axum::{Json, Router};
use prizegen_domain::games::{self, Impl};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The letters service's own routes and its contract at `/v1/openapi.json` (the common routes
/// are added by `server`), with the batch route unless `batch` is false. Each route is declared
/// once, by its handler's `#[utoipa::path]`.
pub fn routes(imp: Impl, batch: bool) -> Router {
    let routes = OpenApiRouter::with_openapi(Contract::openapi())
        .routes(routes!(account_prize_letters))
        .routes(routes!(prize_pool_letters))
        .routes(routes!(spy_mission_letters))
        .routes(routes!(character_background));
    contract_routes(routes, imp, "letters", batch)
}

#[derive(OpenApi)]
#[openapi(info(title = "prizegen letters — internal contract v1", description = "See docs/contract.md."))]
struct Contract;

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
pub async fn account_prize_letters(Generate { imp, mut stream }: Generate) -> Json<account_prize::Letters> {
    Json(account_prize::Letters { letters: games::account_prize::letters(imp, &mut stream) })
}

/// The 20 letters a prize-pool sequence may take.
#[utoipa::path(
    post,
    path = "/v1/letters/prize-pool",
    request_body = GenerateRequest,
    responses((status = 200, description = "20 letters from a..zA..Z", body = prize_pool::Letters)),
)]
pub async fn prize_pool_letters(Generate { imp, mut stream }: Generate) -> Json<prize_pool::Letters> {
    Json(prize_pool::Letters { letters: games::prize_pool::letters(imp, &mut stream) })
}

/// The six letters of a dossier.
#[utoipa::path(
    post,
    path = "/v1/letters/spy-mission",
    request_body = GenerateRequest,
    responses((status = 200, description = "six lowercase letters", body = spy_mission::Letters)),
)]
pub async fn spy_mission_letters(Generate { imp, mut stream }: Generate) -> Json<spy_mission::Letters> {
    Json(spy_mission::Letters { letters: games::spy_mission::letters(imp, &mut stream) })
}

/// A character's background, a pick from a list.
#[utoipa::path(
    post,
    path = "/v1/letters/character",
    request_body = GenerateRequest,
    responses((status = 200, description = "one of the 13 backgrounds", body = character::Letters)),
)]
pub async fn character_background(Generate { imp, mut stream }: Generate) -> Json<character::Letters> {
    Json(character::Letters { background: games::character::background(imp, &mut stream).to_owned() })
}
