//! `GET /api/v1/audit` (the audit log, public) and `GET /api/v1/draws/{id}/proof` (a draw's
//! inclusion proof in its revealed seed's Merkle tree).

use super::ApiQuery;
use crate::frontend::Frontend;
use crate::frontend::audit::{self, ProofError};
use crate::frontend::view::rfc3339;
use crate::server::ApiError;
use crate::server::error::ErrorResponse;
use crate::store::{AuditEntry, AuditHead};
use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// One entry of the audit log. Its `hash` is `SHA-256(prev_hash ‖ JCS({seq, at_ms, kind,
/// subject, details}))`, `prev_hash` taken as its 32 bytes (docs/fairness.md, "The audit log").
#[derive(Serialize, ToSchema)]
pub struct AuditEntryBody {
    /// Its place in the chain, from 1.
    seq: u64,
    /// When, Unix milliseconds (hashed).
    at_ms: i64,
    /// When, RFC 3339 (for people; `at_ms` is what is hashed).
    at: String,
    /// What happened: `log.started`, `seed.committed`, `seed.revealed`, `seed.sealed`,
    /// `draw.claimed-after-reveal`, `campaign.created`, `campaign.updated`, `campaign.deleted`,
    /// `operator.signed-in`.
    kind: String,
    /// What it happened to: a seed's commitment, a campaign's slug, a draw's id; may be empty.
    subject: String,
    /// The details, as stored (canonical JSON).
    #[schema(value_type = Object)]
    details: Box<RawValue>,
    /// The hash of the entry before; 64 zeros for the first.
    prev_hash: String,
    /// This entry's hash.
    hash: String,
}

impl AuditEntryBody {
    fn of(entry: AuditEntry) -> Result<Self, ApiError> {
        Ok(Self {
            seq: entry.seq,
            at_ms: entry.at_ms,
            at: rfc3339(entry.at_ms),
            kind: entry.kind,
            subject: entry.subject,
            details: RawValue::from_string(entry.details).map_err(ApiError::internal)?,
            prev_hash: entry.prev_hash,
            hash: entry.hash,
        })
    }
}

/// The last entry: where the chain stands.
#[derive(Serialize, ToSchema)]
pub struct HeadBody {
    /// Its seq; 0 while the log is empty.
    seq: u64,
    /// Its hash; 64 zeros while the log is empty.
    hash: String,
}

impl From<AuditHead> for HeadBody {
    fn from(head: AuditHead) -> Self {
        Self { seq: head.seq, hash: head.hash }
    }
}

/// A page of the audit log.
#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    /// The entries, in order.
    entries: Vec<AuditEntryBody>,
    /// The chain's head when the page was read (it may be past the page's last entry).
    head: HeadBody,
    /// The `after` of the next page; absent at the end.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_after: Option<u64>,
}

/// Which entries.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries after this seq (0, the default: from the first).
    #[param(minimum = 0)]
    after: Option<i64>,
    /// At most this many, 1–1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
}

/// Most entries per page.
pub const MAX_ENTRIES: u32 = 1000;

/// The audit log, a page at a time.
#[utoipa::path(
    get,
    tag = "fairness",
    operation_id = "getAudit",
    path = "/api/v1/audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "Entries in chain order, and the head. Public: nothing secret is in an entry.",
            body = AuditPage),
        (status = 422, description = "`limit` is not 1–1000 (`invalid_limit`), or `after` is negative \
            (`invalid_after`).", body = ErrorResponse),
    ),
)]
pub async fn log(
    State(front): State<Arc<Frontend>>,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let limit = query.limit.unwrap_or(100);
    if !(1..=MAX_ENTRIES).contains(&limit) {
        let error = ApiError::invalid("invalid_limit", format!("limit is 1–{MAX_ENTRIES}"));
        return Err(error.on_field("limit"));
    }
    let after = u64::try_from(query.after.unwrap_or(0)).map_err(|_| {
        ApiError::invalid("invalid_after", "after is an entry's seq: 0 or more").on_field("after")
    })?;
    // The head first: every entry up to it is in the table when the page is read after it.
    let head = front.store.audit_head().await?;
    let entries = front.store.audit_entries(after, limit).await?;
    let next_after = (entries.len() == limit as usize).then(|| entries.last().map(|e| e.seq)).flatten();
    let entries = entries.into_iter().map(AuditEntryBody::of).collect::<Result<_, _>>()?;
    Ok(Json(AuditPage { entries, head: head.into(), next_after }))
}

