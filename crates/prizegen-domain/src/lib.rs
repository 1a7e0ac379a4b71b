//! prizegen's pure domain: the fair-randomness algorithm, the games' rules and money.
//!
//! Nothing here does I/O. The services are thin HTTP adapters around these functions, so every
//! rule can be tested exhaustively and every draw can be re-verified offline (`prizegen verify`).
//!
//! Where to look:
//! - [`audit`]: the audit log's hash chain and the canonical JSON its entries are written in;
//! - [`fairness`]: server seeds, commitments, per-service keys, the HMAC byte stream, `uniform(n)`;
//! - [`games`]: one module per game with its letters, numbers and rules steps and its odds;
//! - [`merkle`]: Merkle trees over a revealed seed's draws and their inclusion proofs (RFC 6962);
//! - [`money`]: integer pence and prizes;
//! - [`stats`]: the chi-square goodness-of-fit test of the public statistics.

pub mod audit;
pub mod fairness;
pub mod games;
pub mod merkle;
pub mod money;
pub mod stats;
