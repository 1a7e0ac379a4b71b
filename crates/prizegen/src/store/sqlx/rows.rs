//! sqlx's side of the shared row mapping: reading an `AnyRow` by column name, and binding the
//! shared statements' arguments.

use crate::store::rows::{Arg, StoredRow};
use crate::store::{Cause, StoreError};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row};

/// A column of `row`; a missing column or a value of another type is unexpected (a 500).
fn get<T>(row: &AnyRow, column: &str) -> Result<T, StoreError>
where
    T: for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any>,
{
    row.try_get(column).map_err(|e| StoreError::unexpected(format!("column {column}: {e}")))
}

impl StoredRow for AnyRow {
    type Error = StoreError;

    fn int(&self, column: &str) -> Result<i64, StoreError> {
        get(self, column)
    }

    fn maybe_int(&self, column: &str) -> Result<Option<i64>, StoreError> {
        get(self, column)
    }

    fn text(&self, column: &str) -> Result<String, StoreError> {
        get(self, column)
    }

    fn maybe_text(&self, column: &str) -> Result<Option<String>, StoreError> {
        get(self, column)
    }

    fn malformed(&self, column: &str, cause: Cause) -> StoreError {
        StoreError::unexpected(format!("column {column}: {cause}"))
    }
}

/// `query` with `args` bound in order.
pub(super) fn bind<'q>(
    query: Query<'q, Any, AnyArguments>,
    args: &[Arg<'_>],
) -> Query<'q, Any, AnyArguments> {
    args.iter().fold(query, |query, arg| match arg {
        Arg::Int(value) => query.bind(*value),
        Arg::Text(value) => query.bind(value.as_deref()),
    })
}
