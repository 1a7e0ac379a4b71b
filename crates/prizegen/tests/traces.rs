#![allow(clippy::unwrap_used)] // test code: a panic is the failure report
//! OpenTelemetry traces (issue 16), end to end: `prizegen up` (the real binary, configured only
//! by the standard `OTEL_*` variables) exports to a small OTLP/HTTP receiver started here, and
//! what it receives is decoded with opentelemetry-proto, the OpenTelemetry project's own
//! definitions — protobuf with prost, OTLP/JSON with its serde mapping.
//!
//! One draw is one trace whose root is the front end's span, with the spans of letters, numbers
//! and rules under the front end's calls, and its database span; every service's log line of
//! the draw carries the trace id. Draws made at once travel in batches: each item's span stays
//! in its own draw's trace, and the batch is a span of its own linked to the calls it carried.

use axum::body::Bytes;
use axum::http::HeaderMap;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value;
use prost::Message;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_prizegen");

/// A span as received, whatever the encoding.
#[derive(Clone, Debug)]
struct Received {
    service: String,
    trace: String,
    span: String,
    parent: String,
    name: String,
    kind: i32,
    attributes: HashMap<String, String>,
    links: Vec<(String, String)>,
}

/// What the receiver was sent: each request's content type and body.
type Inbox = Arc<Mutex<Vec<(String, Bytes)>>>;

/// An OTLP/HTTP receiver on a loopback port: `POST /v1/traces`, answered 200.
async fn receiver() -> (String, Inbox) {
    let inbox: Inbox = Arc::default();
    let kept = inbox.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let kept = kept.clone();
            async move {
                let content_type =
                    headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                kept.lock().unwrap().push((content_type.clone(), body));
                if content_type == "application/json" { "{}" } else { "" }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, inbox)
}

/// Every span received so far, decoded by its content type.
fn spans(inbox: &Inbox) -> Vec<Received> {
    let mut out = Vec::new();
    for (content_type, body) in inbox.lock().unwrap().iter() {
        let request = match content_type.as_str() {
            "application/x-protobuf" => ExportTraceServiceRequest::decode(body.as_ref()).unwrap(),
            "application/json" => serde_json::from_slice(body).unwrap_or_else(|e| {
                panic!(
                    "OTLP/JSON that opentelemetry-proto cannot read: {e}\n{}",
                    String::from_utf8_lossy(body)
                )
            }),
            other => panic!("an export with content type {other:?}"),
        };
        for resource_spans in request.resource_spans {
            let resource = resource_spans.resource.unwrap_or_default();
            let service = resource
                .attributes
                .iter()
                .find(|kv| kv.key == "service.name")
                .map(|kv| text(kv.value.as_ref()))
                .unwrap_or_default();
            for scope_spans in resource_spans.scope_spans {
                for span in scope_spans.spans {
                    out.push(Received {
                        service: service.clone(),
                        trace: hex::encode(&span.trace_id),
                        span: hex::encode(&span.span_id),
                        parent: hex::encode(&span.parent_span_id),
                        name: span.name.clone(),
                        kind: span.kind,
                        attributes: span
                            .attributes
                            .iter()
                            .map(|kv| (kv.key.clone(), text(kv.value.as_ref())))
                            .collect(),
                        links: span
                            .links
                            .iter()
                            .map(|l| (hex::encode(&l.trace_id), hex::encode(&l.span_id)))
                            .collect(),
                    });
                }
            }
        }
    }
    out
}

fn text(value: Option<&opentelemetry_proto::tonic::common::v1::AnyValue>) -> String {
    match value.and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::IntValue(n)) => n.to_string(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        other => format!("{other:?}"),
    }
}

/// `prizegen up` with `env`, killed when dropped; its URL and its log lines as they come.
struct Up {
    child: Child,
    url: String,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Drop for Up {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn up(dir: &std::path::Path, env: &[(&str, &str)]) -> Up {
    let mut command = Command::new(BINARY);
    command
        .args(["--log-format", "json", "up", "--listen", "127.0.0.1:0"])
        .current_dir(dir)
        .env("PRIZEGEN_LOG", "info,prizegen::server::middleware=debug,prizegen::server::batch=debug")
        .env_remove("PRIZEGEN_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("prizegen starts");
    let lines: Arc<Mutex<Vec<String>>> = Arc::default();
    let (url_tx, url_rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("prizegen is up: ") {
                let _ = url_tx.send(url.to_owned());
            }
        }
    });
    let stderr = child.stderr.take().unwrap();
    let kept = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            kept.lock().unwrap().push(line);
        }
    });
    let url = url_rx.recv_timeout(Duration::from_secs(30)).expect("prizegen up prints its URL");
    Up { child, url, lines }
}

