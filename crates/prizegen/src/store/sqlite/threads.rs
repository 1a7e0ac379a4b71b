//! SQLite connections on their own threads, so blocking calls never run on the async runtime.
//!
//! One writer thread owns the only writing connection and commits in groups: it takes every job
//! waiting in its queue (up to [`MAX_BATCH`]), runs each inside its own savepoint, and commits
//! them with one `COMMIT` (one fsync). Each caller is answered only after that commit, so "201
//! Created" still means "committed". Reader threads each own a read-only connection; WAL lets
//! them read while the writer writes.

use super::super::StoreError;
use crossbeam_channel::{Receiver, Sender};
use rusqlite::Connection;
use std::time::Duration;
use tokio::sync::oneshot;

/// The most jobs committed together.
const MAX_BATCH: usize = 256;

/// No database call waits longer than this; past it the database counts as unavailable.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

trait WriteJob: Send {
    /// Runs the work inside the open transaction.
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
        let Some(work) = self.work.take() else { return };
        let result = conn.execute_batch("SAVEPOINT job").and_then(|()| {
            let outcome = work(conn);
            // A failed job leaves no trace; the others in the batch still commit.
            let end = if outcome.is_ok() { "RELEASE job" } else { "ROLLBACK TO job; RELEASE job" };
            conn.execute_batch(end)?;
            Ok(outcome)
        });
        self.result = Some(result.and_then(|outcome| outcome));
    }

    fn finish(self: Box<Self>, commit: Result<(), String>) {
        let answer = match (commit, self.result) {
            (Ok(()), Some(result)) => Ok(result),
            (Err(error), _) => Err(StoreError::Unavailable(format!("commit failed: {error}"))),
            (Ok(()), None) => Err(StoreError::Unavailable("the job did not run".into())),
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
        let (write_tx, write_rx) = crossbeam_channel::unbounded::<Box<dyn WriteJob>>();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || write_loop(writer, write_rx))?;
        let (read_tx, read_rx) = crossbeam_channel::unbounded::<ReadJob>();
        for (i, conn) in readers.into_iter().enumerate() {
            let rx = read_rx.clone();
            std::thread::Builder::new().name(format!("sqlite-reader-{i}")).spawn(move || {
                while let Ok(job) = rx.recv() {
                    job(&conn);
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
        self.writer
            .send(job)
            .map_err(|_| StoreError::Unavailable("the database writer has stopped".into()))?;
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
        self.readers
            .send(job)
            .map_err(|_| StoreError::Unavailable("the database readers have stopped".into()))?;
        await_answer(answer).await?
    }
}

async fn await_answer<T>(answer: oneshot::Receiver<T>) -> Result<T, StoreError> {
    match tokio::time::timeout(CALL_TIMEOUT, answer).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) => Err(StoreError::Unavailable("a database thread stopped mid-call".into())),
        Err(_) => Err(StoreError::Unavailable(format!("no answer within {CALL_TIMEOUT:?}"))),
    }
}

fn write_loop(conn: Connection, jobs: Receiver<Box<dyn WriteJob>>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(error) = conn.execute_batch("BEGIN IMMEDIATE") {
            let error = error.to_string();
            batch.into_iter().for_each(|job| job.finish(Err(error.clone())));
            continue;
        }
        for job in &mut batch {
            job.run(&conn);
        }
        let commit = conn.execute_batch("COMMIT").map_err(|e| e.to_string());
        if commit.is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for job in batch {
            job.finish(commit.clone());
        }
    }
}
