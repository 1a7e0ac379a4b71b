//! The admin pages' extractors: the signed-in operator, and forms whose CSRF token is checked
//! before their fields are read — one check for every form, instead of one call per handler.

use super::session::{SESSION_COOKIE, SIGN_IN_COOKIE, Session, cookie};
use crate::frontend::Frontend;
use crate::frontend::error::PageError;
use crate::store::now_ms;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Redirect, Response};
use http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// Now, in Unix seconds: what session expiries are written in.
pub fn now_s() -> i64 {
    now_ms() / 1000
}

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

/// A form posted by the signed-in operator: its fields, once its CSRF token belongs to the
/// operator's session.
pub struct AdminForm<T> {
    /// Who posted it.
    pub admin: Admin,
    /// The form's fields.
    pub fields: T,
}

/// The sign-in form: its fields, once its CSRF token matches its double-submit cookie.
pub struct SignInForm<T> {
    /// The value of the double-submit cookie the token was checked against.
    pub cookie: String,
    /// The form's fields.
    pub fields: T,
}

/// The field every form carries besides its own.
#[derive(Deserialize)]
struct Csrf {
    #[serde(default)]
    csrf: String,
}

/// The form's fields, or a 400 page.
fn fields<T: DeserializeOwned>(body: &[u8]) -> Result<T, PageError> {
    serde_urlencoded::from_bytes(body).map_err(PageError::unreadable_form)
}

/// The body and the CSRF token it carries.
async fn body_and_token(req: Request, front: &Arc<Frontend>) -> Result<(Bytes, String), Response> {
    let body = Bytes::from_request(req, front).await.map_err(IntoResponse::into_response)?;
    let Csrf { csrf } = fields(&body).map_err(IntoResponse::into_response)?;
    Ok((body, csrf))
}

impl<T: DeserializeOwned> FromRequest<Arc<Frontend>> for AdminForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, front: &Arc<Frontend>) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let admin = Admin::from_request_parts(&mut parts, front).await?;
        let (body, token) = body_and_token(Request::from_parts(parts, body), front).await?;
        if !front.sessions.check_csrf(&admin.0, &token) {
            return Err(PageError::forbidden_form().into_response());
        }
        Ok(Self { admin, fields: fields(&body).map_err(IntoResponse::into_response)? })
    }
}

impl<T: DeserializeOwned> FromRequest<Arc<Frontend>> for SignInForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, front: &Arc<Frontend>) -> Result<Self, Self::Rejection> {
        let cookie = cookie(req.headers(), SIGN_IN_COOKIE).unwrap_or_default().to_owned();
        let (body, token) = body_and_token(req, front).await?;
        if !front.sessions.check_sign_in_csrf(&cookie, &token) {
            return Err(PageError::forbidden_form().into_response());
        }
        Ok(Self { cookie, fields: fields(&body).map_err(IntoResponse::into_response)? })
    }
}
