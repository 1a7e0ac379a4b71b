//! The operator's campaigns, one use case behind both the API and the admin pages: the fields
//! checked ("parse, don't validate", every invalid field named), the rules the store does not
//! hold (a game's default campaign stays), and what each store outcome means.

use crate::store::{Campaign, CampaignFields, CampaignWrite, Store, StoreError};
use prizegen_domain::games::{FieldError, Game};
use prizegen_domain::money::Pence;
use serde::Deserialize;
use utoipa::ToSchema;

/// Why a campaign could not be created, changed or deleted.
#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    /// Some fields are invalid; each is named.
    #[error("{}", FieldError::describe(.0))]
    Invalid(Vec<FieldError>),
    /// No campaign has that slug.
    #[error("there is no campaign {0:?}")]
    NotFound(String),
    /// Another campaign has the slug.
    #[error("campaign {0:?} exists already")]
    SlugTaken(String),
    /// The new budget is below what the campaign has already awarded.
    #[error("the campaign has already awarded {}; the budget cannot be lower", Pence(*.spent_pence))]
    BudgetBelowSpent {
        /// What it has awarded.
        spent_pence: u64,
    },
    /// The campaign has draws, so its game is history.
    #[error("the campaign has draws, so its game cannot change")]
    GameFixed,
    /// The campaign has draws, so it stays (it can be deactivated).
    #[error("the campaign has draws; deactivate it instead of deleting it")]
    HasDraws,
    /// A game's default campaign always exists.
    #[error("a game's default campaign cannot be deleted")]
    DefaultCampaign,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Creates a campaign from the operator's input.
pub async fn create(store: &Store, input: CampaignInput) -> Result<Campaign, CampaignError> {
    let fields = input.parse(None).map_err(CampaignError::Invalid)?;
    let slug = fields.slug.clone();
    match store.create_campaign(fields).await? {
        CampaignWrite::Done(campaign) => Ok(campaign),
        CampaignWrite::SlugTaken => Err(CampaignError::SlugTaken(slug)),
        other => Err(unexpected(other)),
    }
}

/// Replaces a campaign's fields (not its slug; its game only while it has no draws).
pub async fn update(store: &Store, slug: &str, input: CampaignInput) -> Result<Campaign, CampaignError> {
    let fields = input.parse(Some(slug)).map_err(CampaignError::Invalid)?;
    match store.update_campaign(slug, fields).await? {
        CampaignWrite::Done(campaign) => Ok(campaign),
        CampaignWrite::NotFound => Err(CampaignError::NotFound(slug.to_owned())),
        CampaignWrite::BudgetBelowSpent { spent_pence } => {
            Err(CampaignError::BudgetBelowSpent { spent_pence })
        }
        CampaignWrite::HasDraws => Err(CampaignError::GameFixed),
        other => Err(unexpected(other)),
    }
}

/// Deletes a campaign that has no draws and is not a game's default.
pub async fn delete(store: &Store, slug: &str) -> Result<(), CampaignError> {
    if is_default(slug) {
        return Err(CampaignError::DefaultCampaign);
    }
    match store.delete_campaign(slug).await? {
        CampaignWrite::Deleted => Ok(()),
        CampaignWrite::NotFound => Err(CampaignError::NotFound(slug.to_owned())),
        CampaignWrite::HasDraws => Err(CampaignError::HasDraws),
        other => Err(unexpected(other)),
    }
}

/// A store outcome this operation cannot produce: a bug.
fn unexpected(outcome: CampaignWrite) -> CampaignError {
    CampaignError::Store(StoreError::unexpected(format!("unexpected campaign outcome {outcome:?}")))
}

/// A campaign as the operator sends it (JSON or a form).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    /// Lowercase letters, digits and dashes, 2–40; fixed once created.
    #[serde(default)]
    pub slug: Option<String>,
    /// The act, 2–60 characters.
    #[serde(default)]
    pub name: String,
    /// The venue, 2–100 characters.
    #[serde(default)]
    pub venue: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub date: String,
    /// The game's name, e.g. `account-prize`.
    #[serde(default)]
    pub game: String,
    /// The most the campaign may award, in pence; absent or null for no limit.
    #[serde(default)]
    pub budget_pence: Option<i64>,
    /// Whether it takes draws (default true).
    #[serde(default)]
    pub active: Option<bool>,
}

