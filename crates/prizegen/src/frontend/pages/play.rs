//! A game's page and its Draw button (the character form, for character): a draw goes to its
//! page; a refused one comes back to the game's page with the reason and the form as it was.

use super::character_form::{CharacterFields, CharacterForm};
use super::game_page::{PageState, game_page};
use crate::frontend::Frontend;
use crate::frontend::auth::Visitor;
use crate::frontend::calls::GameInput;
use crate::frontend::draws::{self, DrawError, DrawRequest, Owner};
use crate::frontend::error::PageError;
use crate::frontend::forms::VisitorForm;
use crate::server::{ApiError, RequestId};
use axum::extract::{Extension, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use prizegen_domain::fairness::ClientSeed;
use prizegen_domain::games::Game;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// `?campaign=` and prize-pool's `?sequence=`.
#[derive(Deserialize)]
pub struct PageQuery {
    campaign: Option<String>,
    sequence: Option<String>,
}

/// The Draw button's form, with the character form's fields for character.
#[derive(Deserialize)]
pub struct DrawForm {
    #[serde(default)]
    campaign: String,
    #[serde(default)]
    client_seed: String,
    /// A one-time key made with the page, so a double click makes one draw.
    #[serde(default)]
    idempotency_key: String,
    #[serde(flatten)]
    character: CharacterFields,
}

pub(super) fn parse_game(slug: &str) -> Result<Game, PageError> {
    slug.parse().map_err(|_| PageError::not_found("There is no such game."))
}

/// `GET /play/{game}`.
pub async fn page(
    State(front): State<Arc<Frontend>>,
    Visitor(viewer): Visitor,
    Path(game): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    let game = parse_game(&game)?;
    let sequence = match query.sequence {
        Some(sequence) => front.store.sequence(&sequence).await?,
        None => None,
    };
    let campaign = query.campaign.or_else(|| sequence.as_ref().map(|s| s.campaign.clone()));
    game_page(&front, game, PageState { campaign, sequence, viewer, ..PageState::default() }).await
}

/// `POST /play/{game}`: the Draw button and the character form. A draw goes to its page; a
/// refused one comes back to the game's page with the reason and the form as it was.
pub async fn draw(
    State(front): State<Arc<Frontend>>,
    Extension(request_id): Extension<RequestId>,
    Path(game): Path<String>,
    VisitorForm { viewer, fields: form }: VisitorForm<DrawForm>,
) -> Result<Response, PageError> {
    let game = parse_game(&game)?;
    let campaign = Some(form.campaign.clone()).filter(|c| !c.is_empty());
    let refused = |error: ApiError, errors: BTreeMap<String, String>| PageState {
        campaign: campaign.clone(),
        error: Some(error),
        client_seed: form.client_seed.clone(),
        character: (game == Game::Character).then(|| CharacterForm::refill(&form.character, errors)),
        viewer: viewer.clone(),
        posted: true,
        ..PageState::default()
    };
    let client_seed = match ClientSeed::parse(form.client_seed.clone()) {
        Ok(seed) => seed,
        Err(e) => {
            let error = ApiError::invalid("invalid_client_seed", e.to_string());
            return game_page(&front, game, refused(error, BTreeMap::new())).await;
        }
    };
    let input = match game {
        Game::Character => form.character.parse().map(GameInput::Character),
        _ => Ok(GameInput::None),
    };
    let input = match input {
        Ok(input) => input,
        Err(fields) => {
            let errors = fields.iter().map(|f| (f.field.clone(), f.message.clone())).collect();
            let error = ApiError::from(DrawError::InvalidInput(fields));
            return game_page(&front, game, refused(error, errors)).await;
        }
    };
    let idempotency_key = Some(form.idempotency_key.clone()).filter(|k| (1..=255).contains(&k.len()));
    let player = viewer.as_ref().map(Owner::from);
    let request =
        DrawRequest { game, campaign: campaign.clone(), client_seed, input, idempotency_key, player };
    match draws::create(&front, request, &request_id).await {
        Ok(created) => Ok(Redirect::to(&format!("/draws/{}", created.draw.id)).into_response()),
        Err(e) => {
            let name_taken = matches!(e, DrawError::NameTaken(_));
            let error = ApiError::from(e);
            let mut errors = BTreeMap::new();
            if name_taken {
                errors.insert("name".to_owned(), error.message.clone());
            }
            game_page(&front, game, refused(error, errors)).await
        }
    }
}
