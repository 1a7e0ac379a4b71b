//! The reads both backends share word for word, so a seed, a draw or a sequence has the same columns in
//! the same order whichever database holds it (SQLite reads them by position, the SQL backend by
//! name). The server seed is shown only once revealed.

pub const SEED_COLUMNS: &str = "SELECT id, server_seed, seed_hash, created_at, revealed_at FROM server_seeds";

pub const DRAW_COLUMNS: &str = "SELECT d.id, d.game, c.slug, d.created_at, s.seed_hash,
        CASE WHEN s.revealed_at IS NOT NULL THEN s.server_seed END AS server_seed, d.client_seed, d.nonce,
        d.result, d.prize_pence, d.prize_label, d.drawn_prize_pence, d.drawn_prize_label, d.served_by,
        d.collided_nonces, d.request_hash
    FROM draws d JOIN campaigns c ON c.id = d.campaign_id JOIN server_seeds s ON s.id = d.seed_id";

pub const SEQUENCE_COLUMNS: &str = "SELECT q.sequence, c.slug, q.created_at, s.seed_hash,
        CASE WHEN s.revealed_at IS NOT NULL THEN s.server_seed END AS server_seed, q.client_seed, q.nonce,
        q.served_by, q.draw_id
    FROM sequences q JOIN campaigns c ON c.id = q.campaign_id JOIN server_seeds s ON s.id = q.seed_id";
