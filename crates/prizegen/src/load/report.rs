//! What a load run measured: counts, latency percentiles from an HDR histogram, errors by cause.

use hdrhistogram::Histogram;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// Latencies are recorded in microseconds, 1 µs to 60 s, to 3 significant digits.
const MAX_MICROS: u64 = 60_000_000;

/// Collects outcomes as they come in; one per worker, merged at the end.
pub struct Recorder {
    latencies: Histogram<u64>,
    ok: u64,
    errors: BTreeMap<String, u64>,
}

impl Default for Recorder {
    fn default() -> Self {
        Self {
            latencies: Histogram::new_with_bounds(1, MAX_MICROS, 3).expect("valid histogram bounds"),
            ok: 0,
            errors: BTreeMap::new(),
        }
    }
}

impl Recorder {
    /// A successful request and how long it took.
    pub fn ok(&mut self, latency: Duration) {
        self.ok += 1;
        self.record(latency);
    }

    /// A failed request, by cause (e.g. `status 503`, `timeout`, `connect`).
    pub fn failed(&mut self, cause: String, latency: Duration) {
        *self.errors.entry(cause).or_insert(0) += 1;
        self.record(latency);
    }

    fn record(&mut self, latency: Duration) {
        let micros = (latency.as_micros() as u64).clamp(1, MAX_MICROS);
        self.latencies.saturating_record(micros);
    }

    /// Adds another worker's outcomes.
    pub fn merge(&mut self, other: &Recorder) {
        let _ = self.latencies.add(&other.latencies);
        self.ok += other.ok;
        for (cause, n) in &other.errors {
            *self.errors.entry(cause.clone()).or_insert(0) += n;
        }
    }

    /// Requests finished so far.
    pub fn done(&self) -> u64 {
        self.ok + self.errors.values().sum::<u64>()
    }

    /// The summary of a run that lasted `elapsed`.
    pub fn report(&self, setup: Setup, elapsed: Duration) -> Report {
        let failed = self.errors.values().sum::<u64>();
        let requests = self.ok + failed;
        let ms = |micros: u64| micros as f64 / 1000.0;
        let at = |q: f64| if requests == 0 { 0.0 } else { ms(self.latencies.value_at_quantile(q)) };
        Report {
            setup,
            duration_s: elapsed.as_secs_f64(),
            requests,
            ok: self.ok,
            failed,
            throughput_per_s: if elapsed.is_zero() { 0.0 } else { requests as f64 / elapsed.as_secs_f64() },
            latency_ms: Latency {
                mean: if requests == 0 { 0.0 } else { self.latencies.mean() / 1000.0 },
                p50: at(0.5),
                p90: at(0.9),
                p99: at(0.99),
                p99_9: at(0.999),
                max: if requests == 0 { 0.0 } else { ms(self.latencies.max()) },
            },
            errors: self.errors.clone(),
        }
    }
}

/// How the run was set up, repeated in the report.
#[derive(Clone, Debug, Serialize)]
pub struct Setup {
    /// The front end's URL.
    pub target: String,
    /// The game drawn.
    pub game: String,
    /// Requests in flight at most.
    pub concurrency: usize,
    /// The open-loop rate, if one was set.
    pub rate_per_s: Option<f64>,
}

/// Latency percentiles, in milliseconds.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Latency {
    /// Mean.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p99_9: f64,
    /// Slowest.
    pub max: f64,
}

