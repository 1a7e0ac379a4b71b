//! `/live`: what this front end sees now, pushed to every open page once a second.
//!
//! The draw path only bumps counters ([`record`]); a ticker task reads them once per interval,
//! keeps the last few intervals, probes the dependencies and the database, builds one
//! [`Snapshot`], serializes it once and hands the same bytes to every viewer. Each viewer has a
//! queue of [`QUEUE`] frames: a viewer whose queue is full when the next frame is ready has not
//! read the last ones, and is dropped (its stream ends; the browser reconnects by itself when it
//! can keep up again), so a slow or stalled viewer costs at most its queue. At most
//! [`MAX_VIEWERS`] streams are open at once; when the front end drains, every stream ends so the
//! drain does not wait for them (the pages reconnect, through the balancer, to another replica).
//!
//! Each front-end replica sees only the draws it served itself and the instances it called; the
//! page says so.

pub mod record;

use super::clients::{Dependencies, DependencyError};
use super::faults::FaultSwitches;
use crate::contract::Instance;
use crate::contract::faults::Fault;
use crate::server::{Lifecycle, RequestId};
use crate::store::Store;
use bytes::Bytes;
use prizegen_domain::fairness::Service;
use record::{CallCounts, DrawBucket, OUTCOMES, Recorder, UpLabels};
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Frames a viewer may have unread before it is dropped.
pub const QUEUE: usize = 4;

/// The most event streams open at once; more are refused with a 503.
pub const MAX_VIEWERS: usize = 4096;

/// Intervals the shares, rates, latencies and states are computed over, at least: more when
/// that is not twice a call's deadline, so a call that timed out is always seen.
const WINDOW: usize = 5;

/// How long the ticker waits for the dependencies' `/healthz` and the database's ping.
const PROBE_TIMEOUT: Duration = Duration::from_millis(400);

/// How often the campaign gauges are read again.
const CAMPAIGNS_EVERY: Duration = Duration::from_secs(5);

/// The live view of one front end.
pub struct Live {
    recorder: Arc<Recorder>,
    frontend: Instance,
    deps: Dependencies,
    store: Store,
    faults: Arc<FaultSwitches>,
    lifecycle: Arc<Lifecycle>,
    interval: Duration,
    /// Intervals in the window.
    window: usize,
    viewers: Mutex<Vec<mpsc::Sender<Bytes>>>,
    /// The last snapshot and its frame, sent first to a new viewer.
    latest: RwLock<(Bytes, Option<Arc<Snapshot>>)>,
}

/// What the page shows, as the event stream sends it (JSON): raw figures for programs and the
/// same figures as text for the page (the script only places text, so it formats nothing).
#[derive(Clone, Debug, Serialize)]
pub struct Snapshot {
    /// When it was taken (RFC 3339).
    pub at: String,
    /// How long the rates, shares and latencies cover, in seconds.
    pub window_seconds: f64,
    /// This front end and the draws it served.
    pub frontend: FrontendView,
    /// Letters, numbers and rules.
    pub services: Vec<ServiceView>,
    /// The database.
    pub database: DependencyState,
    /// Open event streams on this front end.
    pub viewers: usize,
}

/// The front end's own figures.
#[derive(Clone, Debug, Serialize)]
pub struct FrontendView {
    /// `<version>@<instance>`.
    pub served_by: String,
    /// Draws (and prize-pool claims) per second.
    pub draws_per_second: f64,
    /// The share of them that failed on the server's side (a dependency or the database).
    pub error_rate: f64,
    /// Median latency in milliseconds (none without draws).
    pub p50_ms: Option<f64>,
    /// 99th percentile latency in milliseconds.
    pub p99_ms: Option<f64>,
    /// The same, as the page shows them.
    pub text: FiguresText,
}

/// Figures as text.
#[derive(Clone, Debug, Serialize)]
pub struct FiguresText {
    /// e.g. `1,234.5/s`.
    pub rate: String,
    /// e.g. `0.1 %`.
    pub errors: String,
    /// e.g. `1.25 ms`, or `–`.
    pub p50: String,
    /// e.g. `4.8 ms`, or `–`.
    pub p99: String,
}

/// One of letters, numbers and rules.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceView {
    /// `letters`, `numbers` or `rules`.
    pub service: &'static str,
    /// Whether it answers.
    #[serde(flatten)]
    pub state: DependencyState,
    /// Calls per second to it.
    pub calls_per_second: f64,
    /// The share of them that failed.
    pub error_rate: f64,
    /// The operator's fault switch.
    pub fault: Fault,
    /// The same figures as text (`fault`: "off" or what is on).
    pub text: ServiceText,
    /// Who served its calls in the window, the largest share first.
    pub instances: Vec<InstanceShare>,
}

