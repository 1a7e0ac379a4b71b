-- prizegen schema, version 2 (PostgreSQL): players, their sessions, the sign-in limit, draws
-- that belong to a player, the leaderboard's running totals, and the site's form key. The same
-- rules as the SQLite schema (see it for what each table is), as named constraints.

CREATE TABLE players (
    id            BIGSERIAL PRIMARY KEY,
    name          VARCHAR(30)  NOT NULL CHECK (LENGTH(name) BETWEEN 3 AND 30),
    name_key      VARCHAR(30)  NOT NULL CONSTRAINT players_name UNIQUE,
    password_hash VARCHAR(255) NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    client_seed   VARCHAR(255),
    created_at    BIGINT NOT NULL,
    CHECK (name_key = LOWER(name))
);

CREATE TABLE player_sessions (
    token_hash VARCHAR(64) PRIMARY KEY CHECK (LENGTH(token_hash) = 64),
    player_id  BIGINT NOT NULL REFERENCES players (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX player_sessions_by_player ON player_sessions (player_id);

CREATE TABLE sign_in_attempts (
    subject  VARCHAR(100) NOT NULL,
    minute   BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0 AND attempts <= 5),
    PRIMARY KEY (subject, minute)
);

ALTER TABLE draws ADD COLUMN player_id BIGINT REFERENCES players (id);
CREATE INDEX draws_by_player ON draws (player_id, id);

CREATE TABLE leaderboard (
    scope        VARCHAR(60) NOT NULL,
    period       VARCHAR(20) NOT NULL,
    player_id    BIGINT NOT NULL REFERENCES players (id),
    amount_pence BIGINT NOT NULL CHECK (amount_pence > 0),
    prizes       BIGINT NOT NULL CHECK (prizes > 0),
    reached_at   BIGINT NOT NULL,
    best_draw_id VARCHAR(36) NOT NULL,
    best_pence   BIGINT NOT NULL CHECK (best_pence > 0 AND best_pence <= amount_pence),
    PRIMARY KEY (scope, period, player_id)
);
CREATE INDEX leaderboard_ranking ON leaderboard (scope, period, amount_pence DESC, reached_at, player_id);
CREATE INDEX leaderboard_by_player ON leaderboard (player_id);

CREATE TABLE site_keys (
    name   VARCHAR(40) PRIMARY KEY,
    secret VARCHAR(64) NOT NULL CHECK (LENGTH(secret) = 64)
);
