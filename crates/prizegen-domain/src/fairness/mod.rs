//! Fair, verifiable randomness (SPEC §2).
//!
//! A draw's randomness comes from one committed [`ServerSeed`]: the front end derives a
//! [`ServiceKey`] per service from (seed, client seed, nonce), each service expands its key into a
//! [`Stream`] of bytes and reads numbers from it with rejection sampling. Given the revealed seed,
//! anyone can recompute every draw.

mod keys;
mod seed;
mod stream;

pub use keys::{ClientSeed, ClientSeedError, SeedKeyer, Service, ServiceKey, ServiceKeyError};
pub use seed::{SeedHash, ServerSeed, ServerSeedError};
pub use stream::{Stream, uniform_from};