/// A service's figures as text.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceText {
    /// e.g. `2,468/s`.
    pub rate: String,
    /// e.g. `0 %`.
    pub errors: String,
    /// "off", or e.g. `+3000 ms, 20% errors`.
    pub fault: String,
}

/// One instance's share of a service's calls.
#[derive(Clone, Debug, Serialize)]
pub struct InstanceShare {
    /// `<impl>@<instance>`.
    pub served_by: String,
    /// `v1` or `v2`.
    pub implementation: String,
    /// The process's name.
    pub instance: String,
    /// Successful calls it served in the window.
    pub calls: u64,
    /// Its share of them (0–1).
    pub share: f64,
    /// As a whole percentage, for the page's bar.
    pub percent: u8,
    /// e.g. `62.5 %`.
    pub text: String,
}

/// Whether a dependency answers.
#[derive(Clone, Debug, Serialize)]
pub struct DependencyState {
    /// `up`, `degraded` (some calls fail) or `down`.
    pub state: State,
    /// Why, in words.
    pub detail: String,
}

/// A dependency's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Its calls succeed, or (without calls) it answers its health check.
    Up,
    /// Some of its calls in the window failed.
    Degraded,
    /// All of its calls in the window failed, or (without calls) its health check did.
    Down,
}

impl State {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Degraded => "degraded",
            Self::Down => "down",
        }
    }
}

/// One interval's worth of what happened.
#[derive(Default)]
struct Interval {
    took: Duration,
    draws: DrawBucket,
    calls: [CallCounts; 3],
}

/// What the ticker keeps between ticks.
struct History {
    intervals: VecDeque<Interval>,
    /// The cumulative counters at the last tick.
    totals: [CallCounts; 3],
    last: Instant,
    /// When the campaigns were last read for their gauges.
    campaigns_read: Option<Instant>,
}

