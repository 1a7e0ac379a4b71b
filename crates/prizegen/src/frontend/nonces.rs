//! The current server seed and the nonces drawn under it.
//!
//! Nonces are leased from the database in blocks (one atomic `UPDATE … next_nonce + n` per
//! block), so front-end replicas sharing a database never hand out the same nonce, and a draw
//! costs no extra database round trip. Unused nonces of a block are skipped (gaps are allowed).

use crate::store::{SeedRecord, Store, StoreError};
use prizegen_domain::fairness::{SeedHash, SeedKeyer, ServerSeed};
use std::sync::{Arc, Mutex};

/// Nonces reserved per database round trip, by default.
pub const BLOCK: u64 = 1024;

/// The seed draws are made with, ready to derive keys.
pub struct ActiveSeed {
    /// Its database id.
    pub id: i64,
    /// Its public commitment.
    pub hash: SeedHash,
    /// Key derivation, keyed once with the seed.
    pub keyer: SeedKeyer,
}

impl ActiveSeed {
    fn from_record(record: &SeedRecord) -> Arc<Self> {
        Arc::new(Self { id: record.id, hash: record.hash.clone(), keyer: SeedKeyer::new(&record.seed) })
    }
}

struct Lease {
    seed: Arc<ActiveSeed>,
    next: u64,
    end: u64,
}

/// Hands out (seed, nonce) pairs, never the same pair twice across all replicas.
pub struct NonceSource {
    store: Store,
    /// The block in use; a plain mutex held only to take a number.
    lease: Mutex<Option<Lease>>,
    /// Serialises refills so that many waiting draws trigger one reservation, not many.
    refill: tokio::sync::Mutex<()>,
    /// Nonces per reservation.
    block: u64,
}

impl NonceSource {
    /// Loads the current seed, creating the first one on a new database.
    pub async fn start(store: Store, block: u64) -> Result<(Self, Arc<ActiveSeed>), StoreError> {
        let record = store.current_seed_or_insert(fresh_seed()?).await?;
        let seed = ActiveSeed::from_record(&record);
        let source =
            Self { store, lease: Mutex::new(None), refill: tokio::sync::Mutex::new(()), block: block.max(1) };
        Ok((source, seed))
    }

    /// The next unused nonce of the current seed.
    pub async fn next(&self) -> Result<(Arc<ActiveSeed>, u64), StoreError> {
        if let Some(taken) = self.take() {
            return Ok(taken);
        }
        let _refilling = self.refill.lock().await;
        if let Some(taken) = self.take() {
            return Ok(taken); // another draw refilled while this one waited
        }
        let mut seed = self.leased_seed();
        loop {
            let current = match seed.take() {
                Some(seed) => seed,
                None => ActiveSeed::from_record(&self.store.current_seed_or_insert(fresh_seed()?).await?),
            };
            if let Some(range) = self.store.reserve_nonces(current.id, self.block).await? {
                let lease = Lease { seed: current, next: range.start, end: range.end };
                *self.lease.lock().unwrap_or_else(|p| p.into_inner()) = Some(lease);
                break;
            }
            // The seed was rotated (by this or another replica): load the new one.
        }
        self.take().ok_or_else(|| StoreError::unexpected("an empty nonce block"))
    }

    /// Forgets the lease on `seed_id` after the database said that seed is no longer current.
    pub fn seed_rotated(&self, seed_id: i64) {
        let mut lease = self.lease.lock().unwrap_or_else(|p| p.into_inner());
        if lease.as_ref().is_some_and(|l| l.seed.id == seed_id) {
            *lease = None;
        }
    }

    fn take(&self) -> Option<(Arc<ActiveSeed>, u64)> {
        let mut guard = self.lease.lock().unwrap_or_else(|p| p.into_inner());
        let lease = guard.as_mut()?;
        (lease.next < lease.end).then(|| {
            lease.next += 1;
            (lease.seed.clone(), lease.next - 1)
        })
    }

    fn leased_seed(&self) -> Option<Arc<ActiveSeed>> {
        let guard = self.lease.lock().unwrap_or_else(|p| p.into_inner());
        guard.as_ref().map(|l| l.seed.clone())
    }
}

/// 32 bytes from the OS CSPRNG.
pub fn fresh_seed() -> Result<ServerSeed, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| StoreError::unexpected(format!("the OS random source failed: {e}")))?;
    Ok(ServerSeed::from_bytes(bytes))
}
