//! Draws: insert (with prize stock), read, list.

use super::rows::draw;
use super::{SqlxStore, error, violated};
use crate::store::queries::DRAW_COLUMNS;
use crate::store::{DrawFilter, InsertOutcome, NewDraw, StoreError, StoredDraw};
use prizegen_domain::games::Game;
use sqlx::{AnyConnection, Row};

/// Where a new draw or sequence may go.
pub(super) enum Target {
    /// This campaign's id: active, for the game, and the seed is current.
    Campaign(i64),
    /// No active campaign of that slug for the game.
    CampaignUnavailable,
    /// The seed was rotated.
    SeedNotCurrent,
}

impl SqlxStore {
    /// Checks the campaign and the seed. The seed row stays share-locked until the transaction
    /// ends, so a rotation (which locks it exclusively) cannot reveal it before this draw commits.
    pub(super) async fn target(
        &self,
        conn: &mut AnyConnection,
        campaign: &str,
        game: Game,
        seed_id: i64,
    ) -> Result<Target, StoreError> {
        let seed_sql = format!(
            "SELECT COALESCE(is_current, 0) AS current FROM server_seeds WHERE id = ?{}",
            self.dialect.share_lock()
        );
        let current: i64 = match sqlx::query(self.sql(&seed_sql))
            .bind(seed_id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(error)?
        {
            Some(row) => row.try_get("current").map_err(error)?,
            None => 0,
        };
        if current != 1 {
            return Ok(Target::SeedNotCurrent);
        }
        let campaign =
            sqlx::query(self.sql("SELECT id FROM campaigns WHERE slug = ? AND game = ? AND active = 1"))
                .bind(campaign)
                .bind(game.slug())
                .fetch_optional(&mut *conn)
                .await
                .map_err(error)?;
        Ok(match campaign {
            Some(row) => Target::Campaign(row.try_get("id").map_err(error)?),
            None => Target::CampaignUnavailable,
        })
    }

    pub async fn insert_draw(&self, new: NewDraw) -> Result<InsertOutcome, StoreError> {
        let served_by = serde_json::to_string(&new.served_by).map_err(StoreError::unexpected)?;
        let collided = serde_json::to_string(&new.collided_nonces).map_err(StoreError::unexpected)?;
        self.retrying(|| {
            self.timed(async {
                let mut tx = self.pool.begin().await.map_err(error)?;
                let campaign_id = match self.target(&mut tx, &new.campaign, new.game, new.seed_id).await? {
                    Target::CampaignUnavailable => return Ok(InsertOutcome::CampaignUnavailable),
                    Target::SeedNotCurrent => return Ok(InsertOutcome::SeedNotCurrent),
                    Target::Campaign(id) => id,
                };
                let award = self.award(&mut tx, campaign_id, &new.prize).await?;
                let (idem_key, idem_hash) = match &new.idempotency {
                    Some(i) => (Some(i.key.clone()), Some(i.request_hash.clone())),
                    None => (None, None),
                };
                let inserted = sqlx::query(self.sql(
                "INSERT INTO draws (id, game, campaign_id, created_at, seed_id, nonce, client_seed, result,
                     prize_pence, prize_label, drawn_prize_pence, drawn_prize_label, served_by, unique_key,
                     global_key, idempotency_key, request_hash, collided_nonces)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ))
            .bind(&new.id)
            .bind(new.game.slug())
            .bind(campaign_id)
            .bind(new.created_at_ms)
            .bind(new.seed_id)
            .bind(new.nonce as i64)
            .bind(&new.client_seed)
            .bind(&new.result_json)
            .bind(award.prize.as_ref().map(|p| p.amount_pence.0 as i64))
            .bind(award.prize.as_ref().map(|p| p.label.clone()))
            .bind(award.downgraded_from.as_ref().map(|p| p.amount_pence.0 as i64))
            .bind(award.downgraded_from.as_ref().map(|p| p.label.clone()))
            .bind(&served_by)
            .bind(&new.unique_key)
            .bind(&new.global_key)
            .bind(idem_key)
            .bind(idem_hash)
            .bind(&collided)
            .execute(&mut *tx)
            .await;
                // On a violation the transaction is dropped, rolling back the budget spent above.
                match inserted {
                    Ok(_) => {
                        tx.commit().await.map_err(error)?;
                        Ok(InsertOutcome::Inserted(award))
                    }
                    Err(e) if violated(&e, "draws_unique_key") => Ok(InsertOutcome::UniqueKeyTaken),
                    Err(e) if violated(&e, "draws_global_key") => Ok(InsertOutcome::GlobalKeyTaken),
                    Err(e) if violated(&e, "draws_idempotency_key") => Ok(InsertOutcome::IdempotencyKeyTaken),
                    Err(e) => Err(error(e)),
                }
            })
        })
        .await
    }

    pub async fn draw(&self, id: &str) -> Result<Option<StoredDraw>, StoreError> {
        self.one_draw("d.id = ?", id).await
    }

    pub async fn draw_by_idempotency_key(&self, key: &str) -> Result<Option<StoredDraw>, StoreError> {
        self.one_draw("d.idempotency_key = ?", key).await
    }

    async fn one_draw(&self, condition: &str, value: &str) -> Result<Option<StoredDraw>, StoreError> {
        self.timed(async {
            let row = sqlx::query(self.sql(&format!("{DRAW_COLUMNS} WHERE {condition}")))
                .bind(value)
                .fetch_optional(&self.pool)
                .await
                .map_err(error)?;
            row.as_ref().map(draw).transpose()
        })
        .await
    }

    pub async fn recent_draws(&self, filter: DrawFilter) -> Result<Vec<StoredDraw>, StoreError> {
        self.timed(async {
            let mut sql = format!("{DRAW_COLUMNS} WHERE 1 = 1");
            if filter.game.is_some() {
                sql.push_str(" AND d.game = ?");
            }
            if filter.campaign.is_some() {
                sql.push_str(" AND c.slug = ?");
            }
            sql.push_str(" ORDER BY d.id DESC LIMIT ?");
            let mut query = sqlx::query(self.sql(&sql));
            if let Some(game) = filter.game {
                query = query.bind(game.slug());
            }
            if let Some(campaign) = filter.campaign {
                query = query.bind(campaign);
            }
            let rows = query.bind(i64::from(filter.limit)).fetch_all(&self.pool).await.map_err(error)?;
            rows.iter().map(draw).collect()
        })
        .await
    }
}
