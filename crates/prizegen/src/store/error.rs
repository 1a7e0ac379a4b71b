//! Why a store call failed, in the terms the API answers with.

pub use crate::Cause;

/// A store call that could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or is too slow: a 503 naming the database.
    #[error("the database is unavailable")]
    Unavailable(#[source] Cause),
    /// The database rolled the transaction back to break a deadlock or a serialization
    /// conflict: transient, so the transaction is retried; if it keeps happening, a 503.
    #[error("the database broke a deadlock or conflict")]
    Contended(#[source] Cause),
    /// The database answered something the code did not expect: a bug, a 500.
    #[error("unexpected database error")]
    Unexpected(#[source] Cause),
}

impl StoreError {
    /// The database is unavailable, because of `cause`.
    pub fn unavailable(cause: impl Into<Cause>) -> Self {
        Self::Unavailable(cause.into())
    }

    /// Something the code did not expect, because of `cause`.
    pub fn unexpected(cause: impl Into<Cause>) -> Self {
        Self::Unexpected(cause.into())
    }
}
