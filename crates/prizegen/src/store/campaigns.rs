//! Campaigns: the gig planner's records, each with the budget its prizes are paid from.

use super::rows::{Arg, FromRow, StoredRow};
use prizegen_domain::games::Game;

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

/// Every campaign column, with its id for the writes that follow a read.
macro_rules! select_campaigns {
    () => {
        "SELECT id, slug, name, venue, date, game, budget_pence, spent_pence, active FROM campaigns"
    };
}

/// Every campaign column and one of its spending shards (migration 0005), one row per shard:
/// on the servers a campaign without a budget has spent its row's `spent_pence` plus the sum of
/// its shards' ([`with_shards`] adds them up). One statement, so one consistent view.
macro_rules! select_campaigns_with_shards {
    () => {
        "SELECT c.id, c.slug, c.name, c.venue, c.date, c.game, c.budget_pence, c.spent_pence, c.active,
                s.spent_pence AS shard_pence
         FROM campaigns c LEFT JOIN campaign_spending s ON s.campaign_id = c.id"
    };
}

/// A campaign by slug, with its shards (servers).
pub(super) const CAMPAIGN_WITH_SHARDS_BY_SLUG: &str =
    concat!(select_campaigns_with_shards!(), " WHERE c.slug = ?");
/// Every campaign with its shards, newest date first (servers).
pub(super) const ALL_CAMPAIGNS_WITH_SHARDS: &str =
    concat!(select_campaigns_with_shards!(), " ORDER BY c.date DESC, c.slug");
/// A campaign's shards (read inside its update, after its row is locked).
pub(super) const SHARDS_OF_CAMPAIGN: &str = "SELECT spent_pence FROM campaign_spending WHERE campaign_id = ?";
/// Moves a campaign's shards into its row, so that a budget set next applies to everything it
/// has spent; [`DELETE_SHARDS`] follows. Arguments: the campaign's id, twice.
pub(super) const FOLD_SHARDS: &str = "UPDATE campaigns SET spent_pence = spent_pence + COALESCE(
         (SELECT SUM(s.spent_pence) FROM campaign_spending s WHERE s.campaign_id = ?), 0)
     WHERE id = ?";
/// Removes a campaign's shards once folded. Argument: the campaign's id.
pub(super) const DELETE_SHARDS: &str = "DELETE FROM campaign_spending WHERE campaign_id = ?";

/// The campaigns of rows selected with [`ALL_CAMPAIGNS_WITH_SHARDS`] (or by slug): each with its
/// shards added to what it spent. A campaign's rows are adjacent (the slug is unique).
pub(super) fn with_shards<R: StoredRow>(rows: &[R]) -> Result<Vec<Campaign>, R::Error> {
    let mut campaigns: Vec<Campaign> = Vec::new();
    for row in rows {
        let shard = row.maybe_int("shard_pence")?.unwrap_or(0) as u64;
        let slug = row.text("slug")?;
        match campaigns.last_mut() {
            Some(last) if last.slug == slug => last.spent_pence += shard,
            _ => {
                let mut campaign = Campaign::from_row(row)?;
                campaign.spent_pence += shard;
                campaigns.push(campaign);
            }
        }
    }
    Ok(campaigns)
}

/// A campaign by slug.
pub(super) const CAMPAIGN_BY_SLUG: &str = concat!(select_campaigns!(), " WHERE slug = ?");
/// Every campaign, newest date first.
pub(super) const ALL_CAMPAIGNS: &str = concat!(select_campaigns!(), " ORDER BY date DESC, slug");
/// A new campaign. Arguments: [`CampaignFields::insert_args`].
pub(super) const INSERT_CAMPAIGN: &str =
    "INSERT INTO campaigns (slug, name, venue, date, game, budget_pence, active, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
/// A campaign's new fields, once [`check_update`] allows them. Arguments:
/// [`CampaignFields::update_args`].
pub(super) const UPDATE_CAMPAIGN: &str =
    "UPDATE campaigns SET name = ?, venue = ?, date = ?, game = ?, budget_pence = ?, active = ? WHERE id = ?";
/// Any row that makes a campaign history (a draw or a sequence); the campaign's id, twice.
pub(super) const CAMPAIGN_USED: &str = "SELECT campaign_id FROM draws WHERE campaign_id = ?
     UNION ALL SELECT campaign_id FROM sequences WHERE campaign_id = ?";
/// Deletes a campaign; its draws' and sequences' foreign keys refuse it if it has any.
pub(super) const DELETE_CAMPAIGN: &str = "DELETE FROM campaigns WHERE slug = ?";
/// A game's default campaign, without its insert-if-absent clause (the driver's dialect).
/// Arguments: [`default_campaigns`].
pub(super) const INSERT_DEFAULT_CAMPAIGN: &str =
    "INSERT INTO campaigns (slug, name, venue, date, game, budget_pence, active, created_at)
     VALUES (?, ?, 'Online', ?, ?, NULL, 1, ?)";

/// [`INSERT_DEFAULT_CAMPAIGN`]'s arguments for every game: slug = the game's, dated today (UTC).
pub(super) fn default_campaigns(now: i64) -> impl Iterator<Item = [Arg<'static>; 5]> {
    let today = time::OffsetDateTime::now_utc().date().to_string();
    Game::ALL.into_iter().map(move |game| {
        [game.slug().into(), game.title().into(), today.clone().into(), game.slug().into(), now.into()]
    })
}

