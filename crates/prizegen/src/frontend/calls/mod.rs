//! How the front end plays each game over the internal contract: which services it calls, in
//! what order, what of their answers it stores, and the prize ladder a budget may fall back on.
//! One file per game; what they share is here.

mod account_prize;
mod attack;
mod character;
pub mod prize_pool;
mod spy_mission;

use super::clients::{Dependencies, DependencyError};
use crate::contract::{GenerateRequest, Instance};
use crate::server::RequestId;
use crate::store::{PrizeDraw, ServedBy};
use prizegen_domain::fairness::{ClientSeed, SeedKeyer, Service};
use prizegen_domain::games::character::CharacterInput;
use prizegen_domain::games::{FieldError, Game};
use prizegen_domain::money::{Pence, Prize};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use std::collections::BTreeMap;

/// The three service keys of one draw, in wire form.
pub struct Keys {
    /// For letters.
    pub letters: String,
    /// For numbers.
    pub numbers: String,
    /// For rules.
    pub rules: String,
}

impl Keys {
    /// Derives the keys of (seed, client seed, nonce).
    pub fn derive(keyer: &SeedKeyer, client_seed: &ClientSeed, nonce: u64) -> Self {
        let key = |service| keyer.key(client_seed, nonce, service).to_hex();
        Self { letters: key(Service::Letters), numbers: key(Service::Numbers), rules: key(Service::Rules) }
    }
}

/// A game's input from the player, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GameInput {
    /// The game takes none.
    None,
    /// A character's name, race, class and ranks.
    Character(CharacterInput),
}

/// Checks a draw's JSON `input` for `game`; every problem names its field.
pub fn parse_input(game: Game, input: Option<&Value>) -> Result<GameInput, Vec<FieldError>> {
    let field = |field: &str, message: String| vec![FieldError::new(field, message)];
    let input = input.filter(|v| !v.is_null());
    match (game, input) {
        (Game::Character, None) => {
            Err(field("input", "a character needs input: name, race, class and ranks".to_owned()))
        }
        (Game::Character, Some(Value::Object(input))) => {
            let known = ["name", "race", "class", "ranks"];
            if let Some(unknown) = input.keys().find(|k| !known.contains(&k.as_str())) {
                let message = "a character's input is name, race, class and ranks".to_owned();
                return Err(field(&format!("input.{unknown}"), message));
            }
            let text = |name: &str| input.get(name).and_then(Value::as_str).unwrap_or_default();
            let Some(Value::Object(given)) = input.get("ranks") else {
                return Err(field(
                    "ranks",
                    "ranks is an object: {\"strength\": 1, …} with 1–6 each".to_owned(),
                ));
            };
            // A rank that is not a whole number is reported as out of range by the domain check;
            // `2.0` is the integer 2, as JSON Schema counts it.
            let whole = |rank: &Value| {
                rank.as_i64()
                    .or_else(|| rank.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 1e9).map(|f| f as i64))
            };
            let ranks: BTreeMap<String, i64> =
                given.iter().map(|(ability, rank)| (ability.clone(), whole(rank).unwrap_or(0))).collect();
            CharacterInput::parse(text("name"), text("race"), text("class"), &ranks).map(GameInput::Character)
        }
        (Game::Character, Some(_)) => Err(field("input", "input is an object".to_owned())),
        (_, None) => Ok(GameInput::None),
        (game, Some(_)) => Err(field("input", format!("{game} takes no input"))),
    }
}

/// The instances of services 2–4 that played a draw; `None` for a service the game does not
/// call (letters, for attack).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceInstances {
    /// Service 2.
    pub letters: Option<Instance>,
    /// Service 3.
    pub numbers: Option<Instance>,
    /// Service 4.
    pub rules: Option<Instance>,
}

impl ServiceInstances {
    /// The four instances of a draw, with the front end that made it.
    pub fn with_frontend(self, frontend: Instance) -> ServedBy {
        ServedBy { frontend, letters: self.letters, numbers: self.numbers, rules: self.rules }
    }
}

/// What the services decided for one draw.
pub struct Played {
    /// The game's result fields, JSON.
    pub result_json: String,
    /// The prize drawn and what a budget may fall back to.
    pub prize: PrizeDraw,
    /// Unique within a campaign (the account number), if the game has such a thing.
    pub unique_key: Option<String>,
    /// Unique within the game (a character's name), if the game has such a thing.
    pub global_key: Option<String>,
    /// Who played it.
    pub by: ServiceInstances,
}

/// Plays `game` once with `keys`. prize-pool is played in two steps by [`prize_pool`].
pub async fn play(
    game: Game,
    input: &GameInput,
    deps: &Dependencies,
    keys: &Keys,
    request_id: &RequestId,
) -> Result<Played, DependencyError> {
    match (game, input) {
        (Game::AccountPrize, _) => account_prize::play(deps, keys, request_id).await,
        (Game::SpyMission, _) => spy_mission::play(deps, keys, request_id).await,
        (Game::Attack, _) => attack::play(deps, keys, request_id).await,
        (Game::Character, GameInput::Character(input)) => {
            character::play(deps, keys, input, request_id).await
        }
        (Game::Character, GameInput::None) | (Game::PrizePool, _) => Err(DependencyError::Contract {
            service: Service::Rules,
            detail: format!("{game} cannot be played in one step with this input"),
        }),
    }
}

