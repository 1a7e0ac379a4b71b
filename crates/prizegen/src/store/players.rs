//! Players: accounts, their sessions, the sign-in attempt limit, and their totals.
//!
//! A name is unique case-insensitively by the UNIQUE constraint on `name_key`, its lower-case
//! form; a session is a row keyed by the SHA-256 of its bearer token, so that ending it (signing
//! out, a password change, deleting the account) ends it on every replica at once; the attempt
//! limit is a counter per subject and minute taken with an atomic conditional UPDATE.

use super::rows::{Arg, FromRow, StoredRow};

/// A player about to be registered; the password already hashed.
#[derive(Clone, Debug)]
pub struct NewPlayer {
    /// As typed (trimmed).
    pub name: String,
    /// Its lower-case form, unique.
    pub name_key: String,
    /// Argon2id, as a PHC string.
    pub password_hash: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
}

/// What happened to a registration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Registration {
    /// Stored.
    Registered(PlayerRecord),
    /// Another player has this name, in any case.
    NameTaken,
}

/// A stored player.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayerRecord {
    /// Its id.
    pub id: i64,
    /// As registered.
    pub name: String,
    /// Argon2id, as a PHC string.
    pub password_hash: String,
    /// The client seed used when a draw names none.
    pub client_seed: Option<String>,
    /// Unix milliseconds.
    pub created_at_ms: i64,
}

/// A new session.
#[derive(Clone, Debug)]
pub struct NewSession {
    /// SHA-256 of the bearer token, hex.
    pub token_hash: String,
    /// Whose.
    pub player_id: i64,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// Unix milliseconds; the session ends then.
    pub expires_at_ms: i64,
}

/// The player a live session belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionPlayer {
    /// The player's id.
    pub id: i64,
    /// Their name.
    pub name: String,
    /// Their default client seed.
    pub client_seed: Option<String>,
    /// Unix milliseconds.
    pub created_at_ms: i64,
}

/// A player's draws, prizes and winnings in one game.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GameTotals {
    /// The game's slug.
    pub game: String,
    /// Draws made while signed in.
    pub draws: i64,
    /// How many won a prize.
    pub prizes: i64,
    /// The prizes' sum.
    pub amount_pence: i64,
}

/// The sign-in attempt limit: this many per subject (a name, a client address) and minute.
pub const ATTEMPTS_PER_MINUTE: i64 = 5;

/// An attempt counter: a name or an address, in one minute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptSlot {
    /// `name:<name_key>` or `addr:<address>`.
    pub subject: String,
    /// Unix minutes.
    pub minute: i64,
}

/// The player's columns.
macro_rules! select_player {
    () => {
        "SELECT id, name, password_hash, client_seed, created_at FROM players"
    };
}

/// A player by name, case-insensitively. Arguments: the name's key.
pub(super) const PLAYER_BY_NAME: &str = concat!(select_player!(), " WHERE name_key = ?");
/// A player by id.
pub(super) const PLAYER_BY_ID: &str = concat!(select_player!(), " WHERE id = ?");
/// A new player. Arguments: [`NewPlayer::insert_args`].
pub(super) const INSERT_PLAYER: &str =
    "INSERT INTO players (name, name_key, password_hash, created_at) VALUES (?, ?, ?, ?)";
/// A new password hash, only over the one it replaces (a concurrent change wins). Arguments:
/// new hash, player id, old hash.
pub(super) const SET_PASSWORD_HASH: &str =
    "UPDATE players SET password_hash = ? WHERE id = ? AND password_hash = ?";
/// The default client seed. Arguments: seed (or NULL), player id.
pub(super) const SET_CLIENT_SEED: &str = "UPDATE players SET client_seed = ? WHERE id = ?";

/// A new session. Arguments: [`NewSession::insert_args`].
pub(super) const INSERT_SESSION: &str =
    "INSERT INTO player_sessions (token_hash, player_id, created_at, expires_at) VALUES (?, ?, ?, ?)";
/// The player of a live session. Arguments: token hash, now.
pub(super) const SESSION_PLAYER: &str = "SELECT p.id, p.name, p.client_seed, p.created_at
     FROM player_sessions s JOIN players p ON p.id = s.player_id
     WHERE s.token_hash = ? AND s.expires_at > ?";
