//! Draws: what is stored for each one, how it is found again, and what can happen to an insert.

use super::leaderboard::Credit;
use super::rows::{Arg, FromRow, StoredRow, label, pence};
use super::{Award, PrizeDraw, ServedBy, StoreError};
use prizegen_domain::games::Game;
use prizegen_domain::money::Prize;

/// A draw about to be stored.
#[derive(Clone, Debug)]
pub struct NewDraw {
    /// A time-ordered UUID (v7), so ids sort newest-last.
    pub id: String,
    /// Which game.
    pub game: Game,
    /// The campaign's slug; the insert fails unless it exists, is active and is for `game`.
    pub campaign: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// The seed used; the insert fails unless it is still current.
    pub seed_id: i64,
    /// The nonce used.
    pub nonce: u64,
    /// The player's client seed.
    pub client_seed: String,
    /// The game's result fields, as JSON.
    pub result_json: String,
    /// What it drew, and the lower prizes the budget may force instead.
    pub prize: PrizeDraw,
    /// Who served it.
    pub served_by: ServedBy,
    /// Unique within the campaign (the account number), if the game has one.
    pub unique_key: Option<String>,
    /// Unique within the game (a character's name), if the game has one.
    pub global_key: Option<String>,
    /// The client's `Idempotency-Key` and a hash of its request.
    pub idempotency: Option<Idempotency>,
    /// Nonces drawn before this one whose outcome collided with an existing draw.
    pub collided_nonces: Vec<u64>,
    /// The signed-in player it belongs to; `None` for an anonymous draw.
    pub player_id: Option<i64>,
    /// For a draw made on a replica's remembered view of the session: what the write must find
    /// still true, in its own transaction, or refuse it ([`InsertOutcome::SessionChanged`]).
    pub session_check: Option<SessionCheck>,
}

/// What a signed-in draw assumed of its session, checked by the write: the session is still
/// live and still the draw's player's, and their default client seed is still the one the draw
/// assumed. A replica may then skip reading the session before each draw (the front end's
/// `SessionCache`) without ever storing a draw for a session that has ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionCheck {
    /// The session's token hash.
    pub token_hash: String,
    /// The player's default client seed, as the draw assumed it.
    pub client_seed: Option<String>,
    /// Now (Unix milliseconds): the session must not have expired by then.
    pub now_ms: i64,
}

impl SessionCheck {
    /// The arguments of [`SESSION_PLAYER`](super::players::SESSION_PLAYER).
    pub(super) fn args(&self) -> Vec<Arg<'static>> {
        vec![self.token_hash.clone().into(), self.now_ms.into()]
    }

    /// Whether the session as read now (`None`: ended) still says what the draw assumed.
    pub(super) fn holds(&self, found: Option<&super::SessionPlayer>, player_id: Option<i64>) -> bool {
        found.is_some_and(|p| Some(p.id) == player_id && p.client_seed == self.client_seed)
    }
}

/// An `Idempotency-Key` and the request it was first used with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Idempotency {
    /// The key as sent.
    pub key: String,
    /// SHA-256 of the canonical request, to refuse the key's reuse for another request.
    pub request_hash: String,
}

/// What happened to an insert.
#[derive(Debug, PartialEq, Eq)]
pub enum InsertOutcome {
    /// Stored and committed, with what it was awarded.
    Inserted(Award),
    /// The unique key (account number, sequence) is taken: draw again.
    UniqueKeyTaken,
    /// The global key (a character's name) is taken: the player must choose another.
    GlobalKeyTaken,
    /// Another request with this idempotency key was stored first.
    IdempotencyKeyTaken,
    /// The seed was rotated since the nonce was reserved: draw again with the new seed.
    SeedNotCurrent,
    /// The campaign does not exist, is inactive, or is for another game.
    CampaignUnavailable,
    /// The player's account was deleted while the draw was being made.
    PlayerGone,
    /// The session a [`SessionCheck`] names has ended, or its player's default client seed has
    /// changed: look the session up afresh, then draw again or refuse.
    SessionChanged,
}

