//! Reading the pages' forms: [`PageForm`] for the public forms, and the forms whose CSRF token
//! is checked before any field is read — [`AdminForm`] (the signed-in operator's),
//! [`SignInForm`] (the operator's sign-in), [`VisitorForm`] (the draw forms: checked when a
//! player is signed in), [`PlayerForm`] (a signed-in player's own) and [`PlayerEntryForm`]
//! (registering and signing in) — one check for every form instead of one call per handler. A
//! form that cannot be read is a 400 page (415 for a body that is not a form), never a bare
//! text error.

use super::Frontend;
use super::auth::session::{SIGN_IN_COOKIE, cookie};
use super::auth::{Admin, Visitor};
use super::error::PageError;
use super::players::SignedIn;
use super::players::tokens::FORM_COOKIE;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// A public form's fields.
pub struct PageForm<T>(pub T);

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

/// A public form (a draw) as whoever posted it: a signed-in player's once its CSRF token belongs
/// to their session; nobody's when no player is signed in.
pub struct VisitorForm<T> {
    /// The player who posted it, if signed in.
    pub viewer: Option<SignedIn>,
    /// The form's fields.
    pub fields: T,
}

/// A signed-in player's own form (settings, signing out), once its CSRF token belongs to their
/// session; without a session, the sign-in page.
pub struct PlayerForm<T> {
    /// Who posted it.
    pub player: SignedIn,
    /// The form's fields.
    pub fields: T,
}

/// The players' register and sign-in forms: their fields, once the CSRF token matches the
/// double-submit cookie (`prizegen_form`).
pub struct PlayerEntryForm<T> {
    /// The value of the double-submit cookie the token was checked against.
    pub cookie: String,
    /// The form's fields.
    pub fields: T,
}

/// The field every CSRF-checked form carries besides its own.
#[derive(Deserialize)]
struct Csrf {
    #[serde(default)]
    csrf: String,
}

/// The body of a form post, refused unless it is `application/x-www-form-urlencoded`.
async fn form_body(req: Request, front: &Arc<Frontend>) -> Result<Bytes, Response> {
    let is_form = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(PageError::not_a_form().into_response());
    }
    Bytes::from_request(req, front).await.map_err(IntoResponse::into_response)
}

/// The form's fields, or a 400 page.
fn fields<T: DeserializeOwned>(body: &[u8]) -> Result<T, PageError> {
    serde_urlencoded::from_bytes(body).map_err(PageError::unreadable_form)
}

impl<T: DeserializeOwned> FromRequest<Arc<Frontend>> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, front: &Arc<Frontend>) -> Result<Self, Self::Rejection> {
        Ok(Self(fields(&form_body(req, front).await?).map_err(IntoResponse::into_response)?))
    }
}

impl<T: DeserializeOwned> FromRequest<Arc<Frontend>> for AdminForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, front: &Arc<Frontend>) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let admin = Admin::from_request_parts(&mut parts, front).await?;
        let body = form_body(Request::from_parts(parts, body), front).await?;
        let Csrf { csrf } = fields(&body).map_err(IntoResponse::into_response)?;
        if !front.sessions.check_csrf(&admin.0, &csrf) {
            return Err(PageError::forbidden_form().into_response());
        }
        Ok(Self { admin, fields: fields(&body).map_err(IntoResponse::into_response)? })
    }
}

impl<T: DeserializeOwned> FromRequest<Arc<Frontend>> for SignInForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, front: &Arc<Frontend>) -> Result<Self, Self::Rejection> {
        let cookie = cookie(req.headers(), SIGN_IN_COOKIE).unwrap_or_default().to_owned();
        let body = form_body(req, front).await?;
        let Csrf { csrf } = fields(&body).map_err(IntoResponse::into_response)?;
        if !front.sessions.check_sign_in_csrf(&cookie, &csrf) {
            return Err(PageError::forbidden_form().into_response());
        }
        Ok(Self { cookie, fields: fields(&body).map_err(IntoResponse::into_response)? })
    }
}

impl<T: DeserializeOwned> FromRequest<Arc<Frontend>> for VisitorForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, front: &Arc<Frontend>) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let Visitor(viewer) =
            Visitor::from_request_parts(&mut parts, front).await.map_err(IntoResponse::into_response)?;
        let body = form_body(Request::from_parts(parts, body), front).await?;
        let Csrf { csrf } = fields(&body).map_err(IntoResponse::into_response)?;
        match &viewer {
            Some(player) if !front.players.forms.check_session_csrf(&player.token_hash, &csrf) => {
                return Err(PageError::forbidden_form().into_response());
            }
            // The page was shown to a signed-in player whose session has ended since: the draw
            // is not made anonymously behind their back.
            None if !csrf.is_empty() => return Err(PageError::session_ended().into_response()),
            _ => {}
        }
        Ok(Self { viewer, fields: fields(&body).map_err(IntoResponse::into_response)? })
    }
}

impl<T: DeserializeOwned> FromRequest<Arc<Frontend>> for PlayerForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, front: &Arc<Frontend>) -> Result<Self, Self::Rejection> {
        let VisitorForm { viewer, fields } = VisitorForm::<T>::from_request(req, front).await?;
        match viewer {
            Some(player) => Ok(Self { player, fields }),
            None => Err(axum::response::Redirect::to("/sign-in").into_response()),
        }
    }
}

impl<T: DeserializeOwned> FromRequest<Arc<Frontend>> for PlayerEntryForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, front: &Arc<Frontend>) -> Result<Self, Self::Rejection> {
        let cookie = cookie(req.headers(), FORM_COOKIE).unwrap_or_default().to_owned();
        let body = form_body(req, front).await?;
        let Csrf { csrf } = fields(&body).map_err(IntoResponse::into_response)?;
        if !front.players.forms.check_form_csrf(&cookie, &csrf) {
            return Err(PageError::forbidden_form().into_response());
        }
        Ok(Self { cookie, fields: fields(&body).map_err(IntoResponse::into_response)? })
    }
}