/// A drawn prize with the lower cash prizes of `ladder` a budget may fall back to.
pub fn prize_draw(drawn: Option<Prize>, ladder: &[Pence], none: Option<Prize>) -> PrizeDraw {
    let lower = match &drawn {
        Some(drawn) => {
            ladder.iter().filter(|a| **a < drawn.amount_pence && a.0 > 0).map(|a| Prize::cash(*a)).collect()
        }
        None => Vec::new(),
    };
    PrizeDraw { drawn, lower, none }
}

/// What letters, numbers and then rules answered for one draw.
struct ThreeSteps<R, O> {
    /// What the rules were asked (the generators' answers, passed on).
    asked: R,
    /// The rules' answer.
    outcome: O,
    /// Who answered.
    by: ServiceInstances,
}

/// Calls letters and numbers for `game` at the same time, each with its own key, then rules at
/// `/v1/rules/<game>` with the request `rules_request` makes of their answers.
async fn letters_numbers_rules<L, N, R, O>(
    deps: &Dependencies,
    game: Game,
    keys: &Keys,
    request_id: &RequestId,
    rules_request: impl FnOnce(L, N) -> R,
) -> Result<ThreeSteps<R, O>, DependencyError>
where
    L: DeserializeOwned,
    N: DeserializeOwned,
    R: Serialize,
    O: DeserializeOwned,
{
    let letters_request = GenerateRequest { key: Some(keys.letters.clone()) };
    let numbers_request = GenerateRequest { key: Some(keys.numbers.clone()) };
    let (letters_path, numbers_path) = (format!("/v1/letters/{game}"), format!("/v1/numbers/{game}"));
    let (letters, numbers) = tokio::try_join!(
        deps.letters.post::<_, L>(&letters_path, &letters_request, request_id),
        deps.numbers.post::<_, N>(&numbers_path, &numbers_request, request_id),
    )?;
    let request = rules_request(letters.body, numbers.body);
    let outcome = deps.rules.post::<_, O>(&format!("/v1/rules/{game}"), &request, request_id).await?;
    let by = ServiceInstances {
        letters: Some(letters.served_by),
        numbers: Some(numbers.served_by),
        rules: Some(outcome.served_by),
    };
    Ok(ThreeSteps { asked: request, outcome: outcome.body, by })
}

/// Wraps a JSON encoding failure of a service's answer.
fn encode(service: Service, value: &impl Serialize) -> Result<String, DependencyError> {
    serde_json::to_string(value).map_err(|e| DependencyError::Contract { service, detail: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lower_prizes_are_the_ladder_below_the_drawn_one() {
        let ladder = [Pence(10_000), Pence(5_000), Pence(1_000)];
        let draw = prize_draw(Some(Prize::cash(Pence(5_000))), &ladder, None);
        assert_eq!(draw.lower, vec![Prize::cash(Pence(1_000))]);
        assert!(prize_draw(None, &ladder, None).lower.is_empty());
    }

    #[test]
    fn input_is_checked_per_game() {
        assert_eq!(parse_input(Game::Attack, None), Ok(GameInput::None));
        assert_eq!(parse_input(Game::Attack, Some(&Value::Null)), Ok(GameInput::None));
        let refused = parse_input(Game::Attack, Some(&json!({"x": 1}))).unwrap_err();
        assert_eq!(refused[0].field, "input");
        assert_eq!(parse_input(Game::Character, None).unwrap_err()[0].field, "input");
        let ranks = json!({"strength": 1, "dexterity": 2, "constitution": 3, "intelligence": 4, "wisdom": 5, "charisma": 6});
        let ok = parse_input(
            Game::Character,
            Some(&json!({"name": "Aria", "race": "Elf", "class": "Rogue", "ranks": ranks})),
        );
        assert!(matches!(ok, Ok(GameInput::Character(_))));
        let bad = json!({"name": "Aria", "race": "Elf", "class": "Rogue", "ranks": {"strength": "one"}});
        let fields: Vec<String> =
            parse_input(Game::Character, Some(&bad)).unwrap_err().into_iter().map(|e| e.field).collect();
        assert!(
            fields.contains(&"ranks.strength".to_owned()) && fields.contains(&"ranks.wisdom".to_owned()),
            "{fields:?}"
        );
        let extra = json!({"name": "Aria", "race": "Elf", "class": "Rogue", "ranks": ranks, "level": 3});
        assert_eq!(parse_input(Game::Character, Some(&extra)).unwrap_err()[0].field, "input.level");
        let whole = json!({"strength": 1.0, "dexterity": 2, "constitution": 3, "intelligence": 4, "wisdom": 5, "charisma": 6});
        let input = json!({"name": "Aria", "race": "Elf", "class": "Rogue", "ranks": whole});
        assert!(parse_input(Game::Character, Some(&input)).is_ok(), "1.0 is the integer 1");
    }
}
