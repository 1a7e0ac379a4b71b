//! What the draw path records for `/live`: counters it bumps and a histogram it adds to, nothing
//! more (no allocation once an instance has been seen, no database, no channel). The live view's
//! ticker reads them once a second ([`super::Live`]).

use crate::contract::Instance;
use prizegen_domain::fairness::Service;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// The outcomes of a call to a dependency, as `clients.rs` names them.
pub const OUTCOMES: [&str; 5] = ["ok", "timeout", "unreachable", "failing", "contract"];

/// Draws made since the ticker last looked: their latencies and how many failed.
pub struct DrawBucket {
    /// Microseconds each draw took, 1 µs … 100 s to 2 significant digits.
    pub latency: hdrhistogram::Histogram<u32>,
    /// Draws that failed on the server's side (a dependency or the database): the error rate.
    pub failed: u64,
}

impl Default for DrawBucket {
    fn default() -> Self {
        // The bounds are constants that `new_with_bounds` accepts.
        #[allow(clippy::expect_used)]
        let latency = hdrhistogram::Histogram::new_with_bounds(1, 100_000_000, 2).expect("valid bounds");
        Self { latency, failed: 0 }
    }
}

/// One dependency's calls: who served the successful ones, and every call's outcome.
#[derive(Default)]
struct Calls {
    /// Successful calls by the instance that served them, since start.
    served: RwLock<HashMap<Instance, Arc<AtomicU64>>>,
    /// Calls by outcome ([`OUTCOMES`]), since start.
    outcomes: [AtomicU64; 5],
}

/// The counters the draw path bumps.
pub struct Recorder {
    draws: Mutex<DrawBucket>,
    /// Draws by outcome, for Prometheus: `ok` and `failed` (the server's fault), handles made once.
    draws_total: Family<OutcomeLabels, Counter>,
    draws_ok: Counter,
    draws_failed: Counter,
    /// Time to make a draw, for Prometheus.
    draw_seconds: Histogram,
    calls: [Calls; 3],
    /// Open `/live` event streams.
    pub viewers: Gauge,
    /// Event streams ended because their viewer did not keep up.
    pub viewers_dropped: Counter,
    /// 1 while a dependency answers (see `Live`), by name; the database's too.
    pub up: Family<UpLabels, Gauge>,
    /// Each campaign's budget, for those that have one (read every few seconds, not per draw).
    pub campaign_budget: Family<CampaignLabels, Gauge>,
    /// What each campaign with a budget has awarded.
    pub campaign_spent: Family<CampaignLabels, Gauge>,
}

/// Labels of `prizegen_draws_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, prometheus_client::encoding::EncodeLabelSet)]
pub struct OutcomeLabels {
    /// `ok` or `failed`.
    pub outcome: &'static str,
}

impl Default for Recorder {
    fn default() -> Self {
        let draws_total = Family::<OutcomeLabels, Counter>::default();
        let draws_ok = draws_total.get_or_create(&OutcomeLabels { outcome: "ok" }).clone();
        let draws_failed = draws_total.get_or_create(&OutcomeLabels { outcome: "failed" }).clone();
        Self {
            draws: Mutex::default(),
            draws_total,
            draws_ok,
            draws_failed,
            // 250 µs … ~8 s.
            draw_seconds: Histogram::new(exponential_buckets(0.00025, 2.0, 16)),
            calls: Default::default(),
            viewers: Gauge::default(),
            viewers_dropped: Counter::default(),
            up: Family::default(),
            campaign_budget: Family::default(),
            campaign_spent: Family::default(),
        }
    }
}

/// Labels of the campaign gauges.
#[derive(Clone, Debug, Hash, PartialEq, Eq, prometheus_client::encoding::EncodeLabelSet)]
pub struct CampaignLabels {
    /// Its slug.
    pub campaign: String,
    /// Its game.
    pub game: String,
}

/// Labels of `prizegen_dependency_up`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, prometheus_client::encoding::EncodeLabelSet)]
pub struct UpLabels {
    /// `letters`, `numbers`, `rules` or `database`.
    pub dependency: &'static str,
}

/// One dependency's counters as read at one moment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallCounts {
    /// Successful calls by who served them.
    pub served: HashMap<Instance, u64>,
    /// Calls by outcome ([`OUTCOMES`]).
    pub outcomes: [u64; 5],
}

