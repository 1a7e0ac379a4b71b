//! account-prize: letters and numbers at once, then rules.

use super::{Keys, Played, encode, impl_of, letters_and_numbers, prize_draw};
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
    let (letters, numbers) =
        letters_and_numbers::<wire::Letters, wire::Numbers>(deps, Game::AccountPrize, keys, request_id)
            .await?;
    let rules_request =
        wire::RulesRequest { key: Some(keys.rules.clone()), letters: letters.body, numbers: numbers.body };
    let expected = format!("{}{}", rules_request.letters.letters, rules_request.numbers.digits);
    let outcome =
        deps.rules.post::<_, wire::Outcome>("/v1/rules/account-prize", &rules_request, request_id).await?;
    let account_number = outcome.body.result.account_number.clone();
    if account_number != expected {
        return Err(DependencyError::Contract {
            service: Service::Rules,
            detail: format!("account number {account_number:?} is not letters then digits ({expected:?})"),
        });
    }
    let ladder = account_prize::ladder(impl_of(Some(&outcome.served_by)).unwrap_or(Impl::V1));
    Ok(Played {
        result_json: encode(Service::Rules, &outcome.body.result)?,
        prize: prize_draw(outcome.body.prize.map(Into::into), &ladder, None),
        unique_key: Some(account_number),
        global_key: None,
        served_by: [Some(letters.served_by), Some(numbers.served_by), Some(outcome.served_by)],
    })
}