/// A stored draw, with its seed's public parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDraw {
    /// Its id.
    pub id: String,
    /// The game's slug.
    pub game: String,
    /// The campaign's slug.
    pub campaign: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// The seed's commitment.
    pub seed_hash: String,
    /// The seed, once revealed.
    pub server_seed: Option<String>,
    /// The client seed.
    pub client_seed: String,
    /// The nonce.
    pub nonce: u64,
    /// Result fields, JSON.
    pub result_json: String,
    /// What it won.
    pub prize: Option<Prize>,
    /// What the rules drew, when the campaign's budget forced a lower prize.
    pub downgraded_from: Option<Prize>,
    /// Who served it.
    pub served_by: ServedBy,
    /// Nonces skipped because their outcome collided.
    pub collided_nonces: Vec<u64>,
    /// Hash of the request, when made with an idempotency key.
    pub request_hash: Option<String>,
    /// The name of the player it belongs to, if any.
    pub player: Option<String>,
}

/// Which draws to list.
#[derive(Clone, Debug, Default)]
pub struct DrawFilter {
    /// Only this game.
    pub game: Option<Game>,
    /// Only this campaign (slug).
    pub campaign: Option<String>,
    /// Only this player's.
    pub player_id: Option<i64>,
    /// Only those older than this draw (by id, which is time-ordered): the next page.
    pub before: Option<String>,
    /// Only those that won a prize.
    pub won: bool,
    /// At most this many.
    pub limit: u32,
}

/// Every column of a stored draw, with its campaign's slug and its seed's public parts: the
/// server seed only once revealed.
macro_rules! select_draws {
    () => {
        "SELECT d.id, d.game, c.slug, d.created_at, s.seed_hash,
            CASE WHEN s.revealed_at IS NOT NULL THEN s.server_seed END AS server_seed, d.client_seed,
            d.nonce, d.result, d.prize_pence, d.prize_label, d.drawn_prize_pence, d.drawn_prize_label,
            d.served_by, d.collided_nonces, d.request_hash, p.name AS player
        FROM draws d JOIN campaigns c ON c.id = d.campaign_id JOIN server_seeds s ON s.id = d.seed_id
            LEFT JOIN players p ON p.id = d.player_id"
    };
}

/// A draw by id.
pub(super) const DRAW_BY_ID: &str = concat!(select_draws!(), " WHERE d.id = ?");
/// The draw made under an idempotency key.
pub(super) const DRAW_BY_IDEMPOTENCY_KEY: &str = concat!(select_draws!(), " WHERE d.idempotency_key = ?");

/// A page of one seed's draws in nonce order (the order of its Merkle leaves), after a nonce.
/// Arguments: the seed's hash, the last nonce of the previous page (-1 for the first), limit.
pub(super) const DRAWS_OF_SEED: &str =
    concat!(select_draws!(), " WHERE s.seed_hash = ? AND d.nonce > ? ORDER BY d.nonce LIMIT ?");

/// The arguments of [`DRAWS_OF_SEED`].
pub(super) fn draws_of_seed_args(seed_hash: &str, after_nonce: Option<u64>, limit: u32) -> Vec<Arg<'static>> {
    let after = after_nonce.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
    vec![seed_hash.to_owned().into(), after.into(), i64::from(limit).into()]
}

/// A new draw. Arguments: [`EncodedDraw::insert_args`].
pub(super) const INSERT_DRAW: &str = "INSERT INTO draws (id, game, campaign_id, created_at, seed_id, nonce,
         client_seed, result, prize_pence, prize_label, drawn_prize_pence, drawn_prize_label, served_by,
         unique_key, global_key, idempotency_key, request_hash, collided_nonces, player_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

impl DrawFilter {
    /// The SELECT listing these draws, newest first, and its arguments: one statement per
    /// filter shape, so that each uses its index.
    pub(super) fn query(self) -> (String, Vec<Arg<'static>>) {
        let mut sql = String::from(concat!(select_draws!(), " WHERE 1 = 1"));
        let mut args = Vec::with_capacity(5);
        if let Some(player_id) = self.player_id {
            sql.push_str(" AND d.player_id = ?");
            args.push(player_id.into());
        }
        if let Some(game) = self.game {
            sql.push_str(" AND d.game = ?");
            args.push(game.slug().into());
        }
        if let Some(campaign) = self.campaign {
            sql.push_str(" AND c.slug = ?");
            args.push(campaign.into());
        }
        if let Some(before) = self.before {
            sql.push_str(" AND d.id < ?");
            args.push(before.into());
        }
        if self.won {
            sql.push_str(" AND d.prize_pence > 0");
        }
        sql.push_str(" ORDER BY d.id DESC LIMIT ?");
        args.push(i64::from(self.limit).into());
        (sql, args)
    }
}

