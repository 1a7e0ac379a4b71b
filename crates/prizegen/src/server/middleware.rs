//! The one middleware every service runs: request id, tracing span, time limit, `x-served-by`,
//! per-route metrics and a log line per request.

use super::error::LoggedCause;
use super::forwarded::TrustedProxies;
use super::identity::{REQUEST_ID, SERVED_BY};
use super::{ApiError, Identity, Metrics, RequestId, metrics::RouteLabels, metrics::RouteOnly};
use axum::extract::ConnectInfo;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

const UNKNOWN: IpAddr = IpAddr::V4(Ipv4Addr::UNSPECIFIED);

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
    /// Whose `X-Forwarded-For`/`-Proto` tell the client's address and scheme.
    pub proxies: TrustedProxies,
}

/// Runs a request inside its span and time limit, then stamps and records the response.
pub async fn observe(State(observe): State<Arc<Observe>>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = RequestId::from_header(req.headers().get(&REQUEST_ID));
    let route = req.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();
    let method = req.method().clone();
    // The request's trace span: the child of an incoming `traceparent` (or a root). With traces
    // off it records nothing and passes an incoming context on.
    let parent = req
        .headers()
        .get(crate::trace::TRACEPARENT)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::trace::TraceContext::parse);
    let mut trace = crate::trace::Span::start(
        observe.identity.service,
        || format!("{method} {route}"),
        crate::trace::Kind::Server,
        parent,
    );
    let request_id = request_id.in_trace(trace.context());
    req.extensions_mut().insert(request_id.clone());
    // The client, for the log line and for what limits requests by client; without a peer (a
    // request made in-process, as tests do) the unspecified address.
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map_or(UNKNOWN, |c| c.0.ip());
    let client = observe.proxies.client(peer, req.headers());
    req.extensions_mut().insert(client);
    // The span carries only what every line of the request needs. Its fields are formatted
    // when it is created (four spans per draw), so method and route go on the one line that
    // reports the request instead.
    let span = tracing::info_span!(
        "request",
        request_id = request_id.as_str(),
        service = observe.identity.service,
        trace_id = tracing::field::Empty
    );
    if let Some(context) = request_id.trace() {
        span.record("trace_id", context.trace_id_hex());
    }
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
        let client = client.addr.to_string();
        let client = client.as_str();
        match status {
            // A bug here or in a dependency, not an outage.
            StatusCode::INTERNAL_SERVER_ERROR | StatusCode::BAD_GATEWAY => {
                tracing::error!(method, route, status = code, ms, client, error, "request failed");
            }
            _ if status.is_server_error() => {
                tracing::warn!(method, route, status = code, ms, client, error, "request failed");
            }
            _ if status.is_client_error() => {
                tracing::info!(method, route, status = code, ms, client, error, "request refused");
            }
            _ => tracing::debug!(method, route, status = code, ms, client, "request served"),
        }
    });
    if trace.is_recording() {
        trace.set("http.request.method", method.as_str());
        trace.set("http.route", route.as_str());
        trace.set("http.response.status_code", i64::from(status.as_u16()));
        trace.set("prizegen.request_id", request_id.as_str());
        if status.is_server_error() {
            trace.fail(status.to_string());
        }
    }
    trace.end();
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

    /// The client is the peer, or what a trusted proxy says; never what anyone else says.
    #[tokio::test]
    async fn the_client_is_told_by_trusted_proxies_only() {
        use crate::server::forwarded::Client;
        let echo = |axum::Extension(client): axum::Extension<Client>| async move {
            format!("{} {}", client.addr, if client.https { "https" } else { "http" })
        };
        let observe = Observe {
            identity: Arc::new(Identity::new("frontend", "0.0.0", Some("t".into())).unwrap()),
            metrics: Arc::new(Metrics::new(|_| {})),
            request_timeout: Duration::from_secs(5),
            lifecycle: Arc::new(crate::server::Lifecycle::default()),
            proxies: "10.0.0.0/8".parse().unwrap(),
        };
        let app = axum::Router::new()
            .route("/who", axum::routing::get(echo))
            .layer(axum::middleware::from_fn_with_state(Arc::new(observe), super::observe));
        let ask = |peer: &str| {
            let mut request = http::Request::get("/who")
                .header("x-forwarded-for", "203.0.113.5")
                .header("x-forwarded-proto", "https")
                .body(axum::body::Body::empty())
                .unwrap();
            request.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
            app.clone().oneshot(request)
        };
        let text = |response: Response| async {
            String::from_utf8(axum::body::to_bytes(response.into_body(), 1000).await.unwrap().to_vec())
                .unwrap()
        };
        assert_eq!(text(ask("10.0.0.2:4000").await.unwrap()).await, "203.0.113.5 https", "through the edge");
        assert_eq!(text(ask("198.51.100.1:4000").await.unwrap()).await, "198.51.100.1 http", "forged");
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
            proxies: TrustedProxies::default(),
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
