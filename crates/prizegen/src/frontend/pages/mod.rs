//! Server-rendered HTML: home, a page per game with its Draw button, a page per draw, fairness.
//!
//! Forms post to the same use case as the API ([`super::draws::create`]) and redirect to the
//! draw's page (post/redirect/get), so reloading never draws twice; the form also carries a
//! one-time idempotency key, so a double click yields one draw.

use super::Frontend;
use super::draws::{self, DrawRequest, store_error};
use super::view::{result_lines, rfc3339};
use crate::server::{ApiError, RequestId};
use crate::store::{DrawFilter, StoredDraw};
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Form, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use http::StatusCode;
use prizegen_domain::fairness::ClientSeed;
use prizegen_domain::games::Game;
use serde::Deserialize;
use std::sync::Arc;

/// The pages' routes.
pub fn routes() -> Router<Arc<Frontend>> {
    Router::new()
        .route("/", get(home))
        .route("/play/{game}", get(play_page).post(play))
        .route("/draws/{id}", get(draw_page))
        .route("/fairness", get(fairness_page))
}

/// Who served what, for the footer of every page.
struct Footer {
    frontend: String,
    letters: String,
    numbers: String,
    rules: String,
}

impl Footer {
    /// The front end itself, and services 2–4 as they served `draw` (the newest shown).
    fn new(front: &Frontend, draw: Option<&StoredDraw>) -> Self {
        let unknown = || "not called yet".to_owned();
        Self {
            frontend: front.identity.served_by(),
            letters: draw.map_or_else(unknown, |d| d.served_by.letters.clone()),
            numbers: draw.map_or_else(unknown, |d| d.served_by.numbers.clone()),
            rules: draw.map_or_else(unknown, |d| d.served_by.rules.clone()),
        }
    }
}

struct GameLink {
    slug: &'static str,
    title: &'static str,
    blurb: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    games: Vec<GameLink>,
    footer: Footer,
}

async fn home(State(front): State<Arc<Frontend>>) -> Response {
    let games = Game::ALL
        .into_iter()
        .map(|game| GameLink { slug: game.slug(), title: game.title(), blurb: blurb(game) })
        .collect();
    render(StatusCode::OK, &HomePage { games, footer: Footer::new(&front, None) })
}

fn blurb(game: Game) -> &'static str {
    match game {
        Game::AccountPrize => "draw an account number and see what it wins",
    }
}

fn rules_text(game: Game) -> &'static str {
    match game {
        Game::AccountPrize => {
            "An account number is letters then digits. A first letter 'a' wins £50, or £100 with a 25% \
             chance; otherwise a 4 among the digits wins £10 (the v2 rules are stingier: the 'a' needs \
             a 4 as well, and a 4 alone wins nothing)."
        }
    }
}

/// A draw as the page shows it.
struct DrawView {
    id: String,
    lines: Vec<(String, String)>,
    prize: Option<String>,
    seed_hash: String,
    server_seed: Option<String>,
    client_seed: String,
    nonce: u64,
}

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
    draw: Option<DrawView>,
    error: Option<String>,
    client_seed: String,
    form_key: String,
    recent: Vec<RecentRow>,
    footer: Footer,
}

async fn play_page(State(front): State<Arc<Frontend>>, Path(game): Path<String>) -> Response {
    let Ok(game) = game.parse::<Game>() else { return not_found_page(&front, "There is no such game.") };
    game_page(&front, game, None, None, String::new(), StatusCode::OK).await
}

async fn draw_page(State(front): State<Arc<Frontend>>, Path(id): Path<String>) -> Response {
    let draw = match front.store.draw(&id).await {
        Ok(Some(draw)) => draw,
        Ok(None) => return not_found_page(&front, "There is no such draw."),
        Err(e) => return error_page(&front, store_error(&e)),
    };
    let Ok(game) = draw.game.parse::<Game>() else { return not_found_page(&front, "There is no such game.") };
    game_page(&front, game, Some(draw), None, String::new(), StatusCode::OK).await
}

/// The Draw button's form.
#[derive(Deserialize)]
struct PlayForm {
    #[serde(default)]
    client_seed: String,
    #[serde(default)]
    idempotency_key: Option<String>,
}

