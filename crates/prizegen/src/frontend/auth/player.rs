//! The players: who a request's session says is asking.
//!
//! The API reads only `Authorization: Bearer <token>` (never a cookie, so that another site
//! cannot make a browser call it as the player); the pages read only the session cookie. Either
//! way the token is looked up in the database, so a session that was ended — signed out, a
//! password changed, an account deleted — ends on every replica at once.

use crate::frontend::Frontend;
use crate::frontend::players::{self, SignedIn, tokens};
use crate::server::ApiError;
use axum::extract::FromRequestParts;
use http::request::Parts;
use std::sync::Arc;

/// The API's caller: a signed-in player, or nobody (no `Authorization` header). A token that
/// is not a live session is refused (401), never silently taken as anonymous.
pub struct MaybePlayer(pub Option<SignedIn>);

/// The API's caller, who must be signed in.
pub struct Player(pub SignedIn);

/// The pages' visitor: the player of a live session cookie, or nobody (an ended session's
/// cookie counts as none).
pub struct Visitor(pub Option<SignedIn>);

/// The bearer token of a request, if it sends one.
pub fn bearer(headers: &http::HeaderMap) -> Option<&str> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The 401's message for a token that is not a live session.
pub const ENDED: &str = "the session token is not valid or has ended (signed out, password changed, expired); \
                     sign in again with POST /api/v1/sessions";

impl FromRequestParts<Arc<Frontend>> for MaybePlayer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, front: &Arc<Frontend>) -> Result<Self, Self::Rejection> {
        if parts.headers.get(http::header::AUTHORIZATION).is_none() {
            return Ok(Self(None));
        }
        let token = bearer(&parts.headers).ok_or_else(|| ApiError::not_signed_in(ENDED))?;
        match players::session(front, token).await? {
            Some(player) => Ok(Self(Some(player))),
            None => Err(ApiError::not_signed_in(ENDED)),
        }
    }
}

impl FromRequestParts<Arc<Frontend>> for Player {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, front: &Arc<Frontend>) -> Result<Self, Self::Rejection> {
        let MaybePlayer(player) = MaybePlayer::from_request_parts(parts, front).await?;
        player.map(Self).ok_or_else(|| {
            ApiError::not_signed_in(
                "sign in first: POST /api/v1/sessions, then send Authorization: Bearer <token>",
            )
        })
    }
}

impl FromRequestParts<Arc<Frontend>> for Visitor {
    type Rejection = crate::frontend::error::PageError;

    async fn from_request_parts(parts: &mut Parts, front: &Arc<Frontend>) -> Result<Self, Self::Rejection> {
        let Some(token) = super::session::cookie(&parts.headers, tokens::SESSION_COOKIE) else {
            return Ok(Self(None));
        };
        let token = token.to_owned();
        Ok(Self(players::session(front, &token).await.map_err(ApiError::from)?))
    }
}
