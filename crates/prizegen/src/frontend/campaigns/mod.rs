//! The operator's campaigns, one use case behind both the API and the admin pages: the fields
//! checked ("parse, don't validate", every invalid field named), the rules the store does not
//! hold (a game's default campaign stays), and what each store outcome means.

pub mod input;

pub use input::{CampaignChanges, CampaignInput, NewCampaign, valid_slug};

use crate::store::{Actor, Campaign, CampaignWrite, Store, StoreError};
use prizegen_domain::games::{FieldError, Game};
use prizegen_domain::money::Pence;

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
    /// A change names another slug than the campaign's.
    #[error("a campaign's slug cannot change; this one is {0:?}")]
    SlugFixed(String),
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
pub async fn create(store: &Store, input: CampaignInput, actor: Actor) -> Result<Campaign, CampaignError> {
    let fields = input.parse(None).map_err(CampaignError::Invalid)?;
    let slug = fields.slug.clone();
    match store.create_campaign(fields, actor).await? {
        CampaignWrite::Done(campaign) => Ok(campaign),
        CampaignWrite::SlugTaken => Err(CampaignError::SlugTaken(slug)),
        other => Err(unexpected(other)),
    }
}

/// Replaces a campaign's fields (not its slug; its game only while it has no draws).
pub async fn update(
    store: &Store,
    slug: &str,
    input: CampaignInput,
    actor: Actor,
) -> Result<Campaign, CampaignError> {
    if input.slug.as_deref().is_some_and(|given| given != slug) {
        return Err(CampaignError::SlugFixed(slug.to_owned()));
    }
    let fields = input.parse(Some(slug)).map_err(CampaignError::Invalid)?;
    match store.update_campaign(slug, fields, actor).await? {
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
pub async fn delete(store: &Store, slug: &str, actor: Actor) -> Result<(), CampaignError> {
    if is_default(slug) {
        return Err(CampaignError::DefaultCampaign);
    }
    match store.delete_campaign(slug, actor).await? {
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

/// Whether `slug` is a game's default campaign, which always exists.
pub fn is_default(slug: &str) -> bool {
    Game::ALL.iter().any(|g| g.slug() == slug)
}
