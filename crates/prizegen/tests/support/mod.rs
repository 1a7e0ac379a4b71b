//! Test harness: the four services on loopback port 0, talking real HTTP, with a real SQLite
//! file. Shared by the API and browser test binaries.
#![allow(dead_code)] // each test binary uses a different part

pub mod databases;
pub mod skip;
pub mod watchdog;

pub use databases::Backend;

use prizegen::app;
use prizegen::frontend::FrontendConfig;
use prizegen::server::ServeOptions;
use prizegen::store::{DatabaseUrl, Store};
use prizegen_domain::fairness::{ServerSeed, Service};
use prizegen_domain::games::Impl;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The operator token every test app uses.
pub const ADMIN_TOKEN: &str = "test-operator-token";

/// Pool settings for tests.
pub fn sql_options() -> prizegen::store::SqlOptions {
    prizegen::store::SqlOptions { pool_size: 10, timeout: Duration::from_secs(5) }
}

/// The worked example's seed: the bytes 0x00..0x1f.
pub fn example_seed() -> ServerSeed {
    ServerSeed::from_bytes(std::array::from_fn(|i| i as u8))
}

/// How to start a test app.
#[derive(Clone)]
pub struct Options {
    /// letters, numbers, rules.
    pub impls: [Impl; 3],
    /// Deadline of each call between services.
    pub call_timeout: Duration,
    /// Make this the current seed before the front end starts (a new database only).
    pub seed: Option<ServerSeed>,
    /// Point the front end at these instead of the real services (e.g. a black hole).
    pub override_urls: [Option<String>; 3],
    /// How services shut down.
    pub serve: ServeOptions,
    /// Nonces per database reservation.
    pub nonce_block: u64,
    /// Use this database instead of a fresh one of the binary's backend.
    pub database: Option<DatabaseUrl>,
    /// Whose `X-Forwarded-*` the front end believes.
    pub trusted_proxies: prizegen::server::forwarded::TrustedProxies,
    /// How the front end batches its calls.
    pub batch: prizegen::frontend::batch::Config,
    /// Whether letters, numbers and rules serve the batch route (false: as before it).
    pub batch_route: bool,
    /// How often `/live` is updated.
    pub live_interval: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            impls: [Impl::V1; 3],
            call_timeout: Duration::from_secs(2),
            seed: None,
            override_urls: [None, None, None],
            serve: ServeOptions { drain_delay: Duration::ZERO, shutdown_timeout: Duration::from_secs(5) },
            nonce_block: prizegen::frontend::nonces::BLOCK,
            database: None,
            trusted_proxies: Default::default(),
            batch: Default::default(),
            batch_route: true,
            live_interval: Duration::from_secs(1),
        }
    }
}

/// One running service.
struct Running {
    addr: SocketAddr,
    task: JoinHandle<()>,
    stop: Option<oneshot::Sender<()>>,
}

async fn start(app: app::App, listener: TcpListener, options: ServeOptions) -> Running {
    let addr = listener.local_addr().expect("a bound address");
    let (stop, stopped) = oneshot::channel::<()>();
    let trigger = async move {
        let _ = stopped.await;
    };
    let task = tokio::spawn(app.serve(listener, trigger, options));
    Running { addr, task, stop: Some(stop) }
}

/// All four services and an HTTP client.
pub struct TestApp {
    /// Holds the SQLite file; removed when the test ends.
    pub dir: tempfile::TempDir,
    /// The database.
    pub database: DatabaseUrl,
    /// `http://127.0.0.1:PORT` of the front end.
    pub url: String,
    /// A client with a deadline, so a hanging server fails the test instead of hanging it.
    pub http: reqwest::Client,
    /// How it was started.
    pub options: Options,
    generators: Vec<(Service, Running)>,
    frontend: Option<Running>,
    /// More front ends on the same database, as replicas.
    replicas: Vec<Running>,
}

