-- prizegen schema, version 2 (MySQL/MariaDB): players, their sessions, the sign-in limit, draws
-- that belong to a player, the leaderboard's running totals, and the site's form key. The same
-- rules as the SQLite schema (see it for what each table is), as named constraints; binary
-- collation, as in version 1 (names are ASCII, so LOWER() means the same everywhere).

CREATE TABLE players (
    id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name          VARCHAR(30)  NOT NULL CHECK (CHAR_LENGTH(name) BETWEEN 3 AND 30),
    name_key      VARCHAR(30)  NOT NULL,
    password_hash VARCHAR(255) NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    client_seed   VARCHAR(255),
    created_at    BIGINT NOT NULL,
    CONSTRAINT players_name UNIQUE (name_key),
    CHECK (name_key = LOWER(name))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE player_sessions (
    token_hash VARCHAR(64) NOT NULL PRIMARY KEY CHECK (CHAR_LENGTH(token_hash) = 64),
    player_id  BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    CHECK (expires_at > created_at),
    CONSTRAINT player_sessions_player FOREIGN KEY (player_id) REFERENCES players (id),
    INDEX player_sessions_by_player (player_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE sign_in_attempts (
    subject  VARCHAR(100) NOT NULL,
    minute   BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0 AND attempts <= 5),
    PRIMARY KEY (subject, minute)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

ALTER TABLE draws
    ADD COLUMN player_id BIGINT,
    ADD CONSTRAINT draws_player FOREIGN KEY (player_id) REFERENCES players (id),
    ADD INDEX draws_by_player (player_id, id);

CREATE TABLE leaderboard (
    scope        VARCHAR(60) NOT NULL,
    period       VARCHAR(20) NOT NULL,
    player_id    BIGINT NOT NULL,
    amount_pence BIGINT NOT NULL CHECK (amount_pence > 0),
    prizes       BIGINT NOT NULL CHECK (prizes > 0),
    reached_at   BIGINT NOT NULL,
    best_draw_id VARCHAR(36) NOT NULL,
    best_pence   BIGINT NOT NULL,
    PRIMARY KEY (scope, period, player_id),
    CHECK (best_pence > 0 AND best_pence <= amount_pence),
    CONSTRAINT leaderboard_player FOREIGN KEY (player_id) REFERENCES players (id),
    INDEX leaderboard_ranking (scope, period, amount_pence DESC, reached_at, player_id),
    INDEX leaderboard_by_player (player_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE site_keys (
    name   VARCHAR(40) NOT NULL PRIMARY KEY,
    secret VARCHAR(64) NOT NULL CHECK (CHAR_LENGTH(secret) = 64)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
