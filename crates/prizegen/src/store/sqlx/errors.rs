//! How the servers' errors are read: which constraint a write broke, whether a transaction was
//! chosen as a deadlock victim (retried), or whether the database is unavailable (a 503).

use crate::store::StoreError;
use crate::store::constraints::{Answer, Constraint};

/// The constraint a failed write broke, if it is one that means something. Both servers name the
/// constraint — the migrations name every one — PostgreSQL in the error, MySQL in its message.
pub(super) fn constraint(error: &sqlx::Error) -> Option<Constraint> {
    let sqlx::Error::Database(e) = error else { return None };
    if e.is_foreign_key_violation() {
        return Some(Constraint::ForeignKey);
    }
    if !e.is_unique_violation() {
        return None;
    }
    named(e.constraint().or_else(|| mysql_key(e.message()))?)
}

/// The meaningful constraint called `name` in the server schemas.
fn named(name: &str) -> Option<Constraint> {
    match name {
        "draws_unique_key" => Some(Constraint::DrawUniqueKey),
        "draws_global_key" => Some(Constraint::DrawGlobalKey),
        "draws_idempotency_key" => Some(Constraint::IdempotencyKey),
        // MySQL calls every primary key PRIMARY; the only one a write can break is a sequence's
        // (draw ids are fresh UUIDs, other tables' ids are generated).
        "sequences_sequence" | "PRIMARY" => Some(Constraint::SequenceTaken),
        "campaigns_slug" => Some(Constraint::CampaignSlug),
        "players_name" => Some(Constraint::PlayerName),
        _ => None,
    }
}

/// The key a MySQL/MariaDB duplicate-entry message names: `… for key 'draws_unique_key'`
/// (MySQL 8 writes `'draws.draws_unique_key'`).
fn mysql_key(message: &str) -> Option<&str> {
    let (_, key) = message.rsplit_once("for key '")?;
    let key = key.strip_suffix('\'').unwrap_or(key);
    Some(key.rsplit_once('.').map_or(key, |(_, name)| name))
}

/// A failed write as the store's: the answer its broken constraint means for this kind of
/// write, else the error as [`error`] reads it.
pub(super) fn settle<T: Answer>(failure: sqlx::Error) -> Result<T, StoreError> {
    match constraint(&failure).and_then(T::answer) {
        Some(answer) => Ok(answer),
        None => Err(error(failure)),
    }
}

/// sqlx errors as the store's: connection trouble, timeouts and overload are "unavailable"
/// (503); anything else is unexpected (500).
pub(super) fn error(error: sqlx::Error) -> StoreError {
    use sqlx::Error::*;
    if let Database(e) = &error {
        // Deadlock victims and serialization failures (PostgreSQL 40P01/40001, MySQL 1213), and
        // MariaDB's "record has changed since last read" (1020, with innodb_snapshot_isolation,
        // the default from 11.6): the transaction is rolled back and may run again.
        if matches!(e.code().as_deref(), Some("40P01" | "40001" | "1213" | "1020")) {
            return StoreError::Contended(error.into());
        }
    }
    let unavailable = match &error {
        Io(_) | Tls(_) | PoolTimedOut | PoolClosed | WorkerCrashed | Protocol(_) => true,
        Database(e) => {
            let code = e.code().map(|c| c.into_owned()).unwrap_or_default();
            // PostgreSQL classes 08 (connection), 53 (resources), 57 (operator intervention,
            // statement timeout), 40 (rollback); MySQL/MariaDB lock wait timeout, too many
            // connections, statement time limit. (Deadlocks are `Contended`, above.)
            ["08", "53", "57", "40"].iter().any(|class| code.starts_with(class))
                || ["1205", "1040", "1969", "3024"].contains(&code.as_str())
        }
        _ => false,
    };
    if unavailable { StoreError::unavailable(error) } else { StoreError::unexpected(error) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mysql_and_mariadb_name_the_key_in_the_message() {
        let mariadb = "Duplicate entry '7-12345678' for key 'draws_unique_key'";
        assert_eq!(mysql_key(mariadb), Some("draws_unique_key"));
        let mysql8 = "Duplicate entry 'gig' for key 'campaigns.campaigns_slug'";
        assert_eq!(mysql_key(mysql8), Some("campaigns_slug"));
        assert_eq!(mysql_key("Duplicate entry 'aB3' for key 'PRIMARY'"), Some("PRIMARY"));
        assert_eq!(mysql_key("deadlock found"), None);
    }

    #[test]
    fn the_schemas_constraint_names_mean_what_they_say() {
        assert_eq!(named("draws_unique_key"), Some(Constraint::DrawUniqueKey));
        assert_eq!(named("draws_global_key"), Some(Constraint::DrawGlobalKey));
        assert_eq!(named("draws_idempotency_key"), Some(Constraint::IdempotencyKey));
        assert_eq!(named("sequences_sequence"), Some(Constraint::SequenceTaken));
        assert_eq!(named("PRIMARY"), Some(Constraint::SequenceTaken));
        assert_eq!(named("campaigns_slug"), Some(Constraint::CampaignSlug));
        assert_eq!(named("draws_seed_nonce"), None, "a reused nonce is a bug, not an answer");
        assert_eq!(named("sequences_seed_nonce"), None);
        assert_eq!(named("server_seeds_one_current"), None);
    }

    #[test]
    fn a_failure_that_is_no_constraint_stays_an_error() {
        let answer = settle::<crate::store::InsertOutcome>(sqlx::Error::PoolTimedOut);
        assert!(matches!(answer, Err(StoreError::Unavailable(_))));
        assert!(matches!(error(sqlx::Error::RowNotFound), StoreError::Unexpected(_)));
    }
}
