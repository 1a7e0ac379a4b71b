//! Integration tests over real HTTP: the four services on loopback, a real SQLite file.
//! One binary (faster to link), one module per area.

#[path = "../support/mod.rs"]
mod support;

mod draws;
mod errors;
mod fairness;
mod operations;
mod resilience;
