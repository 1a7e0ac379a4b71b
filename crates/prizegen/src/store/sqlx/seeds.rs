//! Server seeds on the servers: the current one, nonce blocks (under a row lock), rotation
//! (which waits for draws holding their seed's share lock), each recorded in the audit log in
//! its own transaction.

use super::{SqlxStore, error};
use crate::store::audit::NewEntry;
use crate::store::now_ms;
use crate::store::rows::{FromRow, StoredRow};
use crate::store::seeds::{ALL_SEEDS, CURRENT_SEED, INSERT_SEED, SEED_BY_HASH, SEED_BY_ID, insert_seed_args};
use crate::store::{Rotation, SeedRecord, StoreError};
use prizegen_domain::fairness::ServerSeed;
use std::ops::Range;

impl SqlxStore {
    /// The current seed; `candidate` becomes it if there is none (first start of any replica).
    pub async fn current_seed_or_insert(&self, candidate: ServerSeed) -> Result<SeedRecord, StoreError> {
        let args = insert_seed_args(&candidate, now_ms());
        self.retrying(|| {
            self.timed(async {
                let mut tx = self.pool.begin().await.map_err(error)?;
                // The UNIQUE is_current column makes a second current seed impossible; with one
                // already there (another replica's, perhaps) this insert does nothing.
                let insert = self.dialect.insert_if_absent(INSERT_SEED, None);
                let inserted = self.query(&insert, &args).execute(&mut *tx).await.map_err(error)?;
                let row = self.query(CURRENT_SEED, &[]).fetch_one(&mut *tx).await.map_err(error)?;
                let current = SeedRecord::from_row(&row)?;
                if inserted.rows_affected() == 1 {
                    self.append(&mut tx, vec![NewEntry::seed_committed(current.hash.as_str())]).await?;
                }
                tx.commit().await.map_err(error)?;
                Ok(current)
            })
        })
        .await
    }

    /// Reserves `count` nonces of seed `seed_id` under a row lock; `None` if it is not current.
    pub async fn reserve_nonces(&self, seed_id: i64, count: u64) -> Result<Option<Range<u64>>, StoreError> {
        let count = i64::try_from(count).map_err(|_| StoreError::unexpected("nonce block too large"))?;
        self.retrying(|| {
            self.timed(async {
                let mut tx = self.pool.begin().await.map_err(error)?;
                // Leases take turns; on PostgreSQL they do not wait for draws, which hold only a
                // key-share lock on their seed (see `Dialect::lease_lock`).
                let locked = format!(
                    "SELECT next_nonce FROM server_seeds WHERE id = ? AND is_current = 1{}",
                    self.dialect.lease_lock()
                );
                let row =
                    self.query(&locked, &[seed_id.into()]).fetch_optional(&mut *tx).await.map_err(error)?;
                let Some(start) = row.map(|row| row.int("next_nonce")).transpose()? else { return Ok(None) };
                let advance = "UPDATE server_seeds SET next_nonce = next_nonce + ? WHERE id = ?";
                self.query(advance, &[count.into(), seed_id.into()])
                    .execute(&mut *tx)
                    .await
                    .map_err(error)?;
                tx.commit().await.map_err(error)?;
                Ok(Some(start as u64..(start + count) as u64))
            })
        })
        .await
    }

    /// Reveals the current seed and makes `candidate` current, once draws using it have committed.
    pub async fn rotate_seed(&self, candidate: ServerSeed) -> Result<Rotation, StoreError> {
        let now = now_ms();
        let args = insert_seed_args(&candidate, now);
        self.timed(async {
            let mut tx = self.pool.begin().await.map_err(error)?;
            // The lock waits for draws holding a (key-)share lock on the seed to commit.
            let current = "SELECT id FROM server_seeds WHERE is_current = 1 FOR UPDATE";
            let revealed_id = self.query(current, &[]).fetch_one(&mut *tx).await.map_err(error)?.int("id")?;
            let reveal = "UPDATE server_seeds SET is_current = NULL, revealed_at = ? WHERE id = ?";
            self.query(reveal, &[now.into(), revealed_id.into()]).execute(&mut *tx).await.map_err(error)?;
            self.query(INSERT_SEED, &args).execute(&mut *tx).await.map_err(error)?;
            let revealed =
                self.query(SEED_BY_ID, &[revealed_id.into()]).fetch_one(&mut *tx).await.map_err(error)?;
            // The new seed, found by its commitment: the insert's first argument.
            let current = self.query(SEED_BY_HASH, &args[..1]).fetch_one(&mut *tx).await.map_err(error)?;
            let rotation = Rotation {
                revealed: SeedRecord::from_row(&revealed)?,
                current: SeedRecord::from_row(&current)?,
            };
            let entries = vec![
                NewEntry::seed_revealed(rotation.revealed.hash.as_str(), &rotation.revealed.seed.to_hex()),
                NewEntry::seed_committed(rotation.current.hash.as_str()),
            ];
            self.append(&mut tx, entries).await?;
            tx.commit().await.map_err(error)?;
            Ok(rotation)
        })
        .await
    }

    /// All seeds, current first, then revealed ones newest first.
    pub async fn seeds(&self) -> Result<Vec<SeedRecord>, StoreError> {
        self.all(ALL_SEEDS, &[]).await
    }
}
