//! The leaderboard: which board a request names (everything, a game, or a campaign; all time,
//! this month, this week or today, in UTC), its pages, and a player's neighbourhood on it.
//!
//! Ranked by amount won; equal amounts by who reached theirs first, then by the older account.
//! A page continues after a cursor, the sort values of the entry it ended with, so a page is
//! one index range whatever its depth; its ranks are counted (one index range more).

use super::Frontend;
use crate::store::{Board, Period, Position, Scope, Standing, StoreError, now_ms};
use prizegen_domain::games::Game;

/// Entries on a page when the request names no limit.
pub const DEFAULT_LIMIT: u32 = 20;
/// The most entries on a page.
pub const MAX_LIMIT: u32 = 100;
/// Entries above and below the player with `around=me`.
pub const AROUND: u32 = 5;

/// What a leaderboard request could not do.
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    /// No such game.
    #[error("there is no game {0:?}")]
    UnknownGame(String),
    /// No such campaign.
    #[error("there is no campaign {0:?}")]
    UnknownCampaign(String),
    /// The campaign is for another game than the one named.
    #[error("campaign {campaign:?} is for {actual}, not {asked}")]
    CampaignOfAnotherGame {
        /// Its slug.
        campaign: String,
        /// The game it is for.
        actual: String,
        /// The game asked for.
        asked: String,
    },
    /// A cursor that no page gave.
    #[error("the cursor {0:?} is not one a page of this leaderboard gave")]
    BadCursor(String),
    /// The database is down or misbehaved.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The board a request names, checked: a campaign must exist (and be for the game, if one is
/// named too).
pub async fn board(
    front: &Frontend,
    game: Option<&str>,
    campaign: Option<&str>,
    period: Period,
) -> Result<Board, BoardError> {
    let game = match game.filter(|g| !g.is_empty()) {
        None => None,
        Some(name) => Some(name.parse::<Game>().map_err(|_| BoardError::UnknownGame(name.to_owned()))?),
    };
    let scope = match (campaign.filter(|c| !c.is_empty()), game) {
        (Some(slug), game) => {
            let found = front
                .store
                .campaign(slug)
                .await?
                .ok_or_else(|| BoardError::UnknownCampaign(slug.to_owned()))?;
            if let Some(game) = game.filter(|g| g.slug() != found.game) {
                return Err(BoardError::CampaignOfAnotherGame {
                    campaign: slug.to_owned(),
                    actual: found.game,
                    asked: game.slug().to_owned(),
                });
            }
            Scope::Campaign(slug.to_owned())
        }
        (None, Some(game)) => Scope::Game(game),
        (None, None) => Scope::All,
    };
    Ok(Board { scope, period, at_ms: now_ms() })
}

/// The cursor a page ending with `last` gives: its sort values.
pub fn cursor(last: &Standing) -> String {
    format!("{}.{}.{}", last.amount_pence, last.reached_at_ms, last.player_id)
}

/// The position a cursor stands for.
pub fn parse_cursor(cursor: &str) -> Result<Position, BoardError> {
    let bad = || BoardError::BadCursor(cursor.to_owned());
    let mut parts = cursor.split('.').map(|p| p.parse::<i64>().ok().filter(|n| *n >= 0));
    let (Some(Some(amount_pence)), Some(Some(reached_at_ms)), Some(Some(player_id)), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    Ok(Position { amount_pence, reached_at_ms, player_id })
}

/// The first day of the board's period (UTC), `None` for all time.
pub fn since(board: &Board) -> Option<String> {
    let key = board.period.key(board.at_ms);
    let (_, start) = key.split_once(':')?;
    Some(if start.len() == 7 { format!("{start}-01") } else { start.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_nothing_else_parses() {
        let standing = Standing {
            rank: 3,
            player_id: 9,
            name: "Ann".into(),
            amount_pence: 1_500,
            prizes: 2,
            reached_at_ms: 1_700_000_000_000,
            best_draw_id: "d".into(),
            best_pence: 1_000,
        };
        let position = parse_cursor(&cursor(&standing)).unwrap();
        assert_eq!(position, standing.position());
        for bad in ["", "1.2", "1.2.3.4", "a.b.c", "-1.2.3", "1..3", "1.2.3 "] {
            assert!(matches!(parse_cursor(bad), Err(BoardError::BadCursor(_))), "{bad:?}");
        }
    }

    #[test]
    fn a_boards_period_starts_on_its_first_day() {
        let at_ms = 1_796_212_800_000; // Wednesday 2026-12-02
        let board = |period| Board { scope: Scope::All, period, at_ms };
        assert_eq!(since(&board(Period::All)), None);
        assert_eq!(since(&board(Period::Month)).as_deref(), Some("2026-12-01"));
        assert_eq!(since(&board(Period::Week)).as_deref(), Some("2026-11-30"));
        assert_eq!(since(&board(Period::Day)).as_deref(), Some("2026-12-02"));
    }
}