impl Live {
    /// A live view fed by `recorder`; [`Self::start`] starts its ticker.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        recorder: Arc<Recorder>,
        frontend: Instance,
        deps: Dependencies,
        store: Store,
        faults: Arc<FaultSwitches>,
        lifecycle: Arc<Lifecycle>,
        interval: Duration,
        call_timeout: Duration,
    ) -> Arc<Self> {
        let interval = interval.max(Duration::from_millis(1));
        let needed = (2.0 * call_timeout.as_secs_f64() / interval.as_secs_f64()).ceil() as usize;
        Arc::new(Self {
            recorder,
            frontend,
            deps,
            store,
            faults,
            lifecycle,
            interval,
            window: needed.max(WINDOW),
            viewers: Mutex::default(),
            latest: RwLock::default(),
        })
    }

    /// Starts the ticker; it ends when the live view is dropped.
    pub fn start(self: &Arc<Self>) {
        let live: Weak<Self> = Arc::downgrade(self);
        let interval = self.interval;
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut history = None;
            loop {
                ticks.tick().await;
                let Some(live) = live.upgrade() else { break };
                let history = history.get_or_insert_with(|| History {
                    intervals: VecDeque::new(),
                    totals: Service::ALL.map(|s| live.recorder.calls(s)),
                    last: Instant::now(),
                    campaigns_read: None,
                });
                live.tick(history).await;
            }
        });
    }

    /// The draw path's counters.
    pub fn recorder(&self) -> &Arc<Recorder> {
        &self.recorder
    }

    /// The latest snapshot (none before the first tick).
    pub fn snapshot_now(&self) -> Option<Arc<Snapshot>> {
        self.latest.read().ok().and_then(|latest| latest.1.clone())
    }

    /// A new viewer's queue, with the latest frame in it; `None` when [`MAX_VIEWERS`] are open
    /// or the front end is draining.
    pub fn join(&self) -> Option<mpsc::Receiver<Bytes>> {
        if self.lifecycle.is_draining() {
            return None;
        }
        let mut viewers = self.viewers.lock().ok()?;
        if viewers.len() >= MAX_VIEWERS {
            return None;
        }
        let (sender, receiver) = mpsc::channel(QUEUE);
        let latest = self.latest.read().map(|latest| latest.0.clone()).unwrap_or_default();
        if !latest.is_empty() {
            let _ = sender.try_send(latest);
        }
        viewers.push(sender);
        self.recorder.viewers.set(gauge(viewers.len()));
        Some(receiver)
    }

    async fn tick(&self, history: &mut History) {
        let now = Instant::now();
        let totals = Service::ALL.map(|s| self.recorder.calls(s));
        let calls = std::array::from_fn(|i| difference(&totals[i], &history.totals[i]));
        history.intervals.push_back(Interval {
            took: now - history.last,
            draws: self.recorder.take_draws(),
            calls,
        });
        while history.intervals.len() > self.window {
            history.intervals.pop_front();
        }
        history.totals = totals;
        history.last = now;

        let (probes, database) = tokio::join!(self.probe_services(), self.ping_database());
        let viewers = self.viewers.lock().map(|v| v.len()).unwrap_or_default();
        let snapshot = self.snapshot(&history.intervals, probes, database, viewers);
        for service in &snapshot.services {
            self.set_up(service.service, service.state.state);
        }
        self.set_up("database", snapshot.database.state);
        if history.campaigns_read.is_none_or(|at| at.elapsed() >= CAMPAIGNS_EVERY) {
            history.campaigns_read = Some(Instant::now());
            match tokio::time::timeout(PROBE_TIMEOUT, self.store.campaigns()).await {
                Ok(Ok(campaigns)) => self.recorder.campaigns(&campaigns),
                Ok(Err(error)) => tracing::debug!(%error, "reading the campaigns for their gauges failed"),
                Err(_) => tracing::debug!("reading the campaigns for their gauges timed out"),
            }
        }
        let frame = frame(&snapshot);
        if let Ok(mut latest) = self.latest.write() {
            *latest = (frame.clone(), Some(Arc::new(snapshot)));
        }
        self.send(frame);
    }

    fn set_up(&self, dependency: &'static str, state: State) {
        let up = i64::from(state != State::Down);
        self.recorder.up.get_or_create(&UpLabels { dependency }).set(up);
    }

    /// Hands `frame` to every viewer, dropping those whose queue is full; ends every stream when
    /// the front end is draining.
    fn send(&self, frame: Bytes) {
        let Ok(mut viewers) = self.viewers.lock() else { return };
        if self.lifecycle.is_draining() {
            viewers.clear();
        }
        viewers.retain(|viewer| match viewer.try_send(frame.clone()) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.recorder.viewers_dropped.inc();
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        });
        self.recorder.viewers.set(gauge(viewers.len()));
    }

    async fn probe_services(&self) -> [Result<Instance, DependencyError>; 3] {
        let request_id = RequestId::generate();
        let [l, n, r] = self.deps.all().map(|client| client.served_by_within(&request_id, PROBE_TIMEOUT));
        let (l, n, r) = tokio::join!(l, n, r);
        [l, n, r]
    }

    async fn ping_database(&self) -> DependencyState {
        match tokio::time::timeout(PROBE_TIMEOUT, self.store.ping()).await {
            Ok(Ok(())) => DependencyState { state: State::Up, detail: "answers".into() },
            Ok(Err(e)) => DependencyState {
                state: State::Down,
                detail: crate::server::error::ErrorChain(&e).to_string(),
            },
            Err(_) => DependencyState {
                state: State::Down,
                detail: format!("no answer within {}", humantime::format_duration(PROBE_TIMEOUT)),
            },
        }
    }

    fn snapshot(
        &self,
        intervals: &VecDeque<Interval>,
        probes: [Result<Instance, DependencyError>; 3],
        database: DependencyState,
        viewers: usize,
    ) -> Snapshot {
        let seconds = intervals.iter().map(|i| i.took.as_secs_f64()).sum::<f64>().max(1e-3);
        let frontend = self.frontend_view(intervals, seconds);
        let services = Service::ALL
            .into_iter()
            .zip(probes)
            .enumerate()
            .map(|(i, (service, probe))| {
                let mut window = CallCounts::default();
                for interval in intervals {
                    add(&mut window, &interval.calls[i]);
                }
                let fault = self.faults.of(service).fault();
                let state = state(&window.outcomes, &probe);
                service_view(service, &window, seconds, state, fault)
            })
            .collect();
        Snapshot {
            at: crate::store::rfc3339(crate::store::now_ms()),
            window_seconds: (seconds * 10.0).round() / 10.0,
            frontend,
            services,
            database,
            viewers,
        }
    }

    fn frontend_view(&self, intervals: &VecDeque<Interval>, seconds: f64) -> FrontendView {
        let mut latency = DrawBucket::default();
        for interval in intervals {
            let _ = latency.latency.add(&interval.draws.latency);
            latency.failed += interval.draws.failed;
        }
        let draws = latency.latency.len();
        let quantile = |q: f64| (draws > 0).then(|| latency.latency.value_at_quantile(q) as f64 / 1000.0);
        let (p50, p99) = (quantile(0.5), quantile(0.99));
        let draws_per_second = draws as f64 / seconds;
        let error_rate = share(latency.failed, draws);
        FrontendView {
            served_by: self.frontend.to_string(),
            draws_per_second,
            error_rate,
            p50_ms: p50,
            p99_ms: p99,
            text: FiguresText {
                rate: rate_text(draws_per_second),
                errors: percent_text(error_rate),
                p50: ms_text(p50),
                p99: ms_text(p99),
            },
        }
    }
}

