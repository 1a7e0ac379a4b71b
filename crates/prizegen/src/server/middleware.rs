//! The one middleware every service runs: request id, tracing span, time limit, `x-served-by`,
//! per-route metrics and a log line per request.

use super::error::LoggedCause;
use super::identity::{REQUEST_ID, SERVED_BY};
use super::{ApiError, Identity, Metrics, RequestId, metrics::RouteLabels, metrics::RouteOnly};
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// What [`observe`] needs, built once per service.
pub struct Observe {
    /// Sets `x-served-by` and names the service in logs.
    pub identity: Arc<Identity>,
    /// Where per-route figures go.
    pub metrics: Arc<Metrics>,
    /// A backstop: no request may take longer than this, whatever hangs below it.
    pub request_timeout: Duration,
    /// While draining, responses say `Connection: close`, so keep-alive clients (an nginx
    /// upstream pool, the front end's clients) move to other instances between requests
    /// instead of losing a request to a connection closed under them.
    pub lifecycle: Arc<super::Lifecycle>,
}

/// Runs a request inside its span and time limit, then stamps and records the response.
pub async fn observe(State(observe): State<Arc<Observe>>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = RequestId::from_header(req.headers().get(&REQUEST_ID));
    let route = req.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();
    let method = req.method().clone();
    req.extensions_mut().insert(request_id.clone());
    // The span carries only what every line of the request needs. Its fields are formatted
    // when it is created (four spans per draw), so method and route go on the one line that
    // reports the request instead.
    let span =
        tracing::info_span!("request", request_id = request_id.as_str(), service = observe.identity.service);
    let outcome = tokio::time::timeout(observe.request_timeout, next.run(req)).instrument(span.clone()).await;
    let mut response = outcome.unwrap_or_else(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "request_timeout",
            format!("the request took longer than {:?}", observe.request_timeout),
        )
        .into_response()
    });
    let headers = response.headers_mut();
    headers.insert(SERVED_BY.clone(), observe.identity.header_value().clone());
    if let Ok(value) = HeaderValue::from_str(request_id.as_str()) {
        headers.insert(REQUEST_ID.clone(), value);
    }
    if observe.lifecycle.is_draining() {
        headers.insert(http::header::CONNECTION, HeaderValue::from_static("close"));
    }

    let status = response.status();
    let seconds = started.elapsed().as_secs_f64();
    // The one line that reports the request, with the cause of an error (and its chain).
    let cause = response.extensions_mut().remove::<LoggedCause>();
    span.in_scope(|| {
        let (method, route, code, ms) = (method.as_str(), route.as_str(), status.as_u16(), seconds * 1000.0);
        let error = cause.as_ref().map(|c| c.0.as_str());
        match status {
            // A bug here or in a dependency, not an outage.
            StatusCode::INTERNAL_SERVER_ERROR | StatusCode::BAD_GATEWAY => {
                tracing::error!(method, route, status = code, ms, error, "request failed");
            }
            _ if status.is_server_error() => {
                tracing::warn!(method, route, status = code, ms, error, "request failed");
            }
            _ if status.is_client_error() => {
                tracing::info!(method, route, status = code, ms, error, "request refused");
            }
            _ => tracing::debug!(method, route, status = code, ms, "request served"),
        }
    });
    let labels = RouteLabels { route, method: method.as_str().to_owned(), status: status.as_u16() };
    observe.metrics.requests.get_or_create(&labels).inc();
    observe.metrics.request_seconds.get_or_create(&RouteOnly { route: labels.route }).observe(seconds);
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::metrics::Metrics;
    use std::io::Write;
    use std::sync::Mutex;
    use tower::ServiceExt;

    /// Collects what the subscriber writes.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_failed_request_is_logged_once_with_its_cause_chain_which_the_client_never_sees() {
        #[derive(Debug, thiserror::Error)]
        #[error("reading the seed")]
        struct Outer(#[source] std::io::Error);
        let failing = || async {
            let disk = std::io::Error::other("disk on fire");
            ApiError::internal(Outer(disk))
        };
        let observe = Observe {
            identity: Arc::new(Identity::new("frontend", "0.0.0", Some("t".into())).unwrap()),
            metrics: Arc::new(Metrics::new(|_| {})),
            request_timeout: Duration::from_secs(5),
            lifecycle: Arc::new(crate::server::Lifecycle::default()),
        };
        let app = axum::Router::new()
            .route("/x", axum::routing::get(failing))
            .layer(axum::middleware::from_fn_with_state(Arc::new(observe), super::observe));
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber =
            tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
        let _guard = tracing::subscriber::set_default(subscriber);

        let request = http::Request::get("/x").body(axum::body::Body::empty()).unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 10_000).await.unwrap();
        let body = String::from_utf8_lossy(&body);
        assert!(!body.contains("disk on fire"), "the cause stays out of the answer: {body}");

        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = log.lines().filter(|l| l.contains("disk on fire")).collect();
        assert_eq!(lines.len(), 1, "logged once: {log}");
        assert!(lines[0].contains("ERROR") && lines[0].contains("reading the seed: disk on fire"), "{log}");
        assert!(lines[0].contains("status=500") && lines[0].contains("route=\"/x\""), "{log}");
    }
}
