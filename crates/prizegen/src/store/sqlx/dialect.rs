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
