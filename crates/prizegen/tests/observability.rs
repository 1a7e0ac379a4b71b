#![allow(clippy::unwrap_used)] // test code: a panic is the failure report
//! deploy/observability judged by a real Prometheus (Debian's `prometheus` package): the four
//! services run as separate `prizegen serve` processes under load; Prometheus scrapes them with
//! the deploy file's jobs and evaluates the deploy file's alert rules; every query of the
//! Grafana dashboard must return data, and a spent campaign budget alone fires; then numbers is
//! killed, and the alerts that say so must fire. (`promtool check`/`test rules` run in deploy/validate.sh, `tests/deploy_files.rs`.)
//!
//! The copy of the rules Prometheus loads here has each `for:` cut to 2 s (so the test waits
//! seconds, not minutes) and is otherwise as written; scrapes and evaluations are every second.
//!
//! Without `prometheus` the test is skipped with a printed reason, except in CI (`CI` set),
//! where it fails.

#[path = "support/skip.rs"]
mod skip;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_prizegen");
const TOKEN: &str = "observability-test-token";

fn observability_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../deploy/observability")
}

/// A child process, killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `prizegen serve <service>` on a free loopback port; its address, from its "serving" line.
fn serve(service: &str, extra: &[&str], env: &[(&str, String)]) -> (Process, String) {
    let mut command = Command::new(BINARY);
    command.args(["--log-format", "json", "serve", service, "--listen", "127.0.0.1:0"]).args(extra);
    command.env("PRIZEGEN_ADMIN_TOKEN", TOKEN).stdout(Stdio::null()).stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("prizegen starts");
    let stderr = child.stderr.take().unwrap();
    let process = Process(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let log: Value = serde_json::from_str(&line).unwrap_or_default();
            if log["message"] == "serving" {
                let _ = tx.send(log["address"].as_str().unwrap_or_default().to_owned());
            }
        }
    });
    let address =
        rx.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|_| panic!("{service} did not start"));
    (process, address)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The deploy file's rules with every `for:` cut to 2 s.
fn fast_rules(dir: &Path) -> PathBuf {
    let rules = std::fs::read_to_string(observability_dir().join("alerts.yml")).unwrap();
    let mut cut = 0;
    let fast: Vec<String> = rules
        .lines()
        .map(|line| match line.trim_start().strip_prefix("for: ") {
            Some(_) => {
                cut += 1;
                format!("{}for: 2s", &line[..line.len() - line.trim_start().len()])
            }
            None => line.to_owned(),
        })
        .collect();
    assert!(cut >= 4, "the rules have `for:` durations to cut");
    let path = dir.join("alerts.yml");
    std::fs::write(&path, fast.join("\n")).unwrap();
    path
}

/// A Prometheus config with the deploy file's jobs, each pointed at the loopback address of
/// its service here.
fn config(dir: &Path, targets: &[(&str, &str)], rules: &Path) -> PathBuf {
    let deployed = std::fs::read_to_string(observability_dir().join("prometheus.yml")).unwrap();
    let mut text = format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - {}\nscrape_configs:\n",
        rules.display()
    );
    for (job, address) in targets {
        assert!(deployed.contains(&format!("- job_name: {job}\n")), "the deploy file scrapes {job}");
        text.push_str(&format!(
            "  - job_name: {job}\n    static_configs:\n      - targets: [\"{address}\"]\n"
        ));
    }
    let path = dir.join("prometheus.yml");
    std::fs::write(&path, text).unwrap();
    path
}

async fn query(http: &reqwest::Client, prometheus: &str, expr: &str) -> Vec<Value> {
    let url = format!("{prometheus}/api/v1/query");
    let answer: Value = http.post(url).form(&[("query", expr)]).send().await.unwrap().json().await.unwrap();
    assert_eq!(answer["status"], "success", "{expr}: {answer}");
    answer["data"]["result"].as_array().cloned().unwrap_or_default()
}

