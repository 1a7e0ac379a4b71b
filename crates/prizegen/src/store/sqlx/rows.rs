//! Rows to store types.

use crate::store::{Campaign, SeedRecord, StoreError, StoredDraw, StoredSequence};
use prizegen_domain::fairness::{SeedHash, ServerSeed};
use prizegen_domain::money::{Pence, Prize};
use sqlx::Row;
use sqlx::any::AnyRow;

fn get<T>(row: &AnyRow, column: &str) -> Result<T, StoreError>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get(column).map_err(|e| StoreError::unexpected(format!("column {column}: {e}")))
}

fn json<T: serde::de::DeserializeOwned>(row: &AnyRow, column: &str) -> Result<T, StoreError> {
    let text: String = get(row, column)?;
    serde_json::from_str(&text).map_err(|e| StoreError::unexpected(format!("column {column}: {e}")))
}

fn prize(row: &AnyRow, amount: &str, label: &str) -> Result<Option<Prize>, StoreError> {
    Ok(match (get::<Option<i64>>(row, amount)?, get::<Option<String>>(row, label)?) {
        (Some(pence), Some(label)) => Some(Prize { amount_pence: Pence(pence as u64), label }),
        _ => None,
    })
}

pub fn seed(row: &AnyRow) -> Result<SeedRecord, StoreError> {
    let seed = ServerSeed::from_hex(&get::<String>(row, "server_seed")?)
        .map_err(|_| StoreError::unexpected("malformed seed"))?;
    let hash = SeedHash::parse(&get::<String>(row, "seed_hash")?)
        .ok_or_else(|| StoreError::unexpected("malformed seed hash"))?;
    Ok(SeedRecord {
        id: get(row, "id")?,
        seed,
        hash,
        created_at_ms: get(row, "created_at")?,
        revealed_at_ms: get(row, "revealed_at")?,
    })
}

pub fn draw(row: &AnyRow) -> Result<StoredDraw, StoreError> {
    Ok(StoredDraw {
        id: get(row, "id")?,
        game: get(row, "game")?,
        campaign: get(row, "slug")?,
        created_at_ms: get(row, "created_at")?,
        seed_hash: get(row, "seed_hash")?,
        server_seed: get(row, "server_seed")?,
        client_seed: get(row, "client_seed")?,
        nonce: get::<i64>(row, "nonce")? as u64,
        result_json: get(row, "result")?,
        prize: prize(row, "prize_pence", "prize_label")?,
        downgraded_from: prize(row, "drawn_prize_pence", "drawn_prize_label")?,
        served_by: json(row, "served_by")?,
        collided_nonces: json(row, "collided_nonces")?,
        request_hash: get(row, "request_hash")?,
    })
}

pub const CAMPAIGN_COLUMNS: &str =
    "SELECT id, slug, name, venue, date, game, budget_pence, spent_pence, active FROM campaigns";

pub fn campaign(row: &AnyRow) -> Result<Campaign, StoreError> {
    Ok(Campaign {
        slug: get(row, "slug")?,
        name: get(row, "name")?,
        venue: get(row, "venue")?,
        date: get(row, "date")?,
        game: get(row, "game")?,
        budget_pence: get::<Option<i64>>(row, "budget_pence")?.map(|b| b as u64),
        spent_pence: get::<i64>(row, "spent_pence")? as u64,
        active: get::<i64>(row, "active")? == 1,
    })
}

pub fn sequence(row: &AnyRow) -> Result<StoredSequence, StoreError> {
    Ok(StoredSequence {
        sequence: get(row, "sequence")?,
        campaign: get(row, "slug")?,
        created_at_ms: get(row, "created_at")?,
        seed_hash: get(row, "seed_hash")?,
        server_seed: get(row, "server_seed")?,
        client_seed: get(row, "client_seed")?,
        nonce: get::<i64>(row, "nonce")? as u64,
        served_by: json(row, "served_by")?,
        draw_id: get(row, "draw_id")?,
    })
}
