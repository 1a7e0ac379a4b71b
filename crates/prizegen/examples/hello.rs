//! The ceiling reference of PERFORMANCE.md: a bare axum "hello world" on the same runtime
//! settings as prizegen (multi-threaded tokio, HTTP/1.1 keep-alive). It answers every request
//! with `201 Created` and a tiny JSON body, so that `prizegen load` can drive it exactly as it
//! drives a real draw.
//!
//! `cargo run --release --example hello -- 127.0.0.1:18090`

use axum::http::StatusCode;
use axum::response::IntoResponse;

async fn hello() -> impl IntoResponse {
    (StatusCode::CREATED, [("content-type", "application/json")], r#"{"hello":"world"}"#)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listen = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:18090".to_owned());
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("hello is up: http://{}", listener.local_addr()?);
    axum::serve(listener, axum::Router::new().fallback(hello)).await
}
