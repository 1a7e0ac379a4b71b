//! prize-pool over the contract: generate (letters and numbers at once, then rules compose the
//! sequence) and, later, claim (rules decide the prize from positions 0, 2 and 7).

use super::{Keys, ServiceInstances, encode, letters_numbers_rules, prize_draw};
use crate::contract::{Instance, prize_pool as wire};
use crate::frontend::clients::{Dependencies, DependencyError};
use crate::server::RequestId;
use crate::store::PrizeDraw;
use prizegen_domain::fairness::Service;
use prizegen_domain::games::{Game, Impl, prize_pool};

/// A generated sequence and who made it.
pub struct Generated {
    /// The 20 characters.
    pub sequence: String,
    /// Who made it.
    pub by: ServiceInstances,
}

/// Step 1: the sequence.
pub async fn generate(
    deps: &Dependencies,
    keys: &Keys,
    request_id: &RequestId,
) -> Result<Generated, DependencyError> {
    let key = Some(keys.rules.clone());
    let played = letters_numbers_rules(deps, Game::PrizePool, keys, request_id, |letters, numbers| {
        wire::ComposeRequest { key, letters, numbers }
    })
    .await?;
    let composed: wire::Composed = played.outcome;
    prize_pool::Sequence::parse(&composed.sequence)
        .map_err(|e| DependencyError::Contract { service: Service::Rules, detail: e.to_string() })?;
    Ok(Generated { sequence: composed.sequence, by: played.by })
}

/// What the rules decide for a claim.
pub struct Decided {
    /// The claim's result fields, JSON.
    pub result_json: String,
    /// The prize drawn and its fallbacks.
    pub prize: PrizeDraw,
    /// The rules instance that decided.
    pub rules_by: Instance,
}

/// Step 2's decision (the claim itself is the store's atomic update).
pub async fn decide(
    deps: &Dependencies,
    sequence: &str,
    request_id: &RequestId,
) -> Result<Decided, DependencyError> {
    let request = wire::ClaimRequest { sequence: sequence.to_owned() };
    let outcome =
        deps.rules.post::<_, wire::ClaimOutcome>("/v1/rules/prize-pool/claim", &request, request_id).await?;
    let imp = outcome.served_by.generator_impl().unwrap_or(Impl::V1);
    Ok(Decided {
        result_json: encode(Service::Rules, &outcome.body.result)?,
        prize: prize_draw(
            outcome.body.prize.map(Into::into),
            &prize_pool::ladder(imp),
            prize_pool::no_prize(imp),
        ),
        rules_by: outcome.served_by,
    })
}