fn error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(field, message)
}

fn length_error(field: &str, value: &str, min: usize, max: usize) -> Option<FieldError> {
    let n = value.trim().chars().count();
    (!(min..=max).contains(&n)).then(|| error(field, format!("{min} to {max} characters, not {n}")))
}

/// Whether `slug` is 2–40 lowercase letters, digits and dashes, not starting or ending with one.
pub fn valid_slug(slug: &str) -> bool {
    (2..=40).contains(&slug.len())
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

impl CampaignInput {
    /// Checks every field; `slug` is the one in the URL for an update, else the input's.
    pub fn parse(self, fixed_slug: Option<&str>) -> Result<CampaignFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let slug = match (fixed_slug, self.slug.as_deref()) {
            (Some(fixed), Some(given)) if given != fixed => {
                errors.push(error("slug", "a campaign's slug cannot change"));
                fixed.to_owned()
            }
            (Some(fixed), _) => fixed.to_owned(),
            (None, Some(given)) => given.trim().to_owned(),
            (None, None) => String::new(),
        };
        if !valid_slug(&slug) {
            errors.push(error("slug", "2 to 40 lowercase letters, digits and dashes (not first or last)"));
        }
        errors.extend(length_error("name", &self.name, 2, 60));
        errors.extend(length_error("venue", &self.venue, 2, 100));
        let date_format = time::macros::format_description!("[year]-[month]-[day]");
        if time::Date::parse(self.date.trim(), &date_format).is_err() {
            errors.push(error("date", "a date is YYYY-MM-DD, e.g. 2026-12-31"));
        }
        if self.game.parse::<Game>().is_err() {
            let games = Game::ALL.map(Game::slug).join(", ");
            errors.push(error("game", format!("unknown game; the games are: {games}")));
        }
        let budget_pence = match self.budget_pence {
            Some(budget) if budget < 0 => {
                errors.push(error("budget_pence", "a budget is 0 or more pence"));
                None
            }
            budget => budget.map(|b| b as u64),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CampaignFields {
            slug,
            name: self.name.trim().to_owned(),
            venue: self.venue.trim().to_owned(),
            date: self.date.trim().to_owned(),
            game: self.game,
            budget_pence,
            active: self.active.unwrap_or(true),
        })
    }
}

/// Whether `slug` is a game's default campaign, which always exists.
pub fn is_default(slug: &str) -> bool {
    Game::ALL.iter().any(|g| g.slug() == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CampaignInput {
        CampaignInput {
            slug: Some("summer-gig".into()),
            name: "The Pebbles".into(),
            venue: "Town Hall".into(),
            date: "2026-07-04".into(),
            game: "account-prize".into(),
            budget_pence: Some(10_000),
            active: None,
        }
    }

    #[test]
    fn a_valid_campaign() {
        let fields = input().parse(None).unwrap();
        assert_eq!(fields.slug, "summer-gig");
        assert!(fields.active);
        assert_eq!(fields.budget_pence, Some(10_000));
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = CampaignInput {
            slug: Some("Bad Slug".into()),
            name: "X".into(),
            venue: String::new(),
            date: "2026-02-30".into(),
            game: "poker".into(),
            budget_pence: Some(-1),
            active: None,
        };
        let fields: Vec<String> = bad.parse(None).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["slug", "name", "venue", "date", "game", "budget_pence"]);
    }

    #[test]
    fn the_slug_cannot_change_on_update() {
        let err = input().parse(Some("other")).unwrap_err();
        assert_eq!(err[0].field, "slug");
        let ok = CampaignInput { slug: None, ..input() }.parse(Some("other")).unwrap();
        assert_eq!(ok.slug, "other");
    }
}
