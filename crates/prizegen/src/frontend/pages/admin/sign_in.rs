//! Signing in to the admin pages with the operator token (each sign-in is in the audit log), and
//! out.

use crate::frontend::Frontend;
use crate::frontend::auth::session::{SESSION_COOKIE, SESSION_SECONDS, SIGN_IN_COOKIE, SIGN_IN_SECONDS};
use crate::frontend::auth::session::{cookie, now_s, random_hex, set_cookie};
use crate::frontend::error::PageError;
use crate::frontend::forms::{AdminForm, SignInForm};
use crate::frontend::pages::{Frame, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "admin_sign_in.html")]
struct SignInPage {
    csrf: String,
    error: Option<String>,
    frame: Frame,
}

/// The sign-in form's own field.
#[derive(Deserialize)]
pub struct TokenField {
    #[serde(default)]
    token: String,
}

/// `GET /admin/sign-in`: the form, and the double-submit cookie its token is bound to.
pub async fn page(State(front): State<Arc<Frontend>>, headers: HeaderMap) -> Response {
    let value = cookie(&headers, SIGN_IN_COOKIE).map_or_else(random_hex, str::to_owned);
    let error = (!front.operator.is_configured()).then(|| {
        "This prizegen has no operator token (PRIZEGEN_ADMIN_TOKEN): nobody can sign in.".to_owned()
    });
    let csrf = front.sessions.sign_in_csrf(&value).unwrap_or_default();
    let mut response = render(StatusCode::OK, &SignInPage { csrf, error, frame: Frame::admin(&front) });
    append_cookie(&mut response, &set_cookie(SIGN_IN_COOKIE, &value, SIGN_IN_SECONDS));
    response
}

/// `POST /admin/sign-in`.
pub async fn sign_in(
    State(front): State<Arc<Frontend>>,
    SignInForm { cookie, fields }: SignInForm<TokenField>,
) -> Result<Response, PageError> {
    let token = fields.token.trim();
    let session = front.operator.accepts(token).then(|| front.sessions.issue(now_s())).flatten();
    let Some(session) = session else {
        let error = Some("That is not the operator token.".to_owned());
        let csrf = front.sessions.sign_in_csrf(&cookie).unwrap_or_default();
        return Ok(render(
            StatusCode::UNAUTHORIZED,
            &SignInPage { csrf, error, frame: Frame::admin(&front) },
        ));
    };
    // On the record before the session is handed out: no sign-in the audit log does not show.
    front.store.record_sign_in().await?;
    tracing::info!("operator signed in to the admin pages");
    let mut response = Redirect::to("/admin").into_response();
    append_cookie(&mut response, &set_cookie(SESSION_COOKIE, &session, SESSION_SECONDS));
    append_cookie(&mut response, &set_cookie(SIGN_IN_COOKIE, "", 0));
    Ok(response)
}

/// `POST /admin/sign-out`.
pub async fn sign_out(_: AdminForm<IgnoredAny>) -> Response {
    let mut response = Redirect::to("/admin/sign-in").into_response();
    append_cookie(&mut response, &set_cookie(SESSION_COOKIE, "", 0));
    response
}

fn append_cookie(response: &mut Response, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}
