//! The page every game's screens are built on: the game's rules, odds, campaign and latest
//! draws, its form — and whatever the screen adds on top (a draw, a generated sequence, a
//! refusal with the form as it was filled).

use super::character_form::CharacterForm;
use super::draw::{DrawView, RecordView};
use super::{CampaignView, Frame, render};
use crate::frontend::Frontend;
use crate::frontend::error::PageError;
use crate::frontend::players::SignedIn;
use crate::frontend::view::{rfc3339, summary};
use crate::server::error::LoggedCause;
use crate::server::{ApiError, RequestId};
use crate::store::{DrawFilter, StoredDraw, StoredSequence};
use askama::Template;
use axum::response::Response;
use http::StatusCode;
use prizegen_domain::games::{Game, Impl};
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
    /// The forms' CSRF token, for a signed-in player.
    csrf: Option<String>,
    form_key: String,
    sequence: Option<StoredSequence>,
    character: CharacterForm,
    odds: Vec<(String, String)>,
    odds_note: String,
    recent: Vec<RecentRow>,
    frame: Frame,
}

/// What a game page shows besides the game itself.
#[derive(Default)]
pub(super) struct PageState {
    /// The campaign's slug; the game's default campaign when `None`.
    pub(super) campaign: Option<String>,
    /// A draw to show on top.
    pub(super) draw: Option<StoredDraw>,
    /// What the audit log holds for that draw, once its seed is revealed.
    pub(super) record: Option<RecordView>,
    /// Why the last form was refused, shown above the form with its status.
    pub(super) error: Option<ApiError>,
    /// The client seed to put back in the form.
    pub(super) client_seed: String,
    /// prize-pool: the sequence just generated.
    pub(super) sequence: Option<StoredSequence>,
    /// character: the form as the player filled it.
    pub(super) character: Option<CharacterForm>,
    /// The signed-in player looking at it, if any.
    pub(super) viewer: Option<SignedIn>,
    /// Whether the form was posted (then `client_seed` is what was typed, even empty); a fresh
    /// page fills in the player's default seed.
    pub(super) posted: bool,
}

/// A game's page in `state`'s campaign, with what `state` adds.
pub(super) async fn game_page(front: &Frontend, game: Game, state: PageState) -> Result<Response, PageError> {
    let slug = state.campaign.clone().unwrap_or_else(|| game.slug().to_owned());
    let campaign = match front.store.campaign(&slug).await? {
        Some(campaign) if campaign.game == game.slug() => campaign,
        _ => return Err(PageError::not_found(format!("There is no {game} campaign {slug:?}."))),
    };
    let filter = DrawFilter { game: Some(game), campaign: Some(slug), limit: 10, ..DrawFilter::default() };
    let recent = front.store.recent_draws(filter).await?;
    let viewer = state.viewer.as_ref();
    let frame = Frame::new(front, state.draw.as_ref().or(recent.first()), viewer);
    let csrf = viewer.map(|player| front.players.forms.session_csrf(&player.token_hash));
    let client_seed = match viewer.and_then(|p| p.client_seed.clone()) {
        Some(default) if !state.posted => default,
        _ => state.client_seed,
    };
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
    // A refusal shown on the page keeps its cause for the request's log line.
    let (error, cause) = match state.error {
        Some(error) => (Some(error.message), error.cause),
        None => (None, None),
    };
    let shown = game.presentation();
    let page = PlayPage {
        slug: game.slug(),
        title: shown.title,
        rules: shown.rules,
        campaign: campaign.into(),
        draw: state.draw.map(|d| DrawView {
            record: state.record,
            ..DrawView::of(d, game, viewer.map(|p| p.name.as_str()))
        }),
        error,
        client_seed,
        csrf,
        form_key: uuid::Uuid::new_v4().simple().to_string(),
        sequence: state.sequence,
        character: state.character.unwrap_or_else(CharacterForm::blank),
        odds,
        odds_note,
        recent: rows,
        frame,
    };
    let mut response = render(status, &page);
    if let Some(cause) = cause {
        response.extensions_mut().insert(LoggedCause::of(cause.as_ref()));
    }
    Ok(response)
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
