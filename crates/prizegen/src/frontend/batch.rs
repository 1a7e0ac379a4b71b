//! Batching the calls to one service (issue 15, `docs/contract.md`).
//!
//! Under load many draws wait for the same service at the same time. Rather than one HTTP
//! exchange each, the calls go into this service's queue, and one task sends whatever is queued
//! as one `POST /v1/<service>/batch` — the way the SQLite writer commits in groups:
//!
//! - **No timer.** A call that finds a free slot (at most `in_flight` calls or batches per
//!   service) and nobody queued goes at once, alone, on its own task — exactly as before
//!   batching, so latency at low load does not grow. Otherwise it queues; the batcher's task
//!   waits for a free slot and sends everything queued by then (up to `max_items`) as one batch.
//!   So under load, calls queue while the previous ones are in flight and go together next.
//! - **A failed batch fails only its own calls**, with the error a single call would have had
//!   (timeout, unreachable, failing, contract); the next batch starts afresh.
//! - **An instance without the route** (from before it) answers 404: that batch's calls are sent
//!   one by one instead, and for [`ROUTE_RECHECK`] every call goes alone; then batches are tried
//!   again, so a rolling update that brings the route is noticed.
//!
//! The caller's deadline covers the wait in the queue: a call that gave up before its batch
//! left is not sent.

use super::clients::{DependencyError, Raw, Transport, raw_bytes};
use crate::contract::batch::{self, BatchAnswer, OutgoingBatch, OutgoingItem};
use crate::trace::{Kind, Span, TraceContext};
use bytes::Bytes;
use http::StatusCode;
use serde_json::value::RawValue;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, mpsc, oneshot};

/// How long calls go alone after a batch found no batch route.
pub const ROUTE_RECHECK: Duration = Duration::from_secs(10);

/// Calls that may wait in one service's queue before callers wait to enqueue.
const QUEUE: usize = 4096;

/// How calls to one service are batched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// The most calls in one batch; 1 turns batching off (every call goes alone).
    pub max_items: u16,
    /// The most batches in flight to the service at once.
    pub in_flight: u16,
}

impl Default for Config {
    fn default() -> Self {
        Self { max_items: 64, in_flight: 2 }
    }
}

impl Config {
    /// Every call alone, as front ends before batching did.
    pub const OFF: Self = Self { max_items: 1, in_flight: 1 };
}

/// One call waiting for its batch.
struct Call {
    path: Box<str>,
    request_id: Box<str>,
    /// The call's own span (its client span in the draw's trace), if traced.
    trace: Option<TraceContext>,
    body: Box<RawValue>,
    answer: oneshot::Sender<Result<Raw, DependencyError>>,
}

/// The queue of one service's calls; cloned into every [`super::clients::ServiceClient`].
#[derive(Clone)]
pub struct Batcher {
    queue: mpsc::Sender<Call>,
    shared: Arc<Shared>,
}

struct Shared {
    transport: Arc<Transport>,
    /// Calls and batches in flight.
    slots: Arc<Semaphore>,
    /// Calls queued and not yet sent (including those the batcher holds while it waits for a
    /// slot): a call goes alone only when this is 0.
    waiting: AtomicUsize,
    started: Instant,
    /// Milliseconds after `started` until which calls go alone (0: batches are sent).
    alone_until_ms: AtomicU64,
}

impl Batcher {
    /// Starts the task that sends `transport`'s batches; it ends when the last clone of the
    /// returned batcher is dropped.
    pub fn start(transport: Arc<Transport>, config: Config) -> Self {
        let (queue, calls) = mpsc::channel(QUEUE);
        let shared = Arc::new(Shared {
            transport,
            slots: Arc::new(Semaphore::new(usize::from(config.in_flight.max(1)))),
            waiting: AtomicUsize::new(0),
            started: Instant::now(),
            alone_until_ms: AtomicU64::new(0),
        });
        tokio::spawn(send_batches(shared.clone(), calls, config));
        Self { queue, shared }
    }

    /// Makes a call: alone at once if a slot is free and nobody waits, else in the next batch.
    pub async fn call(
        &self,
        path: &str,
        body: Box<RawValue>,
        request_id: &str,
        trace: Option<TraceContext>,
    ) -> Result<Raw, DependencyError> {
        let shared = &self.shared;
        if !shared.route_expected() {
            return shared.transport.exchange(path, raw_bytes(body), request_id, trace).await;
        }
        if shared.waiting.load(Ordering::Acquire) == 0
            && let Ok(slot) = shared.slots.clone().try_acquire_owned()
        {
            let answer = shared.transport.exchange(path, raw_bytes(body), request_id, trace).await;
            drop(slot);
            return answer;
        }
        self.submit(path, body, request_id, trace).await
    }

    /// Queues a call and waits for its answer.
    async fn submit(
        &self,
        path: &str,
        body: Box<RawValue>,
        request_id: &str,
        trace: Option<TraceContext>,
    ) -> Result<Raw, DependencyError> {
        let (answer, answered) = oneshot::channel();
        let call = Call { path: path.into(), request_id: request_id.into(), trace, body, answer };
        let stopped = || self.shared.transport.contract("the front end's batcher has stopped".to_owned());
        self.shared.waiting.fetch_add(1, Ordering::AcqRel);
        if self.queue.send(call).await.is_err() {
            self.shared.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(stopped());
        }
        answered.await.map_err(|_| stopped())?
    }
}

