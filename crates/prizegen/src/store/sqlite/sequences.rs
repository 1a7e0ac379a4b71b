//! prize-pool sequences on SQLite: stored when generated, claimed at most once.

use super::draws::{award, target};
use super::{SqliteStore, execute, settle};
use crate::store::audit::NewEntry;
use crate::store::claims::{
    CAMPAIGN_SLUG, CLAIM_SEQUENCE, GENERATION_COLUMNS, Generation, INSERT_CLAIM_DRAW, SEQUENCE_EXISTS, Slug,
};
use crate::store::draws::DRAW_BY_ID;
use crate::store::rows::FromRow;
use crate::store::sequences::{EncodedSequence, INSERT_SEQUENCE, SEQUENCE_BY_ID};
use crate::store::target::Target;
use crate::store::{
    ClaimOutcome, NewClaim, NewSequence, SequenceOutcome, StoreError, StoredDraw, StoredSequence,
};
use prizegen_domain::games::Game;
use rusqlite::OptionalExtension;

impl SqliteStore {
    /// Stores a generated prize-pool sequence.
    pub async fn insert_sequence(&self, sequence: NewSequence) -> Result<SequenceOutcome, StoreError> {
        let new = EncodedSequence::new(sequence)?;
        let outcome = self
            .threads
            .write(move |conn| {
                let sequence = &new.sequence;
                let campaign_id = match target(conn, &sequence.campaign, Game::PrizePool, sequence.seed_id)? {
                    Target::Campaign(id) => id,
                    Target::Refused(refusal) => return Ok(refusal.into()),
                };
                execute(conn, INSERT_SEQUENCE, &new.insert_args(campaign_id))?;
                Ok(SequenceOutcome::Inserted)
            })
            .await?;
        settle(outcome)
    }

    /// A prize-pool sequence.
    pub async fn sequence(&self, sequence: &str) -> Result<Option<StoredSequence>, StoreError> {
        self.one(SEQUENCE_BY_ID, vec![sequence.to_owned().into()]).await
    }

    /// Claims a sequence and stores its draw in one writer job; at most once per sequence.
    pub async fn claim_sequence(&self, claim: NewClaim) -> Result<ClaimOutcome, StoreError> {
        let outcome = self
            .threads
            .write(move |conn| {
                // The claim itself, returning what its draw keeps from the generation. A second
                // claim, concurrent or not, finds claimed_at set and changes nothing.
                let claimed = conn
                    .prepare_cached(&format!("{CLAIM_SEQUENCE} RETURNING {GENERATION_COLUMNS}"))?
                    .query_row(rusqlite::params_from_iter(&claim.claim_args()), |row| {
                        Generation::from_row(row)
                    })
                    .optional()?;
                let Some(generation) = claimed else {
                    let exists = conn
                        .prepare_cached(SEQUENCE_EXISTS)?
                        .query_row([&claim.sequence], |_| Ok(()))
                        .optional()?;
                    return Ok(if exists.is_some() {
                        ClaimOutcome::AlreadyClaimed
                    } else {
                        ClaimOutcome::Unknown
                    });
                };
                let served_by = claim
                    .served_by_json(&generation)
                    .map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?;
                let award = award(conn, generation.campaign_id, &claim.prize)?;
                execute(conn, INSERT_CLAIM_DRAW, &claim.draw_args(&generation, &award, served_by))?;
                if claim.credits(&award) {
                    let Slug(campaign) = conn
                        .prepare_cached(CAMPAIGN_SLUG)?
                        .query_row([generation.campaign_id], |row| Slug::from_row(row))?;
                    if let Some(credit) = claim.credit(&campaign, &award) {
                        super::players::credit(conn, &credit)?;
                    }
                }
                let draw = conn
                    .prepare_cached(DRAW_BY_ID)?
                    .query_row([&claim.draw_id], |row| StoredDraw::from_row(row))?;
                if draw.server_seed.is_some() {
                    // Its seed was revealed before this claim: not among the seed's leaves.
                    super::audit::append(conn, vec![NewEntry::claimed_after_reveal(&draw, &claim.sequence)])?;
                }
                Ok(ClaimOutcome::Claimed(Box::new(draw)))
            })
            .await?;
        settle(outcome)
    }
}
