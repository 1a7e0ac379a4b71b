//! `POST /v1/<service>/batch`: many calls of one service in one request.
//!
//! Each item is a call the service also serves on its own (its path and body, as the single
//! call would send them), and its answer is exactly what that single call would answer: the
//! status and the JSON body, in the order of the items. The service computes each item as a pure
//! function of its own key, so batching changes how calls travel, never what they answer. One
//! `x-served-by` covers every item: one instance answered them all.
//!
//! The route is additive within `/v1`: an instance from before it answers 404, and the caller
//! then sends the items one by one (see `docs/contract.md`).

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::ToSchema;

/// The most items one batch may carry; the front end sends at most its `--batch-max`.
pub const MAX_ITEMS: usize = 256;

/// The batch route's path for `service`.
pub fn path(service: &str) -> String {
    format!("/v1/{service}/batch")
}

/// A batch: calls of this service, each as it would be sent alone.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BatchRequest {
    /// The calls, at most 256.
    #[schema(max_items = 256)]
    pub items: Vec<BatchItem>,
}

/// A batch as the front end writes it.
#[derive(Debug, Serialize)]
pub struct OutgoingBatch<'a> {
    /// The calls.
    pub items: Vec<OutgoingItem<'a>>,
}

/// One call in a batch, as the front end reads it on the service side.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BatchItem {
    /// The single call's path, e.g. `/v1/letters/account-prize`: a path of this service.
    #[schema(example = "/v1/letters/account-prize")]
    pub path: String,
    /// The request id of the draw this call belongs to, for the service's log.
    #[serde(default)]
    pub request_id: Option<String>,
    /// The W3C `traceparent` of the call (the caller's span for it), when traces are on: the
    /// parent of the service's span for this item, in the draw's own trace.
    #[serde(default)]
    pub traceparent: Option<String>,
    /// The single call's body, e.g. `{"key": "<64 hex>"}`: any JSON, answered as the single
    /// call would answer it (a body that is not an object is that item's 422).
    #[schema(value_type = serde_json::Value)]
    pub body: Box<RawValue>,
}

/// One call in a batch, as the front end writes it (borrowing what it already has).
#[derive(Debug, Serialize)]
pub struct OutgoingItem<'a> {
    /// The single call's path.
    pub path: &'a str,
    /// The draw's request id.
    pub request_id: &'a str,
    /// The call's `traceparent`, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traceparent: Option<String>,
    /// The single call's body.
    pub body: &'a RawValue,
}

/// The answers, one per item, in the items' order.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchAnswer {
    /// One per item, in order.
    pub items: Vec<ItemAnswer>,
}

/// What the single call would have answered.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ItemAnswer {
    /// Its HTTP status: 200, or the single call's error status (404, 422, …).
    #[schema(minimum = 100, maximum = 599)]
    pub status: u16,
    /// Its JSON body: the answer, or `{"error": {"code", "message"}}`.
    #[schema(value_type = Object)]
    pub body: Box<RawValue>,
}
