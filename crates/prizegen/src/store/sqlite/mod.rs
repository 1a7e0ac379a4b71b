//! The SQLite backend: one file, WAL mode, group commit (see [`threads`]).

mod migrate;
mod threads;

use super::{Campaign, DrawFilter, InsertOutcome, NewDraw, Rotation, SeedRecord, StoreError, StoredDraw};
use prizegen_domain::fairness::{SeedHash, ServerSeed};
use prizegen_domain::games::Game;
use prizegen_domain::money::{Pence, Prize};
use rusqlite::{Connection, OptionalExtension, Row, ToSql, params};
use std::ops::Range;
use std::path::Path;
use threads::Threads;

/// Reader threads: enough for the front end's concurrent reads on a small machine.
const READERS: usize = 2;

/// The SQLite store; cheap to clone.
#[derive(Clone)]
pub struct SqliteStore {
    threads: Threads,
}

impl SqliteStore {
    /// Opens or creates the file, migrates it, and starts the connection threads.
    pub async fn open(path: &Path) -> anyhow::Result<Self> {
        use anyhow::Context;
        let path = path.to_owned();
        // Opening and migrating block; keep them off the async runtime.
        let threads = tokio::task::spawn_blocking(move || -> anyhow::Result<Threads> {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            }
            let mut writer = connect(&path).with_context(|| format!("opening {}", path.display()))?;
            migrate::run(&mut writer).context("migrating the database")?;
            migrate::ensure_default_campaigns(&writer).context("creating default campaigns")?;
            let readers = (0..READERS)
                .map(|_| {
                    let conn = connect(&path)?;
                    conn.pragma_update(None, "query_only", true)?;
                    Ok(conn)
                })
                .collect::<rusqlite::Result<Vec<_>>>()
                .context("opening reader connections")?;
            Threads::start(writer, readers).context("starting database threads")
        })
        .await??;
        Ok(Self { threads })
    }

    pub async fn current_seed_or_insert(&self, candidate: ServerSeed) -> Result<SeedRecord, StoreError> {
        let now = now_ms();
        let hash = candidate.commitment().to_string();
        let hex = candidate.to_hex();
        let outcome = self
            .threads
            .write(move |conn| {
                // The UNIQUE is_current column makes a second current seed impossible; with one
                // already there this insert does nothing.
                conn.prepare_cached(
                    "INSERT INTO server_seeds (seed_hash, server_seed, is_current, created_at)
                     VALUES (?1, ?2, 1, ?3) ON CONFLICT DO NOTHING",
                )?
                .execute(params![hash, hex, now])?;
                conn.prepare_cached(&format!("{SEED_COLUMNS} WHERE is_current = 1"))?.query_row([], seed_row)
            })
            .await?;
        flatten(outcome)?
    }

    pub async fn reserve_nonces(&self, seed_id: i64, count: u64) -> Result<Option<Range<u64>>, StoreError> {
        let count =
            i64::try_from(count).map_err(|_| StoreError::Unexpected("nonce block too large".into()))?;
        let outcome = self
            .threads
            .write(move |conn| {
                conn.prepare_cached(
                    "UPDATE server_seeds SET next_nonce = next_nonce + ?2
                     WHERE id = ?1 AND is_current = 1 RETURNING next_nonce",
                )?
                .query_row(params![seed_id, count], |row| row.get::<_, i64>(0))
                .optional()
            })
            .await?;
        Ok(flatten(outcome)?.map(|end| (end - count) as u64..end as u64))
    }

    pub async fn rotate_seed(&self, candidate: ServerSeed) -> Result<Rotation, StoreError> {
        let now = now_ms();
        let hash = candidate.commitment().to_string();
        let hex = candidate.to_hex();
        let outcome = self
            .threads
            .write(move |conn| {
                let revealed_id: i64 = conn
                    .prepare_cached(
                        "UPDATE server_seeds SET is_current = NULL, revealed_at = ?1
                         WHERE is_current = 1 RETURNING id",
                    )?
                    .query_row([now], |row| row.get(0))?;
                conn.prepare_cached(
                    "INSERT INTO server_seeds (seed_hash, server_seed, is_current, created_at) VALUES (?1, ?2, 1, ?3)",
                )?
                .execute(params![hash, hex, now])?;
                let mut by_id = conn.prepare_cached(&format!("{SEED_COLUMNS} WHERE id = ?1"))?;
                let revealed = by_id.query_row([revealed_id], seed_row)?;
                let current = by_id.query_row([conn.last_insert_rowid()], seed_row)?;
                Ok((revealed, current))
            })
            .await?;
        let (revealed, current) = flatten(outcome)?;
        Ok(Rotation { revealed: revealed?, current: current? })
    }

    pub async fn seeds(&self) -> Result<Vec<SeedRecord>, StoreError> {
        let outcome = self
            .threads
            .read(|conn| {
                let mut stmt = conn.prepare_cached(&format!(
                    "{SEED_COLUMNS} ORDER BY is_current IS NULL, id DESC LIMIT 1000"
                ))?;
                stmt.query_map([], seed_row)?.collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        flatten(outcome)?.into_iter().collect()
    }

    pub async fn campaign(&self, slug: &str) -> Result<Option<Campaign>, StoreError> {
        let slug = slug.to_owned();
        let outcome = self
            .threads
            .read(move |conn| {
                conn.prepare_cached(
                    "SELECT slug, name, venue, date, game, budget_pence, spent_pence, active
                     FROM campaigns WHERE slug = ?1",
                )?
                .query_row([slug], |row| {
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
                })
                .optional()
            })
            .await?;
        flatten(outcome)
    }

    pub async fn insert_draw(&self, draw: NewDraw) -> Result<InsertOutcome, StoreError> {
        let served_by = serde_json::to_string(&draw.served_by).map_err(unexpected)?;
        let collided = serde_json::to_string(&draw.collided_nonces).map_err(unexpected)?;
        let nonce = i64::try_from(draw.nonce).map_err(unexpected)?;
        let outcome = self
            .threads
            .write(move |conn| {
                let (idem_key, idem_hash) = match &draw.idempotency {
                    Some(i) => (Some(i.key.as_str()), Some(i.request_hash.as_str())),
                    None => (None, None),
                };
                // Inserts only if the campaign takes draws of this game and the seed is still
                // current, in the same statement as the write.
                let inserted = conn
                    .prepare_cached(
                        "INSERT INTO draws (id, game, campaign_id, created_at, seed_id, nonce, client_seed,
                             result, prize_pence, prize_label, served_by, unique_key, idempotency_key,
                             request_hash, collided_nonces)
                         SELECT ?1, ?2, c.id, ?4, s.id, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15
                         FROM campaigns c JOIN server_seeds s ON s.id = ?5 AND s.is_current = 1
                         WHERE c.slug = ?3 AND c.game = ?2 AND c.active = 1",
                    )?
                    .execute(params![
                        draw.id,
                        draw.game.slug(),
                        draw.campaign,
                        draw.created_at_ms,
                        draw.seed_id,
                        nonce,
                        draw.client_seed,
                        draw.result_json,
                        draw.prize.as_ref().map(|p| p.amount_pence.0 as i64),
                        draw.prize.as_ref().map(|p| p.label.as_str()),
                        served_by,
                        draw.unique_key,
                        idem_key,
                        idem_hash,
                        collided,
                    ]);
                match inserted {
                    Ok(1) => Ok(InsertOutcome::Inserted),
                    Ok(_) => {
                        let current: bool = conn
                            .prepare_cached("SELECT is_current IS NOT NULL FROM server_seeds WHERE id = ?1")?
                            .query_row([draw.seed_id], |row| row.get(0))
                            .optional()?
                            .unwrap_or(false);
                        Ok(if current {
                            InsertOutcome::CampaignUnavailable
                        } else {
                            InsertOutcome::SeedNotCurrent
                        })
                    }
                    Err(error) => match unique_violation(&error) {
                        Some("draws.campaign_id, draws.unique_key") => Ok(InsertOutcome::UniqueKeyTaken),
                        Some("draws.idempotency_key") => Ok(InsertOutcome::IdempotencyKeyTaken),
                        _ => Err(error),
                    },
                }
            })
            .await?;
        flatten(outcome)
    }

    pub async fn draw(&self, id: &str) -> Result<Option<StoredDraw>, StoreError> {
        self.one_draw("d.id = ?1", id.to_owned()).await
    }

    pub async fn draw_by_idempotency_key(&self, key: &str) -> Result<Option<StoredDraw>, StoreError> {
        self.one_draw("d.idempotency_key = ?1", key.to_owned()).await
    }

    async fn one_draw(
        &self,
        condition: &'static str,
        value: String,
    ) -> Result<Option<StoredDraw>, StoreError> {
        let outcome = self
            .threads
            .read(move |conn| {
                conn.prepare_cached(&format!("{DRAW_COLUMNS} WHERE {condition}"))?
                    .query_row([value], draw_row)
                    .optional()
            })
            .await?;
        flatten(outcome)?.transpose()
    }

    pub async fn recent_draws(&self, filter: DrawFilter) -> Result<Vec<StoredDraw>, StoreError> {
        let outcome = self
            .threads
            .read(move |conn| {
                // One statement per filter shape, so each uses its index.
                let mut sql = format!("{DRAW_COLUMNS} WHERE 1 = 1");
                let mut args: Vec<Box<dyn ToSql>> = Vec::new();
                if let Some(game) = filter.game {
                    args.push(Box::new(game.slug()));
                    sql.push_str(&format!(" AND d.game = ?{}", args.len()));
                }
                if let Some(campaign) = filter.campaign {
                    args.push(Box::new(campaign));
                    sql.push_str(&format!(" AND c.slug = ?{}", args.len()));
                }
                args.push(Box::new(i64::from(filter.limit)));
                sql.push_str(&format!(" ORDER BY d.id DESC LIMIT ?{}", args.len()));
                let mut stmt = conn.prepare_cached(&sql)?;
                stmt.query_map(rusqlite::params_from_iter(args.iter().map(|a| a.as_ref())), draw_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        flatten(outcome)?.into_iter().collect()
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        let outcome = self.threads.read(|conn| conn.query_row("SELECT 1", [], |_| Ok(()))).await?;
        flatten(outcome)
    }
}

/// Opens a connection with the settings every connection needs.
fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    // Another process (a second front end on the same file) may hold the write lock briefly.
    conn.busy_timeout(std::time::Duration::from_secs(4))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // With WAL, FULL syncs the log on every commit: a 201 survives a power cut. Group commit
    // makes that one fsync per batch rather than per draw.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(conn)
}

const SEED_COLUMNS: &str = "SELECT id, server_seed, seed_hash, created_at, revealed_at FROM server_seeds";

fn seed_row(row: &Row<'_>) -> rusqlite::Result<Result<SeedRecord, StoreError>> {
    let seed_hex: String = row.get(1)?;
    let hash: String = row.get(2)?;
    let parsed = match (ServerSeed::from_hex(&seed_hex), SeedHash::parse(&hash)) {
        (Ok(seed), Some(hash)) => Ok(SeedRecord {
            id: row.get(0)?,
            seed,
            hash,
            created_at_ms: row.get(3)?,
            revealed_at_ms: row.get(4)?,
        }),
        _ => Err(StoreError::Unexpected(format!("malformed seed row {}", row.get::<_, i64>(0)?))),
    };
    Ok(parsed)
}

const DRAW_COLUMNS: &str = "SELECT d.id, d.game, c.slug, d.created_at, s.seed_hash,
        CASE WHEN s.revealed_at IS NOT NULL THEN s.server_seed END, d.client_seed, d.nonce, d.result,
        d.prize_pence, d.prize_label, d.served_by, d.collided_nonces, d.request_hash
    FROM draws d JOIN campaigns c ON c.id = d.campaign_id JOIN server_seeds s ON s.id = d.seed_id";

fn draw_row(row: &Row<'_>) -> rusqlite::Result<Result<StoredDraw, StoreError>> {
    let prize = match (row.get::<_, Option<i64>>(9)?, row.get::<_, Option<String>>(10)?) {
        (Some(amount), Some(label)) => Some(Prize { amount_pence: Pence(amount as u64), label }),
        _ => None,
    };
    let served_by: String = row.get(11)?;
    let collided: String = row.get(12)?;
    let parsed = (|| {
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
            prize,
            served_by: serde_json::from_str(&served_by).map_err(unexpected)?,
            collided_nonces: serde_json::from_str(&collided).map_err(unexpected)?,
            request_hash: row.get(13)?,
        })
    })();
    Ok(parsed.map_err(|e: DrawRowError| match e {
        DrawRowError::Sql(e) => StoreError::Unexpected(e.to_string()),
        DrawRowError::Store(e) => e,
    }))
}

