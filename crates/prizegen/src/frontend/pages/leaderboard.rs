//! The leaderboard page: the period and the game as tabs, the signed-in player's row
//! highlighted (and their neighbourhood when they are not on the page shown), each entry's best
//! draw linked to its page, where it can be checked.

use super::players::profile_href;
use super::{Frame, render};
use crate::frontend::Frontend;
use crate::frontend::auth::Visitor;
use crate::frontend::error::PageError;
use crate::frontend::leaderboard::{self, AROUND, DEFAULT_LIMIT};
use crate::frontend::view::rfc3339;
use crate::store::{Period, Scope, Standing};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use http::StatusCode;
use prizegen_domain::games::Game;
use prizegen_domain::money::Pence;
use serde::Deserialize;
use std::sync::Arc;

/// `?game=&campaign=&period=&cursor=`.
#[derive(Deserialize, Default)]
pub struct BoardQuery {
    game: Option<String>,
    campaign: Option<String>,
    period: Option<String>,
    cursor: Option<String>,
}

/// A tab: its label, where it leads, and whether it is the one shown.
struct Tab {
    label: &'static str,
    href: String,
    current: bool,
}

/// A row of the board.
struct Row {
    rank: u64,
    name: String,
    href: String,
    amount: String,
    prizes: i64,
    reached: String,
    best_draw: String,
    best: String,
    me: bool,
}

#[derive(Template)]
#[template(path = "leaderboard.html")]
struct BoardPage {
    heading: String,
    periods: Vec<Tab>,
    games: Vec<Tab>,
    since: Option<String>,
    rows: Vec<Row>,
    mine: Vec<Row>,
    signed_in: bool,
    next: Option<String>,
    first_page: Option<String>,
    frame: Frame,
}

/// The games whose draws win prizes: the only ones with a board of their own.
const PRIZE_GAMES: [Game; 2] = [Game::AccountPrize, Game::PrizePool];

fn rows(standings: &[Standing], me: Option<i64>) -> Vec<Row> {
    standings
        .iter()
        .map(|s| Row {
            rank: s.rank,
            href: profile_href(&s.name),
            name: s.name.clone(),
            amount: Pence(s.amount_pence.max(0) as u64).to_string(),
            prizes: s.prizes,
            reached: rfc3339(s.reached_at_ms).get(..16).unwrap_or_default().replace('T', " "),
            best_draw: s.best_draw_id.clone(),
            best: Pence(s.best_pence.max(0) as u64).to_string(),
            me: Some(s.player_id) == me,
        })
        .collect()
}

/// The page's own URL with these parameters.
fn href(game: Option<&str>, campaign: Option<&str>, period: Period) -> String {
    let mut params = Vec::new();
    if let Some(game) = game {
        params.push(format!("game={game}"));
    }
    if let Some(campaign) = campaign {
        params.push(format!("campaign={campaign}"));
    }
    if period != Period::All {
        params.push(format!("period={}", period.as_str()));
    }
    if params.is_empty() { "/leaderboard".to_owned() } else { format!("/leaderboard?{}", params.join("&")) }
}

/// `GET /leaderboard`.
pub async fn page(
    State(front): State<Arc<Frontend>>,
    Visitor(viewer): Visitor,
    Query(query): Query<BoardQuery>,
) -> Result<Response, PageError> {
    let period = match query.period.as_deref() {
        None | Some("") => Period::All,
        Some(name) => Period::parse(name).ok_or_else(|| PageError::not_found("There is no such period."))?,
    };
    let game = query.game.as_deref().filter(|g| !g.is_empty());
    let campaign = query.campaign.as_deref().filter(|c| !c.is_empty());
    let board = leaderboard::board(&front, game, campaign, period).await?;
    let after = query.cursor.as_deref().map(leaderboard::parse_cursor).transpose()?;
    let standings = front.store.standings(board.clone(), after, DEFAULT_LIMIT).await?;
    let me = viewer.as_ref().map(|v| v.id);
    let on_page = standings.iter().any(|s| Some(s.player_id) == me);
    let mine = match &viewer {
        Some(player) if !on_page => front.store.standings_around(board.clone(), player.id, AROUND).await?,
        _ => Vec::new(),
    };
    let (game, campaign) = match &board.scope {
        Scope::All => (None, None),
        Scope::Game(game) => (Some(game.slug()), None),
        Scope::Campaign(slug) => (None, Some(slug.as_str())),
    };
    let heading = match (&board.scope, campaign) {
        (Scope::Game(g), _) => format!("Leaderboard: {}", g.presentation().title),
        (_, Some(slug)) => format!("Leaderboard: campaign {slug}"),
        _ => "Leaderboard".to_owned(),
    };
    let period_label = |p: Period| match p {
        Period::All => "All time",
        Period::Month => "This month",
        Period::Week => "This week",
        Period::Day => "Today",
    };
    let periods = Period::EVERY
        .into_iter()
        .map(|p| Tab { label: period_label(p), href: href(game, campaign, p), current: p == period })
        .collect();
    let mut games = vec![Tab {
        label: "All games",
        href: href(None, None, period),
        current: matches!(board.scope, Scope::All),
    }];
    games.extend(PRIZE_GAMES.into_iter().map(|g| Tab {
        label: g.presentation().title,
        href: href(Some(g.slug()), None, period),
        current: board.scope == Scope::Game(g),
    }));
    let here = href(game, campaign, period);
    let joiner = if here.contains('?') { '&' } else { '?' };
    let next = standings
        .last()
        .filter(|_| standings.len() == DEFAULT_LIMIT as usize)
        .map(|last| format!("{here}{joiner}cursor={}", leaderboard::cursor(last)));
    let page = BoardPage {
        heading,
        periods,
        games,
        since: leaderboard::since(&board),
        rows: rows(&standings, me),
        mine: rows(&mine, me),
        signed_in: viewer.is_some(),
        next,
        first_page: after.map(|_| here.clone()),
        frame: Frame::new(&front, None, viewer.as_ref()),
    };
    Ok(render(StatusCode::OK, &page))
}
