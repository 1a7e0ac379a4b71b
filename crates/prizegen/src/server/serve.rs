//! The accept loop: HTTP/1.1 with keep-alive, and a graceful, bounded drain on shutdown.
//!
//! On the shutdown trigger the instance turns not-ready (`/readyz` 503) but keeps serving for
//! `drain_delay`, so a load balancer stops sending it new work; connections accepted from then
//! on answer one request and close. Then it stops accepting (after taking what is already
//! waiting in the accept queue), lets in-flight requests finish and closes idle keep-alive
//! connections, for at most `shutdown_timeout`, after which remaining connections are cut.
//!
//! Why connections accepted while draining are not closed with the idle ones: a client that
//! connected a moment before the drain ended has its request on the way, and closing its
//! connection before the first request is read would fail that request (nginx reports
//! "upstream prematurely closed connection" and, for a POST, cannot retry it).

use axum::Router;
use axum::extract::ConnectInfo;
use http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Shared between the accept loop and `/readyz`.
#[derive(Debug, Default)]
pub struct Lifecycle {
    /// Set once shutdown starts; `/readyz` answers 503 from then on.
    draining: AtomicBool,
}

impl Lifecycle {
    /// Whether shutdown has started.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }

    fn start_draining(&self) {
        self.draining.store(true, Ordering::Relaxed);
    }
}

/// How a service shuts down.
#[derive(Clone, Copy, Debug)]
pub struct ServeOptions {
    /// Keep serving this long after turning not-ready, for load balancers to notice.
    pub drain_delay: Duration,
    /// The longest wait for in-flight requests before connections are cut.
    pub shutdown_timeout: Duration,
}

/// A client must send its request headers within this time (guards against slow-loris).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown` completes, then drains as described above.
/// Dropping the returned future cuts every connection at once (tests use that as "kill").
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()>,
    lifecycle: std::sync::Arc<Lifecycle>,
    options: ServeOptions,
) {
    let mut connections = JoinSet::new();
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    // For connections accepted while draining: one request each, then closed.
    let mut closing = builder.clone();
    closing.keep_alive(false);
    let accept =
        |connections: &mut JoinSet<()>, stream: tokio::net::TcpStream, peer: SocketAddr, draining: bool| {
            // Small request/response pairs: do not wait to coalesce packets.
            let _ = stream.set_nodelay(true);
            // Every request knows the address it came from (the middleware tells the client from it).
            let service =
                TowerToHyperService::new(app.clone().map_request(move |mut request: Request<Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(peer));
                    request
                }));
            let io = TokioIo::new(stream);
            if draining {
                spawn_connection(connections, closing.serve_connection(io, service));
            } else {
                spawn_connection(connections, graceful.watch(builder.serve_connection(io, service)));
            }
        };

    // Accept until the trigger fires, and for drain_delay after it.
    let mut drain_deadline: Option<tokio::time::Instant> = None;
    loop {
        let deadline_passed = async {
            match drain_deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => accept(&mut connections, stream, peer, drain_deadline.is_some()),
                Err(error) => {
                    // Typically out of file descriptors: back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = &mut shutdown, if drain_deadline.is_none() => {
                lifecycle.start_draining();
                tracing::info!(drain_delay = ?options.drain_delay, "shutdown requested: not ready, draining");
                drain_deadline = Some(tokio::time::Instant::now() + options.drain_delay);
            }
            () = deadline_passed => break,
        }
    }
    // Connections the kernel already completed are clients with requests on the way: serve
    // them (one request each) rather than reset them by closing the listener under them.
    // (A zero timeout still polls the accept once.)
    while let Ok(Ok((stream, peer))) = tokio::time::timeout(Duration::ZERO, listener.accept()).await {
        accept(&mut connections, stream, peer, true);
    }
    drop(listener);

    let drained = async {
        graceful.shutdown().await;
        while connections.join_next().await.is_some() {}
    };
    let in_time = tokio::time::timeout(options.shutdown_timeout, drained).await.is_ok();
    if in_time {
        tracing::info!("drained: all connections closed");
    } else {
        tracing::warn!(open = connections.len(), "shutdown timeout: cutting remaining connections");
    }
    connections.abort_all();
}

fn spawn_connection<E: std::fmt::Display>(
    connections: &mut JoinSet<()>,
    connection: impl Future<Output = Result<(), E>> + Send + 'static,
) {
    connections.spawn(async move {
        if let Err(error) = connection.await {
            tracing::debug!(%error, "connection ended with an error");
        }
    });
}
