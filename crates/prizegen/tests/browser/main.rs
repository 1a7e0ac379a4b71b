//! The pages in real headless Chromium, driven through chromedriver: real clicks and typing,
//! assertions on what the page shows.
//!
//! Needs `chromium` and `chromium-driver` (Debian). Without them each test is skipped with a
//! printed reason (`SKIPPED <test>: <reason>` on standard error, see `support/skip.rs`), except in
//! CI (`CI` set), where a skip would hide a broken setup: it fails.
#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

#[path = "../support/mod.rs"]
mod support;

/// The pages are tested on SQLite; the API suites cover the other databases.
pub const BACKEND: support::Backend = support::Backend::Sqlite;

mod account_prize;
mod admin;
mod audit;
mod character;
mod common;
mod live;
mod look;
mod players;
mod prize_pool;
mod stats;
mod verify;
