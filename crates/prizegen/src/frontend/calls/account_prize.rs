//! account-prize: letters and numbers at once, then rules.

use super::{Keys, Played, encode, letters_numbers_rules, prize_draw};
use crate::contract::account_prize as wire;
use crate::frontend::clients::{Dependencies, DependencyError};
use crate::server::RequestId;
use prizegen_domain::fairness::Service;
use prizegen_domain::games::{Game, Impl, account_prize};

pub async fn play(
    deps: &Dependencies,
    keys: &Keys,
    request_id: &RequestId,
) -> Result<Played, DependencyError> {
    let key = Some(keys.rules.clone());
    let played = letters_numbers_rules(deps, Game::AccountPrize, keys, request_id, |letters, numbers| {
        wire::RulesRequest { key, letters, numbers }
    })
    .await?;
    let outcome: wire::Outcome = played.outcome;
    let expected = format!("{}{}", played.asked.letters.letters, played.asked.numbers.digits);
    let account_number = outcome.result.account_number.clone();
    if account_number != expected {
        return Err(DependencyError::Contract {
            service: Service::Rules,
            detail: format!("account number {account_number:?} is not letters then digits ({expected:?})"),
        });
    }
    let rules_impl = played.by.rules.as_ref().and_then(|r| r.generator_impl()).unwrap_or(Impl::V1);
    Ok(Played {
        result_json: encode(Service::Rules, &outcome.result)?,
        prize: prize_draw(outcome.prize.map(Into::into), &account_prize::ladder(rules_impl), None),
        unique_key: Some(account_number),
        global_key: None,
        by: played.by,
    })
}
