//! prize-pool's two buttons on its page: "Generate Random Sequence", then "Send to the Prize
//! Pool". Each redirects to what it made; a refusal comes back to the page with the reason.

use super::game_page::{PageState, game_page};
use crate::frontend::Frontend;
use crate::frontend::draws::Owner;
use crate::frontend::error::PageError;
use crate::frontend::forms::VisitorForm;
use crate::frontend::sequences;
use crate::server::{ApiError, RequestId};
use axum::extract::{Extension, State};
use axum::response::{IntoResponse, Redirect, Response};
use prizegen_domain::fairness::ClientSeed;
use prizegen_domain::games::Game;
use serde::Deserialize;
use std::sync::Arc;

/// The generate form.
#[derive(Deserialize)]
pub struct GenerateForm {
    #[serde(default)]
    campaign: String,
    #[serde(default)]
    client_seed: String,
}

/// The claim form.
#[derive(Deserialize)]
pub struct ClaimForm {
    #[serde(default)]
    sequence: String,
}

/// `POST /play/prize-pool/generate`.
pub async fn generate(
    State(front): State<Arc<Frontend>>,
    Extension(request_id): Extension<RequestId>,
    VisitorForm { viewer, fields: form }: VisitorForm<GenerateForm>,
) -> Result<Response, PageError> {
    let campaign = Some(form.campaign).filter(|c| !c.is_empty());
    let generated = match ClientSeed::parse(form.client_seed.clone()) {
        Ok(seed) => {
            sequences::generate(&front, campaign.clone(), seed, &request_id).await.map_err(ApiError::from)
        }
        Err(e) => Err(ApiError::invalid("invalid_client_seed", e.to_string())),
    };
    match generated {
        Ok(sequence) => {
            let to =
                format!("/play/prize-pool?campaign={}&sequence={}", sequence.campaign, sequence.sequence);
            Ok(Redirect::to(&to).into_response())
        }
        Err(error) => {
            let state = PageState {
                campaign,
                error: Some(error),
                client_seed: form.client_seed,
                viewer,
                posted: true,
                ..PageState::default()
            };
            game_page(&front, Game::PrizePool, state).await
        }
    }
}

/// `POST /play/prize-pool/claim`.
pub async fn claim(
    State(front): State<Arc<Frontend>>,
    Extension(request_id): Extension<RequestId>,
    VisitorForm { viewer, fields: form }: VisitorForm<ClaimForm>,
) -> Result<Response, PageError> {
    let owner = viewer.as_ref().map(Owner::from);
    match sequences::claim(&front, &form.sequence, owner.as_ref(), &request_id).await {
        Ok(draw) => Ok(Redirect::to(&format!("/draws/{}", draw.id)).into_response()),
        Err(e) => {
            let stored = front.store.sequence(&form.sequence).await.ok().flatten();
            let state = PageState {
                campaign: stored.as_ref().map(|s| s.campaign.clone()),
                sequence: stored,
                error: Some(ApiError::from(e)),
                viewer,
                ..PageState::default()
            };
            game_page(&front, Game::PrizePool, state).await
        }
    }
}
