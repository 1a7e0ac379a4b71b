//! Draws on the servers: where a new one may go (under a key-share lock on its seed), paying its
//! prize, the insert itself, and reads.

use super::errors::settle;
use super::{SqlxStore, error};
use crate::store::draws::{
    DRAW_BY_ID, DRAW_BY_IDEMPOTENCY_KEY, DRAWS_OF_SEED, EncodedDraw, INSERT_DRAW, SessionCheck,
    draws_of_seed_args,
};
use crate::store::players::SESSION_PLAYER;
use crate::store::rows::FromRow;
use crate::store::rows::StoredRow;
use crate::store::stock::{BUDGET_OF_CAMPAIGN, Ladder, PAY, pay_args};
use crate::store::target::{Refusal, Target};
use crate::store::{
    Award, DrawFilter, InsertOutcome, NewDraw, PrizeDraw, SessionPlayer, StoreError, StoredDraw,
};
use prizegen_domain::games::Game;
use sqlx::AnyConnection;

impl SqlxStore {
    /// Checks the campaign and the seed. The seed row stays key-share-locked until the
    /// transaction ends, so a rotation (which locks it `FOR UPDATE`) cannot reveal it before this
    /// draw commits; draws share the lock, and on PostgreSQL a nonce lease does not wait for it.
    pub(super) async fn target(
        &self,
        conn: &mut AnyConnection,
        campaign: &str,
        game: Game,
        seed_id: i64,
    ) -> Result<Target, StoreError> {
        let seed_sql = format!(
            "SELECT COALESCE(is_current, 0) AS current FROM server_seeds WHERE id = ?{}",
            self.dialect.key_share_lock()
        );
        let seed =
            self.query(&seed_sql, &[seed_id.into()]).fetch_optional(&mut *conn).await.map_err(error)?;
        if seed.map(|row| row.int("current")).transpose()? != Some(1) {
            return Ok(Target::Refused(Refusal::SeedNotCurrent));
        }
        let campaign_sql = "SELECT id FROM campaigns WHERE slug = ? AND game = ? AND active = 1";
        let campaign = self
            .query(campaign_sql, &[campaign.into(), game.slug().into()])
            .fetch_optional(&mut *conn)
            .await
            .map_err(error)?;
        Ok(match campaign {
            Some(row) => Target::Campaign(row.int("id")?),
            None => Target::Refused(Refusal::CampaignUnavailable),
        })
    }

    /// Pays the largest prize of `prize` that campaign `campaign_id` can still pay, inside the
    /// draw's transaction (see [`Ladder`]). A campaign without a budget pays whatever was drawn
    /// into this connection's spending shard, so winning draws do not queue on the campaign's
    /// row; one with a budget pays into its row with the conditional [`PAY`], exactly.
    pub(super) async fn award(
        &self,
        conn: &mut AnyConnection,
        campaign_id: i64,
        prize: &PrizeDraw,
    ) -> Result<Award, StoreError> {
        let mut ladder = Ladder::new(prize);
        let mut unlimited = None;
        while let Some(cost) = ladder.next_cost() {
            let unlimited = match unlimited {
                Some(unlimited) => unlimited,
                None => *unlimited.insert(self.without_budget(conn, campaign_id).await?),
            };
            let paid = if unlimited {
                let add = self.dialect.add_to_shard();
                self.query(add, &[campaign_id.into(), cost.into()])
                    .execute(&mut *conn)
                    .await
                    .map_err(error)?;
                true
            } else {
                let pay = self.query(PAY, &pay_args(campaign_id, cost)).execute(&mut *conn).await;
                pay.map_err(error)?.rows_affected() == 1
            };
            ladder.paid(paid);
        }
        Ok(ladder.award())
    }

