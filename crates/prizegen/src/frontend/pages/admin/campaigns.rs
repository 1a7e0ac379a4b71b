//! The campaigns' admin pages: the list with a new-campaign form, and one campaign's form with
//! its delete button. Writes go through the campaign use case, as the API's do; a refusal comes
//! back on the form, with the API's status and each field's error beside it.

use super::form::{CampaignForm, FormView};
use crate::contract::faults::{Fault, MAX_LATENCY_MS};
use crate::frontend::Frontend;
use crate::frontend::auth::Admin;
use crate::frontend::campaigns::{self, CampaignError};
use crate::frontend::error::PageError;
use crate::frontend::faults;
use crate::frontend::forms::AdminForm;
use crate::frontend::pages::{Frame, money, percent, render};
use crate::server::ApiError;
use crate::store::Actor;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use http::StatusCode;
use prizegen_domain::fairness::Service;
use serde::de::IgnoredAny;
use std::collections::BTreeMap;
use std::sync::Arc;

struct CampaignRow {
    slug: String,
    name: String,
    venue: String,
    date: String,
    game: String,
    budget: String,
    spent: String,
    active: bool,
}

/// One service's fault switch on the page, in the form's units.
struct FaultRow {
    service: &'static str,
    latency_ms: u32,
    error_percent: String,
    hang_percent: String,
    on: bool,
}

#[derive(Template)]
#[template(path = "admin_campaigns.html")]
struct CampaignsPage {
    campaigns: Vec<CampaignRow>,
    form: FormView,
    csrf: String,
    error: Option<String>,
    notice: Option<String>,
    faults: Vec<FaultRow>,
    fault_error: Option<String>,
    frame: Frame,
}

/// The fault form's fields as posted: percentages, empty for 0.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct FaultForm {
    latency_ms: String,
    error_percent: String,
    hang_percent: String,
}

impl FaultForm {
    /// The switch it asks for, or what is wrong with it.
    fn fault(&self) -> Result<Fault, String> {
        let number = |text: &str, what: &str| -> Result<f64, String> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(0.0);
            }
            text.parse::<f64>().ok().filter(|n| n.is_finite()).ok_or_else(|| format!("{what} is a number"))
        };
        let latency = number(&self.latency_ms, "The latency")?;
        if latency.fract() != 0.0 || !(0.0..=f64::from(MAX_LATENCY_MS)).contains(&latency) {
            return Err(format!("The latency is a whole number of milliseconds, 0 to {MAX_LATENCY_MS}."));
        }
        let fault = Fault {
            latency_ms: latency as u32,
            error_share: number(&self.error_percent, "The share of errors")? / 100.0,
            hang_share: number(&self.hang_percent, "The share of hangs")? / 100.0,
        };
        match fault.problem() {
            Some(_) => {
                Err("The shares are percentages from 0 to 100, and errors and hangs add up to at most 100."
                    .into())
            }
            None => Ok(fault),
        }
    }
}

