//! The API integration suite (the modules of `tests/api/`) against a throwaway PostgreSQL 15 server,
//! a fresh database per test.
#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

#[path = "support/mod.rs"]
mod support;

/// The database this binary runs the suite against.
pub const BACKEND: support::Backend = support::Backend::Postgres;

#[path = "api/admin.rs"]
mod admin;
#[path = "api/campaigns.rs"]
mod campaigns;
#[path = "api/draws.rs"]
mod draws;
#[path = "api/errors.rs"]
mod errors;
#[path = "api/fairness.rs"]
mod fairness;
#[path = "api/games.rs"]
mod games;
#[path = "api/load.rs"]
mod load;
#[path = "api/operations.rs"]
mod operations;
#[path = "api/prize_pool.rs"]
mod prize_pool;
#[path = "api/replicas.rs"]
mod replicas;
#[path = "api/resilience.rs"]
mod resilience;
#[path = "api/stock.rs"]
mod stock;
