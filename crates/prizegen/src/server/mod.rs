//! Plumbing shared by all four services: who is serving ([`identity`]), the accept loop with a
//! bounded graceful drain ([`serve`]), health, readiness and metrics routes ([`health`]), request
//! ids, logging and per-route metrics ([`middleware`]), and JSON errors ([`error`]).

pub mod batch;
pub mod error;
pub mod faults;
pub mod forwarded;
pub mod health;
pub mod identity;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod serve;

use std::sync::Arc;

pub use error::{ApiError, ApiJson};
pub use health::Readiness;
pub use identity::{Identity, RequestId};
pub use metrics::Metrics;
pub use serve::{Lifecycle, ServeOptions, serve};

/// Wraps a service's own routes (which bring their own fallback: JSON or HTML) with what every
/// service has: `/healthz`, `/readyz`, `/metrics`, request ids, `x-served-by`, per-route metrics and a request time limit.
pub fn with_common_routes(
    routes: axum::Router,
    identity: Arc<Identity>,
    lifecycle: Arc<Lifecycle>,
    readiness: Arc<dyn Readiness>,
    metrics: Arc<Metrics>,
    request_timeout: std::time::Duration,
    proxies: forwarded::TrustedProxies,
) -> axum::Router {
    let observe = middleware::Observe {
        identity: identity.clone(),
        metrics: metrics.clone(),
        request_timeout,
        lifecycle: lifecycle.clone(),
        proxies,
    };
    routes
        .merge(health::routes(identity, lifecycle, readiness, metrics))
        .layer(axum::middleware::from_fn_with_state(Arc::new(observe), middleware::observe))
}

/// The routes of a router whose routes were declared with their OpenAPI description
/// (`utoipa_axum::routes!`, each handler once), plus `GET doc_path` serving the document.
pub fn with_openapi_document<S: Clone + Send + Sync + 'static>(
    routes: utoipa_axum::router::OpenApiRouter<S>,
    doc_path: &str,
) -> axum::Router<S> {
    let (router, mut doc) = routes.split_for_parts();
    openapi::complete(&mut doc);
    router.merge(openapi_route(doc_path, doc))
}

/// The routes of services 2–4: the contract's single calls (declared with their OpenAPI
/// description), `POST /v1/<service>/batch` for many of them at once unless `batch` is false (an
/// instance as it was before that route, for interoperability tests), the document at
/// `/v1/openapi.json`, and the JSON 404 for anything else.
pub fn contract_routes<S: Clone + Send + Sync + 'static>(
    routes: utoipa_axum::router::OpenApiRouter<S>,
    state: S,
    service: &'static str,
    batch: bool,
) -> axum::Router {
    let (router, mut doc) = routes.split_for_parts();
    let mut router = router.with_state(state).fallback(error::not_found);
    if batch {
        router = batch::add(router, service, &mut doc);
    }
    openapi::complete(&mut doc);
    router.merge(openapi_route("/v1/openapi.json", doc))
}

/// `GET path` serving a document rendered once at start.
fn openapi_route<S: Clone + Send + Sync + 'static>(
    path: &str,
    doc: utoipa::openapi::OpenApi,
) -> axum::Router<S> {
    let body: bytes::Bytes = doc.to_pretty_json().unwrap_or_default().into();
    axum::Router::new().route(
        path,
        axum::routing::get(move || {
            let body = body.clone();
            async move { ([(http::header::CONTENT_TYPE, "application/json")], body) }
        }),
    )
}