impl FromRow for StoredDraw {
    /// Reads a row of the draw SELECTs above.
    fn from_row<R: StoredRow>(row: &R) -> Result<Self, R::Error> {
        Ok(Self {
            id: row.text("id")?,
            game: row.text("game")?,
            campaign: row.text("slug")?,
            created_at_ms: row.int("created_at")?,
            seed_hash: row.text("seed_hash")?,
            server_seed: row.maybe_text("server_seed")?,
            client_seed: row.text("client_seed")?,
            nonce: row.int("nonce")? as u64,
            result_json: row.text("result")?,
            prize: row.prize("prize_pence", "prize_label")?,
            downgraded_from: row.prize("drawn_prize_pence", "drawn_prize_label")?,
            served_by: row.json("served_by")?,
            collided_nonces: row.json("collided_nonces")?,
            request_hash: row.maybe_text("request_hash")?,
            player: row.maybe_text("player")?,
        })
    }
}

/// A new draw with its JSON columns and nonce encoded before its transaction starts: failing to
/// encode is a bug (a 500), not something to retry.
pub(super) struct EncodedDraw {
    /// The draw.
    pub(super) draw: NewDraw,
    /// `served_by`, as JSON.
    served_by: String,
    /// `collided_nonces`, as JSON.
    collided_nonces: String,
    /// The nonce, as the database keeps it.
    nonce: i64,
}

impl EncodedDraw {
    /// Encodes `draw`.
    pub(super) fn new(draw: NewDraw) -> Result<Self, StoreError> {
        let served_by = serde_json::to_string(&draw.served_by).map_err(StoreError::unexpected)?;
        let collided_nonces = serde_json::to_string(&draw.collided_nonces).map_err(StoreError::unexpected)?;
        let nonce = i64::try_from(draw.nonce).map_err(StoreError::unexpected)?;
        Ok(Self { draw, served_by, collided_nonces, nonce })
    }

    /// [`INSERT_DRAW`]'s arguments: the draw in campaign `campaign_id`, awarded `award`.
    pub(super) fn insert_args<'a>(&'a self, campaign_id: i64, award: &'a Award) -> [Arg<'a>; 19] {
        let draw = &self.draw;
        let idempotency = draw.idempotency.as_ref();
        [
            draw.id.as_str().into(),
            draw.game.slug().into(),
            campaign_id.into(),
            draw.created_at_ms.into(),
            draw.seed_id.into(),
            self.nonce.into(),
            draw.client_seed.as_str().into(),
            draw.result_json.as_str().into(),
            pence(award.prize.as_ref()),
            label(award.prize.as_ref()),
            pence(award.downgraded_from.as_ref()),
            label(award.downgraded_from.as_ref()),
            self.served_by.as_str().into(),
            draw.unique_key.as_deref().into(),
            draw.global_key.as_deref().into(),
            idempotency.map(|i| i.key.as_str()).into(),
            idempotency.map(|i| i.request_hash.as_str()).into(),
            self.collided_nonces.as_str().into(),
            draw.player_id.into(),
        ]
    }

    /// What the draw's prize adds to its player's boards: nothing without a player or a prize.
    pub(super) fn credit<'a>(&'a self, award: &Award) -> Option<Credit<'a>> {
        credit(
            self.draw.player_id,
            self.draw.game,
            &self.draw.campaign,
            &self.draw.id,
            self.draw.created_at_ms,
            award,
        )
    }
}

