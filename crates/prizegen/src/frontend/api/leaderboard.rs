//! `GET /api/v1/leaderboard`: players ranked by what they won.

use super::ApiQuery;
use crate::frontend::Frontend;
use crate::frontend::auth::MaybePlayer;
use crate::frontend::leaderboard::{self, AROUND, DEFAULT_LIMIT, MAX_LIMIT};
use crate::frontend::view::rfc3339;
use crate::server::ApiError;
use crate::server::error::ErrorResponse;
use crate::store::{Period, Scope, Standing};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// The stretch of time a board counts (UTC calendar).
#[derive(Clone, Copy, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum PeriodName {
    /// Since the beginning.
    #[default]
    All,
    /// This month.
    Month,
    /// This week, from Monday.
    Week,
    /// Today.
    Day,
}

impl From<PeriodName> for Period {
    fn from(name: PeriodName) -> Self {
        match name {
            PeriodName::All => Period::All,
            PeriodName::Month => Period::Month,
            PeriodName::Week => Period::Week,
            PeriodName::Day => Period::Day,
        }
    }
}

/// Only the signed-in player's neighbourhood.
#[derive(Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Around {
    /// The signed-in player, with five entries above and five below.
    Me,
}

/// Which board, and which part of it.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// Only this game's prizes.
    #[param(schema_with = super::draws::game_filter)]
    game: Option<String>,
    /// Only this campaign's prizes (with `game`, the campaign must be for it).
    #[param(min_length = 2, max_length = 40, pattern = r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")]
    campaign: Option<String>,
    /// All time (default), or this month, week (from Monday) or day, in UTC.
    #[param(inline)]
    period: Option<PeriodName>,
    /// At most this many entries, 1–100; 20 when absent.
    #[param(minimum = 1, maximum = 100, default = 20)]
    limit: Option<u32>,
    /// Continue after the page that gave this `next_cursor`.
    #[param(pattern = r"^[0-9]{1,18}\.[0-9]{1,18}\.[0-9]{1,18}$")]
    cursor: Option<String>,
    /// `me`: the signed-in player's entry, five above and five below (then `limit` and `cursor`
    /// do not apply).
    #[param(inline)]
    around: Option<Around>,
}

/// A player's line on a board.
#[derive(Serialize, ToSchema)]
pub struct EntryBody {
    /// 1 for the first.
    rank: u64,
    /// The player's name.
    player: String,
    /// What they won in this board's games and period, in pence.
    amount_pence: i64,
    /// How many prizes.
    prizes: i64,
    /// When they reached that amount (RFC 3339): the earlier ranks first among equal amounts.
    reached_at: String,
    /// Their largest prize's draw (the earliest among equals): `GET /api/v1/draws/{id}`, verifiable
    /// once its seed is revealed.
    best_draw_id: String,
    /// That prize, in pence.
    best_prize_pence: i64,
}

/// A page of a board.
#[derive(Serialize, ToSchema)]
pub struct BoardBody {
    /// The game counted, or null for all.
    #[schema(required = true)]
    game: Option<String>,
    /// The campaign counted, or null for all.
    #[schema(required = true)]
    campaign: Option<String>,
    /// The period.
    period: PeriodName,
    /// The period's first day (UTC), or null for all time.
    #[schema(required = true, format = Date)]
    since: Option<String>,
    /// The entries, best first.
    entries: Vec<EntryBody>,
    /// For the next page (`cursor=`); null when this page is the last.
    #[schema(required = true)]
    next_cursor: Option<String>,
}

fn entry(s: &Standing) -> EntryBody {
    EntryBody {
        rank: s.rank,
        player: s.name.clone(),
        amount_pence: s.amount_pence,
        prizes: s.prizes,
        reached_at: rfc3339(s.reached_at_ms),
        best_draw_id: s.best_draw_id.clone(),
        best_prize_pence: s.best_pence,
    }
}

/// Players ranked by what they won.
///
/// Ranked by amount won; equal amounts by who reached theirs first, then by who registered
/// first. Prizes count from the draw that awarded them (budget downgrades counted as awarded),
/// in the draw's own transaction: a board always equals the sum of its players' awarded prizes.
#[utoipa::path(
    get,
    tag = "players",
    operation_id = "getLeaderboard",
    path = "/api/v1/leaderboard",
    params(BoardQuery),
    security((), ("player" = [])),
    responses(
        (status = 200, description = "A page of the board.", body = BoardBody),
        (status = 400, description = "A query parameter cannot be read (`invalid_query`), or a cursor that no page \
            gave (`invalid_cursor`).", body = ErrorResponse),
        (status = 401, description = "`around=me` without a player session, or an `Authorization` header that is \
            not a live session (`not_signed_in`).", body = ErrorResponse),
        (status = 422, description = "An unknown game (`unknown_game`) or campaign (`unknown_campaign`), a \
            campaign of another game (`campaign_unavailable`), or a limit outside 1–100 (`invalid_limit`).",
            body = ErrorResponse),
    ),
)]
pub async fn show(
    State(front): State<Arc<Frontend>>,
    MaybePlayer(player): MaybePlayer,
    ApiQuery(query): ApiQuery<BoardQuery>,
) -> Result<Json<BoardBody>, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid("invalid_limit", "limit is 1 to 100").on_field("limit"));
    }
    let period = query.period.unwrap_or_default();
    let board =
        leaderboard::board(&front, query.game.as_deref(), query.campaign.as_deref(), period.into()).await?;
    let after = query.cursor.as_deref().map(leaderboard::parse_cursor).transpose()?;
    let (standings, full) = match query.around {
        Some(Around::Me) => {
            let player = player.ok_or_else(|| {
                ApiError::not_signed_in(
                    "around=me needs a player session: send Authorization: Bearer <token>",
                )
            })?;
            (front.store.standings_around(board.clone(), player.id, AROUND).await?, false)
        }
        None => {
            let standings = front.store.standings(board.clone(), after, limit).await?;
            let full = standings.len() == limit as usize;
            (standings, full)
        }
    };
    let next_cursor = standings.last().filter(|_| full).map(leaderboard::cursor);
    let (game, campaign) = match &board.scope {
        Scope::All => (None, None),
        Scope::Game(game) => (Some(game.slug().to_owned()), None),
        Scope::Campaign(slug) => (query.game.filter(|g| !g.is_empty()), Some(slug.clone())),
    };
    Ok(Json(BoardBody {
        game,
        campaign,
        period,
        since: leaderboard::since(&board),
        entries: standings.iter().map(entry).collect(),
        next_cursor,
    }))
}
