//! attack: numbers, then rules. Letters take no part. No prize.

use super::{Keys, Played, ServiceInstances, encode};
use crate::contract::{GenerateRequest, attack as wire};
use crate::frontend::clients::{Dependencies, DependencyError};
use crate::server::RequestId;
use crate::store::PrizeDraw;
use prizegen_domain::fairness::Service;

pub async fn play(
    deps: &Dependencies,
    keys: &Keys,
    request_id: &RequestId,
) -> Result<Played, DependencyError> {
    let numbers_request = GenerateRequest { key: Some(keys.numbers.clone()) };
    let numbers =
        deps.numbers.post::<_, wire::Numbers>("/v1/numbers/attack", &numbers_request, request_id).await?;
    let rules_request = wire::RulesRequest { key: Some(keys.rules.clone()), numbers: numbers.body };
    let outcome = deps.rules.post::<_, wire::Outcome>("/v1/rules/attack", &rules_request, request_id).await?;
    Ok(Played {
        result_json: encode(Service::Rules, &outcome.body.result)?,
        prize: PrizeDraw::default(),
        unique_key: None,
        global_key: None,
        by: ServiceInstances {
            letters: None,
            numbers: Some(numbers.served_by),
            rules: Some(outcome.served_by),
        },
    })
}
