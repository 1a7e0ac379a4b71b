//! The API suite's modules, listed once: `api/main.rs` (SQLite), `api_postgres.rs` and
//! `api_mariadb.rs` each include this file, so a module added here runs on all three backends.

mod admin;
mod audit;
mod batching;
mod campaigns;
mod draws;
mod errors;
mod fairness;
mod faults;
mod games;
mod live;
mod load;
mod operations;
mod pages;
mod players;
mod prize_pool;
mod replicas;
mod resilience;
mod stats;
mod stock;
