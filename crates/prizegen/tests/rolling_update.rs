#![allow(clippy::unwrap_used)] // test code: a panic is the failure report
//! The signature demonstration (SPEC §1, §7), on several hosts: a rolling update of every
//! service, v1 → v2, under load, with no failed request and no lost draw.
//!
//! Hosts are network namespaces built by the test, joined by a bridge in a "switch" namespace:
//!
//! ```text
//!   client 10.231.0.3  ── prizegen load, Chromium ──▶ lb 10.231.0.2:443 (nginx, the TLS edge;
//!                                                      :80 redirects to it)
//!   lb 10.231.0.2:8081-8083 (nginx, internal service addresses)
//!   app1 10.231.0.11, app2 10.231.0.12: frontend :8080, letters :8081, numbers :8082, rules :8083
//!   db 10.231.0.4:5432 (PostgreSQL)
//! ```
//!
//! The front ends reach letters, numbers and rules through the internal addresses on `lb`, as
//! they would through a Swarm VIP or a Kubernetes Service. Each replica is replaced in turn the
//! way an orchestrator does it: SIGTERM, wait until it has drained and exited, start the new one,
//! wait until it is ready. Then one front end is killed with SIGKILL under load, and what the
//! clients saw is reported.
//!
//! Before the update, the edge is checked as a user meets it: plain HTTP redirects to HTTPS
//! (but `/healthz`), `prizegen healthcheck` trusts the edge's certificate only with its CA, and
//! headless Chromium on the client host signs in to the admin pages over HTTPS at the edge's
//! address and creates a campaign — the `Secure` session cookie works there.
//!
//! Needs root, `ip`, nginx, PostgreSQL, openssl, chromium and chromium-driver; without them it is
//! skipped with a printed reason
//! (`SKIPPED <test>: <reason>` on standard error, see `support/skip.rs`), except in CI (`CI`
//! set), where that is a failure.

mod rolling;
#[path = "support/skip.rs"]
mod skip;

use rolling::http::{self, Response};
use rolling::net::{self, Network, PREFIX};
use rolling::nginx::{self, Layout};
use rolling::postgres::Postgres;
use rolling::sys::{self, Proc, Tools, wait_for};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_prizegen");

/// The hosts: role and the last byte of its address.
const HOSTS: [(&str, u8); 5] = [("lb", 2), ("client", 3), ("db", 4), ("app1", 11), ("app2", 12)];
/// The hosts that run the services.
const APPS: [&str; 2] = ["app1", "app2"];
/// The order of the rolling update: the generators and the rules first, the front end last.
const SERVICES: [&str; 4] = ["letters", "numbers", "rules", "frontend"];

/// How long a stopping replica keeps serving (not ready) before it stops accepting.
const DRAIN_DELAY: &str = "1s";
/// Concurrency of the load.
const CONCURRENCY: &str = "16";
/// The load during the rolling update; the update must be over well before it ends.
const ROLLING_LOAD: Duration = Duration::from_secs(45);
/// Load before the first replacement, so that every replica is busy when it is stopped.
const WARM_UP: Duration = Duration::from_secs(3);
/// The load during which a front end is killed, and when in it.
const KILL_LOAD: Duration = Duration::from_secs(10);
const KILL_AFTER: Duration = Duration::from_secs(4);

#[test]
fn a_rolling_update_under_load_fails_no_request() {
    let tools = match Tools::find() {
        Ok(tools) => tools,
        Err(reason) => return skip::because(&reason),
    };
    let Some(mut cluster) = Cluster::build(tools) else { return };
    cluster.start_everything();
    let edge = cluster.check_the_tls_edge();
    let rolling = cluster.rolling_update();
    let killed = cluster.kill_one_front_end();
    println!("\n==== figures ====\n{edge}\n{rolling}\n{killed}");
}

/// One running replica of a service.
struct Replica {
    service: &'static str,
    host: &'static str,
    /// 1 before the update, 2 after.
    generation: u32,
    process: Proc,
}

impl Replica {
    fn instance(&self) -> String {
        instance(self.service, self.host, self.generation)
    }
}

fn instance(service: &str, host: &str, generation: u32) -> String {
    format!("{service}-{host}-v{generation}")
}

