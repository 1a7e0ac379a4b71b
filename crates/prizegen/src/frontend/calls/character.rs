//! character: letters (background) and numbers (rolls) at once, then rules with the player's
//! ranks. The name is unique among characters. No prize.

use super::{Keys, Played, encode, letters_and_numbers};
use crate::contract::character as wire;
use crate::frontend::clients::{Dependencies, DependencyError};
use crate::server::RequestId;
use crate::store::PrizeDraw;
use prizegen_domain::fairness::Service;
use prizegen_domain::games::Game;
use prizegen_domain::games::character::{ABILITIES, CharacterInput};
use serde::Serialize;
use std::collections::BTreeMap;

/// A character's stored result: the player's choices and the sheet.
#[derive(Serialize)]
struct CharacterResult<'a> {
    name: &'a str,
    race: &'a str,
    class: &'a str,
    ranks: &'a BTreeMap<String, u8>,
    rolls: &'a [u32],
    background: &'a str,
    abilities: &'a BTreeMap<String, u32>,
}

pub async fn play(
    deps: &Dependencies,
    keys: &Keys,
    input: &CharacterInput,
    request_id: &RequestId,
) -> Result<Played, DependencyError> {
    let (letters, numbers) =
        letters_and_numbers::<wire::Letters, wire::Numbers>(deps, Game::Character, keys, request_id).await?;
    let ranks: BTreeMap<String, u8> =
        ABILITIES.iter().zip(input.ranks).map(|(a, r)| ((*a).to_owned(), r)).collect();
    let rules_request = wire::RulesRequest {
        key: Some(keys.rules.clone()),
        letters: letters.body,
        numbers: numbers.body,
        ranks: ranks.clone(),
    };
    let outcome =
        deps.rules.post::<_, wire::Outcome>("/v1/rules/character", &rules_request, request_id).await?;
    let sheet = &outcome.body.result;
    let result = CharacterResult {
        name: &input.name,
        race: input.race,
        class: input.class,
        ranks: &ranks,
        rolls: &sheet.rolls,
        background: &sheet.background,
        abilities: &sheet.abilities,
    };
    Ok(Played {
        result_json: encode(Service::Rules, &result)?,
        prize: PrizeDraw::default(),
        unique_key: None,
        global_key: Some(input.name_key()),
        served_by: [Some(letters.served_by), Some(numbers.served_by), Some(outcome.served_by)],
    })
}
