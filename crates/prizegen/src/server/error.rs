//! Errors as JSON: `{"error": {"code", "message"}}` with the right status, for every service.
//!
//! A handler returns `Result<_, ApiError>` and lets errors flow with `?`; the error's cause (the
//! whole `source()` chain of what failed underneath) is never sent to the client but rides on
//! the response as [`LoggedCause`], and the request's one log line in
//! [`super::middleware::observe`] reports it. Nothing is logged while converting.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use prizegen_domain::games::FieldError;
use serde::Serialize;
use utoipa::ToSchema;

/// An error a handler returns; becomes a JSON body and a status.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable machine-readable code, e.g. `unknown_game`.
    pub code: &'static str,
    /// A sentence for the person who made the request.
    pub message: String,
    /// For 502/503: which dependency failed (`letters`, `database`, …).
    pub dependency: Option<&'static str>,
    /// For 422: each invalid field and what is wrong with it.
    pub fields: Vec<FieldError>,
    /// What failed underneath, for the log only.
    pub cause: Option<Cause>,
    /// For 429 and a busy 503: seconds to wait, sent as `Retry-After`.
    pub retry_after_s: Option<u64>,
}

pub use crate::Cause;

/// The cause of an error response, formatted with its chain; the request's log line shows it.
#[derive(Clone, Debug)]
pub struct LoggedCause(pub String);

impl LoggedCause {
    /// The cause and its whole `source()` chain, formatted once.
    pub fn of(cause: &(dyn std::error::Error + 'static)) -> Self {
        Self(ErrorChain(cause).to_string())
    }
}

/// The body of every error answer, of every service.
#[derive(Serialize, ToSchema)]
#[schema(as = Error)]
pub struct ErrorResponse {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong, for people and for programs.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code, e.g. `unknown_game`, `invalid_field`, `dependency_unavailable`.
    pub code: &'static str,
    /// A sentence for the person who made the request.
    pub message: String,
    /// For 502 and 503: which dependency failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Dependency>)]
    pub dependency: Option<&'static str>,
    /// For 422: the (first) invalid field, e.g. `budget_pence` or `ranks.strength`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For 422: every invalid field and what is wrong with it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldDetail>,
}

/// A dependency of the front end.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)] // documentation only: `ErrorDetail::dependency` holds its name
pub enum Dependency {
    /// Service 2.
    Letters,
    /// Service 3.
    Numbers,
    /// Service 4.
    Rules,
    /// The database.
    Database,
}

/// One invalid field.
#[derive(Serialize, ToSchema)]
pub struct FieldDetail {
    /// Its name, as in the request.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            dependency: None,
            fields: Vec::new(),
            cause: None,
            retry_after_s: None,
        }
    }

    /// The same error, with what failed underneath recorded for the log.
    pub fn caused_by(mut self, cause: impl Into<Cause>) -> Self {
        self.cause = Some(cause.into());
        self
    }

    /// 422 naming every invalid field; `error.field` is the first, `error.fields` lists all.
    pub fn invalid_fields(fields: Vec<FieldError>) -> Self {
        let message = FieldError::describe(&fields);
        Self { fields, ..Self::invalid("invalid_field", message) }
    }

    /// The same error, naming the field it is about in `error.field` (a 409 about one field).
    pub fn on_field(mut self, field: &str) -> Self {
        self.fields = vec![FieldError::new(field, self.message.clone())];
        self
    }

    /// 400: the request cannot be read at all.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 422: the request was read but a field is invalid.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// 404: no such thing.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    /// 409: conflicts with what is stored.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// 401: operator token missing or wrong.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this call is for the operator: send Authorization: Bearer <PRIZEGEN_ADMIN_TOKEN>",
        )
    }

    /// 401 for the players' calls: no session, or one that has ended; says how to get one.
    pub fn not_signed_in(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "not_signed_in", message)
    }

    /// The same error, telling the client to wait `seconds` before retrying (`Retry-After`).
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after_s = Some(seconds);
        self
    }

    /// 503: a dependency is down or too slow; names it.
    pub fn unavailable(dependency: &'static str, message: impl Into<String>) -> Self {
        let error = Self::new(StatusCode::SERVICE_UNAVAILABLE, "dependency_unavailable", message);
        Self { dependency: Some(dependency), ..error }
    }

    /// 500: a bug or an unexpected state. The cause goes to the log, not to the client.
    pub fn internal(cause: impl Into<Cause>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error; the log has the details")
            .caused_by(cause)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let field = self.fields.first().map(|f| f.field.clone());
        let fields =
            self.fields.into_iter().map(|f| FieldDetail { field: f.field, message: f.message }).collect();
        let detail = ErrorDetail {
            code: self.code,
            message: self.message,
            dependency: self.dependency,
            field,
            fields,
        };
        let mut response = (self.status, axum::Json(ErrorResponse { error: detail })).into_response();
        if let Some(seconds) = self.retry_after_s {
            response.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED && self.code == "not_signed_in" {
            let challenge = http::HeaderValue::from_static("Bearer realm=\"prizegen players\"");
            response.headers_mut().insert(http::header::WWW_AUTHENTICATE, challenge);
        }
        if let Some(cause) = &self.cause {
            response.extensions_mut().insert(LoggedCause::of(cause.as_ref()));
        }
        response
    }
}

/// Displays an error with its whole `source()` chain, for logs.
pub struct ErrorChain<'a>(pub &'a (dyn std::error::Error + 'static));

impl std::fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

/// The fallback of every service's JSON routes.
pub async fn not_found(uri: http::Uri) -> ApiError {
    ApiError::not_found("not_found", format!("no such path: {}", uri.path()))
}

/// A JSON object body whose rejections are [`ApiError`]s: a wrong content type is 415, bad
/// JSON is 400, JSON that is not an object or has a field of the wrong shape is 422 with serde's
/// message (which names the field). Every request body of every service is an object, as the
/// documents say: serde alone would also read a struct from a JSON array.
pub struct ApiJson<T>(pub T);

/// Whether the request says its body is JSON: `application/json`, or `application/*+json`.
fn json_content_type(headers: &http::HeaderMap) -> bool {
    let Some(value) = headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mime = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !json_content_type(req.headers()) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|r| ApiError::new(r.status(), "unreadable_body", r.body_text()))?;
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => {}
            Some(_) if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_ok() => {
                return Err(ApiError::invalid("invalid_field", "the body is a JSON object"));
            }
            _ => return Err(ApiError::bad_request("invalid_json", "the body is not JSON")),
        }
        match axum::Json::<T>::from_bytes(&body) {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    let detail = rejection.body_text();
    match rejection {
        JsonRejection::JsonDataError(_) => ApiError::invalid("invalid_field", detail),
        JsonRejection::JsonSyntaxError(_) => ApiError::bad_request("invalid_json", detail),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as JSON with Content-Type: application/json",
        ),
        other => ApiError::new(other.status(), "unreadable_body", detail),
    }
}
