//! The account-prize page in real headless Chromium, driven through chromedriver.
//!
//! Needs `chromium` and `chromium-driver` (Debian). Without them the test is skipped with a
//! printed reason, except in CI (`CI` set), where a skip would hide a broken setup: it fails.
#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

#[path = "../support/mod.rs"]
mod support;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support::{Options, TestApp, example_seed};

/// A chromedriver process, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_program(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| std::path::Path::new(dir).join(name))
        .find(|p| p.is_file())
}

/// Starts chromedriver, or explains why not (and fails in CI).
async fn driver() -> Option<Driver> {
    let missing = ["chromedriver", "chromium"].into_iter().find(|p| find_program(p).is_none());
    if let Some(program) = missing {
        let reason = format!("{program} is not installed (apt-get install chromium chromium-driver)");
        assert!(std::env::var_os("CI").is_none(), "CI must run the browser test: {reason}");
        eprintln!("SKIPPED browser test: {reason}");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver { child, url: format!("http://127.0.0.1:{port}") };
    let status = format!("{}/status", driver.url);
    for _ in 0..100 {
        if reqwest::get(&status).await.is_ok_and(|r| r.status().is_success()) {
            return Some(driver);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not come up on port {port}");
}

async fn browser(driver: &Driver, profile: &std::path::Path) -> Client {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ]
    .map(String::from)
    .into_iter()
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let mut capabilities = serde_json::Map::new();
    capabilities
        .insert("goog:chromeOptions".into(), json!({ "binary": find_program("chromium"), "args": args }));
    ClientBuilder::native().capabilities(capabilities).connect(&driver.url).await.expect("a browser session")
}

#[tokio::test]
async fn a_player_draws_in_the_browser() {
    let Some(driver) = driver().await else { return };
    let app = TestApp::spawn_with(Options { seed: Some(example_seed()), ..Options::default() }).await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;

    client.goto(&format!("{}/", app.url)).await.unwrap();
    client.find(Locator::Css("#games a[href='/play/account-prize']")).await.unwrap().click().await.unwrap();
    assert_eq!(client.current_url().await.unwrap().path(), "/play/account-prize");
    client.find(Locator::Css("button#draw")).await.unwrap().click().await.unwrap();

    let result = client.wait().for_element(Locator::Css("#result")).await.unwrap();
    let account = result.find(Locator::Css("code.value")).await.unwrap().text().await.unwrap();
    assert_eq!(account, "qxzm4226", "the worked example's first draw");
    let prize = client.find(Locator::Css("#prize")).await.unwrap().text().await.unwrap();
    assert_eq!(prize, "You won £10!");
    assert!(client.current_url().await.unwrap().path().starts_with("/draws/"));

    for service in ["frontend", "letters", "numbers", "rules"] {
        let selector = format!("#served-by dd[data-service='{service}']");
        let shown = client.find(Locator::Css(&selector)).await.unwrap().text().await.unwrap();
        let want = if service == "frontend" { env!("CARGO_PKG_VERSION") } else { "v1" };
        assert!(shown.starts_with(&format!("{want}@{service}-")), "footer shows {service}: {shown:?}");
    }
    // The draw is listed among the latest.
    let latest = client.find(Locator::Css("#latest")).await.unwrap().text().await.unwrap();
    assert!(latest.contains("qxzm4226"), "{latest}");
    client.close().await.unwrap();
}