/// Polls until `found` returns `Some` (a watchdog of 30 s, not a timing requirement).
async fn eventually<T>(what: &str, mut found: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = found() {
            return value;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn draw(http: &reqwest::Client, url: &str) -> String {
    let response = http
        .post(format!("{url}/api/v1/draws"))
        .json(&json!({"game": "account-prize"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.headers()["x-request-id"].to_str().unwrap().to_owned()
}

/// The spans of the draw with `request_id`: its trace, checked whole, and its root.
fn one_draw(all: &[Received], request_id: &str) -> Option<(Vec<Received>, Received)> {
    let root = all.iter().find(|s| {
        s.service == "prizegen-frontend"
            && s.name == "POST /api/v1/draws"
            && s.attributes.get("prizegen.request_id").map(String::as_str) == Some(request_id)
    })?;
    let trace: Vec<Received> = all.iter().filter(|s| s.trace == root.trace).cloned().collect();
    // Complete: letters, numbers, rules and the database have reported.
    let services = ["prizegen-letters", "prizegen-numbers", "prizegen-rules"];
    let complete = services.iter().all(|svc| trace.iter().any(|s| s.service == *svc))
        && trace.iter().any(|s| s.attributes.contains_key("db.system"));
    complete.then(|| (trace, root.clone()))
}

async fn a_draw_is_one_trace_over_four_services(protocol: &str) {
    let (endpoint, inbox) = receiver().await;
    let dir = tempfile::tempdir().unwrap();
    let up = up(
        dir.path(),
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ],
    );
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let request_id = draw(&http, &up.url).await;
    let (trace, root) =
        eventually("the draw's whole trace arrives", || one_draw(&spans(&inbox), &request_id)).await;

    assert!(root.parent.is_empty(), "the front end's span is the root: {root:?}");
    assert_eq!(root.kind, 2, "a server span");
    assert_eq!(root.attributes["http.response.status_code"], "201");
    let by_id: HashMap<&str, &Received> = trace.iter().map(|s| (s.span.as_str(), s)).collect();
    for span in &trace {
        if span.span != root.span {
            assert!(
                by_id.contains_key(span.parent.as_str()),
                "every span's parent is in the trace: {span:?}"
            );
        }
    }
    for service in ["prizegen-letters", "prizegen-numbers", "prizegen-rules"] {
        let served = trace.iter().find(|s| s.service == service).unwrap();
        assert_eq!(served.kind, 2, "{served:?}");
        let call = by_id[served.parent.as_str()];
        assert_eq!(
            (call.service.as_str(), call.kind),
            ("prizegen-frontend", 3),
            "a front-end client span: {call:?}"
        );
        assert_eq!(call.parent, root.span, "the call is the draw's: {call:?}");
        assert_eq!(call.attributes["prizegen.dependency"], service.trim_start_matches("prizegen-"));
    }
    let database = trace.iter().find(|s| s.attributes.contains_key("db.system")).unwrap();
    assert_eq!(
        (database.attributes["db.system"].as_str(), database.name.as_str()),
        ("sqlite", "INSERT draws")
    );
    assert_eq!(database.parent, root.span);

    // The trace id is on each service's log line of the draw.
    let lines = up.lines.lock().unwrap().clone();
    for service in ["frontend", "letters", "numbers", "rules"] {
        let logged = lines
            .iter()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .any(|log| log["span"]["service"] == service && log["span"]["trace_id"] == root.trace.as_str());
        assert!(logged, "{service} logged the draw with its trace id {}:\n{}", root.trace, lines.join("\n"));
    }
}

#[tokio::test]
async fn a_draw_is_one_trace_over_four_services_in_protobuf() {
    a_draw_is_one_trace_over_four_services("http/protobuf").await;
}

#[tokio::test]
async fn a_draw_is_one_trace_over_four_services_in_json() {
    a_draw_is_one_trace_over_four_services("http/json").await;
}

#[tokio::test]
async fn batched_calls_keep_their_draws_traces_and_the_batch_links_to_them() {
    let (endpoint, inbox) = receiver().await;
    let dir = tempfile::tempdir().unwrap();
    let env = [("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()), ("OTEL_BSP_SCHEDULE_DELAY", "100")];
    let up = up(dir.path(), &env);
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    // Draws at once until a batch has formed.
    let started = Instant::now();
    let batch = loop {
        let draws: Vec<_> = (0..48).map(|_| draw(&http, &up.url)).collect();
        futures_util::future::join_all(draws).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let all = spans(&inbox);
        if let Some(batch) = all.iter().find(|s| s.name.ends_with("/batch") && s.links.len() >= 2) {
            break batch.clone();
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no batch formed from 48 draws at once");
    };
    let all = spans(&inbox);
    assert_eq!((batch.service.as_str(), batch.kind), ("prizegen-frontend", 3), "{batch:?}");
    assert!(batch.parent.is_empty(), "a batch is no draw's child: {batch:?}");
    let by_id: HashMap<&str, &Received> = all.iter().map(|s| (s.span.as_str(), s)).collect();
    for (trace, span) in &batch.links {
        let call = by_id.get(span.as_str()).unwrap_or_else(|| panic!("the linked call {span} was exported"));
        assert_eq!(&call.trace, trace);
        assert_eq!(call.kind, 3, "a call: {call:?}");
        let root = by_id[call.parent.as_str()];
        assert_eq!(root.name, "POST /api/v1/draws", "the call belongs to a draw: {root:?}");
        // The service's span for this item is the call's child, in the draw's trace.
        let item = all
            .iter()
            .find(|s| s.parent == call.span)
            .unwrap_or_else(|| panic!("{call:?} has its item's span"));
        assert_eq!(item.trace, call.trace);
        assert_eq!(item.attributes["prizegen.batch_item"], "true");
        assert!(item.links.iter().any(|(t, _)| *t == batch.trace), "the item links to the batch: {item:?}");
    }
}
