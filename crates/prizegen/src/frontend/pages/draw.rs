//! A draw's page: its game's page with the draw on top — the result in the game's own order,
//! the prize (and why a budget lowered it), and what it takes to re-check it: once its seed is
//! revealed, its place in the Merkle tree the audit log recorded at the reveal.

use super::game_page::{PageState, game_page};
use crate::frontend::Frontend;
use crate::frontend::audit::{self, Proof, ProofError};
use crate::frontend::auth::Visitor;
use crate::frontend::error::PageError;
use crate::frontend::view::{result_lines, rfc3339, summary};
use crate::server::error::ErrorChain;
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
    /// What the audit log holds for it, once its seed is revealed.
    pub(super) record: Option<RecordView>,
}

/// An entry of the audit log, linked to the page of the log that lists it.
pub(super) struct EntryLink {
    pub(super) seq: u64,
    pub(super) href: String,
}

impl EntryLink {
    fn new(seq: u64) -> Self {
        Self { seq, href: format!("/audit?after={}#entry-{seq}", seq.saturating_sub(1)) }
    }
}

/// A draw's inclusion proof as its page shows it.
pub(super) struct ProofView {
    pub(super) leaf_index: u64,
    pub(super) tree_size: u64,
    /// The draws the log recorded after the reveal (the tree's size then).
    pub(super) recorded_draws: u64,
    /// The root it recorded.
    pub(super) root: String,
    /// The entry that recorded them, and when (RFC 3339, and for people).
    pub(super) entry: EntryLink,
    pub(super) at: String,
    pub(super) at_shown: String,
    pub(super) leaf_hash: String,
    /// Sibling hashes from the leaf up.
    pub(super) path: Vec<String>,
}

/// What the audit log holds for a draw whose seed is revealed.
pub(super) enum RecordView {
    /// Its proof.
    Proof(ProofView),
    /// Why there is none, and the entry that records the draw instead, if one does.
    Without { reason: &'static str, entry: Option<EntryLink> },
}

impl RecordView {
    fn of(proof: Proof) -> Self {
        let details: Value = serde_json::from_str(&proof.entry.details).unwrap_or(Value::Null);
        let at = rfc3339(proof.entry.at_ms);
        Self::Proof(ProofView {
            leaf_index: proof.leaf_index,
            tree_size: proof.tree_size,
            recorded_draws: details["draws"].as_u64().unwrap_or_default(),
            root: details["merkle_root"].as_str().unwrap_or_default().to_owned(),
            entry: EntryLink::new(proof.entry.seq),
            at_shown: format!("{} UTC", at.get(..19).unwrap_or(&at).replace('T', " ")),
            at,
            leaf_hash: proof.leaf_hash,
            path: proof.path,
        })
    }
}

/// The audit log's record of draw `id`, whose seed is revealed. A failure to read it is logged
/// and said on the page rather than failing the whole page: the draw itself was read.
async fn record(front: &Frontend, id: &str) -> RecordView {
    let without = |reason, entry| RecordView::Without { reason, entry };
    match audit::proof(&front.store, &front.trees, id).await {
        Ok(proof) => RecordView::of(proof),
        Err(ProofError::ClaimedAfterReveal(seq)) => without(
            "This draw was claimed after its seed's reveal, so it is not in the seed's tree; its own entry records it:",
            Some(EntryLink::new(seq)),
        ),
        Err(ProofError::NotSealedYet(_)) => without(
            "Its seed was revealed moments ago and its draws are being sealed under a Merkle root; reload the page shortly for its proof.",
            None,
        ),
        Err(ProofError::NoRoot(_)) => {
            without("Its seed was revealed before the audit log began, so no root was recorded for it.", None)
        }
        Err(ProofError::NotInSealedTree(_)) => without(
            "This draw is not among the draws its seed's seal recorded: it was added or changed after the seal.",
            None,
        ),
        Err(ProofError::Indexing(_)) => {
            without("Its seed's draws are being indexed for proofs; reload the page in a few seconds.", None)
        }
        Err(ProofError::NotRevealed(_) | ProofError::UnknownDraw(_)) => {
            without("Its proof exists once its seed is revealed.", None)
        }
        Err(ProofError::Store(error)) => {
            tracing::warn!(draw = id, error = %ErrorChain(&error), "a draw's proof could not be read");
            without("Its proof could not be read just now; reload the page to try again.", None)
        }
    }
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
            record: None,
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
    let record = match draw.server_seed {
        Some(_) => Some(record(&front, &id).await),
        None => None,
    };
    let state = PageState {
        campaign: Some(draw.campaign.clone()),
        draw: Some(draw),
        record,
        viewer,
        ..PageState::default()
    };
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