/// A gauge's value from a count.
fn gauge(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// `now - before`, counter by counter.
fn difference(now: &CallCounts, before: &CallCounts) -> CallCounts {
    let served = now
        .served
        .iter()
        .map(|(by, n)| (by.clone(), n - before.served.get(by).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let outcomes = std::array::from_fn(|i| now.outcomes[i] - before.outcomes[i]);
    CallCounts { served, outcomes }
}

fn add(sum: &mut CallCounts, more: &CallCounts) {
    for (by, n) in &more.served {
        *sum.served.entry(by.clone()).or_default() += n;
    }
    for (s, n) in sum.outcomes.iter_mut().zip(more.outcomes) {
        *s += n;
    }
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

/// A dependency's state from the outcomes of its calls in the window (which is longer than a
/// call's deadline, so a timed-out call is seen) or, without any, from its probe.
fn state(recent: &[u64; 5], probe: &Result<Instance, DependencyError>) -> DependencyState {
    let calls: u64 = recent.iter().sum();
    let ok = recent[0];
    let failures: Vec<String> = OUTCOMES
        .iter()
        .zip(recent)
        .skip(1)
        .filter(|(_, n)| **n > 0)
        .map(|(outcome, n)| format!("{n} {}", outcome_words(outcome)))
        .collect();
    match (calls, probe) {
        (0, Ok(by)) => {
            DependencyState { state: State::Up, detail: format!("no calls just now; {by} answers") }
        }
        (0, Err(e)) => DependencyState { state: State::Down, detail: e.to_string() },
        _ if ok == calls => DependencyState { state: State::Up, detail: "every call answered".into() },
        _ => DependencyState {
            state: if ok == 0 { State::Down } else { State::Degraded },
            detail: format!("of {calls} calls: {}", failures.join(", ")),
        },
    }
}

fn outcome_words(outcome: &str) -> &'static str {
    match outcome {
        "timeout" => "timed out",
        "unreachable" => "unreachable",
        "failing" => "answered 5xx",
        _ => "broke the contract",
    }
}

fn service_view(
    service: Service,
    window: &CallCounts,
    seconds: f64,
    state: DependencyState,
    fault: Fault,
) -> ServiceView {
    let calls: u64 = window.outcomes.iter().sum();
    let served: u64 = window.served.values().sum();
    let mut instances: Vec<InstanceShare> = window
        .served
        .iter()
        .map(|(by, n)| {
            let share = share(*n, served);
            InstanceShare {
                served_by: by.to_string(),
                implementation: by.implementation().to_owned(),
                instance: by.name().to_owned(),
                calls: *n,
                share,
                percent: (share * 100.0).round().clamp(0.0, 100.0) as u8,
                text: percent_text(share),
            }
        })
        .collect();
    instances.sort_by(|a, b| b.calls.cmp(&a.calls).then_with(|| a.served_by.cmp(&b.served_by)));
    let calls_per_second = calls as f64 / seconds;
    let error_rate = share(calls - window.outcomes[0], calls);
    ServiceView {
        service: service.as_str(),
        state,
        calls_per_second,
        error_rate,
        fault,
        text: ServiceText {
            rate: rate_text(calls_per_second),
            errors: percent_text(error_rate),
            fault: super::faults::describe(&fault),
        },
        instances,
    }
}

/// One server-sent event carrying `snapshot`.
fn frame(snapshot: &Snapshot) -> Bytes {
    let json = serde_json::to_string(snapshot).unwrap_or_else(|_| "{}".into());
    // `retry`: how soon a browser reconnects after the stream ends (a dropped viewer, a drain).
    Bytes::from(format!("retry: 2000\nevent: snapshot\ndata: {json}\n\n"))
}

/// e.g. `1,234.5/s`: one decimal below 100, whole numbers above.
fn rate_text(per_second: f64) -> String {
    let digits = if per_second < 100.0 { 1 } else { 0 };
    let text = format!("{per_second:.digits$}");
    let (whole, fraction) = text.split_once('.').map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match fraction {
        Some(f) => format!("{grouped}.{f}/s"),
        None => format!("{grouped}/s"),
    }
}

fn percent_text(share: f64) -> String {
    format!("{} %", super::pages::percent(share))
}

fn ms_text(ms: Option<f64>) -> String {
    match ms {
        None => "–".into(),
        Some(ms) if ms < 10.0 => format!("{ms:.2} ms"),
        Some(ms) => format!("{ms:.1} ms"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn empty_state(detail: &str) -> DependencyState {
        DependencyState { state: State::Up, detail: detail.into() }
    }

    fn outcomes(ok: u64, timeout: u64) -> [u64; 5] {
        [ok, timeout, 0, 0, 0]
    }

    #[test]
    fn a_dependency_is_judged_by_its_recent_calls_then_by_its_probe() {
        let probe_ok: Result<Instance, DependencyError> = Ok(Instance::new("v1", "a"));
        let probe_down = Err(DependencyError::Timeout { service: Service::Numbers, timeout: PROBE_TIMEOUT });
        assert_eq!(state(&outcomes(5, 0), &probe_down).state, State::Up, "calls outrank the probe");
        assert_eq!(state(&outcomes(3, 2), &probe_ok).state, State::Degraded);
        assert_eq!(state(&outcomes(0, 2), &probe_ok).state, State::Down);
        assert_eq!(state(&outcomes(0, 2), &probe_ok).detail, "of 2 calls: 2 timed out");
        assert_eq!(state(&outcomes(0, 0), &probe_ok).state, State::Up);
        assert_eq!(state(&outcomes(0, 0), &probe_down).state, State::Down);
    }

    #[test]
    fn shares_are_of_the_calls_each_instance_served() {
        let (v1, v2) = (Instance::new("v1", "a"), Instance::new("v2", "b"));
        let window = CallCounts { served: HashMap::from([(v1, 1), (v2, 3)]), outcomes: [4, 1, 0, 0, 0] };
        let view = service_view(Service::Letters, &window, 2.0, empty_state("test"), Fault::default());
        let shares: Vec<_> = view.instances.iter().map(|i| (i.served_by.as_str(), i.percent)).collect();
        assert_eq!(shares, [("v2@b", 75), ("v1@a", 25)]);
        assert_eq!((view.calls_per_second, view.error_rate), (2.5, 0.2));
        assert_eq!((view.text.rate.as_str(), view.text.errors.as_str()), ("2.5/s", "20 %"));
        assert_eq!(view.instances[0].text, "75 %");
    }

    #[test]
    fn differences_leave_out_instances_that_served_nothing() {
        let v1 = Instance::new("v1", "a");
        let before = CallCounts { served: HashMap::from([(v1.clone(), 4)]), outcomes: [4, 0, 0, 0, 0] };
        let now = CallCounts { served: HashMap::from([(v1, 4)]), outcomes: [4, 2, 0, 0, 0] };
        assert_eq!(
            difference(&now, &before),
            CallCounts { served: HashMap::new(), outcomes: [0, 2, 0, 0, 0] }
        );
    }

    #[test]
    fn figures_read_as_people_write_them() {
        assert_eq!(rate_text(0.0), "0.0/s");
        assert_eq!(rate_text(12.34), "12.3/s");
        assert_eq!(rate_text(1234.5), "1,234/s");
        assert_eq!(rate_text(1_234_567.0), "1,234,567/s");
        assert_eq!(ms_text(Some(1.234)), "1.23 ms");
        assert_eq!(ms_text(Some(15.26)), "15.3 ms");
        assert_eq!(ms_text(None), "–");
    }

    #[test]
    fn a_frame_is_one_server_sent_event() {
        let text = String::from_utf8(
            frame(&Snapshot {
                at: "t".into(),
                window_seconds: 5.0,
                frontend: FrontendView {
                    served_by: "0.1.0@x".into(),
                    draws_per_second: 0.0,
                    error_rate: 0.0,
                    p50_ms: None,
                    p99_ms: None,
                    text: FiguresText { rate: "".into(), errors: "".into(), p50: "".into(), p99: "".into() },
                },
                services: Vec::new(),
                database: empty_state("line\nbreak"),
                viewers: 1,
            })
            .to_vec(),
        )
        .unwrap_or_default();
        assert!(text.starts_with("retry: 2000\nevent: snapshot\ndata: {"), "{text}");
        assert!(text.ends_with("}\n\n"));
        assert_eq!(text.matches('\n').count(), 4, "a newline inside the data would split the event: {text}");
    }
}
