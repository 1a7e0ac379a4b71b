//! The exporter: spans are queued as they end (a bounded queue; a full queue drops the span and
//! counts it) and one task sends them in batches — when a batch is full, when the oldest queued
//! span has waited `OTEL_BSP_SCHEDULE_DELAY`, and at shutdown ([`shutdown`]). A failed export is
//! logged and its spans dropped: tracing never holds up or fails a draw.

use super::config::{Config, Protocol, Sampler};
use super::{SpanData, TRACER};
use bytes::Bytes;
use http::{Request, header};
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

enum Message {
    Span(Box<SpanData>),
    Flush(oneshot::Sender<()>),
}

/// The process's tracer: how traces are sampled, and the exporter's queue.
pub struct Tracer {
    /// Which traces are recorded.
    pub sampler: Sampler,
    queue: mpsc::Sender<Message>,
    dropped: AtomicU64,
}

impl Tracer {
    /// Queues an ended span; drops it if the queue is full.
    pub(super) fn queue(&self, span: SpanData) {
        if self.queue.try_send(Message::Span(Box::new(span))).is_err() {
            let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            if dropped.is_power_of_two() {
                tracing::warn!(dropped, "the span queue is full: spans are dropped");
            }
        }
    }
}

/// Reads the `OTEL_*` variables and, when they name an endpoint, starts the exporter (in the
/// runtime). An error is a setting that cannot be honoured, to stop the start with.
pub fn init_from_env() -> anyhow::Result<()> {
    let config = super::config::from(|name| std::env::var(name).ok()).map_err(anyhow::Error::msg)?;
    if let Some(config) = config {
        start(config)?;
    }
    Ok(())
}

/// Starts the exporter with `config` (once per process; later calls change nothing).
pub fn start(config: Config) -> anyhow::Result<()> {
    let tls = crate::tls::TlsOptions { ca_cert: config.certificate.clone(), insecure: false };
    let connector = crate::tls::connector(&tls, Some(config.timeout))?;
    let client = Client::builder(TokioExecutor::new()).build(connector);
    let (queue, received) = mpsc::channel(config.queue);
    let tracer = Tracer { sampler: config.sampler.clone(), queue, dropped: AtomicU64::new(0) };
    if TRACER.set(tracer).is_ok() {
        tracing::info!(endpoint = %config.endpoint, protocol = ?config.protocol, "exporting traces");
        tokio::spawn(run(config, client, received));
    }
    Ok(())
}

/// Sends what is queued and waits for it (at most `within`), for a clean stop.
pub async fn shutdown(within: Duration) {
    let Some(tracer) = TRACER.get() else { return };
    let (done, sent) = oneshot::channel();
    if tracer.queue.send(Message::Flush(done)).await.is_ok() {
        let _ = tokio::time::timeout(within, sent).await;
    }
}

async fn run(
    config: Config,
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    mut received: mpsc::Receiver<Message>,
) {
    let mut batch: Vec<SpanData> = Vec::with_capacity(config.batch);
    loop {
        // Wait for a first span, then at most the delay for the batch to fill.
        let first = received.recv().await;
        let mut flushed = Vec::new();
        match first {
            None => return,
            Some(message) => take(message, &mut batch, &mut flushed),
        }
        let deadline = tokio::time::Instant::now() + config.delay;
        while batch.len() < config.batch && flushed.is_empty() {
            match tokio::time::timeout_at(deadline, received.recv()).await {
                Ok(Some(message)) => take(message, &mut batch, &mut flushed),
                Ok(None) | Err(_) => break,
            }
        }
        if !flushed.is_empty() {
            // Everything queued before the flush.
            while let Ok(message) = received.try_recv() {
                take(message, &mut batch, &mut flushed);
            }
        }
        for chunk in batch.chunks(config.batch) {
            send(&config, &client, chunk).await;
        }
        batch.clear();
        for done in flushed {
            let _ = done.send(());
        }
    }
}

fn take(message: Message, batch: &mut Vec<SpanData>, flushed: &mut Vec<oneshot::Sender<()>>) {
    match message {
        Message::Span(span) => batch.push(*span),
        Message::Flush(done) => flushed.push(done),
    }
}

async fn send(
    config: &Config,
    client: &Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    spans: &[SpanData],
) {
    let resources =
        super::otlp::Resources { service_name: config.service_name.as_deref(), attributes: &config.resource };
    let (body, content_type) = match config.protocol {
        Protocol::Protobuf => (super::otlp::protobuf(spans, &resources), "application/x-protobuf"),
        Protocol::Json => (super::otlp::json(spans, &resources), "application/json"),
    };
    let mut request = Request::post(&config.endpoint).header(header::CONTENT_TYPE, content_type);
    for (name, value) in &config.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let request = match request.body(Full::new(Bytes::from(body))) {
        Ok(request) => request,
        Err(error) => return tracing::warn!(%error, "cannot build the OTLP request"),
    };
    match tokio::time::timeout(config.timeout, client.request(request)).await {
        Ok(Ok(response)) if response.status().is_success() => {}
        Ok(Ok(response)) => {
            tracing::warn!(status = %response.status(), spans = spans.len(), "the OTLP endpoint refused spans")
        }
        Ok(Err(error)) => tracing::warn!(%error, spans = spans.len(), "cannot reach the OTLP endpoint"),
        Err(_) => {
            tracing::warn!(timeout = ?config.timeout, spans = spans.len(), "the OTLP endpoint did not answer")
        }
    }
}