/// A draw's inclusion proof.
#[derive(Serialize, ToSchema)]
pub struct ProofBody {
    /// The draw.
    draw_id: String,
    /// Its seed's commitment.
    seed_hash: String,
    /// `SHA-256(0x00 ‖ leaf)`, the leaf being the draw in canonical JSON without `player` and
    /// `fairness.server_seed`.
    leaf_hash: String,
    /// The draw's place among the seed's draws by nonce, from 0.
    leaf_index: u64,
    /// The number of draws under the seed, as this replica indexed them (at the seal, or at its
    /// first proof of the seed); the draw's own chunk is read afresh.
    tree_size: u64,
    /// Sibling hashes from the leaf up (RFC 9162 §2.1.3).
    path: Vec<String>,
    /// The root recorded at the reveal (in `entry.details.merkle_root`).
    merkle_root: String,
    /// The draws recorded at the reveal (`entry.details.draws`).
    recorded_draws: u64,
    /// The `seed.sealed` entry of the audit log that recorded the root.
    entry: AuditEntryBody,
}

/// A draw's inclusion proof in its revealed seed's Merkle tree.
#[utoipa::path(
    get,
    tag = "draws",
    operation_id = "getDrawProof",
    path = "/api/v1/draws/{id}/proof",
    params(("id" = String, Path, pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        description = "The draw's id.")),
    responses(
        (status = 200, description = "The proof, built from the draws as stored now, beside the root the audit log \
            recorded at the reveal: hashing the leaf up the path gives that root unless something under the seed \
            changed since.", body = ProofBody),
        (status = 404, description = "No draw has that id (`draw_not_found`), or its seed was revealed before the \
            audit log began (`root_not_recorded`).", body = ErrorResponse),
        (status = 409, description = "Its seed is not revealed yet (`seed_not_revealed`), was revealed moments ago \
            and its draws are being sealed (`seed_not_sealed_yet`, with `Retry-After`), or it was claimed after the \
            reveal and has its own audit entry instead (`claimed_after_reveal`), or it is not among the draws its \
            seed's seal recorded: added or changed since (`not_in_sealed_tree`).", body = ErrorResponse),
        (status = 503, description = "This replica is still indexing the seed's draws for proofs (a first proof of \
            a seed with very many draws), with `Retry-After`.", body = ErrorResponse),
    ),
)]
pub async fn proof(
    State(front): State<Arc<Frontend>>,
    Path(id): Path<String>,
) -> Result<Json<ProofBody>, ApiError> {
    let proof = audit::proof(&front.store, &front.trees, &id).await?;
    let details: serde_json::Value =
        serde_json::from_str(&proof.entry.details).map_err(ApiError::internal)?;
    let recorded = |key: &str| details.get(key).cloned().unwrap_or_default();
    Ok(Json(ProofBody {
        draw_id: id,
        seed_hash: proof.entry.subject.clone(),
        leaf_hash: proof.leaf_hash,
        leaf_index: proof.leaf_index,
        tree_size: proof.tree_size,
        path: proof.path,
        merkle_root: recorded("merkle_root").as_str().unwrap_or_default().to_owned(),
        recorded_draws: recorded("draws").as_u64().unwrap_or_default(),
        entry: AuditEntryBody::of(proof.entry)?,
    }))
}

impl From<ProofError> for ApiError {
    fn from(error: ProofError) -> Self {
        let message = error.to_string();
        match error {
            ProofError::UnknownDraw(_) => ApiError::not_found("draw_not_found", message),
            ProofError::NoRoot(_) => ApiError::not_found("root_not_recorded", message),
            ProofError::NotRevealed(_) => ApiError::conflict("seed_not_revealed", message),
            ProofError::NotInSealedTree(_) => ApiError::conflict("not_in_sealed_tree", message),
            ProofError::Indexing(_) => ApiError::unavailable("database", message).retry_after(5),
            ProofError::NotSealedYet(_) => ApiError::conflict("seed_not_sealed_yet", message).retry_after(1),
            ProofError::ClaimedAfterReveal(_) => ApiError::conflict("claimed_after_reveal", message),
            ProofError::Store(error) => error.into(),
        }
    }
}