    /// Whether the campaign has no budget, for the rest of this transaction: the answer is read
    /// again under a key-share lock, which a budget being set (its update locks the row for
    /// update and folds the shards) waits for — and which waits for it. Draws share the lock
    /// without waiting for each other. A campaign that has a budget is not locked here; its
    /// `PAY` is.
    async fn without_budget(&self, conn: &mut AnyConnection, campaign_id: i64) -> Result<bool, StoreError> {
        if self.budget_of(conn, BUDGET_OF_CAMPAIGN, campaign_id).await?.is_some() {
            return Ok(false);
        }
        let locked = format!("{BUDGET_OF_CAMPAIGN}{}", self.dialect.key_share_lock());
        Ok(self.budget_of(conn, &locked, campaign_id).await?.is_none())
    }

    async fn budget_of(
        &self,
        conn: &mut AnyConnection,
        sql: &str,
        id: i64,
    ) -> Result<Option<i64>, StoreError> {
        let row = self.query(sql, &[id.into()]).fetch_optional(&mut *conn).await.map_err(error)?;
        Ok(row.map(|row| row.maybe_int("budget_pence")).transpose()?.flatten())
    }

    /// Whether the session a draw assumed still holds, read inside its transaction (see
    /// [`SessionCheck`]).
    async fn session_holds(
        &self,
        conn: &mut AnyConnection,
        check: &SessionCheck,
        player_id: Option<i64>,
    ) -> Result<bool, StoreError> {
        let row =
            self.query(SESSION_PLAYER, &check.args()).fetch_optional(&mut *conn).await.map_err(error)?;
        let found = row.as_ref().map(SessionPlayer::from_row).transpose()?;
        Ok(check.holds(found.as_ref(), player_id))
    }

    /// Stores a draw and pays its prize in one transaction, retried if the server breaks a deadlock.
    pub async fn insert_draw(&self, draw: NewDraw) -> Result<InsertOutcome, StoreError> {
        let new = EncodedDraw::new(draw)?;
        let draw = &new.draw;
        self.retrying(|| {
            self.timed(async {
                let mut tx = self.pool.begin().await.map_err(error)?;
                let campaign_id = match self.target(&mut tx, &draw.campaign, draw.game, draw.seed_id).await? {
                    Target::Campaign(id) => id,
                    Target::Refused(refusal) => return Ok(refusal.into()),
                };
                if let Some(check) = &draw.session_check
                    && !self.session_holds(&mut tx, check, draw.player_id).await?
                {
                    return Ok(InsertOutcome::SessionChanged);
                }
                let award = self.award(&mut tx, campaign_id, &draw.prize).await?;
                let inserted =
                    self.query(INSERT_DRAW, &new.insert_args(campaign_id, &award)).execute(&mut *tx).await;
                // On a violation the transaction is dropped, rolling back the budget spent above.
                match inserted {
                    Ok(_) => {
                        if let Some(credit) = new.credit(&award) {
                            self.credit(&mut tx, &credit).await?;
                        }
                        tx.commit().await.map_err(error)?;
                        Ok(InsertOutcome::Inserted(award))
                    }
                    Err(failure) => settle(failure),
                }
            })
        })
        .await
    }

    /// One draw by id.
    pub async fn draw(&self, id: &str) -> Result<Option<StoredDraw>, StoreError> {
        self.one(DRAW_BY_ID, &[id.into()]).await
    }

    /// The draw made under an idempotency key, if any.
    pub async fn draw_by_idempotency_key(&self, key: &str) -> Result<Option<StoredDraw>, StoreError> {
        self.one(DRAW_BY_IDEMPOTENCY_KEY, &[key.into()]).await
    }

    /// A page of one seed's draws, in nonce order, after `after_nonce`.
    pub async fn draws_of_seed(
        &self,
        seed_hash: &str,
        after_nonce: Option<u64>,
        limit: u32,
    ) -> Result<Vec<StoredDraw>, StoreError> {
        self.all(DRAWS_OF_SEED, &draws_of_seed_args(seed_hash, after_nonce, limit)).await
    }

    /// Recent draws, newest first.
    pub async fn recent_draws(&self, filter: DrawFilter) -> Result<Vec<StoredDraw>, StoreError> {
        let (sql, args) = filter.query();
        self.all(&sql, &args).await
    }
}
