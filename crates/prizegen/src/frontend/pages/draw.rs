//! A draw's page: its game's page with the draw on top — the result in the game's own order,
//! the prize (and why a budget lowered it), and what it takes to re-check it.

use super::game_page::{PageState, game_page};
use crate::frontend::Frontend;
use crate::frontend::auth::Visitor;
use crate::frontend::error::PageError;
use crate::frontend::view::{result_lines, summary};
use crate::store::StoredDraw;
use axum::extract::{Path, State};
use axum::response::Response;
use prizegen_domain::games::Game;
use prizegen_domain::games::character::ABILITIES;
use serde_json::Value;
use std::sync::Arc;

/// One field of the result on the card.
pub(super) struct FieldView {
    pub(super) label: &'static str,
    pub(super) value: String,
    /// Words (a task, a mission) rather than a code (an account number, a dossier): set in the
    /// text face, where codes are monospaced.
    pub(super) words: bool,
}

/// Whether `value` reads as words: some part of it has three letters or more, and no part mixes
/// letters with digits (`Steal the plans`, `Wizard`; not `19 u 12 z`, `qxzm4226` or `[18,15]`).
fn reads_as_words(value: &str) -> bool {
    let parts = || value.split_whitespace();
    let letters = |w: &str| w.chars().filter(|c| c.is_alphabetic()).count();
    let mixed = |w: &str| letters(w) > 0 && w.chars().any(|c| c.is_ascii_digit());
    parts().any(|w| letters(w) >= 3) && !parts().any(mixed)
}

/// A draw as the page shows it.
pub(super) struct DrawView {
    pub(super) id: String,
    pub(super) lines: Vec<FieldView>,
    pub(super) abilities: Vec<(String, u64)>,
    pub(super) has_prizes: bool,
    pub(super) won: bool,
    pub(super) prize_line: String,
    /// How the result card's outcome is coloured (besides what it says): `won`, `none` (a prize
    /// game's draw that won nothing) or `neutral` (a game without prizes).
    pub(super) tone: &'static str,
    /// A game without prizes: the label and value of the field that sums the draw up (the
    /// outcome of an attack, the mission, the character's name), shown big at the top.
    pub(super) headline_label: &'static str,
    pub(super) headline: String,
    pub(super) downgrade: Option<String>,
    pub(super) seed_hash: String,
    pub(super) server_seed: Option<String>,
    pub(super) client_seed: String,
    pub(super) nonce: u64,
    /// The player it belongs to, and their profile's path.
    pub(super) player: Option<(String, String)>,
}

impl DrawView {
    /// The draw as `viewer` (the signed-in player's name, if any) sees it: "You won" when it is
    /// theirs or nobody's, the player's name when it is someone else's.
    pub(super) fn of(draw: StoredDraw, game: Game, viewer: Option<&str>) -> Self {
        let result: Value = serde_json::from_str(&draw.result_json).unwrap_or(Value::Null);
        let abilities = ABILITIES
            .iter()
            .filter_map(|a| Some(((*a).to_owned(), result.get("abilities")?.get(a)?.as_u64()?)))
            .collect();
        let winner = match draw.player.as_deref() {
            Some(owner) if Some(owner) != viewer => owner.to_owned(),
            _ => "You".to_owned(),
        };
        let prize_line = match &draw.prize {
            Some(p) if p.amount_pence.0 > 0 => format!("{winner} won {}!", p.label),
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
        let won = draw.prize.as_ref().is_some_and(|p| p.amount_pence.0 > 0);
        let has_prizes = matches!(game, Game::AccountPrize | Game::PrizePool);
        let shown = game.presentation();
        let headline_label =
            shown.fields.iter().find(|f| f.key == shown.summary).map_or("Result", |f| f.label);
        Self {
            won,
            has_prizes,
            tone: match (has_prizes, won) {
                (false, _) => "neutral",
                (true, true) => "won",
                (true, false) => "none",
            },
            headline_label,
            headline: summary(game, &draw.result_json),
            prize_line,
            downgrade,
            lines: result_lines(game, &draw.result_json)
                .into_iter()
                .map(|l| FieldView { words: reads_as_words(&l.value), label: l.label, value: l.value })
                .collect(),
            abilities,
            id: draw.id,
            seed_hash: draw.seed_hash,
            server_seed: draw.server_seed,
            client_seed: draw.client_seed,
            nonce: draw.nonce,
            player: draw.player.map(|name| {
                let href = format!("/players/{}", name.replace(' ', "%20"));
                (name, href)
            }),
        }
    }
}

/// `GET /draws/{id}`.
pub async fn page(
    State(front): State<Arc<Frontend>>,
    Visitor(viewer): Visitor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let draw = front.store.draw(&id).await?.ok_or_else(|| PageError::not_found("There is no such draw."))?;
    let game = draw.game.parse::<Game>().map_err(|_| PageError::not_found("There is no such game."))?;
    let state =
        PageState { campaign: Some(draw.campaign.clone()), draw: Some(draw), viewer, ..PageState::default() };
    game_page(&front, game, state).await
}

#[cfg(test)]
mod tests {
    use super::reads_as_words;

    #[test]
    fn words_are_told_from_codes() {
        for words in ["Steal the DB_URI from", "the double agent", "Aria Moonwhisper", "Wizard", "crit"] {
            assert!(reads_as_words(words), "{words}");
        }
        for code in
            ["qxzm4226", "19 u 12 z 18 g 15 h 14 d 4 f", "[18,15,12]", "5uL61425j0hE6F3BIY97", "7.5", "2"]
        {
            assert!(!reads_as_words(code), "{code}");
        }
    }
}
