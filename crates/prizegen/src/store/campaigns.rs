//! Campaigns: the gig planner's records, each with the budget its prizes are paid from.

/// A campaign (the gig planner's record).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Campaign {
    /// Lowercase letters, digits and dashes.
    pub slug: String,
    /// The act.
    pub name: String,
    /// Where.
    pub venue: String,
    /// YYYY-MM-DD.
    pub date: String,
    /// The game it draws (its slug).
    pub game: String,
    /// The most it may award, if limited.
    pub budget_pence: Option<u64>,
    /// What it has awarded.
    pub spent_pence: u64,
    /// Whether it takes draws.
    pub active: bool,
}

impl Campaign {
    /// What is left to award, if the budget is limited.
    pub fn stock_left(&self) -> Option<u64> {
        self.budget_pence.map(|budget| budget.saturating_sub(self.spent_pence))
    }
}

/// What the operator may set on a campaign (`spent_pence` is the store's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CampaignFields {
    /// Lowercase letters, digits and dashes; fixed once created.
    pub slug: String,
    /// The act, 2–60 characters.
    pub name: String,
    /// Where, 2–100 characters.
    pub venue: String,
    /// YYYY-MM-DD.
    pub date: String,
    /// The game's slug.
    pub game: String,
    /// The most it may award.
    pub budget_pence: Option<u64>,
    /// Whether it takes draws.
    pub active: bool,
}

/// The outcome of a campaign write.
#[derive(Debug, PartialEq, Eq)]
pub enum CampaignWrite {
    /// Stored; the campaign as it is now.
    Done(Campaign),
    /// Deleted.
    Deleted,
    /// No campaign with that slug.
    NotFound,
    /// Another campaign has the slug.
    SlugTaken,
    /// The new budget is below what was already awarded.
    BudgetBelowSpent {
        /// What was already awarded.
        spent_pence: u64,
    },
    /// It has draws, so its game cannot change and it cannot be deleted.
    HasDraws,
}
