//! What services 2–4 share in reading a call: its key, turned into the byte stream that decides
//! the call (SPEC §2). The wire shapes themselves are `contract/`.

use crate::contract::GenerateRequest;
use crate::server::{ApiError, ApiJson};
use axum::extract::{FromRequest, Request};
use prizegen_domain::fairness::{ServiceKey, Stream};
use prizegen_domain::games::Impl;

/// Checks a key the rules of a game without chance do not use: one that is sent must still be
/// a key, as the contract documents.
pub fn check_key(key: Option<&str>) -> Result<(), ApiError> {
    match key {
        Some(hex) => {
            ServiceKey::from_hex(hex).map(drop).map_err(|e| ApiError::invalid("invalid_key", e.to_string()))
        }
        None => Ok(()),
    }
}

/// The stream a generator or the rules read: from the given key, or from a random one.
pub fn stream_for(key: Option<&str>) -> Result<Stream, ApiError> {
    let key = match key {
        Some(hex) => {
            ServiceKey::from_hex(hex).map_err(|e| ApiError::invalid("invalid_key", e.to_string()))?
        }
        None => {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(|e| {
                let error = ApiError::new(
                    http::StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "no randomness available",
                );
                error.caused_by(format!("the OS random source failed: {e}"))
            })?;
            ServiceKey::from_bytes(bytes)
        }
    };
    Ok(Stream::new(&key))
}

/// A letters or numbers call, read: the implementation serving it and the byte stream of the
/// request's key. A handler that takes it gets a `/v1` body checked as the contract says.
pub struct Generate {
    /// `v1` or `v2`, as the service was started.
    pub imp: Impl,
    /// The stream of the request's key (or of a random key, without one).
    pub stream: Stream,
}

impl FromRequest<Impl> for Generate {
    type Rejection = ApiError;

    async fn from_request(req: Request, imp: &Impl) -> Result<Self, Self::Rejection> {
        let ApiJson(request) = ApiJson::<GenerateRequest>::from_request(req, imp).await?;
        Ok(Self { imp: *imp, stream: stream_for(request.key.as_deref())? })
    }
}
