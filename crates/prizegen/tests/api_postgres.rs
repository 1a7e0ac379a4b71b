//! The API integration suite (the modules of `tests/api/`) against a throwaway PostgreSQL 15 server,
//! a fresh database per test.
#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

#[path = "support/mod.rs"]
mod support;

/// The database this binary runs the suite against.
pub const BACKEND: support::Backend = support::Backend::Postgres;

#[path = "api/suite.rs"]
mod suite;
