//! Migrations on SQLite: each runs once, in order, inside an immediate transaction, so two
//! processes starting on one file at once cannot both apply it. Which migrations exist and
//! which are pending is the core's ([`crate::store::migrations`]).

use super::execute;
use crate::store::campaigns::{INSERT_DEFAULT_CAMPAIGN, default_campaigns};
use crate::store::migrations::{APPLIED_VERSION, RECORD_MIGRATION, SQLITE, pending};
use crate::store::now_ms;
use rusqlite::Connection;

/// Applies the migrations this file has not seen yet. Never drops or wipes anything.
pub fn run(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    )?;
    let applied: i64 = tx.query_row(APPLIED_VERSION, [], |r| r.get(0))?;
    for migration in pending(SQLITE, applied) {
        tracing::info!(version = migration.version, "applying migration");
        tx.execute_batch(migration.sql)?;
        execute(&tx, RECORD_MIGRATION, &[migration.version.into(), now_ms().into()])?;
    }
    tx.commit()
}

/// Each game's default campaign (slug = the game's name), created on first start.
pub fn ensure_default_campaigns(conn: &Connection) -> rusqlite::Result<()> {
    let insert = format!("{INSERT_DEFAULT_CAMPAIGN} ON CONFLICT (slug) DO NOTHING");
    for args in default_campaigns(now_ms()) {
        execute(conn, &insert, &args)?;
    }
    Ok(())
}
