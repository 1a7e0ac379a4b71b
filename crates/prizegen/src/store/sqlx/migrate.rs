//! Migrations on the servers, applied one replica at a time under a server-side lock. Which
//! migrations exist and which are pending is the core's ([`crate::store::migrations`]); the lock
//! and splitting a file into statements are this driver's.

use super::{Dialect, SqlxStore, error};
use crate::store::Campaign;
use crate::store::audit::NewEntry;
use crate::store::campaigns::{CAMPAIGN_BY_SLUG, INSERT_DEFAULT_CAMPAIGN, default_campaigns};
use crate::store::migrations::{APPLIED_VERSION, MYSQL, POSTGRES, RECORD_MIGRATION, pending};
use crate::store::now_ms;
use crate::store::rows::FromRow;
use sqlx::{AssertSqlSafe, Executor};

/// An arbitrary, fixed key for the migration lock.
const LOCK_KEY: i64 = 0x7072_697a_6567_656e; // "prizegen"

/// Statements of a migration file: split at `;` line ends, comment lines dropped.
fn statements(sql: &str) -> impl Iterator<Item = String> + '_ {
    sql.split(";\n")
        .map(|statement| {
            statement.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n")
        })
        .filter(|s| !s.trim().is_empty())
}

/// Applies what this database has not seen. Two replicas starting at once: the second waits for
/// the lock, then finds everything applied. Nothing is ever dropped.
pub async fn run(store: &SqlxStore) -> anyhow::Result<()> {
    let mut conn = store.pool.acquire().await?;
    let (lock, unlock, migrations) = match store.dialect {
        Dialect::Postgres => (
            format!("SELECT pg_advisory_lock({LOCK_KEY})"),
            format!("SELECT pg_advisory_unlock({LOCK_KEY})"),
            POSTGRES,
        ),
        Dialect::MySql => (
            "SELECT GET_LOCK('prizegen_migrations', 60)".to_owned(),
            "SELECT RELEASE_LOCK('prizegen_migrations')".to_owned(),
            MYSQL,
        ),
    };
    conn.execute(AssertSqlSafe(lock)).await?;
    let outcome = async {
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
        )
        .await?;
        let applied: i64 = sqlx::query_scalar(APPLIED_VERSION).fetch_one(&mut *conn).await?;
        for migration in pending(migrations, applied) {
            tracing::info!(version = migration.version, "applying migration");
            for statement in statements(migration.sql) {
                conn.execute(AssertSqlSafe(statement)).await?;
            }
            store.query(RECORD_MIGRATION, &[migration.version.into(), now_ms().into()]).execute(&mut *conn).await?;
        }
        Ok::<(), sqlx::Error>(())
    }
    .await;
    conn.execute(AssertSqlSafe(unlock)).await?;
    Ok(outcome?)
}

/// Starts the audit log if it is empty, and creates each game's default campaign, recording
/// it; once even when replicas start together (the audit head's lock orders them).
pub async fn ensure_default_campaigns(store: &SqlxStore) -> anyhow::Result<()> {
    let insert = store.dialect.insert_if_absent(INSERT_DEFAULT_CAMPAIGN, Some("slug"));
    let mut tx = store.pool.begin().await.map_err(error)?;
    store.start_audit(&mut tx).await?;
    for args in default_campaigns(now_ms()) {
        let inserted = store.query(&insert, &args).execute(&mut *tx).await.map_err(error)?;
        if inserted.rows_affected() == 1 {
            let row = store.query(CAMPAIGN_BY_SLUG, &args[..1]).fetch_one(&mut *tx).await.map_err(error)?;
            let created = Campaign::from_row(&row)?;
            store.append(&mut tx, vec![NewEntry::campaign_created(&created, None)]).await?;
        }
    }
    tx.commit().await.map_err(error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_migration_file_splits_into_its_statements_without_comments() {
        let file = "-- a comment\nCREATE TABLE a (x BIGINT);\n\nCREATE INDEX a_x ON a (x);\n-- the end\n";
        let split: Vec<String> = statements(file).collect();
        assert_eq!(split, ["CREATE TABLE a (x BIGINT)", "\nCREATE INDEX a_x ON a (x)"]);
    }
}
