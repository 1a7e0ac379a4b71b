-- prizegen schema, version 5 (SQLite): what campaigns without a budget have awarded, kept in
-- running totals split into shards, so that concurrent winning draws on a database server do
-- not all queue on one campaign row (issue 15). A campaign has spent its row's `spent_pence`
-- plus the sum of its shards. A draw adds its prize to one shard (the server picks it from the
-- connection, so concurrent draws touch different rows); a campaign with a budget never has
-- shards: setting a budget folds them into the row, under the row's lock. SQLite has a single
-- writer, so it never needs shards and keeps paying into the row; the table is here so that
-- every database has the same schema.
CREATE TABLE campaign_spending (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    shard       INTEGER NOT NULL CHECK (shard >= 0 AND shard < 1024),
    spent_pence INTEGER NOT NULL CHECK (spent_pence > 0),
    PRIMARY KEY (campaign_id, shard)
);
