//! `/live` in a browser during a rolling update (issue 16): the front end reaches letters
//! through a real nginx balancing two letters instances, both v1; under load each is replaced
//! by a v2 in turn (drained, then started again on its port), and the page, updated by its own
//! event stream, shows the v2 share go from nothing through a half to 100 %. Then numbers is
//! slowed beyond the call deadline by its fault switch: the page shows it down, and up again
//! once the switch is off.
//!
//! With `PRIZEGEN_SCREENSHOTS=<dir>` the page is saved at each step (`live-1-v1`, …).

use crate::common::Browser;
use crate::look::look_at;
use crate::support::{ADMIN_TOKEN, Options, TestApp, skip};
use prizegen::app;
use prizegen::server::ServeOptions;
use prizegen_domain::fairness::Service;
use prizegen_domain::games::Impl;
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// nginx on a loopback port in front of two letters instances, stopped when dropped.
struct Balancer {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Balancer {
    fn start(upstreams: [u16; 2]) -> Option<Self> {
        let Some(nginx) =
            ["/usr/sbin/nginx", "/usr/bin/nginx"].into_iter().find(|p| std::path::Path::new(p).is_file())
        else {
            skip::because("nginx is not installed (apt-get install nginx)");
            return None;
        };
        // Every call of the contract is a pure function of its body, so nginx may pass a POST on
        // to the other instance (`non_idempotent`) when the one it tried closed the connection
        // under it, as a draining instance does.
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let [a, b] = upstreams;
        let d = dir.path().display();
        let conf = format!(
            "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
             upstream letters {{\n    server 127.0.0.1:{a} max_fails=1 fail_timeout=1s;\n\
             server 127.0.0.1:{b} max_fails=1 fail_timeout=1s;\n    keepalive 16;\n  }}\n\
             server {{\n    listen 127.0.0.1:{port};\n    location / {{\n      proxy_pass http://letters;\n\
             proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n\
             proxy_next_upstream error timeout http_502 http_503 non_idempotent;\n    }}\n  }}\n}}\n"
        );
        let conf_path = dir.path().join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let child = Command::new(nginx)
            .arg("-c")
            .arg(&conf_path)
            .arg("-p")
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("nginx starts");
        // Stopped by `Drop` whatever happens next.
        let balancer = Self { child, url: format!("http://127.0.0.1:{port}"), _dir: dir };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(balancer);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("nginx did not listen on {port}");
    }
}

/// One letters instance on its own port, stopped gracefully on request.
struct Letters {
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

async fn letters(port: u16, imp: Impl, name: &str) -> Letters {
    let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("the port is free");
    let app = app::generator(Service::Letters, imp, Some(name.to_owned()), true).unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let options =
        ServeOptions { drain_delay: Duration::from_millis(300), shutdown_timeout: Duration::from_secs(5) };
    let task = tokio::spawn(app.serve(
        listener,
        async move {
            let _ = stopped.await;
        },
        options,
    ));
    Letters { stop: Some(stop), task }
}

impl Letters {
    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.await.unwrap();
    }
}

/// The share of letters' calls each version has on the page now, in percent, `(v1, v2)`: the
/// rows' shares as shown, added up by version (read in one script: the rows are rebuilt with
/// every snapshot).
async fn shares(browser: &Browser) -> (f64, f64) {
    let script = "return [...document.querySelectorAll('#live-letters tbody tr')]
        .map(row => [row.dataset.impl, row.querySelector('.share').textContent]);";
    let rows: serde_json::Value = browser.client.execute(script, vec![]).await.unwrap();
    let mut shown = (0.0, 0.0);
    for row in rows.as_array().unwrap() {
        let text = row[1].as_str().unwrap();
        let share: f64 =
            text.strip_suffix(" %").and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{text}"));
        match row[0].as_str() {
            Some("v1") => shown.0 += share,
            Some("v2") => shown.1 += share,
            other => panic!("a row of {other:?}"),
        }
    }
    shown
}

