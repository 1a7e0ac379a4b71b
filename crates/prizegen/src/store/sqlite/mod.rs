//! The SQLite driver: one file, WAL mode, and a single writer thread that commits in groups.
//!
//! What is SQLite's own lives here: the connection threads and group commit ([`threads`]), the
//! blocking calls that run on them, how a `rusqlite` error is read (which constraint it broke,
//! whether the database is unavailable), and the few statements only SQLite speaks
//! (`UPDATE … RETURNING`, `ON CONFLICT`). What every driver shares — the statements' text, row
//! mapping, the prize ladder, campaign update rules, what a broken constraint means — is the
//! store core's, in `store/`. Every write runs in the writer's transaction, so a check and the
//! write that depends on it see the same database: no row locks are needed.

mod audit;
mod campaigns;
mod draws;
mod migrate;
mod players;
mod rows;
mod seeds;
mod sequences;
mod stats;
mod threads;

pub use threads::WRITER_METRICS;

use super::StoreError;
use super::constraints::{Answer, Constraint};
use super::now_ms;
use super::rows::{Arg, FromRow};
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;
use threads::Threads;

/// Reader threads: enough for the front end's concurrent reads on a small machine.
const READERS: usize = 2;

/// The SQLite store; cheap to clone.
#[derive(Clone)]
pub struct SqliteStore {
    /// The writer and reader threads every call goes through.
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
            migrate::ensure_default_campaigns(&mut writer).context("creating default campaigns")?;
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

    /// Whether the database answers, on a reader and on the writer (a writer that died would
    /// otherwise leave reads working and every draw failing, with readiness still green).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let select = |conn: &Connection| conn.query_row("SELECT 1", [], |_| Ok(()));
        let (read, write) = tokio::join!(self.threads.read(select), self.threads.write(select));
        flatten(read?)?;
        flatten(write?)
    }
}

impl SqliteStore {
    /// The row `sql` selects with `args`, if any, read on a reader thread.
    async fn one<T>(&self, sql: &'static str, args: Vec<Arg<'static>>) -> Result<Option<T>, StoreError>
    where
        T: FromRow + Send + 'static,
    {
        let outcome = self
            .threads
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(sql)?;
                stmt.query_row(rusqlite::params_from_iter(&args), |row| T::from_row(row)).optional()
            })
            .await?;
        flatten(outcome)
    }

    /// Every row `sql` selects with `args`, read on a reader thread.
    async fn all<T, S>(&self, sql: S, args: Vec<Arg<'static>>) -> Result<Vec<T>, StoreError>
    where
        T: FromRow + Send + 'static,
        S: AsRef<str> + Send + 'static,
    {
        let outcome = self
            .threads
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(sql.as_ref())?;
                stmt.query_map(rusqlite::params_from_iter(&args), |row| T::from_row(row))?.collect()
            })
            .await?;
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