/// Polls `check` every half second until it returns `Some`; panics with `what` and the last
/// `None`'s reason after `within` (a watchdog for a loaded machine, not a timing requirement).
async fn eventually<T, F: AsyncFnMut() -> Result<T, String>>(
    what: &str,
    within: Duration,
    mut check: F,
) -> T {
    let started = Instant::now();
    loop {
        match check().await {
            Ok(found) => return found,
            Err(why) if started.elapsed() > within => panic!("{what}: {why}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
}

/// The alerts firing now: each one's name and what it is about (its dependency, job or
/// campaign).
async fn firing(http: &reqwest::Client, prometheus: &str) -> Vec<(String, String)> {
    let alerts: Value =
        http.get(format!("{prometheus}/api/v1/alerts")).send().await.unwrap().json().await.unwrap();
    alerts["data"]["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["state"] == "firing")
        .map(|a| {
            let labels = &a["labels"];
            let about = ["dependency", "job", "campaign"]
                .iter()
                .find_map(|k| labels[*k].as_str())
                .unwrap_or_default();
            (labels["alertname"].as_str().unwrap().to_owned(), about.to_owned())
        })
        .collect()
}

#[tokio::test]
async fn prometheus_scrapes_every_service_every_panel_has_data_and_alerts_fire() {
    let Some(prometheus_bin) =
        ["/usr/bin/prometheus", "/usr/local/bin/prometheus"].into_iter().find(|p| Path::new(p).is_file())
    else {
        skip::because("prometheus is not installed (apt-get install prometheus)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();

    let (letters, letters_at) = serve("letters", &[], &[]);
    let (numbers, numbers_at) = serve("numbers", &[], &[]);
    let (rules, rules_at) = serve("rules", &[], &[]);
    let database = format!("sqlite://{}", dir.path().join("prizegen.db").display());
    let (frontend, frontend_at) = serve(
        "frontend",
        &[
            "--database-url",
            &database,
            "--letters-url",
            &format!("http://{letters_at}"),
            "--numbers-url",
            &format!("http://{numbers_at}"),
            "--rules-url",
            &format!("http://{rules_at}"),
            "--call-timeout",
            "500ms",
        ],
        &[],
    );
    let front = format!("http://{frontend_at}");
    // Two campaigns with a budget: "gig"'s is spent within seconds by the load below, "roomy"'s
    // never is.
    for (slug, budget) in [("gig", 100_000_u64), ("roomy", 1_000_000_000_000_000)] {
        let campaign = json!({"slug": slug, "name": "Gig", "venue": "Hall", "date": "2026-07-04",
                              "game": "account-prize", "budget_pence": budget, "active": true});
        let created = http.post(format!("{front}/api/v1/campaigns")).bearer_auth(TOKEN).json(&campaign);
        assert_eq!(created.send().await.unwrap().status(), 201);
    }

    // Load until the end: draws of the default campaign and of the campaign.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut load = Vec::new();
    for body in [json!({"game": "account-prize"}), json!({"game": "account-prize", "campaign": "gig"})] {
        let (http, url, stopped) = (http.clone(), format!("{front}/api/v1/draws"), stopped.clone());
        load.push(tokio::spawn(async move {
            while !*stopped.borrow() {
                let _ = http.post(&url).json(&body).send().await;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }));
    }

    let rules_file = fast_rules(dir.path());
    let targets = [
        ("frontend", frontend_at.as_str()),
        ("letters", &letters_at),
        ("numbers", &numbers_at),
        ("rules", &rules_at),
    ];
    let config = config(dir.path(), &targets, &rules_file);
    let port = free_port();
    let _prometheus = Process(
        Command::new(prometheus_bin)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", dir.path().join("data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus starts"),
    );
    let prometheus = format!("http://127.0.0.1:{port}");
    eventually("Prometheus is ready", Duration::from_secs(60), async || {
        match http.get(format!("{prometheus}/-/ready")).send().await {
            Ok(answer) if answer.status() == 200 => Ok(()),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    eventually("Prometheus scrapes all four services", Duration::from_secs(60), async || {
        let up = query(&http, &prometheus, "up == 1").await;
        if up.len() == 4 { Ok(()) } else { Err(format!("up: {up:?}")) }
    })
    .await;

    // Every panel's every query returns data (Grafana's $__rate_interval: 10s here).
    let dashboard: Value = serde_json::from_str(
        &std::fs::read_to_string(observability_dir().join("grafana/dashboards/prizegen.json")).unwrap(),
    )
    .unwrap();
    let exprs: Vec<(String, String)> = dashboard["panels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|panel| {
            panel["targets"].as_array().unwrap().iter().map(|target| {
                (
                    panel["title"].as_str().unwrap().to_owned(),
                    target["expr"].as_str().unwrap().replace("$__rate_interval", "10s"),
                )
            })
        })
        .collect();
    assert!(exprs.len() >= 10, "the dashboard's queries: {exprs:?}");
    for (title, expr) in &exprs {
        // "Failed calls" has data only while calls fail: its all-calls query is checked here,
        // its failures below, once numbers is dead.
        if expr.contains(r#"outcome!="ok""#) {
            continue;
        }
        eventually(&format!("panel {title:?} has data"), Duration::from_secs(60), async || {
            let result = query(&http, &prometheus, expr).await;
            if result.is_empty() { Err(format!("no data for {expr}")) } else { Ok(()) }
        })
        .await;
    }
    let budget = query(&http, &prometheus, r#"prizegen_campaign_budget_pence{campaign="gig"}"#).await;
    assert_eq!(budget[0]["value"][1], "100000", "{budget:?}");
    // All is well but gig's budget: that alone fires, for gig alone.
    let well = eventually("the budget alert fires for gig", Duration::from_secs(90), async || {
        let firing = firing(&http, &prometheus).await;
        let budget = ("PrizegenCampaignBudgetNearlySpent".to_owned(), "gig".to_owned());
        if firing.contains(&budget) { Ok(firing) } else { Err(format!("firing: {firing:?}")) }
    })
    .await;
    assert_eq!(well.len(), 1, "nothing else fires while all is well: {well:?}");

    // numbers dies: its instance and the dependency are down, and the draws fail.
    drop(numbers);
    let firing = eventually("the alerts for a dead numbers fire", Duration::from_secs(90), async || {
        let firing = firing(&http, &prometheus).await;
        let wanted = [
            ("PrizegenDependencyDown", "numbers"),
            ("PrizegenInstanceDown", "numbers"),
            ("PrizegenDrawsFailing", ""),
        ];
        if wanted.iter().all(|(name, about)| firing.contains(&((*name).to_owned(), (*about).to_owned()))) {
            Ok(firing)
        } else {
            Err(format!("firing: {firing:?}"))
        }
    })
    .await;
    assert!(!firing.iter().any(|(name, _)| name == "PrizegenDatabaseUnavailable"), "{firing:?}");
    assert!(!firing.iter().any(|(_, about)| about == "letters" || about == "rules"), "{firing:?}");
    let failures =
        r#"sum by (dependency, outcome) (rate(prizegen_dependency_calls_total{outcome!="ok"}[10s]))"#;
    let failed = query(&http, &prometheus, failures).await;
    assert!(failed.iter().any(|r| r["metric"]["dependency"] == "numbers"), "{failed:?}");

    let _ = stop.send(true);
    for task in load {
        task.await.unwrap();
    }
    drop((letters, rules, frontend));
}