enum DrawRowError {
    Sql(rusqlite::Error),
    Store(StoreError),
}

impl From<rusqlite::Error> for DrawRowError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sql(e)
    }
}

impl From<StoreError> for DrawRowError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

/// The constrained columns of a UNIQUE violation, e.g. `draws.idempotency_key`.
fn unique_violation(error: &rusqlite::Error) -> Option<&str> {
    match error {
        rusqlite::Error::SqliteFailure(e, Some(message))
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            message.strip_prefix("UNIQUE constraint failed: ")
        }
        _ => None,
    }
}

/// Turns a job's SQLite error into the store's: busy, locked, I/O and full disks mean the
/// database is unavailable (503); anything else is unexpected (500).
fn flatten<T>(outcome: rusqlite::Result<T>) -> Result<T, StoreError> {
    use rusqlite::ErrorCode::*;
    outcome.map_err(|error| match error.sqlite_error_code() {
        Some(DatabaseBusy | DatabaseLocked | SystemIoFailure | DiskFull | CannotOpen | ReadOnly) => {
            StoreError::Unavailable(error.to_string())
        }
        _ => StoreError::Unexpected(error.to_string()),
    })
}

fn unexpected(error: impl std::fmt::Display) -> StoreError {
    StoreError::Unexpected(error.to_string())
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Today's date (UTC), YYYY-MM-DD, for default campaigns.
fn today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

/// Each game's default campaign row.
fn default_campaigns() -> impl Iterator<Item = (Game, String)> {
    Game::ALL.into_iter().map(|game| (game, today()))
}
