//! spy-mission: letters and numbers at once, then rules. No prize.

use super::{Keys, Played, encode};
use crate::contract::{GenerateRequest, spy_mission as wire};
use crate::frontend::clients::{Dependencies, DependencyError};
use crate::server::RequestId;
use crate::store::PrizeDraw;
use prizegen_domain::fairness::Service;

pub async fn play(
    deps: &Dependencies,
    keys: &Keys,
    request_id: &RequestId,
) -> Result<Played, DependencyError> {
    let letters_request = GenerateRequest { key: Some(keys.letters.clone()) };
    let numbers_request = GenerateRequest { key: Some(keys.numbers.clone()) };
    let (letters, numbers) = tokio::try_join!(
        deps.letters.post::<_, wire::Letters>("/v1/letters/spy-mission", &letters_request, request_id),
        deps.numbers.post::<_, wire::Numbers>("/v1/numbers/spy-mission", &numbers_request, request_id),
    )?;
    let rules_request =
        wire::RulesRequest { key: Some(keys.rules.clone()), letters: letters.body, numbers: numbers.body };
    let outcome =
        deps.rules.post::<_, wire::Outcome>("/v1/rules/spy-mission", &rules_request, request_id).await?;
    Ok(Played {
        result_json: encode(Service::Rules, &outcome.body.result)?,
        prize: PrizeDraw::default(),
        unique_key: None,
        global_key: None,
        served_by: [Some(letters.served_by), Some(numbers.served_by), Some(outcome.served_by)],
    })
}
