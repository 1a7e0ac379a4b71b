//! `/healthz` (alive), `/readyz` (should receive traffic) and `/metrics` (Prometheus).

use super::{Identity, Lifecycle, Metrics};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use http::{StatusCode, header};
use serde_json::{Map, Value, json};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The outcome of a readiness check.
pub struct ReadyReport {
    /// Whether this instance should receive traffic.
    pub ready: bool,
    /// What was checked, for people reading the answer, e.g. `{"database": "ok"}`.
    pub checks: Map<String, Value>,
}

/// What a service checks before saying it is ready (the front end: its database).
pub trait Readiness: Send + Sync + 'static {
    /// Checks, within a short time limit of its own.
    fn check(&self) -> Pin<Box<dyn Future<Output = ReadyReport> + Send + '_>>;
}

/// Services 2–4 depend on nothing: ready unless draining.
pub struct AlwaysReady;

impl Readiness for AlwaysReady {
    fn check(&self) -> Pin<Box<dyn Future<Output = ReadyReport> + Send + '_>> {
        Box::pin(async { ReadyReport { ready: true, checks: Map::new() } })
    }
}

#[derive(Clone)]
struct HealthState {
    identity: Arc<Identity>,
    lifecycle: Arc<Lifecycle>,
    readiness: Arc<dyn Readiness>,
    metrics: Arc<Metrics>,
}

/// The three routes, for [`super::with_common_routes`].
pub fn routes(
    identity: Arc<Identity>,
    lifecycle: Arc<Lifecycle>,
    readiness: Arc<dyn Readiness>,
    metrics: Arc<Metrics>,
) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .with_state(HealthState { identity, lifecycle, readiness, metrics })
}

async fn healthz(State(state): State<HealthState>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "service": state.identity.service,
        "impl": state.identity.impl_label,
        "instance": state.identity.instance,
    }))
}

async fn readyz(State(state): State<HealthState>) -> Response {
    if state.lifecycle.is_draining() {
        let body = json!({"status": "draining", "service": state.identity.service});
        return (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
    }
    let report = state.readiness.check().await;
    let (status, word) =
        if report.ready { (StatusCode::OK, "ready") } else { (StatusCode::SERVICE_UNAVAILABLE, "not_ready") };
    let body = json!({"status": word, "service": state.identity.service, "checks": report.checks});
    (status, Json(body)).into_response()
}

async fn metrics_text(State(state): State<HealthState>) -> Response {
    let content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    ([(header::CONTENT_TYPE, content_type)], state.metrics.encode()).into_response()
}
