//! Integration tests over real HTTP: the four services on loopback, a real SQLite file.
//! One binary (faster to link), one module per area.
#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

#[path = "../support/mod.rs"]
mod support;

/// This binary runs the suite against SQLite; `api_postgres` and `api_mariadb` run the same
/// modules against PostgreSQL and MariaDB.
pub const BACKEND: support::Backend = support::Backend::Sqlite;

mod admin;
mod campaigns;
mod draws;
mod errors;
mod fairness;
mod games;
mod load;
mod operations;
mod prize_pool;
mod replicas;
mod resilience;
mod stock;