/// Waits (a watchdog, not a timing requirement) until the page shows what `wanted` accepts.
async fn until_shown<T: std::fmt::Debug>(
    browser: &Browser,
    what: &str,
    read: impl AsyncFn(&Browser) -> T,
    wanted: impl Fn(&T) -> bool,
) -> T {
    let started = Instant::now();
    loop {
        let now = read(browser).await;
        if wanted(&now) {
            return now;
        }
        assert!(
            started.elapsed() < Duration::from_secs(45),
            "the page never showed {what}; it shows {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn state(browser: &Browser, service: &str) -> String {
    let script = "return document.getElementById('live-' + arguments[0]).dataset.state;";
    let state = browser.client.execute(script, vec![json!(service)]).await.unwrap();
    state.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn the_page_shows_a_rolling_update_of_letters_and_a_fault_on_numbers() {
    let Some(browser) = Browser::open().await else { return };
    if let Some(dir) = std::env::var_os("PRIZEGEN_SCREENSHOTS") {
        std::fs::create_dir_all(dir).unwrap();
    }
    let ports = [free_port(), free_port()];
    let mut instances =
        vec![letters(ports[0], Impl::V1, "letters-a").await, letters(ports[1], Impl::V1, "letters-b").await];
    let Some(balancer) = Balancer::start(ports) else { return };
    let options = Options {
        override_urls: [Some(balancer.url.clone()), None, None],
        // Generous for a loaded machine (a slower call would fail a draw of the update); the
        // fault below adds 4 s, well past it.
        call_timeout: Duration::from_millis(1500),
        ..Options::default()
    };
    let Some(app) = TestApp::spawn_with(options).await else { return };

    // Load: draws one after another from four clients until the test ends.
    let failed = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut clients = Vec::new();
    for _ in 0..4 {
        let (http, url, failed, stopped) =
            (app.http.clone(), format!("{}/api/v1/draws", app.url), failed.clone(), stopped.clone());
        clients.push(tokio::spawn(async move {
            while !*stopped.borrow() {
                let response = http.post(&url).json(&json!({"game": "account-prize"})).send().await;
                let failing = !response.is_ok_and(|r| r.status() == 201);
                failed.fetch_add(u64::from(failing), std::sync::atomic::Ordering::Relaxed);
            }
        }));
    }

    browser.goto(&format!("{}/live", app.url)).await;
    browser.wait_for("#live-status[data-state='live']").await;
    let v1 = until_shown(&browser, "letters all v1, from both instances", shares, |s| s.0 > 99.0).await;
    assert_eq!(v1.1, 0.0, "no v2 yet");
    let rows = browser.find_all("#live-letters tbody tr[data-impl='v1']").await;
    assert_eq!(rows.len(), 2, "both v1 instances serve");
    look_at(&browser, "live-1-v1", 1280).await;

    // The rolling update: instance a drains and comes back as v2, then instance b.
    let old_a = instances.remove(0);
    old_a.stop().await;
    instances.push(letters(ports[0], Impl::V2, "letters-a2").await);
    let half = until_shown(&browser, "v1 and v2 side by side", shares, |s| s.0 > 0.0 && s.1 > 0.0).await;
    look_at(&browser, "live-2-half", 1280).await;
    eprintln!("during the update: v1 {}, v2 {}", half.0, half.1);
    let old_b = instances.remove(0);
    old_b.stop().await;
    instances.push(letters(ports[1], Impl::V2, "letters-b2").await);
    until_shown(&browser, "letters all v2", shares, |s| s.1 > 99.0 && s.0 == 0.0).await;
    look_at(&browser, "live-3-v2", 1280).await;
    look_at(&browser, "live-3-v2", 375).await;
    assert_eq!(
        failed.load(std::sync::atomic::Ordering::Relaxed),
        0,
        "no draw failed during the rolling update"
    );

    // A fault: numbers slower than the call deadline, then switched off.
    let switch = |fault: serde_json::Value| {
        let url = format!("{}/api/v1/faults/numbers", app.url);
        app.http.put(url).bearer_auth(ADMIN_TOKEN).json(&fault).send()
    };
    assert_eq!(switch(json!({"latency_ms": 4000})).await.unwrap().status(), 200);
    until_shown(&browser, "numbers down", async |b: &Browser| state(b, "numbers").await, |s| s == "down")
        .await;
    let fault = browser.text("#live-numbers [data-field='fault']").await;
    assert_eq!(fault, "+4000 ms");
    assert_eq!(state(&browser, "letters").await, "up", "only numbers is down");
    look_at(&browser, "live-4-fault", 1280).await;
    look_at(&browser, "live-4-fault", 375).await;
    assert_eq!(switch(json!({})).await.unwrap().status(), 200);
    until_shown(&browser, "numbers up again", async |b: &Browser| state(b, "numbers").await, |s| s == "up")
        .await;
    look_at(&browser, "live-5-recovered", 1280).await;

    let _ = stop.send(true);
    for client in clients {
        client.await.unwrap();
    }
    for instance in instances {
        instance.stop().await;
    }
    browser.close().await;
}