/// What a prize adds to its player's boards: nothing without a player, or for no prize.
pub(super) fn credit<'a>(
    player_id: Option<i64>,
    game: Game,
    campaign: &'a str,
    draw_id: &'a str,
    at_ms: i64,
    award: &Award,
) -> Option<Credit<'a>> {
    let amount_pence = award.prize.as_ref().map_or(0, |p| p.amount_pence.0 as i64);
    (amount_pence > 0).then_some(Credit {
        player_id: player_id?,
        game,
        campaign,
        draw_id,
        at_ms,
        amount_pence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Instance;
    use crate::store::rows::fake::FakeRow;
    use prizegen_domain::money::Pence;

    fn draw() -> NewDraw {
        NewDraw {
            id: "0190-draw".into(),
            game: Game::AccountPrize,
            campaign: "account-prize".into(),
            created_at_ms: 1_700_000_000_000,
            seed_id: 3,
            nonce: 41,
            client_seed: "client".into(),
            result_json: "{}".into(),
            prize: PrizeDraw::default(),
            served_by: serde_json::from_str(r#"{"frontend": "0.1.0@fe"}"#).unwrap(),
            unique_key: Some("12345678".into()),
            global_key: None,
            idempotency: Some(Idempotency { key: "k".into(), request_hash: "h".into() }),
            collided_nonces: vec![40],
            player_id: Some(12),
            session_check: None,
        }
    }

    #[test]
    fn insert_arguments_follow_the_column_list() {
        let encoded = EncodedDraw::new(draw()).unwrap();
        let tenner = Prize { amount_pence: Pence(1_000), label: "£10".into() };
        let award = Award { prize: Some(tenner), downgraded_from: None };
        let args = encoded.insert_args(7, &award);
        assert_eq!(args.len(), INSERT_DRAW.matches('?').count());
        assert_eq!(args[2], Arg::Int(Some(7)), "campaign_id");
        assert_eq!(args[5], Arg::Int(Some(41)), "nonce");
        assert_eq!(args[8..12], [Arg::Int(Some(1_000)), "£10".into(), Arg::Int(None), Arg::Text(None)]);
        assert_eq!(args[13..17], ["12345678".into(), Arg::Text(None), "k".into(), "h".into()]);
        assert_eq!(args[17], "[40]".into(), "collided nonces, as JSON");
        assert_eq!(args[18], Arg::Int(Some(12)), "player_id");
        assert!(matches!(&args[12], Arg::Text(Some(json)) if json.contains("\"frontend\":\"0.1.0@fe\"")));
        let too_far = EncodedDraw::new(NewDraw { nonce: u64::MAX, ..draw() }).err();
        assert!(matches!(too_far, Some(StoreError::Unexpected(_))), "refused before any write");
    }

    #[test]
    fn a_stored_draw_is_read_by_the_names_its_select_gives() {
        let row = FakeRow::parse(
            "id 0190-draw | game attack | slug gig | created_at 17 | seed_hash hash | server_seed NULL
            | client_seed client | nonce 41 | result {} | prize_pence 500 | prize_label £5
            | drawn_prize_pence NULL | drawn_prize_label NULL | collided_nonces [3,4] | request_hash NULL
            | player Ann
            | served_by {\"frontend\":\"0.1.0@fe\",\"letters\":null,\"numbers\":\"v2@n\",\"rules\":null}",
        );
        let stored = StoredDraw::from_row(&row).unwrap();
        assert_eq!((stored.id.as_str(), stored.campaign.as_str(), stored.nonce), ("0190-draw", "gig", 41));
        assert_eq!(stored.prize, Some(Prize { amount_pence: Pence(500), label: "£5".into() }));
        assert_eq!((stored.downgraded_from, stored.server_seed, stored.request_hash), (None, None, None));
        assert_eq!(stored.served_by.numbers, Some(Instance::new("v2", "n")));
        assert_eq!(stored.collided_nonces, [3, 4]);
        assert_eq!(stored.player.as_deref(), Some("Ann"));
        row.assert_selected(DRAW_BY_ID);
        let mut columns = row.columns.clone();
        columns.insert("served_by".into(), Some("nope".into()));
        let broken = FakeRow { columns, ..FakeRow::default() };
        assert!(StoredDraw::from_row(&broken).unwrap_err().starts_with("served_by:"));
    }

    #[test]
    fn each_filter_shape_binds_what_it_names() {
        let all = DrawFilter { limit: 5, ..DrawFilter::default() };
        let (sql, args) = all.query();
        assert!(sql.ends_with("WHERE 1 = 1 ORDER BY d.id DESC LIMIT ?"));
        assert_eq!(args, [Arg::Int(Some(5))]);
        let both = DrawFilter {
            game: Some(Game::Attack),
            campaign: Some("gig".into()),
            limit: 9,
            ..DrawFilter::default()
        };
        let (sql, args) = both.query();
        assert!(sql.ends_with("AND d.game = ? AND c.slug = ? ORDER BY d.id DESC LIMIT ?"));
        assert_eq!(args, ["attack".into(), "gig".into(), Arg::Int(Some(9))]);
        let page =
            DrawFilter { player_id: Some(4), before: Some("0190".into()), limit: 2, ..DrawFilter::default() };
        let (sql, args) = page.query();
        assert!(sql.ends_with("AND d.player_id = ? AND d.id < ? ORDER BY d.id DESC LIMIT ?"));
        assert_eq!(args, [Arg::Int(Some(4)), "0190".into(), Arg::Int(Some(2))]);
    }
}
