//! A game's page: its rules, odds, campaign and latest draws, and the Draw button (the
//! character form, for character) that makes a draw. The draw and prize-pool pages are this
//! page with more on it.

use super::character::{CharacterFields, CharacterForm};
use super::draw::DrawView;
use super::{CampaignView, Footer, render};
use crate::frontend::Frontend;
use crate::frontend::calls::GameInput;
use crate::frontend::draws::{self, DrawError, DrawRequest};
use crate::frontend::error::PageError;
use crate::frontend::forms::PageForm;
use crate::frontend::view::{rfc3339, summary};
use crate::server::{ApiError, RequestId};
use crate::store::{DrawFilter, StoredDraw, StoredSequence};
use askama::Template;
use axum::extract::{Extension, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use prizegen_domain::fairness::ClientSeed;
use prizegen_domain::games::{Game, Impl};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// One of the latest draws, as a row.
struct RecentRow {
    id: String,
    when: String,
    summary: String,
    prize: String,
}

#[derive(Template)]
#[template(path = "play.html")]
struct PlayPage {
    slug: &'static str,
    title: &'static str,
    rules: &'static str,
    campaign: CampaignView,
    draw: Option<DrawView>,
    error: Option<String>,
    client_seed: String,
    form_key: String,
    sequence: Option<StoredSequence>,
    character: CharacterForm,
    odds: Vec<(String, String)>,
    odds_note: String,
    recent: Vec<RecentRow>,
    footer: Footer,
}

/// What a game page shows besides the game itself.
#[derive(Default)]
pub(super) struct PageState {
    /// The campaign's slug; the game's default campaign when `None`.
    pub(super) campaign: Option<String>,
    /// A draw to show on top.
    pub(super) draw: Option<StoredDraw>,
    /// Why the last form was refused, shown above the form with its status.
    pub(super) error: Option<ApiError>,
    /// The client seed to put back in the form.
    pub(super) client_seed: String,
    /// prize-pool: the sequence just generated.
    pub(super) sequence: Option<StoredSequence>,
    /// character: the form as the player filled it.
    pub(super) character: Option<CharacterForm>,
}

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
    Path(game): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    let game = parse_game(&game)?;
    let sequence = match query.sequence {
        Some(sequence) => front.store.sequence(&sequence).await?,
        None => None,
    };
    let campaign = query.campaign.or_else(|| sequence.as_ref().map(|s| s.campaign.clone()));
    game_page(&front, game, PageState { campaign, sequence, ..PageState::default() }).await
}

/// `POST /play/{game}`: the Draw button and the character form. A draw goes to its page; a
/// refused one comes back to the game's page with the reason and the form as it was.
pub async fn draw(
    State(front): State<Arc<Frontend>>,
    Extension(request_id): Extension<RequestId>,
    Path(game): Path<String>,
    PageForm(form): PageForm<DrawForm>,
) -> Result<Response, PageError> {
    let game = parse_game(&game)?;
    let campaign = Some(form.campaign.clone()).filter(|c| !c.is_empty());
    let refused = |error: ApiError, errors: BTreeMap<String, String>| PageState {
        campaign: campaign.clone(),
        error: Some(error),
        client_seed: form.client_seed.clone(),
        character: (game == Game::Character).then(|| CharacterForm::refill(&form.character, errors)),
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
    let request = DrawRequest { game, campaign: campaign.clone(), client_seed, input, idempotency_key };
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

/// A game's page in `state`'s campaign, with what `state` adds.
pub(super) async fn game_page(front: &Frontend, game: Game, state: PageState) -> Result<Response, PageError> {
    let slug = state.campaign.clone().unwrap_or_else(|| game.slug().to_owned());
    let campaign = match front.store.campaign(&slug).await? {
        Some(campaign) if campaign.game == game.slug() => campaign,
        _ => return Err(PageError::not_found(format!("There is no {game} campaign {slug:?}."))),
    };
    let filter = DrawFilter { game: Some(game), campaign: Some(slug), limit: 10 };
    let recent = front.store.recent_draws(filter).await?;
    let footer = Footer::new(front, state.draw.as_ref().or(recent.first()));
    let (odds, odds_note) = odds(front, game).await;
    let rows = recent
        .into_iter()
        .map(|d| RecentRow {
            when: rfc3339(d.created_at_ms).get(..19).unwrap_or_default().replace('T', " "),
            summary: summary(game, &d.result_json),
            prize: d.prize.map_or_else(|| "—".to_owned(), |p| p.label),
            id: d.id,
        })
        .collect();
    let status = state.error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let shown = game.presentation();
    let page = PlayPage {
        slug: game.slug(),
        title: shown.title,
        rules: shown.rules,
        campaign: campaign.into(),
        draw: state.draw.map(|d| DrawView::of(d, game)),
        error: state.error.map(|e| e.message),
        client_seed: state.client_seed,
        form_key: uuid::Uuid::new_v4().simple().to_string(),
        sequence: state.sequence,
        character: state.character.unwrap_or_else(CharacterForm::blank),
        odds,
        odds_note,
        recent: rows,
        footer,
    };
    Ok(render(status, &page))
}

/// The prize odds with the numbers and rules versions serving now (asked briefly; v1 assumed
/// when a service does not answer in time).
async fn odds(front: &Frontend, game: Game) -> (Vec<(String, String)>, String) {
    if !matches!(game, Game::AccountPrize | Game::PrizePool) {
        return (Vec::new(), String::new());
    }
    let probe = Duration::from_millis(300);
    let request_id = RequestId::generate();
    let (numbers, rules) = tokio::join!(
        front.deps.numbers.served_by_within(&request_id, probe),
        front.deps.rules.served_by_within(&request_id, probe)
    );
    let numbers = numbers.ok().and_then(|by| by.generator_impl());
    let rules = rules.ok().and_then(|by| by.generator_impl());
    let note = match (numbers, rules) {
        (Some(n), Some(r)) => format!("Exact odds with numbers {n} and rules {r}, the versions serving now."),
        _ => "Exact odds assuming v1 services (a service did not answer just now).".to_owned(),
    };
    let lines = game
        .odds(numbers.unwrap_or(Impl::V1), rules.unwrap_or(Impl::V1))
        .into_iter()
        .map(|line| {
            let prize = match line.prize {
                Some(p) if p.amount_pence.0 > 0 => p.label,
                Some(p) => format!("no prize ({})", p.label),
                None => "no prize".to_owned(),
            };
            let chance = if line.probability > 0.0 {
                format!("1 in {:.1} ({:.2}%)", 1.0 / line.probability, line.probability * 100.0)
            } else {
                "never".to_owned()
            };
            (prize, chance)
        })
        .collect();
    (lines, note)
}
