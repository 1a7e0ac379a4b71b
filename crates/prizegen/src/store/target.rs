//! Where a new draw or sequence may go: only to an active campaign of its game, and only under
//! the seed that is still current. Each driver finds out inside the writing transaction (SQLite
//! in one read on its single writer, the servers with a share lock on the seed row); what a
//! refusal answers is written here.

use super::{InsertOutcome, SequenceOutcome};

/// Where a new draw or sequence may go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Target {
    /// This campaign's id: it is active and for the game, and the seed is current.
    Campaign(i64),
    /// It may go nowhere, for this reason.
    Refused(Refusal),
}

/// Why a new draw or sequence may go nowhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Refusal {
    /// No active campaign of that slug for the game.
    CampaignUnavailable,
    /// The seed was rotated since its nonce was reserved.
    SeedNotCurrent,
}

impl From<Refusal> for InsertOutcome {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::CampaignUnavailable => Self::CampaignUnavailable,
            Refusal::SeedNotCurrent => Self::SeedNotCurrent,
        }
    }
}

impl From<Refusal> for SequenceOutcome {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::CampaignUnavailable => Self::CampaignUnavailable,
            Refusal::SeedNotCurrent => Self::SeedNotCurrent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_answered_in_the_writes_own_terms() {
        assert_eq!(InsertOutcome::from(Refusal::CampaignUnavailable), InsertOutcome::CampaignUnavailable);
        assert_eq!(InsertOutcome::from(Refusal::SeedNotCurrent), InsertOutcome::SeedNotCurrent);
        assert_eq!(SequenceOutcome::from(Refusal::CampaignUnavailable), SequenceOutcome::CampaignUnavailable);
        assert_eq!(SequenceOutcome::from(Refusal::SeedNotCurrent), SequenceOutcome::SeedNotCurrent);
    }
}
