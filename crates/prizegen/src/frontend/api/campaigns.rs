//! `/api/v1/campaigns`: anyone may read; only the operator may create, change or delete.

use crate::frontend::Frontend;
use crate::frontend::auth::Operator;
use crate::frontend::campaigns::{self, CampaignError, CampaignInput};
use crate::server::{ApiError, ApiJson};
use crate::store::Campaign;
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
#[utoipa::path(get, tag = "campaigns", path = "/api/v1/campaigns", responses((status = 200, body = CampaignList)))]
pub async fn list(State(front): State<Arc<Frontend>>) -> Result<Json<CampaignList>, ApiError> {
    let campaigns = front.store.campaigns().await?;
    Ok(Json(CampaignList { campaigns: campaigns.into_iter().map(Into::into).collect() }))
}

/// One campaign.
#[utoipa::path(
    get,
    tag = "campaigns",
    path = "/api/v1/campaigns/{slug}",
    params(("slug" = String, Path)),
    responses((status = 200, body = CampaignBody), (status = 404, description = "no such campaign")),
)]
pub async fn one(
    State(front): State<Arc<Frontend>>,
    Path(slug): Path<String>,
) -> Result<Json<CampaignBody>, ApiError> {
    let campaign = front.store.campaign(&slug).await?;
    campaign.map(|c| Json(c.into())).ok_or_else(|| CampaignError::NotFound(slug).into())
}

/// Operator only: create a campaign.
#[utoipa::path(
    post,
    tag = "campaigns",
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
    let campaign = campaigns::create(&front.store, input).await?;
    let location = format!("/api/v1/campaigns/{}", campaign.slug);
    Ok((StatusCode::CREATED, [(http::header::LOCATION, location)], Json(CampaignBody::from(campaign)))
        .into_response())
}

/// Operator only: replace a campaign's fields (not its slug; its game only while it has no draws).
#[utoipa::path(
    put,
    tag = "campaigns",
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
    Ok(Json(campaigns::update(&front.store, &slug, input).await?.into()))
}

/// Operator only: delete a campaign that has no draws.
#[utoipa::path(
    delete,
    tag = "campaigns",
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
    campaigns::delete(&front.store, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}
