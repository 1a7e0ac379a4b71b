//! prize-pool over the contract: generate (letters and numbers at once, then rules compose the
//! sequence) and, later, claim (rules decide the prize from positions 0, 2 and 7).

use super::{Keys, encode, impl_of, letters_and_numbers, prize_draw};
use crate::contract::Instance;
use crate::contract::prize_pool as wire;
use crate::frontend::clients::{Dependencies, DependencyError};
use crate::server::RequestId;
use crate::store::PrizeDraw;
use prizegen_domain::fairness::Service;
use prizegen_domain::games::{Game, Impl, prize_pool};

/// A generated sequence and who made it.
pub struct Generated {
    /// The 20 characters.
    pub sequence: String,
    /// letters, numbers, rules.
    pub served_by: [Option<Instance>; 3],
}

/// Step 1: the sequence.
pub async fn generate(
    deps: &Dependencies,
    keys: &Keys,
    request_id: &RequestId,
) -> Result<Generated, DependencyError> {
    let (letters, numbers) =
        letters_and_numbers::<wire::Letters, wire::Numbers>(deps, Game::PrizePool, keys, request_id).await?;
    let rules_request =
        wire::ComposeRequest { key: Some(keys.rules.clone()), letters: letters.body, numbers: numbers.body };
    let composed =
        deps.rules.post::<_, wire::Composed>("/v1/rules/prize-pool", &rules_request, request_id).await?;
    prize_pool::Sequence::parse(&composed.body.sequence)
        .map_err(|e| DependencyError::Contract { service: Service::Rules, detail: e.to_string() })?;
    Ok(Generated {
        sequence: composed.body.sequence,
        served_by: [Some(letters.served_by), Some(numbers.served_by), Some(composed.served_by)],
    })
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
    let imp = impl_of(Some(&outcome.served_by)).unwrap_or(Impl::V1);
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
