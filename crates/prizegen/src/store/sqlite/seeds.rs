//! Server seeds on SQLite: the current one, nonce blocks, rotation. `UPDATE … RETURNING` does
//! in one statement what the servers do with a locked read and an update. Each seed committed and
//! revealed is recorded in the audit log in the same job.

use super::{SqliteStore, audit, execute, flatten, now_ms};
use crate::store::audit::NewEntry;
use crate::store::rows::FromRow;
use crate::store::seeds::{ALL_SEEDS, CURRENT_SEED, INSERT_SEED, SEED_BY_ID, insert_seed_args};
use crate::store::{Rotation, SeedRecord, StoreError};
use prizegen_domain::fairness::ServerSeed;
use rusqlite::{OptionalExtension, params};
use std::ops::Range;

impl SqliteStore {
    /// The current seed; `candidate` becomes it if there is none (first start).
    pub async fn current_seed_or_insert(&self, candidate: ServerSeed) -> Result<SeedRecord, StoreError> {
        let args = insert_seed_args(&candidate, now_ms());
        let outcome = self
            .threads
            .write(move |conn| {
                // The UNIQUE is_current column makes a second current seed impossible; with one
                // already there this insert does nothing.
                let inserted = execute(conn, &format!("{INSERT_SEED} ON CONFLICT DO NOTHING"), &args)?;
                let current =
                    conn.prepare_cached(CURRENT_SEED)?.query_row([], |row| SeedRecord::from_row(row))?;
                if inserted == 1 {
                    audit::append(conn, vec![NewEntry::seed_committed(current.hash.as_str())])?;
                }
                Ok(current)
            })
            .await?;
        flatten(outcome)
    }

    /// Reserves `count` nonces of seed `seed_id` with one `UPDATE … RETURNING`; `None` if not current.
    pub async fn reserve_nonces(&self, seed_id: i64, count: u64) -> Result<Option<Range<u64>>, StoreError> {
        let count = i64::try_from(count).map_err(|_| StoreError::unexpected("nonce block too large"))?;
        let outcome = self
            .threads
            .write(move |conn| {
                conn.prepare_cached(
                    "UPDATE server_seeds SET next_nonce = next_nonce + ?2
                     WHERE id = ?1 AND is_current = 1 RETURNING next_nonce",
                )?
                .query_row(params![seed_id, count], |row| row.get::<_, i64>(0))
                .optional()
            })
            .await?;
        Ok(flatten(outcome)?.map(|end| (end - count) as u64..end as u64))
    }

    /// Reveals the current seed and makes `candidate` current, in one writer job.
    pub async fn rotate_seed(&self, candidate: ServerSeed) -> Result<Rotation, StoreError> {
        let now = now_ms();
        let args = insert_seed_args(&candidate, now);
        let outcome = self
            .threads
            .write(move |conn| {
                let revealed_id: i64 = conn
                    .prepare_cached(
                        "UPDATE server_seeds SET is_current = NULL, revealed_at = ?1
                         WHERE is_current = 1 RETURNING id",
                    )?
                    .query_row([now], |row| row.get(0))?;
                execute(conn, INSERT_SEED, &args)?;
                let mut by_id = conn.prepare_cached(SEED_BY_ID)?;
                let revealed = by_id.query_row([revealed_id], |row| SeedRecord::from_row(row))?;
                let current = by_id.query_row([conn.last_insert_rowid()], |row| SeedRecord::from_row(row))?;
                audit::append(
                    conn,
                    vec![
                        NewEntry::seed_revealed(revealed.hash.as_str(), &revealed.seed.to_hex()),
                        NewEntry::seed_committed(current.hash.as_str()),
                    ],
                )?;
                Ok(Rotation { revealed, current })
            })
            .await?;
        flatten(outcome)
    }

    /// All seeds, current first, then revealed ones newest first.
    pub async fn seeds(&self) -> Result<Vec<SeedRecord>, StoreError> {
        self.all(ALL_SEEDS, vec![]).await
    }
}
