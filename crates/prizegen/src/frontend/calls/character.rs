//! character: letters (background) and numbers (rolls) at once, then rules with the player's
//! ranks. The name is unique among characters. No prize.

use super::{Keys, Played, encode, letters_numbers_rules};
use crate::contract::character as wire;
use crate::frontend::clients::{Dependencies, DependencyError};
use crate::server::RequestId;
use crate::store::PrizeDraw;
use prizegen_domain::fairness::Service;
use prizegen_domain::games::Game;
use prizegen_domain::games::character::{ABILITIES, CharacterInput};
use std::collections::BTreeMap;

pub async fn play(
    deps: &Dependencies,
    keys: &Keys,
    input: &CharacterInput,
    request_id: &RequestId,
) -> Result<Played, DependencyError> {
    let ranks: BTreeMap<String, u8> =
        ABILITIES.iter().zip(input.ranks).map(|(a, r)| ((*a).to_owned(), r)).collect();
    let key = Some(keys.rules.clone());
    let played = letters_numbers_rules(deps, Game::Character, keys, request_id, |letters, numbers| {
        wire::RulesRequest { key, letters, numbers, ranks }
    })
    .await?;
    let outcome: wire::Outcome = played.outcome;
    let sheet = outcome.result;
    let result = wire::CharacterResult {
        name: input.name.clone(),
        race: input.race.to_owned(),
        class: input.class.to_owned(),
        ranks: played.asked.ranks,
        rolls: sheet.rolls,
        background: sheet.background,
        abilities: sheet.abilities,
    };
    Ok(Played {
        result_json: encode(Service::Rules, &result)?,
        prize: PrizeDraw::default(),
        unique_key: None,
        global_key: Some(input.name_key()),
        by: played.by,
    })
}