/// The summary `prizegen load` prints (and `--json` emits).
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// How the run was set up.
    #[serde(flatten)]
    pub setup: Setup,
    /// Wall time of the run.
    pub duration_s: f64,
    /// Requests finished.
    pub requests: u64,
    /// Of those, answered with the expected status.
    pub ok: u64,
    /// Of those, failed.
    pub failed: u64,
    /// Requests finished per second.
    pub throughput_per_s: f64,
    /// Latency percentiles.
    pub latency_ms: Latency,
    /// Failures by cause.
    pub errors: BTreeMap<String, u64>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.setup;
        let mode =
            s.rate_per_s.map_or_else(|| "closed loop".to_owned(), |r| format!("open loop at {r} req/s"));
        writeln!(f, "target      {}  game {}  concurrency {}  {mode}", s.target, s.game, s.concurrency)?;
        writeln!(
            f,
            "requests    {} in {:.2} s: {} ok, {} failed",
            self.requests, self.duration_s, self.ok, self.failed
        )?;
        writeln!(f, "throughput  {:.1} req/s", self.throughput_per_s)?;
        let l = &self.latency_ms;
        writeln!(
            f,
            "latency ms  p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}  (mean {:.2})",
            l.p50, l.p90, l.p99, l.p99_9, l.max, l.mean
        )?;
        if self.errors.is_empty() {
            write!(f, "errors      none")
        } else {
            write!(f, "errors     ")?;
            for (cause, n) in &self.errors {
                write!(f, " {cause}: {n};")?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> Setup {
        Setup { target: "http://t".into(), game: "account-prize".into(), concurrency: 4, rate_per_s: None }
    }

    #[test]
    fn counts_and_percentiles() {
        let mut recorder = Recorder::default();
        // 1..=1000 ms: p50 = 500, p90 = 900, p99 = 990, p99.9 = 999, max = 1000.
        for ms in 1..=1000u64 {
            recorder.ok(Duration::from_millis(ms));
        }
        let report = recorder.report(setup(), Duration::from_secs(2));
        assert_eq!((report.requests, report.ok, report.failed), (1000, 1000, 0));
        assert_eq!(report.throughput_per_s, 500.0);
        let close = |got: f64, want: f64| (got - want).abs() <= want * 0.001 + 0.001;
        let l = &report.latency_ms;
        assert!(close(l.p50, 500.0), "{l:?}");
        assert!(close(l.p90, 900.0), "{l:?}");
        assert!(close(l.p99, 990.0), "{l:?}");
        assert!(close(l.p99_9, 999.0), "{l:?}");
        assert!(close(l.max, 1000.0), "{l:?}");
        assert!(close(l.mean, 500.5), "{l:?}");
    }

    #[test]
    fn errors_are_counted_by_cause_and_merged() {
        let mut a = Recorder::default();
        a.ok(Duration::from_millis(1));
        a.failed("status 503".into(), Duration::from_millis(2));
        let mut b = Recorder::default();
        b.failed("status 503".into(), Duration::from_millis(3));
        b.failed("timeout".into(), Duration::from_millis(4));
        a.merge(&b);
        let report = a.report(setup(), Duration::from_secs(1));
        assert_eq!((report.requests, report.ok, report.failed), (4, 1, 3));
        assert_eq!(report.errors, BTreeMap::from([("status 503".to_owned(), 2), ("timeout".to_owned(), 1)]));
        assert!(report.to_string().contains("status 503: 2"));
    }

    #[test]
    fn json_shape() {
        let mut recorder = Recorder::default();
        recorder.ok(Duration::from_millis(5));
        let json = serde_json::to_value(recorder.report(setup(), Duration::from_secs(1))).unwrap();
        for key in [
            "target",
            "game",
            "concurrency",
            "rate_per_s",
            "duration_s",
            "requests",
            "ok",
            "failed",
            "throughput_per_s",
            "latency_ms",
            "errors",
        ] {
            assert!(json.get(key).is_some(), "{key} in {json}");
        }
        for key in ["mean", "p50", "p90", "p99", "p99_9", "max"] {
            assert!(json["latency_ms"][key].is_f64(), "latency_ms.{key}");
        }
    }

    #[test]
    fn an_empty_run_reports_zeros() {
        let report = Recorder::default().report(setup(), Duration::ZERO);
        assert_eq!(report.requests, 0);
        assert_eq!(report.latency_ms.p99, 0.0);
        assert_eq!(report.throughput_per_s, 0.0);
    }
}
