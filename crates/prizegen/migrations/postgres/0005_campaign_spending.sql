-- prizegen schema, version 5 (PostgreSQL): campaigns' spending without a budget, in shards. The
-- same rules as the SQLite schema (see it for why).
CREATE TABLE campaign_spending (
    campaign_id BIGINT  NOT NULL REFERENCES campaigns (id),
    shard       INTEGER NOT NULL CHECK (shard >= 0 AND shard < 1024),
    spent_pence BIGINT  NOT NULL CHECK (spent_pence > 0),
    PRIMARY KEY (campaign_id, shard)
);
