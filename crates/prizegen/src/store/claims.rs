//! Claiming a prize-pool sequence: one conditional UPDATE decides which of any number of
//! concurrent claims wins, and the winner's draw is stored in the same transaction with the
//! generation's seed and nonce.

use super::draws::credit;
use super::leaderboard::Credit;
use super::rows::{Arg, FromRow, StoredRow, label, pence};
use super::{Award, PrizeDraw, ServedBy, StoredDraw};
use crate::contract::Instance;
use prizegen_domain::games::Game;

/// A claim about to be stored: the draw it makes, with the generation's fairness.
#[derive(Clone, Debug)]
pub struct NewClaim {
    /// The sequence claimed.
    pub sequence: String,
    /// The claim draw's id.
    pub draw_id: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// The result fields, JSON.
    pub result_json: String,
    /// What the rules drew and its fallbacks.
    pub prize: PrizeDraw,
    /// The front end and rules instance of the claim (letters and numbers come from the
    /// generation).
    pub frontend: Instance,
    /// The rules instance that decided the prize.
    pub rules: Option<Instance>,
    /// The signed-in player claiming it (the draw is theirs); `None`: anonymous.
    pub player_id: Option<i64>,
}

/// What happened to a claim.
#[derive(Debug, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// Claimed now; the draw it made.
    Claimed(Box<StoredDraw>),
    /// Claimed before: "already submitted".
    AlreadyClaimed,
    /// No such sequence.
    Unknown,
    /// The claiming player's account was deleted meanwhile.
    PlayerGone,
}

/// The generation a claim's draw keeps: the columns `Generation::from_row` reads.
macro_rules! generation_columns {
    () => {
        "campaign_id, seed_id, nonce, client_seed, served_by"
    };
}

/// The generation's columns, for a dialect that returns them from the claim (SQLite).
pub(super) const GENERATION_COLUMNS: &str = generation_columns!();

/// The claim itself: of any number of concurrent claims exactly one changes the row. Arguments:
/// [`NewClaim::claim_args`].
pub(super) const CLAIM_SEQUENCE: &str =
    "UPDATE sequences SET claimed_at = ?, draw_id = ? WHERE sequence = ? AND claimed_at IS NULL";
/// Whether a sequence exists (after a claim changed nothing: claimed before, or unknown).
pub(super) const SEQUENCE_EXISTS: &str = "SELECT sequence FROM sequences WHERE sequence = ?";
/// A claimed sequence's generation, where the dialect cannot return it from the claim.
pub(super) const GENERATION: &str =
    concat!("SELECT ", generation_columns!(), " FROM sequences WHERE sequence = ?");
/// A claim's draw, with its generation's seed and nonce. Arguments:
/// [`NewClaim::draw_args`].
pub(super) const INSERT_CLAIM_DRAW: &str =
    "INSERT INTO draws (id, game, campaign_id, created_at, seed_id, nonce,
         client_seed, result, prize_pence, prize_label, drawn_prize_pence, drawn_prize_label, served_by,
         collided_nonces, player_id)
     VALUES (?, 'prize-pool', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?)";
/// A campaign's slug, for the leaderboard rows a claimed prize adds to. Arguments: its id.
pub(super) const CAMPAIGN_SLUG: &str = "SELECT slug FROM campaigns WHERE id = ?";

/// A row of [`CAMPAIGN_SLUG`].
pub(super) struct Slug(pub(super) String);

impl FromRow for Slug {
    fn from_row<R: StoredRow>(row: &R) -> Result<Self, R::Error> {
        Ok(Self(row.text("slug")?))
    }
}

/// What a claimed sequence's draw keeps from its generation.
pub(super) struct Generation {
    /// The campaign it was generated in.
    pub(super) campaign_id: i64,
    /// The seed it was generated with.
    pub(super) seed_id: i64,
    /// The nonce it was generated with.
    nonce: i64,
    /// The player's client seed.
    client_seed: String,
    /// Who generated it.
    served_by: ServedBy,
}

impl FromRow for Generation {
    /// Reads the generation's columns of a claimed sequence.
    fn from_row<R: StoredRow>(row: &R) -> Result<Self, R::Error> {
        Ok(Self {
            campaign_id: row.int("campaign_id")?,
            seed_id: row.int("seed_id")?,
            nonce: row.int("nonce")?,
            client_seed: row.text("client_seed")?,
            served_by: row.json("served_by")?,
        })
    }
}