/// Runs a shared statement with its arguments; the number of rows it changed. Prepared once
/// per connection and cached: most of these run for every draw.
fn execute(conn: &Connection, sql: &str, args: &[Arg<'_>]) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(rusqlite::params_from_iter(args))
}

/// The constraint a failed write broke, if it is one that means something. SQLite names a
/// UNIQUE constraint by its columns, and does not say which foreign key failed.
fn constraint(error: &rusqlite::Error) -> Option<Constraint> {
    use rusqlite::ffi::{
        SQLITE_CONSTRAINT_FOREIGNKEY, SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE,
    };
    let rusqlite::Error::SqliteFailure(failure, message) = error else { return None };
    match failure.extended_code {
        SQLITE_CONSTRAINT_FOREIGNKEY => Some(Constraint::ForeignKey),
        SQLITE_CONSTRAINT_UNIQUE | SQLITE_CONSTRAINT_PRIMARYKEY => {
            match message.as_deref()?.strip_prefix("UNIQUE constraint failed: ")? {
                "draws.campaign_id, draws.unique_key" => Some(Constraint::DrawUniqueKey),
                "draws.game, draws.global_key" => Some(Constraint::DrawGlobalKey),
                "draws.idempotency_key" => Some(Constraint::IdempotencyKey),
                "sequences.sequence" => Some(Constraint::SequenceTaken),
                "campaigns.slug" => Some(Constraint::CampaignSlug),
                "players.name_key" => Some(Constraint::PlayerName),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A write's outcome as the store's: a broken constraint that answers this kind of write is its
/// answer; any other error goes through [`flatten`].
fn settle<T: Answer>(outcome: rusqlite::Result<T>) -> Result<T, StoreError> {
    match outcome {
        Err(error) => match constraint(&error).and_then(T::answer) {
            Some(answer) => Ok(answer),
            None => flatten(Err(error)),
        },
        ok => flatten(ok),
    }
}

/// Turns a job's SQLite error into the store's: busy, locked, I/O and full disks mean the
/// database is unavailable (503); anything else is unexpected (500).
fn flatten<T>(outcome: rusqlite::Result<T>) -> Result<T, StoreError> {
    use rusqlite::ErrorCode::*;
    outcome.map_err(|error| match error.sqlite_error_code() {
        Some(DatabaseBusy | DatabaseLocked | SystemIoFailure | DiskFull | CannotOpen | ReadOnly) => {
            StoreError::unavailable(error)
        }
        _ => StoreError::unexpected(error),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{CampaignWrite, InsertOutcome, migrations};

    /// The real schema with a seed, a campaign, a draw and a sequence in it.
    fn database() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        for migration in migrations::SQLITE {
            conn.execute_batch(migration.sql).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO server_seeds (id, seed_hash, server_seed, is_current, created_at) VALUES (1, 'h', 's', 1, 0);
             INSERT INTO campaigns (id, slug, name, venue, date, game, created_at)
                 VALUES (1, 'gig', 'n', 'v', 'd', 'character', 0);
             INSERT INTO sequences (sequence, campaign_id, created_at, seed_id, nonce, client_seed, served_by)
                 VALUES ('s', 1, 0, 1, 9, 'c', '{}');",
        )
        .unwrap();
        conn.execute_batch(&draw("d1", 1, "'u'", "'g'", "'k'")).unwrap();
        conn
    }

    fn draw(id: &str, nonce: u64, unique_key: &str, global_key: &str, idempotency_key: &str) -> String {
        format!(
            "INSERT INTO draws (id, game, campaign_id, created_at, seed_id, nonce, client_seed, result, served_by,
                 unique_key, global_key, idempotency_key)
             VALUES ('{id}', 'character', 1, 0, 1, {nonce}, 'c', '{{}}', '{{}}', {unique_key}, {global_key}, {idempotency_key})"
        )
    }

    /// The constraint `sql` breaks in [`database`].
    fn broken(sql: &str) -> Option<Constraint> {
        constraint(&database().execute_batch(sql).unwrap_err())
    }

    #[test]
    fn each_meaningful_constraint_is_read_from_sqlites_own_error() {
        assert_eq!(broken(&draw("d2", 2, "'u'", "NULL", "NULL")), Some(Constraint::DrawUniqueKey));
        assert_eq!(broken(&draw("d2", 2, "NULL", "'g'", "NULL")), Some(Constraint::DrawGlobalKey));
        assert_eq!(broken(&draw("d2", 2, "NULL", "NULL", "'k'")), Some(Constraint::IdempotencyKey));
        let sequence = "INSERT INTO sequences (sequence, campaign_id, created_at, seed_id, nonce, client_seed, served_by)
             VALUES ('s', 1, 0, 1, 10, 'c', '{}')";
        assert_eq!(broken(sequence), Some(Constraint::SequenceTaken));
        let campaign = "INSERT INTO campaigns (slug, name, venue, date, game, created_at) VALUES ('gig', 'n', 'v', 'd', 'attack', 0)";
        assert_eq!(broken(campaign), Some(Constraint::CampaignSlug));
        assert_eq!(broken("DELETE FROM campaigns WHERE slug = 'gig'"), Some(Constraint::ForeignKey));
    }

    #[test]
    fn other_failures_are_no_answer() {
        assert_eq!(broken(&draw("d2", 1, "NULL", "NULL", "NULL")), None, "a reused nonce is a bug");
        assert_eq!(broken(&draw("d1", 2, "NULL", "NULL", "NULL")), None, "so is a reused draw id");
        assert_eq!(broken("UPDATE campaigns SET budget_pence = -1"), None, "a CHECK");
    }

    #[test]
    fn a_broken_constraint_answers_only_the_write_it_means_something_to() {
        let slug_taken = || {
            database().execute_batch(
                "INSERT INTO campaigns (slug, name, venue, date, game, created_at) VALUES ('gig', 'n', 'v', 'd', 'attack', 0)",
            )
        };
        assert_eq!(settle(slug_taken().map(|()| CampaignWrite::Deleted)).unwrap(), CampaignWrite::SlugTaken);
        let as_draw = settle(slug_taken().map(|()| InsertOutcome::SeedNotCurrent));
        assert!(matches!(as_draw, Err(StoreError::Unexpected(_))), "{as_draw:?}");
    }
}
