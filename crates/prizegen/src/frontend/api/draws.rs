//! `POST /api/v1/draws`, `GET /api/v1/draws/{id}`, `GET /api/v1/draws`.

use super::ApiQuery;
use super::schemas::NewDraw;
use crate::frontend::Frontend;
use crate::frontend::auth::player::{ENDED as SESSION_ENDED, bearer as bearer_token};
use crate::frontend::calls;
use crate::frontend::campaigns::valid_slug;
use crate::frontend::draws::{self, DrawError, DrawRequest, Owner};
use crate::frontend::players;
use crate::frontend::view::DrawBody;
use crate::server::error::ErrorResponse;
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

/// Body of `POST /api/v1/draws`, as read; its schema is [`NewDraw`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateDraw {
    /// The game's name.
    game: String,
    /// A campaign's slug; the game's default campaign when absent.
    #[serde(default)]
    campaign: Option<String>,
    /// Your seed; empty when absent.
    #[serde(default)]
    client_seed: Option<String>,
    /// A character's `{"name", "race", "class", "ranks"}`; the other games take none.
    #[serde(default)]
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
///
/// The draw is committed before the answer is sent. Its `fairness` says everything needed to
/// check it once the server seed is revealed (`GET /api/v1/fairness`).
#[utoipa::path(
    post,
    tag = "draws",
    operation_id = "createDraw",
    path = "/api/v1/draws",
    request_body = NewDraw,
    security((), ("player" = [])),
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = r"^[!-~]+$",
        description = "Makes the request safe to repeat: a request with a key used before answers with the draw \
        made then (`Idempotent-Replayed: true`), never a second draw; the same key with another body is refused \
        (422 `idempotency_key_reused`, as the IETF Idempotency-Key draft says). 1–255 visible ASCII characters \
        (400 `invalid_idempotency_key` otherwise).")),
    responses(
        (status = 201, description = "Drawn and committed (or, with a repeated `Idempotency-Key`, the draw made \
            then).", body = DrawBody,
            headers(
                ("Location" = String, description = "`/api/v1/draws/{id}`: where the draw is."),
                ("Idempotent-Replayed" = String, description = "`true` when a repeated `Idempotency-Key` answered \
                    with the draw made before."),
            ),
            links(("getDraw" = (operation_id = "getDraw", parameters(("id" = "$response.body#/id")),
                description = "The draw just made.")))),
        (status = 400, description = "The body is not JSON (`invalid_json`), or `Idempotency-Key` is not 1–255 \
            visible ASCII characters (`invalid_idempotency_key`).", body = ErrorResponse),
        (status = 401, description = "An `Authorization` header that is not a live player session \
            (`not_signed_in`): without one the draw is anonymous.", body = ErrorResponse),
        (status = 409, description = "A character's name is taken (`name_taken`), or no unique account number \
            was found (`exhausted`).", body = ErrorResponse),
        (status = 422, description = "A field is invalid (`invalid_field`, `unknown_game`, \
            `invalid_client_seed`; `error.field` names it); the campaign does not exist (`unknown_campaign`) or \
            does not take this game's draws (`campaign_unavailable`: inactive, or for another game); prize-pool \
            asked for in one step (`two_steps`); an `Idempotency-Key` reused with another body \
            (`idempotency_key_reused`).", body = ErrorResponse),
        (status = 502, description = "A service answered outside the internal contract (`dependency_error`): a \
            misconfiguration, not an outage.", body = ErrorResponse),
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
    let input = calls::parse_input(game, body.input.as_ref()).map_err(DrawError::InvalidInput)?;
    let idempotency_key = idempotency_key(&headers)?;
    let token = match headers.get(header::AUTHORIZATION) {
        None => None,
        Some(_) => Some(bearer_token(&headers).ok_or_else(|| ApiError::not_signed_in(SESSION_ENDED))?),
    };
    // A signed-in draw first uses the session as this replica remembers it, which the write
    // checks; if the write finds it ended or changed, the session is read afresh and the draw
    // made once more (or refused: 401). See `players::cache`.
    let mut remembered = true;
    let created = loop {
        let player = match token {
            None => None,
            Some(token) => Some(
                players::drawing_player(&front, token, remembered)
                    .await?
                    .ok_or_else(|| ApiError::not_signed_in(SESSION_ENDED))?,
            ),
        };
        // A signed-in player's default seed, when the request names none.
        let seed =
            body.client_seed.clone().or_else(|| player.as_ref().and_then(|p| p.player.client_seed.clone()));
        let client_seed = ClientSeed::parse(seed.unwrap_or_default())
            .map_err(|e| ApiError::invalid("invalid_client_seed", e.to_string()))?;
        let request = DrawRequest {
            game,
            campaign: body.campaign.clone(),
            client_seed,
            input: input.clone(),
            idempotency_key: idempotency_key.clone(),
            player: player.as_ref().map(Owner::from),
        };
        match draws::create(&front, request, &request_id).await {
            Err(DrawError::SessionChanged) if remembered => {
                if let Some(player) = &player {
                    front.players.sessions.forget(&player.player.token_hash);
                }
                remembered = false;
            }
            created => break created?,
        }
    };
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
    operation_id = "getDraw",
    path = "/api/v1/draws/{id}",
    params(("id" = String, Path, pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        description = "The draw's id, a time-ordered UUID.")),
    responses(
        (status = 200, description = "The draw; its `fairness.server_seed` once the seed is revealed.", body = DrawBody),
        (status = 404, description = "No draw has that id (`draw_not_found`).", body = ErrorResponse),
    ),
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
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this game's draws.
    #[param(schema_with = game_filter)]
    game: Option<String>,
    /// Only this campaign's draws.
    #[param(min_length = 2, max_length = 40, pattern = r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")]
    campaign: Option<String>,
    /// At most this many, 1–100; 20 when absent.
    #[param(minimum = 1, maximum = 100, default = 20)]
    limit: Option<u32>,
}

