//! prize-pool sequences on the servers: stored when generated, claimed at most once.

use super::errors::settle;
use super::{SqlxStore, error};
use crate::store::audit::NewEntry;
use crate::store::claims::{
    CAMPAIGN_SLUG, CLAIM_SEQUENCE, GENERATION, Generation, INSERT_CLAIM_DRAW, SEQUENCE_EXISTS, Slug,
};
use crate::store::draws::DRAW_BY_ID;
use crate::store::rows::{FromRow, StoredRow};
use crate::store::sequences::{EncodedSequence, INSERT_SEQUENCE, SEQUENCE_BY_ID};
use crate::store::target::Target;
use crate::store::{
    ClaimOutcome, NewClaim, NewSequence, SequenceOutcome, StoreError, StoredDraw, StoredSequence,
};
use prizegen_domain::games::Game;

impl SqlxStore {
    /// Stores a generated prize-pool sequence.
    pub async fn insert_sequence(&self, sequence: NewSequence) -> Result<SequenceOutcome, StoreError> {
        let new = EncodedSequence::new(sequence)?;
        let sequence = &new.sequence;
        self.retrying(|| {
            self.timed(async {
                let mut tx = self.pool.begin().await.map_err(error)?;
                let campaign_id = match self
                    .target(&mut tx, &sequence.campaign, Game::PrizePool, sequence.seed_id)
                    .await?
                {
                    Target::Campaign(id) => id,
                    Target::Refused(refusal) => return Ok(refusal.into()),
                };
                match self.query(INSERT_SEQUENCE, &new.insert_args(campaign_id)).execute(&mut *tx).await {
                    Ok(_) => {
                        tx.commit().await.map_err(error)?;
                        Ok(SequenceOutcome::Inserted)
                    }
                    Err(failure) => settle(failure),
                }
            })
        })
        .await
    }

    /// A prize-pool sequence.
    pub async fn sequence(&self, wanted: &str) -> Result<Option<StoredSequence>, StoreError> {
        self.one(SEQUENCE_BY_ID, &[wanted.into()]).await
    }

    /// Claims a sequence and stores its draw in one transaction; at most once per sequence.
    pub async fn claim_sequence(&self, claim: NewClaim) -> Result<ClaimOutcome, StoreError> {
        let sequence = [claim.sequence.as_str().into()];
        self.retrying(|| {
            self.timed(async {
                let mut tx = self.pool.begin().await.map_err(error)?;
                // The claim itself: one conditional update. A second claim finds claimed_at set.
                let claimed =
                    self.query(CLAIM_SEQUENCE, &claim.claim_args()).execute(&mut *tx).await.map_err(error)?;
                if claimed.rows_affected() == 0 {
                    let exists = self
                        .query(SEQUENCE_EXISTS, &sequence)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(error)?;
                    return Ok(if exists.is_some() {
                        ClaimOutcome::AlreadyClaimed
                    } else {
                        ClaimOutcome::Unknown
                    });
                }
                let row = self.query(GENERATION, &sequence).fetch_one(&mut *tx).await.map_err(error)?;
                let generation = Generation::from_row(&row)?;
                let served_by = claim.served_by_json(&generation).map_err(StoreError::unexpected)?;
                let award = self.award(&mut tx, generation.campaign_id, &claim.prize).await?;
                let draw = claim.draw_args(&generation, &award, served_by);
                // A deleted player's draw breaks a foreign key: the answer it means.
                if let Err(failure) = self.query(INSERT_CLAIM_DRAW, &draw).execute(&mut *tx).await {
                    return settle(failure);
                }
                if claim.credits(&award) {
                    let campaign = [generation.campaign_id.into()];
                    let row =
                        self.query(CAMPAIGN_SLUG, &campaign).fetch_one(&mut *tx).await.map_err(error)?;
                    let Slug(slug) = Slug::from_row(&row)?;
                    if let Some(credit) = claim.credit(&slug, &award) {
                        self.credit(&mut tx, &credit).await?;
                    }
                }
                let stored = self
                    .query(DRAW_BY_ID, &[claim.draw_id.as_str().into()])
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(error)?;
                let stored = StoredDraw::from_row(&stored)?;
                // Whether its seed was revealed before this claim (then the draw is not among
                // the seed's Merkle leaves): a locking read, so it waits for a rotation under way
                // and sees the latest row even where the transaction reads a snapshot (MariaDB).
                let seed_sql = format!(
                    "SELECT revealed_at FROM server_seeds WHERE id = ?{}",
                    self.dialect.key_share_lock()
                );
                let seed = self
                    .query(&seed_sql, &[generation.seed_id.into()])
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(error)?;
                if seed.maybe_int("revealed_at")?.is_some() {
                    let entry = NewEntry::claimed_after_reveal(&stored, &claim.sequence);
                    self.append(&mut tx, vec![entry]).await?;
                }
                tx.commit().await.map_err(error)?;
                Ok(ClaimOutcome::Claimed(Box::new(stored)))
            })
        })
        .await
    }
}
