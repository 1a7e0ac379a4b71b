-- prizegen schema, version 1 (SQLite). Every rule that must hold under concurrency is a
-- constraint here, never a check in application code.

-- Server seeds. `is_current` is 1 for the one current seed and NULL for revealed ones; its
-- UNIQUE constraint makes "one current seed" a database rule (NULLs do not collide), in a form
-- that PostgreSQL and MariaDB accept too.
CREATE TABLE server_seeds (
    id          INTEGER PRIMARY KEY,
    seed_hash   TEXT    NOT NULL UNIQUE,
    server_seed TEXT    NOT NULL,
    is_current  INTEGER UNIQUE CHECK (is_current = 1),
    next_nonce  INTEGER NOT NULL DEFAULT 0 CHECK (next_nonce >= 0),
    created_at  INTEGER NOT NULL,
    revealed_at INTEGER,
    CHECK ((is_current IS NULL) = (revealed_at IS NOT NULL))
);

CREATE TABLE campaigns (
    id           INTEGER PRIMARY KEY,
    slug         TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    venue        TEXT    NOT NULL,
    date         TEXT    NOT NULL,
    game         TEXT    NOT NULL,
    budget_pence INTEGER CHECK (budget_pence >= 0),
    spent_pence  INTEGER NOT NULL DEFAULT 0 CHECK (spent_pence >= 0),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   INTEGER NOT NULL,
    CHECK (budget_pence IS NULL OR spent_pence <= budget_pence)
);

-- One row per draw. (seed_id, nonce) is unique: a nonce is never used twice under one seed.
-- (campaign_id, unique_key) is unique: for account-prize the key is the account number.
-- (game, global_key) is unique: for character the key is the name, lowercased.
-- prize_* is what was awarded; drawn_prize_* is what the rules drew, kept only when the
-- campaign's budget could not pay it and a lower prize (or none) was awarded instead.
CREATE TABLE draws (
    id              TEXT    PRIMARY KEY,
    game            TEXT    NOT NULL,
    campaign_id     INTEGER NOT NULL REFERENCES campaigns (id),
    created_at      INTEGER NOT NULL,
    seed_id         INTEGER NOT NULL REFERENCES server_seeds (id),
    nonce           INTEGER NOT NULL CHECK (nonce >= 0),
    client_seed     TEXT    NOT NULL,
    result          TEXT    NOT NULL,
    prize_pence     INTEGER CHECK (prize_pence >= 0),
    prize_label     TEXT,
    drawn_prize_pence INTEGER CHECK (drawn_prize_pence >= 0),
    drawn_prize_label TEXT,
    served_by       TEXT    NOT NULL,
    unique_key      TEXT,
    global_key      TEXT,
    idempotency_key TEXT    UNIQUE,
    request_hash    TEXT,
    collided_nonces TEXT    NOT NULL DEFAULT '[]',
    UNIQUE (seed_id, nonce),
    UNIQUE (campaign_id, unique_key),
    UNIQUE (game, global_key)
);

CREATE INDEX draws_by_game ON draws (game, id);
CREATE INDEX draws_by_campaign ON draws (campaign_id, id);

-- prize-pool sequences: stored when generated, claimed at most once. The claim is the
-- conditional UPDATE ... WHERE claimed_at IS NULL; its draw keeps the generation's nonce.
CREATE TABLE sequences (
    sequence    TEXT    PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    created_at  INTEGER NOT NULL,
    seed_id     INTEGER NOT NULL REFERENCES server_seeds (id),
    nonce       INTEGER NOT NULL CHECK (nonce >= 0),
    client_seed TEXT    NOT NULL,
    served_by   TEXT    NOT NULL,
    claimed_at  INTEGER,
    draw_id     TEXT,
    UNIQUE (seed_id, nonce)
);