fn fault_rows(front: &Frontend) -> Vec<FaultRow> {
    Service::ALL
        .into_iter()
        .map(|service| {
            let fault = front.faults.of(service).fault();
            FaultRow {
                service: service.as_str(),
                latency_ms: fault.latency_ms,
                error_percent: percent(fault.error_share),
                hang_percent: percent(fault.hang_share),
                on: !fault.is_off(),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin_campaign.html")]
struct CampaignPage {
    form: FormView,
    spent: String,
    csrf: String,
    error: Option<String>,
    frame: Frame,
}

/// A write the operator can fix on the form: its status, message and field errors.
struct Refusal {
    status: StatusCode,
    message: String,
    fields: BTreeMap<String, String>,
}

/// What a refused write shows on the form; what the operator cannot fix (no such campaign, the
/// database down) becomes an error page.
fn refusal(error: CampaignError) -> Result<Refusal, PageError> {
    let field = match &error {
        CampaignError::Invalid(_) => None,
        CampaignError::SlugTaken(_) | CampaignError::SlugFixed(_) => Some("slug"),
        CampaignError::BudgetBelowSpent { .. } => Some("budget_pence"),
        CampaignError::GameFixed => Some("game"),
        CampaignError::HasDraws | CampaignError::DefaultCampaign => None,
        CampaignError::NotFound(_) | CampaignError::Store(_) => return Err(error.into()),
    };
    let (message, mut fields) = match &error {
        CampaignError::Invalid(invalid) => (
            "Some fields need attention.".to_owned(),
            invalid.iter().map(|f| (f.field.clone(), f.message.clone())).collect(),
        ),
        other => (sentence(&other.to_string()), BTreeMap::new()),
    };
    if let Some(field) = field {
        fields.insert(field.to_owned(), error.to_string());
    }
    Ok(Refusal { status: ApiError::from(error).status, message, fields })
}

/// `the campaign has draws` → `The campaign has draws.`
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| format!("{}{}.", first.to_uppercase(), chars.as_str()))
}

async fn list_page(
    front: &Frontend,
    admin: &Admin,
    form: FormView,
    error: Option<String>,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    list_page_with(front, admin, form, Said { error, notice, fault_error: None }, status).await
}

/// What the list page says: the campaign form's error, a notice, the fault switches' error.
#[derive(Default)]
struct Said {
    error: Option<String>,
    notice: Option<String>,
    fault_error: Option<String>,
}

async fn list_page_with(
    front: &Frontend,
    admin: &Admin,
    form: FormView,
    Said { error, notice, fault_error }: Said,
    status: StatusCode,
) -> Result<Response, PageError> {
    let campaigns = front
        .store
        .campaigns()
        .await?
        .into_iter()
        .map(|c| CampaignRow {
            budget: money(c.budget_pence),
            spent: money(Some(c.spent_pence)),
            slug: c.slug,
            name: c.name,
            venue: c.venue,
            date: c.date,
            game: c.game,
            active: c.active,
        })
        .collect();
    let csrf = front.sessions.csrf(&admin.0);
    let faults = fault_rows(front);
    let page = CampaignsPage {
        campaigns,
        form,
        csrf,
        error,
        notice,
        faults,
        fault_error,
        frame: Frame::admin(front),
    };
    Ok(render(status, &page))
}

async fn edit_page(
    front: &Frontend,
    admin: &Admin,
    slug: &str,
    form: Option<FormView>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let campaign =
        front.store.campaign(slug).await?.ok_or_else(|| CampaignError::NotFound(slug.to_owned()))?;
    let page = CampaignPage {
        form: form.unwrap_or_else(|| FormView::of(&campaign)),
        spent: money(Some(campaign.spent_pence)),
        csrf: front.sessions.csrf(&admin.0),
        error,
        frame: Frame::admin(front),
    };
    Ok(render(status, &page))
}

/// `GET /admin`.
pub async fn list(admin: Admin, State(front): State<Arc<Frontend>>) -> Result<Response, PageError> {
    list_page(&front, &admin, FormView::blank(), None, None, StatusCode::OK).await
}

/// `GET /admin/campaigns/{slug}`.
pub async fn edit(
    admin: Admin,
    State(front): State<Arc<Frontend>>,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    edit_page(&front, &admin, &slug, None, None, StatusCode::OK).await
}

/// `POST /admin/faults/{service}`: a service's fault switch.
pub async fn switch_faults(
    State(front): State<Arc<Frontend>>,
    Path(service): Path<String>,
    AdminForm { admin, fields: form }: AdminForm<FaultForm>,
) -> Result<Response, PageError> {
    let switched = match form.fault() {
        Ok(fault) => faults::switch(&front.store, &front.faults, &service, fault, Actor::AdminPage).await,
        Err(message) => Err(ApiError::invalid("invalid_field", message)),
    };
    let (said, status) = match switched {
        Ok(fault) => {
            let state = if fault.is_off() { "off".to_owned() } else { fault.to_header() };
            (
                Said { notice: Some(format!("Faults of {service}: {state}.")), ..Said::default() },
                StatusCode::OK,
            )
        }
        Err(error) if error.status == StatusCode::UNPROCESSABLE_ENTITY => {
            (Said { fault_error: Some(error.message.clone()), ..Said::default() }, error.status)
        }
        Err(error) => return Err(error.into()),
    };
    list_page_with(&front, &admin, FormView::blank(), said, status).await
}

/// `POST /admin/campaigns`: the new-campaign form.
pub async fn create(
    State(front): State<Arc<Frontend>>,
    AdminForm { admin, fields: form }: AdminForm<CampaignForm>,
) -> Result<Response, PageError> {
    let created = match form.input(None) {
        Ok(input) => campaigns::create(&front.store, input, Actor::AdminPage).await,
        Err(invalid) => Err(CampaignError::Invalid(invalid)),
    };
    match created {
        Ok(campaign) => {
            let notice = Some(format!("Campaign {} created.", campaign.slug));
            list_page(&front, &admin, FormView::blank(), None, notice, StatusCode::OK).await
        }
        Err(error) => {
            let Refusal { status, message, fields } = refusal(error)?;
            let form = FormView::refill(&form, None, fields);
            list_page(&front, &admin, form, Some(message), None, status).await
        }
    }
}

/// `POST /admin/campaigns/{slug}`: a campaign's form.
pub async fn update(
    State(front): State<Arc<Frontend>>,
    Path(slug): Path<String>,
    AdminForm { admin, fields: form }: AdminForm<CampaignForm>,
) -> Result<Response, PageError> {
    let updated = match form.input(Some(&slug)) {
        Ok(input) => campaigns::update(&front.store, &slug, input, Actor::AdminPage).await,
        Err(invalid) => Err(CampaignError::Invalid(invalid)),
    };
    match updated {
        Ok(_) => {
            let notice = Some(format!("Campaign {slug} saved."));
            list_page(&front, &admin, FormView::blank(), None, notice, StatusCode::OK).await
        }
        Err(error) => {
            let Refusal { status, message, fields } = refusal(error)?;
            let form = Some(FormView::refill(&form, Some(&slug), fields));
            edit_page(&front, &admin, &slug, form, Some(message), status).await
        }
    }
}

/// `POST /admin/campaigns/{slug}/delete`.
pub async fn delete(
    State(front): State<Arc<Frontend>>,
    Path(slug): Path<String>,
    AdminForm { admin, .. }: AdminForm<IgnoredAny>,
) -> Result<Response, PageError> {
    match campaigns::delete(&front.store, &slug, Actor::AdminPage).await {
        Ok(()) => {
            let notice = Some(format!("Campaign {slug} deleted."));
            list_page(&front, &admin, FormView::blank(), None, notice, StatusCode::OK).await
        }
        Err(error) => {
            let Refusal { status, message, .. } = refusal(error)?;
            edit_page(&front, &admin, &slug, None, Some(message), status).await
        }
    }
}
