//! Campaigns on SQLite: the gig planner's create, read, update, delete.

use super::{SqliteStore, execute, flatten, now_ms, settle};
use crate::store::campaigns::{
    ALL_CAMPAIGNS, CAMPAIGN_BY_SLUG, CAMPAIGN_USED, DELETE_CAMPAIGN, INSERT_CAMPAIGN, UPDATE_CAMPAIGN,
    UpdateCheck, check_update,
};
use crate::store::rows::{FromRow, StoredRow};
use crate::store::{Campaign, CampaignFields, CampaignWrite, StoreError};
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
    pub async fn create_campaign(&self, fields: CampaignFields) -> Result<CampaignWrite, StoreError> {
        let outcome = self
            .threads
            .write(move |conn| {
                execute(conn, INSERT_CAMPAIGN, &fields.insert_args(now_ms()))?;
                Ok(by_slug(conn, &fields.slug)?
                    .map_or(CampaignWrite::NotFound, |(_, c)| CampaignWrite::Done(c)))
            })
            .await?;
        settle(outcome)
    }

    /// Replaces a campaign's fields, if the update rules allow it, in one writer job.
    pub async fn update_campaign(
        &self,
        slug: &str,
        fields: CampaignFields,
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
                Ok(CampaignWrite::Done(before.updated(fields)))
            })
            .await?;
        flatten(outcome)
    }

    /// Deletes a campaign without draws.
    pub async fn delete_campaign(&self, slug: &str) -> Result<CampaignWrite, StoreError> {
        let slug = slug.to_owned();
        let outcome = self
            .threads
            .write(move |conn| {
                let deleted = execute(conn, DELETE_CAMPAIGN, &[slug.as_str().into()])?;
                Ok(if deleted == 1 { CampaignWrite::Deleted } else { CampaignWrite::NotFound })
            })
            .await?;
        settle(outcome)
    }
}
