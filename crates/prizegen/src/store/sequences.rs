//! prize-pool sequences: stored when generated, claimed at most once.

use super::{PrizeDraw, ServedBy, StoredDraw};
use crate::contract::Instance;

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