impl Recorder {
    /// Registers the metrics `/live` shares with `/metrics`.
    pub fn register(self: &Arc<Self>, registry: &mut Registry) {
        registry.register(
            "draws",
            "Draws and prize-pool claims made, by outcome: ok, or failed on the server's side",
            self.draws_total.clone(),
        );
        registry.register(
            "draw_duration_seconds",
            "Time to make a draw or a prize-pool claim (refused requests are not draws)",
            self.draw_seconds.clone(),
        );
        registry.register("live_viewers", "Open /live event streams", self.viewers.clone());
        registry.register(
            "live_viewers_dropped",
            "/live event streams ended because the viewer did not keep up",
            self.viewers_dropped.clone(),
        );
        registry.register(
            "dependency_up",
            "1 while a dependency answers the front end (its recent calls, or a probe every second)",
            self.up.clone(),
        );
        registry.register(
            "campaign_budget_pence",
            "A campaign's budget, for campaigns with one (read every few seconds)",
            self.campaign_budget.clone(),
        );
        registry.register(
            "campaign_spent_pence",
            "What a campaign with a budget has awarded (read every few seconds)",
            self.campaign_spent.clone(),
        );
        registry.register_collector(Box::new(Served(self.clone())));
    }

    /// One draw (or prize-pool claim) that took `took`; `failed`: the server's fault.
    pub fn draw(&self, took: Duration, failed: bool) {
        if failed {
            self.draws_failed.inc()
        } else {
            self.draws_ok.inc()
        };
        self.draw_seconds.observe(took.as_secs_f64());
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        if let Ok(mut bucket) = self.draws.lock() {
            bucket.latency.saturating_record(micros.max(1));
            bucket.failed += u64::from(failed);
        }
    }

    /// One call to `service` that ended with `outcome` (one of [`OUTCOMES`]), served by `by`
    /// when it succeeded.
    pub fn call(&self, service: Service, outcome: &'static str, by: Option<&Instance>) {
        let calls = &self.calls[index(service)];
        if let Some(i) = OUTCOMES.iter().position(|o| *o == outcome) {
            calls.outcomes[i].fetch_add(1, Ordering::Relaxed);
        }
        let Some(by) = by else { return };
        let known =
            calls.served.read().ok().and_then(|served| {
                served.get(by).map(|count| count.fetch_add(1, Ordering::Relaxed)).map(|_| ())
            });
        if known.is_none()
            && let Ok(mut served) = calls.served.write()
        {
            served.entry(by.clone()).or_default().fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The draws since the last call, leaving an empty bucket.
    pub fn take_draws(&self) -> DrawBucket {
        self.draws.lock().map(|mut bucket| std::mem::take(&mut *bucket)).unwrap_or_default()
    }

    /// Sets the campaign gauges to `campaigns` (those without a budget, or gone, disappear).
    pub fn campaigns(&self, campaigns: &[crate::store::Campaign]) {
        self.campaign_budget.clear();
        self.campaign_spent.clear();
        for campaign in campaigns {
            let Some(budget) = campaign.budget_pence else { continue };
            let labels = CampaignLabels { campaign: campaign.slug.clone(), game: campaign.game.clone() };
            self.campaign_budget.get_or_create(&labels).set(i64::try_from(budget).unwrap_or(i64::MAX));
            let spent = i64::try_from(campaign.spent_pence).unwrap_or(i64::MAX);
            self.campaign_spent.get_or_create(&labels).set(spent);
        }
    }

    /// `service`'s counters now.
    pub fn calls(&self, service: Service) -> CallCounts {
        let calls = &self.calls[index(service)];
        let served = calls
            .served
            .read()
            .map(|served| served.iter().map(|(by, n)| (by.clone(), n.load(Ordering::Relaxed))).collect())
            .unwrap_or_default();
        CallCounts { served, outcomes: calls.outcomes.each_ref().map(|n| n.load(Ordering::Relaxed)) }
    }
}

fn index(service: Service) -> usize {
    match service {
        Service::Letters => 0,
        Service::Numbers => 1,
        Service::Rules => 2,
    }
}

/// `prizegen_dependency_served_total{dependency, served_by}`, read from the recorder's counters
/// at each scrape (the draw path counts once, for both `/live` and `/metrics`).
#[derive(Debug)]
struct Served(Arc<Recorder>);

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").finish_non_exhaustive()
    }
}

