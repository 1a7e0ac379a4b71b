//! `/api/v1/campaigns`: anyone may read; only the operator may create, change or delete.

use crate::frontend::Frontend;
use crate::frontend::campaigns::{CampaignInput, is_default};
use crate::frontend::draws::store_error;
use crate::frontend::operator::Operator;
use crate::server::{ApiError, ApiJson};
use crate::store::{Campaign, CampaignWrite};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// A campaign in JSON.
#[derive(Serialize, ToSchema)]
pub struct CampaignBody {
    slug: String,
    name: String,
    venue: String,
    date: String,
    game: String,
    /// Null for no limit.
    budget_pence: Option<u64>,
    /// What it has awarded.
    spent_pence: u64,
    /// What it may still award; null for no limit.
    stock_left_pence: Option<u64>,
    active: bool,
}

impl From<Campaign> for CampaignBody {
    fn from(c: Campaign) -> Self {
        Self {
            stock_left_pence: c.stock_left(),
            slug: c.slug,
            name: c.name,
            venue: c.venue,
            date: c.date,
            game: c.game,
            budget_pence: c.budget_pence,
            spent_pence: c.spent_pence,
            active: c.active,
        }
    }
}

/// The answer of `GET /api/v1/campaigns`.
#[derive(Serialize, ToSchema)]
pub struct CampaignList {
    campaigns: Vec<CampaignBody>,
}

/// Every campaign.
#[utoipa::path(get, path = "/api/v1/campaigns", responses((status = 200, body = CampaignList)))]
pub async fn list(State(front): State<Arc<Frontend>>) -> Result<Json<CampaignList>, ApiError> {
    let campaigns = front.store.campaigns().await.map_err(|e| store_error(&e))?;
    Ok(Json(CampaignList { campaigns: campaigns.into_iter().map(Into::into).collect() }))
}

/// One campaign.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{slug}",
    params(("slug" = String, Path)),
    responses((status = 200, body = CampaignBody), (status = 404, description = "no such campaign")),
)]
pub async fn one(
    State(front): State<Arc<Frontend>>,
    Path(slug): Path<String>,
) -> Result<Json<CampaignBody>, ApiError> {
    let campaign = front.store.campaign(&slug).await.map_err(|e| store_error(&e))?;
    campaign.map(|c| Json(c.into())).ok_or_else(|| not_found(&slug))
}

/// Operator only: create a campaign.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns",
    request_body = CampaignInput,
    security(("operator" = [])),
    responses(
        (status = 201, body = CampaignBody),
        (status = 401, description = "no or wrong operator token"),
        (status = 409, description = "the slug is taken"),
        (status = 422, description = "invalid fields, each named in `error.fields`"),
    ),
)]
pub async fn create(
    _: Operator,
    State(front): State<Arc<Frontend>>,
    ApiJson(input): ApiJson<CampaignInput>,
) -> Result<Response, ApiError> {
    let fields = input.parse(None).map_err(fields_error)?;
    let slug = fields.slug.clone();
    match front.store.create_campaign(fields).await.map_err(|e| store_error(&e))? {
        CampaignWrite::Done(campaign) => {
            let location = format!("/api/v1/campaigns/{}", campaign.slug);
            Ok((
                StatusCode::CREATED,
                [(http::header::LOCATION, location)],
                Json(CampaignBody::from(campaign)),
            )
                .into_response())
        }
        CampaignWrite::SlugTaken => {
            Err(ApiError::conflict("slug_taken", format!("campaign {slug:?} exists already")))
        }
        other => Err(unexpected(other)),
    }
}

/// Operator only: replace a campaign's fields (not its slug; its game only while it has no draws).
#[utoipa::path(
    put,
    path = "/api/v1/campaigns/{slug}",
    params(("slug" = String, Path)),
    request_body = CampaignInput,
    security(("operator" = [])),
    responses(
        (status = 200, body = CampaignBody),
        (status = 401, description = "no or wrong operator token"),
        (status = 404, description = "no such campaign"),
        (status = 409, description = "the game of a campaign with draws cannot change"),
        (status = 422, description = "invalid fields, or a budget below what was already awarded"),
    ),
)]
pub async fn update(
    _: Operator,
    State(front): State<Arc<Frontend>>,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<CampaignInput>,
) -> Result<Json<CampaignBody>, ApiError> {
    let fields = input.parse(Some(&slug)).map_err(fields_error)?;
    match front.store.update_campaign(&slug, fields).await.map_err(|e| store_error(&e))? {
        CampaignWrite::Done(campaign) => Ok(Json(campaign.into())),
        CampaignWrite::NotFound => Err(not_found(&slug)),
        CampaignWrite::BudgetBelowSpent { spent_pence } => Err(ApiError::invalid_fields(vec![(
            "budget_pence".into(),
            format!("the campaign has already awarded {spent_pence} pence; the budget cannot be lower"),
        )])),
        CampaignWrite::HasDraws => {
            Err(ApiError::conflict("has_draws", "the campaign has draws, so its game cannot change"))
        }
        other => Err(unexpected(other)),
    }
}

/// Operator only: delete a campaign that has no draws.
#[utoipa::path(
    delete,
    path = "/api/v1/campaigns/{slug}",
    params(("slug" = String, Path)),
    security(("operator" = [])),
    responses(
        (status = 204, description = "deleted"),
        (status = 401, description = "no or wrong operator token"),
        (status = 404, description = "no such campaign"),
        (status = 409, description = "it has draws (deactivate it instead) or is a game's default campaign"),
    ),
)]
pub async fn delete(
    _: Operator,
    State(front): State<Arc<Frontend>>,
    Path(slug): Path<String>,
) -> Result<StatusCode, ApiError> {
    if is_default(&slug) {
        return Err(ApiError::conflict("default_campaign", "a game's default campaign cannot be deleted"));
    }
    match front.store.delete_campaign(&slug).await.map_err(|e| store_error(&e))? {
        CampaignWrite::Deleted => Ok(StatusCode::NO_CONTENT),
        CampaignWrite::NotFound => Err(not_found(&slug)),
        CampaignWrite::HasDraws => Err(ApiError::conflict(
            "has_draws",
            "the campaign has draws; deactivate it instead of deleting it",
        )),
        other => Err(unexpected(other)),
    }
}

fn not_found(slug: &str) -> ApiError {
    ApiError::not_found("campaign_not_found", format!("there is no campaign {slug:?}"))
}

/// Every invalid field, named.
pub fn fields_error(fields: Vec<prizegen_domain::games::character::FieldError>) -> ApiError {
    ApiError::invalid_fields(fields.into_iter().map(|f| (f.field, f.message)).collect())
}

fn unexpected(outcome: CampaignWrite) -> ApiError {
    ApiError::internal(&crate::store::StoreError::unexpected(format!(
        "unexpected campaign outcome {outcome:?}"
    )))
}