impl NewClaim {
    /// [`CLAIM_SEQUENCE`]'s arguments.
    pub(super) fn claim_args(&self) -> [Arg<'_>; 3] {
        [self.created_at_ms.into(), self.draw_id.as_str().into(), self.sequence.as_str().into()]
    }

    /// The claim draw's `served_by`, as JSON: letters and numbers from the generation, the front
    /// end and rules from the claim.
    pub(super) fn served_by_json(&self, generation: &Generation) -> serde_json::Result<String> {
        serde_json::to_string(
            &generation.served_by.clone().claimed(self.frontend.clone(), self.rules.clone()),
        )
    }

    /// [`INSERT_CLAIM_DRAW`]'s arguments: the claim's draw with the generation's fairness,
    /// awarded `award`, served by `served_by` (from [`NewClaim::served_by_json`]).
    pub(super) fn draw_args<'a>(
        &'a self,
        generation: &'a Generation,
        award: &'a Award,
        served_by: String,
    ) -> [Arg<'a>; 13] {
        [
            self.draw_id.as_str().into(),
            generation.campaign_id.into(),
            self.created_at_ms.into(),
            generation.seed_id.into(),
            generation.nonce.into(),
            generation.client_seed.as_str().into(),
            self.result_json.as_str().into(),
            pence(award.prize.as_ref()),
            label(award.prize.as_ref()),
            pence(award.downgraded_from.as_ref()),
            label(award.downgraded_from.as_ref()),
            served_by.into(),
            self.player_id.into(),
        ]
    }

    /// Whether the claim's prize adds to a player's boards (then the campaign's slug is needed).
    pub(super) fn credits(&self, award: &Award) -> bool {
        self.player_id.is_some() && award.prize.as_ref().is_some_and(|p| p.amount_pence.0 > 0)
    }

    /// What the claim's prize adds to its player's boards, in campaign `campaign`.
    pub(super) fn credit<'a>(&'a self, campaign: &'a str, award: &Award) -> Option<Credit<'a>> {
        credit(self.player_id, Game::PrizePool, campaign, &self.draw_id, self.created_at_ms, award)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::rows::fake::FakeRow;
    use prizegen_domain::money::{Pence, Prize};

    #[test]
    fn a_claims_draw_keeps_the_generations_fairness() {
        let row = FakeRow::parse(
            "campaign_id 4 | seed_id 2 | nonce 8 | client_seed c
            | served_by {\"frontend\":\"0.1.0@a\",\"letters\":\"v2@l\",\"rules\":\"v1@r\"}",
        );
        let generation = Generation::from_row(&row).unwrap();
        row.assert_selected(GENERATION);
        let claim = NewClaim {
            sequence: "aB3".into(),
            draw_id: "0190-claim".into(),
            created_at_ms: 9,
            result_json: "{}".into(),
            prize: PrizeDraw::default(),
            frontend: Instance::new("0.2.0", "b"),
            rules: None,
            player_id: Some(6),
        };
        assert_eq!(claim.claim_args(), [Arg::Int(Some(9)), "0190-claim".into(), "aB3".into()]);
        let served_by = claim.served_by_json(&generation).unwrap();
        assert_eq!(served_by, r#"{"frontend":"0.2.0@b","letters":"v2@l","numbers":null,"rules":null}"#);
        let fiver = Prize { amount_pence: Pence(500), label: "£5".into() };
        let award = Award { prize: Some(fiver), downgraded_from: None };
        let args = claim.draw_args(&generation, &award, served_by);
        assert_eq!(args.len(), INSERT_CLAIM_DRAW.matches('?').count());
        assert_eq!(
            args[1..6],
            [Arg::Int(Some(4)), Arg::Int(Some(9)), Arg::Int(Some(2)), Arg::Int(Some(8)), "c".into()]
        );
        assert_eq!(args[7..9], [Arg::Int(Some(500)), "£5".into()]);
        assert_eq!(args[12], Arg::Int(Some(6)), "player_id");
        assert!(claim.credits(&award));
        let credit = claim.credit("pool", &award).unwrap();
        assert_eq!((credit.player_id, credit.amount_pence, credit.campaign), (6, 500, "pool"));
        assert!(!claim.credits(&Award::default()), "no prize, no credit");
    }
}
