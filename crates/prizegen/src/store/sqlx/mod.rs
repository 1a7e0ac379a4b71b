//! The PostgreSQL and MySQL/MariaDB backend: one implementation over sqlx's runtime-chosen
//! driver, with the few differences between the two in [`Dialect`].
//!
//! Every guarantee is the database's, also with several front ends on one database: the same
//! constraints as the SQLite schema, atomic conditional updates, and row locks where a check and
//! a write belong together (a draw holds a share lock on its seed, so a rotation cannot reveal a
//! seed between a draw's check and its commit). Statements are written with `?` placeholders and
//! numbered for PostgreSQL once, when first used.

mod campaigns;
mod draws;
mod migrate;
mod rows;
mod seeds;
mod sequences;
mod stock;

use super::StoreError;
use super::now_ms;
use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use sqlx::{AssertSqlSafe, Executor};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The SQL spoken by the server behind a URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `$1` placeholders, `ON CONFLICT DO NOTHING`, `FOR SHARE`.
    Postgres,
    /// `?` placeholders, `INSERT IGNORE`, `LOCK IN SHARE MODE`.
    MySql,
}

impl Dialect {
    /// A share lock on the selected rows, appended to a `SELECT`.
    fn share_lock(self) -> &'static str {
        match self {
            Dialect::Postgres => " FOR SHARE",
            Dialect::MySql => " LOCK IN SHARE MODE",
        }
    }
}

/// Pool and timeout settings.
#[derive(Clone, Copy, Debug)]
pub struct SqlOptions {
    /// Connections per front end.
    pub pool_size: u32,
    /// The longest a statement (and a wait for a connection) may take; past it, a 503.
    pub timeout: Duration,
}

/// A PostgreSQL or MySQL/MariaDB store; cheap to clone.
#[derive(Clone)]
pub struct SqlxStore {
    pool: AnyPool,
    dialect: Dialect,
    timeout: Duration,
    /// Statements rewritten for this dialect, by their `?` form.
    statements: Arc<Mutex<HashMap<String, Arc<str>>>>,
}

impl SqlxStore {
    /// Connects, migrates (one replica at a time) and creates the default campaigns.
    pub async fn open(url: &str, dialect: Dialect, options: SqlOptions) -> anyhow::Result<Self> {
        use anyhow::Context;
        sqlx::any::install_default_drivers();
        let timeout_ms = options.timeout.as_millis();
        let pool = AnyPoolOptions::new()
            .max_connections(options.pool_size.max(1))
            .acquire_timeout(options.timeout.min(Duration::from_secs(2)))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    // A statement that runs too long is cancelled by the server itself.
                    let setting = match dialect {
                        Dialect::Postgres => format!("SET statement_timeout = {timeout_ms}"),
                        Dialect::MySql => {
                            format!("SET SESSION max_statement_time = {}", timeout_ms as f64 / 1000.0)
                        }
                    };
                    conn.execute(AssertSqlSafe(setting)).await?;
                    Ok(())
                })
            })
            .connect(url)
            .await
            .context("connecting to the database")?;
        let store = Self { pool, dialect, timeout: options.timeout, statements: Arc::default() };
        migrate::run(&store).await.context("migrating the database")?;
        migrate::ensure_default_campaigns(&store).await.context("creating default campaigns")?;
        Ok(store)
    }

    /// `sql` in this dialect: `?` placeholders become `$1`, `$2`, … for PostgreSQL.
    fn sql(&self, sql: &str) -> AssertSqlSafe<Arc<str>> {
        let mut cache = self.statements.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(known) = cache.get(sql) {
            return AssertSqlSafe(known.clone());
        }
        let numbered = cache.entry(sql.to_owned()).or_insert_with(|| {
            if self.dialect == Dialect::MySql {
                return Arc::from(sql);
            }
            let mut out = String::with_capacity(sql.len() + 8);
            let mut n = 0;
            for c in sql.chars() {
                if c == '?' {
                    n += 1;
                    out.push_str(&format!("${n}"));
                } else {
                    out.push(c);
                }
            }
            Arc::from(out)
        });
        AssertSqlSafe(numbered.clone())
    }

    /// Runs `work` within the store's time limit; a timeout is the database being unavailable.
    async fn timed<T>(&self, work: impl Future<Output = Result<T, StoreError>>) -> Result<T, StoreError> {
        tokio::time::timeout(self.timeout + Duration::from_millis(500), work)
            .await
            .unwrap_or_else(|_| Err(StoreError::unavailable(format!("no answer within {:?}", self.timeout))))
    }

    /// Runs a transaction again (a few times, after a short pause) when the database broke a
    /// deadlock or serialization conflict by rolling it back: nothing of it was kept.
    async fn retrying<T, F, Fut>(&self, mut transaction: F) -> Result<T, StoreError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, StoreError>>,
    {
        let mut attempt: u64 = 0;
        loop {
            match transaction().await {
                Err(StoreError::Contended(why)) if attempt < 8 => {
                    attempt += 1;
                    tracing::debug!(attempt, %why, "transaction rolled back by the database; retrying");
                    // Spread the retries so the same transactions do not meet again at once.
                    let jitter = u64::from(uuid::Uuid::new_v4().as_bytes()[0] % 8);
                    tokio::time::sleep(Duration::from_millis(attempt * 3 + jitter)).await;
                }
                other => return other,
            }
        }
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.timed(async { self.pool.execute("SELECT 1").await.map(|_| ()).map_err(error) }).await
    }
}

/// The name of the constraint a unique violation broke (both servers name it in the message).
fn violated(error: &sqlx::Error, constraint: &str) -> bool {
    match error {
        sqlx::Error::Database(e) if e.is_unique_violation() => {
            e.constraint() == Some(constraint)
                || e.message().contains(&format!("'{constraint}'"))
                || e.message().contains(&format!("\"{constraint}\""))
        }
        _ => false,
    }
}

/// sqlx errors as the store's: connection trouble, timeouts and overload are "unavailable"
/// (503); anything else is unexpected (500).
fn error(error: sqlx::Error) -> StoreError {
    use sqlx::Error::*;
    if let Database(e) = &error {
        // Deadlock victims and serialization failures (PostgreSQL 40P01/40001, MySQL 1213).
        if matches!(e.code().as_deref(), Some("40P01" | "40001" | "1213")) {
            return StoreError::Contended(error.into());
        }
    }
    let unavailable = match &error {
        Io(_) | Tls(_) | PoolTimedOut | PoolClosed | WorkerCrashed | Protocol(_) => true,
        Database(e) => {
            let code = e.code().map(|c| c.into_owned()).unwrap_or_default();
            // PostgreSQL classes 08 (connection), 53 (resources), 57 (operator intervention,
            // statement timeout), 40 (rollback); MySQL/MariaDB lock wait timeout, too many
            // connections, statement time limit. (Deadlocks are `Contended`, above.)
            ["08", "53", "57", "40"].iter().any(|class| code.starts_with(class))
                || ["1205", "1040", "1969", "3024"].contains(&code.as_str())
        }
        _ => false,
    };
    if unavailable { StoreError::unavailable(error) } else { StoreError::unexpected(error) }
}
