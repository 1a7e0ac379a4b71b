//! Rows to store types. A malformed stored value is a conversion error (a 500), never a panic.

use crate::store::{Campaign, SeedRecord, ServedBy, StoredDraw, StoredSequence};
use prizegen_domain::fairness::{SeedHash, ServerSeed};
use prizegen_domain::money::{Pence, Prize};
use rusqlite::Row;
use rusqlite::types::Type;

fn malformed(column: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, Type::Text, format!("malformed {what}").into())
}

fn json<T: serde::de::DeserializeOwned>(row: &Row<'_>, column: usize) -> rusqlite::Result<T> {
    let text: String = row.get(column)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(column, Type::Text, e.into()))
}

fn prize(row: &Row<'_>, amount: usize, label: usize) -> rusqlite::Result<Option<Prize>> {
    Ok(match (row.get::<_, Option<i64>>(amount)?, row.get::<_, Option<String>>(label)?) {
        (Some(pence), Some(label)) => Some(Prize { amount_pence: Pence(pence as u64), label }),
        _ => None,
    })
}

/// Columns [`seed_row`] reads.
pub fn seed_row(row: &Row<'_>) -> rusqlite::Result<SeedRecord> {
    let seed = ServerSeed::from_hex(&row.get::<_, String>(1)?).map_err(|_| malformed(1, "seed"))?;
    let hash = SeedHash::parse(&row.get::<_, String>(2)?).ok_or_else(|| malformed(2, "seed hash"))?;
    Ok(SeedRecord { id: row.get(0)?, seed, hash, created_at_ms: row.get(3)?, revealed_at_ms: row.get(4)? })
}

/// Columns [`draw_row`] reads, joined with the campaign's slug and the seed's public parts.
pub fn draw_row(row: &Row<'_>) -> rusqlite::Result<StoredDraw> {
    Ok(StoredDraw {
        id: row.get(0)?,
        game: row.get(1)?,
        campaign: row.get(2)?,
        created_at_ms: row.get(3)?,
        seed_hash: row.get(4)?,
        server_seed: row.get(5)?,
        client_seed: row.get(6)?,
        nonce: row.get::<_, i64>(7)? as u64,
        result_json: row.get(8)?,
        prize: prize(row, 9, 10)?,
        downgraded_from: prize(row, 11, 12)?,
        served_by: json::<ServedBy>(row, 13)?,
        collided_nonces: json(row, 14)?,
        request_hash: row.get(15)?,
    })
}

/// Columns [`campaign_row`] reads.
pub const CAMPAIGN_COLUMNS: &str =
    "SELECT slug, name, venue, date, game, budget_pence, spent_pence, active FROM campaigns";

pub fn campaign_row(row: &Row<'_>) -> rusqlite::Result<Campaign> {
    Ok(Campaign {
        slug: row.get(0)?,
        name: row.get(1)?,
        venue: row.get(2)?,
        date: row.get(3)?,
        game: row.get(4)?,
        budget_pence: row.get::<_, Option<i64>>(5)?.map(|b| b as u64),
        spent_pence: row.get::<_, i64>(6)? as u64,
        active: row.get(7)?,
    })
}

/// Columns [`sequence_row`] reads.
pub fn sequence_row(row: &Row<'_>) -> rusqlite::Result<StoredSequence> {
    Ok(StoredSequence {
        sequence: row.get(0)?,
        campaign: row.get(1)?,
        created_at_ms: row.get(2)?,
        seed_hash: row.get(3)?,
        server_seed: row.get(4)?,
        client_seed: row.get(5)?,
        nonce: row.get::<_, i64>(6)? as u64,
        served_by: json(row, 7)?,
        draw_id: row.get(8)?,
    })
}
