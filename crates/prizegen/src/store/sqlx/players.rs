//! Players on the servers: accounts, sessions, the attempt limit, totals, the leaderboard's
//! reads, and the site's shared keys. Writes that belong together run in one transaction;
//! deleting an account locks its row first, so a draw being stored for it either commits before
//! (and is anonymised with the rest) or waits and finds the player gone.

use super::errors::settle;
use super::{SqlxStore, error};
use crate::store::StoreError;
use crate::store::leaderboard::{
    self, AHEAD, Board, Count, Credit, ENTRY, NOT_AFTER, Position, Row, Standing, ranked,
};
use crate::store::players::{
    ATTEMPTS_PER_MINUTE, AttemptSlot, DELETE_EXPIRED_SESSIONS, DELETE_OTHER_SESSIONS, DELETE_PLAYER,
    DELETE_SESSION, DRAW_COUNTS, DrawCount, FORGET_ATTEMPTS, GAME_WINNINGS, GameTotals, INSERT_ATTEMPTS,
    INSERT_PLAYER, INSERT_SESSION, INSERT_SITE_KEY, NewPlayer, NewSession, PLAYER_BY_ID, PLAYER_BY_NAME,
    PlayerRecord, RETURN_ATTEMPT, Registration, SESSION_PLAYER, SET_CLIENT_SEED, SET_PASSWORD_HASH, SITE_KEY,
    Secret, SessionPlayer, TAKE_ATTEMPT, Winnings, totals,
};
use crate::store::rows::Arg;
use sqlx::AnyConnection;

impl SqlxStore {
    /// Adds a prize to its player's boards, inside the draw's transaction.
    pub(super) async fn credit(
        &self,
        conn: &mut AnyConnection,
        credit: &Credit<'_>,
    ) -> Result<(), StoreError> {
        let sql = leaderboard::upsert(self.dialect);
        self.query(&sql, &credit.args()).execute(&mut *conn).await.map_err(error)?;
        Ok(())
    }

    /// Registers a player; the name must be free in any case.
    pub async fn register_player(&self, player: NewPlayer) -> Result<Registration, StoreError> {
        let inserted = self
            .timed(async { Ok(self.query(INSERT_PLAYER, &player.insert_args()).execute(&self.pool).await) })
            .await?;
        match inserted {
            Ok(_) => match self.player_by_name(&player.name_key).await? {
                Some(stored) => Ok(Registration::Registered(stored)),
                None => Err(StoreError::unexpected("a registered player was not found")),
            },
            Err(failure) => settle(failure),
        }
    }

    /// A player by their name's key.
    pub async fn player_by_name(&self, name_key: &str) -> Result<Option<PlayerRecord>, StoreError> {
        self.one(PLAYER_BY_NAME, &[name_key.into()]).await
    }

    /// A player by id.
    pub async fn player_by_id(&self, id: i64) -> Result<Option<PlayerRecord>, StoreError> {
        self.one(PLAYER_BY_ID, &[id.into()]).await
    }

    /// Replaces a password hash if it is still `old`; with `keep`, also ends every other
    /// session of the player, in the same transaction. Whether it was replaced.
    pub async fn set_password_hash(
        &self,
        id: i64,
        new: String,
        old: String,
        keep: Option<String>,
    ) -> Result<bool, StoreError> {
        self.retrying(|| {
            self.timed(async {
                let mut tx = self.pool.begin().await.map_err(error)?;
                let args = [new.as_str().into(), id.into(), old.as_str().into()];
                let changed = self.query(SET_PASSWORD_HASH, &args).execute(&mut *tx).await.map_err(error)?;
                let changed = changed.rows_affected() == 1;
                if let (true, Some(keep)) = (changed, &keep) {
                    let args = [id.into(), keep.as_str().into()];
                    self.query(DELETE_OTHER_SESSIONS, &args).execute(&mut *tx).await.map_err(error)?;
                }
                tx.commit().await.map_err(error)?;
                Ok(changed)
            })
        })
        .await
    }

    /// Sets or clears a player's default client seed.
    pub async fn set_client_seed(&self, id: i64, seed: Option<String>) -> Result<(), StoreError> {
        self.timed(async {
            self.query(SET_CLIENT_SEED, &[seed.as_deref().into(), id.into()])
                .execute(&self.pool)
                .await
                .map_err(error)?;
            Ok(())
        })
        .await
    }

    /// Deletes an account: its draws stay, anonymised. Whether it existed.
    pub async fn delete_player(&self, id: i64) -> Result<bool, StoreError> {
        self.retrying(|| {
            self.timed(async {
                let mut tx = self.pool.begin().await.map_err(error)?;
                let lock = format!("{PLAYER_BY_ID} FOR UPDATE");
                if self.query(&lock, &[id.into()]).fetch_optional(&mut *tx).await.map_err(error)?.is_none() {
                    return Ok(false);
                }
                for sql in DELETE_PLAYER {
                    self.query(sql, &[id.into()]).execute(&mut *tx).await.map_err(error)?;
                }
                tx.commit().await.map_err(error)?;
                Ok(true)
            })
        })
        .await
    }

    /// Stores a new session, forgetting the player's expired ones.
    pub async fn insert_session(&self, session: NewSession) -> Result<(), StoreError> {
        self.timed(async {
            let expired = [session.player_id.into(), session.created_at_ms.into()];
            self.query(DELETE_EXPIRED_SESSIONS, &expired).execute(&self.pool).await.map_err(error)?;
            self.query(INSERT_SESSION, &session.insert_args()).execute(&self.pool).await.map_err(error)?;
            Ok(())
        })
        .await
    }

