//! Server-rendered HTML, one file per thing a person does: [`home`] (the games and campaigns),
//! [`play`] (a game's page and its Draw button), [`sequences`] (prize-pool's two buttons),
//! [`draw`] (a draw's page), [`fairness`], [`verify`] (a draw recomputed in the browser), the
//! [`audit`] log, the public [`stats`], the players' own ([`players`]: register, sign in, "my
//! draws", profiles) and the [`leaderboard`], the [`live`] view, and the operator's [`admin`]
//! pages. The game's
//! page they build on is `game_page.rs`; the character form's fields are [`character_form`]; the
//! charts are drawn by `chart.rs` (winnings) and `outcome_chart.rs` (observed against expected
//! outcomes); the one stylesheet they all link (`static/style.css`) and the verifier module
//! (`static/verify.js`) are served by [`assets`].
//!
//! Forms post to the same use cases as the API and redirect to the result (post/redirect/get),
//! so reloading never draws twice; draw forms also carry a one-time idempotency key, so a double
//! click yields one draw. Handlers return `Result<Response, PageError>`; the error pages are
//! rendered by [`render_error_pages`].

pub mod admin;
pub mod assets;
pub mod audit;
pub mod character_form;
mod chart;
pub mod draw;
pub mod fairness;
mod game_page;
pub mod home;
pub mod leaderboard;
pub mod live;
mod outcome_chart;
pub mod play;
pub mod players;
pub mod sequences;
pub mod stats;
pub mod verify;

use super::Frontend;
use super::auth::Visitor;
use super::auth::session::cookie;
use super::error::ErrorPage;
use super::players::SignedIn;
use super::players::tokens::SESSION_COOKIE;
use crate::contract::Instance;
use crate::store::{Campaign, StoredDraw};
use askama::Template;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use http::StatusCode;
use std::sync::Arc;

/// What every page shows around its content: in the header, the signed-in player (or the
/// links to sign in and register); in the footer, who served what.
struct Frame {
    frontend: String,
    letters: String,
    numbers: String,
    rules: String,
    /// Whether the header has the players' account area (not on the operator's pages).
    players: bool,
    account: Option<AccountView>,
}

/// The signed-in player in the header: their name and the sign-out form's CSRF token.
struct AccountView {
    name: String,
    csrf: String,
}

impl Frame {
    /// For `viewer` (`None`: nobody signed in): the front end itself, and services 2–4 as they
    /// served `draw` (the newest shown).
    fn new(front: &Frontend, draw: Option<&StoredDraw>, viewer: Option<&SignedIn>) -> Self {
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
            players: true,
            account: viewer.map(|player| AccountView {
                name: player.name.clone(),
                csrf: front.players.forms.session_csrf(&player.token_hash),
            }),
        }
    }

    /// For the operator's pages: who served them, and no players' account area.
    fn admin(front: &Frontend) -> Self {
        Self { players: false, ..Self::new(front, None, None) }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    heading: &'static str,
    message: String,
    frame: Frame,
}

/// Renders the message page of every [`PageError`](super::error::PageError) a page handler returned (the cause stays
/// on the response for the request's log line). Only the pages have this layer: the API's
/// answers do not pay for it.
pub async fn render_error_pages(
    State(front): State<Arc<Frontend>>,
    request: Request,
    next: Next,
) -> Response {
    // The session cookie, kept for the error page's header (looked up only if one is shown).
    let session = cookie(request.headers(), SESSION_COOKIE).map(str::to_owned);
    let mut response = next.run(request).await;
    let Some(ErrorPage { heading, message }) = response.extensions_mut().remove::<ErrorPage>() else {
        return response;
    };
    let viewer = match session {
        Some(token) => super::players::session(&front, &token).await.ok().flatten(),
        None => None,
    };
    let mut rendered = message_page(&front, response.status(), heading, message, viewer.as_ref());
    // Keep what the error's response carried (its cause), unless rendering failed itself.
    let mut extensions = std::mem::take(response.extensions_mut());
    extensions.extend(std::mem::take(rendered.extensions_mut()));
    *rendered.extensions_mut() = extensions;
    rendered
}

fn message_page(
    front: &Frontend,
    status: StatusCode,
    heading: &'static str,
    message: String,
    viewer: Option<&SignedIn>,
) -> Response {
    render(status, &MessagePage { heading, message, frame: Frame::new(front, None, viewer) })
}

/// The HTML fallback for paths that match nothing.
pub async fn not_found(State(front): State<Arc<Frontend>>, Visitor(viewer): Visitor) -> Response {
    let message = "There is no page here.".to_owned();
    message_page(&front, StatusCode::NOT_FOUND, "Not found", message, viewer.as_ref())
}

/// The CSP of every page: no scripts, no third-party anything, and styles only from the front
/// end's own stylesheet ([`assets`]): no inline `<style>` or `style=""`.
const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'";

/// The CSP of the one page that runs a script, `/verify`: the same, plus scripts from the front
/// end's own files only (no inline script or handler, no `eval`) and fetches to its own API.
const SCRIPTED_CSP: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; \
    form-action 'self'; frame-ancestors 'none'";

/// Headers every page carries, also without a proxy in front (`prizegen up`): its CSP, no
/// framing, no content sniffing.
fn page_headers(csp: &'static str) -> [(&'static str, &'static str); 4] {
    [
        ("content-security-policy", csp),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
    ]
}

fn render(status: StatusCode, page: &impl Template) -> Response {
    render_with(status, page, PAGE_CSP)
}

/// A page that runs the front end's own scripts ([`assets::verifier_src`]).
fn render_scripted(status: StatusCode, page: &impl Template) -> Response {
    render_with(status, page, SCRIPTED_CSP)
}

fn render_with(status: StatusCode, page: &impl Template, csp: &'static str) -> Response {
    match page.render() {
        Ok(html) => (status, page_headers(csp), Html(html)).into_response(),
        Err(e) => crate::server::ApiError::internal(e).into_response(),
    }
}

/// A whole number of pence as money, or "no limit".
fn money(pence: Option<u64>) -> String {
    pence.map_or_else(|| "no limit".to_owned(), |p| prizegen_domain::money::Pence(p).to_string())
}

/// A share (0–1) as a percentage to one decimal, without the sign: 0.2 → `20`, 0.125 → `12.5`.
pub(crate) fn percent(share: f64) -> String {
    ((share * 1000.0).round() / 10.0).to_string()
}

/// A campaign as the public pages show it.
struct CampaignView {
    slug: String,
    name: String,
    venue: String,
    date: String,
    game: String,
    stock: String,
}

impl From<Campaign> for CampaignView {
    fn from(c: Campaign) -> Self {
        let stock = match c.budget_pence {
            None => "no limit".to_owned(),
            Some(budget) => format!("{} of {}", money(c.stock_left()), money(Some(budget))),
        };
        Self { slug: c.slug, name: c.name, venue: c.venue, date: c.date, game: c.game, stock }
    }
}
