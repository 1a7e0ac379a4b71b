//! Draws on SQLite: where a new one may go, paying its prize, the insert itself, and reads.

use super::{SqliteStore, execute, settle};
use crate::store::draws::{
    DRAW_BY_ID, DRAW_BY_IDEMPOTENCY_KEY, DRAWS_OF_SEED, EncodedDraw, INSERT_DRAW, SessionCheck,
    draws_of_seed_args,
};
use crate::store::players::SESSION_PLAYER;
use crate::store::rows::FromRow;
use crate::store::stock::{Ladder, PAY, pay_args};
use crate::store::target::{Refusal, Target};
use crate::store::{
    Award, DrawFilter, InsertOutcome, NewDraw, PrizeDraw, SessionPlayer, StoreError, StoredDraw,
};
use prizegen_domain::games::Game;
use rusqlite::{Connection, OptionalExtension, params};

/// Only an active campaign of the game, and only the current seed, take new draws. Read inside
/// the writing transaction, so nothing can change between this check and the insert.
pub(super) fn target(
    conn: &Connection,
    campaign: &str,
    game: Game,
    seed_id: i64,
) -> rusqlite::Result<Target> {
    let found: Option<(i64, bool)> = conn
        .prepare_cached(
            "SELECT c.id, s.is_current IS NOT NULL FROM campaigns c, server_seeds s
             WHERE c.slug = ?1 AND c.game = ?2 AND c.active = 1 AND s.id = ?3",
        )?
        .query_row(params![campaign, game.slug(), seed_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match found {
        None => Target::Refused(Refusal::CampaignUnavailable),
        Some((_, false)) => Target::Refused(Refusal::SeedNotCurrent),
        Some((id, true)) => Target::Campaign(id),
    })
}

/// Pays the largest prize of `prize` that campaign `campaign_id` can still pay, inside the
/// draw's transaction (see [`Ladder`]).
pub(super) fn award(conn: &Connection, campaign_id: i64, prize: &PrizeDraw) -> rusqlite::Result<Award> {
    let mut ladder = Ladder::new(prize);
    while let Some(cost) = ladder.next_cost() {
        ladder.paid(execute(conn, PAY, &pay_args(campaign_id, cost))? == 1);
    }
    Ok(ladder.award())
}

/// Whether the session a draw assumed still holds, read inside the writing transaction (see
/// [`SessionCheck`]).
fn session_holds(conn: &Connection, check: &SessionCheck, player_id: Option<i64>) -> rusqlite::Result<bool> {
    let found = conn
        .prepare_cached(SESSION_PLAYER)?
        .query_row(rusqlite::params_from_iter(check.args()), |row| SessionPlayer::from_row(row))
        .optional()?;
    Ok(check.holds(found.as_ref(), player_id))
}

impl SqliteStore {
    /// Stores a draw and pays its prize in one writer job; committed when this returns.
    pub async fn insert_draw(&self, draw: NewDraw) -> Result<InsertOutcome, StoreError> {
        let new = EncodedDraw::new(draw)?;
        let outcome = self
            .threads
            .write(move |conn| {
                let draw = &new.draw;
                let campaign_id = match target(conn, &draw.campaign, draw.game, draw.seed_id)? {
                    Target::Campaign(id) => id,
                    Target::Refused(refusal) => return Ok(refusal.into()),
                };
                if let Some(check) = &draw.session_check
                    && !session_holds(conn, check, draw.player_id)?
                {
                    return Ok(InsertOutcome::SessionChanged);
                }
                let award = award(conn, campaign_id, &draw.prize)?;
                // A UNIQUE violation here is an error, so the job's savepoint also undoes the
                // budget spent above; `settle` reads it as the answer it is.
                execute(conn, INSERT_DRAW, &new.insert_args(campaign_id, &award))?;
                if let Some(credit) = new.credit(&award) {
                    super::players::credit(conn, &credit)?;
                }
                Ok(InsertOutcome::Inserted(award))
            })
            .await?;
        settle(outcome)
    }

    /// One draw by id.
    pub async fn draw(&self, id: &str) -> Result<Option<StoredDraw>, StoreError> {
        self.one(DRAW_BY_ID, vec![id.to_owned().into()]).await
    }

    /// The draw made under an idempotency key, if any.
    pub async fn draw_by_idempotency_key(&self, key: &str) -> Result<Option<StoredDraw>, StoreError> {
        self.one(DRAW_BY_IDEMPOTENCY_KEY, vec![key.to_owned().into()]).await
    }

    /// A page of one seed's draws, in nonce order, after `after_nonce`.
    pub async fn draws_of_seed(
        &self,
        seed_hash: &str,
        after_nonce: Option<u64>,
        limit: u32,
    ) -> Result<Vec<StoredDraw>, StoreError> {
        self.all(DRAWS_OF_SEED, draws_of_seed_args(seed_hash, after_nonce, limit)).await
    }

    /// Recent draws, newest first.
    pub async fn recent_draws(&self, filter: DrawFilter) -> Result<Vec<StoredDraw>, StoreError> {
        let (sql, args) = filter.query();
        self.all(sql, args).await
    }
}
