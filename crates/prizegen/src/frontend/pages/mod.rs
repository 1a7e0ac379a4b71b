//! Server-rendered HTML: home, a page per game, a page per draw, fairness, and the operator's
//! admin pages.
//!
//! Forms post to the same use cases as the API and redirect to the result (post/redirect/get),
//! so reloading never draws twice; draw forms also carry a one-time idempotency key, so a double
//! click yields one draw.

mod admin;
mod fairness;
mod games;

use super::Frontend;
use crate::contract::Instance;
use crate::server::ApiError;
use crate::store::StoredDraw;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use http::StatusCode;
use std::sync::Arc;

/// The pages' routes.
pub fn routes() -> Router<Arc<Frontend>> {
    Router::new()
        .route("/", get(games::home))
        .route("/play/{game}", get(games::play_page).post(games::play))
        .route("/play/prize-pool/generate", post(games::generate_sequence))
        .route("/play/prize-pool/claim", post(games::claim_sequence))
        .route("/draws/{id}", get(games::draw_page))
        .route("/fairness", get(fairness::page))
        .merge(admin::routes())
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
        let shown = |by: Option<&Option<Instance>>| match by {
            None => "not called yet".to_owned(),
            Some(None) => "not used by this game".to_owned(),
            Some(Some(by)) => by.to_string(),
        };
        Self {
            frontend: front.identity.served_by().to_string(),
            letters: shown(draw.map(|d| &d.served_by.letters)),
            numbers: shown(draw.map(|d| &d.served_by.numbers)),
            rules: shown(draw.map(|d| &d.served_by.rules)),
        }
    }
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

/// A whole number of pence as money, or "no limit".
fn money(pence: Option<u64>) -> String {
    pence.map_or_else(|| "no limit".to_owned(), |p| prizegen_domain::money::Pence(p).to_string())
}
