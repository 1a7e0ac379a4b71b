//! Embedded migrations: each runs once, in order, inside an immediate transaction, so two
//! processes starting on one file at once cannot both apply it.

use rusqlite::{Connection, params};

/// (version, SQL), in order. Never edit a released migration; add the next one.
const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("../../../migrations/sqlite/0001_init.sql"))];

/// Applies the migrations this file has not seen yet. Never drops or wipes anything.
pub fn run(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    )?;
    let applied: i64 =
        tx.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))?;
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > applied) {
        tracing::info!(version, "applying migration");
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
            params![version, super::now_ms()],
        )?;
    }
    tx.commit()
}

/// Each game's default campaign (slug = the game's name), created on first start.
pub fn ensure_default_campaigns(conn: &Connection) -> rusqlite::Result<()> {
    let mut insert = conn.prepare(
        "INSERT INTO campaigns (slug, name, venue, date, game, budget_pence, active, created_at)
         VALUES (?1, ?2, 'Online', ?3, ?1, NULL, 1, ?4) ON CONFLICT (slug) DO NOTHING",
    )?;
    for (game, date) in super::default_campaigns() {
        insert.execute(params![game.slug(), game.title(), date, super::now_ms()])?;
    }
    Ok(())
}