impl Collector for Served {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let mut metric = encoder.encode_descriptor(
            "dependency_served",
            "Successful calls to a dependency, by the instance and implementation that served them.",
            None,
            MetricType::Counter,
        )?;
        for service in Service::ALL {
            let mut served: Vec<_> = self.0.calls(service).served.into_iter().collect();
            served.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
            for (by, count) in served {
                let labels = [("dependency", service.as_str()), ("served_by", by.as_str())];
                ConstCounter::new(count).encode(metric.encode_family(&labels)?)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_counted_by_outcome_and_by_who_served_them() {
        let recorder = Arc::new(Recorder::default());
        let (v1, v2) = (Instance::new("v1", "a"), Instance::new("v2", "b"));
        recorder.call(Service::Letters, "ok", Some(&v1));
        recorder.call(Service::Letters, "ok", Some(&v1));
        recorder.call(Service::Letters, "ok", Some(&v2));
        recorder.call(Service::Letters, "timeout", None);
        recorder.call(Service::Rules, "failing", None);
        let letters = recorder.calls(Service::Letters);
        assert_eq!(letters.served, HashMap::from([(v1, 2), (v2, 1)]));
        assert_eq!(letters.outcomes, [3, 1, 0, 0, 0]);
        assert_eq!(recorder.calls(Service::Rules).outcomes, [0, 0, 0, 1, 0]);
        assert_eq!(recorder.calls(Service::Numbers), CallCounts::default());

        let mut registry = Registry::with_prefix("prizegen");
        recorder.register(&mut registry);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &registry).unwrap_or_default();
        assert!(
            text.contains(r#"prizegen_dependency_served_total{dependency="letters",served_by="v1@a"} 2"#),
            "{text}"
        );
        assert!(
            text.contains(r#"prizegen_dependency_served_total{dependency="letters",served_by="v2@b"} 1"#)
        );
    }

    #[test]
    fn campaigns_with_a_budget_have_gauges_and_the_others_none() {
        let recorder = Arc::new(Recorder::default());
        let mut registry = Registry::with_prefix("prizegen");
        recorder.register(&mut registry);
        let campaign = |slug: &str, budget| crate::store::Campaign {
            slug: slug.into(),
            name: "n".into(),
            venue: "v".into(),
            date: "2026-07-04".into(),
            game: "attack".into(),
            budget_pence: budget,
            spent_pence: 700,
            active: true,
        };
        recorder.campaigns(&[campaign("gig", Some(1000)), campaign("free", None)]);
        recorder.campaigns(&[campaign("gig", Some(1200))]);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &registry).unwrap_or_default();
        assert!(
            text.contains(r#"prizegen_campaign_budget_pence{campaign="gig",game="attack"} 1200"#),
            "{text}"
        );
        assert!(
            text.contains(r#"prizegen_campaign_spent_pence{campaign="gig",game="attack"} 700"#),
            "{text}"
        );
        assert!(!text.contains("free"), "{text}");
    }

    #[test]
    fn draws_are_taken_once() {
        let recorder = Recorder::default();
        recorder.draw(Duration::from_millis(2), false);
        recorder.draw(Duration::from_millis(4), true);
        let bucket = recorder.take_draws();
        assert_eq!((bucket.latency.len(), bucket.failed), (2, 1));
        assert_eq!(bucket.latency.value_at_quantile(1.0) / 1000, 4);
        assert_eq!(recorder.take_draws().latency.len(), 0, "taken");
        assert_eq!((recorder.draws_ok.get(), recorder.draws_failed.get()), (1, 1));
        let recorder = Arc::new(recorder);
        let mut registry = Registry::with_prefix("prizegen");
        recorder.register(&mut registry);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &registry).unwrap_or_default();
        assert!(text.contains("prizegen_draw_duration_seconds_count 2"), "{text}");
        assert!(text.contains(r#"prizegen_draws_total{outcome="failed"} 1"#), "{text}");
    }
}
