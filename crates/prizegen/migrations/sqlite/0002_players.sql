-- prizegen schema, version 2 (SQLite): players, their sessions, the sign-in limit, draws that
-- belong to a player, the leaderboard's running totals, and the site's form key.

-- A player. `name` is shown as registered; `name_key` is its lower-case form, whose UNIQUE
-- constraint makes names unique case-insensitively. Names are ASCII (letters, digits, spaces,
-- '-' and '_'), so LOWER() means the same in all three databases and the CHECK can say it.
CREATE TABLE players (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL CHECK (LENGTH(name) BETWEEN 3 AND 30),
    name_key      TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    client_seed   TEXT,
    created_at    INTEGER NOT NULL,
    CHECK (name_key = LOWER(name))
);

-- A signed-in session: the SHA-256 of its bearer token (the token itself is never stored).
-- Deleting the row ends the session on every replica.
CREATE TABLE player_sessions (
    token_hash TEXT    PRIMARY KEY CHECK (LENGTH(token_hash) = 64),
    player_id  INTEGER NOT NULL REFERENCES players (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX player_sessions_by_player ON player_sessions (player_id);

-- Sign-in attempts per name and per client address in each minute; an attempt is taken with an
-- atomic conditional UPDATE (attempts < limit) before the password is checked, and given back
-- when it succeeds, so the limit holds across replicas and concurrent requests.
CREATE TABLE sign_in_attempts (
    subject  TEXT    NOT NULL,
    minute   INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0 AND attempts <= 5),
    PRIMARY KEY (subject, minute)
);

-- A draw made while signed in belongs to its player; NULL for anonymous draws and for draws of
-- deleted accounts.
ALTER TABLE draws ADD COLUMN player_id INTEGER REFERENCES players (id);
CREATE INDEX draws_by_player ON draws (player_id, id);

-- Each player's prizes per scope ('all', 'game:<slug>', 'campaign:<slug>') and period ('all',
-- 'month:YYYY-MM', 'week:YYYY-MM-DD' of its Monday, 'day:YYYY-MM-DD', UTC), changed in the
-- transaction of the draw that awarded the prize. `reached_at` is when the player reached
-- `amount_pence` (their latest prize's time): the ranking's tie-break.
CREATE TABLE leaderboard (
    scope        TEXT    NOT NULL,
    period       TEXT    NOT NULL,
    player_id    INTEGER NOT NULL REFERENCES players (id),
    amount_pence INTEGER NOT NULL CHECK (amount_pence > 0),
    prizes       INTEGER NOT NULL CHECK (prizes > 0),
    reached_at   INTEGER NOT NULL,
    best_draw_id TEXT    NOT NULL,
    best_pence   INTEGER NOT NULL CHECK (best_pence > 0 AND best_pence <= amount_pence),
    PRIMARY KEY (scope, period, player_id)
);
CREATE INDEX leaderboard_ranking ON leaderboard (scope, period, amount_pence DESC, reached_at, player_id);
CREATE INDEX leaderboard_by_player ON leaderboard (player_id);

-- Secrets the replicas share, made once by whichever starts first: the key that signs the
-- CSRF tokens of the sign-in and registration forms.
CREATE TABLE site_keys (
    name   TEXT PRIMARY KEY,
    secret TEXT NOT NULL CHECK (LENGTH(secret) = 64)
);
