//! `/live`: this front end's draws and its dependencies now (`frontend/live`), rendered once and
//! then kept current by `static/live.js` from `/live/events`, a stream of server-sent events
//! (one snapshot a second, the same bytes for every viewer).

use super::{Frame, render_scripted};
use crate::frontend::Frontend;
use crate::frontend::auth::Visitor;
use crate::frontend::live::Snapshot;
use crate::server::ApiError;
use askama::Template;
use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use std::sync::Arc;
use std::time::Duration;

#[derive(Template)]
#[template(path = "live.html")]
struct LivePage {
    live: Arc<Snapshot>,
    frame: Frame,
}

/// `GET /live`.
pub async fn page(State(front): State<Arc<Frontend>>, Visitor(viewer): Visitor) -> Response {
    // The first snapshot is taken as the front end starts; a page asked for in that moment waits.
    let mut snapshot = front.live.snapshot_now();
    for _ in 0..40 {
        if snapshot.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        snapshot = front.live.snapshot_now();
    }
    let Some(live) = snapshot else {
        let message = "The live view is starting; try again in a second.".to_owned();
        return super::message_page(&front, StatusCode::SERVICE_UNAVAILABLE, "Starting", message, None);
    };
    let frame = Frame::new(&front, None, viewer.as_ref());
    render_scripted(StatusCode::OK, &LivePage { live, frame })
}

/// `GET /live/events`: the event stream. 503 while the front end drains (the browser retries,
/// through the balancer, on another replica) or when too many streams are open.
pub async fn events(State(front): State<Arc<Frontend>>) -> Response {
    let Some(queue) = front.live.join() else {
        let message = "no more live viewers on this front end now; the page retries by itself";
        return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "live_unavailable", message)
            .retry_after(2)
            .into_response();
    };
    let frames = futures_util::stream::unfold(queue, |mut queue| async move {
        let frame = queue.recv().await?;
        Some((Ok::<_, std::convert::Infallible>(frame), queue))
    });
    let headers = [
        (header::CONTENT_TYPE, "text/event-stream"),
        (header::CACHE_CONTROL, "no-store"),
        // nginx would otherwise buffer the stream, and the page would see nothing for a while.
        (header::HeaderName::from_static("x-accel-buffering"), "no"),
    ];
    (headers, Body::from_stream(frames)).into_response()
}
