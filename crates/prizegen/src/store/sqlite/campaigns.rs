//! Campaigns on SQLite: the gig planner's create, read, update, delete, each write recorded in
//! the audit log in its own job.

use super::{SqliteStore, audit, execute, flatten, now_ms, settle};
use crate::store::audit::NewEntry;
use crate::store::campaigns::{
    ALL_CAMPAIGNS, CAMPAIGN_BY_SLUG, CAMPAIGN_USED, DELETE_CAMPAIGN, INSERT_CAMPAIGN, UPDATE_CAMPAIGN,
    UpdateCheck, check_update,
};
use crate::store::rows::{FromRow, StoredRow};
use crate::store::{Actor, Campaign, CampaignFields, CampaignWrite, StoreError};
use rusqlite::{Connection, OptionalExtension};

/// A campaign and its id, by slug.
fn by_slug(conn: &Connection, slug: &str) -> rusqlite::Result<Option<(i64, Campaign)>> {
    conn.prepare_cached(CAMPAIGN_BY_SLUG)?
        .query_row([slug], |row| Ok((row.int("id")?, Campaign::from_row(row)?)))
        .optional()
}

impl SqliteStore {
    /// A campaign by slug.
    pub async fn campaign(&self, slug: &str) -> Result<Option<Campaign>, StoreError> {
        self.one(CAMPAIGN_BY_SLUG, vec![slug.to_owned().into()]).await
    }

    /// Every campaign, newest date first.
    pub async fn campaigns(&self) -> Result<Vec<Campaign>, StoreError> {
        self.all(ALL_CAMPAIGNS, vec![]).await
    }

    /// Creates a campaign; its slug must be free.
    pub async fn create_campaign(
        &self,
        fields: CampaignFields,
        actor: Actor,
    ) -> Result<CampaignWrite, StoreError> {
        let outcome = self
            .threads
            .write(move |conn| {
                execute(conn, INSERT_CAMPAIGN, &fields.insert_args(now_ms()))?;
                let Some((_, created)) = by_slug(conn, &fields.slug)? else {
                    return Ok(CampaignWrite::NotFound);
                };
                audit::append(conn, vec![NewEntry::campaign_created(&created, Some(actor))])?;
                Ok(CampaignWrite::Done(created))
            })
            .await?;
        settle(outcome)
    }

    /// Replaces a campaign's fields, if the update rules allow it, in one writer job.
    pub async fn update_campaign(
        &self,
        slug: &str,
        fields: CampaignFields,
        actor: Actor,
    ) -> Result<CampaignWrite, StoreError> {
        let slug = slug.to_owned();
        // The read, the checks and the update run in one transaction of the single writer, so
        // no draw can land between them; the CHECK (spent <= budget) stands behind it regardless.
        let outcome = self
            .threads
            .write(move |conn| {
                let Some((id, before)) = by_slug(conn, &slug)? else { return Ok(CampaignWrite::NotFound) };
                match check_update(&before, &fields) {
                    UpdateCheck::Refused(answer) => return Ok(answer),
                    UpdateCheck::AllowedIfUnused => {
                        let used =
                            conn.prepare_cached(CAMPAIGN_USED)?.query_row([id, id], |_| Ok(())).optional()?;
                        if used.is_some() {
                            return Ok(CampaignWrite::HasDraws);
                        }
                    }
                    UpdateCheck::Allowed => {}
                }
                execute(conn, UPDATE_CAMPAIGN, &fields.update_args(id))?;
                let after = before.clone().updated(fields);
                audit::append(conn, vec![NewEntry::campaign_updated(&before, &after, actor)])?;
                Ok(CampaignWrite::Done(after))
            })
            .await?;
        flatten(outcome)
    }

    /// Deletes a campaign without draws.
    pub async fn delete_campaign(&self, slug: &str, actor: Actor) -> Result<CampaignWrite, StoreError> {
        let slug = slug.to_owned();
        let outcome = self
            .threads
            .write(move |conn| {
                let Some((_, before)) = by_slug(conn, &slug)? else { return Ok(CampaignWrite::NotFound) };
                execute(conn, DELETE_CAMPAIGN, &[slug.as_str().into()])?;
                audit::append(conn, vec![NewEntry::campaign_deleted(&before, actor)])?;
                Ok(CampaignWrite::Deleted)
            })
            .await?;
        settle(outcome)
    }
}
