//! Prometheus metrics, one registry per service (so `prizegen up`, which runs all four in one
//! process, still shows each service only its own figures).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Labels of one served request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// The route template, e.g. `/api/v1/draws/{id}`, never the raw path (bounded cardinality).
    pub route: String,
    /// The HTTP method.
    pub method: String,
    /// The status code.
    pub status: u16,
}

/// Labels of a latency observation.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteOnly {
    /// The route template.
    pub route: String,
}

/// Labels of one call to a dependency.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DependencyLabels {
    /// `letters`, `numbers`, `rules` or `database`.
    pub dependency: &'static str,
    /// `ok`, `timeout`, `unreachable`, `failing` (a 5xx) or `contract` (an answer outside the
    /// internal contract).
    pub outcome: &'static str,
}

/// Labels naming a dependency.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DependencyOnly {
    /// `letters`, `numbers`, `rules` or `database`.
    pub dependency: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 100 µs … ~3.3 s.
    Histogram::new(exponential_buckets(0.0001, 2.0, 16))
}

/// A service's metrics and the registry they are exported from.
pub struct Metrics {
    /// Everything `/metrics` prints.
    registry: Registry,
    /// Requests served, by route, method and status.
    pub requests: Family<RouteLabels, Counter>,
    /// Time to serve a request, by route.
    pub request_seconds: HistogramFamily<RouteOnly>,
    /// Calls to dependencies, by outcome (the front end only).
    pub dependency_calls: Family<DependencyLabels, Counter>,
    /// Time a dependency took to answer.
    pub dependency_seconds: HistogramFamily<DependencyOnly>,
    /// Calls per batch sent to a dependency (the front end only).
    pub dependency_batch_calls: HistogramFamily<DependencyOnly>,
}

impl Metrics {
    /// A fresh registry with the HTTP and dependency metrics registered; `extra` registers a
    /// service's own metrics before the registry is frozen behind an `Arc`.
    pub fn new(extra: impl FnOnce(&mut Registry)) -> Self {
        let mut registry = Registry::with_prefix("prizegen");
        let requests = Family::<RouteLabels, Counter>::default();
        let request_seconds: HistogramFamily<RouteOnly> = Family::new_with_constructor(latency_histogram);
        let dependency_calls = Family::<DependencyLabels, Counter>::default();
        let dependency_seconds: HistogramFamily<DependencyOnly> =
            Family::new_with_constructor(latency_histogram);
        registry.register("http_requests", "HTTP requests served", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "Time to serve a request",
            request_seconds.clone(),
        );
        registry.register("dependency_calls", "Calls to a dependency, by outcome", dependency_calls.clone());
        registry.register(
            "dependency_call_duration_seconds",
            "Time a dependency took to answer",
            dependency_seconds.clone(),
        );
        let dependency_batch_calls: HistogramFamily<DependencyOnly> =
            Family::new_with_constructor(|| Histogram::new(exponential_buckets(1.0, 2.0, 9)));
        registry.register(
            "dependency_batch_calls",
            "Calls sent together in one batch to a dependency",
            dependency_batch_calls.clone(),
        );
        extra(&mut registry);
        Self {
            registry,
            requests,
            request_seconds,
            dependency_calls,
            dependency_seconds,
            dependency_batch_calls,
        }
    }

    /// The Prometheus text exposition.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }

    /// Records one batch of `calls` sent to a dependency.
    pub fn observe_batch(&self, dependency: &'static str, calls: usize) {
        self.dependency_batch_calls.get_or_create(&DependencyOnly { dependency }).observe(calls as f64);
    }

    /// Records one dependency call.
    pub fn observe_dependency(&self, dependency: &'static str, outcome: &'static str, seconds: f64) {
        self.dependency_calls.get_or_create(&DependencyLabels { dependency, outcome }).inc();
        self.dependency_seconds.get_or_create(&DependencyOnly { dependency }).observe(seconds);
    }
}
