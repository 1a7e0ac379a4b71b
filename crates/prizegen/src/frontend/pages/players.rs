//! The players' pages: register, sign in and out, "my draws" (totals, a chart of winnings,
//! the draws a page at a time, and the settings), and every player's public profile. Forms go
//! through the same use cases as the API (`frontend/players`).

use super::chart::{Chart, winnings_chart};
use super::{Frame, render};
use crate::frontend::Frontend;
use crate::frontend::auth::Visitor;
use crate::frontend::auth::session::{cookie, random_hex};
use crate::frontend::error::PageError;
use crate::frontend::forms::{PlayerEntryForm, PlayerForm};
use crate::frontend::players::tokens::{FORM_COOKIE, SESSION_COOKIE, SESSION_DAYS, set_cookie};
use crate::frontend::players::{self, PlayerError, SignedIn, names::Name};
use crate::frontend::view::{rfc3339, summary};
use crate::server::ApiError;
use crate::server::forwarded::Client;
use crate::store::{DrawFilter, GameTotals, PlayerRecord, StoredDraw};
use askama::Template;
use axum::extract::{Extension, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use prizegen_domain::games::Game;
use prizegen_domain::money::Pence;
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::sync::Arc;

/// How long the register and sign-in forms' cookie lasts, in seconds.
const FORM_SECONDS: i64 = 3600;
/// Draws on a page of "my draws".
const PAGE: u32 = 20;

/// The register or sign-in page.
#[derive(Template)]
#[template(path = "player_entry.html")]
struct EntryPage {
    /// `register` or `sign-in`.
    action: &'static str,
    heading: &'static str,
    button: &'static str,
    csrf: String,
    name: String,
    next: String,
    error: Option<String>,
    frame: Frame,
}

/// The fields of the register and sign-in forms.
#[derive(Deserialize)]
pub struct EntryFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    /// Where to go after signing in (a path on this site).
    #[serde(default)]
    next: String,
}

/// `?next=` of the sign-in page.
#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only a path on this site is followed after signing in (`/me`, `/play/attack?x=1`), never
/// another site (`//evil.example`, `https://…`).
fn local_path(next: &str) -> &str {
    let local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    if local { next } else { "/me" }
}

