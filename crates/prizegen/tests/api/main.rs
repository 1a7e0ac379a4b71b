//! Integration tests over real HTTP: the four services on loopback, a real SQLite file.
//! One binary (faster to link), one module per area.
#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

#[path = "../support/mod.rs"]
mod support;

/// This binary runs the suite against SQLite; `api_postgres` and `api_mariadb` run the same
/// modules against PostgreSQL and MariaDB.
pub const BACKEND: support::Backend = support::Backend::Sqlite;

#[path = "suite.rs"]
mod suite;
