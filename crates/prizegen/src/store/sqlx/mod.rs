//! The PostgreSQL and MySQL/MariaDB driver: one implementation over sqlx's runtime-chosen
//! driver, with the few differences between the two servers in [`Dialect`].
//!
//! What is the servers' own lives here: the connection pool and its timeouts, transactions and
//! their retry when the server breaks a deadlock, row locks where a check and a write belong
//! together (a draw holds a share lock on its seed, so a rotation cannot reveal a seed between a
//! draw's check and its commit; nonce blocks and campaign updates lock their row), migrations
//! under a server-side lock, and how a server error is read. What every driver shares — the
//! statements' text (written with `?`, numbered here for PostgreSQL), row mapping, the prize
//! ladder, campaign update rules, what a broken constraint means — is the store core's, in
//! `store/`.

mod audit;
mod campaigns;
mod dialect;
mod draws;
mod errors;
mod migrate;
mod players;
mod rows;
mod seeds;
mod sequences;
mod stats;

pub use dialect::Dialect;

use super::StoreError;
use super::rows::{Arg, FromRow};
use errors::error;
use sqlx::any::{AnyArguments, AnyPoolOptions};
use sqlx::query::Query;
use sqlx::{Any, AnyPool, AssertSqlSafe, Executor};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

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
    /// The connections, each with the server-side statement timeout set.
    pool: AnyPool,
    /// Which server it is.
    dialect: Dialect,
    /// How long a call may take before the database counts as unavailable.
    timeout: Duration,
    /// Statements rewritten for this dialect, by their `?` form.
    statements: Arc<Mutex<HashMap<String, Arc<str>>>>,
}

impl SqlxStore {
    /// `postgresql` or `mysql`, as OpenTelemetry's `db.system` names them.
    pub fn system(&self) -> &'static str {
        match self.dialect {
            Dialect::Postgres => "postgresql",
            Dialect::MySql => "mysql",
        }
    }

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
                    conn.execute(AssertSqlSafe(dialect.statement_timeout(timeout_ms))).await?;
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

    /// `sql` in this dialect, rewritten once and then cached.
    fn sql(&self, sql: &str) -> AssertSqlSafe<Arc<str>> {
        let mut cache = self.statements.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(known) = cache.get(sql) {
            return AssertSqlSafe(known.clone());
        }
        let numbered =
            cache.entry(sql.to_owned()).or_insert_with(|| Arc::from(self.dialect.placeholders(sql)));
        AssertSqlSafe(numbered.clone())
    }

    /// `sql` in this dialect with `args` bound, ready to run.
    fn query(&self, sql: &str, args: &[Arg<'_>]) -> Query<'static, Any, AnyArguments> {
        rows::bind(sqlx::query(self.sql(sql)), args)
    }

    /// The row `sql` selects with `args`, if any.
    async fn one<T: FromRow>(&self, sql: &str, args: &[Arg<'_>]) -> Result<Option<T>, StoreError> {
        self.timed(async {
            let row = self.query(sql, args).fetch_optional(&self.pool).await.map_err(error)?;
            row.as_ref().map(T::from_row).transpose()
        })
        .await
    }

    /// Every row `sql` selects with `args`.
    async fn all<T: FromRow>(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<T>, StoreError> {
        self.timed(async {
            let rows = self.query(sql, args).fetch_all(&self.pool).await.map_err(error)?;
            rows.iter().map(T::from_row).collect()
        })
        .await
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
