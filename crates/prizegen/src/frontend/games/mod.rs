//! How the front end plays each game over the internal contract: which services it calls, in
//! what order, and what of their answers it stores.

mod account_prize;

use super::clients::{Dependencies, DependencyError};
use crate::server::RequestId;
use prizegen_domain::fairness::{ClientSeed, SeedKeyer, Service};
use prizegen_domain::games::Game;
use prizegen_domain::money::Prize;

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

/// What the services decided for one draw.
pub struct Played {
    /// The game's result fields, JSON.
    pub result_json: String,
    /// The prize, if any.
    pub prize: Option<Prize>,
    /// Unique within a campaign (the account number), if the game has such a thing.
    pub unique_key: Option<String>,
    /// `<impl>@<instance>` of letters, numbers and rules.
    pub served_by: [String; 3],
}

/// Plays `game` once with `keys`.
pub async fn play(
    game: Game,
    deps: &Dependencies,
    keys: &Keys,
    request_id: &RequestId,
) -> Result<Played, DependencyError> {
    match game {
        Game::AccountPrize => account_prize::play(deps, keys, request_id).await,
    }
}