/// Ends a session. Arguments: token hash.
pub(super) const DELETE_SESSION: &str = "DELETE FROM player_sessions WHERE token_hash = ?";
/// Ends a player's other sessions. Arguments: player id, the token hash to keep.
pub(super) const DELETE_OTHER_SESSIONS: &str =
    "DELETE FROM player_sessions WHERE player_id = ? AND token_hash <> ?";
/// Forgets a player's expired sessions. Arguments: player id, now.
pub(super) const DELETE_EXPIRED_SESSIONS: &str =
    "DELETE FROM player_sessions WHERE player_id = ? AND expires_at <= ?";

/// Deleting an account, in order, each with the player's id as its one argument: their draws
/// stay, anonymised; their boards, sessions and the row go (the name becomes free).
pub(super) const DELETE_PLAYER: [&str; 4] = [
    "UPDATE draws SET player_id = NULL WHERE player_id = ?",
    "DELETE FROM leaderboard WHERE player_id = ?",
    "DELETE FROM player_sessions WHERE player_id = ?",
    "DELETE FROM players WHERE id = ?",
];

/// A player's draws and prizes per game. Arguments: player id.
pub(super) const DRAW_COUNTS: &str =
    "SELECT game, COUNT(*) AS draws FROM draws WHERE player_id = ? GROUP BY game";
/// A player's winnings per game, from their all-time game boards. Arguments: player id.
pub(super) const GAME_WINNINGS: &str = "SELECT scope, prizes, amount_pence FROM leaderboard
     WHERE player_id = ? AND period = 'all' AND scope LIKE 'game:%'";

/// Creates a subject's counter for a minute, if absent (each dialect's insert-if-absent).
pub(super) const INSERT_ATTEMPTS: &str =
    "INSERT INTO sign_in_attempts (subject, minute, attempts) VALUES (?, ?, 0)";
/// Takes an attempt if the limit allows: one row changed, or none. Arguments: subject, minute,
/// the limit.
pub(super) const TAKE_ATTEMPT: &str =
    "UPDATE sign_in_attempts SET attempts = attempts + 1 WHERE subject = ? AND minute = ? AND attempts < ?";
/// Gives an attempt back (it succeeded). Arguments: subject, minute.
pub(super) const RETURN_ATTEMPT: &str =
    "UPDATE sign_in_attempts SET attempts = attempts - 1 WHERE subject = ? AND minute = ? AND attempts > 0";
/// Forgets counters of past minutes. Arguments: the current minute.
pub(super) const FORGET_ATTEMPTS: &str = "DELETE FROM sign_in_attempts WHERE minute < ?";

/// A shared secret by name. Arguments: name.
pub(super) const SITE_KEY: &str = "SELECT secret FROM site_keys WHERE name = ?";
/// A shared secret, if none has that name yet (each dialect's insert-if-absent). Arguments:
/// name, secret.
pub(super) const INSERT_SITE_KEY: &str = "INSERT INTO site_keys (name, secret) VALUES (?, ?)";

impl NewPlayer {
    /// [`INSERT_PLAYER`]'s arguments.
    pub(super) fn insert_args(&self) -> [Arg<'_>; 4] {
        [
            self.name.as_str().into(),
            self.name_key.as_str().into(),
            self.password_hash.as_str().into(),
            self.created_at_ms.into(),
        ]
    }
}

impl NewSession {
    /// [`INSERT_SESSION`]'s arguments.
    pub(super) fn insert_args(&self) -> [Arg<'_>; 4] {
        [
            self.token_hash.as_str().into(),
            self.player_id.into(),
            self.created_at_ms.into(),
            self.expires_at_ms.into(),
        ]
    }
}

impl AttemptSlot {
    /// The key arguments (subject, minute).
    pub(super) fn args(&self) -> [Arg<'_>; 2] {
        [self.subject.as_str().into(), self.minute.into()]
    }
}

impl FromRow for PlayerRecord {
    fn from_row<R: StoredRow>(row: &R) -> Result<Self, R::Error> {
        Ok(Self {
            id: row.int("id")?,
            name: row.text("name")?,
            password_hash: row.text("password_hash")?,
            client_seed: row.maybe_text("client_seed")?,
            created_at_ms: row.int("created_at")?,
        })
    }
}

