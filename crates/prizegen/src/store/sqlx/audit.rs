//! The audit log on the servers: an append locks the single head row (`FOR UPDATE`) inside the
//! transaction of the action it records, so appends from any number of replicas queue on that
//! lock and make one chain. The head is always the last row an action locks, so no two actions
//! wait for each other in opposite orders.

use super::{SqlxStore, error};
use crate::store::audit::{
    AUDIT_HEAD, ENTRIES_ABOUT, ENTRIES_AFTER, ENTRIES_OF_KIND, INSERT_ENTRY, MOVE_HEAD, NewEntry, SEALED,
    chain,
};
use crate::store::campaigns::ALL_CAMPAIGNS;
use crate::store::now_ms;
use crate::store::rows::FromRow;
use crate::store::seeds::CURRENT_SEED;
use crate::store::{AuditEntry, AuditHead, Campaign, SeedRecord, StoreError};
use prizegen_domain::merkle::Hash;
use sqlx::AnyConnection;

impl SqlxStore {
    /// Appends `entries` to the chain, in the caller's transaction (which ends holding the
    /// head's lock until it commits).
    pub(super) async fn append(
        &self,
        conn: &mut AnyConnection,
        entries: Vec<NewEntry>,
    ) -> Result<(), StoreError> {
        let locked = format!("{AUDIT_HEAD} FOR UPDATE");
        let row = self.query(&locked, &[]).fetch_one(&mut *conn).await.map_err(error)?;
        let appended = chain(AuditHead::from_row(&row)?, entries, now_ms());
        for args in appended.args() {
            self.query(INSERT_ENTRY, &args).execute(&mut *conn).await.map_err(error)?;
        }
        let moved =
            self.query(MOVE_HEAD, &appended.move_head_args()).execute(&mut *conn).await.map_err(error)?;
        if moved.rows_affected() != 1 {
            return Err(StoreError::unexpected("the audit head moved during an append"));
        }
        Ok(())
    }

    /// Starts the log, if it is empty, with the state it starts from.
    pub(super) async fn start_audit(&self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        let locked = format!("{AUDIT_HEAD} FOR UPDATE");
        let row = self.query(&locked, &[]).fetch_one(&mut *conn).await.map_err(error)?;
        if AuditHead::from_row(&row)?.seq > 0 {
            return Ok(());
        }
        let seed = self.query(CURRENT_SEED, &[]).fetch_optional(&mut *conn).await.map_err(error)?;
        let seed_hash = seed.as_ref().map(SeedRecord::from_row).transpose()?.map(|s| s.hash.to_string());
        let rows = self.query(ALL_CAMPAIGNS, &[]).fetch_all(&mut *conn).await.map_err(error)?;
        let campaigns = rows.iter().map(Campaign::from_row).collect::<Result<Vec<_>, _>>()?;
        self.append(conn, vec![NewEntry::started(seed_hash.as_deref(), &campaigns)]).await
    }

    /// Up to `limit` entries after `after`.
    pub async fn audit_entries(&self, after: u64, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        self.all(ENTRIES_AFTER, &[after.into(), i64::from(limit).into()]).await
    }

    /// The last entry's place and hash.
    pub async fn audit_head(&self) -> Result<AuditHead, StoreError> {
        let head = self.one(AUDIT_HEAD, &[]).await?;
        head.ok_or_else(|| StoreError::unexpected("the audit head row is missing"))
    }

    /// The entries of a kind about a subject.
    pub async fn audit_about(&self, kind: &str, subject: &str) -> Result<Vec<AuditEntry>, StoreError> {
        self.all(ENTRIES_ABOUT, &[kind.into(), subject.into()]).await
    }

    /// Every entry of a kind.
    pub async fn audit_of_kind(&self, kind: &str) -> Result<Vec<AuditEntry>, StoreError> {
        self.all(ENTRIES_OF_KIND, &[kind.into()]).await
    }

    /// Records a revealed seed's draw count and root, unless it has them already; whether
    /// this call recorded them. The check runs under the head's lock, so of replicas sealing
    /// the same seed at once one records it.
    pub async fn seal_seed(&self, seed_hash: &str, draws: u64, root: Hash) -> Result<bool, StoreError> {
        self.retrying(|| {
            self.timed(async {
                let mut tx = self.pool.begin().await.map_err(error)?;
                let locked = format!("{AUDIT_HEAD} FOR UPDATE");
                self.query(&locked, &[]).fetch_one(&mut *tx).await.map_err(error)?;
                let sealed =
                    self.query(SEALED, &[seed_hash.into()]).fetch_optional(&mut *tx).await.map_err(error)?;
                if sealed.is_some() {
                    return Ok(false);
                }
                self.append(&mut tx, vec![NewEntry::seed_sealed(seed_hash, draws, &root)]).await?;
                tx.commit().await.map_err(error)?;
                Ok(true)
            })
        })
        .await
    }

    /// Records a fault switch (`fault.switched`).
    pub async fn record_fault_switch(
        &self,
        service: String,
        details: serde_json::Value,
    ) -> Result<(), StoreError> {
        self.retrying(|| {
            self.timed(async {
                let mut tx = self.pool.begin().await.map_err(error)?;
                self.append(&mut tx, vec![NewEntry::fault_switched(&service, details.clone())]).await?;
                tx.commit().await.map_err(error)
            })
        })
        .await
    }

    /// Records an operator's sign-in.
    pub async fn record_sign_in(&self) -> Result<(), StoreError> {
        self.retrying(|| {
            self.timed(async {
                let mut tx = self.pool.begin().await.map_err(error)?;
                self.append(&mut tx, vec![NewEntry::operator_signed_in()]).await?;
                tx.commit().await.map_err(error)
            })
        })
        .await
    }
}
