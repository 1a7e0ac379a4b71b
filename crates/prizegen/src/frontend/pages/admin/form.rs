//! The campaign form: its typed fields, checked like the API's, and the form as the page shows
//! it (blank, a campaign's, or as the operator filled it, with each field's error).

use crate::frontend::campaigns::CampaignInput;
use crate::store::Campaign;
use prizegen_domain::games::{FieldError, Game};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The campaign form's fields as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CampaignForm {
    /// Only the new-campaign form has it (a slug never changes).
    slug: Option<String>,
    name: String,
    venue: String,
    date: String,
    game: String,
    /// Pence as typed; empty for no limit.
    budget_pence: String,
    /// The checkbox: present when ticked.
    active: Option<String>,
}

impl CampaignForm {
    /// The input the campaign use case checks, or the budget's error (the form's only field
    /// that is not text in the API) with every other invalid field.
    pub fn input(&self, fixed_slug: Option<&str>) -> Result<CampaignInput, Vec<FieldError>> {
        let budget = match self.budget_pence.trim() {
            "" => Ok(None),
            text => text.parse::<i64>().map(Some),
        };
        // What a person typed may start or end with a space; the API takes fields as they are.
        let typed = |text: &str| text.trim().to_owned();
        let input = CampaignInput {
            slug: fixed_slug.is_none().then(|| typed(self.slug.as_deref().unwrap_or_default())),
            name: typed(&self.name),
            venue: typed(&self.venue),
            date: typed(&self.date),
            game: self.game.clone(),
            budget_pence: budget.clone().unwrap_or(None),
            active: Some(self.active.is_some()),
        };
        if budget.is_ok() {
            return Ok(input);
        }
        let mut errors = input.parse(fixed_slug).err().unwrap_or_default();
        errors.push(FieldError::new("budget_pence", "a whole number of pence, or empty for no limit"));
        Err(errors)
    }
}

/// The campaign form as the page shows it.
pub struct FormView {
    pub(super) action: String,
    pub(super) new: bool,
    pub(super) slug: String,
    pub(super) name: String,
    pub(super) venue: String,
    pub(super) date: String,
    pub(super) games: Vec<(String, bool)>,
    pub(super) budget_pence: String,
    pub(super) active: bool,
    pub(super) errors: BTreeMap<String, String>,
}

impl FormView {
    fn games(picked: &str) -> Vec<(String, bool)> {
        Game::ALL.iter().map(|g| (g.slug().to_owned(), g.slug() == picked)).collect()
    }

    /// A new campaign's form: today, account-prize, no limit, active.
    pub fn blank() -> Self {
        let today = time::OffsetDateTime::now_utc().date().to_string();
        Self {
            action: "/admin/campaigns".into(),
            new: true,
            slug: String::new(),
            name: String::new(),
            venue: String::new(),
            date: today,
            games: Self::games(Game::AccountPrize.slug()),
            budget_pence: String::new(),
            active: true,
            errors: BTreeMap::new(),
        }
    }

    /// A stored campaign's form.
    pub fn of(campaign: &Campaign) -> Self {
        Self {
            action: format!("/admin/campaigns/{}", campaign.slug),
            new: false,
            slug: campaign.slug.clone(),
            name: campaign.name.clone(),
            venue: campaign.venue.clone(),
            date: campaign.date.clone(),
            games: Self::games(&campaign.game),
            budget_pence: campaign.budget_pence.map(|b| b.to_string()).unwrap_or_default(),
            active: campaign.active,
            errors: BTreeMap::new(),
        }
    }

    /// The form as posted (for `slug`'s campaign, or a new one), with `errors` by field.
    pub fn refill(form: &CampaignForm, slug: Option<&str>, errors: BTreeMap<String, String>) -> Self {
        let new = slug.is_none();
        let slug = slug.map_or_else(|| form.slug.clone().unwrap_or_default(), str::to_owned);
        Self {
            action: if new { "/admin/campaigns".into() } else { format!("/admin/campaigns/{slug}") },
            new,
            slug,
            name: form.name.clone(),
            venue: form.venue.clone(),
            date: form.date.clone(),
            games: Self::games(&form.game),
            budget_pence: form.budget_pence.clone(),
            active: form.active.is_some(),
            errors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(budget: &str) -> CampaignForm {
        let text =
            format!("slug=gig&name=The+Act&venue=Hall&date=2026-09-09&game=attack&budget_pence={budget}");
        serde_urlencoded::from_str(&text).unwrap()
    }

    #[test]
    fn an_unticked_box_is_inactive_and_an_empty_budget_unlimited() {
        let input = form("").input(None).unwrap();
        assert_eq!(
            (input.active, input.budget_pence, input.slug.as_deref()),
            (Some(false), None, Some("gig"))
        );
        let fixed = form("500").input(Some("other")).unwrap();
        assert_eq!((fixed.slug, fixed.budget_pence), (None, Some(500)));
    }

    #[test]
    fn what_a_person_typed_is_trimmed() {
        let padded = CampaignForm { name: " The Act ".into(), date: "2026-09-09 ".into(), ..form("") };
        let fields = padded.input(None).unwrap().parse(None).unwrap();
        assert_eq!((fields.name.as_str(), fields.date.as_str()), ("The Act", "2026-09-09"));
    }

    #[test]
    fn a_budget_that_is_not_a_number_is_named_with_the_other_errors() {
        let bad = CampaignForm { date: "soon".into(), ..form("lots") };
        let fields: Vec<_> = bad.input(None).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["date", "budget_pence"]);
    }
}
