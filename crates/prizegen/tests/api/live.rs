//! `/live` (issue 16): the page, its event stream of snapshots, and what the snapshots say while
//! an implementation is replaced, while a fault is switched on, for a viewer that stops reading
//! and while the front end drains.

use crate::support::{ADMIN_TOKEN, Options, TestApp};
use prizegen_domain::fairness::Service;
use prizegen_domain::games::Impl;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

/// Snapshots read from `/live/events`.
struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    async fn open(app: &TestApp) -> Self {
        let response = app.http.get(format!("{}/live/events", app.url)).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        assert_eq!(response.headers()["x-accel-buffering"], "no", "nginx must not buffer the stream");
        Self { response, buffer: String::new() }
    }

    /// The next event's snapshot; `None` when the stream ended cleanly (an error fails).
    async fn next(&mut self) -> Option<Value> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let event: String = self.buffer.drain(..end + 2).collect();
                let event = event.trim_end_matches('\n');
                let mut lines = event.lines();
                assert_eq!(lines.next(), Some("retry: 2000"), "{event}");
                assert_eq!(lines.next(), Some("event: snapshot"), "{event}");
                let data = lines.next().and_then(|l| l.strip_prefix("data: ")).unwrap();
                assert_eq!(lines.next(), None, "one data line: {event}");
                return Some(serde_json::from_str(data).unwrap());
            }
            let chunk = self.response.chunk().await.expect("the stream ends cleanly, never cut");
            self.buffer.push_str(std::str::from_utf8(&chunk?).unwrap());
        }
    }

    /// Snapshots until one satisfies `wanted`; panics with the last one after `within` (a
    /// watchdog, generous for a loaded machine, not a timing requirement).
    async fn until(&mut self, what: &str, within: Duration, wanted: impl Fn(&Value) -> bool) -> Value {
        let started = Instant::now();
        let mut last = Value::Null;
        while started.elapsed() < within {
            let snapshot = tokio::time::timeout(within, self.next()).await.ok().flatten();
            let Some(snapshot) = snapshot else { break };
            if wanted(&snapshot) {
                return snapshot;
            }
            last = snapshot;
        }
        panic!("no snapshot showed {what}; the last: {last:#}");
    }
}

fn service<'a>(snapshot: &'a Value, name: &str) -> &'a Value {
    snapshot["services"].as_array().unwrap().iter().find(|s| s["service"] == name).unwrap()
}

/// `(implementation, share)` of each instance that served `name` in the window.
fn shares(snapshot: &Value, name: &str) -> Vec<(String, f64)> {
    let instances = service(snapshot, name)["instances"].as_array().unwrap();
    instances
        .iter()
        .map(|i| (i["implementation"].as_str().unwrap().to_owned(), i["share"].as_f64().unwrap()))
        .collect()
}

fn fast() -> Options {
    Options { live_interval: Duration::from_millis(100), ..Options::default() }
}

/// Draws until the returned sender is dropped or sent to; each answer's status is counted.
fn keep_drawing(app: &TestApp) -> tokio::sync::oneshot::Sender<()> {
    let (stop, mut stopped) = tokio::sync::oneshot::channel();
    let (http, url) = (app.http.clone(), format!("{}/api/v1/draws", app.url));
    tokio::spawn(async move {
        while stopped.try_recv() == Err(tokio::sync::oneshot::error::TryRecvError::Empty) {
            let _ = http.post(&url).json(&json!({"game": "account-prize"})).send().await;
        }
    });
    stop
}

const PATIENCE: Duration = Duration::from_secs(30);