impl TestApp {
    /// All v1, a fresh database; `None` when the test is skipped (see [`Self::spawn_with`]).
    pub async fn spawn() -> Option<Self> {
        Self::spawn_with(Options::default()).await
    }

    /// As `options` say. `None` when the binary's database server is not installed: the skip
    /// has been reported ([`skip`]) and the test returns, `let Some(app) = … else { return };`.
    pub async fn spawn_with(options: Options) -> Option<Self> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let database = match &options.database {
            Some(url) => url.clone(),
            None => databases::fresh_database(crate::BACKEND, dir.path())?,
        };
        if let Some(seed) = &options.seed {
            let store = Store::open(&database, sql_options()).await.expect("the test database opens");
            let record = store.current_seed_or_insert(seed.clone()).await.expect("the seed is stored");
            assert_eq!(record.hash, seed.commitment(), "the database was new, so this seed is current");
        }
        let mut generators = Vec::new();
        for (service, imp) in Service::ALL.into_iter().zip(options.impls) {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
            let app = app::generator(service, imp, None, options.batch_route).expect("a generator app");
            generators.push((service, start(app, listener, options.serve).await));
        }
        // The servers close a keep-alive connection idle for 10 s (their header read timeout);
        // the client lets its idle ones go sooner, so it never sends on one being closed (a test
        // that waits for the next minute saw `IncompleteMessage` from that race).
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .pool_idle_timeout(Duration::from_secs(5))
            .build()
            .expect("a client");
        let mut test_app = Self {
            dir,
            database,
            url: String::new(),
            http,
            options,
            generators,
            frontend: None,
            replicas: Vec::new(),
        };
        test_app.start_frontend(None).await;
        Some(test_app)
    }

    fn frontend_config(&self) -> FrontendConfig {
        let url = |i: usize| {
            self.options.override_urls[i]
                .clone()
                .unwrap_or_else(|| format!("http://{}", self.generators[i].1.addr))
        };
        FrontendConfig {
            database: self.database.clone(),
            database_options: prizegen::store::SqlOptions { pool_size: 10, timeout: Duration::from_secs(5) },
            letters_url: url(0),
            numbers_url: url(1),
            rules_url: url(2),
            call_timeout: self.options.call_timeout,
            batch: self.options.batch,
            admin_token: Some(ADMIN_TOKEN.to_owned()),
            nonce_block: self.options.nonce_block,
            trusted_proxies: self.options.trusted_proxies.clone(),
            live_interval: self.options.live_interval,
        }
    }

    async fn start_frontend(&mut self, addr: Option<SocketAddr>) {
        let listener = TcpListener::bind(addr.unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0))))
            .await
            .expect("a loopback port");
        let app = app::frontend(&self.frontend_config(), None).await.expect("the front end starts");
        let running = start(app, listener, self.options.serve).await;
        self.url = format!("http://{}", running.addr);
        self.frontend = Some(running);
    }

    /// Starts another front end on the same database and services (a replica); returns its URL.
    pub async fn add_replica(&mut self) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let app = app::frontend(&self.frontend_config(), None).await.expect("the replica starts");
        let running = start(app, listener, self.options.serve).await;
        let url = format!("http://{}", running.addr);
        self.replicas.push(running);
        url
    }

    /// Asks the front end to shut down gracefully; returns when it has.
    pub async fn stop_frontend(&mut self) {
        let mut old = self.frontend.take().expect("a running front end");
        let _ = old.stop.take().expect("not stopped yet").send(());
        old.task.await.expect("the front end stopped cleanly");
    }

    /// Stops the front end gracefully and starts a new one on the same port and database.
    pub async fn restart_frontend(&mut self) {
        let mut old = self.frontend.take().expect("a running front end");
        let _ = old.stop.take().expect("not stopped yet").send(());
        old.task.await.expect("the front end stopped cleanly");
        self.start_frontend(Some(old.addr)).await;
    }

    fn generator(&mut self, service: Service) -> &mut Running {
        &mut self.generators.iter_mut().find(|(s, _)| *s == service).expect("a known service").1
    }

    /// Kills a service: its listener and every connection close at once, like `kill -9`.
    pub async fn kill(&mut self, service: Service) {
        let running = self.generator(service);
        running.task.abort();
        let _ = (&mut running.task).await;
    }

    /// Starts a killed service again on its old port, with `imp`.
    pub async fn restart(&mut self, service: Service, imp: Impl) {
        let options = self.options.serve;
        let addr = self.generator(service).addr;
        let listener = TcpListener::bind(addr).await.expect("the old port is free again");
        let app = app::generator(service, imp, None, self.options.batch_route).expect("a generator app");
        *self.generator(service) = start(app, listener, options).await;
    }

    /// Asks a generator to shut down gracefully (it drains as configured).
    pub fn stop_gracefully(&mut self, service: Service) {
        if let Some(stop) = self.generator(service).stop.take() {
            let _ = stop.send(());
        }
    }

    /// Base URL of a generator.
    pub fn service_url(&mut self, service: Service) -> String {
        format!("http://{}", self.generator(service).addr)
    }

    /// `POST /api/v1/draws` with `body`.
    pub async fn post_draw(&self, body: Value) -> reqwest::Response {
        self.http
            .post(format!("{}/api/v1/draws", self.url))
            .json(&body)
            .send()
            .await
            .expect("the front end answers")
    }

    /// An account-prize draw that must succeed; returns its JSON.
    pub async fn draw(&self) -> Value {
        let response = self.post_draw(json!({"game": "account-prize"})).await;
        assert_eq!(response.status(), 201, "a draw is created");
        response.json().await.expect("a JSON draw")
    }

    /// A prize-pool sequence that must be generated; returns its text.
    pub async fn generate_sequence(&self) -> String {
        let response = self.http.post(format!("{}/api/v1/prize-pool/sequences", self.url)).json(&json!({}));
        let response = response.send().await.expect("the front end answers");
        assert_eq!(response.status(), 201, "a sequence is generated");
        let generated: Value = response.json().await.expect("a JSON sequence");
        generated["sequence"].as_str().expect("its text").to_owned()
    }

    /// Claims a prize-pool sequence, which must succeed; returns the claim's draw.
    pub async fn claim_sequence(&self, sequence: &str) -> Value {
        let url = format!("{}/api/v1/prize-pool/sequences/{sequence}/claim", self.url);
        let response = self.http.post(url).send().await.expect("the front end answers");
        assert_eq!(response.status(), 200, "the sequence is claimed");
        response.json().await.expect("a JSON draw")
    }

    /// `GET` a front-end path.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(format!("{}{path}", self.url)).send().await.expect("the front end answers")
    }
}

/// Checks the error shape `{"error": {"code", "message"}}` and returns the code.
pub async fn error_code(response: reqwest::Response) -> (u16, String, Value) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("errors are JSON");
    let code = body["error"]["code"].as_str().expect("error.code is a string").to_owned();
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "error.message: {body}");
    (status, code, body)
}

/// Runs `sql` on the app's database directly, past the front end — as someone with the
/// database's password could (the tamper tests); the number of rows it changed.
pub async fn tamper(database: &DatabaseUrl, sql: &str) -> u64 {
    match database {
        DatabaseUrl::Sqlite(path) => {
            let conn = rusqlite::Connection::open(path).expect("the SQLite file opens");
            conn.busy_timeout(Duration::from_secs(5)).unwrap();
            conn.execute(sql, []).unwrap_or_else(|e| panic!("{sql}: {e}")) as u64
        }
        DatabaseUrl::Postgres(url) | DatabaseUrl::MySql(url) => {
            use sqlx::Executor;
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(url.as_str()).await.expect("the database server answers");
            let done = pool.execute(sqlx::AssertSqlSafe(sql.to_owned())).await;
            let changed = done.unwrap_or_else(|e| panic!("{sql}: {e}")).rows_affected();
            pool.close().await;
            changed
        }
    }
}