impl FromRow for Campaign {
    /// Reads a row of the campaign SELECTs above (its id is read by the caller that needs it).
    fn from_row<R: StoredRow>(row: &R) -> Result<Self, R::Error> {
        Ok(Self {
            slug: row.text("slug")?,
            name: row.text("name")?,
            venue: row.text("venue")?,
            date: row.text("date")?,
            game: row.text("game")?,
            budget_pence: row.maybe_int("budget_pence")?.map(|b| b as u64),
            spent_pence: row.int("spent_pence")? as u64,
            active: row.int("active")? == 1,
        })
    }
}

impl Campaign {
    /// The campaign once `fields` replaced its own: the slug and what it spent stay.
    pub(super) fn updated(self, fields: CampaignFields) -> Self {
        let CampaignFields { slug: _, name, venue, date, game, budget_pence, active } = fields;
        Self { name, venue, date, game, budget_pence, active, ..self }
    }
}

impl CampaignFields {
    /// [`INSERT_CAMPAIGN`]'s arguments, created `now`.
    pub(super) fn insert_args(&self, now: i64) -> Vec<Arg<'_>> {
        std::iter::once(self.slug.as_str().into()).chain(self.operator_args()).chain([now.into()]).collect()
    }

    /// [`UPDATE_CAMPAIGN`]'s arguments, for the campaign with id `id`.
    pub(super) fn update_args(&self, id: i64) -> Vec<Arg<'_>> {
        self.operator_args().chain([id.into()]).collect()
    }

    /// What the operator may change, in the order both statements list it.
    fn operator_args(&self) -> impl Iterator<Item = Arg<'_>> {
        let budget = self.budget_pence.map(|b| b as i64);
        [self.name.as_str(), self.venue.as_str(), self.date.as_str(), self.game.as_str()]
            .map(Arg::from)
            .into_iter()
            .chain([budget.into(), self.active.into()])
    }
}

/// Whether an update may go ahead, judged against the campaign as it is, read in the same
/// transaction as the write.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum UpdateCheck {
    /// It may.
    Allowed,
    /// It changes the game, which only a campaign without draws or sequences may do: the driver
    /// asks [`CAMPAIGN_USED`] and answers [`CampaignWrite::HasDraws`] if it finds any.
    AllowedIfUnused,
    /// It may not; this is the answer.
    Refused(CampaignWrite),
}

/// The rules for replacing `before`'s fields with `fields`: a budget never drops below what
/// was already awarded, and the game of a campaign with draws is history.
pub(super) fn check_update(before: &Campaign, fields: &CampaignFields) -> UpdateCheck {
    if fields.budget_pence.is_some_and(|budget| budget < before.spent_pence) {
        UpdateCheck::Refused(CampaignWrite::BudgetBelowSpent { spent_pence: before.spent_pence })
    } else if fields.game != before.game {
        UpdateCheck::AllowedIfUnused
    } else {
        UpdateCheck::Allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gig() -> Campaign {
        Campaign {
            slug: "gig".into(),
            name: "The Band".into(),
            venue: "The Hall".into(),
            date: "2026-05-01".into(),
            game: "attack".into(),
            budget_pence: Some(10_000),
            spent_pence: 4_000,
            active: true,
        }
    }

    fn fields(game: &str, budget_pence: Option<u64>) -> CampaignFields {
        CampaignFields {
            slug: "gig".into(),
            name: "The Other Band".into(),
            venue: "The Hall".into(),
            date: "2026-05-02".into(),
            game: game.into(),
            budget_pence,
            active: false,
        }
    }

    #[test]
    fn a_budget_may_not_drop_below_what_was_awarded() {
        let refused = check_update(&gig(), &fields("attack", Some(3_999)));
        assert_eq!(refused, UpdateCheck::Refused(CampaignWrite::BudgetBelowSpent { spent_pence: 4_000 }));
        assert_eq!(check_update(&gig(), &fields("attack", Some(4_000))), UpdateCheck::Allowed);
        assert_eq!(check_update(&gig(), &fields("attack", None)), UpdateCheck::Allowed, "unlimited");
    }

    #[test]
    fn a_new_game_needs_a_campaign_without_history() {
        assert_eq!(check_update(&gig(), &fields("character", None)), UpdateCheck::AllowedIfUnused);
        let both = check_update(&gig(), &fields("character", Some(1)));
        assert!(matches!(both, UpdateCheck::Refused(CampaignWrite::BudgetBelowSpent { .. })), "budget first");
    }

    #[test]
    fn an_update_keeps_the_slug_and_what_was_spent() {
        let after = gig().updated(CampaignFields { slug: "other".into(), ..fields("character", None) });
        assert_eq!((after.slug.as_str(), after.spent_pence), ("gig", 4_000));
        assert_eq!(
            (after.name.as_str(), after.game.as_str(), after.budget_pence),
            ("The Other Band", "character", None)
        );
        assert!(!after.active);
    }

    #[test]
    fn arguments_follow_the_statements_placeholders() {
        let f = fields("attack", Some(500));
        assert_eq!(f.insert_args(9).len(), INSERT_CAMPAIGN.matches('?').count());
        assert_eq!(f.update_args(3).len(), UPDATE_CAMPAIGN.matches('?').count());
        assert_eq!(f.update_args(3)[4..], [Arg::Int(Some(500)), Arg::Int(Some(0)), Arg::Int(Some(3))]);
        for args in default_campaigns(1) {
            assert_eq!(args.len(), INSERT_DEFAULT_CAMPAIGN.matches('?').count());
            assert_eq!(args[0], args[3], "a default campaign's slug is its game's");
        }
    }
}