fn port(service: &str) -> u16 {
    match service {
        "frontend" => 8080,
        other => nginx::INTERNAL.iter().find(|(s, _)| *s == other).map(|(_, p)| *p).unwrap(),
    }
}

/// The run's directory; removed last.
struct RunDir(PathBuf);

impl Drop for RunDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Everything the test started. Fields drop in order: clients and services first, then the load
/// balancer and the database, the hosts, and the files last.
struct Cluster {
    loads: Vec<Proc>,
    /// chromedriver, for the browser on the client host.
    helpers: Vec<Proc>,
    replicas: Vec<Replica>,
    /// Replicas that were replaced (exited), kept for their logs.
    retired: Vec<Replica>,
    nginx: Option<Proc>,
    postgres: Option<Postgres>,
    network: Network,
    tools: Tools,
    layout: Layout,
    token: String,
    dir: RunDir,
}

impl Cluster {
    /// The hosts, or `None` when network namespaces cannot be made here (skipped).
    fn build(tools: Tools) -> Option<Self> {
        let run = format!("{PREFIX}{}", std::process::id());
        // Not $TMPDIR: nginx's Unix sockets live here and their paths must stay short.
        let temp = PathBuf::from("/tmp");
        net::remove_leftovers(&tools.ip, &temp);
        let dir = temp.join(format!("{run}-{}", &uuid::Uuid::now_v7().simple().to_string()[24..]));
        std::fs::create_dir_all(dir.join("logs")).unwrap();
        // PostgreSQL runs as its own user and must be able to reach its directory.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut namespaces: Vec<String> = HOSTS.iter().map(|(h, _)| format!("{run}-{h}")).collect();
        namespaces.push(format!("{run}-sw"));
        net::watchdog(&tools.ip, &namespaces, &dir);
        let dir = RunDir(dir);
        let network = match Network::build(&tools.ip, &run, &HOSTS) {
            Ok(network) => network,
            Err(reason) => {
                skip::because(&format!("cannot create network namespaces: {reason}"));
                return None;
            }
        };
        println!("hosts: {} (namespaces {run}-*), files in {}", HOSTS.len(), dir.0.display());
        Some(Self {
            loads: Vec::new(),
            helpers: Vec::new(),
            replicas: Vec::new(),
            retired: Vec::new(),
            nginx: None,
            postgres: None,
            network,
            layout: Layout { dir: dir.0.join("nginx") },
            tools,
            token: uuid::Uuid::now_v7().simple().to_string(),
            dir,
        })
    }

    fn addr(&self, host: &str) -> &str {
        &self.network.host(host).addr
    }

    fn log(&self, name: &str) -> PathBuf {
        self.dir.0.join("logs").join(format!("{name}.log"))
    }

    /// PostgreSQL, nginx, and v1 of every service on both app hosts.
    fn start_everything(&mut self) {
        let started = Instant::now();
        self.postgres = Some(Postgres::start(&self.tools, &self.network, "db", &self.dir.0.join("pg")));

        let apps: Vec<&str> = APPS.iter().map(|a| self.addr(a)).collect();
        let conf = nginx::prepare(&self.layout, self.addr("lb"), &apps, self.addr("client"));
        let nginx_args = |test: bool| {
            let mut command = self.network.exec("lb", &self.tools.nginx);
            if test {
                command.arg("-t");
            }
            command
                .arg("-e")
                .arg(self.layout.error_log())
                .arg("-p")
                .arg(&self.layout.dir)
                .arg("-c")
                .arg(&conf);
            command
        };
        sys::run(&mut nginx_args(true));
        // TERM: nginx's fast shutdown, master and workers.
        let process =
            Proc::spawn("nginx", &mut nginx_args(false), &self.log("nginx"), None).stop_with("TERM");
        self.nginx = Some(process);
        let socket = self.layout.public_socket();
        let nginx_up = wait_for(Duration::from_secs(20), || socket.exists().then_some(()));
        assert!(nginx_up.is_some(), "nginx did not start: {}", sys::tail(&self.layout.error_log(), 20));

        for service in SERVICES {
            for host in APPS {
                self.spawn(service, host, 1);
            }
            // Both front ends migrate the database at once, as replicas of a deployment do.
            for host in APPS {
                self.wait_ready(service, host);
            }
        }
        println!("started PostgreSQL, nginx and 8 replicas in {:.1?}", started.elapsed());

        // Through the load balancer, v1 everywhere, and every replica takes part.
        let seen = self.draws_until_all_seen(1, 1);
        println!("before the update, draws were served by {seen:?}");
    }

