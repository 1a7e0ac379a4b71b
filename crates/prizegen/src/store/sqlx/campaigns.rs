//! Campaigns: the gig planner's create, read, update, delete.

use super::rows::{CAMPAIGN_COLUMNS, campaign};
use super::{SqlxStore, error, now_ms, violated};
use crate::store::{Campaign, CampaignFields, CampaignWrite, StoreError};
use sqlx::Row;

impl SqlxStore {
    pub async fn campaign(&self, slug: &str) -> Result<Option<Campaign>, StoreError> {
        self.timed(async {
            let row = sqlx::query(self.sql(&format!("{CAMPAIGN_COLUMNS} WHERE slug = ?")))
                .bind(slug)
                .fetch_optional(&self.pool)
                .await
                .map_err(error)?;
            row.as_ref().map(campaign).transpose()
        })
        .await
    }

    pub async fn campaigns(&self) -> Result<Vec<Campaign>, StoreError> {
        self.timed(async {
            let rows = sqlx::query(self.sql(&format!("{CAMPAIGN_COLUMNS} ORDER BY date DESC, slug")))
                .fetch_all(&self.pool)
                .await
                .map_err(error)?;
            rows.iter().map(campaign).collect()
        })
        .await
    }

    pub async fn create_campaign(&self, fields: CampaignFields) -> Result<CampaignWrite, StoreError> {
        let inserted = self
            .timed(async {
                Ok(sqlx::query(self.sql(
                    "INSERT INTO campaigns (slug, name, venue, date, game, budget_pence, active, created_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ))
                .bind(&fields.slug)
                .bind(&fields.name)
                .bind(&fields.venue)
                .bind(&fields.date)
                .bind(&fields.game)
                .bind(fields.budget_pence.map(|b| b as i64))
                .bind(i64::from(fields.active))
                .bind(now_ms())
                .execute(&self.pool)
                .await)
            })
            .await?;
        match inserted {
            Ok(_) => {
                Ok(self.campaign(&fields.slug).await?.map_or(CampaignWrite::NotFound, CampaignWrite::Done))
            }
            Err(e) if violated(&e, "campaigns_slug") => Ok(CampaignWrite::SlugTaken),
            Err(e) => Err(error(e)),
        }
    }

    pub async fn update_campaign(
        &self,
        slug: &str,
        fields: CampaignFields,
    ) -> Result<CampaignWrite, StoreError> {
        self.timed(async {
            let mut tx = self.pool.begin().await.map_err(error)?;
            // Locked: no draw can be added to it (their foreign-key check waits) until this ends.
            let row = sqlx::query(self.sql(&format!("{CAMPAIGN_COLUMNS} WHERE slug = ? FOR UPDATE")))
                .bind(slug)
                .fetch_optional(&mut *tx)
                .await
                .map_err(error)?;
            let Some(row) = row else { return Ok(CampaignWrite::NotFound) };
            let before = campaign(&row)?;
            let id: i64 = row.try_get("id").map_err(error)?;
            if fields.budget_pence.is_some_and(|budget| budget < before.spent_pence) {
                return Ok(CampaignWrite::BudgetBelowSpent { spent_pence: before.spent_pence });
            }
            if fields.game != before.game {
                let used = sqlx::query(self.sql(
                    "SELECT campaign_id FROM draws WHERE campaign_id = ?
                     UNION ALL SELECT campaign_id FROM sequences WHERE campaign_id = ?",
                ))
                .bind(id)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(error)?;
                if used.is_some() {
                    return Ok(CampaignWrite::HasDraws);
                }
            }
            sqlx::query(self.sql(
                "UPDATE campaigns SET name = ?, venue = ?, date = ?, game = ?, budget_pence = ?, active = ? WHERE id = ?",
            ))
            .bind(&fields.name)
            .bind(&fields.venue)
            .bind(&fields.date)
            .bind(&fields.game)
            .bind(fields.budget_pence.map(|b| b as i64))
            .bind(i64::from(fields.active))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(error)?;
            tx.commit().await.map_err(error)?;
            Ok(CampaignWrite::Done(Campaign { name: fields.name, venue: fields.venue, date: fields.date, game: fields.game, budget_pence: fields.budget_pence, active: fields.active, ..before }))
        })
        .await
    }

    pub async fn delete_campaign(&self, slug: &str) -> Result<CampaignWrite, StoreError> {
        self.timed(async {
            match sqlx::query(self.sql("DELETE FROM campaigns WHERE slug = ?"))
                .bind(slug)
                .execute(&self.pool)
                .await
            {
                Ok(done) if done.rows_affected() == 1 => Ok(CampaignWrite::Deleted),
                Ok(_) => Ok(CampaignWrite::NotFound),
                Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => Ok(CampaignWrite::HasDraws),
                Err(e) => Err(error(e)),
            }
        })
        .await
    }
}
