//! Draws: what is stored for each one, how it is found again, and what can happen to an insert.

use super::{Award, PrizeDraw};
use crate::contract::Instance;
use prizegen_domain::games::Game;
use prizegen_domain::money::Prize;
use serde::{Deserialize, Serialize};

/// Which instance served each part of a draw: `<impl>@<instance>` for each service, null for
/// a service the game does not use (letters, for attack).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ServedBy {
    /// The front end's version and instance.
    pub frontend: Instance,
    /// The letters service's implementation and instance.
    pub letters: Option<Instance>,
    /// The numbers service's implementation and instance.
    pub numbers: Option<Instance>,
    /// The rules service's implementation and instance.
    pub rules: Option<Instance>,
}

/// A draw about to be stored.
#[derive(Clone, Debug)]
pub struct NewDraw {
    /// A time-ordered UUID (v7), so ids sort newest-last.
    pub id: String,
    /// Which game.
    pub game: Game,
    /// The campaign's slug; the insert fails unless it exists, is active and is for `game`.
    pub campaign: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// The seed used; the insert fails unless it is still current.
    pub seed_id: i64,
    /// The nonce used.
    pub nonce: u64,
    /// The player's client seed.
    pub client_seed: String,
    /// The game's result fields, as JSON.
    pub result_json: String,
    /// What it drew, and the lower prizes the budget may force instead.
    pub prize: PrizeDraw,
    /// Who served it.
    pub served_by: ServedBy,
    /// Unique within the campaign (the account number), if the game has one.
    pub unique_key: Option<String>,
    /// Unique within the game (a character's name), if the game has one.
    pub global_key: Option<String>,
    /// The client's `Idempotency-Key` and a hash of its request.
    pub idempotency: Option<Idempotency>,
    /// Nonces drawn before this one whose outcome collided with an existing draw.
    pub collided_nonces: Vec<u64>,
}

/// An `Idempotency-Key` and the request it was first used with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Idempotency {
    /// The key as sent.
    pub key: String,
    /// SHA-256 of the canonical request, to refuse the key's reuse for another request.
    pub request_hash: String,
}

/// What happened to an insert.
#[derive(Debug, PartialEq, Eq)]
pub enum InsertOutcome {
    /// Stored and committed, with what it was awarded.
    Inserted(Award),
    /// The unique key (account number, sequence) is taken: draw again.
    UniqueKeyTaken,
    /// The global key (a character's name) is taken: the player must choose another.
    GlobalKeyTaken,
    /// Another request with this idempotency key was stored first.
    IdempotencyKeyTaken,
    /// The seed was rotated since the nonce was reserved: draw again with the new seed.
    SeedNotCurrent,
    /// The campaign does not exist, is inactive, or is for another game.
    CampaignUnavailable,
}

/// A stored draw, with its seed's public parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDraw {
    /// Its id.
    pub id: String,
    /// The game's slug.
    pub game: String,
    /// The campaign's slug.
    pub campaign: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// The seed's commitment.
    pub seed_hash: String,
    /// The seed, once revealed.
    pub server_seed: Option<String>,
    /// The client seed.
    pub client_seed: String,
    /// The nonce.
    pub nonce: u64,
    /// Result fields, JSON.
    pub result_json: String,
    /// What it won.
    pub prize: Option<Prize>,
    /// What the rules drew, when the campaign's budget forced a lower prize.
    pub downgraded_from: Option<Prize>,
    /// Who served it.
    pub served_by: ServedBy,
    /// Nonces skipped because their outcome collided.
    pub collided_nonces: Vec<u64>,
    /// Hash of the request, when made with an idempotency key.
    pub request_hash: Option<String>,
}

/// Which draws to list.
#[derive(Clone, Debug, Default)]
pub struct DrawFilter {
    /// Only this game.
    pub game: Option<Game>,
    /// Only this campaign (slug).
    pub campaign: Option<String>,
    /// At most this many.
    pub limit: u32,
}
