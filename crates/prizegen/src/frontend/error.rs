//! What the front end's errors mean over HTTP, in one place: each use case's error becomes an
//! [`ApiError`] (JSON, for the API) and, through it, a [`PageError`] (the message page), so
//! handlers of both let errors flow with `?`. The cause rides along for the request's log line;
//! nothing here logs.

use super::campaigns::CampaignError;
use super::clients::DependencyError;
use super::draws::DrawError;
use super::leaderboard::BoardError;
use super::players::PlayerError;
use super::players::passwords::HashError;
use crate::server::ApiError;
use crate::server::error::{Cause, LoggedCause};
use crate::store::StoreError;
use axum::response::{IntoResponse, Response};
use http::StatusCode;

/// 503 naming the database when it is unavailable; 500 for an answer the code did not expect.
impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(_) | StoreError::Contended(_) => {
                // The error and its first cause say what the client can act on ("no answer
                // within 5s"); the whole chain is for the log.
                let message = match std::error::Error::source(&error) {
                    Some(cause) => format!("{error}: {cause}"),
                    None => error.to_string(),
                };
                ApiError::unavailable("database", message).caused_by(error)
            }
            StoreError::Unexpected(_) => ApiError::internal(error),
        }
    }
}

/// 503 naming a dead or slow service; 502 for a broken contract (a bug, not an outage).
impl From<DependencyError> for ApiError {
    fn from(error: DependencyError) -> Self {
        let service = error.service().as_str();
        let message = error.to_string();
        let api = match error {
            DependencyError::Contract { .. } => {
                let api = ApiError::new(StatusCode::BAD_GATEWAY, "dependency_error", message);
                ApiError { dependency: Some(service), ..api }
            }
            _ => ApiError::unavailable(service, message),
        };
        api.caused_by(error)
    }
}

impl From<DrawError> for ApiError {
    fn from(error: DrawError) -> Self {
        let message = error.to_string();
        match error {
            DrawError::UnknownCampaign(_) => ApiError::invalid("unknown_campaign", message),
            DrawError::CampaignUnavailable { .. } => ApiError::invalid("campaign_unavailable", message),
            DrawError::IdempotencyKeyReused(_) => ApiError::invalid("idempotency_key_reused", message),
            DrawError::InvalidInput(fields) => ApiError::invalid_fields(fields),
            DrawError::NameTaken(_) => ApiError::conflict("name_taken", message),
            DrawError::TwoSteps => ApiError::invalid("two_steps", message),
            DrawError::UnknownSequence(_) => ApiError::not_found("unknown_sequence", message),
            DrawError::AlreadyClaimed(_) => ApiError::conflict("already_submitted", message),
            DrawError::Exhausted => ApiError::conflict("exhausted", message),
            DrawError::PlayerGone | DrawError::SessionChanged => ApiError::not_signed_in(message),
            DrawError::Dependency(e) => e.into(),
            DrawError::Store(e) => e.into(),
        }
    }
}

impl From<CampaignError> for ApiError {
    fn from(error: CampaignError) -> Self {
        let message = error.to_string();
        match error {
            CampaignError::Invalid(fields) => ApiError::invalid_fields(fields),
            CampaignError::NotFound(_) => ApiError::not_found("campaign_not_found", message),
            CampaignError::SlugTaken(_) => ApiError::conflict("slug_taken", message).on_field("slug"),
            CampaignError::SlugFixed(_) => ApiError::conflict("slug_fixed", message).on_field("slug"),
            // Conflicts with what is stored, not bad input: the same value suits another campaign.
            CampaignError::BudgetBelowSpent { .. } => {
                ApiError::conflict("budget_below_spent", message).on_field("budget_pence")
            }
            CampaignError::GameFixed => ApiError::conflict("has_draws", message).on_field("game"),
            CampaignError::HasDraws => ApiError::conflict("has_draws", message),
            CampaignError::DefaultCampaign => ApiError::conflict("default_campaign", message),
            CampaignError::Store(e) => e.into(),
        }
    }
}

impl From<PlayerError> for ApiError {
    fn from(error: PlayerError) -> Self {
        let message = error.to_string();
        match error {
            PlayerError::Invalid(fields) => ApiError::invalid_fields(fields),
            PlayerError::WeakPassword(_) => ApiError::invalid("weak_password", message).on_field("password"),
            PlayerError::NameTaken(_) => ApiError::conflict("name_taken", message).on_field("name"),
            PlayerError::BadCredentials => {
                ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", message)
            }
            PlayerError::WrongPassword => ApiError::new(StatusCode::FORBIDDEN, "wrong_password", message),
            PlayerError::RateLimited { retry_after_s } => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message)
                    .retry_after(retry_after_s)
            }
            PlayerError::NotSignedIn => ApiError::not_signed_in(message),
            PlayerError::Hash(HashError::Busy) => {
                let busy = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", message);
                busy.retry_after(passwords_retry_s())
            }
            PlayerError::Hash(e @ HashError::Failed(_)) => ApiError::internal(e),
            PlayerError::Store(e) => e.into(),
        }
    }
}

