//! The SQLite backend: one file, WAL mode, group commit (see [`threads`]).
//!
//! One file per concern: [`seeds`], [`draws`], [`stock`] (prize budgets), [`sequences`]
//! (prize-pool), [`campaigns`]; [`rows`] maps rows to store types.

mod campaigns;
mod draws;
mod migrate;
mod rows;
mod seeds;
mod sequences;
mod stock;
mod threads;

use super::StoreError;
use super::now_ms;
use prizegen_domain::games::Game;
use rusqlite::Connection;
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

    /// Whether the database answers, on a reader and on the writer (a writer that died would
    /// otherwise leave reads working and every draw failing, with readiness still green).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let select = |conn: &Connection| conn.query_row("SELECT 1", [], |_| Ok(()));
        let (read, write) = tokio::join!(self.threads.read(select), self.threads.write(select));
        flatten(read?)?;
        flatten(write?)
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

/// The constrained columns of a UNIQUE violation, e.g. `draws.idempotency_key`.
fn unique_violation(error: &rusqlite::Error) -> Option<&str> {
    match error {
        rusqlite::Error::SqliteFailure(e, Some(message))
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            message.strip_prefix("UNIQUE constraint failed: ")
        }
        _ => None,
    }
}

/// Whether an error is a failed CHECK or FOREIGN KEY constraint.
fn constraint_kind(error: &rusqlite::Error) -> Option<i32> {
    match error {
        rusqlite::Error::SqliteFailure(e, _) if e.code == rusqlite::ErrorCode::ConstraintViolation => {
            Some(e.extended_code)
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
            StoreError::unavailable(error)
        }
        _ => StoreError::unexpected(error),
    })
}

fn unexpected(error: impl Into<super::Cause>) -> StoreError {
    StoreError::unexpected(error)
}

/// Each game's default campaign row: (game, today's date, UTC).
fn default_campaigns() -> impl Iterator<Item = (Game, String)> {
    let today = time::OffsetDateTime::now_utc().date().to_string();
    Game::ALL.into_iter().map(move |game| (game, today.clone()))
}