    /// Starts one replica.
    fn spawn(&mut self, service: &'static str, host: &'static str, generation: u32) {
        let name = instance(service, host, generation);
        let mut command = self.network.exec(host, BINARY);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("PRIZEGEN_") || key == "RUST_LOG" {
                command.env_remove(key);
            }
        }
        command
            .args(["serve", service, "--listen", &format!("0.0.0.0:{}", port(service))])
            .env("PRIZEGEN_INSTANCE", &name)
            .env("PRIZEGEN_DRAIN_DELAY", DRAIN_DELAY)
            .env("PRIZEGEN_SHUTDOWN_TIMEOUT", "10s")
            .env("PRIZEGEN_LOG_FORMAT", "json")
            .env("PRIZEGEN_LOG", "info")
            .env("PRIZEGEN_ADMIN_TOKEN", &self.token)
            .env("PRIZEGEN_DATABASE_URL", self.postgres.as_ref().unwrap().url());
        // Generation 1 is the release before batching: front ends send every call alone and
        // letters, numbers and rules have no batch route. Generation 2 batches. So the update
        // runs old front ends against a mix of old and new services, then a mix of old and new
        // front ends against new services.
        if generation == 1 {
            command.env("PRIZEGEN_BATCH_MAX", "1").env("PRIZEGEN_BATCH_ROUTE", "off");
        }
        if service == "frontend" {
            let lb = self.addr("lb").to_owned();
            // The edge says which client it serves, and over which scheme.
            command.env("PRIZEGEN_TRUSTED_PROXIES", &lb);
            for (dependency, port) in nginx::INTERNAL {
                let key = format!("PRIZEGEN_{}_URL", dependency.to_uppercase());
                command.env(key, format!("http://{lb}:{port}"));
            }
        } else {
            command.env("PRIZEGEN_IMPL", format!("v{generation}"));
        }
        let process = Proc::spawn(&name, &mut command, &self.log(&name), None);
        self.replicas.push(Replica { service, host, generation, process });
    }

    fn replica(&mut self, service: &str, host: &str) -> &mut Replica {
        self.replicas
            .iter_mut()
            .find(|r| r.service == service && r.host == host)
            .unwrap_or_else(|| panic!("no {service} on {host}"))
    }

    /// A request to one replica directly, through nginx's probe door.
    fn probe(&self, host: &str, service: &str, path: &str) -> std::io::Result<Response> {
        probe(&self.layout, &self.network, host, service, path)
    }

    /// Waits until the replica answers `/healthz` as itself and `/readyz` with 200.
    fn wait_ready(&mut self, service: &str, host: &str) {
        let started = Instant::now();
        let replica = self.replica(service, host);
        let (name, generation) = (replica.instance(), replica.generation);
        let ready = wait_for(Duration::from_secs(60), || {
            let replica = self.replicas.iter_mut().find(|r| r.service == service && r.host == host).unwrap();
            if let Some(status) = replica.process.exited() {
                panic!("{name} exited ({status}) while starting; its log:\n{}", replica.process.tail(30));
            }
            let health = probe(&self.layout, &self.network, host, service, "/healthz")
                .ok()
                .filter(|r| r.status == 200)?;
            let body = health.json();
            assert_eq!((body["service"].as_str(), body["instance"].as_str()), (Some(service), Some(&*name)));
            if service != "frontend" {
                assert_eq!(body["impl"], format!("v{generation}"), "{name}: {body}");
            }
            let header = health.header("x-served-by").unwrap_or_default().to_owned();
            assert!(
                header.starts_with(&format!("{service}/")) && header.ends_with(&format!("@{name}")),
                "{header}"
            );
            probe(&self.layout, &self.network, host, service, "/readyz")
                .ok()
                .filter(|r| r.status == 200)
                .map(|_| ())
        });
        if ready.is_none() {
            let replica = self.replica(service, host);
            panic!("{name} was not ready within 60 s; its log:\n{}", replica.process.tail(30));
        }
        println!("  {name} ready after {:.1?}", started.elapsed());
    }

    /// One account-prize draw through the load balancer.
    fn draw(&self) -> Response {
        let body = json!({"game": "account-prize"}).to_string();
        http::request(&self.layout.public_socket(), "POST", "/api/v1/draws", &[], Some(&body)).unwrap()
    }

    /// Draws until every current replica has served one; asserts that every draw was served by
    /// generation `generators` of letters, numbers and rules and by a current front end.
    fn draws_until_all_seen(&self, generators: u32, front_ends: u32) -> BTreeSet<String> {
        let mut wanted = BTreeSet::new();
        for service in SERVICES {
            for host in APPS {
                let generation = if service == "frontend" { front_ends } else { generators };
                let label = if service == "frontend" {
                    env!("CARGO_PKG_VERSION").to_owned()
                } else {
                    format!("v{generation}")
                };
                wanted.insert(format!("{service}={label}@{}", instance(service, host, generation)));
            }
        }
        let mut seen = BTreeSet::new();
        for _ in 0..60 {
            let answer = self.draw();
            assert_eq!(answer.status, 201, "a draw: {}", answer.body);
            let draw = answer.json();
            for service in SERVICES {
                let served = format!("{service}={}", draw["served_by"][service].as_str().unwrap_or("?"));
                assert!(wanted.contains(&served), "served by {served}, expected one of {wanted:?}: {draw}");
                seen.insert(served);
            }
            if seen == wanted {
                return seen;
            }
        }
        panic!("60 draws were served by {seen:?}, not by all of {wanted:?}");
    }

    /// Starts `prizegen load` on the client host against the public address, over HTTPS,
    /// trusting the edge's CA.
    fn start_load(&mut self, name: &str, duration: Duration) -> usize {
        let url = format!("https://{}:{}", self.addr("lb"), nginx::PUBLIC_PORT);
        let ca = self.layout.tls_dir().join("tls_ca.pem");
        let mut command = self.network.exec("client", BINARY);
        command.arg("load").arg("--ca-cert").arg(ca).args([
            &url,
            "--game",
            "account-prize",
            "-c",
            CONCURRENCY,
            "--timeout",
            "10s",
            "--json",
        ]);
        command.arg("-d").arg(format!("{}s", duration.as_secs()));
        let out = self.dir.0.join(format!("{name}.json"));
        let process = Proc::spawn(name, &mut command, &self.log(name), Some(&out));
        self.loads.push(process);
        self.loads.len() - 1
    }

    /// Waits for a load run and returns its JSON summary.
    fn finish_load(&mut self, index: usize, name: &str) -> Value {
        let process = &mut self.loads[index];
        let status = process.wait_timeout(Duration::from_secs(120));
        assert!(status.is_some(), "the load did not finish; its log:\n{}", process.tail(20));
        let out = std::fs::read_to_string(self.dir.0.join(format!("{name}.json"))).unwrap();
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("the load's summary is not JSON ({e}): {out}\n{}", process.tail(20)))
    }

    fn draws_stored(&self) -> u64 {
        self.postgres.as_ref().unwrap().draws(&self.network, "db")
    }

    fn log_offsets(&self) -> [usize; 3] {
        [self.layout.public_log(), self.layout.internal_log(), self.layout.error_log()]
            .map(|log| std::fs::metadata(log).map(|m| m.len() as usize).unwrap_or(0))
    }

    /// The edge as a user meets it: HTTP redirects to HTTPS (but `/healthz`), the certificate is
    /// trusted only with its CA, and a browser on the client host signs in over HTTPS at the
    /// edge's address and creates a campaign.
    fn check_the_tls_edge(&mut self) -> String {
        println!("\n==== the TLS edge ====");
        let http_door = self.layout.http_socket();
        let redirect = http::request(&http_door, "GET", "/admin/sign-in?next=1", &[], None).unwrap();
        assert_eq!(redirect.status, 308, "plain HTTP is redirected: {redirect:?}");
        assert_eq!(redirect.header("location"), Some("https://lb/admin/sign-in?next=1"), "{redirect:?}");
        let health = http::request(&http_door, "GET", "/healthz", &[], None).unwrap();
        assert_eq!(health.status, 200, "load balancers may probe /healthz over HTTP: {health:?}");

        let lb = self.addr("lb").to_owned();
        let ca = self.layout.tls_dir().join("tls_ca.pem");
        let healthcheck = |trust: Option<&Path>| {
            let mut command = self.network.exec("client", BINARY);
            command.args(["healthcheck", &format!("https://{lb}/healthz")]);
            if let Some(ca) = trust {
                command.arg("--ca-cert").arg(ca);
            }
            command.output().unwrap()
        };
        let trusted = healthcheck(Some(&ca));
        assert!(trusted.status.success(), "{}", String::from_utf8_lossy(&trusted.stderr));
        let untrusted = healthcheck(None);
        let why = String::from_utf8_lossy(&untrusted.stderr);
        assert!(!untrusted.status.success() && why.contains("UnknownIssuer"), "not without its CA: {why}");

        let slug = format!("tls-{}", &uuid::Uuid::now_v7().simple().to_string()[24..]);
        self.browser_signs_in_and_creates(&lb, &slug);
        let created = http::request(
            &self.layout.public_socket(),
            "GET",
            &format!("/api/v1/campaigns/{slug}"),
            &[],
            None,
        );
        let created = created.unwrap();
        assert_eq!(created.status, 200, "the campaign the browser created: {created:?}");
        assert_eq!(created.json()["venue"], "The Edge");
        format!(
            "TLS edge: HTTP → 308 https (healthz 200), healthcheck trusts it with --ca-cert only; Chromium on \
             the client host signed in at https://{lb}/admin and created campaign {slug}"
        )
    }

    /// Headless Chromium on the client host: the admin pages over HTTPS at `lb`.
    fn browser_signs_in_and_creates(&mut self, lb: &str, slug: &str) {
        use fantoccini::Locator;
        let mut command = self.network.exec("client", &self.tools.chromedriver);
        command.arg(format!("--port={}", nginx::WEBDRIVER_PORT)).arg(format!("--allowed-ips={lb}"));
        let driver = Proc::spawn("chromedriver", &mut command, &self.log("chromedriver"), None);
        self.helpers.push(driver);
        let socket = self.layout.webdriver_socket();
        let up = wait_for(Duration::from_secs(20), || {
            http::request(&socket, "GET", "/status", &[], None).ok().filter(|r| r.status == 200).map(|_| ())
        });
        assert!(up.is_some(), "chromedriver did not start: {}", sys::tail(&self.log("chromedriver"), 20));
        let spki = rolling::browser::spki_hash(&self.layout.tls_dir().join("tls_cert"));
        let profile = self.dir.0.join("chromium-profile");
        let (chromium, token) = (self.tools.chromium.clone(), self.token.clone());
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let port = rolling::browser::forward_to(socket).await;
            let browser = rolling::browser::session(port, &chromium, &profile, &spki).await;
            let find = |css: &'static str| {
                browser.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css(css))
            };
            browser.goto(&format!("https://{lb}/admin")).await.unwrap();
            find("input#token").await.unwrap().send_keys(&token).await.unwrap();
            find("button#sign-in").await.unwrap().click().await.unwrap();
            // Signed in: the Secure session cookie came back over HTTPS.
            let form = find("#campaign-form").await.unwrap_or_else(|e| panic!("not signed in: {e}"));
            let url = browser.current_url().await.unwrap();
            assert_eq!((url.scheme(), url.host_str(), url.path()), ("https", Some(lb), "/admin"), "{url}");
            for (name, value) in [("slug", slug), ("name", "The Edge Band"), ("venue", "The Edge")] {
                let input = form.find(Locator::Css(&format!("input[name='{name}']"))).await.unwrap();
                input.clear().await.unwrap();
                input.send_keys(value).await.unwrap();
            }
            find("button#save").await.unwrap().click().await.unwrap();
            let row = find("#notice").await.unwrap().text().await.unwrap();
            assert!(row.contains(slug), "the page says it was created: {row}");
            browser.close().await.unwrap();
        });
    }

    /// Every service, replica by replica, v1 → v2, under load.
    fn rolling_update(&mut self) -> String {
        println!("\n==== rolling update under load ====");
        let stored_before = self.draws_stored();
        let logs = self.log_offsets();
        let load = self.start_load("rolling-load", ROLLING_LOAD);
        std::thread::sleep(WARM_UP);
        let update_started = Instant::now();
        let mut not_ready_seen = 0;
        for service in SERVICES {
            for host in APPS {
                assert!(
                    self.loads[load].exited().is_none(),
                    "the load ended before the update did; raise ROLLING_LOAD"
                );
                not_ready_seen += u32::from(self.replace(service, host));
            }
        }
        let update_took = update_started.elapsed();
        let still_loaded = self.loads[load].exited().is_none();
        assert!(still_loaded, "the load ended before the update did; raise ROLLING_LOAD");
        println!("rolling update of 8 replicas took {update_took:.1?}; waiting for the load to end");
        let summary = self.finish_load(load, "rolling-load");
        let stored = self.draws_stored() - stored_before;
        let nginx = NginxFigures::since(&self.layout, logs);
        println!("load summary: {summary:#}");

        let (requests, ok, failed) = counts(&summary);
        assert!(requests > 0, "{summary}");
        assert_eq!(failed, 0, "requests failed during the rolling update: {}", summary["errors"]);
        assert_eq!(ok, requests, "{summary}");
        // Every acknowledged draw is stored, exactly once: a request nginx had to retry carried an
        // Idempotency-Key, so a retry never drew twice.
        assert_eq!(stored, ok, "{ok} draws were acknowledged, {stored} were stored");

        // Afterwards: v2 of letters, numbers and rules and the new front ends, on both hosts.
        let seen = self.draws_until_all_seen(2, 2);
        println!("after the update, draws were served by {seen:?}");

        format!(
            "rolling update (8 replicas replaced one at a time in {update_took:.1?}, drain delay {DRAIN_DELAY}, \
             /readyz 503 observed during {not_ready_seen}/8 drains):\n  {}\n  draws stored: {stored} (= ok)\n  {nginx}",
            describe(&summary)
        )
    }

    /// Replaces one replica by the next generation; whether `/readyz` was seen answering 503
    /// while it drained.
    fn replace(&mut self, service: &'static str, host: &'static str) -> bool {
        let index = self.replicas.iter().position(|r| r.service == service && r.host == host).unwrap();
        let old = self.replicas.remove(index);
        let name = old.instance();
        let started = Instant::now();
        old.process.signal("TERM");
        self.retired.push(old);
        let mut not_ready = false;
        let status = loop {
            let old = self.retired.last_mut().unwrap();
            if let Some(status) = old.process.exited() {
                break status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{name} did not exit within 30 s of SIGTERM"
            );
            if !not_ready {
                not_ready = self.probe(host, service, "/readyz").is_ok_and(|r| r.status == 503);
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let old = self.retired.last().unwrap();
        assert!(
            status.success(),
            "{name} exited with {status} after SIGTERM; its log:\n{}",
            old.process.tail(30)
        );
        let (stopped, generation) = (started.elapsed(), old.generation + 1);
        self.spawn(service, host, generation);
        self.wait_ready(service, host);
        println!(
            "replaced {name} → {}: drained and exited after {stopped:.1?} (readyz 503 seen: {not_ready}), total {:.1?}",
            instance(service, host, generation),
            started.elapsed()
        );
        not_ready
    }

    /// SIGKILL one front end under load: report what clients saw; assert that the other one
    /// kept serving and that every acknowledged draw is stored.
    fn kill_one_front_end(&mut self) -> String {
        println!("\n==== kill -9 of one front end under load ====");
        let stored_before = self.draws_stored();
        let logs = self.log_offsets();
        let load = self.start_load("kill-load", KILL_LOAD);
        std::thread::sleep(KILL_AFTER);
        let victim = self.replica("frontend", "app1");
        let name = victim.instance();
        assert!(victim.process.exited().is_none(), "{name} is running");
        victim.process.kill();
        assert!(victim.process.wait_timeout(Duration::from_secs(10)).is_some(), "{name} survived SIGKILL");
        println!("killed {name} (SIGKILL)");
        let summary = self.finish_load(load, "kill-load");
        let stored = self.draws_stored() - stored_before;
        let nginx = NginxFigures::since(&self.layout, logs);
        println!("load summary: {summary:#}");

        let (requests, ok, _failed) = counts(&summary);
        assert!(requests > 0 && ok > 0, "{summary}");
        assert!(stored >= ok, "{ok} draws were acknowledged, only {stored} were stored");
        // The survivor serves every draw now.
        let survivor = instance("frontend", "app2", 2);
        for _ in 0..6 {
            let answer = self.draw();
            assert_eq!(answer.status, 201, "a draw after the kill: {}", answer.body);
            let by = answer.json()["served_by"]["frontend"].as_str().unwrap_or_default().to_owned();
            assert!(by.ends_with(&format!("@{survivor}")), "served by {by}, not {survivor}");
        }
        format!(
            "kill -9 of {name} {}s into a {}s load:\n  {}\n  draws stored: {stored} (acknowledged: {ok})\n  {nginx}",
            KILL_AFTER.as_secs(),
            KILL_LOAD.as_secs(),
            describe(&summary)
        )
    }
}

/// A GET to one replica directly, through nginx's probe door.
fn probe(
    layout: &Layout,
    network: &Network,
    host: &str,
    service: &str,
    path: &str,
) -> std::io::Result<Response> {
    let target = format!("{}:{}", network.host(host).addr, port(service));
    http::request(&layout.probe_socket(), "GET", path, &[("X-Probe", target.as_str())], None)
}

fn counts(summary: &Value) -> (u64, u64, u64) {
    let n = |key: &str| summary[key].as_u64().unwrap_or_else(|| panic!("{key} in {summary}"));
    (n("requests"), n("ok"), n("failed"))
}

/// One line of figures from a load summary.
fn describe(summary: &Value) -> String {
    let l = &summary["latency_ms"];
    format!(
        "requests {} ok {} failed {} errors {} in {:.1} s, {:.1} req/s, latency ms p50 {:.1} p99 {:.1} max {:.1}",
        summary["requests"],
        summary["ok"],
        summary["failed"],
        summary["errors"],
        summary["duration_s"].as_f64().unwrap_or_default(),
        summary["throughput_per_s"].as_f64().unwrap_or_default(),
        l["p50"].as_f64().unwrap_or_default(),
        l["p99"].as_f64().unwrap_or_default(),
        l["max"].as_f64().unwrap_or_default(),
    )
}

/// What nginx's access logs say about a phase: how often it had to try a second replica.
struct NginxFigures {
    public: usize,
    public_retried: usize,
    public_replayed: usize,
    public_not_2xx: usize,
    internal: usize,
    internal_retried: usize,
    internal_not_2xx: usize,
    /// Why nginx passed a request on, from its error log: (upstream, cause) → how often.
    causes: std::collections::BTreeMap<(String, String), usize>,
}

impl NginxFigures {
    fn since(layout: &Layout, offsets: [usize; 3]) -> Self {
        let (public, _) = nginx::lines_since(&layout.public_log(), offsets[0]);
        let (internal, _) = nginx::lines_since(&layout.internal_log(), offsets[1]);
        let retried = |lines: &[String]| lines.iter().filter(|l| l.contains(", ")).count();
        let not_2xx = |lines: &[String]| {
            lines.iter().filter(|l| !l.split(' ').nth(4).is_some_and(|s| s.starts_with('2'))).count()
        };
        Self {
            public: public.len(),
            public_retried: retried(&public),
            public_replayed: public.iter().filter(|l| l.contains("replayed=true")).count(),
            public_not_2xx: not_2xx(&public),
            internal: internal.len(),
            internal_retried: retried(&internal),
            internal_not_2xx: not_2xx(&internal),
            causes: nginx::error_causes(&layout.error_log(), offsets[2]),
        }
    }
}

impl std::fmt::Display for NginxFigures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "nginx: {} public requests, {} passed to a second front end ({} answered as an idempotent replay), \
             {} not 2xx; {} internal calls, {} passed to a second replica, {} not 2xx",
            self.public,
            self.public_retried,
            self.public_replayed,
            self.public_not_2xx,
            self.internal,
            self.internal_retried,
            self.internal_not_2xx
        )?;
        for ((upstream, cause), n) in &self.causes {
            write!(f, "\n    {n} × {upstream}: {cause}")?;
        }
        Ok(())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        // A failure: show what the processes said before everything is removed.
        let mut logs: Vec<PathBuf> = std::fs::read_dir(self.dir.0.join("logs"))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        logs.sort();
        logs.push(self.layout.error_log());
        logs.push(self.dir.0.join("pg").join("postgres.log"));
        for log in logs {
            eprintln!("---- {} (last lines) ----\n{}", display(&log), sys::tail(&log, 15));
        }
    }
}

fn display(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
