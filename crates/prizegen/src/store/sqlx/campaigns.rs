//! Campaigns on the servers: the gig planner's create, read, update, delete.

use super::errors::settle;
use super::{SqlxStore, error};
use crate::store::campaigns::{
    ALL_CAMPAIGNS, CAMPAIGN_BY_SLUG, CAMPAIGN_USED, DELETE_CAMPAIGN, INSERT_CAMPAIGN, UPDATE_CAMPAIGN,
    UpdateCheck, check_update,
};
use crate::store::now_ms;
use crate::store::rows::{FromRow, StoredRow};
use crate::store::{Campaign, CampaignFields, CampaignWrite, StoreError};

impl SqlxStore {
    /// A campaign by slug.
    pub async fn campaign(&self, slug: &str) -> Result<Option<Campaign>, StoreError> {
        self.one(CAMPAIGN_BY_SLUG, &[slug.into()]).await
    }

    /// Every campaign, newest date first.
    pub async fn campaigns(&self) -> Result<Vec<Campaign>, StoreError> {
        self.all(ALL_CAMPAIGNS, &[]).await
    }

    /// Creates a campaign; its slug must be free.
    pub async fn create_campaign(&self, fields: CampaignFields) -> Result<CampaignWrite, StoreError> {
        let inserted = self
            .timed(async {
                Ok(self.query(INSERT_CAMPAIGN, &fields.insert_args(now_ms())).execute(&self.pool).await)
            })
            .await?;
        match inserted {
            Ok(_) => {
                Ok(self.campaign(&fields.slug).await?.map_or(CampaignWrite::NotFound, CampaignWrite::Done))
            }
            Err(failure) => settle(failure),
        }
    }

    /// Replaces a campaign's fields, if the update rules allow it, with the campaign row locked.
    pub async fn update_campaign(
        &self,
        slug: &str,
        fields: CampaignFields,
    ) -> Result<CampaignWrite, StoreError> {
        self.timed(async {
            let mut tx = self.pool.begin().await.map_err(error)?;
            // Locked: no draw can be added to it (their foreign-key check waits) until this ends.
            let locked = format!("{CAMPAIGN_BY_SLUG} FOR UPDATE");
            let row = self.query(&locked, &[slug.into()]).fetch_optional(&mut *tx).await.map_err(error)?;
            let Some(row) = row else { return Ok(CampaignWrite::NotFound) };
            let (id, before) = (row.int("id")?, Campaign::from_row(&row)?);
            match check_update(&before, &fields) {
                UpdateCheck::Refused(answer) => return Ok(answer),
                UpdateCheck::AllowedIfUnused => {
                    let used = self.query(CAMPAIGN_USED, &[id.into(), id.into()]);
                    if used.fetch_optional(&mut *tx).await.map_err(error)?.is_some() {
                        return Ok(CampaignWrite::HasDraws);
                    }
                }
                UpdateCheck::Allowed => {}
            }
            self.query(UPDATE_CAMPAIGN, &fields.update_args(id)).execute(&mut *tx).await.map_err(error)?;
            tx.commit().await.map_err(error)?;
            Ok(CampaignWrite::Done(before.updated(fields)))
        })
        .await
    }

    /// Deletes a campaign without draws.
    pub async fn delete_campaign(&self, slug: &str) -> Result<CampaignWrite, StoreError> {
        self.timed(async {
            match self.query(DELETE_CAMPAIGN, &[slug.into()]).execute(&self.pool).await {
                Ok(done) if done.rows_affected() == 1 => Ok(CampaignWrite::Deleted),
                Ok(_) => Ok(CampaignWrite::NotFound),
                Err(failure) => settle(failure),
            }
        })
        .await
    }
}
