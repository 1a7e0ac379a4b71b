//! Embedded migrations, applied one replica at a time under a server-side lock.

use super::{Dialect, SqlxStore, error, now_ms};
use prizegen_domain::games::Game;
use sqlx::{AssertSqlSafe, Executor};

const POSTGRES: &[(i64, &str)] = &[(1, include_str!("../../../migrations/postgres/0001_init.sql"))];
const MYSQL: &[(i64, &str)] = &[(1, include_str!("../../../migrations/mysql/0001_init.sql"))];

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
        let applied: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            .fetch_one(&mut *conn)
            .await?;
        for (version, sql) in migrations.iter().filter(|(v, _)| *v > applied) {
            tracing::info!(version, "applying migration");
            for statement in statements(sql) {
                conn.execute(AssertSqlSafe(statement)).await?;
            }
            sqlx::query(store.sql("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"))
                .bind(*version)
                .bind(now_ms())
                .execute(&mut *conn)
                .await?;
        }
        Ok::<(), sqlx::Error>(())
    }
    .await;
    conn.execute(AssertSqlSafe(unlock)).await?;
    Ok(outcome?)
}

/// Each game's default campaign, created once even when replicas start together.
pub async fn ensure_default_campaigns(store: &SqlxStore) -> anyhow::Result<()> {
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let sql = match store.dialect {
        Dialect::Postgres => {
            "INSERT INTO campaigns (slug, name, venue, date, game, budget_pence, active, created_at)
             VALUES (?, ?, 'Online', ?, ?, NULL, 1, ?) ON CONFLICT (slug) DO NOTHING"
        }
        Dialect::MySql => {
            "INSERT IGNORE INTO campaigns (slug, name, venue, date, game, budget_pence, active, created_at)
             VALUES (?, ?, 'Online', ?, ?, NULL, 1, ?)"
        }
    };
    for game in Game::ALL {
        sqlx::query(store.sql(sql))
            .bind(game.slug())
            .bind(game.title())
            .bind(&today)
            .bind(game.slug())
            .bind(now_ms())
            .execute(&store.pool)
            .await
            .map_err(error)?;
    }
    Ok(())
}
