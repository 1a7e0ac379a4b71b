//! How both drivers read and write rows, so that each aggregate maps its columns once.
//!
//! Reading: [`StoredRow`] gets a column by its name — the shared SELECTs give every column the
//! same name in every dialect — and each driver implements it for its own row type. Writing: a
//! statement's parameters are [`Arg`]s in the order of its `?`s, which each driver binds its way.

use super::Cause;
use prizegen_domain::money::{Pence, Prize};
use std::borrow::Cow;

/// A result row, read by column name; each driver implements it for its row type.
pub(super) trait StoredRow {
    /// The driver's error: rusqlite's inside a SQLite job, the store's for sqlx.
    type Error;

    /// A NOT NULL integer column.
    fn int(&self, column: &str) -> Result<i64, Self::Error>;
    /// An integer column that may be NULL.
    fn maybe_int(&self, column: &str) -> Result<Option<i64>, Self::Error>;
    /// A NOT NULL text column.
    fn text(&self, column: &str) -> Result<String, Self::Error>;
    /// A text column that may be NULL.
    fn maybe_text(&self, column: &str) -> Result<Option<String>, Self::Error>;
    /// The error for a stored value that does not parse: a 500, never a panic.
    fn malformed(&self, column: &str, cause: Cause) -> Self::Error;

    /// A JSON text column.
    fn json<T: serde::de::DeserializeOwned>(&self, column: &str) -> Result<T, Self::Error> {
        let text = self.text(column)?;
        serde_json::from_str(&text).map_err(|e| self.malformed(column, e.into()))
    }

    /// A prize kept as an amount column and a label column; NULL in either is no prize.
    fn prize(&self, amount: &str, label: &str) -> Result<Option<Prize>, Self::Error> {
        Ok(match (self.maybe_int(amount)?, self.maybe_text(label)?) {
            (Some(pence), Some(text)) => Some(Prize { amount_pence: Pence(pence as u64), label: text }),
            _ => None,
        })
    }
}

/// A store type read from a row of its shared SELECT: written once, for every driver.
pub(super) trait FromRow: Sized {
    /// Reads `row`.
    fn from_row<R: StoredRow>(row: &R) -> Result<Self, R::Error>;
}

/// A statement parameter as both drivers bind it. A NULL keeps its type, because PostgreSQL
/// wants to know which NULL it is given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Arg<'a> {
    /// An INTEGER / BIGINT (also booleans, as 0 or 1, and amounts of pence).
    Int(Option<i64>),
    /// TEXT / VARCHAR: borrowed from what is being stored, or encoded for it (JSON, hashes).
    Text(Option<Cow<'a, str>>),
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Self::Int(Some(value))
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(value: Option<i64>) -> Self {
        Self::Int(value)
    }
}

impl From<bool> for Arg<'_> {
    fn from(value: bool) -> Self {
        Self::Int(Some(i64::from(value)))
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Self::Text(Some(Cow::Borrowed(value)))
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(value: Option<&'a str>) -> Self {
        Self::Text(value.map(Cow::Borrowed))
    }
}

impl From<String> for Arg<'_> {
    fn from(value: String) -> Self {
        Self::Text(Some(Cow::Owned(value)))
    }
}

/// A prize's amount as the database keeps it (prizes are far below `i64::MAX` pence).
pub(super) fn pence(prize: Option<&Prize>) -> Arg<'static> {
    Arg::Int(prize.map(|p| p.amount_pence.0 as i64))
}

/// A prize's label, or NULL for no prize.
pub(super) fn label(prize: Option<&Prize>) -> Arg<'_> {
    prize.map(|p| p.label.as_str()).into()
}

/// A row made by hand, for testing the aggregates' row mappings without a database.
#[cfg(test)]
pub(super) mod fake {
    use super::{Cause, StoredRow};
    use std::cell::RefCell;
    use std::collections::HashMap;

    /// Columns by name; `None` is NULL. Remembers which columns were read.
    #[derive(Default)]
    pub(in crate::store) struct FakeRow {
        /// The row's values.
        pub(in crate::store) columns: HashMap<String, Option<String>>,
        /// Every column read, in order.
        pub(in crate::store) read: RefCell<Vec<String>>,
    }

    impl FakeRow {
        /// A row written `column value | column value | …`; the value `NULL` is NULL.
        pub(in crate::store) fn parse(row: &str) -> Self {
            let columns = row
                .split(" | ")
                .map(|column| {
                    let (name, value) = column.trim().split_once(' ').unwrap_or((column.trim(), ""));
                    (name.to_owned(), (value != "NULL").then(|| value.to_owned()))
                })
                .collect();
            Self { columns, read: RefCell::default() }
        }

        /// Asserts that every column read is named in `sql`, the SELECT the mapping reads.
        pub(in crate::store) fn assert_selected(&self, sql: &str) {
            for column in self.read.borrow().iter() {
                let named = [" ", ".", "AS "].iter().any(|before| {
                    [",", "\n", " "].iter().any(|after| sql.contains(&format!("{before}{column}{after}")))
                });
                assert!(named, "{column} is read but not selected by {sql}");
            }
        }

        fn get(&self, column: &str) -> Result<Option<String>, String> {
            self.read.borrow_mut().push(column.to_owned());
            self.columns.get(column).cloned().ok_or_else(|| format!("no column {column}"))
        }
    }

    impl StoredRow for FakeRow {
        type Error = String;

        fn int(&self, column: &str) -> Result<i64, String> {
            self.maybe_int(column)?.ok_or_else(|| format!("{column} is NULL"))
        }

        fn maybe_int(&self, column: &str) -> Result<Option<i64>, String> {
            self.get(column)?.map(|v| v.parse().map_err(|_| format!("{column} is not a number"))).transpose()
        }

        fn text(&self, column: &str) -> Result<String, String> {
            self.get(column)?.ok_or_else(|| format!("{column} is NULL"))
        }

        fn maybe_text(&self, column: &str) -> Result<Option<String>, String> {
            self.get(column)
        }

        fn malformed(&self, column: &str, cause: Cause) -> String {
            format!("{column}: {cause}")
        }
    }
}
