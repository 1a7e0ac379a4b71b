//! A draw's page: its game's page with the draw on top — the result in the game's own order,
//! the prize (and why a budget lowered it), and what it takes to re-check it.

use super::game_page::{PageState, game_page};
use crate::frontend::Frontend;
use crate::frontend::error::PageError;
use crate::frontend::view::{ResultLine, result_lines};
use crate::store::StoredDraw;
use axum::extract::{Path, State};
use axum::response::Response;
use prizegen_domain::games::Game;
use prizegen_domain::games::character::ABILITIES;
use serde_json::Value;
use std::sync::Arc;

/// A draw as the page shows it.
pub(super) struct DrawView {
    pub(super) id: String,
    pub(super) lines: Vec<ResultLine>,
    pub(super) abilities: Vec<(String, u64)>,
    pub(super) has_prizes: bool,
    pub(super) won: bool,
    pub(super) prize_line: String,
    pub(super) downgrade: Option<String>,
    pub(super) seed_hash: String,
    pub(super) server_seed: Option<String>,
    pub(super) client_seed: String,
    pub(super) nonce: u64,
}

impl DrawView {
    pub(super) fn of(draw: StoredDraw, game: Game) -> Self {
        let result: Value = serde_json::from_str(&draw.result_json).unwrap_or(Value::Null);
        let abilities = ABILITIES
            .iter()
            .filter_map(|a| Some(((*a).to_owned(), result.get("abilities")?.get(a)?.as_u64()?)))
            .collect();
        let prize_line = match &draw.prize {
            Some(p) if p.amount_pence.0 > 0 => format!("You won {}!", p.label),
            Some(p) => format!("No prize ({}).", p.label),
            None => "No prize this time.".to_owned(),
        };
        let downgrade = draw.downgraded_from.as_ref().map(|from| {
            let awarded = draw.prize.as_ref().map_or_else(|| "no prize".to_owned(), |p| p.label.clone());
            format!(
                "The {} drawn no longer fits this campaign's budget, so the largest prize that fits was awarded: {awarded}.",
                from.label
            )
        });
        Self {
            won: draw.prize.as_ref().is_some_and(|p| p.amount_pence.0 > 0),
            has_prizes: matches!(game, Game::AccountPrize | Game::PrizePool),
            prize_line,
            downgrade,
            lines: result_lines(game, &draw.result_json),
            abilities,
            id: draw.id,
            seed_hash: draw.seed_hash,
            server_seed: draw.server_seed,
            client_seed: draw.client_seed,
            nonce: draw.nonce,
        }
    }
}

/// `GET /draws/{id}`.
pub async fn page(State(front): State<Arc<Frontend>>, Path(id): Path<String>) -> Result<Response, PageError> {
    let draw = front.store.draw(&id).await?.ok_or_else(|| PageError::not_found("There is no such draw."))?;
    let game = draw.game.parse::<Game>().map_err(|_| PageError::not_found("There is no such game."))?;
    let state = PageState { campaign: Some(draw.campaign.clone()), draw: Some(draw), ..PageState::default() };
    game_page(&front, game, state).await
}
