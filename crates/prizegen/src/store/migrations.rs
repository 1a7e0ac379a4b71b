//! The schema's migrations in every dialect, and the rule every driver's runner follows.
//!
//! A database records the versions it has in `schema_migrations`; a runner applies, in order,
//! those above the highest recorded, each once — SQLite inside an immediate transaction, the
//! servers under a server-side lock, so that replicas starting together cannot both apply one.
//! A migration that has landed is never edited: the next change is the next version.

/// One migration in one dialect.
#[derive(Debug)]
pub(super) struct Migration {
    /// Its version: 1, 2, … with no gaps, the same in every dialect.
    pub(super) version: i64,
    /// Its statements.
    pub(super) sql: &'static str,
}

/// A dialect's migrations, embedded from `crates/prizegen/migrations/<dialect>/`.
macro_rules! migrations {
    ($dialect:literal: $($version:literal => $file:literal),+ $(,)?) => {
        &[$(Migration {
            version: $version,
            sql: include_str!(concat!("../../migrations/", $dialect, "/", $file)),
        }),+]
    };
}

/// SQLite's migrations, in order.
pub(super) const SQLITE: &[Migration] = migrations!("sqlite": 1 => "0001_init.sql", 2 => "0002_players.sql", 3 => "0003_player_game_index.sql", 4 => "0004_audit_log.sql", 5 => "0005_campaign_spending.sql");
/// PostgreSQL's migrations, in order.
pub(super) const POSTGRES: &[Migration] = migrations!("postgres": 1 => "0001_init.sql", 2 => "0002_players.sql", 3 => "0003_player_game_index.sql", 4 => "0004_audit_log.sql", 5 => "0005_campaign_spending.sql");
/// MySQL/MariaDB's migrations, in order.
pub(super) const MYSQL: &[Migration] = migrations!("mysql": 1 => "0001_init.sql", 2 => "0002_players.sql", 3 => "0003_player_game_index.sql", 4 => "0004_audit_log.sql", 5 => "0005_campaign_spending.sql");

/// The highest version a database has recorded; 0 for a new one.
pub(super) const APPLIED_VERSION: &str = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
/// Records a migration as applied. Arguments: its version, then now (Unix milliseconds).
pub(super) const RECORD_MIGRATION: &str = "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)";

/// What a database that has recorded up to `applied` still needs, in order.
pub(super) fn pending(
    migrations: &'static [Migration],
    applied: i64,
) -> impl Iterator<Item = &'static Migration> {
    migrations.iter().filter(move |migration| migration.version > applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(migrations: impl Iterator<Item = &'static Migration>) -> Vec<i64> {
        migrations.map(|m| m.version).collect()
    }

    #[test]
    fn every_dialect_has_the_same_versions_from_one_without_gaps() {
        let expected: Vec<i64> = (1..=SQLITE.len() as i64).collect();
        for dialect in [SQLITE, POSTGRES, MYSQL] {
            assert_eq!(versions(dialect.iter()), expected);
            assert!(dialect.iter().all(|m| !m.sql.trim().is_empty()), "an empty migration file");
        }
    }

    #[test]
    fn only_what_is_above_the_highest_recorded_is_pending() {
        const THREE: &[Migration] = &[
            Migration { version: 1, sql: "a" },
            Migration { version: 2, sql: "b" },
            Migration { version: 3, sql: "c" },
        ];
        assert_eq!(versions(pending(THREE, 0)), [1, 2, 3], "a new database gets everything");
        assert_eq!(versions(pending(THREE, 1)), [2, 3]);
        assert!(pending(THREE, 3).next().is_none(), "an up-to-date database gets nothing");
        assert!(pending(SQLITE, 5).next().is_none(), "databases at version 5 are not migrated again");
        assert_eq!(versions(pending(SQLITE, 4)), [5], "a version-4 database gets the spending shards");
        assert_eq!(versions(pending(SQLITE, 3)), [4, 5], "a version-3 database gets the audit log, then 5");
        assert_eq!(
            versions(pending(SQLITE, 1)),
            [2, 3, 4, 5],
            "a version-1 database gets the players, then the rest"
        );
    }
}
