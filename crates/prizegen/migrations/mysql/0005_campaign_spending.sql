-- prizegen schema, version 5 (MySQL/MariaDB): campaigns' spending without a budget, in shards.
-- The same rules as the SQLite schema (see it for why); binary collation, as in version 1.
CREATE TABLE campaign_spending (
    campaign_id BIGINT NOT NULL,
    shard       INT    NOT NULL CHECK (shard >= 0 AND shard < 1024),
    spent_pence BIGINT NOT NULL CHECK (spent_pence > 0),
    PRIMARY KEY (campaign_id, shard),
    CONSTRAINT campaign_spending_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