async fn play(
    State(front): State<Arc<Frontend>>,
    Extension(request_id): Extension<RequestId>,
    Path(game): Path<String>,
    Form(form): Form<PlayForm>,
) -> Response {
    let Ok(game) = game.parse::<Game>() else { return not_found_page(&front, "There is no such game.") };
    let client_seed = match ClientSeed::parse(form.client_seed.clone()) {
        Ok(seed) => seed,
        Err(e) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return game_page(&front, game, None, Some(e.to_string()), form.client_seed, status).await;
        }
    };
    let idempotency_key = form.idempotency_key.filter(|k| (1..=255).contains(&k.len()));
    let request = DrawRequest { game, campaign: None, client_seed, idempotency_key };
    match draws::create(&front, request, &request_id).await {
        Ok(created) => Redirect::to(&format!("/draws/{}", created.draw.id)).into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            game_page(&front, game, None, Some(api.message), form.client_seed, api.status).await
        }
    }
}

async fn game_page(
    front: &Frontend,
    game: Game,
    draw: Option<StoredDraw>,
    error: Option<String>,
    client_seed: String,
    status: StatusCode,
) -> Response {
    let filter = DrawFilter { game: Some(game), campaign: None, limit: 10 };
    let recent = match front.store.recent_draws(filter).await {
        Ok(recent) => recent,
        Err(e) => return error_page(front, store_error(&e)),
    };
    let footer = Footer::new(front, draw.as_ref().or(recent.first()));
    let rows = recent
        .into_iter()
        .map(|d| RecentRow {
            when: rfc3339(d.created_at_ms).get(..19).unwrap_or_default().replace('T', " "),
            summary: result_lines(&d.result_json).into_iter().next().map(|(_, v)| v).unwrap_or_default(),
            prize: d.prize.map_or_else(|| "—".to_owned(), |p| p.label),
            id: d.id,
        })
        .collect();
    let draw = draw.map(|d| DrawView {
        lines: result_lines(&d.result_json),
        prize: d.prize.map(|p| p.label),
        id: d.id,
        seed_hash: d.seed_hash,
        server_seed: d.server_seed,
        client_seed: d.client_seed,
        nonce: d.nonce,
    });
    let page = PlayPage {
        slug: game.slug(),
        title: game.title(),
        rules: rules_text(game),
        draw,
        error,
        client_seed,
        form_key: uuid::Uuid::new_v4().simple().to_string(),
        recent: rows,
        footer,
    };
    render(status, &page)
}

#[derive(Template)]
#[template(path = "fairness.html")]
struct FairnessPage {
    current: Option<String>,
    revealed: Vec<(String, String, String)>,
    footer: Footer,
}

async fn fairness_page(State(front): State<Arc<Frontend>>) -> Response {
    let seeds = match front.store.seeds().await {
        Ok(seeds) => seeds,
        Err(e) => return error_page(&front, store_error(&e)),
    };
    let current = seeds.iter().find(|s| s.revealed_at_ms.is_none()).map(|s| s.hash.to_string());
    let revealed = seeds
        .iter()
        .filter_map(|s| Some((s.hash.to_string(), s.seed.to_hex(), rfc3339(s.revealed_at_ms?))))
        .collect();
    render(StatusCode::OK, &FairnessPage { current, revealed, footer: Footer::new(&front, None) })
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    heading: &'static str,
    message: String,
    footer: Footer,
}

fn not_found_page(front: &Frontend, message: &str) -> Response {
    let page =
        MessagePage { heading: "Not found", message: message.to_owned(), footer: Footer::new(front, None) };
    render(StatusCode::NOT_FOUND, &page)
}

fn error_page(front: &Frontend, error: ApiError) -> Response {
    let page = MessagePage {
        heading: "Something went wrong",
        message: error.message,
        footer: Footer::new(front, None),
    };
    render(error.status, &page)
}

/// The HTML fallback for paths that match nothing.
pub async fn not_found(State(front): State<Arc<Frontend>>) -> Response {
    not_found_page(&front, "There is no page here.")
}

/// Headers every page carries, also without a proxy in front (`prizegen up`): no framing, no
/// content sniffing, no scripts, no third-party anything.
const PAGE_HEADERS: [(&str, &str); 4] = [
    (
        "content-security-policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
];

fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, PAGE_HEADERS, Html(html)).into_response(),
        Err(e) => ApiError::internal(&e).into_response(),
    }
}
