//! The audit log on SQLite: appends run inside the writer's job of the action they record (one
//! writer, so the head read and its move cannot interleave with another append); reads on a
//! reader thread.

use super::{SqliteStore, execute, flatten, now_ms};
use crate::store::audit::{
    AUDIT_HEAD, ENTRIES_ABOUT, ENTRIES_AFTER, ENTRIES_OF_KIND, INSERT_ENTRY, MOVE_HEAD, NewEntry, SEALED,
    chain,
};
use crate::store::campaigns::ALL_CAMPAIGNS;
use crate::store::rows::FromRow;
use crate::store::seeds::CURRENT_SEED;
use crate::store::{AuditEntry, AuditHead, Campaign, SeedRecord, StoreError};
use prizegen_domain::merkle::Hash;
use rusqlite::{Connection, OptionalExtension};

/// Appends `entries` to the chain, in the caller's transaction.
pub(super) fn append(conn: &Connection, entries: Vec<NewEntry>) -> rusqlite::Result<()> {
    let head = conn.prepare_cached(AUDIT_HEAD)?.query_row([], |row| AuditHead::from_row(row))?;
    let appended = chain(head, entries, now_ms());
    for args in appended.args() {
        execute(conn, INSERT_ENTRY, &args)?;
    }
    if execute(conn, MOVE_HEAD, &appended.move_head_args())? != 1 {
        // Only another writer could have moved it: a second process on the file, outside the
        // lock SQLite gives the transaction. Never expected; refuse rather than fork.
        return Err(rusqlite::Error::ToSqlConversionFailure("the audit head moved during an append".into()));
    }
    Ok(())
}

/// Starts the log, if it is empty, with the state it starts from.
pub(super) fn start(conn: &Connection) -> rusqlite::Result<()> {
    let head = conn.prepare_cached(AUDIT_HEAD)?.query_row([], |row| AuditHead::from_row(row))?;
    if head.seq > 0 {
        return Ok(());
    }
    let seed =
        conn.prepare_cached(CURRENT_SEED)?.query_row([], |row| SeedRecord::from_row(row)).optional()?;
    let campaigns: Vec<Campaign> = conn
        .prepare_cached(ALL_CAMPAIGNS)?
        .query_map([], |row| Campaign::from_row(row))?
        .collect::<Result<_, _>>()?;
    let seed_hash = seed.map(|s| s.hash.to_string());
    append(conn, vec![NewEntry::started(seed_hash.as_deref(), &campaigns)])
}

impl SqliteStore {
    /// Up to `limit` entries after `after`.
    pub async fn audit_entries(&self, after: u64, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        self.all(ENTRIES_AFTER, vec![after.into(), i64::from(limit).into()]).await
    }

    /// The last entry's place and hash.
    pub async fn audit_head(&self) -> Result<AuditHead, StoreError> {
        let head = self.one(AUDIT_HEAD, vec![]).await?;
        head.ok_or_else(|| StoreError::unexpected("the audit head row is missing"))
    }

    /// The entries of a kind about a subject.
    pub async fn audit_about(&self, kind: &str, subject: &str) -> Result<Vec<AuditEntry>, StoreError> {
        self.all(ENTRIES_ABOUT, vec![kind.to_owned().into(), subject.to_owned().into()]).await
    }

    /// Every entry of a kind.
    pub async fn audit_of_kind(&self, kind: &str) -> Result<Vec<AuditEntry>, StoreError> {
        self.all(ENTRIES_OF_KIND, vec![kind.to_owned().into()]).await
    }

    /// Records a revealed seed's draw count and root, unless it has them already; whether
    /// this call recorded them. The check and the append are one writer job.
    pub async fn seal_seed(&self, seed_hash: &str, draws: u64, root: Hash) -> Result<bool, StoreError> {
        let seed_hash = seed_hash.to_owned();
        let outcome = self
            .threads
            .write(move |conn| {
                let sealed = conn.prepare_cached(SEALED)?.query_row([&seed_hash], |_| Ok(())).optional()?;
                if sealed.is_some() {
                    return Ok(false);
                }
                append(conn, vec![NewEntry::seed_sealed(&seed_hash, draws, &root)])?;
                Ok(true)
            })
            .await?;
        flatten(outcome)
    }

    /// Records a fault switch (`fault.switched`).
    pub async fn record_fault_switch(
        &self,
        service: String,
        details: serde_json::Value,
    ) -> Result<(), StoreError> {
        let entry = NewEntry::fault_switched(&service, details);
        let outcome = self.threads.write(move |conn| append(conn, vec![entry])).await?;
        flatten(outcome)
    }

    /// Records an operator's sign-in.
    pub async fn record_sign_in(&self) -> Result<(), StoreError> {
        let outcome = self.threads.write(|conn| append(conn, vec![NewEntry::operator_signed_in()])).await?;
        flatten(outcome)
    }
}
