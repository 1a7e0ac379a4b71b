//! Who is asking, checked once per request by extractors: a handler that takes [`Operator`]
//! runs only for the API's bearer token, one that takes [`Admin`] only for a signed-in operator
//! on the admin pages. The players' sign-in joins them here.
//!
//! [`operator`]: the token; [`session`]: signed session cookies and CSRF tokens; [`admin`]: the
//! pages' session extractor. The forms that carry a CSRF token are read by `frontend/forms.rs`.

pub mod admin;
pub mod operator;
pub mod session;

pub use admin::Admin;
pub use operator::{Operator, OperatorToken};
pub use session::{Session, Sessions};
