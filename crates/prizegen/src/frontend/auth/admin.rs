//! The operator on the admin pages: a valid session cookie, or a redirect to the sign-in page.

use super::session::{SESSION_COOKIE, Session, cookie, now_s};
use crate::frontend::Frontend;
use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Redirect, Response};
use http::request::Parts;
use std::sync::Arc;

/// A signed-in operator; anyone else is sent to the sign-in page.
pub struct Admin(pub Session);

impl FromRequestParts<Arc<Frontend>> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, front: &Arc<Frontend>) -> Result<Self, Self::Rejection> {
        cookie(&parts.headers, SESSION_COOKIE)
            .and_then(|value| front.sessions.check(value, now_s()))
            .map(Admin)
            .ok_or_else(|| Redirect::to("/admin/sign-in").into_response())
    }
}
