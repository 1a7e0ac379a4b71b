//! Service 3, `numbers`: random numbers, a pure function of (request, key).

use crate::contract::{GenerateRequest, account_prize, stream_for};
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

#[derive(OpenApi)]
#[openapi(
    info(title = "prizegen numbers — internal contract v1", description = "See docs/contract.md."),
    paths(account_prize_digits)
)]
struct Contract;

/// The OpenAPI document this service serves at `/v1/openapi.json`.
pub fn contract() -> utoipa::openapi::OpenApi {
    Contract::openapi()
}
