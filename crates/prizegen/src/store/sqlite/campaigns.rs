//! Campaigns: the gig planner's create, read, update, delete.

use super::rows::{CAMPAIGN_COLUMNS, campaign_row};
use super::{SqliteStore, constraint_kind, flatten, now_ms, unique_violation};
use crate::store::{Campaign, CampaignFields, CampaignWrite, StoreError};
use rusqlite::{Connection, OptionalExtension, params};

fn by_slug(conn: &Connection, slug: &str) -> rusqlite::Result<Option<Campaign>> {
    conn.prepare_cached(&format!("{CAMPAIGN_COLUMNS} WHERE slug = ?1"))?
        .query_row([slug], campaign_row)
        .optional()
}

impl SqliteStore {
    pub async fn campaign(&self, slug: &str) -> Result<Option<Campaign>, StoreError> {
        let slug = slug.to_owned();
        flatten(self.threads.read(move |conn| by_slug(conn, &slug)).await?)
    }

    pub async fn campaigns(&self) -> Result<Vec<Campaign>, StoreError> {
        let outcome = self
            .threads
            .read(|conn| {
                let mut stmt =
                    conn.prepare_cached(&format!("{CAMPAIGN_COLUMNS} ORDER BY date DESC, slug"))?;
                stmt.query_map([], campaign_row)?.collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        flatten(outcome)
    }

    pub async fn create_campaign(&self, fields: CampaignFields) -> Result<CampaignWrite, StoreError> {
        let outcome = self
            .threads
            .write(move |conn| {
                conn.prepare_cached(
                    "INSERT INTO campaigns (slug, name, venue, date, game, budget_pence, active, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    fields.slug,
                    fields.name,
                    fields.venue,
                    fields.date,
                    fields.game,
                    fields.budget_pence.map(|b| b as i64),
                    fields.active,
                    now_ms()
                ])?;
                Ok(by_slug(conn, &fields.slug)?.map_or(CampaignWrite::NotFound, CampaignWrite::Done))
            })
            .await?;
        match outcome {
            Err(error) if unique_violation(&error) == Some("campaigns.slug") => Ok(CampaignWrite::SlugTaken),
            other => flatten(other),
        }
    }

    pub async fn update_campaign(
        &self,
        slug: &str,
        fields: CampaignFields,
    ) -> Result<CampaignWrite, StoreError> {
        let slug = slug.to_owned();
        let outcome = self
            .threads
            .write(move |conn| {
                let Some(before) = by_slug(conn, &slug)? else { return Ok(CampaignWrite::NotFound) };
                if fields.budget_pence.is_some_and(|budget| budget < before.spent_pence) {
                    return Ok(CampaignWrite::BudgetBelowSpent { spent_pence: before.spent_pence });
                }
                // The game of a campaign with draws is history; it cannot change.
                let changed = conn
                    .prepare_cached(
                        "UPDATE campaigns SET name = ?2, venue = ?3, date = ?4, game = ?5, budget_pence = ?6, active = ?7
                         WHERE slug = ?1 AND (game = ?5 OR NOT EXISTS (
                             SELECT 1 FROM draws d WHERE d.campaign_id = campaigns.id
                             UNION ALL SELECT 1 FROM sequences q WHERE q.campaign_id = campaigns.id))",
                    )?
                    .execute(params![
                        slug,
                        fields.name,
                        fields.venue,
                        fields.date,
                        fields.game,
                        fields.budget_pence.map(|b| b as i64),
                        fields.active
                    ])?;
                if changed == 0 {
                    return Ok(CampaignWrite::HasDraws);
                }
                Ok(by_slug(conn, &slug)?.map_or(CampaignWrite::NotFound, CampaignWrite::Done))
            })
            .await?;
        // The budget check and the update run in one transaction of the single writer, so no draw
        // can land between them; the CHECK (spent <= budget) stands behind it regardless.
        flatten(outcome)
    }

    pub async fn delete_campaign(&self, slug: &str) -> Result<CampaignWrite, StoreError> {
        let slug = slug.to_owned();
        let outcome = self
            .threads
            .write(move |conn| {
                let deleted =
                    conn.prepare_cached("DELETE FROM campaigns WHERE slug = ?1")?.execute([&slug])?;
                Ok(if deleted == 1 { CampaignWrite::Deleted } else { CampaignWrite::NotFound })
            })
            .await?;
        match outcome {
            Err(error) if constraint_kind(&error) == Some(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY) => {
                Ok(CampaignWrite::HasDraws)
            }
            other => flatten(other),
        }
    }
}
