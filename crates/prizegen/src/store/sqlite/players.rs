//! Players on SQLite: accounts, sessions, the attempt limit, totals, the leaderboard's reads,
//! and the site's shared keys. Every write is one job of the single writer, so the steps of an
//! account's deletion, or a password change and the end of the other sessions, commit together.

use super::{SqliteStore, execute, flatten, settle};
use crate::store::StoreError;
use crate::store::leaderboard::{
    self, AFTER, AHEAD, BEFORE, Board, Count, ENTRY, NOT_AFTER, Position, Row, Standing, TOP, ranked,
};
use crate::store::players::{
    ATTEMPTS_PER_MINUTE, AttemptSlot, DELETE_EXPIRED_SESSIONS, DELETE_OTHER_SESSIONS, DELETE_PLAYER,
    DELETE_SESSION, DRAW_COUNTS, DrawCount, FORGET_ATTEMPTS, GAME_WINNINGS, GameTotals, INSERT_ATTEMPTS,
    INSERT_PLAYER, INSERT_SESSION, INSERT_SITE_KEY, NewPlayer, NewSession, PLAYER_BY_ID, PLAYER_BY_NAME,
    PlayerRecord, RETURN_ATTEMPT, Registration, SESSION_PLAYER, SET_CLIENT_SEED, SET_PASSWORD_HASH, SITE_KEY,
    Secret, SessionPlayer, TAKE_ATTEMPT, Winnings, totals,
};
use crate::store::rows::{Arg, FromRow};
use rusqlite::{Connection, OptionalExtension};

/// Adds a prize to its player's boards, inside the draw's job.
pub(super) fn credit(conn: &Connection, credit: &leaderboard::Credit<'_>) -> rusqlite::Result<()> {
    thread_local! {
        static UPSERT: String = leaderboard::upsert_sqlite();
    }
    UPSERT.with(|sql| execute(conn, sql, &credit.args()))?;
    Ok(())
}

impl SqliteStore {
    /// Registers a player; the name must be free in any case.
    pub async fn register_player(&self, player: NewPlayer) -> Result<Registration, StoreError> {
        let outcome = self
            .threads
            .write(move |conn| {
                execute(conn, INSERT_PLAYER, &player.insert_args())?;
                let stored = conn
                    .prepare_cached(PLAYER_BY_NAME)?
                    .query_row([&player.name_key], |row| PlayerRecord::from_row(row))?;
                Ok(Registration::Registered(stored))
            })
            .await?;
        settle(outcome)
    }

    /// A player by their name's key.
    pub async fn player_by_name(&self, name_key: &str) -> Result<Option<PlayerRecord>, StoreError> {
        self.one(PLAYER_BY_NAME, vec![name_key.to_owned().into()]).await
    }

    /// A player by id.
    pub async fn player_by_id(&self, id: i64) -> Result<Option<PlayerRecord>, StoreError> {
        self.one(PLAYER_BY_ID, vec![id.into()]).await
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
        let outcome = self
            .threads
            .write(move |conn| {
                let changed = execute(conn, SET_PASSWORD_HASH, &[new.into(), id.into(), old.into()])? == 1;
                if let (true, Some(keep)) = (changed, keep) {
                    execute(conn, DELETE_OTHER_SESSIONS, &[id.into(), keep.into()])?;
                }
                Ok(changed)
            })
            .await?;
        flatten(outcome)
    }

    /// Sets or clears a player's default client seed.
    pub async fn set_client_seed(&self, id: i64, seed: Option<String>) -> Result<(), StoreError> {
        let outcome = self
            .threads
            .write(move |conn| execute(conn, SET_CLIENT_SEED, &[seed.as_deref().into(), id.into()]))
            .await?;
        flatten(outcome).map(drop)
    }

    /// Deletes an account: its draws stay, anonymised. Whether it existed.
    pub async fn delete_player(&self, id: i64) -> Result<bool, StoreError> {
        let outcome = self
            .threads
            .write(move |conn| {
                let mut changed = 0;
                for sql in DELETE_PLAYER {
                    changed = execute(conn, sql, &[id.into()])?;
                }
                Ok(changed == 1)
            })
            .await?;
        flatten(outcome)
    }

    /// Stores a new session, forgetting the player's expired ones.
    pub async fn insert_session(&self, session: NewSession) -> Result<(), StoreError> {
        let outcome = self
            .threads
            .write(move |conn| {
                execute(
                    conn,
                    DELETE_EXPIRED_SESSIONS,
                    &[session.player_id.into(), session.created_at_ms.into()],
                )?;
                execute(conn, INSERT_SESSION, &session.insert_args())
            })
            .await?;
        flatten(outcome).map(drop)
    }

