//! `GET /api/v1/fairness` and the operator's `POST /api/v1/fairness/rotate`.

use crate::frontend::Frontend;
use crate::frontend::auth::Operator;
use crate::frontend::nonces::fresh_seed;
use crate::frontend::view::rfc3339;
use crate::server::ApiError;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// A seed's public face.
#[derive(Serialize, ToSchema)]
pub struct SeedBody {
    /// `hex(SHA-256(server_seed))`.
    seed_hash: String,
    /// The seed itself, once revealed.
    #[serde(skip_serializing_if = "Option::is_none")]
    server_seed: Option<String>,
    /// When it became current.
    created_at: String,
    /// When it was revealed.
    #[serde(skip_serializing_if = "Option::is_none")]
    revealed_at: Option<String>,
}

impl SeedBody {
    fn of(record: &crate::store::SeedRecord) -> Self {
        let revealed = record.revealed_at_ms.is_some();
        Self {
            seed_hash: record.hash.to_string(),
            server_seed: revealed.then(|| record.seed.to_hex()),
            created_at: rfc3339(record.created_at_ms),
            revealed_at: record.revealed_at_ms.map(rfc3339),
        }
    }
}

/// The current commitment and the revealed seeds.
#[derive(Serialize, ToSchema)]
pub struct FairnessState {
    /// The seed draws use now (its hash only).
    #[schema(required = true)]
    current: Option<SeedBody>,
    /// Earlier seeds, newest first, with the seed revealed.
    revealed: Vec<SeedBody>,
}

/// The current commitment and the revealed seeds.
#[utoipa::path(
    get,
    tag = "fairness",
    operation_id = "getFairness",
    path = "/api/v1/fairness",
    responses((status = 200, description = "The current seed's commitment, and every revealed seed.", body = FairnessState)),
)]
pub async fn show(State(front): State<Arc<Frontend>>) -> Result<Json<FairnessState>, ApiError> {
    let seeds = front.store.seeds().await?;
    let (revealed, current): (Vec<_>, Vec<_>) = seeds.iter().partition(|s| s.revealed_at_ms.is_some());
    Ok(Json(FairnessState {
        current: current.first().map(|s| SeedBody::of(s)),
        revealed: revealed.into_iter().map(SeedBody::of).collect(),
    }))
}

/// How long a rotation's answer waits for the revealed seed to be sealed.
const SEAL_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// The answer of a rotation.
#[derive(Serialize, ToSchema)]
pub struct RotationBody {
    /// The seed that was current, now revealed.
    revealed: SeedBody,
    /// The new current seed (hash only).
    current: SeedBody,
}

/// Operator only: reveal the current seed and start a new one.
#[utoipa::path(
    post,
    tag = "fairness",
    operation_id = "rotateSeed",
    path = "/api/v1/fairness/rotate",
    security(("operator" = [])),
    responses((status = 200, description = "The seed that was current, now revealed, and the new current one's \
        commitment. The revealed seed's draws are then sealed (their count and Merkle root recorded in the audit \
        log); the answer waits up to 3 s for that.", body = RotationBody)),
)]
pub async fn rotate(_: Operator, State(front): State<Arc<Frontend>>) -> Result<Json<RotationBody>, ApiError> {
    let candidate = fresh_seed()?;
    let rotation = front.store.rotate_seed(candidate).await?;
    front.nonces.seed_rotated(rotation.revealed.id);
    tracing::info!(revealed = %rotation.revealed.hash, current = %rotation.current.hash, "server seed rotated");
    // Seal the revealed seed's draws: its own task, so a seed with very many draws finishes
    // sealing even after this answer; waited for briefly, so a usual one is sealed when the
    // operator reads the log.
    let (sealer, seed) = (front.clone(), rotation.revealed.hash.to_string());
    let sealing = tokio::spawn(async move {
        match crate::frontend::audit::seal(&sealer.store, &seed).await {
            Ok((chunks, _)) => {
                let root = hex::encode(chunks.root());
                sealer.trees.keep(&seed, chunks);
                tracing::info!(%seed, %root, "revealed seed sealed");
            }
            Err(error) => {
                tracing::error!(%seed, %error, "sealing the revealed seed failed; the next start seals it")
            }
        }
    });
    let _ = tokio::time::timeout(SEAL_WAIT, sealing).await;
    Ok(Json(RotationBody {
        revealed: SeedBody::of(&rotation.revealed),
        current: SeedBody::of(&rotation.current),
    }))
}
