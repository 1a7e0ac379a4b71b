//! Server seeds: the current one, nonce blocks, rotation.

use super::rows::seed;
use super::{Dialect, SqlxStore, error, now_ms};
use crate::store::queries::SEED_COLUMNS;
use crate::store::{Rotation, SeedRecord, StoreError};
use prizegen_domain::fairness::ServerSeed;
use sqlx::Row;
use std::ops::Range;

impl SqlxStore {
    pub async fn current_seed_or_insert(&self, candidate: ServerSeed) -> Result<SeedRecord, StoreError> {
        self.timed(async {
            // The UNIQUE is_current column makes a second current seed impossible; with one
            // already there (another replica's, perhaps) this insert does nothing.
            let sql = match self.dialect {
                Dialect::Postgres => {
                    "INSERT INTO server_seeds (seed_hash, server_seed, is_current, created_at) VALUES (?, ?, 1, ?)
                     ON CONFLICT DO NOTHING"
                }
                Dialect::MySql => {
                    "INSERT IGNORE INTO server_seeds (seed_hash, server_seed, is_current, created_at) VALUES (?, ?, 1, ?)"
                }
            };
            sqlx::query(self.sql(sql))
                .bind(candidate.commitment().to_string())
                .bind(candidate.to_hex())
                .bind(now_ms())
                .execute(&self.pool)
                .await
                .map_err(error)?;
            let row = sqlx::query(self.sql(&format!("{SEED_COLUMNS} WHERE is_current = 1")))
                .fetch_one(&self.pool)
                .await
                .map_err(error)?;
            seed(&row)
        })
        .await
    }

    pub async fn reserve_nonces(&self, seed_id: i64, count: u64) -> Result<Option<Range<u64>>, StoreError> {
        let count = i64::try_from(count).map_err(|_| StoreError::unexpected("nonce block too large"))?;
        self.retrying(|| {
            self.timed(async {
                let mut tx = self.pool.begin().await.map_err(error)?;
                let next: Option<i64> =
                    sqlx::query(self.sql(
                        "SELECT next_nonce FROM server_seeds WHERE id = ? AND is_current = 1 FOR UPDATE",
                    ))
                    .bind(seed_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(error)?
                    .map(|row| row.try_get("next_nonce"))
                    .transpose()
                    .map_err(error)?;
                let Some(start) = next else { return Ok(None) };
                sqlx::query(self.sql("UPDATE server_seeds SET next_nonce = next_nonce + ? WHERE id = ?"))
                    .bind(count)
                    .bind(seed_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(error)?;
                tx.commit().await.map_err(error)?;
                Ok(Some(start as u64..(start + count) as u64))
            })
        })
        .await
    }

    pub async fn rotate_seed(&self, candidate: ServerSeed) -> Result<Rotation, StoreError> {
        let now = now_ms();
        self.timed(async {
            let mut tx = self.pool.begin().await.map_err(error)?;
            // The lock waits for draws holding a share lock on the seed to commit.
            let revealed_id: i64 = sqlx::query(self.sql("SELECT id FROM server_seeds WHERE is_current = 1 FOR UPDATE"))
                .fetch_one(&mut *tx)
                .await
                .map_err(error)?
                .try_get("id")
                .map_err(error)?;
            sqlx::query(self.sql("UPDATE server_seeds SET is_current = NULL, revealed_at = ? WHERE id = ?"))
                .bind(now)
                .bind(revealed_id)
                .execute(&mut *tx)
                .await
                .map_err(error)?;
            let hash = candidate.commitment().to_string();
            sqlx::query(self.sql(
                "INSERT INTO server_seeds (seed_hash, server_seed, is_current, created_at) VALUES (?, ?, 1, ?)",
            ))
            .bind(&hash)
            .bind(candidate.to_hex())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(error)?;
            let revealed = sqlx::query(self.sql(&format!("{SEED_COLUMNS} WHERE id = ?")))
                .bind(revealed_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(error)?;
            let current = sqlx::query(self.sql(&format!("{SEED_COLUMNS} WHERE seed_hash = ?")))
                .bind(&hash)
                .fetch_one(&mut *tx)
                .await
                .map_err(error)?;
            let rotation = Rotation { revealed: seed(&revealed)?, current: seed(&current)? };
            tx.commit().await.map_err(error)?;
            Ok(rotation)
        })
        .await
    }

    pub async fn seeds(&self) -> Result<Vec<SeedRecord>, StoreError> {
        self.timed(async {
            let rows = sqlx::query(self.sql(&format!("{SEED_COLUMNS} ORDER BY is_current IS NULL, id DESC")))
                .fetch_all(&self.pool)
                .await
                .map_err(error)?;
            rows.iter().map(seed).collect()
        })
        .await
    }
}
