//! Who is asking, checked once per request by extractors: a handler that takes [`Operator`]
//! runs only for the API's bearer token, one that takes [`Admin`] only for a signed-in operator
//! on the admin pages; [`player`]'s extractors say which player, if any, a request's session
//! belongs to (a bearer token on the API, a cookie on the pages).
//!
//! [`operator`]: the token; [`session`]: signed session cookies and CSRF tokens; [`admin`]: the
//! pages' session extractor. The forms that carry a CSRF token are read by `frontend/forms.rs`.

pub mod admin;
pub mod operator;
pub mod player;
pub mod session;

pub use admin::Admin;
pub use operator::{Operator, OperatorToken};
pub use player::{MaybePlayer, Player, Visitor};
pub use session::{Session, Sessions};
