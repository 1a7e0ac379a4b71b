//! SQLite connections on their own threads, so blocking calls never run on the async runtime.
//!
//! One writer thread owns the only writing connection and commits in groups: it takes every job
//! waiting in its queue (up to [`MAX_BATCH`]), runs each inside its own savepoint, and commits
//! them with one `COMMIT` (one fsync). Each caller is answered only after that commit, so "201
//! Created" still means "committed". A job that fails (or panics) is rolled back to its
//! savepoint and the others still commit — unless SQLite aborted the whole transaction (a full
//! disk, an I/O error), in which case nothing of the batch is committed and every caller in it
//! is told so. Reader threads each own a read-only connection; WAL lets them read while the
//! writer writes.

use super::super::StoreError;
use crossbeam_channel::{Receiver, Sender, TrySendError};
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use rusqlite::Connection;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;
use tokio::sync::oneshot;

/// The most jobs committed together.
const MAX_BATCH: usize = 256;

/// Jobs allowed to wait for the writer; past this the database is overloaded and callers get a
/// 503 at once rather than a 503 after their work was queued (and later done).
const MAX_QUEUED: usize = 4096;

/// No database call waits longer than this; past it the database counts as unavailable.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

trait WriteJob: Send {
    /// Runs the work inside the open transaction, unless its caller has stopped waiting.
    fn run(&mut self, conn: &Connection);
    /// Answers the caller once the transaction's fate is known.
    fn finish(self: Box<Self>, commit: Result<(), String>);
}

struct Job<T, F> {
    work: Option<F>,
    result: Option<rusqlite::Result<T>>,
    reply: oneshot::Sender<Result<rusqlite::Result<T>, StoreError>>,
}

impl<T, F> WriteJob for Job<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> rusqlite::Result<T> + Send,
{
    fn run(&mut self, conn: &Connection) {
        // A caller that timed out has answered its client with a 503: doing its write now
        // would store what the client was told failed.
        if self.reply.is_closed() {
            return;
        }
        let Some(work) = self.work.take() else { return };
        // Prepared once and cached: this runs for every write.
        let savepoint = |sql: &str| conn.prepare_cached(sql).and_then(|mut s| s.execute([])).map(drop);
        let result = savepoint("SAVEPOINT job").and_then(|()| {
            let outcome = catch_unwind(AssertUnwindSafe(|| work(conn))).unwrap_or_else(|_| {
                tracing::error!("a database job panicked; rolled back");
                Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_INTERNAL),
                    Some("a database job panicked".into()),
                ))
            });
            // A failed job leaves no trace; the others in the batch still commit.
            if !conn.is_autocommit() {
                if outcome.is_err() {
                    savepoint("ROLLBACK TO job")?;
                }
                savepoint("RELEASE job")?;
            }
            Ok(outcome)
        });
        self.result = Some(result.and_then(|outcome| outcome));
    }

    fn finish(self: Box<Self>, commit: Result<(), String>) {
        let answer = match (commit, self.result) {
            (Ok(()), Some(result)) => Ok(result),
            (Err(error), _) => Err(StoreError::unavailable(format!("nothing was committed: {error}"))),
            (Ok(()), None) => Err(StoreError::unavailable("the job did not run")),
        };
        let _ = self.reply.send(answer);
    }
}

type ReadJob = Box<dyn FnOnce(&Connection) + Send>;

/// Handles to the writer and reader threads; cheap to clone.
#[derive(Clone)]
pub struct Threads {
    writer: Sender<Box<dyn WriteJob>>,
    readers: Sender<ReadJob>,
}