impl From<BoardError> for ApiError {
    fn from(error: BoardError) -> Self {
        let message = error.to_string();
        match error {
            BoardError::UnknownGame(_) => ApiError::invalid("unknown_game", message).on_field("game"),
            BoardError::UnknownCampaign(_) => {
                ApiError::invalid("unknown_campaign", message).on_field("campaign")
            }
            BoardError::CampaignOfAnotherGame { .. } => {
                ApiError::invalid("campaign_unavailable", message).on_field("campaign")
            }
            BoardError::BadCursor(_) => ApiError::bad_request("invalid_cursor", message),
            BoardError::Store(e) => e.into(),
        }
    }
}

impl From<BoardError> for PageError {
    fn from(error: BoardError) -> Self {
        ApiError::from(error).into()
    }
}

/// How long a client is told to wait when every hashing slot is busy.
fn passwords_retry_s() -> u64 {
    super::players::passwords::QUEUE_WAIT.as_secs().max(1)
}

/// An error a page handler returns: the message page, with the status of the equivalent API
/// error. Rendering needs the front end's state (the page's footer names the instance), which
/// `IntoResponse` has not: the response carries an [`ErrorPage`] that
/// [`super::pages::render_error_pages`] turns into HTML.
#[derive(Debug)]
pub struct PageError {
    /// The status.
    status: StatusCode,
    /// The page's heading.
    heading: &'static str,
    /// What the person reads.
    message: String,
    /// What failed underneath, for the log.
    cause: Option<Cause>,
}

/// What the pages' middleware renders for a [`PageError`].
#[derive(Clone, Debug)]
pub struct ErrorPage {
    /// The page's heading.
    pub heading: &'static str,
    /// The message.
    pub message: String,
}

impl PageError {
    /// 404 with a message.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self { status: StatusCode::NOT_FOUND, heading: "Not found", message: message.into(), cause: None }
    }

    /// 403: a form that did not come from this site (or expired).
    pub fn forbidden_form() -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            heading: "Something went wrong",
            message: "This form has expired or did not come from this site. Reload the page and try again."
                .into(),
            cause: None,
        }
    }

    /// 401: a form shown to a signed-in player whose session has ended since.
    pub fn session_ended() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            heading: "Signed out",
            message: "Your session has ended (you signed out, changed your password, or it expired). \
                      Sign in again, or go back and reload the page to play without signing in."
                .into(),
            cause: None,
        }
    }

    /// 415: a post whose body is not a form.
    pub fn not_a_form() -> Self {
        Self {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            heading: "Something went wrong",
            message: "This page takes forms (application/x-www-form-urlencoded).".into(),
            cause: None,
        }
    }

    /// 400: a form that cannot be read.
    pub fn unreadable_form(cause: impl Into<Cause>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            heading: "Something went wrong",
            message: "This form could not be read. Reload the page and try again.".into(),
            cause: Some(cause.into()),
        }
    }
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        let heading =
            if error.status == StatusCode::NOT_FOUND { "Not found" } else { "Something went wrong" };
        Self { status: error.status, heading, message: error.message, cause: error.cause }
    }
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        ApiError::from(error).into()
    }
}

impl From<DrawError> for PageError {
    fn from(error: DrawError) -> Self {
        ApiError::from(error).into()
    }
}

impl From<PlayerError> for PageError {
    fn from(error: PlayerError) -> Self {
        ApiError::from(error).into()
    }
}

impl From<CampaignError> for PageError {
    fn from(error: CampaignError) -> Self {
        ApiError::from(error).into()
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        let extensions = response.extensions_mut();
        extensions.insert(ErrorPage { heading: self.heading, message: self.message });
        if let Some(cause) = &self.cause {
            extensions.insert(LoggedCause::of(cause.as_ref()));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prizegen_domain::fairness::Service;

    #[test]
    fn an_unavailable_database_is_a_503_naming_it_with_the_whole_cause_only_in_the_log() {
        #[derive(Debug, thiserror::Error)]
        #[error("error communicating with database")]
        struct Driver(#[source] std::io::Error);
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let api = ApiError::from(StoreError::unavailable(Driver(refused)));
        assert_eq!((api.status, api.dependency), (StatusCode::SERVICE_UNAVAILABLE, Some("database")));
        assert_eq!(api.message, "the database is unavailable: error communicating with database");
        let response = api.into_response();
        let logged = response.extensions().get::<LoggedCause>().expect("the cause is logged");
        assert!(logged.0.ends_with("error communicating with database: connection refused"), "{logged:?}");
    }

    #[test]
    fn a_broken_contract_is_a_502_and_an_outage_a_503() {
        let contract = DependencyError::Contract { service: Service::Rules, detail: "bad".into() };
        let api = ApiError::from(contract);
        assert_eq!(
            (api.status, api.code, api.dependency),
            (StatusCode::BAD_GATEWAY, "dependency_error", Some("rules"))
        );
        let timeout = DependencyError::Timeout {
            service: Service::Letters,
            timeout: std::time::Duration::from_secs(2),
        };
        let api = ApiError::from(timeout);
        assert_eq!((api.status, api.dependency), (StatusCode::SERVICE_UNAVAILABLE, Some("letters")));
    }

    #[test]
    fn an_unexpected_store_error_hides_its_cause_from_the_client() {
        let api = ApiError::from(StoreError::unexpected("column x: malformed"));
        assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!api.message.contains("malformed"), "{}", api.message);
        let page = PageError::from(api).into_response();
        assert_eq!(page.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(page.extensions().get::<ErrorPage>().is_some(), "rendered by the pages' middleware");
        assert!(page.extensions().get::<LoggedCause>().is_some_and(|c| c.0.contains("malformed")));
    }
}
