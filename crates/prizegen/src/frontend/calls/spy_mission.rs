//! spy-mission: letters and numbers at once, then rules. No prize.

use super::{Keys, Played, encode, letters_numbers_rules};
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
    let key = Some(keys.rules.clone());
    let played = letters_numbers_rules(deps, Game::SpyMission, keys, request_id, |letters, numbers| {
        wire::RulesRequest { key, letters, numbers }
    })
    .await?;
    let outcome: wire::Outcome = played.outcome;
    Ok(Played {
        result_json: encode(Service::Rules, &outcome.result)?,
        prize: PrizeDraw::default(),
        unique_key: None,
        global_key: None,
        by: played.by,
    })
}
