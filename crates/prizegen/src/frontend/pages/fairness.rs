//! `/fairness`: the algorithm, the worked example, the current commitment, the audit log's head,
//! revealed seeds.

use super::{Frame, render};
use crate::frontend::Frontend;
use crate::frontend::auth::Visitor;
use crate::frontend::error::PageError;
use crate::frontend::view::rfc3339;
use crate::store::AuditHead;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use http::StatusCode;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "fairness.html")]
struct FairnessPage {
    current: Option<String>,
    revealed: Vec<(String, String, String)>,
    /// The audit log's last entry: its seq (0 while the log is empty) and hash.
    head: AuditHead,
    frame: Frame,
}

/// `GET /fairness`.
pub async fn page(
    State(front): State<Arc<Frontend>>,
    Visitor(viewer): Visitor,
) -> Result<Response, PageError> {
    let seeds = front.store.seeds().await?;
    let head = front.store.audit_head().await?;
    let current = seeds.iter().find(|s| s.revealed_at_ms.is_none()).map(|s| s.hash.to_string());
    let revealed = seeds
        .iter()
        .filter_map(|s| Some((s.hash.to_string(), s.seed.to_hex(), rfc3339(s.revealed_at_ms?))))
        .collect();
    Ok(render(
        StatusCode::OK,
        &FairnessPage { current, revealed, head, frame: Frame::new(&front, None, viewer.as_ref()) },
    ))
}
