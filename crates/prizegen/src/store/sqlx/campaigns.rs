//! Campaigns on the servers: the gig planner's create, read, update, delete, each write recorded
//! in the audit log in its own transaction.

use super::errors::settle;
use super::{SqlxStore, error};
use crate::store::audit::NewEntry;
use crate::store::campaigns::{
    ALL_CAMPAIGNS_WITH_SHARDS, CAMPAIGN_BY_SLUG, CAMPAIGN_USED, CAMPAIGN_WITH_SHARDS_BY_SLUG,
    DELETE_CAMPAIGN, DELETE_SHARDS, FOLD_SHARDS, INSERT_CAMPAIGN, SHARDS_OF_CAMPAIGN, UPDATE_CAMPAIGN,
    UpdateCheck, check_update, with_shards,
};
use crate::store::now_ms;
use crate::store::rows::{FromRow, StoredRow};
use crate::store::{Actor, Campaign, CampaignFields, CampaignWrite, StoreError};
use sqlx::AnyConnection;

impl SqlxStore {
    /// A campaign and its id, its row locked until the transaction ends: no draw can be added
    /// to it meanwhile (their foreign-key check waits).
    async fn locked(
        &self,
        conn: &mut AnyConnection,
        slug: &str,
    ) -> Result<Option<(i64, Campaign)>, StoreError> {
        let locked = format!("{CAMPAIGN_BY_SLUG} FOR UPDATE");
        let row = self.query(&locked, &[slug.into()]).fetch_optional(&mut *conn).await.map_err(error)?;
        let Some(row) = row else { return Ok(None) };
        let (id, mut campaign) = (row.int("id")?, Campaign::from_row(&row)?);
        // No draw adds to a shard while the row is locked (each holds a key-share lock on it).
        let shards = format!("{SHARDS_OF_CAMPAIGN}{}", self.dialect.share_lock());
        for shard in self.query(&shards, &[id.into()]).fetch_all(&mut *conn).await.map_err(error)? {
            campaign.spent_pence += shard.int("spent_pence")? as u64;
        }
        Ok(Some((id, campaign)))
    }

    /// A campaign by slug.
    pub async fn campaign(&self, slug: &str) -> Result<Option<Campaign>, StoreError> {
        Ok(self.campaigns_with_shards(CAMPAIGN_WITH_SHARDS_BY_SLUG, &[slug.into()]).await?.pop())
    }

    /// Every campaign, newest date first.
    pub async fn campaigns(&self) -> Result<Vec<Campaign>, StoreError> {
        self.campaigns_with_shards(ALL_CAMPAIGNS_WITH_SHARDS, &[]).await
    }

    async fn campaigns_with_shards(
        &self,
        sql: &str,
        args: &[crate::store::rows::Arg<'_>],
    ) -> Result<Vec<Campaign>, StoreError> {
        self.timed(async {
            let rows = self.query(sql, args).fetch_all(&self.pool).await.map_err(error)?;
            with_shards(&rows)
        })
        .await
    }

    /// Creates a campaign; its slug must be free.
    pub async fn create_campaign(
        &self,
        fields: CampaignFields,
        actor: Actor,
    ) -> Result<CampaignWrite, StoreError> {
        self.retrying(|| {
            self.timed(async {
                let mut tx = self.pool.begin().await.map_err(error)?;
                let insert =
                    self.query(INSERT_CAMPAIGN, &fields.insert_args(now_ms())).execute(&mut *tx).await;
                if let Err(failure) = insert {
                    return settle(failure);
                }
                let row = self.query(CAMPAIGN_BY_SLUG, &[fields.slug.as_str().into()]);
                let created = Campaign::from_row(&row.fetch_one(&mut *tx).await.map_err(error)?)?;
                self.append(&mut tx, vec![NewEntry::campaign_created(&created, Some(actor))]).await?;
                tx.commit().await.map_err(error)?;
                Ok(CampaignWrite::Done(created))
            })
        })
        .await
    }

    /// Replaces a campaign's fields, if the update rules allow it, with the campaign row locked.
    pub async fn update_campaign(
        &self,
        slug: &str,
        fields: CampaignFields,
        actor: Actor,
    ) -> Result<CampaignWrite, StoreError> {
        self.retrying(|| {
            self.timed(async {
                let mut tx = self.pool.begin().await.map_err(error)?;
                let Some((id, before)) = self.locked(&mut tx, slug).await? else {
                    return Ok(CampaignWrite::NotFound);
                };
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
                // What it spent without a budget moves into its row, where a budget applies.
                self.query(FOLD_SHARDS, &[id.into(), id.into()]).execute(&mut *tx).await.map_err(error)?;
                self.query(DELETE_SHARDS, &[id.into()]).execute(&mut *tx).await.map_err(error)?;
                self.query(UPDATE_CAMPAIGN, &fields.update_args(id))
                    .execute(&mut *tx)
                    .await
                    .map_err(error)?;
                let after = before.clone().updated(fields.clone());
                self.append(&mut tx, vec![NewEntry::campaign_updated(&before, &after, actor)]).await?;
                tx.commit().await.map_err(error)?;
                Ok(CampaignWrite::Done(after))
            })
        })
        .await
    }

    /// Deletes a campaign without draws.
    pub async fn delete_campaign(&self, slug: &str, actor: Actor) -> Result<CampaignWrite, StoreError> {
        self.retrying(|| {
            self.timed(async {
                let mut tx = self.pool.begin().await.map_err(error)?;
                let Some((_, before)) = self.locked(&mut tx, slug).await? else {
                    return Ok(CampaignWrite::NotFound);
                };
                if let Err(failure) = self.query(DELETE_CAMPAIGN, &[slug.into()]).execute(&mut *tx).await {
                    return settle(failure);
                }
                self.append(&mut tx, vec![NewEntry::campaign_deleted(&before, actor)]).await?;
                tx.commit().await.map_err(error)?;
                Ok(CampaignWrite::Deleted)
            })
        })
        .await
    }
}
