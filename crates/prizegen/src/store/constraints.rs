//! The constraints whose violation is an answer, not an error.
//!
//! Many races are settled by the database refusing a write: a taken account number, name,
//! idempotency key, sequence or slug. Each driver says only which [`Constraint`] its error broke
//! (SQLite names the columns, the servers name the constraint); what that means for each kind of
//! write is written here, once, as [`Answer`].

use super::{CampaignWrite, ClaimOutcome, InsertOutcome, Registration, SequenceOutcome};

/// A constraint that a write may break as part of normal operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Constraint {
    /// A draw's unique key (an account number) is taken in its campaign.
    DrawUniqueKey,
    /// A draw's global key (a character's name) is taken in its game.
    DrawGlobalKey,
    /// A draw with the same idempotency key was stored first.
    IdempotencyKey,
    /// A prize-pool sequence with the same characters exists.
    SequenceTaken,
    /// Another campaign has the slug.
    CampaignSlug,
    /// Another player has the name, in some case.
    PlayerName,
    /// A foreign key: deleting a campaign that draws or sequences still refer to, or a draw
    /// for a player whose account was deleted meanwhile.
    ForeignKey,
}

/// An outcome that some broken constraints stand for.
pub(super) trait Answer: Sized {
    /// The outcome `broken` means for this kind of write; `None`: it is an error after all.
    fn answer(broken: Constraint) -> Option<Self>;
}

impl Answer for InsertOutcome {
    fn answer(broken: Constraint) -> Option<Self> {
        match broken {
            Constraint::DrawUniqueKey => Some(Self::UniqueKeyTaken),
            Constraint::DrawGlobalKey => Some(Self::GlobalKeyTaken),
            Constraint::IdempotencyKey => Some(Self::IdempotencyKeyTaken),
            // The campaign and seed were checked in the same transaction: only the player can
            // have gone.
            Constraint::ForeignKey => Some(Self::PlayerGone),
            _ => None,
        }
    }
}

impl Answer for ClaimOutcome {
    fn answer(broken: Constraint) -> Option<Self> {
        (broken == Constraint::ForeignKey).then_some(Self::PlayerGone)
    }
}

impl Answer for Registration {
    fn answer(broken: Constraint) -> Option<Self> {
        (broken == Constraint::PlayerName).then_some(Self::NameTaken)
    }
}

impl Answer for SequenceOutcome {
    fn answer(broken: Constraint) -> Option<Self> {
        (broken == Constraint::SequenceTaken).then_some(Self::Taken)
    }
}

impl Answer for CampaignWrite {
    fn answer(broken: Constraint) -> Option<Self> {
        match broken {
            Constraint::CampaignSlug => Some(Self::SlugTaken),
            // Deleting: the campaign has draws or sequences, which are history.
            Constraint::ForeignKey => Some(Self::HasDraws),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_constraint_answers_only_the_writes_it_means_something_to() {
        use {CampaignWrite as Campaign, InsertOutcome as Draw, SequenceOutcome as Sequence};
        let table = [
            (Constraint::DrawUniqueKey, Some(Draw::UniqueKeyTaken), None, None),
            (Constraint::DrawGlobalKey, Some(Draw::GlobalKeyTaken), None, None),
            (Constraint::IdempotencyKey, Some(Draw::IdempotencyKeyTaken), None, None),
            (Constraint::SequenceTaken, None, Some(Sequence::Taken), None),
            (Constraint::CampaignSlug, None, None, Some(Campaign::SlugTaken)),
            (Constraint::PlayerName, None, None, None),
            (Constraint::ForeignKey, Some(Draw::PlayerGone), None, Some(Campaign::HasDraws)),
        ];
        for (broken, draw, sequence, campaign) in table {
            assert_eq!(Draw::answer(broken), draw, "a draw's insert, {broken:?}");
            assert_eq!(Sequence::answer(broken), sequence, "a sequence's insert, {broken:?}");
            assert_eq!(Campaign::answer(broken), campaign, "a campaign write, {broken:?}");
            let registration = (broken == Constraint::PlayerName).then_some(Registration::NameTaken);
            assert_eq!(Registration::answer(broken), registration, "a registration, {broken:?}");
            let claim = (broken == Constraint::ForeignKey).then_some(ClaimOutcome::PlayerGone);
            assert_eq!(ClaimOutcome::answer(broken), claim, "a claim, {broken:?}");
        }
    }
}
