//! `POST /api/v1/draws`, `GET /api/v1/draws/{id}`, `GET /api/v1/draws`.

use super::ApiQuery;
use crate::frontend::Frontend;
use crate::frontend::calls;
use crate::frontend::draws::{self, DrawError, DrawRequest};
use crate::frontend::view::DrawBody;
use crate::server::{ApiError, ApiJson, RequestId};
use crate::store::{DrawFilter, StoredDraw};
use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, header};
use prizegen_domain::fairness::ClientSeed;
use prizegen_domain::games::Game;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// Body of `POST /api/v1/draws`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDraw {
    /// The game's name, e.g. `account-prize`.
    game: String,
    /// A campaign's slug; the game's default campaign when absent.
    #[serde(default)]
    campaign: Option<String>,
    /// Your seed (UTF-8, at most 64 bytes); empty when absent.
    #[serde(default)]
    client_seed: Option<String>,
    /// Game-specific input: a character's `{"name", "race", "class", "ranks": {"strength": 1, …}}`;
    /// the other games take none.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    input: Option<serde_json::Value>,
}

/// `Idempotency-Key`: 1–255 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else { return Ok(None) };
    let key = value
        .to_str()
        .ok()
        .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()));
    key.map(|k| Some(k.to_owned())).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_idempotency_key",
            "Idempotency-Key is 1 to 255 visible ASCII characters",
        )
    })
}

/// Make one draw.
#[utoipa::path(
    post,
    tag = "draws",
    path = "/api/v1/draws",
    request_body = CreateDraw,
    params(("Idempotency-Key" = Option<String>, Header, description = "repeat a request safely: the same key returns the same draw")),
    responses(
        (status = 201, description = "drawn and committed", body = DrawBody),
        (status = 400, description = "not JSON, or a bad Idempotency-Key"),
        (status = 409, description = "a character's name is taken"),
        (status = 422, description = "a field is invalid (`error.field` names it): unknown game or campaign, client_seed too long, bad input"),
        (status = 503, description = "a service or the database is unavailable; `error.dependency` names it"),
    ),
)]
pub async fn create(
    State(front): State<Arc<Frontend>>,
    Extension(request_id): Extension<RequestId>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CreateDraw>,
) -> Result<Response, ApiError> {
    let game: Game = body
        .game
        .parse()
        .map_err(|e: prizegen_domain::games::UnknownGame| ApiError::invalid("unknown_game", e.to_string()))?;
    let client_seed = ClientSeed::parse(body.client_seed.unwrap_or_default())
        .map_err(|e| ApiError::invalid("invalid_client_seed", e.to_string()))?;
    let input = calls::parse_input(game, body.input.as_ref()).map_err(DrawError::InvalidInput)?;
    let request = DrawRequest {
        game,
        campaign: body.campaign,
        client_seed,
        input,
        idempotency_key: idempotency_key(&headers)?,
    };
    let created = draws::create(&front, request, &request_id).await?;
    let location = format!("/api/v1/draws/{}", created.draw.id);
    let body = body_of(created.draw)?;
    let mut response = (StatusCode::CREATED, [(header::LOCATION, location)], Json(body)).into_response();
    if created.replayed {
        response.headers_mut().insert("idempotent-replayed", http::HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// One draw.
#[utoipa::path(
    get,
    tag = "draws",
    path = "/api/v1/draws/{id}",
    params(("id" = String, Path, description = "the draw's id")),
    responses((status = 200, body = DrawBody), (status = 404, description = "no such draw")),
)]
pub async fn one(
    State(front): State<Arc<Frontend>>,
    Path(id): Path<String>,
) -> Result<Json<DrawBody>, ApiError> {
    let draw = front.store.draw(&id).await?;
    let draw =
        draw.ok_or_else(|| ApiError::not_found("draw_not_found", format!("there is no draw {id:?}")))?;
    Ok(Json(body_of(draw)?))
}

/// Filters of `GET /api/v1/draws`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only this game.
    game: Option<String>,
    /// Only this campaign (slug).
    campaign: Option<String>,
    /// At most this many, 1–100 (default 20).
    limit: Option<u32>,
}

/// The answer of `GET /api/v1/draws`.
#[derive(Serialize, ToSchema)]
pub struct DrawList {
    /// Newest first.
    draws: Vec<DrawBody>,
}

/// Recent draws, newest first.
#[utoipa::path(
    get,
    tag = "draws",
    path = "/api/v1/draws",
    params(ListQuery),
    responses((status = 200, body = DrawList), (status = 422, description = "unknown game or a limit out of range")),
)]
pub async fn list(
    State(front): State<Arc<Frontend>>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<DrawList>, ApiError> {
    let game = query
        .game
        .map(|g| g.parse::<Game>())
        .transpose()
        .map_err(|e| ApiError::invalid("unknown_game", e.to_string()))?;
    let limit = query.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid("invalid_limit", "limit is 1 to 100"));
    }
    let filter = DrawFilter { game, campaign: query.campaign, limit };
    let stored = front.store.recent_draws(filter).await?;
    let draws = stored.into_iter().map(body_of).collect::<Result<_, _>>()?;
    Ok(Json(DrawList { draws }))
}

fn body_of(draw: StoredDraw) -> Result<DrawBody, ApiError> {
    DrawBody::from_stored(draw).map_err(ApiError::internal)
}