    /// The player of a live session.
    pub async fn session_player(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<SessionPlayer>, StoreError> {
        self.one(SESSION_PLAYER, &[token_hash.into(), now_ms.into()]).await
    }

    /// Ends a session. Whether it was live.
    pub async fn delete_session(&self, token_hash: &str) -> Result<bool, StoreError> {
        self.timed(async {
            let done =
                self.query(DELETE_SESSION, &[token_hash.into()]).execute(&self.pool).await.map_err(error)?;
            Ok(done.rows_affected() == 1)
        })
        .await
    }

    /// Takes a sign-in attempt from each slot, all or none: `false` if one is used up.
    pub async fn take_attempts(&self, slots: Vec<AttemptSlot>) -> Result<bool, StoreError> {
        let insert = self.dialect.insert_if_absent(INSERT_ATTEMPTS, Some("subject, minute"));
        self.retrying(|| {
            self.timed(async {
                if let Some(minute) = slots.iter().map(|s| s.minute).min() {
                    self.query(FORGET_ATTEMPTS, &[minute.into()]).execute(&self.pool).await.map_err(error)?;
                }
                let mut tx = self.pool.begin().await.map_err(error)?;
                for slot in &slots {
                    self.query(&insert, &slot.args()).execute(&mut *tx).await.map_err(error)?;
                    let [subject, minute] = slot.args();
                    let taken = self
                        .query(TAKE_ATTEMPT, &[subject, minute, ATTEMPTS_PER_MINUTE.into()])
                        .execute(&mut *tx)
                        .await
                        .map_err(error)?;
                    if taken.rows_affected() == 0 {
                        // Dropping the transaction gives back the slots taken before this one.
                        return Ok(false);
                    }
                }
                tx.commit().await.map_err(error)?;
                Ok(true)
            })
        })
        .await
    }

    /// Gives back an attempt of each slot (the sign-in succeeded).
    pub async fn return_attempts(&self, slots: Vec<AttemptSlot>) -> Result<(), StoreError> {
        self.timed(async {
            for slot in &slots {
                self.query(RETURN_ATTEMPT, &slot.args()).execute(&self.pool).await.map_err(error)?;
            }
            Ok(())
        })
        .await
    }

    /// A player's draws, prizes and winnings per game.
    pub async fn player_totals(&self, id: i64) -> Result<Vec<GameTotals>, StoreError> {
        let counts: Vec<DrawCount> = self.all(DRAW_COUNTS, &[id.into()]).await?;
        let winnings: Vec<Winnings> = self.all(GAME_WINNINGS, &[id.into()]).await?;
        Ok(totals(counts, winnings))
    }

    /// How many entries `sql` ([`AHEAD`], [`NOT_AFTER`]) counts with `args`.
    async fn count(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64, StoreError> {
        let Count(n) = self.one(sql, args).await?.unwrap_or(Count(0));
        Ok(n as u64)
    }

    /// The standings `sql` selects with `args`.
    async fn rows(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<Standing>, StoreError> {
        let rows: Vec<Row> = self.all(sql, args).await?;
        Ok(rows.into_iter().map(|Row(s)| s).collect())
    }

    /// A board's entries after `after` (from the top without), ranked.
    pub async fn standings(
        &self,
        board: Board,
        after: Option<Position>,
        limit: u32,
    ) -> Result<Vec<Standing>, StoreError> {
        let mut args = leaderboard::board_args(&board, after);
        let ahead = match after {
            None => 0,
            Some(_) => self.count(NOT_AFTER, &args).await?,
        };
        args.push(i64::from(limit).into());
        let [top, after_sql, _] = leaderboard::pages(self.dialect);
        let rows = self.rows(if after.is_some() { after_sql } else { top }, &args).await?;
        Ok(ranked(rows, ahead))
    }

    /// A player's entry on a board with up to `span` entries above and below it; empty if the
    /// player has none there.
    pub async fn standings_around(
        &self,
        board: Board,
        player_id: i64,
        span: u32,
    ) -> Result<Vec<Standing>, StoreError> {
        let mut args = leaderboard::board_args(&board, None);
        args.push(player_id.into());
        let Some(Row(me)) = self.one(ENTRY, &args).await? else { return Ok(Vec::new()) };
        let mut at = leaderboard::board_args(&board, Some(me.position()));
        let ahead = self.count(AHEAD, &at).await?;
        at.push(i64::from(span).into());
        let [_, after_sql, before_sql] = leaderboard::pages(self.dialect);
        let mut above = self.rows(before_sql, &at).await?;
        above.reverse();
        let below = self.rows(after_sql, &at).await?;
        let first = ahead.saturating_sub(above.len() as u64);
        Ok(ranked(above.into_iter().chain([me]).chain(below).collect(), first))
    }

    /// A shared secret by name, made (by whichever replica asks first) if there is none.
    pub async fn site_key(&self, name: &str, candidate: String) -> Result<String, StoreError> {
        let insert = self.dialect.insert_if_absent(INSERT_SITE_KEY, Some("name"));
        self.timed(async {
            self.query(&insert, &[name.into(), candidate.into()]).execute(&self.pool).await.map_err(error)?;
            Ok(())
        })
        .await?;
        match self.one::<Secret>(SITE_KEY, &[name.into()]).await? {
            Some(Secret(secret)) => Ok(secret),
            None => Err(StoreError::unexpected("a site key was not stored")),
        }
    }
}
