//! Calls from the front end to services 2–4: pooled keep-alive HTTP/1.1 connections built once,
//! a deadline on every call, one retry on a transport error (every call on the internal contract
//! is a pure function of its request, so repeating it is safe), and errors that name the service.

use super::batch::{Batcher, Config as BatchConfig};
use super::live::record::Recorder;
use crate::contract::Instance;
use crate::server::identity::REQUEST_ID;
use crate::server::{Metrics, RequestId};
use crate::trace::{Kind, Span, TraceContext};
use bytes::Bytes;
use http::{Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use hyper_util::rt::{TokioExecutor, TokioTimer};
use prizegen_domain::fairness::Service;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::value::RawValue;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Why a call to a dependency failed.
#[derive(Clone, Debug, thiserror::Error)]
pub enum DependencyError {
    /// No answer before the deadline.
    #[error("{service} did not answer within {timeout:?}")]
    Timeout {
        /// Which service.
        service: Service,
        /// The deadline that passed.
        timeout: Duration,
    },
    /// Could not connect, or the connection broke.
    #[error("{service} is unreachable at {url}: {cause}")]
    Unreachable {
        /// Which service.
        service: Service,
        /// Its configured base URL.
        url: String,
        /// The transport error.
        cause: String,
    },
    /// It answered with a 5xx (it is draining, overloaded or failing).
    #[error("{service} answered {status}")]
    Failing {
        /// Which service.
        service: Service,
        /// Its status.
        status: StatusCode,
    },
    /// It answered something outside the contract: a 4xx, a body that does not parse, or the
    /// wrong service behind the URL. A bug or a misconfiguration, not an outage.
    #[error("{service} broke the internal contract: {detail}")]
    Contract {
        /// Which service.
        service: Service,
        /// What was wrong.
        detail: String,
    },
}

impl DependencyError {
    /// Which service failed.
    pub fn service(&self) -> Service {
        match self {
            Self::Timeout { service, .. }
            | Self::Unreachable { service, .. }
            | Self::Failing { service, .. }
            | Self::Contract { service, .. } => *service,
        }
    }

    /// The outcome's name in metrics: `timeout`, `unreachable`, `failing` or `contract`.
    pub fn outcome_label(&self) -> &'static str {
        match self {
            Self::Timeout { .. } => "timeout",
            Self::Unreachable { .. } => "unreachable",
            Self::Failing { .. } => "failing",
            Self::Contract { .. } => "contract",
        }
    }
}

/// A successful call: the answer and who served it (`<impl>@<instance>`).
pub struct Answer<T> {
    /// The parsed body.
    pub body: T,
    /// From `x-served-by`.
    pub served_by: Instance,
}

/// An answer as it came, before its status and body are judged: from a single call or from one
/// item of a batch (whose status and body are the single call's).
pub struct Raw {
    /// The call's status.
    pub status: StatusCode,
    /// Who answered (for a batch item: who answered the batch).
    pub served_by: Instance,
    /// The call's JSON body.
    pub body: Bytes,
}

/// One dependency: its base URL, a shared connection pool and, unless turned off, the batcher
/// that sends calls waiting at the same time together.
#[derive(Clone)]
pub struct ServiceClient {
    transport: Arc<Transport>,
    batcher: Option<Batcher>,
}

