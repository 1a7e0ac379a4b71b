//! `/api/v1/campaigns`: anyone may read; only the operator may create, change or delete.

use crate::frontend::Frontend;
use crate::frontend::auth::Operator;
use crate::frontend::campaigns::{self, CampaignChanges, CampaignError, CampaignInput, NewCampaign};
use crate::server::error::ErrorResponse;
use crate::server::{ApiError, ApiJson};
use crate::store::Actor;
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
    /// Lowercase letters, digits and dashes; fixed once created.
    slug: String,
    /// The act.
    name: String,
    /// Where.
    venue: String,
    /// The day, `YYYY-MM-DD`.
    #[schema(format = Date)]
    date: String,
    /// The game its draws are of.
    game: String,
    /// The most it may award, in pence; null for no limit.
    #[schema(required = true)]
    budget_pence: Option<u64>,
    /// What it has awarded, in pence: the exact sum of its draws' prizes.
    spent_pence: u64,
    /// What it may still award, in pence; null for no limit.
    #[schema(required = true)]
    stock_left_pence: Option<u64>,
    /// Whether it takes draws.
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
    /// Every campaign, newest date first.
    campaigns: Vec<CampaignBody>,
}

/// Every campaign.
#[utoipa::path(
    get,
    tag = "campaigns",
    operation_id = "listCampaigns",
    path = "/api/v1/campaigns",
    responses((status = 200, description = "Every campaign, the games' default ones among them.", body = CampaignList)),
)]
pub async fn list(State(front): State<Arc<Frontend>>) -> Result<Json<CampaignList>, ApiError> {
    let campaigns = front.store.campaigns().await?;
    Ok(Json(CampaignList { campaigns: campaigns.into_iter().map(Into::into).collect() }))
}

/// One campaign.
#[utoipa::path(
    get,
    tag = "campaigns",
    operation_id = "getCampaign",
    path = "/api/v1/campaigns/{slug}",
    params(("slug" = String, Path, description = "The campaign's slug.", pattern = r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")),
    responses(
        (status = 200, description = "The campaign, with its stock left.", body = CampaignBody),
        (status = 404, description = "No campaign has that slug (`campaign_not_found`).", body = ErrorResponse),
    ),
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
    operation_id = "createCampaign",
    path = "/api/v1/campaigns",
    request_body = NewCampaign,
    security(("operator" = [])),
    responses(
        (status = 201, description = "Created.", body = CampaignBody,
            headers(("Location" = String, description = "`/api/v1/campaigns/{slug}`: where it is.")),
            links(
                ("getCampaign" = (operation_id = "getCampaign", parameters(("slug" = "$response.body#/slug")),
                    description = "The campaign just created.")),
                ("updateCampaign" = (operation_id = "updateCampaign", parameters(("slug" = "$response.body#/slug")),
                    description = "Change it.")),
                ("deleteCampaign" = (operation_id = "deleteCampaign", parameters(("slug" = "$response.body#/slug")),
                    description = "Delete it, while it has no draws.")),
            )),
        (status = 409, description = "Another campaign has the slug (`slug_taken`).", body = ErrorResponse),
        (status = 422, description = "Invalid fields (`invalid_field`), each named in `error.fields`.", body = ErrorResponse),
    ),
)]
pub async fn create(
    _: Operator,
    State(front): State<Arc<Frontend>>,
    ApiJson(input): ApiJson<CampaignInput>,
) -> Result<Response, ApiError> {
    let campaign = campaigns::create(&front.store, input, Actor::Api).await?;
    let location = format!("/api/v1/campaigns/{}", campaign.slug);
    Ok((StatusCode::CREATED, [(http::header::LOCATION, location)], Json(CampaignBody::from(campaign)))
        .into_response())
}

/// Operator only: replace a campaign's fields (not its slug; its game only while it has no draws).
#[utoipa::path(
    put,
    tag = "campaigns",
    operation_id = "updateCampaign",
    path = "/api/v1/campaigns/{slug}",
    params(("slug" = String, Path, description = "The campaign's slug.", pattern = r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")),
    request_body = CampaignChanges,
    security(("operator" = [])),
    responses(
        (status = 200, description = "Replaced; the campaign as it is now.", body = CampaignBody),
        (status = 404, description = "No campaign has that slug (`campaign_not_found`).", body = ErrorResponse),
        (status = 409, description = "The change conflicts with what is stored, `error.field` says which: another \
            slug than the campaign's (`slug_fixed`), another game for a campaign with draws (`has_draws`), a budget \
            below what it has already awarded (`budget_below_spent`).", body = ErrorResponse),
        (status = 422, description = "Invalid fields (`invalid_field`), each named in `error.fields`.", body = ErrorResponse),
    ),
)]
pub async fn update(
    _: Operator,
    State(front): State<Arc<Frontend>>,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<CampaignInput>,
) -> Result<Json<CampaignBody>, ApiError> {
    Ok(Json(campaigns::update(&front.store, &slug, input, Actor::Api).await?.into()))
}

/// Operator only: delete a campaign that has no draws.
#[utoipa::path(
    delete,
    tag = "campaigns",
    operation_id = "deleteCampaign",
    path = "/api/v1/campaigns/{slug}",
    params(("slug" = String, Path, description = "The campaign's slug.", pattern = r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")),
    security(("operator" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "No campaign has that slug (`campaign_not_found`).", body = ErrorResponse),
        (status = 409, description = "It has draws (`has_draws`: deactivate it instead), or it is a game's default \
            campaign (`default_campaign`).", body = ErrorResponse),
    ),
)]
pub async fn delete(
    _: Operator,
    State(front): State<Arc<Frontend>>,
    Path(slug): Path<String>,
) -> Result<StatusCode, ApiError> {
    campaigns::delete(&front.store, &slug, Actor::Api).await?;
    Ok(StatusCode::NO_CONTENT)
}