pub(super) fn game_filter() -> utoipa::openapi::Object {
    let games = prizegen_domain::games::Game::ALL.map(prizegen_domain::games::Game::slug);
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(games))
        .build()
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
    operation_id = "listDraws",
    path = "/api/v1/draws",
    params(ListQuery),
    responses(
        (status = 200, description = "The draws, newest first.", body = DrawList),
        (status = 422, description = "An unknown game (`unknown_game`), a campaign that is not a slug \
            (`invalid_campaign`) or a limit outside 1–100 (`invalid_limit`).", body = ErrorResponse),
    ),
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
    if query.campaign.as_deref().is_some_and(|c| !valid_slug(c)) {
        let error = ApiError::invalid("invalid_campaign", "campaign is a campaign's slug");
        return Err(error.on_field("campaign"));
    }
    let filter = DrawFilter { game, campaign: query.campaign, limit, ..DrawFilter::default() };
    let stored = front.store.recent_draws(filter).await?;
    let draws = stored.into_iter().map(body_of).collect::<Result<_, _>>()?;
    Ok(Json(DrawList { draws }))
}

/// Filter of `GET /api/v1/draws/export`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// The seed's commitment: the draws made under it.
    #[param(pattern = r"^[0-9a-f]{64}$", min_length = 64, max_length = 64)]
    seed_hash: String,
}

/// Draws read per database call while exporting: the export holds one page at a time.
const EXPORT_PAGE: u32 = 500;

/// Every draw made under one seed, as NDJSON, for auditors.
#[utoipa::path(
    get,
    tag = "draws",
    operation_id = "exportDraws",
    path = "/api/v1/draws/export",
    params(ExportQuery),
    responses(
        (status = 200, description = "One draw per line (each as `GET /api/v1/draws/{id}` gives it), in nonce \
            order — the order of the seed's Merkle leaves. Streamed a page at a time, so memory does not grow \
            with the number of draws. For a revealed seed the list is complete and final; for the current seed \
            it is what has been committed so far. A failure after the first line is logged and the stream is \
            aborted rather than ended, so the client sees an error instead of a shorter list.",
            content_type = "application/x-ndjson", body = DrawBody),
        (status = 404, description = "No seed has that commitment (`seed_not_found`).", body = ErrorResponse),
        (status = 422, description = "`seed_hash` is not 64 lower-case hex digits (`invalid_seed_hash`).",
            body = ErrorResponse),
    ),
)]
pub async fn export(
    State(front): State<Arc<Frontend>>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let Some(hash) = prizegen_domain::fairness::SeedHash::parse(&query.seed_hash) else {
        let error = ApiError::invalid(
            "invalid_seed_hash",
            "seed_hash is a seed's commitment: 64 lower-case hex digits",
        );
        return Err(error.on_field("seed_hash"));
    };
    if !front.store.seeds().await?.iter().any(|seed| seed.hash == hash) {
        return Err(ApiError::not_found("seed_not_found", format!("no seed has the commitment {hash}")));
    }
    let pages = futures_util::stream::try_unfold(Some((front, hash, None)), |state| async move {
        let Some((front, hash, after)) = state else { return Ok(None) };
        let page =
            front.store.draws_of_seed(hash.as_str(), after, EXPORT_PAGE).await.map_err(export_failed)?;
        let Some(last) = page.last().map(|draw| draw.nonce) else { return Ok(None) };
        let full = page.len() == EXPORT_PAGE as usize;
        let mut lines = Vec::with_capacity(page.len() * 700);
        for draw in page {
            let body = DrawBody::from_stored(draw).map_err(export_failed)?;
            serde_json::to_writer(&mut lines, &body).map_err(export_failed)?;
            lines.push(b'\n');
        }
        Ok::<_, std::io::Error>(Some((
            axum::body::Bytes::from(lines),
            full.then_some((front, hash, Some(last))),
        )))
    });
    let headers = [(header::CONTENT_TYPE, "application/x-ndjson")];
    Ok((headers, axum::body::Body::from_stream(pages)).into_response())
}

/// An export that failed after its 200 was sent: logged here (the response's log line has
/// already been written), and the transfer is cut off.
fn export_failed(error: impl std::fmt::Display) -> std::io::Error {
    tracing::error!(%error, "the export failed midway; ending the transfer");
    std::io::Error::other(error.to_string())
}

fn body_of(draw: StoredDraw) -> Result<DrawBody, ApiError> {
    DrawBody::from_stored(draw).map_err(ApiError::internal)
}
