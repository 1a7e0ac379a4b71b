//! prize-pool sequences: stored when generated, claimed at most once.

use super::draws::Target;
use super::rows::{draw, sequence};
use super::{SqlxStore, error};
use crate::store::queries::{DRAW_COLUMNS, SEQUENCE_COLUMNS};
use crate::store::{
    ClaimOutcome, NewClaim, NewSequence, SequenceOutcome, ServedBy, StoreError, StoredSequence,
};
use prizegen_domain::games::Game;
use sqlx::Row;

impl SqlxStore {
    pub async fn insert_sequence(&self, new: NewSequence) -> Result<SequenceOutcome, StoreError> {
        let served_by = serde_json::to_string(&new.served_by).map_err(StoreError::unexpected)?;
        self.retrying(|| self.timed(async {
            let mut tx = self.pool.begin().await.map_err(error)?;
            let campaign_id = match self.target(&mut tx, &new.campaign, Game::PrizePool, new.seed_id).await? {
                Target::CampaignUnavailable => return Ok(SequenceOutcome::CampaignUnavailable),
                Target::SeedNotCurrent => return Ok(SequenceOutcome::SeedNotCurrent),
                Target::Campaign(id) => id,
            };
            let inserted = sqlx::query(self.sql(
                "INSERT INTO sequences (sequence, campaign_id, created_at, seed_id, nonce, client_seed, served_by)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            ))
            .bind(&new.sequence)
            .bind(campaign_id)
            .bind(new.created_at_ms)
            .bind(new.seed_id)
            .bind(new.nonce as i64)
            .bind(&new.client_seed)
            .bind(&served_by)
            .execute(&mut *tx)
            .await;
            match inserted {
                Ok(_) => {
                    tx.commit().await.map_err(error)?;
                    Ok(SequenceOutcome::Inserted)
                }
                Err(e) if is_duplicate_sequence(&e) => Ok(SequenceOutcome::Taken),
                Err(e) => Err(error(e)),
            }
        }))
        .await
    }

    pub async fn sequence(&self, wanted: &str) -> Result<Option<StoredSequence>, StoreError> {
        self.timed(async {
            let row = sqlx::query(self.sql(&format!("{SEQUENCE_COLUMNS} WHERE q.sequence = ?")))
                .bind(wanted)
                .fetch_optional(&self.pool)
                .await
                .map_err(error)?;
            row.as_ref().map(sequence).transpose()
        })
        .await
    }

    pub async fn claim_sequence(&self, claim: NewClaim) -> Result<ClaimOutcome, StoreError> {
        self.retrying(|| self.timed(async {
            let mut tx = self.pool.begin().await.map_err(error)?;
            // The claim itself: one conditional update. A second claim finds claimed_at set.
            let claimed = sqlx::query(self.sql(
                "UPDATE sequences SET claimed_at = ?, draw_id = ? WHERE sequence = ? AND claimed_at IS NULL",
            ))
            .bind(claim.created_at_ms)
            .bind(&claim.draw_id)
            .bind(&claim.sequence)
            .execute(&mut *tx)
            .await
            .map_err(error)?
            .rows_affected();
            if claimed == 0 {
                let exists = sqlx::query(self.sql("SELECT sequence FROM sequences WHERE sequence = ?"))
                    .bind(&claim.sequence)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(error)?;
                return Ok(if exists.is_some() { ClaimOutcome::AlreadyClaimed } else { ClaimOutcome::Unknown });
            }
            let row = sqlx::query(self.sql(
                "SELECT campaign_id, seed_id, nonce, client_seed, served_by FROM sequences WHERE sequence = ?",
            ))
            .bind(&claim.sequence)
            .fetch_one(&mut *tx)
            .await
            .map_err(error)?;
            let get_i64 = |name: &str| row.try_get::<i64, _>(name).map_err(error);
            let (campaign_id, seed_id, nonce) = (get_i64("campaign_id")?, get_i64("seed_id")?, get_i64("nonce")?);
            let client_seed: String = row.try_get("client_seed").map_err(error)?;
            let generated: String = row.try_get("served_by").map_err(error)?;
            let generated: ServedBy =
                serde_json::from_str(&generated).map_err(StoreError::unexpected)?;
            let served_by = ServedBy { frontend: claim.frontend.clone(), rules: claim.rules.clone(), ..generated };
            let served_by = serde_json::to_string(&served_by).map_err(StoreError::unexpected)?;
            let award = self.award(&mut tx, campaign_id, &claim.prize).await?;
            sqlx::query(self.sql(
                "INSERT INTO draws (id, game, campaign_id, created_at, seed_id, nonce, client_seed, result,
                     prize_pence, prize_label, drawn_prize_pence, drawn_prize_label, served_by, collided_nonces)
                 VALUES (?, 'prize-pool', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]')",
            ))
            .bind(&claim.draw_id)
            .bind(campaign_id)
            .bind(claim.created_at_ms)
            .bind(seed_id)
            .bind(nonce)
            .bind(&client_seed)
            .bind(&claim.result_json)
            .bind(award.prize.as_ref().map(|p| p.amount_pence.0 as i64))
            .bind(award.prize.as_ref().map(|p| p.label.clone()))
            .bind(award.downgraded_from.as_ref().map(|p| p.amount_pence.0 as i64))
            .bind(award.downgraded_from.as_ref().map(|p| p.label.clone()))
            .bind(&served_by)
            .execute(&mut *tx)
            .await
            .map_err(error)?;
            let stored = sqlx::query(self.sql(&format!("{DRAW_COLUMNS} WHERE d.id = ?")))
                .bind(&claim.draw_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(error)?;
            let stored = draw(&stored)?;
            tx.commit().await.map_err(error)?;
            Ok(ClaimOutcome::Claimed(Box::new(stored)))
        }))
        .await
    }
}

/// The sequence (the primary key) exists already. PostgreSQL names the constraint, MySQL calls
/// it `PRIMARY`; the only other unique key of the table, (seed, nonce), is never reused.
fn is_duplicate_sequence(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation() && !e.message().contains("seed_nonce"))
}
