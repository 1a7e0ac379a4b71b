//! What goes in and out of the store, independent of the backend.

use crate::contract::Instance;
use prizegen_domain::fairness::{SeedHash, ServerSeed};
use prizegen_domain::games::Game;
use prizegen_domain::money::Prize;
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

/// A campaign (the gig planner's record).
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

impl Campaign {
    /// What is left to award, if the budget is limited.
    pub fn stock_left(&self) -> Option<u64> {
        self.budget_pence.map(|budget| budget.saturating_sub(self.spent_pence))
    }
}

/// What the operator may set on a campaign (`spent_pence` is the store's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CampaignFields {
    /// Lowercase letters, digits and dashes; fixed once created.
    pub slug: String,
    /// The act, 2–60 characters.
    pub name: String,
    /// Where, 2–100 characters.
    pub venue: String,
    /// YYYY-MM-DD.
    pub date: String,
    /// The game's slug.
    pub game: String,
    /// The most it may award.
    pub budget_pence: Option<u64>,
    /// Whether it takes draws.
    pub active: bool,
}

/// The outcome of a campaign write.
#[derive(Debug, PartialEq, Eq)]
pub enum CampaignWrite {
    /// Stored; the campaign as it is now.
    Done(Campaign),
    /// Deleted.
    Deleted,
    /// No campaign with that slug.
    NotFound,
    /// Another campaign has the slug.
    SlugTaken,
    /// The new budget is below what was already awarded.
    BudgetBelowSpent {
        /// What was already awarded.
        spent_pence: u64,
    },
    /// It has draws, so its game cannot change and it cannot be deleted.
    HasDraws,
}

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

/// A prize as drawn, with what to fall back to when the campaign's budget cannot pay it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrizeDraw {
    /// What the rules drew; `None` or a zero amount costs nothing.
    pub drawn: Option<Prize>,
    /// The game's lower cash prizes, largest first: the largest that fits is awarded instead.
    pub lower: Vec<Prize>,
    /// What "no prize" is in this game and version (`X` in prize-pool v2, else nothing).
    pub none: Option<Prize>,
}

/// What a draw was awarded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Award {
    /// The prize paid.
    pub prize: Option<Prize>,
    /// What the rules drew, when the budget forced a lower prize.
    pub downgraded_from: Option<Prize>,
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

/// What went wrong underneath a [`StoreError`]: the driver's error (or a sentence), kept as the
/// error's `source()` so the log shows the whole chain.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A store call that could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or is too slow: a 503 naming the database.
    #[error("the database is unavailable")]
    Unavailable(#[source] Cause),
    /// The database rolled the transaction back to break a deadlock or a serialization
    /// conflict: transient, so the transaction is retried; if it keeps happening, a 503.
    #[error("the database broke a deadlock or conflict")]
    Contended(#[source] Cause),
    /// The database answered something the code did not expect: a bug, a 500.
    #[error("unexpected database error")]
    Unexpected(#[source] Cause),
}

impl StoreError {
    /// The database is unavailable, because of `cause`.
    pub fn unavailable(cause: impl Into<Cause>) -> Self {
        Self::Unavailable(cause.into())
    }

    /// Something the code did not expect, because of `cause`.
    pub fn unexpected(cause: impl Into<Cause>) -> Self {
        Self::Unexpected(cause.into())
    }
}

/// A prize-pool sequence about to be stored.
#[derive(Clone, Debug)]
pub struct NewSequence {
    /// The 20 characters; unique.
    pub sequence: String,
    /// The campaign's slug; must be active and for prize-pool.
    pub campaign: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// The seed used; must still be current.
    pub seed_id: i64,
    /// The nonce used.
    pub nonce: u64,
    /// The player's client seed.
    pub client_seed: String,
    /// Who generated it (the front end, letters, numbers, rules).
    pub served_by: ServedBy,
}

/// A stored sequence.
#[derive(Clone, Debug)]
pub struct StoredSequence {
    /// The 20 characters.
    pub sequence: String,
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
    /// Who generated it.
    pub served_by: ServedBy,
    /// The claim's draw, once claimed.
    pub draw_id: Option<String>,
}

/// A claim about to be stored: the draw it makes, with the generation's fairness.
#[derive(Clone, Debug)]
pub struct NewClaim {
    /// The sequence claimed.
    pub sequence: String,
    /// The claim draw's id.
    pub draw_id: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// The result fields, JSON.
    pub result_json: String,
    /// What the rules drew and its fallbacks.
    pub prize: PrizeDraw,
    /// The front end and rules instance of the claim (letters and numbers come from the
    /// generation).
    pub frontend: Instance,
    /// The rules instance that decided the prize.
    pub rules: Option<Instance>,
}

/// What happened to a claim.
#[derive(Debug, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// Claimed now; the draw it made.
    Claimed(Box<StoredDraw>),
    /// Claimed before: "already submitted".
    AlreadyClaimed,
    /// No such sequence.
    Unknown,
}

/// What happened to a sequence insert.
#[derive(Debug, PartialEq, Eq)]
pub enum SequenceOutcome {
    /// Stored and committed.
    Inserted,
    /// The same sequence exists: draw again.
    Taken,
    /// The seed was rotated meanwhile.
    SeedNotCurrent,
    /// The campaign does not exist, is inactive, or is not a prize-pool campaign.
    CampaignUnavailable,
}
