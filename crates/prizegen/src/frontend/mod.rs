//! Service 1, `frontend`: HTML pages and the public JSON API; calls services 2–4; the only
//! service that touches the database.
//!
//! - [`router`]: every route of the pages and the API, declared once;
//! - [`api`]: `/api/v1/...` JSON handlers; [`pages`]: server-rendered HTML;
//! - the use cases both of them call: [`draws`] (one draw), [`sequences`] (prize-pool's
//!   generate and claim), [`campaigns`] (the operator's campaign rules), [`players`]
//!   (accounts, sessions, passwords), [`leaderboard`] (the ranked boards), [`audit`] (a draw's
//!   inclusion proof in its seed's Merkle tree), [`stats`] (observed outcomes against the
//!   published odds);
//! - [`error`]: what each use case's error means over HTTP, as JSON or as a page;
//! - [`calls`]: how each game is played over the internal contract; [`clients`]: the HTTP
//!   clients of services 2–4; [`nonces`]: the current seed and nonce leasing;
//! - [`auth`]: who is asking — the operator's token, the admin pages' sessions and CSRF tokens;
//!   [`forms`]: the pages' forms, read (and their CSRF tokens checked) by extractors.

pub mod api;
pub mod audit;
pub mod auth;
pub mod batch;
pub mod calls;
pub mod campaigns;
pub mod clients;
pub mod draws;
pub mod error;
pub mod faults;
pub mod forms;
pub mod leaderboard;
pub mod live;
pub mod nonces;
pub mod pages;
pub mod players;
pub mod router;
pub mod sequences;
mod state;
pub mod stats;
mod view;

pub use state::{Frontend, FrontendConfig, FrontendReadiness};
