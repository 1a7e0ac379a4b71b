//! `prizegen load`: a load generator for prizegen.
//!
//! Closed loop by default: `concurrency` workers each send a request, wait for the answer, and
//! send the next. With `--rate` it is open loop: requests are scheduled at a fixed rate whatever
//! the answers, and each latency is measured from when the request *should* have been sent, so a
//! slow server cannot hide its queueing (no coordinated omission).

mod report;

pub use report::{Recorder, Report, Setup};

use crate::tls::{self, TlsError, TlsOptions};
use bytes::Bytes;
use http::{Method, Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use hyper_util::rt::{TokioExecutor, TokioTimer};
use prizegen_domain::games::Game;
use serde_json::json;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What to run.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// The front end, e.g. `http://127.0.0.1:8080`.
    pub target: String,
    /// The game to draw; prize-pool generates and then claims.
    pub game: Game,
    /// Requests in flight at most.
    pub concurrency: usize,
    /// Stop after this long…
    pub duration: Option<Duration>,
    /// …or after this many requests (whichever comes first).
    pub requests: Option<u64>,
    /// Open loop at this many requests per second.
    pub rate: Option<f64>,
    /// A request that takes longer counts as failed (`timeout`).
    pub timeout: Duration,
    /// Draw a progress line on standard error.
    pub progress: bool,
    /// Whom an `https://` target's certificate must be signed by.
    pub tls: TlsOptions,
    /// Whose draws these are.
    pub player: PlayerMode,
}

/// Whose draws a run makes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum PlayerMode {
    /// Nobody's: anonymous draws.
    #[default]
    Anonymous,
    /// The player of this session token (`Authorization: Bearer`).
    Token(String),
    /// A player registered for the run (`load-<run id>`, a random password), signed in once.
    Register,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The TLS setup is impossible (a bad `--ca-cert`).
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// Registering or signing in the run's player failed.
    #[error("signing in the run's player: {0}")]
    Player(String),
}

struct Shared {
    options: LoadOptions,
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    recorder: Mutex<Recorder>,
    /// Requests still to start (`i64::MAX` when only the duration limits).
    remaining: AtomicI64,
    /// Requests finished, for the progress line.
    done: AtomicU64,
    failed: AtomicU64,
    deadline: Option<Instant>,
    /// Distinguishes this run's character names from earlier runs'.
    run_id: String,
    /// `Bearer <token>`, when the draws are a player's.
    authorization: Option<http::HeaderValue>,
}

