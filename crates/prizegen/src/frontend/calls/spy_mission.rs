//! spy-mission: letters and numbers at once, then rules. No prize.

use super::{Keys, Played, encode, letters_and_numbers};
use crate::contract::spy_mission as wire;
use crate::frontend::clients::{Dependencies, DependencyError};
use crate::server::RequestId;
use crate::store::PrizeDraw;
use prizegen_domain::fairness::Service;
use prizegen_domain::games::Game;

pub async fn play(
    deps: &Dependencies,
    keys: &Keys,
    request_id: &RequestId,
) -> Result<Played, DependencyError> {
    let (letters, numbers) =
        letters_and_numbers::<wire::Letters, wire::Numbers>(deps, Game::SpyMission, keys, request_id).await?;
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
