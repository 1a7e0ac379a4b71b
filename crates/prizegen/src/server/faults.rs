//! Services 2–4 do what a fault switch asks of a call (`contract/faults.rs`): wait, fail, or
//! never answer. Without the header, nothing.

use super::ApiError;
use crate::contract::faults::{Fault, HEADER, Outcome};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// The middleware, around a service's contract routes (not its health or metrics).
pub async fn apply(request: Request, next: Next) -> Response {
    let fault = request.headers().get(HEADER).and_then(|v| v.to_str().ok()).and_then(Fault::from_header);
    let Some(fault) = fault.filter(|fault| !fault.is_off()) else {
        return next.run(request).await;
    };
    if fault.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(u64::from(fault.latency_ms))).await;
    }
    match fault.outcome(roll()) {
        Outcome::Answer => next.run(request).await,
        Outcome::Error => {
            let message = "an error switched on by the operator (a fault switch)";
            ApiError::new(http::StatusCode::INTERNAL_SERVER_ERROR, "fault_injected", message).into_response()
        }
        // The caller's deadline ends it (and the service's own request time limit).
        Outcome::Hang => std::future::pending().await,
    }
}

/// A uniform draw in [0, 1); with no randomness at hand, 0.99…: the call is answered unless its
/// shares add up to 1.
fn roll() -> f64 {
    let bits = getrandom::u64().unwrap_or(u64::MAX) >> 11;
    bits as f64 / (1u64 << 53) as f64
}
