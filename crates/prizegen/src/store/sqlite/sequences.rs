//! prize-pool sequences: stored when generated, claimed at most once.

use super::draws::{Target, target};
use super::rows::{draw_row, sequence_row};
use super::{SqliteStore, flatten, stock, unexpected, unique_violation};
use crate::store::queries::{DRAW_COLUMNS, SEQUENCE_COLUMNS};
use crate::store::{
    ClaimOutcome, NewClaim, NewSequence, SequenceOutcome, ServedBy, StoreError, StoredSequence,
};
use prizegen_domain::games::Game;
use rusqlite::{OptionalExtension, params};

impl SqliteStore {
    pub async fn insert_sequence(&self, new: NewSequence) -> Result<SequenceOutcome, StoreError> {
        let served_by = serde_json::to_string(&new.served_by).map_err(unexpected)?;
        let nonce = i64::try_from(new.nonce).map_err(unexpected)?;
        let outcome = self
            .threads
            .write(move |conn| {
                let campaign_id = match target(conn, &new.campaign, Game::PrizePool, new.seed_id)? {
                    Target::CampaignUnavailable => return Ok(SequenceOutcome::CampaignUnavailable),
                    Target::SeedNotCurrent => return Ok(SequenceOutcome::SeedNotCurrent),
                    Target::Campaign(id) => id,
                };
                conn.prepare_cached(
                    "INSERT INTO sequences (sequence, campaign_id, created_at, seed_id, nonce, client_seed, served_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![new.sequence, campaign_id, new.created_at_ms, new.seed_id, nonce, new.client_seed, served_by])?;
                Ok(SequenceOutcome::Inserted)
            })
            .await?;
        match outcome {
            Err(error) if unique_violation(&error) == Some("sequences.sequence") => {
                Ok(SequenceOutcome::Taken)
            }
            other => flatten(other),
        }
    }

    pub async fn sequence(&self, sequence: &str) -> Result<Option<StoredSequence>, StoreError> {
        let sequence = sequence.to_owned();
        let outcome = self
            .threads
            .read(move |conn| {
                conn.prepare_cached(&format!("{SEQUENCE_COLUMNS} WHERE q.sequence = ?1"))?
                    .query_row([sequence], sequence_row)
                    .optional()
            })
            .await?;
        flatten(outcome)
    }

    pub async fn claim_sequence(&self, claim: NewClaim) -> Result<ClaimOutcome, StoreError> {
        let outcome = self
            .threads
            .write(move |conn| {
                // The claim itself: one conditional update. A second claim, concurrent or not,
                // finds claimed_at set and changes nothing.
                let claimed = conn
                    .prepare_cached(
                        "UPDATE sequences SET claimed_at = ?2, draw_id = ?3
                         WHERE sequence = ?1 AND claimed_at IS NULL
                         RETURNING campaign_id, seed_id, nonce, client_seed, served_by",
                    )?
                    .query_row(params![claim.sequence, claim.created_at_ms, claim.draw_id], |r| {
                        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?))
                    })
                    .optional()?;
                let Some((campaign_id, seed_id, nonce, client_seed, generated_by)) = claimed else {
                    let exists = conn
                        .prepare_cached("SELECT 1 FROM sequences WHERE sequence = ?1")?
                        .query_row([&claim.sequence], |_| Ok(()))
                        .optional()?;
                    return Ok(if exists.is_some() { ClaimOutcome::AlreadyClaimed } else { ClaimOutcome::Unknown });
                };
                let generated: ServedBy = serde_json::from_str(&generated_by).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, e.into())
                })?;
                let served_by = ServedBy { frontend: claim.frontend, rules: claim.rules, ..generated };
                let served_by = serde_json::to_string(&served_by).map_err(|e| {
                    rusqlite::Error::ToSqlConversionFailure(e.into())
                })?;
                let award = stock::award(conn, campaign_id, &claim.prize)?;
                conn.prepare_cached(
                    "INSERT INTO draws (id, game, campaign_id, created_at, seed_id, nonce, client_seed, result,
                         prize_pence, prize_label, drawn_prize_pence, drawn_prize_label, served_by)
                     VALUES (?1, 'prize-pool', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )?
                .execute(params![
                    claim.draw_id,
                    campaign_id,
                    claim.created_at_ms,
                    seed_id,
                    nonce,
                    client_seed,
                    claim.result_json,
                    award.prize.as_ref().map(|p| p.amount_pence.0 as i64),
                    award.prize.as_ref().map(|p| p.label.as_str()),
                    award.downgraded_from.as_ref().map(|p| p.amount_pence.0 as i64),
                    award.downgraded_from.as_ref().map(|p| p.label.as_str()),
                    served_by,
                ])?;
                let draw = conn.prepare_cached(&format!("{DRAW_COLUMNS} WHERE d.id = ?1"))?.query_row([&claim.draw_id], draw_row)?;
                Ok(ClaimOutcome::Claimed(Box::new(draw)))
            })
            .await?;
        flatten(outcome)
    }
}
