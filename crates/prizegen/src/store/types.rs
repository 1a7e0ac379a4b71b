//! What goes in and out of the store, independent of the backend.

use prizegen_domain::fairness::{SeedHash, ServerSeed};
use prizegen_domain::games::Game;
use serde::{Deserialize, Serialize};

/// A stored server seed.
#[derive(Clone, Debug)]
pub struct SeedRecord {
    /// Database id, referenced by draws.
    pub id: i64,
    /// The secret (until revealed).
    pub seed: ServerSeed,
    /// Its commitment.
    pub hash: SeedHash,
    /// When it became current, Unix milliseconds.
    pub created_at_ms: i64,
    /// When it was revealed, if it has been.
    pub revealed_at_ms: Option<i64>,
}

/// The seeds on either side of a rotation.
#[derive(Clone, Debug)]
pub struct Rotation {
    /// The seed that was current and is now public.
    pub revealed: SeedRecord,
    /// The new current seed.
    pub current: SeedRecord,
}

/// A campaign as the draw path needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Campaign {
    /// Lowercase letters, digits and dashes.
    pub slug: String,
    /// The act.
    pub name: String,
    /// Where.
    pub venue: String,
    /// YYYY-MM-DD.
    pub date: String,
    /// The game it draws (its slug).
    pub game: String,
    /// The most it may award, if limited.
    pub budget_pence: Option<u64>,
    /// What it has awarded.
    pub spent_pence: u64,
    /// Whether it takes draws.
    pub active: bool,
}

/// Which instance served each part of a draw: `<impl>@<instance>` for each service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ServedBy {
    /// The front end's version and instance.
    pub frontend: String,
    /// The letters service's implementation and instance.
    pub letters: String,
    /// The numbers service's implementation and instance.
    pub numbers: String,
    /// The rules service's implementation and instance.
    pub rules: String,
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
    /// What it won.
    pub prize: Option<prizegen_domain::money::Prize>,
    /// Who served it.
    pub served_by: ServedBy,
    /// Unique within the campaign (the account number), if the game has one.
    pub unique_key: Option<String>,
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
    /// Stored and committed.
    Inserted,
    /// The unique key (account number) is taken in this campaign: draw again.
    UniqueKeyTaken,
    /// Another request with this idempotency key was stored first.
    IdempotencyKeyTaken,
    /// The seed was rotated since the nonce was reserved: draw again with the new seed.
    SeedNotCurrent,
    /// The campaign does not exist, is inactive, or is for another game.
    CampaignUnavailable,
}

/// A stored draw, with its seed's public parts.
#[derive(Clone, Debug)]
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
    pub prize: Option<prizegen_domain::money::Prize>,
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

/// A store call that could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or is too slow: a 503 naming the database.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The database answered something the code did not expect: a bug, a 500.
    #[error("unexpected database error: {0}")]
    Unexpected(String),
}
