//! Migrations on SQLite: each runs once, in order, inside an immediate transaction, so two
//! processes starting on one file at once cannot both apply it. Which migrations exist and
//! which are pending is the core's ([`crate::store::migrations`]).

use super::execute;
use crate::store::Campaign;
use crate::store::audit::NewEntry;
use crate::store::campaigns::{CAMPAIGN_BY_SLUG, INSERT_DEFAULT_CAMPAIGN, default_campaigns};
use crate::store::migrations::{APPLIED_VERSION, RECORD_MIGRATION, SQLITE, pending};
use crate::store::now_ms;
use crate::store::rows::FromRow;
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

/// Starts the audit log if it is empty, and creates each game's default campaign (slug = the
/// game's name) on first start, recording it; in one immediate transaction, so two processes
/// starting on one file do neither twice.
pub fn ensure_default_campaigns(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    super::audit::start(&tx)?;
    let insert = format!("{INSERT_DEFAULT_CAMPAIGN} ON CONFLICT (slug) DO NOTHING");
    for args in default_campaigns(now_ms()) {
        if execute(&tx, &insert, &args)? == 1 {
            let created =
                tx.prepare_cached(CAMPAIGN_BY_SLUG)?.query_row([&args[0]], |row| Campaign::from_row(row))?;
            super::audit::append(&tx, vec![NewEntry::campaign_created(&created, None)])?;
        }
    }
    tx.commit()
}
