//! Who is asking, checked once per request by extractors: a handler that takes [`Operator`]
//! runs only for the API's bearer token, one that takes [`Admin`] only for a signed-in operator
//! on the admin pages, and one that takes [`AdminForm`] or [`SignInForm`] gets its form's fields
//! only once the form's CSRF token checked out. The players' sign-in joins them here.
//!
//! [`operator`]: the token; [`session`]: signed session cookies and CSRF tokens; [`forms`]:
//! the page extractors.

pub mod forms;
pub mod operator;
pub mod session;

pub use forms::{Admin, AdminForm, SignInForm};
pub use operator::{Operator, OperatorToken};
pub use session::{Session, Sessions};