impl ServiceClient {
    /// A client for `service` at `base_url` (e.g. `http://127.0.0.1:8081`). With
    /// `batch.max_items` above 1 its calls are batched (this starts the batcher's task, so it is
    /// called inside the runtime).
    pub fn new(
        service: Service,
        base_url: &str,
        timeout: Duration,
        batch: BatchConfig,
        fault: Arc<super::faults::Switch>,
        metrics: Arc<Metrics>,
        recorder: Arc<Recorder>,
    ) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(timeout));
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        let transport = Arc::new(Transport {
            service,
            base: base_url.trim_end_matches('/').into(),
            client,
            timeout,
            fault,
            metrics,
            recorder,
        });
        let batcher = (batch.max_items > 1).then(|| Batcher::start(transport.clone(), batch));
        Self { transport, batcher }
    }

    /// Which service this calls.
    pub fn service(&self) -> Service {
        self.transport.service
    }

    /// POSTs `body` as JSON to `path` and parses the JSON answer, within the deadline (which
    /// counts the time the call waited for its batch).
    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        request_id: &RequestId,
    ) -> Result<Answer<T>, DependencyError> {
        let transport = &self.transport;
        let started = Instant::now();
        // The call's span, in the draw's trace; its context travels as the call's `traceparent`.
        let mut span = Span::start("frontend", || format!("POST {path}"), Kind::Client, request_id.trace());
        let outcome = match serde_json::value::to_raw_value(body) {
            Ok(json) => {
                tokio::time::timeout(transport.timeout, self.call(path, json, request_id, span.context()))
                    .await
                    .unwrap_or_else(|_| Err(transport.timed_out()))
                    .and_then(|raw| transport.interpret(raw))
            }
            Err(e) => Err(transport.contract(e.to_string())),
        };
        let (label, by) = match &outcome {
            Ok(answer) => ("ok", Some(&answer.served_by)),
            Err(e) => (e.outcome_label(), None),
        };
        transport.recorder.call(transport.service, label, by);
        if span.is_recording() {
            span.set("prizegen.dependency", transport.service.as_str());
            match &outcome {
                Ok(answer) => span.set("prizegen.served_by", answer.served_by.as_str()),
                Err(error) => span.fail(error.to_string()),
            }
        }
        span.end();
        transport.metrics.observe_dependency(
            transport.service.as_str(),
            label,
            started.elapsed().as_secs_f64(),
        );
        outcome
    }

    async fn call(
        &self,
        path: &str,
        json: Box<RawValue>,
        request_id: &RequestId,
        trace: Option<TraceContext>,
    ) -> Result<Raw, DependencyError> {
        match &self.batcher {
            Some(batcher) => batcher.call(path, json, request_id.as_str(), trace).await,
            None => self.transport.exchange(path, raw_bytes(json), request_id.as_str(), trace).await,
        }
    }

    /// GETs `/healthz` and returns who answered, for the games list.
    pub async fn served_by(&self, request_id: &RequestId) -> Result<Instance, DependencyError> {
        self.served_by_within(request_id, self.transport.timeout).await
    }

    /// Like [`Self::served_by`] with a shorter deadline, for readiness probes and pages that
    /// must answer quickly even when a service hangs.
    pub async fn served_by_within(
        &self,
        request_id: &RequestId,
        timeout: Duration,
    ) -> Result<Instance, DependencyError> {
        let transport = &self.transport;
        let request =
            transport.request(http::Method::GET, "/healthz", Bytes::new(), request_id.as_str(), None)?;
        let response = tokio::time::timeout(timeout, transport.client.request(request))
            .await
            .map_err(|_| DependencyError::Timeout { service: transport.service, timeout })?
            .map_err(|e| transport.unreachable(&e))?;
        transport.served_by_of(&response)
    }
}

/// A JSON body, as bytes to send.
pub fn raw_bytes(json: Box<RawValue>) -> Bytes {
    Bytes::from(String::from(Box::<str>::from(json)))
}

/// How one dependency is reached: the HTTP exchange itself, shared by single calls and batches.
pub struct Transport {
    service: Service,
    base: Arc<str>,
    client: Client<HttpConnector, Full<Bytes>>,
    /// The deadline of every call.
    timeout: Duration,
    /// The operator's fault switch for this service, sent with every call.
    fault: Arc<super::faults::Switch>,
    metrics: Arc<Metrics>,
    /// What `/live` counts.
    recorder: Arc<Recorder>,
}

impl Transport {
    /// Which service this reaches.
    pub fn service(&self) -> Service {
        self.service
    }