    /// The player of a live session.
    pub async fn session_player(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<SessionPlayer>, StoreError> {
        self.one(SESSION_PLAYER, vec![token_hash.to_owned().into(), now_ms.into()]).await
    }

    /// Ends a session. Whether it was live.
    pub async fn delete_session(&self, token_hash: &str) -> Result<bool, StoreError> {
        let token_hash = token_hash.to_owned();
        let outcome =
            self.threads.write(move |conn| execute(conn, DELETE_SESSION, &[token_hash.into()])).await?;
        flatten(outcome).map(|n| n == 1)
    }

    /// Takes a sign-in attempt from each slot, all or none: `false` if one is used up.
    pub async fn take_attempts(&self, slots: Vec<AttemptSlot>) -> Result<bool, StoreError> {
        let outcome = self
            .threads
            .write(move |conn| {
                thread_local! {
                    static INSERT: String = INSERT_ATTEMPTS.replacen("INSERT", "INSERT OR IGNORE", 1);
                }
                if let Some(minute) = slots.iter().map(|s| s.minute).min() {
                    execute(conn, FORGET_ATTEMPTS, &[minute.into()])?;
                }
                for slot in &slots {
                    INSERT.with(|sql| execute(conn, sql, &slot.args()))?;
                    let [subject, minute] = slot.args();
                    if execute(conn, TAKE_ATTEMPT, &[subject, minute, ATTEMPTS_PER_MINUTE.into()])? == 0 {
                        // Undo the slots taken before this one: the job fails as a whole.
                        return Err(rusqlite::Error::QueryReturnedNoRows);
                    }
                }
                Ok(true)
            })
            .await?;
        match outcome {
            Err(rusqlite::Error::QueryReturnedNoRows) => Ok(false),
            other => flatten(other),
        }
    }

    /// Gives back an attempt of each slot (the sign-in succeeded).
    pub async fn return_attempts(&self, slots: Vec<AttemptSlot>) -> Result<(), StoreError> {
        let outcome = self
            .threads
            .write(move |conn| {
                for slot in &slots {
                    execute(conn, RETURN_ATTEMPT, &slot.args())?;
                }
                Ok(())
            })
            .await?;
        flatten(outcome)
    }

    /// A player's draws, prizes and winnings per game.
    pub async fn player_totals(&self, id: i64) -> Result<Vec<GameTotals>, StoreError> {
        let counts: Vec<DrawCount> = self.all(DRAW_COUNTS, vec![id.into()]).await?;
        let winnings: Vec<Winnings> = self.all(GAME_WINNINGS, vec![id.into()]).await?;
        Ok(totals(counts, winnings))
    }

    /// A board's entries after `after` (from the top without), ranked.
    pub async fn standings(
        &self,
        board: Board,
        after: Option<Position>,
        limit: u32,
    ) -> Result<Vec<Standing>, StoreError> {
        let outcome = self
            .threads
            .read(move |conn| {
                let mut args = leaderboard::board_args(&board, after);
                let ahead = match after {
                    None => 0,
                    Some(_) => count(conn, NOT_AFTER, &args)?,
                };
                args.push(i64::from(limit).into());
                let sql = if after.is_some() { AFTER } else { TOP };
                let rows = rows(conn, sql, &args)?;
                Ok(ranked(rows, ahead))
            })
            .await?;
        flatten(outcome)
    }

    /// A player's entry on a board with up to `span` entries above and below it; empty if the
    /// player has none there.
    pub async fn standings_around(
        &self,
        board: Board,
        player_id: i64,
        span: u32,
    ) -> Result<Vec<Standing>, StoreError> {
        let outcome = self
            .threads
            .read(move |conn| {
                let mut args = leaderboard::board_args(&board, None);
                args.push(player_id.into());
                let Some(Row(me)) = conn
                    .prepare_cached(ENTRY)?
                    .query_row(rusqlite::params_from_iter(&args), |r| Row::from_row(r))
                    .optional()?
                else {
                    return Ok(Vec::new());
                };
                let mut at = leaderboard::board_args(&board, Some(me.position()));
                let ahead = count(conn, AHEAD, &at)?;
                at.push(i64::from(span).into());
                let mut above = rows(conn, BEFORE, &at)?;
                above.reverse();
                let below = rows(conn, AFTER, &at)?;
                let first = ahead.saturating_sub(above.len() as u64);
                Ok(ranked(above.into_iter().chain([me]).chain(below).collect(), first))
            })
            .await?;
        flatten(outcome)
    }

    /// A shared secret by name, made (by whichever replica asks first) if there is none.
    pub async fn site_key(&self, name: &str, candidate: String) -> Result<String, StoreError> {
        let name = name.to_owned();
        let outcome = self
            .threads
            .write(move |conn| {
                let insert = INSERT_SITE_KEY.replacen("INSERT", "INSERT OR IGNORE", 1);
                execute(conn, &insert, &[name.as_str().into(), candidate.into()])?;
                conn.prepare_cached(SITE_KEY)?.query_row([&name], |row| Secret::from_row(row)).map(|s| s.0)
            })
            .await?;
        flatten(outcome)
    }
}

/// The count `sql` ([`AHEAD`], [`NOT_AFTER`]) makes with `args`.
fn count(conn: &Connection, sql: &str, args: &[Arg<'_>]) -> rusqlite::Result<u64> {
    let Count(n) =
        conn.prepare_cached(sql)?.query_row(rusqlite::params_from_iter(args), |r| Count::from_row(r))?;
    Ok(n as u64)
}

/// The standings `sql` selects with `args`.
fn rows(conn: &Connection, sql: &str, args: &[Arg<'_>]) -> rusqlite::Result<Vec<Standing>> {
    conn.prepare_cached(sql)?
        .query_map(rusqlite::params_from_iter(args), |r| Row::from_row(r).map(|Row(s)| s))?
        .collect()
}
