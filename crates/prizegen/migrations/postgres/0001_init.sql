-- prizegen schema, version 1 (PostgreSQL). The same rules as the SQLite schema, as constraints.
-- Integers are BIGINT throughout (the Any driver decodes them uniformly); booleans are 0/1.

CREATE TABLE server_seeds (
    id          BIGSERIAL PRIMARY KEY,
    seed_hash   VARCHAR(64) NOT NULL CONSTRAINT server_seeds_hash UNIQUE,
    server_seed VARCHAR(64) NOT NULL,
    is_current  BIGINT CONSTRAINT server_seeds_one_current UNIQUE CHECK (is_current = 1),
    next_nonce  BIGINT NOT NULL DEFAULT 0 CHECK (next_nonce >= 0),
    created_at  BIGINT NOT NULL,
    revealed_at BIGINT,
    CHECK ((is_current IS NULL) = (revealed_at IS NOT NULL))
);

CREATE TABLE campaigns (
    id           BIGSERIAL PRIMARY KEY,
    slug         VARCHAR(40)  NOT NULL CONSTRAINT campaigns_slug UNIQUE,
    name         VARCHAR(255) NOT NULL,
    venue        VARCHAR(400) NOT NULL,
    date         VARCHAR(10)  NOT NULL,
    game         VARCHAR(20)  NOT NULL,
    budget_pence BIGINT CHECK (budget_pence >= 0),
    spent_pence  BIGINT NOT NULL DEFAULT 0 CHECK (spent_pence >= 0),
    active       BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   BIGINT NOT NULL,
    CONSTRAINT campaigns_within_budget CHECK (budget_pence IS NULL OR spent_pence <= budget_pence)
);

CREATE TABLE draws (
    id                VARCHAR(36) PRIMARY KEY,
    game              VARCHAR(20) NOT NULL,
    campaign_id       BIGINT NOT NULL REFERENCES campaigns (id),
    created_at        BIGINT NOT NULL,
    seed_id           BIGINT NOT NULL REFERENCES server_seeds (id),
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
    idempotency_key   VARCHAR(255) CONSTRAINT draws_idempotency_key UNIQUE,
    request_hash      VARCHAR(64),
    collided_nonces   TEXT NOT NULL,
    CONSTRAINT draws_seed_nonce UNIQUE (seed_id, nonce),
    CONSTRAINT draws_unique_key UNIQUE (campaign_id, unique_key),
    CONSTRAINT draws_global_key UNIQUE (game, global_key)
);

CREATE INDEX draws_by_game ON draws (game, id);
CREATE INDEX draws_by_campaign ON draws (campaign_id, id);

CREATE TABLE sequences (
    sequence    VARCHAR(20) CONSTRAINT sequences_sequence PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    created_at  BIGINT NOT NULL,
    seed_id     BIGINT NOT NULL REFERENCES server_seeds (id),
    nonce       BIGINT NOT NULL CHECK (nonce >= 0),
    client_seed VARCHAR(255) NOT NULL,
    served_by   TEXT NOT NULL,
    claimed_at  BIGINT,
    draw_id     VARCHAR(36),
    CONSTRAINT sequences_seed_nonce UNIQUE (seed_id, nonce)
);