    /// The front end's metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// POSTs `json` to `path` and reads the whole answer (no deadline: callers set it), retrying
    /// once on a transport error.
    pub async fn exchange(
        &self,
        path: &str,
        json: Bytes,
        request_id: &str,
        trace: Option<TraceContext>,
    ) -> Result<Raw, DependencyError> {
        let mut attempt = 0;
        let traceparent = trace.map(|t| t.header());
        let response = loop {
            let request =
                self.request(http::Method::POST, path, json.clone(), request_id, traceparent.as_deref())?;
            match self.client.request(request).await {
                Ok(response) => break response,
                // A pooled connection the server had just closed, or a refused connect to one
                // replica behind a service address: try once more.
                Err(error) if attempt == 0 => {
                    tracing::debug!(service = %self.service, %error, "retrying after a transport error");
                    attempt += 1;
                }
                Err(error) => return Err(self.unreachable(&error)),
            }
        };
        let status = response.status();
        // A 5xx is an outage whoever sent it: the service, or a proxy in front of it (nginx's
        // 502 for a dead upstream carries no `x-served-by`).
        if status.is_server_error() {
            return Err(DependencyError::Failing { service: self.service, status });
        }
        let served_by = self.served_by_of(&response)?;
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| DependencyError::Unreachable {
                service: self.service,
                url: self.base.to_string(),
                cause: e.to_string(),
            })?
            .to_bytes();
        Ok(Raw { status, served_by, body })
    }

    /// [`Self::exchange`] within the call deadline, for a batch or a call its own task sends
    /// (a draw's own call has its deadline around its wait in the queue too).
    pub async fn exchange_within(
        &self,
        path: &str,
        json: Bytes,
        request_id: &str,
        trace: Option<TraceContext>,
    ) -> Result<Raw, DependencyError> {
        tokio::time::timeout(self.timeout, self.exchange(path, json, request_id, trace))
            .await
            .unwrap_or_else(|_| Err(self.timed_out()))
    }

    /// The error of a call that passed its deadline.
    fn timed_out(&self) -> DependencyError {
        DependencyError::Timeout { service: self.service, timeout: self.timeout }
    }

    /// Judges an answer by the contract: a 5xx is the service failing, another error status or
    /// an unreadable body is a broken contract.
    pub fn interpret<T: DeserializeOwned>(&self, raw: Raw) -> Result<Answer<T>, DependencyError> {
        let Raw { status, served_by, body } = raw;
        if status.is_server_error() {
            return Err(DependencyError::Failing { service: self.service, status });
        }
        if !status.is_success() {
            let text = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
            return Err(self.contract(format!("{status} {text}")));
        }
        let parsed =
            serde_json::from_slice(&body).map_err(|e| self.contract(format!("unreadable answer: {e}")))?;
        Ok(Answer { body: parsed, served_by })
    }

    fn request(
        &self,
        method: http::Method,
        path: &str,
        body: Bytes,
        request_id: &str,
        traceparent: Option<&str>,
    ) -> Result<Request<Full<Bytes>>, DependencyError> {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header(header::CONTENT_TYPE, "application/json")
            .header(&REQUEST_ID, request_id);
        if let Some(traceparent) = traceparent {
            request = request.header(crate::trace::TRACEPARENT, traceparent);
        }
        if let Some((name, value)) = self.fault.header() {
            request = request.header(name, value);
        }
        request.body(Full::new(body)).map_err(|e| self.contract(format!("bad URL {}{path}: {e}", self.base)))
    }

    fn served_by_of<B>(&self, response: &http::Response<B>) -> Result<Instance, DependencyError> {
        response
            .headers()
            .get(&crate::server::identity::SERVED_BY)
            .and_then(|value| Instance::from_header(value.to_str().ok()?, self.service.as_str()))
            .ok_or_else(|| {
                let got = response.headers().get(&crate::server::identity::SERVED_BY);
                self.contract(format!(
                    "x-served-by is {got:?}: is {} really the {} service?",
                    self.base, self.service
                ))
            })
    }

    fn unreachable(&self, error: &hyper_util::client::legacy::Error) -> DependencyError {
        // The legacy client wraps the useful cause; show the innermost.
        let mut cause: &dyn std::error::Error = error;
        while let Some(inner) = cause.source() {
            cause = inner;
        }
        DependencyError::Unreachable {
            service: self.service,
            url: self.base.to_string(),
            cause: cause.to_string(),
        }
    }

    /// An answer outside the contract.
    pub fn contract(&self, detail: String) -> DependencyError {
        DependencyError::Contract { service: self.service, detail }
    }
}

/// The three dependencies of the front end.
#[derive(Clone)]
pub struct Dependencies {
    /// Service 2.
    pub letters: ServiceClient,
    /// Service 3.
    pub numbers: ServiceClient,
    /// Service 4.
    pub rules: ServiceClient,
}

impl Dependencies {
    /// All three, in order.
    pub fn all(&self) -> [&ServiceClient; 3] {
        [&self.letters, &self.numbers, &self.rules]
    }
}
