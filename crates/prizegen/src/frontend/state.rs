//! The front end's shared state: its database, its clients of services 2–4, the current seed,
//! and who may act as the operator; built once at start, shared by every handler.

use super::auth::{OperatorToken, Sessions};
use super::clients::{Dependencies, ServiceClient};
use super::nonces;
use crate::server::health::ReadyReport;
use crate::server::{Identity, Metrics, Readiness, RequestId};
use crate::store::{DatabaseUrl, Store};
use prizegen_domain::fairness::Service;
use serde_json::{Map, Value};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// What the front end needs to start.
#[derive(Clone, Debug)]
pub struct FrontendConfig {
    /// Where draws are stored.
    pub database: DatabaseUrl,
    /// Pool size and statement time limit (database servers only).
    pub database_options: crate::store::SqlOptions,
    /// Base URL of the letters service.
    pub letters_url: String,
    /// Base URL of the numbers service.
    pub numbers_url: String,
    /// Base URL of the rules service.
    pub rules_url: String,
    /// Deadline of each call to services 2–4.
    pub call_timeout: Duration,
    /// How calls to services 2–4 are batched.
    pub batch: super::batch::Config,
    /// The operator's secret; without one, operator calls are always refused.
    pub admin_token: Option<String>,
    /// Whose `X-Forwarded-For`/`-Proto` are believed (the edge's addresses); none by default.
    pub trusted_proxies: crate::server::forwarded::TrustedProxies,
    /// Nonces reserved per database round trip (see `nonces.rs`); [`nonces::BLOCK`] normally.
    pub nonce_block: u64,
    /// How often `/live` is updated.
    pub live_interval: Duration,
}

/// The front end's shared state.
pub struct Frontend {
    /// This instance, for `served_by`.
    pub identity: Arc<Identity>,
    /// The database.
    pub store: Store,
    /// Services 2–4.
    pub deps: Dependencies,
    /// The current seed and its nonces.
    pub nonces: nonces::NonceSource,
    /// Who may call operator endpoints.
    pub operator: OperatorToken,
    /// The admin pages' signed sessions.
    pub sessions: Sessions,
    /// Password hashing and the players' form key.
    pub players: super::players::Players,
    /// The last revealed seed's Merkle leaves, for inclusion proofs.
    pub trees: super::audit::Trees,
    /// The public statistics' last answers.
    pub stats: super::stats::StatsCache,
    /// The operator's fault switches for services 2–4.
    pub faults: Arc<super::faults::FaultSwitches>,
    /// What `/live` shows.
    pub live: Arc<super::live::Live>,
}

impl Frontend {
    /// Opens the database, loads (or creates) the current seed, and builds the clients.
    pub async fn start(
        config: &FrontendConfig,
        identity: Arc<Identity>,
        metrics: Arc<Metrics>,
        recorder: Arc<super::live::record::Recorder>,
        lifecycle: Arc<crate::server::Lifecycle>,
    ) -> anyhow::Result<Self> {
        use anyhow::Context;
        let store = Store::open(&config.database, config.database_options).await?;
        let (nonces, seed) = nonces::NonceSource::start(store.clone(), config.nonce_block)
            .await
            .context("loading the server seed")?;
        tracing::info!(commitment = %seed.hash, "current server seed loaded");
        // The operator's fault switches, as the audit log has them; read again every second.
        let faults = Arc::new(super::faults::FaultSwitches::default());
        faults.load(&store).await.context("reading the fault switches")?;
        super::faults::FaultSwitches::keep_loading(Arc::downgrade(&faults), store.clone());
        let client = |service, url: &str| {
            let fault = faults.of(service).clone();
            let (timeout, batch) = (config.call_timeout, config.batch);
            ServiceClient::new(service, url, timeout, batch, fault, metrics.clone(), recorder.clone())
        };
        let deps = Dependencies {
            letters: client(Service::Letters, &config.letters_url),
            numbers: client(Service::Numbers, &config.numbers_url),
            rules: client(Service::Rules, &config.rules_url),
        };
        let live = super::live::Live::new(
            recorder,
            identity.served_by(),
            deps.clone(),
            store.clone(),
            faults.clone(),
            lifecycle,
            config.live_interval,
            config.call_timeout,
        );
        live.start();
        let operator = OperatorToken::new(config.admin_token.as_deref());
        let sessions = Sessions::new(config.admin_token.as_deref());
        if !operator.is_configured() {
            tracing::warn!("no PRIZEGEN_ADMIN_TOKEN: operator calls will be refused");
        }
        let players = super::players::Players::start(&store).await?;
        // A seed revealed but left unsealed (a stop between the two) is sealed now, aside.
        let unsealed = store.clone();
        tokio::spawn(async move {
            if let Err(error) = super::audit::seal_unsealed(&unsealed).await {
                tracing::error!(%error, "sealing revealed seeds failed; the next start tries again");
            }
        });
        Ok(Self {
            identity,
            store,
            deps,
            nonces,
            operator,
            sessions,
            players,
            trees: Default::default(),
            stats: Default::default(),
            faults,
            live,
        })
    }
}

/// How long readiness waits for each generator's `/healthz`.
const PROBE_TIMEOUT: Duration = Duration::from_millis(300);

/// Ready when the database answers; the services' state is reported but does not decide, so a
/// generator outage does not take the pages (and the 503s that explain it) out of the balancer.
pub struct FrontendReadiness(pub Arc<Frontend>);

impl Readiness for FrontendReadiness {
    fn check(&self) -> Pin<Box<dyn Future<Output = ReadyReport> + Send + '_>> {
        Box::pin(async move {
            let front = &self.0;
            let limit = Duration::from_secs(1);
            let database = tokio::time::timeout(limit, front.store.ping()).await;
            let ready = matches!(database, Ok(Ok(())));
            let mut checks = Map::new();
            let text = match database {
                Ok(Ok(())) => "ok".to_owned(),
                Ok(Err(e)) => crate::server::error::ErrorChain(&e).to_string(),
                Err(_) => format!("no answer within {limit:?}"),
            };
            checks.insert("database".into(), Value::String(text));
            let request_id = RequestId::generate();
            // A short deadline of its own: a hung generator must not make the probe itself slow.
            let probes = front.deps.all().map(|client| client.served_by_within(&request_id, PROBE_TIMEOUT));
            let [l, n, r] = probes;
            let (l, n, r) = tokio::join!(l, n, r);
            for (client, probe) in front.deps.all().into_iter().zip([l, n, r]) {
                let text = probe.map_or_else(|e| format!("down: {e}"), |by| format!("ok: {by}"));
                checks.insert(client.service().as_str().into(), Value::String(text));
            }
            ReadyReport { ready, checks }
        })
    }
}
