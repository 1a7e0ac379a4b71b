//! The real binary as users and containers run it: `prizegen up`, and `prizegen serve` with one
//! process per service, stopped by real signals.
#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BINARY: &str = env!("CARGO_BIN_EXE_prizegen");

/// A child process, killed if the test ends early, with its output as a channel of lines.
struct Process {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Process {
    fn spawn(command: &mut Command) -> Self {
        let mut child =
            command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("prizegen starts");
        let (tx, lines) = mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        Self { child, lines }
    }

    /// Lines until one satisfies `wanted` (which returns what to keep); panics after 20 s.
    fn wait_for<T>(&self, mut wanted: impl FnMut(&str) -> Option<T>) -> (T, Vec<String>) {
        let mut seen = Vec::new();
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(20))
                .unwrap_or_else(|_| panic!("waited for a line; saw {seen:#?}"));
            if let Some(found) = wanted(&line) {
                return (found, seen);
            }
            seen.push(line);
        }
    }

    fn signal(&self, signal: &str) {
        let status =
            Command::new("kill").arg(format!("-{signal}")).arg(self.child.id().to_string()).status().unwrap();
        assert!(status.success());
    }

    fn wait(&mut self) -> std::process::ExitStatus {
        self.child.wait().unwrap()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn up(dir: &std::path::Path) -> (Process, String, Vec<String>) {
    let process = Process::spawn(
        Command::new(BINARY)
            .args(["up", "--listen", "127.0.0.1:0"])
            .current_dir(dir)
            .env_remove("PRIZEGEN_ADMIN_TOKEN")
            .env_remove("PRIZEGEN_ADMIN_TOKEN_FILE")
            .env_remove("PRIZEGEN_DATABASE_URL"),
    );
    let (url, before) = process.wait_for(|line| line.strip_prefix("prizegen is up: ").map(str::to_owned));
    (process, url, before)
}

async fn draw(http: &reqwest::Client, url: &str) -> Value {
    let response = http
        .post(format!("{url}/api/v1/draws"))
        .json(&json!({"game": "account-prize"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[tokio::test]
async fn up_serves_prints_the_token_once_stops_on_sigterm_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();

    let (mut first, url, before) = up(dir.path());
    let token_line =
        before.iter().find(|l| l.starts_with("Operator token")).expect("a new install prints its token");
    let token = token_line.rsplit(' ').next().unwrap().to_owned();
    assert_eq!(token.len(), 64);
    let kept = std::fs::read_to_string(dir.path().join("prizegen.admin-token")).unwrap();
    assert_eq!(kept.trim(), token);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("prizegen.admin-token")).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only its owner may read the token file");
    }
    let drawn = draw(&http, &url).await;
    // The smoke run CI (and a deployment pipeline) relies on: some load, no errors.
    let load = Command::new(BINARY)
        .args(["load", &url, "--requests", "300", "--concurrency", "8", "--json"])
        .output()
        .unwrap();
    assert!(load.status.success(), "prizegen load exits 0: {}", String::from_utf8_lossy(&load.stderr));
    let summary: Value = serde_json::from_slice(&load.stdout).unwrap();
    assert_eq!((summary["requests"].as_u64(), summary["failed"].as_u64()), (Some(300), Some(0)), "{summary}");
    // The container health check: 0 for a healthy service, 1 for a wrong path or no server.
    let check = |target: String| Command::new(BINARY).args(["healthcheck", &target]).output().unwrap();
    let healthy = check(format!("{url}/healthz"));
    assert!(healthy.status.success(), "{}", String::from_utf8_lossy(&healthy.stderr));
    let missing = check(format!("{url}/no-such-page"));
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("404"), "it says why");
    let rotate = http.post(format!("{url}/api/v1/fairness/rotate")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(rotate.status(), 200, "the printed token is the operator's");
    first.signal("TERM");
    assert!(first.wait().success(), "SIGTERM is a clean stop");
    assert_eq!(check(format!("{url}/healthz")).status.code(), Some(1), "nothing listens any more");

    let (second, url, before) = up(dir.path());
    assert!(!before.iter().any(|l| l.contains(&token)), "the token is printed only once");
    let stored =
        http.get(format!("{url}/api/v1/draws/{}", drawn["id"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(stored.status(), 200, "draws survive a restart");
    let stored: Value = stored.json().await.unwrap();
    assert_eq!(stored["result"], drawn["result"]);
    assert!(stored["fairness"]["server_seed"].is_string(), "the rotation survived too");
    drop(second);
}

/// Starts `prizegen serve <service>` with JSON logs; returns it and its address.
fn serve(service: &str, extra: &[&str], env: &[(&str, String)]) -> (Process, String) {
    let mut command = Command::new(BINARY);
    command.args(["--log-format", "json", "serve", service]).args(extra);
    for (key, value) in env {
        command.env(key, value);
    }
    let process = Process::spawn(&mut command);
    let (address, _) = process.wait_for(|line| {
        let log: Value = serde_json::from_str(line).ok()?;
        (log["message"] == "serving").then(|| log["address"].as_str().unwrap().to_owned())
    });
    (process, address)
}

#[tokio::test]
async fn serve_processes_a_sigkilled_generator_and_its_return() {
    let dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let any_port = ["--listen", "127.0.0.1:0"];
    let (mut letters, letters_addr) = serve("letters", &[&any_port[..], &["--impl", "v2"]].concat(), &[]);
    let (_numbers, numbers_addr) = serve("numbers", &any_port, &[("PRIZEGEN_IMPL", "v2".into())]);
    let (_rules, rules_addr) = serve("rules", &any_port, &[]);
    let database = format!("sqlite://{}", dir.path().join("p.db").display());
    let (front, front_addr) = serve(
        "frontend",
        &any_port,
        &[
            ("PRIZEGEN_DATABASE_URL", database),
            ("PRIZEGEN_LETTERS_URL", format!("http://{letters_addr}")),
            ("PRIZEGEN_NUMBERS_URL", format!("http://{numbers_addr}")),
            ("PRIZEGEN_RULES_URL", format!("http://{rules_addr}")),
            ("PRIZEGEN_CALL_TIMEOUT", "1s".into()),
            ("PRIZEGEN_LOG", "info,prizegen::server::middleware=debug".into()),
        ],
    );
    let url = format!("http://{front_addr}");
    let first = draw(&http, &url).await;
    assert_eq!(first["served_by"]["letters"].as_str().unwrap().split('@').next(), Some("v2"));
    assert_eq!(first["served_by"]["numbers"].as_str().unwrap().split('@').next(), Some("v2"));
    assert_eq!(first["served_by"]["rules"].as_str().unwrap().split('@').next(), Some("v1"));
    let account = first["result"]["account_number"].as_str().unwrap();
    assert!(account.len() == 10 && account[..2].bytes().all(|b| b.is_ascii_uppercase()), "{account}");

    // Every log line of a request carries its id and service, as JSON; the line reporting the
    // request adds its route and status.
    let (request_id, _) = front.wait_for(|line| {
        let log: Value = serde_json::from_str(line).ok()?;
        let span = &log["span"];
        (log["route"] == "/api/v1/draws" && log["status"] == 201 && span["service"] == "frontend")
            .then(|| span["request_id"].as_str().map(str::to_owned))
            .flatten()
    });
    assert_eq!(request_id.len(), 32);

    letters.signal("KILL");
    letters.wait();
    let down = http
        .post(format!("{url}/api/v1/draws"))
        .json(&json!({"game": "account-prize"}))
        .send()
        .await
        .unwrap();
    assert_eq!(down.status(), 503);
    let body: Value = down.json().await.unwrap();
    assert_eq!(body["error"]["dependency"], "letters", "{body}");
    // The Draw button's form during the outage: the game's page says why, with a 503.
    let form =
        http.post(format!("{url}/play/account-prize")).form(&[("client_seed", "")]).send().await.unwrap();
    assert_eq!(form.status(), 503);
    assert!(form.text().await.unwrap().contains("letters is unreachable"), "the page says why");
    // Each failed request is logged once, on the line that reports it, with its cause.
    for route in ["/api/v1/draws", "/play/{game}"] {
        let (cause, _) = front.wait_for(|line| {
            let log: Value = serde_json::from_str(line).ok()?;
            (log["route"] == route && log["status"] == 503).then(|| log["error"].as_str().map(str::to_owned))
        });
        let cause = cause.unwrap_or_else(|| panic!("{route}: the line names the cause"));
        assert!(cause.contains("letters is unreachable"), "{route}: {cause}");
    }

    let (_letters, again) = serve("letters", &["--listen", &letters_addr, "--impl", "v2"], &[]);
    assert_eq!(again, letters_addr);
    let recovered = draw(&http, &url).await;
    assert_ne!(recovered["served_by"]["letters"], first["served_by"]["letters"], "a new letters instance");
}

/// The resident memory of a process, from `/proc/<pid>/status`, in kB.
fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// One open `/live/events` stream over a plain socket: it counts the events it reads.
async fn viewer(address: std::net::SocketAddr, events: std::sync::Arc<std::sync::atomic::AtomicU64>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .unwrap_or_else(|e| panic!("a viewer connects (with 1,000 viewers, check `ulimit -n`): {e}"));
    stream.write_all(b"GET /live/events HTTP/1.1\r\nhost: test\r\n\r\n").await.unwrap();
    let mut buffer = vec![0; 16 * 1024];
    loop {
        let n = stream.read(&mut buffer).await.unwrap();
        if n == 0 {
            return;
        }
        let seen = buffer[..n].windows(7).filter(|w| w == b"event: ").count();
        events.fetch_add(seen as u64, std::sync::atomic::Ordering::Relaxed);
    }
}

/// `/live` holds 1,000 open viewers: every one gets every snapshot, the front end's memory
/// grows by a bounded amount per viewer (queues hold shared frames, never copies), and draws
/// are served meanwhile.
#[tokio::test]
async fn a_thousand_live_viewers_are_served_in_bounded_memory() {
    const VIEWERS: usize = 1000;
    let dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let (process, url, _) = up(dir.path());
    draw(&http, &url).await;
    let metric = |text: &str, name: &str| {
        text.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse::<f64>().ok()).unwrap()
    };
    let before = rss_kb(process.child.id());

    let address: std::net::SocketAddr = url.strip_prefix("http://").unwrap().parse().unwrap();
    let events = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let viewers: Vec<_> = (0..VIEWERS).map(|_| tokio::spawn(viewer(address, events.clone()))).collect();
    let started = std::time::Instant::now();
    loop {
        let text = http.get(format!("{url}/metrics")).send().await.unwrap().text().await.unwrap();
        if metric(&text, "prizegen_live_viewers") == VIEWERS as f64 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "not all viewers joined:\n{text}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Three more snapshots reach every viewer, while draws go on.
    let counted = events.load(std::sync::atomic::Ordering::Relaxed);
    for _ in 0..6 {
        draw(&http, &url).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let after = rss_kb(process.child.id());
    let started = std::time::Instant::now();
    while events.load(std::sync::atomic::Ordering::Relaxed) < counted + 3 * VIEWERS as u64 {
        assert!(started.elapsed() < Duration::from_secs(60), "the viewers stopped getting snapshots");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let text = http.get(format!("{url}/metrics")).send().await.unwrap().text().await.unwrap();
    assert_eq!(metric(&text, "prizegen_live_viewers_dropped_total"), 0.0, "nobody fell behind");
    // A viewer's connection, task and queue: tens of kB, not a buffer of everything sent.
    let per_viewer = after.saturating_sub(before) / VIEWERS as u64;
    eprintln!("RSS {before} kB before, {after} kB with {VIEWERS} viewers: {per_viewer} kB each");
    assert!(per_viewer <= 64, "{per_viewer} kB per viewer ({before} kB → {after} kB)");
    for viewer in viewers {
        viewer.abort();
    }
}