#[tokio::test]
async fn the_page_is_linked_from_every_page_and_runs_only_its_own_script() {
    let Some(app) = TestApp::spawn_with(fast()).await else { return };
    for path in ["/", "/fairness", "/live"] {
        let html = app.get(path).await.text().await.unwrap();
        assert!(html.contains(r#"<a href="/live">Live</a>"#), "{path} links /live");
    }
    let response = app.get("/live").await;
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"), "{csp}");
    let html = response.text().await.unwrap();
    for id in ["live-letters", "live-numbers", "live-rules", "live-database", "live-rate", "live-p99"] {
        assert!(html.contains(&format!(r#"id="{id}""#)), "{id} is on the page");
    }
    let script = html.split(r#"<script type="module" src=""#).nth(1).unwrap().split('"').next().unwrap();
    assert!(script.starts_with("/static/live.") && script.ends_with(".js"), "{script}");
    let module = app.get(script).await;
    assert_eq!(module.status(), 200);
    assert!(module.text().await.unwrap().contains("new EventSource(\"/live/events\")"));
}

#[tokio::test]
async fn the_stream_shows_who_serves_and_follows_a_replacement_of_v1_by_v2() {
    let Some(mut app) = TestApp::spawn_with(fast()).await else { return };
    let mut events = Events::open(&app).await;
    let first = events.next().await.unwrap();
    assert_eq!(
        first["frontend"]["served_by"].as_str().unwrap().split('@').next(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(first["database"]["state"], "up", "{first:#}");

    let drawing = keep_drawing(&app);
    let v1 = events
        .until("letters served by v1 alone", PATIENCE, |s| {
            shares(s, "letters") == [("v1".into(), 1.0)]
                && s["frontend"]["draws_per_second"].as_f64() > Some(0.0)
        })
        .await;
    assert!(v1["frontend"]["p50_ms"].as_f64().unwrap() > 0.0, "{v1:#}");
    assert!(v1["frontend"]["p99_ms"].as_f64() >= v1["frontend"]["p50_ms"].as_f64(), "{v1:#}");
    for name in ["letters", "numbers", "rules"] {
        assert_eq!(service(&v1, name)["state"], "up", "{v1:#}");
        assert_eq!(service(&v1, name)["text"]["fault"], "off", "{v1:#}");
    }
    assert_eq!(v1["viewers"], 1);

    // Letters v1 goes, v2 takes its place on its address.
    app.kill(Service::Letters).await;
    app.restart(Service::Letters, Impl::V2).await;
    events
        .until("letters served by v2 alone", PATIENCE, |s| shares(s, "letters") == [("v2".into(), 1.0)])
        .await;
    drop(drawing);

    // /metrics counts the same calls, by who served them.
    let metrics = app.get("/metrics").await.text().await.unwrap();
    let served = |imp: &str| {
        metrics
            .lines()
            .filter(|l| l.starts_with(r#"prizegen_dependency_served_total{dependency="letters",served_by=""#))
            .filter(|l| l.contains(&format!("served_by=\"{imp}@")))
            .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
            .sum::<u64>()
    };
    assert!(served("v1") > 0 && served("v2") > 0, "{metrics}");
    assert!(metrics.contains(r#"prizegen_dependency_up{dependency="letters"} 1"#), "{metrics}");
    assert!(metrics.contains("prizegen_live_viewers 1"), "{metrics}");
}

#[tokio::test]
async fn a_fault_turns_the_dependency_down_on_the_page_and_switching_it_off_brings_it_back() {
    let options = Options { call_timeout: Duration::from_millis(300), ..fast() };
    let Some(app) = TestApp::spawn_with(options).await else { return };
    let mut events = Events::open(&app).await;
    let switch = |fault: Value| {
        let url = format!("{}/api/v1/faults/numbers", app.url);
        app.http.put(url).bearer_auth(ADMIN_TOKEN).json(&fault).send()
    };
    assert_eq!(switch(json!({"latency_ms": 1000})).await.unwrap().status(), 200);
    let drawing = keep_drawing(&app);
    let down = events.until("numbers down", PATIENCE, |s| service(s, "numbers")["state"] == "down").await;
    let numbers = service(&down, "numbers");
    assert_eq!(numbers["text"]["fault"], "+1000 ms", "{numbers:#}");
    assert!(numbers["detail"].as_str().unwrap().contains("timed out"), "{numbers:#}");
    assert_eq!(numbers["text"]["errors"], "100 %", "{numbers:#}");
    assert!(down["frontend"]["error_rate"].as_f64() > Some(0.0), "the failed draws count: {down:#}");
    assert_eq!(service(&down, "letters")["state"], "up", "only numbers: {down:#}");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains(r#"prizegen_dependency_up{dependency="numbers"} 0"#), "{metrics}");

    assert_eq!(switch(json!({})).await.unwrap().status(), 200);
    let up = events
        .until("numbers up again", PATIENCE, |s| {
            service(s, "numbers")["state"] == "up" && service(s, "numbers")["text"]["fault"] == "off"
        })
        .await;
    assert_eq!(shares(&up, "numbers").len(), 1, "{up:#}");
    drop(drawing);
}

#[tokio::test]
async fn a_viewer_that_stops_reading_is_dropped_and_the_others_are_served() {
    // Frames every 5 ms fill a stalled viewer's socket buffers within a second or two.
    let options = Options { live_interval: Duration::from_millis(5), ..Options::default() };
    let Some(app) = TestApp::spawn_with(options).await else { return };
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let address = app.url.strip_prefix("http://").unwrap().parse().unwrap();
    let mut stalled = socket.connect(address).await.unwrap();
    stalled.write_all(b"GET /live/events HTTP/1.1\r\nhost: test\r\n\r\n").await.unwrap();

    let dropped = |metrics: &str| {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix("prizegen_live_viewers_dropped_total "))
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap()
    };
    let started = Instant::now();
    let mut metrics = app.get("/metrics").await.text().await.unwrap();
    while dropped(&metrics) == 0 {
        assert!(started.elapsed() < PATIENCE, "the stalled viewer was never dropped:\n{metrics}");
        tokio::time::sleep(Duration::from_millis(100)).await;
        metrics = app.get("/metrics").await.text().await.unwrap();
    }
    assert_eq!(dropped(&metrics), 1, "only the stalled viewer");
    assert!(metrics.contains("prizegen_live_viewers 0"), "{metrics}");
    // A viewer that reads is served as ever.
    let mut events = Events::open(&app).await;
    for _ in 0..20 {
        assert!(events.next().await.is_some());
    }
    drop(stalled);
}

#[tokio::test]
async fn draining_ends_every_stream_so_the_drain_does_not_wait_for_viewers() {
    let Some(mut app) = TestApp::spawn_with(fast()).await else { return };
    let mut events = Events::open(&app).await;
    assert!(events.next().await.is_some());
    // The test app cuts connections still open 5 s into a drain: a stream that did not end
    // would be cut, and `next` fails on a cut stream.
    tokio::join!(app.stop_frontend(), async { while events.next().await.is_some() {} });
}
