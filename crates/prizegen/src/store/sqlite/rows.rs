//! SQLite's side of the shared row mapping: reading a `rusqlite` row by column name, and
//! binding the shared statements' arguments.

use crate::store::Cause;
use crate::store::rows::{Arg, StoredRow};
use rusqlite::Row;
use rusqlite::types::{ToSql, ToSqlOutput, Type, Value, ValueRef};

impl StoredRow for Row<'_> {
    type Error = rusqlite::Error;

    fn int(&self, column: &str) -> rusqlite::Result<i64> {
        self.get(column)
    }

    fn maybe_int(&self, column: &str) -> rusqlite::Result<Option<i64>> {
        self.get(column)
    }

    fn text(&self, column: &str) -> rusqlite::Result<String> {
        self.get(column)
    }

    fn maybe_text(&self, column: &str) -> rusqlite::Result<Option<String>> {
        self.get(column)
    }

    fn malformed(&self, column: &str, cause: Cause) -> rusqlite::Error {
        let index = self.as_ref().column_index(column).unwrap_or_default();
        rusqlite::Error::FromSqlConversionFailure(index, Type::Text, cause)
    }
}

impl ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Arg::Int(Some(value)) => ToSqlOutput::Owned(Value::Integer(*value)),
            Arg::Text(Some(text)) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Arg::Int(None) | Arg::Text(None) => ToSqlOutput::Owned(Value::Null),
        })
    }
}
