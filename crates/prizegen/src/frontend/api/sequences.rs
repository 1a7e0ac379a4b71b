//! prize-pool's two steps: `POST /api/v1/prize-pool/sequences` and
//! `POST /api/v1/prize-pool/sequences/{sequence}/claim`.

use super::schemas::NewSequence;
use crate::frontend::Frontend;
use crate::frontend::auth::MaybePlayer;
use crate::frontend::draws::Owner;
use crate::frontend::sequences;
use crate::frontend::view::{DrawBody, rfc3339};
use crate::server::error::ErrorResponse;
use crate::server::{ApiError, ApiJson, RequestId};
use crate::store::{ServedBy, StoredSequence};
use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use prizegen_domain::fairness::ClientSeed;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;

/// Body of a generation, as read; its schema is [`NewSequence`].
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Generate {
    /// A prize-pool campaign's slug; `prize-pool` when absent.
    #[serde(default)]
    campaign: Option<String>,
    /// Your seed (UTF-8, at most 64 bytes).
    #[serde(default)]
    client_seed: Option<String>,
}

/// A sequence's fairness fields.
#[derive(Serialize, ToSchema)]
pub struct SequenceFairness {
    seed_hash: String,
    client_seed: String,
    nonce: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    server_seed: Option<String>,
}

/// A generated sequence.
#[derive(Serialize, ToSchema)]
pub struct SequenceBody {
    /// 20 letters and digits.
    sequence: String,
    campaign: String,
    created_at: String,
    /// Whether it was claimed.
    claimed: bool,
    /// The claim's draw, once claimed.
    #[serde(skip_serializing_if = "Option::is_none")]
    draw_id: Option<String>,
    /// Where to claim it.
    claim: String,
    fairness: SequenceFairness,
    served_by: ServedBy,
}

impl From<StoredSequence> for SequenceBody {
    fn from(s: StoredSequence) -> Self {
        Self {
            claim: format!("/api/v1/prize-pool/sequences/{}/claim", s.sequence),
            claimed: s.draw_id.is_some(),
            draw_id: s.draw_id,
            created_at: rfc3339(s.created_at_ms),
            sequence: s.sequence,
            campaign: s.campaign,
            fairness: SequenceFairness {
                seed_hash: s.seed_hash,
                client_seed: s.client_seed,
                nonce: s.nonce,
                server_seed: s.server_seed,
            },
            served_by: s.served_by,
        }
    }
}

/// Step 1: generate a sequence (stored at once).
#[utoipa::path(
    post,
    tag = "prize_pool",
    operation_id = "generateSequence",
    path = "/api/v1/prize-pool/sequences",
    request_body = NewSequence,
    security((), ("player" = [])),
    responses(
        (status = 201, description = "Generated and stored; claim it to see what it wins.", body = SequenceBody,
            headers(("Location" = String, description = "`/api/v1/prize-pool/sequences/{sequence}`.")),
            links(
                ("claimSequence" = (operation_id = "claimSequence", parameters(("sequence" = "$response.body#/sequence")),
                    description = "Send it to the prize pool, once.")),
                ("getSequence" = (operation_id = "getSequence", parameters(("sequence" = "$response.body#/sequence")),
                    description = "The sequence and whether it was claimed.")),
            )),
        (status = 401, description = "An `Authorization` header that is not a live player session \
            (`not_signed_in`).", body = ErrorResponse),
        (status = 409, description = "No new sequence was found (`exhausted`).", body = ErrorResponse),
        (status = 422, description = "An invalid field (`invalid_field`, `invalid_client_seed`); the campaign does \
            not exist (`unknown_campaign`) or does not take prize-pool draws (`campaign_unavailable`).",
            body = ErrorResponse),
        (status = 502, description = "A service answered outside the internal contract (`dependency_error`).",
            body = ErrorResponse),
    ),
)]
pub async fn generate(
    State(front): State<Arc<Frontend>>,
    Extension(request_id): Extension<RequestId>,
    MaybePlayer(player): MaybePlayer,
    ApiJson(body): ApiJson<Generate>,
) -> Result<Response, ApiError> {
    // A signed-in player's default seed, when the request names none.
    let seed = body.client_seed.or_else(|| player.and_then(|p| p.client_seed));
    let client_seed = ClientSeed::parse(seed.unwrap_or_default())
        .map_err(|e| ApiError::invalid("invalid_client_seed", e.to_string()))?;
    let sequence = sequences::generate(&front, body.campaign, client_seed, &request_id).await?;
    let location = format!("/api/v1/prize-pool/sequences/{}", sequence.sequence);
    Ok((StatusCode::CREATED, [(http::header::LOCATION, location)], Json(SequenceBody::from(sequence)))
        .into_response())
}

/// A sequence and whether it was claimed.
#[utoipa::path(
    get,
    tag = "prize_pool",
    operation_id = "getSequence",
    path = "/api/v1/prize-pool/sequences/{sequence}",
    params(("sequence" = String, Path, pattern = r"^[A-Za-z0-9]{20}$", description = "The 20 characters.")),
    responses(
        (status = 200, description = "The sequence; `draw_id` once it is claimed.", body = SequenceBody),
        (status = 404, description = "No such sequence (`unknown_sequence`).", body = ErrorResponse),
    ),
)]
pub async fn one(
    State(front): State<Arc<Frontend>>,
    Path(sequence): Path<String>,
) -> Result<Json<SequenceBody>, ApiError> {
    let stored = front.store.sequence(&sequence).await?;
    let stored = stored.ok_or_else(|| {
        ApiError::not_found("unknown_sequence", format!("there is no sequence {sequence:?}"))
    })?;
    Ok(Json(stored.into()))
}

/// Step 2: claim a sequence, once.
#[utoipa::path(
    post,
    tag = "prize_pool",
    operation_id = "claimSequence",
    path = "/api/v1/prize-pool/sequences/{sequence}/claim",
    security((), ("player" = [])),
    params(("sequence" = String, Path, pattern = r"^[A-Za-z0-9]{20}$", description = "The 20 characters.")),
    responses(
        (status = 200, description = "The claim's draw: what the sequence wins. Its `fairness` is the \
            generation's.", body = DrawBody,
            links(("getDraw" = (operation_id = "getDraw", parameters(("id" = "$response.body#/id")),
                description = "The claim's draw.")))),
        (status = 401, description = "An `Authorization` header that is not a live player session \
            (`not_signed_in`): without one the claim's draw is anonymous.", body = ErrorResponse),
        (status = 404, description = "No such sequence (`unknown_sequence`).", body = ErrorResponse),
        (status = 409, description = "It was claimed before (`already_submitted`): a sequence is claimed once, \
            whatever the concurrency.", body = ErrorResponse),
        (status = 502, description = "The rules service answered outside the internal contract \
            (`dependency_error`).", body = ErrorResponse),
    ),
)]
pub async fn claim(
    State(front): State<Arc<Frontend>>,
    Extension(request_id): Extension<RequestId>,
    MaybePlayer(player): MaybePlayer,
    Path(sequence): Path<String>,
) -> Result<Json<DrawBody>, ApiError> {
    let owner = player.as_ref().map(Owner::from);
    let draw = sequences::claim(&front, &sequence, owner.as_ref(), &request_id).await?;
    Ok(Json(DrawBody::from_stored(draw).map_err(ApiError::internal)?))
}
