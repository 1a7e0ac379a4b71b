//! The operator's bearer token (`PRIZEGEN_ADMIN_TOKEN`).

use crate::server::ApiError;
use axum::extract::FromRequestParts;
use http::request::Parts;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The token's SHA-256; comparing digests keeps the comparison's timing independent of how much
/// of a guessed token is right.
pub struct OperatorToken(Option<[u8; 32]>);

impl OperatorToken {
    /// `None` or an empty token: no operator calls at all.
    pub fn new(token: Option<&str>) -> Self {
        Self(token.filter(|t| !t.is_empty()).map(|t| Sha256::digest(t.as_bytes()).into()))
    }

    /// Whether a token is set.
    pub fn is_configured(&self) -> bool {
        self.0.is_some()
    }

    /// Whether `presented` is the token.
    pub fn accepts(&self, presented: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        self.0.is_some_and(|want| want == digest)
    }
}

/// Extractor: present in a handler's arguments means "only the operator may call this".
pub struct Operator;

impl FromRequestParts<Arc<super::Frontend>> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        front: &Arc<super::Frontend>,
    ) -> Result<Self, Self::Rejection> {
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
