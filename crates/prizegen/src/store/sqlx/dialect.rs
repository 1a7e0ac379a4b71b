//! What differs between PostgreSQL and MySQL/MariaDB in the statements this driver sends.

/// The SQL spoken by the server behind a URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `$1` placeholders, `ON CONFLICT DO NOTHING`, `FOR SHARE`.
    Postgres,
    /// `?` placeholders, `INSERT IGNORE`, `LOCK IN SHARE MODE`.
    MySql,
}

impl Dialect {
    /// A share lock on the selected rows, appended to a `SELECT`.
    pub(super) fn share_lock(self) -> &'static str {
        match self {
            Dialect::Postgres => " FOR SHARE",
            Dialect::MySql => " LOCK IN SHARE MODE",
        }
    }

    /// The weakest share lock on the selected rows that still makes a `SELECT … FOR UPDATE` of
    /// them wait: PostgreSQL's `FOR KEY SHARE` does not conflict with plain updates of non-key
    /// columns (a limited campaign's `PAY`), MySQL has only the one share lock.
    pub(super) fn key_share_lock(self) -> &'static str {
        match self {
            Dialect::Postgres => " FOR KEY SHARE",
            Dialect::MySql => " LOCK IN SHARE MODE",
        }
    }

    /// The lock a nonce lease takes on its seed's row: leases take turns, and on PostgreSQL
    /// `FOR NO KEY UPDATE` does not conflict with the `FOR KEY SHARE` every draw holds on its
    /// seed, so draws never wait for a lease (a rotation's `FOR UPDATE` still waits for them).
    /// MySQL has only the one exclusive lock, which waits for the draws' share locks.
    pub(super) fn lease_lock(self) -> &'static str {
        match self {
            Dialect::Postgres => " FOR NO KEY UPDATE",
            Dialect::MySql => " FOR UPDATE",
        }
    }

    /// Adds `?` pence (second argument) to campaign `?`'s (first) spending shard of this
    /// connection (migration 0005): its server process or connection id, modulo the 1024 shards,
    /// so concurrent draws — each on its own pooled connection — add to different rows.
    pub(super) fn add_to_shard(self) -> &'static str {
        match self {
            Dialect::Postgres => {
                "INSERT INTO campaign_spending (campaign_id, shard, spent_pence)
                 VALUES (?, pg_backend_pid() % 1024, ?)
                 ON CONFLICT (campaign_id, shard)
                 DO UPDATE SET spent_pence = campaign_spending.spent_pence + excluded.spent_pence"
            }
            Dialect::MySql => {
                "INSERT INTO campaign_spending (campaign_id, shard, spent_pence)
                 VALUES (?, CONNECTION_ID() % 1024, ?)
                 ON DUPLICATE KEY UPDATE spent_pence = spent_pence + VALUES(spent_pence)"
            }
        }
    }

    /// `insert` (an `INSERT INTO …`) made to do nothing when it would break a unique key:
    /// for PostgreSQL, the one on the `key` columns (`None`: any); MySQL ignores any.
    pub(super) fn insert_if_absent(self, insert: &str, key: Option<&str>) -> String {
        match (self, key) {
            (Dialect::Postgres, Some(key)) => format!("{insert} ON CONFLICT ({key}) DO NOTHING"),
            (Dialect::Postgres, None) => format!("{insert} ON CONFLICT DO NOTHING"),
            (Dialect::MySql, _) => insert.replacen("INSERT INTO", "INSERT IGNORE INTO", 1),
        }
    }

    /// The session setting that makes the server cancel a statement running longer than
    /// `timeout_ms`.
    pub(super) fn statement_timeout(self, timeout_ms: u128) -> String {
        match self {
            Dialect::Postgres => format!("SET statement_timeout = {timeout_ms}"),
            Dialect::MySql => format!("SET SESSION max_statement_time = {}", timeout_ms as f64 / 1000.0),
        }
    }

    /// `sql` with its `?` placeholders as this dialect wants them: `$1`, `$2`, … for PostgreSQL.
    pub(super) fn placeholders(self, sql: &str) -> String {
        if self == Dialect::MySql {
            return sql.to_owned();
        }
        let mut out = String::with_capacity(sql.len() + 8);
        let mut n = 0;
        for c in sql.chars() {
            if c == '?' {
                n += 1;
                out.push_str(&format!("${n}"));
            } else {
                out.push(c);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_numbers_its_placeholders() {
        let sql = "UPDATE t SET a = ? WHERE id = ? AND (b IS NULL OR a + ? <= b)";
        assert_eq!(
            Dialect::Postgres.placeholders(sql),
            "UPDATE t SET a = $1 WHERE id = $2 AND (b IS NULL OR a + $3 <= b)"
        );
        assert_eq!(Dialect::MySql.placeholders(sql), sql);
    }

    #[test]
    fn insert_if_absent_in_each_dialect() {
        let insert = "INSERT INTO campaigns (slug) VALUES (?)";
        assert_eq!(
            Dialect::Postgres.insert_if_absent(insert, Some("slug")),
            "INSERT INTO campaigns (slug) VALUES (?) ON CONFLICT (slug) DO NOTHING"
        );
        assert_eq!(
            Dialect::Postgres.insert_if_absent(insert, None),
            "INSERT INTO campaigns (slug) VALUES (?) ON CONFLICT DO NOTHING"
        );
        assert_eq!(
            Dialect::MySql.insert_if_absent(insert, Some("slug")),
            "INSERT IGNORE INTO campaigns (slug) VALUES (?)"
        );
    }

    #[test]
    fn statement_timeouts_in_each_servers_unit() {
        assert_eq!(Dialect::Postgres.statement_timeout(5_000), "SET statement_timeout = 5000");
        assert_eq!(Dialect::MySql.statement_timeout(2_500), "SET SESSION max_statement_time = 2.5");
    }
}