impl Threads {
    /// Starts the writer on `writer` and one reader thread per connection in `readers`.
    pub fn start(writer: Connection, readers: Vec<Connection>) -> std::io::Result<Self> {
        let (write_tx, write_rx) = crossbeam_channel::bounded::<Box<dyn WriteJob>>(MAX_QUEUED);
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || write_loop(writer, write_rx))?;
        let (read_tx, read_rx) = crossbeam_channel::bounded::<ReadJob>(MAX_QUEUED);
        for (i, conn) in readers.into_iter().enumerate() {
            let rx = read_rx.clone();
            std::thread::Builder::new().name(format!("sqlite-reader-{i}")).spawn(move || {
                while let Ok(job) = rx.recv() {
                    // A panicking read answers nobody (its caller sees "stopped mid-call") but
                    // must not take the reader thread with it.
                    let _ = catch_unwind(AssertUnwindSafe(|| job(&conn)));
                }
            })?;
        }
        Ok(Self { writer: write_tx, readers: read_tx })
    }

    /// Runs `work` in the next group commit; resolves after the commit.
    pub async fn write<T, F>(&self, work: F) -> Result<rusqlite::Result<T>, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Box::new(Job { work: Some(work), result: None, reply });
        self.writer.try_send(job).map_err(|e| queue_error("writer", &e))?;
        await_answer(answer).await?
    }

    /// Runs `work` on a reader connection.
    pub async fn read<T, F>(&self, work: F) -> Result<rusqlite::Result<T>, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: ReadJob = Box::new(move |conn| {
            let _ = reply.send(Ok(work(conn)));
        });
        self.readers.try_send(job).map_err(|e| queue_error("readers", &e))?;
        await_answer(answer).await?
    }
}

#[cfg(test)]
impl Threads {
    /// Writes waiting for the writer (tests make batches with it).
    fn queued(&self) -> usize {
        self.writer.len()
    }
}

fn queue_error<T>(who: &str, error: &TrySendError<T>) -> StoreError {
    match error {
        TrySendError::Full(_) => StoreError::unavailable(format!("the database {who} are overloaded")),
        TrySendError::Disconnected(_) => StoreError::unavailable(format!("the database {who} have stopped")),
    }
}

async fn await_answer<T>(answer: oneshot::Receiver<T>) -> Result<T, StoreError> {
    match tokio::time::timeout(CALL_TIMEOUT, answer).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) => Err(StoreError::unavailable("a database thread stopped mid-call")),
        Err(_) => Err(StoreError::unavailable(format!("no answer within {CALL_TIMEOUT:?}"))),
    }
}

/// The writer's figures, for `/metrics` (one writer per process in `prizegen up`; the tests'
/// front ends in one process add up).
pub struct WriterMetrics {
    /// Time from `BEGIN` to the end of `COMMIT` of each group commit.
    pub commit_seconds: Histogram,
    /// Writes committed together.
    pub commit_writes: Histogram,
}

/// The process's writer figures.
pub static WRITER_METRICS: std::sync::LazyLock<WriterMetrics> = std::sync::LazyLock::new(|| WriterMetrics {
    // 100 µs … ~3.3 s.
    commit_seconds: Histogram::new(exponential_buckets(0.0001, 2.0, 16)),
    commit_writes: Histogram::new(exponential_buckets(1.0, 2.0, 9)),
});

fn write_loop(conn: Connection, jobs: Receiver<Box<dyn WriteJob>>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let started = std::time::Instant::now();
        let outcome = run_batch(&conn, &mut batch);
        WRITER_METRICS.commit_seconds.observe(started.elapsed().as_secs_f64());
        WRITER_METRICS.commit_writes.observe(batch.len() as f64);
        for job in batch {
            job.finish(outcome.clone());
        }
    }
}

/// Runs a batch in one transaction; `Err` means nothing of it was committed.
fn run_batch(conn: &Connection, batch: &mut [Box<dyn WriteJob>]) -> Result<(), String> {
    conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| e.to_string())?;
    for job in batch.iter_mut() {
        job.run(conn);
        // Some errors (a full disk, an I/O error) make SQLite roll back the whole transaction.
        // Continuing would run the rest outside any transaction, each committing on its own.
        if conn.is_autocommit() {
            return Err("the transaction was aborted by an earlier error in its batch".into());
        }
    }
    let started = std::time::Instant::now();
    let committed = conn.execute_batch("COMMIT").map_err(|e| {
        let _ = conn.execute_batch("ROLLBACK");
        e.to_string()
    });
    let took = started.elapsed();
    if took >= SLOW_COMMIT {
        tracing::debug!(ms = took.as_secs_f64() * 1000.0, jobs = batch.len(), "slow commit");
    }
    committed
}

