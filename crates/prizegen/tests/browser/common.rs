//! Shared setup: chromedriver (or the test's skip when it is not installed), a headless Chromium
//! session, and small helpers for driving pages.

use crate::support::skip;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A chromedriver process, stopped when dropped.
pub struct Driver {
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

/// Starts chromedriver; `None` when it or Chromium is not installed: the test is skipped with
/// the reason printed (failed in CI, see [`skip`]) and returns.
pub async fn driver() -> Option<Driver> {
    let missing = ["chromedriver", "chromium"].into_iter().find(|p| find_program(p).is_none());
    if let Some(program) = missing {
        skip::because(&format!("{program} is not installed (apt-get install chromium chromium-driver)"));
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

/// A new headless Chromium session with its own profile directory.
pub async fn browser(driver: &Driver, profile: &std::path::Path) -> Client {
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

/// A browser session with what keeps it alive: the profile directory and chromedriver.
/// Fields drop in order, so chromedriver stops last.
pub struct Browser {
    pub client: Client,
    _profile: tempfile::TempDir,
    _driver: Driver,
}

impl Browser {
    /// Starts chromedriver and a session, or `None` when the test is skipped (see [`driver`]).
    pub async fn open() -> Option<Self> {
        let driver = driver().await?;
        let profile = tempfile::tempdir().unwrap();
        let client = browser(&driver, profile.path()).await;
        Some(Self { client, _profile: profile, _driver: driver })
    }

    /// Ends the browser session (call at the end of a test that passed).
    pub async fn close(self) {
        self.client.clone().close().await.unwrap();
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// The element, which must be on the page now.
    pub async fn find(&self, css: &str) -> Element {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element,
            Err(e) => panic!("{css} is not on {}: {e}\n{}", self.path().await, self.main_html().await),
        }
    }

    /// Waits for the element to appear, e.g. on the page a click navigates to.
    pub async fn wait_for(&self, css: &str) -> Element {
        let found = self.client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css(css)).await;
        match found {
            Ok(element) => element,
            Err(e) => {
                panic!("{css} did not appear on {}: {e}\n{}", self.path().await, self.main_html().await)
            }
        }
    }

    /// Every matching element now on the page.
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client.find_all(Locator::Css(css)).await.unwrap()
    }

    /// Whether the page has a matching element now.
    pub async fn has(&self, css: &str) -> bool {
        !self.find_all(css).await.is_empty()
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap()
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Clears a text input and types `text` into it.
    pub async fn type_into(&self, css: &str, text: &str) {
        let input = self.find(css).await;
        input.clear().await.unwrap();
        input.send_keys(text).await.unwrap();
    }

    /// An input's current value.
    pub async fn value(&self, css: &str) -> String {
        self.find(css).await.prop("value").await.unwrap().unwrap_or_default()
    }

    /// Picks an option of a `<select>` by its visible text.
    pub async fn select_label(&self, css: &str, label: &str) {
        self.find(css).await.select_by_label(label).await.unwrap();
    }

    /// Picks an option of a `<select>` by its value.
    pub async fn select_value(&self, css: &str, value: &str) {
        self.find(css).await.select_by_value(value).await.unwrap();
    }

    pub async fn path(&self) -> String {
        self.client.current_url().await.map(|u| u.path().to_owned()).unwrap_or_default()
    }

    /// The page's `<main>`, for failure messages.
    pub async fn main_html(&self) -> String {
        match self.client.find(Locator::Css("main")).await {
            Ok(main) => main.html(false).await.unwrap_or_default(),
            Err(_) => self.client.source().await.unwrap_or_default(),
        }
    }
}
