//! Assembling one service: its routes plus the common ones, its identity and lifecycle.
//! The CLI and the tests both start services through here.

use crate::frontend::{Frontend, FrontendConfig, FrontendReadiness};
use crate::server::health::AlwaysReady;
use crate::server::{self, Identity, Lifecycle, Metrics, ServeOptions};
use prizegen_domain::fairness::Service;
use prizegen_domain::games::Impl;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// The front end's version, its "implementation" in `served_by`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// No request may take longer than this, whatever hangs underneath.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A service ready to serve.
pub struct App {
    /// Who it is.
    pub identity: Arc<Identity>,
    /// All its routes and middleware.
    pub router: axum::Router,
    /// Its draining flag, shared with `/readyz`.
    pub lifecycle: Arc<Lifecycle>,
}

impl App {
    /// Serves on `listener` until `shutdown`, then drains (see [`server::serve`]).
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()>,
        options: ServeOptions,
    ) {
        use tracing::Instrument;
        let span = tracing::info_span!("serve", service = self.identity.service);
        server::serve(listener, self.router, shutdown, self.lifecycle, options).instrument(span).await;
    }
}

/// Services 2–4; `batch_route` false serves the contract as instances from before the batch
/// route did (for interoperability tests).
pub fn generator(
    service: Service,
    imp: Impl,
    instance: Option<String>,
    batch_route: bool,
) -> anyhow::Result<App> {
    let identity = Arc::new(Identity::new(service.as_str(), imp.as_str(), instance)?);
    let routes = match service {
        Service::Letters => crate::letters::routes(imp, batch_route),
        Service::Numbers => crate::numbers::routes(imp, batch_route),
        Service::Rules => crate::rules::routes(imp, batch_route),
    };
    // Fault switches act on the contract's calls, not on health and metrics.
    let routes = routes.layer(axum::middleware::from_fn(server::faults::apply));
    let metrics = Arc::new(Metrics::new(|_| {}));
    let lifecycle = Arc::new(Lifecycle::default());
    let router = server::with_common_routes(
        routes,
        identity.clone(),
        lifecycle.clone(),
        Arc::new(AlwaysReady),
        metrics,
        REQUEST_TIMEOUT,
        // Services 2–4 are called by the front ends only; their log names the caller.
        server::forwarded::TrustedProxies::default(),
    );
    Ok(App { identity, router, lifecycle })
}

/// Service 1: opens the database (migrating it) and loads the current seed.
pub async fn frontend(config: &FrontendConfig, instance: Option<String>) -> anyhow::Result<App> {
    let identity = Arc::new(Identity::new("frontend", VERSION, instance)?);
    let recorder = Arc::new(crate::frontend::live::record::Recorder::default());
    let metrics = Arc::new(Metrics::new(|registry| {
        crate::store::register_metrics(registry);
        recorder.register(registry);
    }));
    let lifecycle = Arc::new(Lifecycle::default());
    let front =
        Frontend::start(config, identity.clone(), metrics.clone(), recorder, lifecycle.clone()).await?;
    let front = Arc::new(front);
    let router = server::with_common_routes(
        crate::frontend::router::routes(front.clone()),
        identity.clone(),
        lifecycle.clone(),
        Arc::new(FrontendReadiness(front)),
        metrics,
        REQUEST_TIMEOUT,
        config.trusted_proxies.clone(),
    );
    Ok(App { identity, router, lifecycle })
}
