//! The server seed and its public commitment.

use sha2::{Digest, Sha256};
use std::fmt;

/// 32 secret bytes from the OS CSPRNG; all randomness of a draw derives from one of these.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerSeed([u8; 32]);

/// `hex(SHA-256(seed))`: published before the seed is used, so the seed cannot be changed later.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SeedHash(String);

/// A server seed that is not 64 hex digits.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a server seed is 64 hex digits (32 bytes)")]
pub struct ServerSeedError;

impl ServerSeed {
    /// Wraps bytes the caller took from a CSPRNG (the domain does no I/O, so it cannot).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Parses the hex form stored in the database and shown once the seed is revealed.
    pub fn from_hex(hex_seed: &str) -> Result<Self, ServerSeedError> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(hex_seed, &mut bytes).map_err(|_| ServerSeedError)?;
        Ok(Self(bytes))
    }

    /// The raw bytes, used as the HMAC key.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lowercase hex of the bytes.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The commitment published before any draw uses this seed.
    pub fn commitment(&self) -> SeedHash {
        SeedHash(hex::encode(Sha256::digest(self.0)))
    }
}

// The seed is secret until revealed: never print it by accident.
impl fmt::Debug for ServerSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerSeed(<secret>)")
    }
}

impl SeedHash {
    /// The lowercase hex digest.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Wraps a stored commitment, checking its shape.
    pub fn parse(s: &str) -> Option<Self> {
        (s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
            .then(|| Self(s.to_owned()))
    }
}

impl fmt::Display for SeedHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commitment_of_the_worked_example_seed() {
        let seed = ServerSeed::from_bytes(std::array::from_fn(|i| i as u8));
        assert_eq!(
            seed.commitment().as_str(),
            "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
        );
    }

    #[test]
    fn hex_round_trip_and_rejects_bad_input() {
        let seed = ServerSeed::from_bytes([7; 32]);
        assert_eq!(ServerSeed::from_hex(&seed.to_hex()), Ok(seed));
        assert_eq!(ServerSeed::from_hex("abcd"), Err(ServerSeedError));
        assert_eq!(ServerSeed::from_hex(&"zz".repeat(32)), Err(ServerSeedError));
    }

    #[test]
    fn debug_does_not_leak_the_seed() {
        let seed = ServerSeed::from_bytes([0xab; 32]);
        assert!(!format!("{seed:?}").contains("ab"));
    }

    #[test]
    fn seed_hash_parse_checks_shape() {
        assert!(SeedHash::parse(&"a".repeat(64)).is_some());
        assert!(SeedHash::parse(&"A".repeat(64)).is_none());
        assert!(SeedHash::parse("abc").is_none());
    }
}