impl Shared {
    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX).max(1)
    }

    /// Whether calls should be batched now (false for a while after a batch found no route).
    fn route_expected(&self) -> bool {
        let until = self.alone_until_ms.load(Ordering::Relaxed);
        until == 0 || self.elapsed_ms() >= until
    }

    /// Sends one batch and answers each of its calls.
    async fn send(&self, calls: Vec<Call>) {
        if !self.route_expected() {
            // An earlier batch found no route while these waited.
            return self.send_alone(calls);
        }
        let transport = &self.transport;
        let service = transport.service();
        transport.metrics().observe_batch(service.as_str(), calls.len());
        let outgoing = OutgoingBatch {
            items: calls
                .iter()
                .map(|c| OutgoingItem {
                    path: &c.path,
                    request_id: &c.request_id,
                    traceparent: c.trace.map(|t| t.header()),
                    body: &c.body,
                })
                .collect(),
        };
        let json = match serde_json::to_vec(&outgoing) {
            Ok(json) => Bytes::from(json),
            Err(e) => return answer_all(calls, &transport.contract(e.to_string())),
        };
        drop(outgoing);
        // The batch request carries the first call's request id; each item carries its own.
        let path = batch::path(service.as_str());
        // The batch carries calls of several draws, so it belongs to none of their traces: it is
        // a trace of its own, linked to each call's span (each item carries its own
        // `traceparent`, the parent of the service's span for it).
        let mut span = Span::start("frontend", || format!("POST {path}"), Kind::Client, None);
        if span.is_recording() {
            span.set("prizegen.dependency", service.as_str());
            span.set("prizegen.batch.calls", i64::try_from(calls.len()).unwrap_or(i64::MAX));
            for call in &calls {
                if let Some(trace) = call.trace {
                    span.link(trace);
                }
            }
        }
        let exchanged = transport.exchange_within(&path, json, &calls[0].request_id, span.context()).await;
        let raw = match exchanged {
            Ok(raw) => {
                span.set("http.response.status_code", i64::from(raw.status.as_u16()));
                span.end();
                raw
            }
            Err(error) => {
                span.fail(error.to_string());
                span.end();
                return answer_all(calls, &error);
            }
        };
        match raw.status {
            StatusCode::OK => self.answer_items(calls, raw),
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => self.no_route(calls),
            status => {
                let text = String::from_utf8_lossy(&raw.body[..raw.body.len().min(300)]).into_owned();
                answer_all(calls, &transport.contract(format!("the batch was answered {status} {text}")));
            }
        }
    }

    fn answer_items(&self, calls: Vec<Call>, raw: Raw) {
        let answer: BatchAnswer = match serde_json::from_slice(&raw.body) {
            Ok(answer) => answer,
            Err(e) => {
                return answer_all(calls, &self.transport.contract(format!("unreadable batch answer: {e}")));
            }
        };
        if answer.items.len() != calls.len() {
            let detail = format!("{} answers to a batch of {} calls", answer.items.len(), calls.len());
            return answer_all(calls, &self.transport.contract(detail));
        }
        for (call, item) in calls.into_iter().zip(answer.items) {
            let status = StatusCode::from_u16(item.status).unwrap_or(StatusCode::BAD_GATEWAY);
            let body = raw_bytes(item.body);
            let _ = call.answer.send(Ok(Raw { status, served_by: raw.served_by.clone(), body }));
        }
    }

    /// The instance has no batch route: these calls go one by one, and so do the next ones for a
    /// while.
    fn no_route(&self, calls: Vec<Call>) {
        let until = self.elapsed_ms() + u64::try_from(ROUTE_RECHECK.as_millis()).unwrap_or(u64::MAX);
        if self.alone_until_ms.swap(until, Ordering::Relaxed) == 0 {
            tracing::info!(
                service = %self.transport.service(),
                "the service has no batch route (an instance from before it): calls go one by one"
            );
        }
        self.send_alone(calls);
    }

    /// Sends each call alone, at once.
    fn send_alone(&self, calls: Vec<Call>) {
        for call in calls {
            let transport = self.transport.clone();
            tokio::spawn(async move {
                let Call { path, request_id, trace, body, answer } = call;
                let _ =
                    answer.send(transport.exchange_within(&path, raw_bytes(body), &request_id, trace).await);
            });
        }
    }
}

fn answer_all(calls: Vec<Call>, error: &DependencyError) {
    for call in calls {
        let _ = call.answer.send(Err(error.clone()));
    }
}

/// The batcher's task: the first queued call, a free slot, then whatever else is queued.
async fn send_batches(shared: Arc<Shared>, mut queue: mpsc::Receiver<Call>, config: Config) {
    let max_items = usize::from(config.max_items.max(1));
    loop {
        let Some(first) = queue.recv().await else { return };
        let Ok(slot) = shared.slots.clone().acquire_owned().await else { return };
        let mut calls = Vec::with_capacity(max_items.min(16));
        calls.push(first);
        while calls.len() < max_items {
            match queue.try_recv() {
                Ok(call) => calls.push(call),
                Err(_) => break,
            }
        }
        shared.waiting.fetch_sub(calls.len(), Ordering::AcqRel);
        // A caller whose deadline passed while it waited has gone: its call is not sent.
        calls.retain(|call| !call.answer.is_closed());
        if calls.is_empty() {
            continue;
        }
        let shared = shared.clone();
        tokio::spawn(async move {
            shared.send(calls).await;
            drop(slot);
        });
    }
}