impl Shared {
    /// Takes the next request, if the run is not over.
    fn take(&self) -> Option<u64> {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return None;
        }
        let left = self.remaining.fetch_sub(1, Ordering::Relaxed);
        (left > 0).then(|| self.options.requests.map_or(0, |n| n.saturating_sub(left as u64)))
    }

    fn record(&self, outcome: Result<(), String>, latency: Duration) {
        let mut recorder = self.recorder.lock().unwrap_or_else(|p| p.into_inner());
        match outcome {
            Ok(()) => recorder.ok(latency),
            Err(cause) => {
                recorder.failed(cause, latency);
                self.failed.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}

/// Runs the load and returns its report; `Err` only when it cannot start (a bad `--ca-cert`, a
/// player that cannot sign in).
pub async fn run(options: LoadOptions) -> Result<Report, LoadError> {
    let connector = tls::connector(&options.tls, None)?;
    let client = Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .pool_max_idle_per_host(options.concurrency)
        .build(connector);
    let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let token = match &options.player {
        PlayerMode::Anonymous => None,
        PlayerMode::Token(token) => Some(token.clone()),
        PlayerMode::Register => Some(register(&client, &options.target, &run_id).await?),
    };
    let authorization = token
        .map(|t| http::HeaderValue::try_from(format!("Bearer {t}")))
        .transpose()
        .map_err(|_| LoadError::Player("the token is not a header value".into()))?;
    let started = Instant::now();
    let duration = match (options.duration, options.requests) {
        (None, None) => Some(Duration::from_secs(10)),
        (duration, _) => duration,
    };
    let shared = Arc::new(Shared {
        remaining: AtomicI64::new(options.requests.map_or(i64::MAX, |n| n.min(i64::MAX as u64) as i64)),
        deadline: duration.map(|d| started + d),
        client,
        recorder: Mutex::new(Recorder::default()),
        done: AtomicU64::new(0),
        failed: AtomicU64::new(0),
        run_id,
        authorization,
        options: options.clone(),
    });
    let progress = options.progress.then(|| tokio::spawn(progress(shared.clone(), started, duration)));
    match options.rate {
        None => closed_loop(&shared).await,
        Some(rate) => open_loop(&shared, rate).await,
    }
    let elapsed = started.elapsed();
    if let Some(progress) = progress {
        progress.abort();
        if std::io::stderr().is_terminal() {
            eprint!("\r{:80}\r", "");
        }
    }
    let setup = Setup {
        target: options.target,
        game: options.game.slug().to_owned(),
        concurrency: options.concurrency,
        rate_per_s: options.rate,
    };
    let recorder = shared.recorder.lock().unwrap_or_else(|p| p.into_inner());
    Ok(recorder.report(setup, elapsed))
}

async fn closed_loop(shared: &Arc<Shared>) {
    let workers = (0..shared.options.concurrency.max(1)).map(|_| {
        let shared = shared.clone();
        tokio::spawn(async move {
            while let Some(n) = shared.take() {
                let sent = Instant::now();
                let outcome = one(&shared, n).await;
                shared.record(outcome, sent.elapsed());
            }
        })
    });
    for worker in workers.collect::<Vec<_>>() {
        let _ = worker.await;
    }
}

async fn open_loop(shared: &Arc<Shared>, rate: f64) {
    let interval = Duration::from_secs_f64(1.0 / rate.max(0.001));
    let slots = Arc::new(tokio::sync::Semaphore::new(shared.options.concurrency.max(1)));
    let start = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0u64.. {
        let scheduled = start + interval.mul_f64(i as f64);
        tokio::time::sleep_until(scheduled).await;
        let Some(n) = shared.take() else { break };
        // Waiting for a free slot is part of the latency: it is measured from `scheduled`.
        let Ok(slot) = slots.clone().acquire_owned().await else { break };
        let shared = shared.clone();
        tasks.spawn(async move {
            let outcome = one(&shared, n).await;
            shared.record(outcome, scheduled.elapsed());
            drop(slot);
        });
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
}

/// One operation of the game: a draw, or prize-pool's generate and claim.
async fn one(shared: &Shared, n: u64) -> Result<(), String> {
    let options = &shared.options;
    let work = async {
        match options.game {
            Game::PrizePool => {
                let body =
                    exchange(shared, "/api/v1/prize-pool/sequences", json!({}), StatusCode::CREATED).await?;
                let sequence = serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v["sequence"].as_str().map(str::to_owned))
                    .ok_or_else(|| "no sequence in the answer".to_owned())?;
                let path = format!("/api/v1/prize-pool/sequences/{sequence}/claim");
                exchange(shared, &path, json!(null), StatusCode::OK).await.map(|_| ())
            }
            Game::Character => {
                let name = format!("L{} {n}", shared.run_id);
                let ranks = json!({"strength": 1, "dexterity": 2, "constitution": 3, "intelligence": 4, "wisdom": 5, "charisma": 6});
                let input = json!({"name": name, "race": "Human", "class": "Fighter", "ranks": ranks});
                let body = json!({"game": "character", "input": input});
                exchange(shared, "/api/v1/draws", body, StatusCode::CREATED).await.map(|_| ())
            }
            game => exchange(shared, "/api/v1/draws", json!({"game": game.slug()}), StatusCode::CREATED)
                .await
                .map(|_| ()),
        }
    };
    tokio::time::timeout(options.timeout, work).await.unwrap_or_else(|_| Err("timeout".to_owned()))
}

async fn exchange(
    shared: &Shared,
    path: &str,
    body: serde_json::Value,
    expect: StatusCode,
) -> Result<Bytes, String> {
    post(&shared.client, &shared.options.target, path, body, shared.authorization.as_ref(), expect).await
}

/// One POST of a JSON body (none for `null`): the answer's body if its status is `expect`.
async fn post(
    client: &Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    target: &str,
    path: &str,
    body: serde_json::Value,
    authorization: Option<&http::HeaderValue>,
    expect: StatusCode,
) -> Result<Bytes, String> {
    let bytes = if body.is_null() { Bytes::new() } else { Bytes::from(body.to_string()) };
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(format!("{}{path}", target.trim_end_matches('/')))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(value) = authorization {
        request = request.header(header::AUTHORIZATION, value);
    }
    let request = request.body(Full::new(bytes)).map_err(|e| format!("bad request: {e}"))?;
    let response = client
        .request(request)
        .await
        .map_err(|e| if e.is_connect() { "connect".to_owned() } else { "connection".to_owned() })?;
    let status = response.status();
    let body = response.into_body().collect().await.map_err(|_| "connection".to_owned())?.to_bytes();
    if status == expect { Ok(body) } else { Err(format!("status {}", status.as_u16())) }
}

/// Registers the run's player and signs it in; its session token.
async fn register(
    client: &Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    target: &str,
    run_id: &str,
) -> Result<String, LoadError> {
    let password = format!("{}-{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let credentials = json!({"name": format!("load-{run_id}"), "password": password});
    let failed = |step: &str, e: String| LoadError::Player(format!("{step}: {e}"));
    post(client, target, "/api/v1/players", credentials.clone(), None, StatusCode::CREATED)
        .await
        .map_err(|e| failed("registering", e))?;
    let session = post(client, target, "/api/v1/sessions", credentials, None, StatusCode::CREATED)
        .await
        .map_err(|e| failed("signing in", e))?;
    serde_json::from_slice::<serde_json::Value>(&session)
        .ok()
        .and_then(|v| v["token"].as_str().map(str::to_owned))
        .ok_or_else(|| LoadError::Player("no token in the answer".into()))
}

/// A progress line on standard error, four times a second.
async fn progress(shared: Arc<Shared>, started: Instant, duration: Option<Duration>) {
    if !std::io::stderr().is_terminal() {
        return;
    }
    let total = shared.options.requests;
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let done = shared.done.load(Ordering::Relaxed);
        let elapsed = started.elapsed();
        let fraction = match (total, duration) {
            (Some(total), _) if total > 0 => done as f64 / total as f64,
            (_, Some(d)) => elapsed.as_secs_f64() / d.as_secs_f64(),
            _ => 0.0,
        }
        .min(1.0);
        let filled = (fraction * 30.0) as usize;
        let rate = done as f64 / elapsed.as_secs_f64().max(0.001);
        eprint!(
            "\r[{}{}] {done} done  {rate:.0} req/s  {} failed ",
            "=".repeat(filled),
            " ".repeat(30 - filled),
            shared.failed.load(Ordering::Relaxed)
        );
        let _ = std::io::stderr().flush();
    }
}
