//! The operator's bearer token (`PRIZEGEN_ADMIN_TOKEN`) for the API.

use crate::frontend::Frontend;
use crate::server::ApiError;
use axum::extract::FromRequestParts;
use hmac::{Hmac, KeyInit, Mac};
use http::request::Parts;
use sha2::Sha256;
use std::sync::Arc;

type HmacSha256 = Hmac<Sha256>;

/// What a presented token is checked against: an HMAC with the token as key. Checking
/// recomputes it with the presented token and verifies in constant time, so the comparison's
/// timing says nothing about how much of a guess is right, and the token itself is not kept.
pub struct OperatorToken(Option<Vec<u8>>);

/// The message the token's HMAC is taken over.
const DOMAIN: &[u8] = b"prizegen operator token v1";

fn tag(token: &str) -> HmacSha256 {
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(token.as_bytes()).expect("any key length");
    mac.update(DOMAIN);
    mac
}

impl OperatorToken {
    /// `None` or an empty token: no operator calls at all.
    pub fn new(token: Option<&str>) -> Self {
        Self(token.filter(|t| !t.is_empty()).map(|t| tag(t).finalize().into_bytes().to_vec()))
    }

    /// Whether a token is set.
    pub fn is_configured(&self) -> bool {
        self.0.is_some()
    }

    /// Whether `presented` is the token.
    pub fn accepts(&self, presented: &str) -> bool {
        self.0.as_ref().is_some_and(|want| tag(presented).verify_slice(want).is_ok())
    }
}

/// Extractor: present in a handler's arguments means "only the operator may call this".
pub struct Operator;

impl FromRequestParts<Arc<Frontend>> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, front: &Arc<Frontend>) -> Result<Self, Self::Rejection> {
        let presented = parts
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        match presented {
            Some(token) if front.operator.accepts(token.trim()) => Ok(Operator),
            _ => Err(ApiError::unauthorized()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_the_token() {
        let token = OperatorToken::new(Some("s3cret"));
        assert!(token.accepts("s3cret"));
        assert!(!token.accepts("s3cre"));
        assert!(!token.accepts("s3cret "));
        assert!(!token.accepts(""));
    }

    #[test]
    fn no_token_refuses_everything() {
        for token in [OperatorToken::new(None), OperatorToken::new(Some(""))] {
            assert!(!token.is_configured());
            assert!(!token.accepts(""));
        }
    }
}
