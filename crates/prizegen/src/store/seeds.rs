//! Server seeds: the secret behind every draw's fairness, one current at a time.

use prizegen_domain::fairness::{SeedHash, ServerSeed};

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
