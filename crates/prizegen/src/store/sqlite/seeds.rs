//! Server seeds: the current one, nonce blocks, rotation.

use super::rows::seed_row;
use super::{SqliteStore, flatten, now_ms};
use crate::store::queries::SEED_COLUMNS;
use crate::store::{Rotation, SeedRecord, StoreError};
use prizegen_domain::fairness::ServerSeed;
use rusqlite::{OptionalExtension, params};
use std::ops::Range;

impl SqliteStore {
    pub async fn current_seed_or_insert(&self, candidate: ServerSeed) -> Result<SeedRecord, StoreError> {
        let now = now_ms();
        let hash = candidate.commitment().to_string();
        let hex = candidate.to_hex();
        let outcome = self
            .threads
            .write(move |conn| {
                // The UNIQUE is_current column makes a second current seed impossible; with one
                // already there this insert does nothing.
                conn.prepare_cached(
                    "INSERT INTO server_seeds (seed_hash, server_seed, is_current, created_at)
                     VALUES (?1, ?2, 1, ?3) ON CONFLICT DO NOTHING",
                )?
                .execute(params![hash, hex, now])?;
                conn.prepare_cached(&format!("{SEED_COLUMNS} WHERE is_current = 1"))?.query_row([], seed_row)
            })
            .await?;
        flatten(outcome)
    }

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

    pub async fn rotate_seed(&self, candidate: ServerSeed) -> Result<Rotation, StoreError> {
        let now = now_ms();
        let hash = candidate.commitment().to_string();
        let hex = candidate.to_hex();
        let outcome = self
            .threads
            .write(move |conn| {
                let revealed_id: i64 = conn
                    .prepare_cached(
                        "UPDATE server_seeds SET is_current = NULL, revealed_at = ?1
                         WHERE is_current = 1 RETURNING id",
                    )?
                    .query_row([now], |row| row.get(0))?;
                conn.prepare_cached(
                    "INSERT INTO server_seeds (seed_hash, server_seed, is_current, created_at) VALUES (?1, ?2, 1, ?3)",
                )?
                .execute(params![hash, hex, now])?;
                let mut by_id = conn.prepare_cached(&format!("{SEED_COLUMNS} WHERE id = ?1"))?;
                let revealed = by_id.query_row([revealed_id], seed_row)?;
                let current = by_id.query_row([conn.last_insert_rowid()], seed_row)?;
                Ok((revealed, current))
            })
            .await?;
        let (revealed, current) = flatten(outcome)?;
        Ok(Rotation { revealed, current })
    }

    pub async fn seeds(&self) -> Result<Vec<SeedRecord>, StoreError> {
        let outcome = self
            .threads
            .read(|conn| {
                let mut stmt =
                    conn.prepare_cached(&format!("{SEED_COLUMNS} ORDER BY is_current IS NULL, id DESC"))?;
                stmt.query_map([], seed_row)?.collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        flatten(outcome)
    }
}
