//! prize-pool sequences: stored when generated, claimed at most once.

use super::rows::{Arg, FromRow, StoredRow};
use super::{ServedBy, StoreError};

/// A prize-pool sequence about to be stored.
#[derive(Clone, Debug)]
pub struct NewSequence {
    /// The 20 characters; unique.
    pub sequence: String,
    /// The campaign's slug; must be active and for prize-pool.
    pub campaign: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// The seed used; must still be current.
    pub seed_id: i64,
    /// The nonce used.
    pub nonce: u64,
    /// The player's client seed.
    pub client_seed: String,
    /// Who generated it (the front end, letters, numbers, rules).
    pub served_by: ServedBy,
}

/// A stored sequence.
#[derive(Clone, Debug)]
pub struct StoredSequence {
    /// The 20 characters.
    pub sequence: String,
    /// The campaign's slug.
    pub campaign: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// The seed's commitment.
    pub seed_hash: String,
    /// The seed, once revealed.
    pub server_seed: Option<String>,
    /// The client seed.
    pub client_seed: String,
    /// The nonce.
    pub nonce: u64,
    /// Who generated it.
    pub served_by: ServedBy,
    /// The claim's draw, once claimed.
    pub draw_id: Option<String>,
}

/// What happened to a sequence insert.
#[derive(Debug, PartialEq, Eq)]
pub enum SequenceOutcome {
    /// Stored and committed.
    Inserted,
    /// The same sequence exists: draw again.
    Taken,
    /// The seed was rotated meanwhile.
    SeedNotCurrent,
    /// The campaign does not exist, is inactive, or is not a prize-pool campaign.
    CampaignUnavailable,
}

/// Every column of a stored sequence, with its campaign's slug and its seed's public parts.
macro_rules! select_sequences {
    () => {
        "SELECT q.sequence, c.slug, q.created_at, s.seed_hash,
            CASE WHEN s.revealed_at IS NOT NULL THEN s.server_seed END AS server_seed, q.client_seed,
            q.nonce, q.served_by, q.draw_id
        FROM sequences q JOIN campaigns c ON c.id = q.campaign_id JOIN server_seeds s ON s.id = q.seed_id"
    };
}

/// A sequence by its characters.
pub(super) const SEQUENCE_BY_ID: &str = concat!(select_sequences!(), " WHERE q.sequence = ?");
/// A new sequence. Arguments: [`EncodedSequence::insert_args`].
pub(super) const INSERT_SEQUENCE: &str =
    "INSERT INTO sequences (sequence, campaign_id, created_at, seed_id, nonce, client_seed, served_by)
     VALUES (?, ?, ?, ?, ?, ?, ?)";

impl FromRow for StoredSequence {
    /// Reads a row of [`SEQUENCE_BY_ID`].
    fn from_row<R: StoredRow>(row: &R) -> Result<Self, R::Error> {
        Ok(Self {
            sequence: row.text("sequence")?,
            campaign: row.text("slug")?,
            created_at_ms: row.int("created_at")?,
            seed_hash: row.text("seed_hash")?,
            server_seed: row.maybe_text("server_seed")?,
            client_seed: row.text("client_seed")?,
            nonce: row.int("nonce")? as u64,
            served_by: row.json("served_by")?,
            draw_id: row.maybe_text("draw_id")?,
        })
    }
}

/// A new sequence with its JSON column and nonce encoded before its transaction starts.
pub(super) struct EncodedSequence {
    /// The sequence.
    pub(super) sequence: NewSequence,
    /// `served_by`, as JSON.
    served_by: String,
    /// The nonce, as the database keeps it.
    nonce: i64,
}

impl EncodedSequence {
    /// Encodes `sequence`.
    pub(super) fn new(sequence: NewSequence) -> Result<Self, StoreError> {
        let served_by = serde_json::to_string(&sequence.served_by).map_err(StoreError::unexpected)?;
        let nonce = i64::try_from(sequence.nonce).map_err(StoreError::unexpected)?;
        Ok(Self { sequence, served_by, nonce })
    }

    /// [`INSERT_SEQUENCE`]'s arguments, in campaign `campaign_id`.
    pub(super) fn insert_args(&self, campaign_id: i64) -> [Arg<'_>; 7] {
        let new = &self.sequence;
        [
            new.sequence.as_str().into(),
            campaign_id.into(),
            new.created_at_ms.into(),
            new.seed_id.into(),
            self.nonce.into(),
            new.client_seed.as_str().into(),
            self.served_by.as_str().into(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::rows::fake::FakeRow;

    #[test]
    fn a_sequence_goes_in_and_comes_out_by_the_same_columns() {
        let served_by = serde_json::from_str(r#"{"frontend": "0.1.0@fe", "letters": "v2@l"}"#).unwrap();
        let new = NewSequence {
            sequence: "aB3".into(),
            campaign: "prize-pool".into(),
            created_at_ms: 5,
            seed_id: 2,
            nonce: 8,
            client_seed: "c".into(),
            served_by,
        };
        let encoded = EncodedSequence::new(new).unwrap();
        let args = encoded.insert_args(4);
        assert_eq!(args.len(), INSERT_SEQUENCE.matches('?').count());
        assert_eq!(
            args[..5],
            ["aB3".into(), Arg::Int(Some(4)), Arg::Int(Some(5)), Arg::Int(Some(2)), Arg::Int(Some(8))]
        );
        let row = FakeRow::parse(
            "sequence aB3 | slug prize-pool | created_at 5 | seed_hash h | server_seed NULL | client_seed c
            | nonce 8 | draw_id NULL | served_by {\"frontend\":\"0.1.0@fe\",\"letters\":\"v2@l\"}",
        );
        let stored = StoredSequence::from_row(&row).unwrap();
        assert_eq!(
            (stored.sequence.as_str(), stored.campaign.as_str(), stored.nonce),
            ("aB3", "prize-pool", 8)
        );
        assert_eq!((stored.server_seed, stored.draw_id), (None, None));
        assert_eq!(stored.served_by, encoded.sequence.served_by);
        row.assert_selected(SEQUENCE_BY_ID);
    }
}
