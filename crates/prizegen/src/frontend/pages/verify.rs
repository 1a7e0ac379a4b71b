//! `/verify`: a draw recomputed in the player's browser, by `static/verify.js` (an ES module
//! written from the published algorithm, not from this crate's code, using WebCrypto). The page
//! itself is two forms — a draw's id, or a draw's JSON and a server seed — and an empty verdict
//! that the module fills in; `?draw=<id>` fills in the first form and runs it at once. Without
//! scripts the forms are still there and say what they would need.

use super::{Frame, render_scripted};
use crate::frontend::Frontend;
use crate::frontend::auth::Visitor;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use http::StatusCode;
use serde::Deserialize;
use std::sync::Arc;

/// `?draw=`: the draw to check.
#[derive(Deserialize)]
pub struct VerifyQuery {
    draw: Option<String>,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    /// The draw's id, put in the form (the module checks it when the address names it).
    draw_id: String,
    frame: Frame,
}

/// `GET /verify`.
pub async fn page(
    State(front): State<Arc<Frontend>>,
    Visitor(viewer): Visitor,
    Query(query): Query<VerifyQuery>,
) -> Response {
    let draw_id = query.draw.unwrap_or_default().trim().to_owned();
    let frame = Frame::new(&front, None, viewer.as_ref());
    render_scripted(StatusCode::OK, &VerifyPage { draw_id, frame })
}
