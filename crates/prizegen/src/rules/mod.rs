//! Service 4, `rules`: applies a game's rules to the generated parts; a pure function of
//! (request, key). Accepts the output of every letters and numbers version.

use crate::contract::{account_prize, attack, character, prize_pool, spy_mission};
use crate::keyed::{check_key, stream_for};
use crate::server::{ApiError, ApiJson, contract_routes};
use axum::extract::State;
use axum::{Json, Router};
use prizegen_domain::games::{self, Impl};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The rules service's own routes and its contract at `/v1/openapi.json` (the common routes
/// are added by `server`), with the batch route unless `batch` is false. Each route is declared
/// once, by its handler's `#[utoipa::path]`.
pub fn routes(imp: Impl, batch: bool) -> Router {
    let routes = OpenApiRouter::with_openapi(Contract::openapi())
        .routes(routes!(account_prize_outcome))
        .routes(routes!(prize_pool_compose))
        .routes(routes!(prize_pool_claim))
        .routes(routes!(spy_mission_outcome))
        .routes(routes!(attack_outcome))
        .routes(routes!(character_sheet));
    contract_routes(routes, imp, "rules", batch)
}

#[derive(OpenApi)]
#[openapi(info(title = "prizegen rules — internal contract v1", description = "See docs/contract.md."))]
struct Contract;

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
pub async fn account_prize_outcome(
    State(imp): State<Impl>,
    ApiJson(request): ApiJson<account_prize::RulesRequest>,
) -> Result<Json<account_prize::Outcome>, ApiError> {
    use games::account_prize::{AccountDigits, AccountLetters, outcome};
    let letters = AccountLetters::parse(&request.letters.letters).map_err(invalid_parts)?;
    let digits = AccountDigits::parse(&request.numbers.digits).map_err(invalid_parts)?;
    let mut stream = stream_for(request.key.as_deref())?;
    let decided = outcome(imp, &letters, &digits, &mut stream);
    Ok(Json(account_prize::Outcome {
        result: account_prize::AccountResult { account_number: decided.account_number },
        prize: decided.prize.map(Into::into),
    }))
}

fn invalid_parts(error: games::PartsError) -> ApiError {
    ApiError::invalid("invalid_parts", error.to_string())
}

/// Composes a prize-pool sequence: position i is digit i with a 50% chance, else letter i.
#[utoipa::path(
    post,
    path = "/v1/rules/prize-pool",
    request_body = prize_pool::ComposeRequest,
    responses(
        (status = 200, description = "the sequence", body = prize_pool::Composed),
        (status = 422, description = "not 20 letters and 20 digits, or a bad key"),
    ),
)]
pub async fn prize_pool_compose(
    State(imp): State<Impl>,
    ApiJson(request): ApiJson<prize_pool::ComposeRequest>,
) -> Result<Json<prize_pool::Composed>, ApiError> {
    let mut stream = stream_for(request.key.as_deref())?;
    let sequence =
        games::prize_pool::compose(imp, &request.letters.letters, &request.numbers.digits, &mut stream)
            .map_err(invalid_parts)?;
    Ok(Json(prize_pool::Composed { sequence: sequence.as_str().to_owned() }))
}

/// What a sequence wins: positions 0, 2 and 7 decide; the amounts depend on the version.
#[utoipa::path(
    post,
    path = "/v1/rules/prize-pool/claim",
    request_body = prize_pool::ClaimRequest,
    responses(
        (status = 200, description = "v1 £1,000/£10,000/£100,000; v2 £9,999/£99,999/£999,999 and X", body = prize_pool::ClaimOutcome),
        (status = 422, description = "not a sequence"),
    ),
)]
pub async fn prize_pool_claim(
    State(imp): State<Impl>,
    ApiJson(request): ApiJson<prize_pool::ClaimRequest>,
) -> Result<Json<prize_pool::ClaimOutcome>, ApiError> {
    use games::prize_pool::{Sequence, Tier, prize, tier};
    let sequence = Sequence::parse(&request.sequence).map_err(invalid_parts)?;
    let decided = tier(&sequence);
    let tier_number = match decided {
        Tier::None => 0,
        Tier::One => 1,
        Tier::Two => 2,
        Tier::Three => 3,
    };
    Ok(Json(prize_pool::ClaimOutcome {
        result: prize_pool::ClaimResult { sequence: request.sequence, tier: tier_number },
        prize: prize(imp, decided).map(Into::into),
    }))
}

/// A dossier and its mission.
#[utoipa::path(
    post,
    path = "/v1/rules/spy-mission",
    request_body = spy_mission::RulesRequest,
    responses((status = 200, body = spy_mission::Outcome), (status = 422, description = "impossible parts")),
)]
pub async fn spy_mission_outcome(
    State(imp): State<Impl>,
    ApiJson(request): ApiJson<spy_mission::RulesRequest>,
) -> Result<Json<spy_mission::Outcome>, ApiError> {
    check_key(request.key.as_deref())?;
    let mission = games::spy_mission::mission(imp, &request.numbers.numbers, &request.letters.letters)
        .map_err(invalid_parts)?;
    Ok(Json(spy_mission::Outcome {
        result: spy_mission::MissionResult {
            dossier: mission.dossier,
            task: mission.task.to_owned(),
            target: mission.target.to_owned(),
            mission: mission.mission,
        },
    }))
}

/// Missed, hit or crit, and the damage.
#[utoipa::path(
    post,
    path = "/v1/rules/attack",
    request_body = attack::RulesRequest,
    responses((status = 200, description = "v1 lowercase words, v2 uppercase", body = attack::Outcome), (status = 422, description = "impossible parts")),
)]
pub async fn attack_outcome(
    State(imp): State<Impl>,
    ApiJson(request): ApiJson<attack::RulesRequest>,
) -> Result<Json<attack::Outcome>, ApiError> {
    check_key(request.key.as_deref())?;
    let power = games::attack::Decimal::parse(&request.numbers.power).map_err(invalid_parts)?;
    let attack = games::attack::resolve(imp, request.numbers.roll, power).map_err(invalid_parts)?;
    Ok(Json(attack::Outcome {
        result: attack::AttackResult {
            roll: request.numbers.roll,
            power: power.to_string(),
            outcome: attack.outcome.to_owned(),
            damage: attack.damage.to_string(),
        },
    }))
}

/// A character sheet: the six highest rolls handed out by the player's ranks.
#[utoipa::path(
    post,
    path = "/v1/rules/character",
    request_body = character::RulesRequest,
    responses((status = 200, body = character::Outcome), (status = 422, description = "impossible parts or ranks")),
)]
pub async fn character_sheet(
    State(imp): State<Impl>,
    ApiJson(request): ApiJson<character::RulesRequest>,
) -> Result<Json<character::Outcome>, ApiError> {
    check_key(request.key.as_deref())?;
    use games::character::{ABILITIES, sheet};
    let mut ranks = [0u8; 6];
    for (slot, ability) in ranks.iter_mut().zip(ABILITIES) {
        *slot = *request
            .ranks
            .get(ability)
            .ok_or_else(|| ApiError::invalid("invalid_parts", format!("no rank for {ability}")))?;
    }
    let decided =
        sheet(imp, &request.numbers.rolls, &request.letters.background, ranks).map_err(invalid_parts)?;
    Ok(Json(character::Outcome {
        result: character::Sheet {
            rolls: decided.rolls,
            background: decided.background.to_owned(),
            abilities: decided.abilities.iter().map(|(a, score)| ((*a).to_owned(), *score)).collect(),
        },
    }))
}
