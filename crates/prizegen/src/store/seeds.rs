//! Server seeds: the secret behind every draw's fairness, one current at a time.

use super::rows::{Arg, FromRow, StoredRow};
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

/// Every seed column, in the order and under the names the drivers read.
macro_rules! select_seeds {
    () => {
        "SELECT id, server_seed, seed_hash, created_at, revealed_at FROM server_seeds"
    };
}

/// The current seed.
pub(super) const CURRENT_SEED: &str = concat!(select_seeds!(), " WHERE is_current = 1");
/// A seed by id.
pub(super) const SEED_BY_ID: &str = concat!(select_seeds!(), " WHERE id = ?");
/// A seed by its commitment: how the servers find a seed they just inserted, portably.
pub(super) const SEED_BY_HASH: &str = concat!(select_seeds!(), " WHERE seed_hash = ?");
/// All seeds, current first, then revealed ones newest first.
pub(super) const ALL_SEEDS: &str = concat!(select_seeds!(), " ORDER BY is_current IS NULL, id DESC");

/// A new current seed; the UNIQUE `is_current` refuses it while another is current. Arguments:
/// [`insert_seed_args`].
pub(super) const INSERT_SEED: &str =
    "INSERT INTO server_seeds (seed_hash, server_seed, is_current, created_at) VALUES (?, ?, 1, ?)";

/// [`INSERT_SEED`]'s arguments: `candidate`, current from `now`.
pub(super) fn insert_seed_args(candidate: &ServerSeed, now: i64) -> [Arg<'static>; 3] {
    [candidate.commitment().to_string().into(), candidate.to_hex().into(), now.into()]
}

impl FromRow for SeedRecord {
    /// Reads a row of the seed SELECTs above.
    fn from_row<R: StoredRow>(row: &R) -> Result<Self, R::Error> {
        let seed = ServerSeed::from_hex(&row.text("server_seed")?)
            .map_err(|_| row.malformed("server_seed", "malformed seed".into()))?;
        let hash = SeedHash::parse(&row.text("seed_hash")?)
            .ok_or_else(|| row.malformed("seed_hash", "malformed seed hash".into()))?;
        Ok(Self {
            id: row.int("id")?,
            seed,
            hash,
            created_at_ms: row.int("created_at")?,
            revealed_at_ms: row.maybe_int("revealed_at")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::rows::fake::FakeRow;

    #[test]
    fn a_seed_goes_in_and_comes_out_by_the_same_columns() {
        let seed = ServerSeed::from_bytes([7; 32]);
        let args = insert_seed_args(&seed, 11);
        assert_eq!(args.len(), INSERT_SEED.matches('?').count());
        assert_eq!(args, [seed.commitment().to_string().into(), seed.to_hex().into(), Arg::Int(Some(11))]);
        let text = format!(
            "id 3 | server_seed {} | seed_hash {} | created_at 11 | revealed_at NULL",
            seed.to_hex(),
            seed.commitment()
        );
        let row = FakeRow::parse(&text);
        let stored = SeedRecord::from_row(&row).unwrap();
        assert_eq!(
            (stored.id, stored.seed.to_hex(), stored.hash.to_string()),
            (3, seed.to_hex(), seed.commitment().to_string())
        );
        assert_eq!((stored.created_at_ms, stored.revealed_at_ms), (11, None));
        row.assert_selected(SEED_BY_ID);
        let broken = FakeRow::parse("id 3 | server_seed zz | seed_hash h | created_at 1 | revealed_at NULL");
        assert!(SeedRecord::from_row(&broken).unwrap_err().starts_with("server_seed:"));
    }
}