/// A commit this slow is logged (at debug level), with the jobs it carried.
const SLOW_COMMIT: Duration = Duration::from_millis(5);

#[cfg(test)]
mod tests {
    use super::*;

    fn threads(dir: &tempfile::TempDir) -> (Threads, std::path::PathBuf) {
        let path = dir.path().join("t.db");
        let writer = super::super::connect(&path).unwrap();
        writer.execute_batch("CREATE TABLE t (v BLOB NOT NULL)").unwrap();
        let reader = super::super::connect(&path).unwrap();
        (Threads::start(writer, vec![reader]).unwrap(), path)
    }

    fn count(path: &std::path::Path) -> i64 {
        let conn = Connection::open(path).unwrap();
        conn.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0)).unwrap()
    }

    /// Waits until `n` writes are queued behind a held writer (they then form one batch).
    async fn queued(threads: &Threads, n: usize) {
        while threads.queued() < n {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
    }

    /// Holds the writer until released, so that the next jobs queue into one batch.
    async fn hold_writer(threads: &Threads) -> std::sync::mpsc::Sender<()> {
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let (started, running) = oneshot::channel();
        let held = threads.clone();
        tokio::spawn(async move {
            let _ = held
                .write(move |_| {
                    let _ = started.send(());
                    let _ = wait.recv();
                    Ok(())
                })
                .await;
        });
        running.await.unwrap();
        release
    }

    #[tokio::test]
    async fn a_failing_job_is_rolled_back_and_its_batch_still_commits() {
        let dir = tempfile::tempdir().unwrap();
        let (threads, path) = threads(&dir);
        let release = hold_writer(&threads).await;
        let (t1, t2, t3) = (threads.clone(), threads.clone(), threads.clone());
        let bad =
            tokio::spawn(async move { t1.write(|c| c.execute("INSERT INTO t (v) VALUES (NULL)", [])).await });
        let good =
            tokio::spawn(
                async move { t2.write(|c| c.execute("INSERT INTO t (v) VALUES (x'01')", [])).await },
            );
        let panics = tokio::spawn(async move {
            t3.write(|c| {
                c.execute("INSERT INTO t (v) VALUES (x'02')", [])?;
                panic!("a bug in a job")
            })
            .await
        });
        queued(&threads, 3).await;
        release.send(()).unwrap();
        let (bad, good, panics) = (bad.await.unwrap(), good.await.unwrap(), panics.await.unwrap());
        let panics: Result<rusqlite::Result<usize>, _> = panics;
        assert!(bad.unwrap().is_err(), "the NOT NULL violation is the bad job's own error");
        assert_eq!(good.unwrap().unwrap(), 1);
        assert!(panics.unwrap().is_err(), "a panic is reported as a failed job");
        assert_eq!(count(&path), 1, "only the good job's row is stored");
        // The writer survived the panic.
        assert_eq!(
            threads.write(|c| c.execute("INSERT INTO t (v) VALUES (x'03')", [])).await.unwrap().unwrap(),
            1
        );
    }

    #[tokio::test]
    async fn an_aborted_transaction_commits_nothing_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let (threads, path) = threads(&dir);
        // A tiny page limit: a large insert fails with SQLITE_FULL, which aborts the transaction.
        threads.write(|c| c.query_row("PRAGMA max_page_count = 30", [], |_| Ok(()))).await.unwrap().unwrap();
        let release = hold_writer(&threads).await;
        let (t1, t2) = (threads.clone(), threads.clone());
        let big = tokio::spawn(async move {
            t1.write(|c| c.execute("INSERT INTO t (v) VALUES (zeroblob(200000))", [])).await
        });
        let small =
            tokio::spawn(
                async move { t2.write(|c| c.execute("INSERT INTO t (v) VALUES (x'01')", [])).await },
            );
        queued(&threads, 2).await;
        release.send(()).unwrap();
        let (big, small) = (big.await.unwrap(), small.await.unwrap());
        assert!(matches!(big, Err(StoreError::Unavailable(_)) | Ok(Err(_))), "{big:?}");
        assert!(matches!(small, Err(StoreError::Unavailable(_))), "the small job is told: {small:?}");
        assert_eq!(count(&path), 0, "and indeed nothing was committed");
    }
}