fn append_cookie(response: &mut Response, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// The entry form for `action`, with the double-submit cookie its token is bound to.
fn entry_page(
    front: &Frontend,
    action: &'static str,
    form_cookie: Option<&str>,
    name: String,
    next: String,
    error: Option<(StatusCode, String)>,
) -> Response {
    let value = form_cookie.filter(|v| !v.is_empty()).map_or_else(random_hex, str::to_owned);
    let (heading, button) = match action {
        "register" => ("Register", "Register"),
        _ => ("Sign in", "Sign in"),
    };
    let (status, error) = match error {
        Some((status, message)) => (status, Some(message)),
        None => (StatusCode::OK, None),
    };
    let csrf = front.players.forms.form_csrf(&value);
    let page =
        EntryPage { action, heading, button, csrf, name, next, error, frame: Frame::new(front, None, None) };
    let mut response = render(status, &page);
    append_cookie(&mut response, &set_cookie(FORM_COOKIE, &value, FORM_SECONDS));
    response
}

/// `GET /register`.
pub async fn register_page(State(front): State<Arc<Frontend>>, headers: HeaderMap) -> Response {
    entry_page(&front, "register", cookie(&headers, FORM_COOKIE), String::new(), "/me".into(), None)
}

/// `GET /sign-in`.
pub async fn sign_in_page(
    State(front): State<Arc<Frontend>>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Response {
    let next = local_path(query.next.as_deref().unwrap_or("/me")).to_owned();
    entry_page(&front, "sign-in", cookie(&headers, FORM_COOKIE), String::new(), next, None)
}

/// Signed in: the session cookie, the form cookie gone, and on to `next`.
fn signed_in(session: players::Session, next: &str) -> Response {
    let mut response = Redirect::to(local_path(next)).into_response();
    append_cookie(&mut response, &set_cookie(SESSION_COOKIE, &session.token, SESSION_DAYS * 86_400));
    append_cookie(&mut response, &set_cookie(FORM_COOKIE, "", 0));
    response
}

/// A refused entry form: the API's status and message on the form, with `Retry-After` for 429.
fn refused_entry(
    front: &Frontend,
    action: &'static str,
    cookie: &str,
    fields: EntryFields,
    e: PlayerError,
) -> Response {
    let api = ApiError::from(e);
    let retry = api.retry_after_s;
    let mut response =
        entry_page(front, action, Some(cookie), fields.name, fields.next, Some((api.status, api.message)));
    if let Some(seconds) = retry {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// `POST /register`: registers, signs in, and goes to "my draws".
pub async fn register(
    State(front): State<Arc<Frontend>>,
    PlayerEntryForm { cookie, fields }: PlayerEntryForm<EntryFields>,
) -> Response {
    let name = fields.name.trim().to_owned();
    let registered = match players::register(&front, &name, fields.password.clone()).await {
        Ok(player) => players::start_session(&front, player).await,
        Err(e) => Err(e),
    };
    match registered {
        Ok(session) => signed_in(session, "/me"),
        Err(e) => {
            refused_entry(&front, "register", &cookie, EntryFields { password: String::new(), ..fields }, e)
        }
    }
}

/// `POST /sign-in`.
pub async fn sign_in(
    State(front): State<Arc<Frontend>>,
    Extension(client): Extension<Client>,
    PlayerEntryForm { cookie, fields }: PlayerEntryForm<EntryFields>,
) -> Response {
    match players::sign_in(&front, &fields.name, fields.password.clone(), client.addr).await {
        Ok(session) => signed_in(session, &fields.next),
        Err(e) => {
            refused_entry(&front, "sign-in", &cookie, EntryFields { password: String::new(), ..fields }, e)
        }
    }
}

/// `POST /sign-out`: the session ends everywhere; back to the home page.
pub async fn sign_out(
    State(front): State<Arc<Frontend>>,
    PlayerForm { player, .. }: PlayerForm<IgnoredAny>,
) -> Result<Response, PageError> {
    players::sign_out(&front, &player).await?;
    let mut response = Redirect::to("/").into_response();
    append_cookie(&mut response, &set_cookie(SESSION_COOKIE, "", 0));
    Ok(response)
}

/// A player's totals as the pages show them.
struct TotalsView {
    draws: i64,
    prizes: i64,
    amount: String,
    by_game: Vec<GameRow>,
}

struct GameRow {
    game: String,
    title: &'static str,
    draws: i64,
    prizes: i64,
    amount: String,
}

fn money(pence: i64) -> String {
    Pence(pence.max(0) as u64).to_string()
}

impl From<Vec<GameTotals>> for TotalsView {
    fn from(by_game: Vec<GameTotals>) -> Self {
        Self {
            draws: by_game.iter().map(|t| t.draws).sum(),
            prizes: by_game.iter().map(|t| t.prizes).sum(),
            amount: money(by_game.iter().map(|t| t.amount_pence).sum()),
            by_game: by_game
                .into_iter()
                .map(|t| GameRow {
                    title: t.game.parse::<Game>().map_or("", |g| g.presentation().title),
                    game: t.game,
                    draws: t.draws,
                    prizes: t.prizes,
                    amount: money(t.amount_pence),
                })
                .collect(),
        }
    }
}

/// A draw as a row of a player's lists.
struct DrawRow {
    id: String,
    when: String,
    game: String,
    summary: String,
    prize: String,
    won: bool,
}

fn rows(draws: Vec<StoredDraw>) -> Vec<DrawRow> {
    draws
        .into_iter()
        .map(|d| {
            let game = d.game.parse::<Game>().ok();
            DrawRow {
                when: rfc3339(d.created_at_ms).get(..16).unwrap_or_default().replace('T', " "),
                summary: game.map(|g| summary(g, &d.result_json)).unwrap_or_default(),
                game: game.map_or(d.game.clone(), |g| g.presentation().title.to_owned()),
                won: d.prize.as_ref().is_some_and(|p| p.amount_pence.0 > 0),
                prize: d.prize.map_or_else(|| "—".to_owned(), |p| p.label),
                id: d.id,
            }
        })
        .collect()
}

/// The chart of a player's winnings over time: their prized draws, oldest first, summed.
async fn chart(front: &Frontend, player_id: i64, total_pence: i64) -> Result<Option<Chart>, PageError> {
    let filter = DrawFilter { player_id: Some(player_id), won: true, limit: 200, ..DrawFilter::default() };
    let mut wins = front.store.recent_draws(filter).await?;
    wins.reverse();
    let shown: i64 = wins.iter().filter_map(|d| d.prize.as_ref()).map(|p| p.amount_pence.0 as i64).sum();
    let start = total_pence - shown;
    let mut running = start;
    let points = wins
        .iter()
        .map(|d| {
            running += d.prize.as_ref().map_or(0, |p| p.amount_pence.0 as i64);
            (d.created_at_ms, running)
        })
        .collect::<Vec<_>>();
    Ok(winnings_chart(start, &points))
}

/// "My draws".
#[derive(Template)]
#[template(path = "me.html")]
struct MePage {
    name: String,
    profile_href: String,
    joined: String,
    totals: TotalsView,
    chart: Option<Chart>,
    draws: Vec<DrawRow>,
    older: Option<String>,
    client_seed: String,
    csrf: String,
    notice: Option<&'static str>,
    error: Option<String>,
    frame: Frame,
}

/// `?before=` (a page of older draws) and `?done=` (what a settings form did).
#[derive(Deserialize)]
pub struct MeQuery {
    before: Option<String>,
    done: Option<String>,
}

async fn me_page(
    front: &Frontend,
    player: &SignedIn,
    before: Option<String>,
    notice: Option<&'static str>,
    error: Option<(StatusCode, String)>,
) -> Result<Response, PageError> {
    let by_game = front.store.player_totals(player.id).await?;
    let total_pence = by_game.iter().map(|t| t.amount_pence).sum();
    let totals = TotalsView::from(by_game);
    let before = before.filter(|b| uuid::Uuid::try_parse(b).is_ok());
    let filter = DrawFilter { player_id: Some(player.id), before, limit: PAGE, ..DrawFilter::default() };
    let draws = front.store.recent_draws(filter).await?;
    let older = (draws.len() == PAGE as usize).then(|| draws.last().map(|d| d.id.clone())).flatten();
    let (status, error) = match error {
        Some((status, message)) => (status, Some(message)),
        None => (StatusCode::OK, None),
    };
    let page = MePage {
        name: player.name.clone(),
        profile_href: profile_href(&player.name),
        joined: rfc3339(player.joined_ms).get(..10).unwrap_or_default().to_owned(),
        chart: chart(front, player.id, total_pence).await?,
        totals,
        draws: rows(draws),
        older,
        client_seed: player.client_seed.clone().unwrap_or_default(),
        csrf: front.players.forms.session_csrf(&player.token_hash),
        notice,
        error,
        frame: Frame::new(front, None, Some(player)),
    };
    Ok(render(status, &page))
}

/// A player's public profile's path.
pub(super) fn profile_href(name: &str) -> String {
    format!("/players/{}", name.replace(' ', "%20"))
}

/// `GET /me`: signed in, the player's draws and settings; otherwise the sign-in page.
pub async fn me(
    State(front): State<Arc<Frontend>>,
    Visitor(viewer): Visitor,
    Query(query): Query<MeQuery>,
) -> Result<Response, PageError> {
    let Some(player) = viewer else { return Ok(Redirect::to("/sign-in?next=/me").into_response()) };
    let notice = match query.done.as_deref() {
        Some("seed") => Some("Your default client seed is saved."),
        Some("password") => Some("Your password is changed; every other session has ended."),
        _ => None,
    };
    me_page(&front, &player, query.before, notice, None).await
}

/// The default client seed form.
#[derive(Deserialize)]
pub struct SeedFields {
    #[serde(default)]
    client_seed: String,
}

/// `POST /me/client-seed`.
pub async fn set_client_seed(
    State(front): State<Arc<Frontend>>,
    PlayerForm { player, fields }: PlayerForm<SeedFields>,
) -> Result<Response, PageError> {
    match players::set_client_seed(&front, &player, Some(fields.client_seed)).await {
        Ok(_) => Ok(Redirect::to("/me?done=seed").into_response()),
        Err(e) => refused_setting(&front, &player, e).await,
    }
}

/// The password form.
#[derive(Deserialize)]
pub struct PasswordFields {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// `POST /me/password`.
pub async fn change_password(
    State(front): State<Arc<Frontend>>,
    PlayerForm { player, fields }: PlayerForm<PasswordFields>,
) -> Result<Response, PageError> {
    match players::change_password(&front, &player, fields.current_password, fields.new_password).await {
        Ok(()) => Ok(Redirect::to("/me?done=password").into_response()),
        Err(e) => refused_setting(&front, &player, e).await,
    }
}

/// The delete form.
#[derive(Deserialize)]
pub struct DeleteFields {
    #[serde(default)]
    password: String,
}

/// `POST /me/delete`: the account goes (its draws stay, anonymised); signed out.
pub async fn delete(
    State(front): State<Arc<Frontend>>,
    PlayerForm { player, fields }: PlayerForm<DeleteFields>,
) -> Result<Response, PageError> {
    match players::delete(&front, &player, fields.password).await {
        Ok(()) => {
            let mut response = Redirect::to("/?deleted=1").into_response();
            append_cookie(&mut response, &set_cookie(SESSION_COOKIE, "", 0));
            Ok(response)
        }
        Err(e) => refused_setting(&front, &player, e).await,
    }
}

/// A settings form refused: "my draws" with the reason, with the API's status.
async fn refused_setting(front: &Frontend, player: &SignedIn, e: PlayerError) -> Result<Response, PageError> {
    let api = ApiError::from(e);
    if api.status == StatusCode::UNAUTHORIZED {
        return Err(PageError::session_ended());
    }
    me_page(front, player, None, None, Some((api.status, api.message))).await
}

/// A player's public profile.
#[derive(Template)]
#[template(path = "player.html")]
struct ProfilePage {
    name: String,
    joined: String,
    mine: bool,
    totals: TotalsView,
    chart: Option<Chart>,
    wins: Vec<DrawRow>,
    frame: Frame,
}

/// `GET /players/{name}`.
pub async fn profile(
    State(front): State<Arc<Frontend>>,
    Visitor(viewer): Visitor,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    let found: Option<PlayerRecord> = front.store.player_by_name(&Name::key_of(&name)).await?;
    let player = found.ok_or_else(|| PageError::not_found("There is no player of that name."))?;
    let totals = front.store.player_totals(player.id).await?;
    let total_pence = totals.iter().map(|t| t.amount_pence).sum();
    let wins = DrawFilter { player_id: Some(player.id), won: true, limit: 10, ..DrawFilter::default() };
    let page = ProfilePage {
        mine: viewer.as_ref().is_some_and(|v| v.id == player.id),
        joined: rfc3339(player.created_at_ms).get(..10).unwrap_or_default().to_owned(),
        totals: totals.into(),
        chart: chart(&front, player.id, total_pence).await?,
        wins: rows(front.store.recent_draws(wins).await?),
        name: player.name,
        frame: Frame::new(&front, None, viewer.as_ref()),
    };
    Ok(render(StatusCode::OK, &page))
}

/// The password rules, for the register form's hint.
pub const PASSWORD_HINT: &str = "At least 10 characters (at most 128). Any characters; a phrase of a few uncommon words works well. \
     Easily guessed passwords are refused.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_signing_in() {
        assert_eq!(local_path("/play/attack?campaign=x"), "/play/attack?campaign=x");
        for away in ["//evil.example/x", "https://evil.example", "evil", "/\\evil.example", ""] {
            assert_eq!(local_path(away), "/me", "{away}");
        }
        assert!(PASSWORD_HINT.contains(&players::passwords::MIN_CHARS.to_string()));
    }
}