impl FromRow for SessionPlayer {
    fn from_row<R: StoredRow>(row: &R) -> Result<Self, R::Error> {
        Ok(Self {
            id: row.int("id")?,
            name: row.text("name")?,
            client_seed: row.maybe_text("client_seed")?,
            created_at_ms: row.int("created_at")?,
        })
    }
}

/// A row of [`DRAW_COUNTS`].
pub(super) struct DrawCount(pub(super) String, pub(super) i64);

impl FromRow for DrawCount {
    fn from_row<R: StoredRow>(row: &R) -> Result<Self, R::Error> {
        Ok(Self(row.text("game")?, row.int("draws")?))
    }
}

/// A row of [`GAME_WINNINGS`].
pub(super) struct Winnings(pub(super) String, pub(super) i64, pub(super) i64);

impl FromRow for Winnings {
    fn from_row<R: StoredRow>(row: &R) -> Result<Self, R::Error> {
        let scope = row.text("scope")?;
        let game = scope.strip_prefix("game:").unwrap_or(&scope).to_owned();
        Ok(Self(game, row.int("prizes")?, row.int("amount_pence")?))
    }
}

/// A row of [`SITE_KEY`].
pub(super) struct Secret(pub(super) String);

impl FromRow for Secret {
    fn from_row<R: StoredRow>(row: &R) -> Result<Self, R::Error> {
        Ok(Self(row.text("secret")?))
    }
}

/// Per game, a player's draw counts joined with their winnings, in game order.
pub(super) fn totals(counts: Vec<DrawCount>, winnings: Vec<Winnings>) -> Vec<GameTotals> {
    let mut by_game: Vec<GameTotals> = counts
        .into_iter()
        .map(|DrawCount(game, draws)| GameTotals { game, draws, ..GameTotals::default() })
        .collect();
    for Winnings(game, prizes, amount_pence) in winnings {
        match by_game.iter_mut().find(|t| t.game == game) {
            Some(t) => (t.prizes, t.amount_pence) = (prizes, amount_pence),
            // Prizes without a counted draw cannot happen (both change in one transaction),
            // but a row is shown rather than lost.
            None => by_game.push(GameTotals { game, draws: 0, prizes, amount_pence }),
        }
    }
    by_game.sort_by(|a, b| a.game.cmp(&b.game));
    by_game
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::rows::fake::FakeRow;

    #[test]
    fn arguments_follow_their_statements() {
        let player = NewPlayer {
            name: "Ann B".into(),
            name_key: "ann b".into(),
            password_hash: "$argon2id$x".into(),
            created_at_ms: 5,
        };
        assert_eq!(player.insert_args().len(), INSERT_PLAYER.matches('?').count());
        assert_eq!(player.insert_args()[1], Arg::from("ann b"));
        let session = NewSession { token_hash: "h".into(), player_id: 3, created_at_ms: 1, expires_at_ms: 2 };
        assert_eq!(session.insert_args().len(), INSERT_SESSION.matches('?').count());
        let slot = AttemptSlot { subject: "name:ann".into(), minute: 9 };
        assert_eq!(slot.args().len() + 1, TAKE_ATTEMPT.matches('?').count());
        assert_eq!(slot.args().len(), RETURN_ATTEMPT.matches('?').count());
    }

    #[test]
    fn players_and_sessions_are_read_by_their_columns() {
        let row =
            FakeRow::parse("id 4 | name Ann | password_hash $argon2id$p | client_seed NULL | created_at 17");
        let player = PlayerRecord::from_row(&row).unwrap();
        assert_eq!((player.id, player.name.as_str(), player.client_seed), (4, "Ann", None));
        row.assert_selected(PLAYER_BY_NAME);
        let session = SessionPlayer::from_row(&row).unwrap();
        assert_eq!((session.id, session.created_at_ms), (4, 17));
    }

    #[test]
    fn totals_join_counts_and_winnings_per_game() {
        let counts = vec![DrawCount("attack".into(), 9), DrawCount("account-prize".into(), 3)];
        let winnings = vec![Winnings("account-prize".into(), 1, 500)];
        let totals = totals(counts, winnings);
        assert_eq!(
            totals,
            [
                GameTotals { game: "account-prize".into(), draws: 3, prizes: 1, amount_pence: 500 },
                GameTotals { game: "attack".into(), draws: 9, prizes: 0, amount_pence: 0 },
            ]
        );
    }
}
