//! Service 4, `rules`: applies a game's rules to the generated parts; a pure function of
//! (request, key). Accepts the output of every letters and numbers version.

use crate::contract::{account_prize, stream_for};
use crate::server::{ApiError, ApiJson, error::not_found, openapi_route};
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use prizegen_domain::games::{self, Impl};
use utoipa::OpenApi;

/// The rules service's own routes (the common ones are added by `server`).
pub fn routes(imp: Impl) -> Router {
    Router::new()
        .route("/v1/rules/account-prize", post(account_prize_outcome))
        .merge(openapi_route(Contract::openapi()))
        .fallback(not_found)
        .with_state(imp)
}

/// The account number and its prize.
#[utoipa::path(
    post,
    path = "/v1/rules/account-prize",
    request_body = account_prize::RulesRequest,
    responses(
        (status = 200, description = "v1 generous, v2 stingy (SPEC §3.1)", body = account_prize::Outcome),
        (status = 422, description = "a key, letters or digits no generator could have produced"),
    ),
)]
async fn account_prize_outcome(
    State(imp): State<Impl>,
    ApiJson(request): ApiJson<account_prize::RulesRequest>,
) -> Result<Json<account_prize::Outcome>, ApiError> {
    use games::account_prize::{AccountDigits, AccountLetters, outcome};
    let invalid = |e: games::account_prize::PartsError| ApiError::invalid("invalid_parts", e.to_string());
    let letters = AccountLetters::parse(&request.letters.letters).map_err(invalid)?;
    let digits = AccountDigits::parse(&request.numbers.digits).map_err(invalid)?;
    let mut stream = stream_for(request.key.as_deref())?;
    let decided = outcome(imp, &letters, &digits, &mut stream);
    Ok(Json(account_prize::Outcome {
        result: account_prize::AccountResult { account_number: decided.account_number },
        prize: decided.prize.map(Into::into),
    }))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "prizegen rules — internal contract v1", description = "See docs/contract.md."),
    paths(account_prize_outcome)
)]
struct Contract;

/// The OpenAPI document this service serves at `/v1/openapi.json`.
pub fn contract() -> utoipa::openapi::OpenApi {
    Contract::openapi()
}
