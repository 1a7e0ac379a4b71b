//! Per-service keys: `k_S = HMAC-SHA256(seed, "<client_seed>:<nonce>:<S>")`.

use super::ServerSeed;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::fmt;

type HmacSha256 = Hmac<Sha256>;

/// The three services that receive a key; the name is part of the HMAC message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    /// Service 2, random letters.
    Letters,
    /// Service 3, random numbers.
    Numbers,
    /// Service 4, the game rules.
    Rules,
}

impl Service {
    /// All three, in the order the spec lists them.
    pub const ALL: [Service; 3] = [Service::Letters, Service::Numbers, Service::Rules];

    /// The name used in key derivation, URLs, headers and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Letters => "letters",
            Service::Numbers => "numbers",
            Service::Rules => "rules",
        }
    }

    /// The service of that name ([`Self::as_str`]), if any.
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The player's contribution to a draw: UTF-8, at most 64 bytes, empty by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientSeed(String);

/// A client seed that cannot be one.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ClientSeedError {
    /// Longer than 64 bytes.
    #[error("client_seed is at most {max} bytes of UTF-8, got {0}", max = ClientSeed::MAX_BYTES)]
    TooLong(usize),
    /// It has a NUL character, which no text column of PostgreSQL can hold.
    #[error("client_seed cannot contain the NUL character")]
    Nul,
}

impl ClientSeed {
    /// The longest client seed accepted, in bytes.
    pub const MAX_BYTES: usize = 64;

    /// Accepts any UTF-8 string up to [`Self::MAX_BYTES`] bytes without a NUL (a seed is
    /// stored with its draw, and PostgreSQL's text holds no NUL).
    pub fn parse(s: impl Into<String>) -> Result<Self, ClientSeedError> {
        let s = s.into();
        if s.len() > Self::MAX_BYTES {
            return Err(ClientSeedError::TooLong(s.len()));
        }
        if s.contains('\0') {
            return Err(ClientSeedError::Nul);
        }
        Ok(Self(s))
    }

    /// The seed as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A service's 32-byte key for one draw; sent to the service as hex.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ServiceKey([u8; 32]);

/// A key that is not 64 hex digits.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a key is 64 hex digits (32 bytes)")]
pub struct ServiceKeyError;

impl ServiceKey {
    /// Wraps raw bytes (a service without a key draws them from the OS).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Parses the hex form used on the wire.
    pub fn from_hex(s: &str) -> Result<Self, ServiceKeyError> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(s, &mut bytes).map_err(|_| ServiceKeyError)?;
        Ok(Self(bytes))
    }

    /// Lowercase hex, the wire form.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The raw bytes, the stream's HMAC key.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

// Keys let anyone predict a draw's outcome before it is stored; keep them out of logs.
impl fmt::Debug for ServiceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServiceKey(<secret>)")
    }
}

/// Derives service keys from one seed; holds the HMAC state keyed with the seed so the per-draw
/// work is only the message part (built once per seed, used for every draw).
#[derive(Clone)]
pub struct SeedKeyer {
    keyed: HmacSha256,
}

impl SeedKeyer {
    /// Prepares key derivation for `seed`.
    pub fn new(seed: &ServerSeed) -> Self {
        let keyed = <HmacSha256 as KeyInit>::new_from_slice(seed.as_bytes())
            .expect("HMAC accepts keys of any length");
        Self { keyed }
    }

    /// `k_S = HMAC-SHA256(key = seed, msg = "<client_seed>:<nonce>:<S>")`.
    pub fn key(&self, client_seed: &ClientSeed, nonce: u64, service: Service) -> ServiceKey {
        let mut mac = self.keyed.clone();
        mac.update(client_seed.as_str().as_bytes());
        mac.update(b":");
        mac.update(nonce.to_string().as_bytes());
        mac.update(b":");
        mac.update(service.as_str().as_bytes());
        ServiceKey(mac.finalize().into_bytes().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference_key(seed: &[u8], msg: &str) -> [u8; 32] {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(seed).unwrap();
        mac.update(msg.as_bytes());
        mac.finalize().into_bytes().into()
    }

    #[test]
    fn key_is_hmac_of_the_documented_message() {
        let seed = ServerSeed::from_bytes([9; 32]);
        let keyer = SeedKeyer::new(&seed);
        let client = ClientSeed::parse("lucky:7").unwrap();
        for service in Service::ALL {
            let want = reference_key(&[9; 32], &format!("lucky:7:42:{service}"));
            assert_eq!(keyer.key(&client, 42, service).as_bytes(), &want);
        }
    }

    #[test]
    fn keys_differ_by_service_nonce_and_client_seed() {
        let keyer = SeedKeyer::new(&ServerSeed::from_bytes([1; 32]));
        let empty = ClientSeed::default();
        let a = keyer.key(&empty, 0, Service::Letters);
        assert_ne!(a, keyer.key(&empty, 0, Service::Numbers));
        assert_ne!(a, keyer.key(&empty, 1, Service::Letters));
        assert_ne!(a, keyer.key(&ClientSeed::parse("x").unwrap(), 0, Service::Letters));
    }

    #[test]
    fn client_seed_limit_is_64_bytes_not_chars() {
        assert!(ClientSeed::parse("a".repeat(64)).is_ok());
        assert_eq!(ClientSeed::parse("a".repeat(65)), Err(ClientSeedError::TooLong(65)));
        // 22 three-byte characters are 66 bytes.
        assert_eq!(ClientSeed::parse("€".repeat(22)), Err(ClientSeedError::TooLong(66)));
        assert_eq!(ClientSeed::parse("a\0b"), Err(ClientSeedError::Nul));
    }

    #[test]
    fn service_key_hex_round_trip() {
        let key = ServiceKey::from_bytes([0x5a; 32]);
        assert_eq!(ServiceKey::from_hex(&key.to_hex()), Ok(key));
        assert_eq!(ServiceKey::from_hex("5a"), Err(ServiceKeyError));
    }
}
