//! prizegen: four HTTP services that draw random prizes, missions, attacks and characters,
//! verifiably fairly. The rules live in the pure `prizegen-domain` crate; this crate is the
//! services around it.
//!
//! Folders: [`frontend`] (pages, public API, the only database user), [`letters`], [`numbers`]
//! and [`rules`] (services 2–4) with [`keyed`] (how they read a call's key), [`contract`] (the
//! JSON shapes between the services), [`store`] (the database),
//! [`server`] (what every service shares), [`app`] (assembling a service), [`cli`].

pub mod app;
pub mod audit_check;
pub mod cli;
pub mod contract;
pub mod frontend;
pub mod keyed;
pub mod letters;
pub mod load;
pub mod numbers;
pub mod rules;
pub mod server;
pub mod store;
pub mod telemetry;
pub mod tls;
pub mod trace;
pub mod verify;

/// What went wrong underneath an error of this crate (`StoreError`, `ApiError`): the driver's or
/// the OS's error, or a sentence, kept as `source()` so the log shows the whole chain.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;
