-- prizegen schema, version 1 (MySQL/MariaDB). The same rules as the SQLite schema, as
-- constraints. Binary collation: keys compare exactly as in SQLite and PostgreSQL (a prize-pool
-- sequence "aB…" is not "Ab…"). Integers are BIGINT throughout; booleans are 0/1.

CREATE TABLE server_seeds (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    seed_hash   VARCHAR(64) NOT NULL,
    server_seed VARCHAR(64) NOT NULL,
    is_current  BIGINT CHECK (is_current = 1),
    next_nonce  BIGINT NOT NULL DEFAULT 0 CHECK (next_nonce >= 0),
    created_at  BIGINT NOT NULL,
    revealed_at BIGINT,
    CONSTRAINT server_seeds_hash UNIQUE (seed_hash),
    CONSTRAINT server_seeds_one_current UNIQUE (is_current),
    CHECK ((is_current IS NULL) = (revealed_at IS NOT NULL))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE campaigns (
    id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    slug         VARCHAR(40)  NOT NULL,
    name         VARCHAR(255) NOT NULL,
    venue        VARCHAR(400) NOT NULL,
    date         VARCHAR(10)  NOT NULL,
    game         VARCHAR(20)  NOT NULL,
    budget_pence BIGINT CHECK (budget_pence >= 0),
    spent_pence  BIGINT NOT NULL DEFAULT 0 CHECK (spent_pence >= 0),
    active       BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   BIGINT NOT NULL,
    CONSTRAINT campaigns_slug UNIQUE (slug),
    CONSTRAINT campaigns_within_budget CHECK (budget_pence IS NULL OR spent_pence <= budget_pence)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE draws (
    id                VARCHAR(36) NOT NULL PRIMARY KEY,
    game              VARCHAR(20) NOT NULL,
    campaign_id       BIGINT NOT NULL,
    created_at        BIGINT NOT NULL,
    seed_id           BIGINT NOT NULL,
    nonce             BIGINT NOT NULL CHECK (nonce >= 0),
    client_seed       VARCHAR(255) NOT NULL,
    result            TEXT NOT NULL,
    prize_pence       BIGINT CHECK (prize_pence >= 0),
    prize_label       VARCHAR(40),
    drawn_prize_pence BIGINT CHECK (drawn_prize_pence >= 0),
    drawn_prize_label VARCHAR(40),
    served_by         TEXT NOT NULL,
    unique_key        VARCHAR(64),
    global_key        VARCHAR(255),
    idempotency_key   VARCHAR(255),
    request_hash      VARCHAR(64),
    collided_nonces   TEXT NOT NULL,
    CONSTRAINT draws_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns (id),
    CONSTRAINT draws_seed FOREIGN KEY (seed_id) REFERENCES server_seeds (id),
    CONSTRAINT draws_idempotency_key UNIQUE (idempotency_key),
    CONSTRAINT draws_seed_nonce UNIQUE (seed_id, nonce),
    CONSTRAINT draws_unique_key UNIQUE (campaign_id, unique_key),
    CONSTRAINT draws_global_key UNIQUE (game, global_key),
    INDEX draws_by_game (game, id),
    INDEX draws_by_campaign (campaign_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE sequences (
    sequence    VARCHAR(20) NOT NULL PRIMARY KEY,
    campaign_id BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    seed_id     BIGINT NOT NULL,
    nonce       BIGINT NOT NULL CHECK (nonce >= 0),
    client_seed VARCHAR(255) NOT NULL,
    served_by   TEXT NOT NULL,
    claimed_at  BIGINT,
    draw_id     VARCHAR(36),
    CONSTRAINT sequences_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns (id),
    CONSTRAINT sequences_seed FOREIGN KEY (seed_id) REFERENCES server_seeds (id),
    CONSTRAINT sequences_seed_nonce UNIQUE (seed_id, nonce)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
