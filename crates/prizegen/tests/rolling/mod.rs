//! Helpers of the rolling-update test: hosts made of network namespaces, the processes on them,
//! nginx (the TLS edge), PostgreSQL, a browser on the client host, and an HTTP client over the
//! Unix sockets that lead into the test network.

pub mod browser;
pub mod http;
pub mod net;
pub mod nginx;
pub mod postgres;
pub mod sys;
#[path = "../support/watchdog.rs"]
pub mod watchdog;
