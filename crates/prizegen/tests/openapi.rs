#![allow(clippy::unwrap_used)] // test code: a panic is the failure report
//! The API contract, judged by the field's own tools against the real binary (`prizegen up`):
//!
//! - `openapi-spec-validator`: the four documents (the public API, letters, numbers, rules) are
//!   valid OpenAPI;
//! - `schemathesis`: every check, on every operation of each document, with its stateful phase
//!   following the documents' links, finds nothing (the few exclusions, each a rejection JSON
//!   Schema cannot express, are in `tests/openapi/*.toml` with their reasons);
//! - `openapi-python-client`: a client generated from the public document plays every game,
//!   claims a sequence and manages a campaign (`tests/openapi/client_smoke.py`).
//!
//! The tools come from PyPI (`.ci/run` installs them). Without them each test is skipped with a
//! printed reason (`SKIPPED <test>: <reason>`, see `support/skip.rs`), except in CI (`CI` set),
//! where it fails.

#[path = "support/skip.rs"]
mod skip;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

const BINARY: &str = env!("CARGO_BIN_EXE_prizegen");
const TOKEN: &str = "openapi-test-operator-token";

/// `prizegen up` on loopback ports chosen by the system, with a database of its own.
struct Up {
    child: Child,
    /// The front end's base URL.
    url: String,
    /// (service, base URL) of letters, numbers and rules.
    services: Vec<(String, String)>,
    /// Holds the database; removed when the test ends.
    dir: tempfile::TempDir,
}

impl Drop for Up {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn up() -> Up {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BINARY)
        .args(["up", "--listen", "127.0.0.1:0", "--database-url"])
        .arg(format!("sqlite://{}", dir.path().join("prizegen.db").display()))
        .env("PRIZEGEN_ADMIN_TOKEN", TOKEN)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("prizegen up starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut url = None;
    let mut services = Vec::new();
    while let Some(Ok(line)) = lines.next() {
        if let Some(found) = line.strip_prefix("prizegen is up: ") {
            url = Some(found.to_owned());
        } else if let Some((service, address)) = line.trim().split_once(' ')
            && ["letters", "numbers", "rules"].contains(&service)
        {
            services.push((service.to_owned(), address.trim().to_owned()));
        } else if line.trim_start().starts_with("database") {
            break;
        }
    }
    // Keep reading what it prints, so it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let url = url.expect("prizegen up printed its URL");
    assert_eq!(services.len(), 3, "the three services' URLs: {services:?}");
    Up { child, url, services, dir }
}

/// A program on `PATH`, or `None`.
fn program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
}

/// The programs, or `None` after skipping the test (failing it in CI).
fn tools<const N: usize>(names: [&str; N]) -> Option<[PathBuf; N]> {
    let found = names.map(program);
    let missing: Vec<&str> = names.iter().zip(&found).filter(|(_, p)| p.is_none()).map(|(n, _)| *n).collect();
    if missing.is_empty() {
        return Some(found.map(|p| p.unwrap()));
    }
    skip::because(&format!(
        "{} not installed (pip install schemathesis openapi-spec-validator openapi-python-client)",
        missing.join(", ")
    ));
    None
}

/// Runs a command to its end; panics with its output unless it succeeded.
fn succeeds(command: &mut Command, what: &str) -> Output {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Downloads a document into `dir`; returns its path.
fn document(url: &str, dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, get(url)).unwrap();
    path
}

/// A GET with the standard library only: the documents are small, sent whole.
fn get(url: &str) -> String {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP answer");
    assert!(head.starts_with("HTTP/1.1 200"), "{url}: {head}");
    assert!(!head.to_ascii_lowercase().contains("transfer-encoding: chunked"), "{url}: a whole body");
    body.to_owned()
}

/// The four documents: (name, URL).
fn documents(up: &Up) -> Vec<(String, String)> {
    let mut documents = vec![("public".to_owned(), format!("{}/api/v1/openapi.json", up.url))];
    documents.extend(up.services.iter().map(|(name, url)| (name.clone(), format!("{url}/v1/openapi.json"))));
    documents
}

#[test]
fn the_four_documents_are_valid_openapi() {
    let Some([validator]) = tools(["openapi-spec-validator"]) else { return };
    let up = up();
    for (name, url) in documents(&up) {
        let path = document(&url, up.dir.path(), &name);
        let output = succeeds(Command::new(&validator).arg(&path), &format!("openapi-spec-validator {name}"));
        assert!(String::from_utf8_lossy(&output.stdout).contains("OK"), "{name}: {output:?}");
    }
}

#[test]
fn schemathesis_finds_nothing_in_any_document() {
    let Some([schemathesis]) = tools(["schemathesis"]) else { return };
    let up = up();
    let configs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/openapi");
    // The player of the signed-in run below signs in first: the runs' sign-in attempts with
    // made-up names use up this address's failures for the minute (the limit answers 429).
    let token = player_token(&up.url);
    for (name, url) in documents(&up) {
        let mut command = Command::new(&schemathesis);
        // Every check runs on every operation unless its document's settings turn one off, with a
        // reason (`--checks all` would override those).
        if let Some(config) =
            ["public", "rules"].contains(&name.as_str()).then(|| configs.join(format!("{name}.toml")))
        {
            command.arg("--config-file").arg(config);
        }
        command
            .args(["--no-color", "run", &url, "--seed", "1", "--max-examples", "100"])
            .args(["--header", &format!("Authorization: Bearer {TOKEN}")])
            .current_dir(up.dir.path());
        let output = succeeds(&mut command, &format!("schemathesis on the {name} document"));
        let report = String::from_utf8_lossy(&output.stdout);
        // Exit 0 already says no check failed; the summary says it in words (a warning, such as
        // the rules' "mostly rejected" for ranks JSON Schema cannot require to differ, is not one).
        assert!(!report.contains("Failures:") && !report.contains("Errors:"), "{name}:\n{report}");
        // "1973 generated, 1973 passed": it tested something, and all of it passed.
        let cases = report
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with(|c: char| c.is_ascii_digit()) && l.contains(" generated"))
            .unwrap_or_default();
        assert!(cases.contains("passed") && !cases.starts_with("0 "), "{name}: {cases}\n{report}");
        if name == "public" {
            assert!(report.contains("✅ Stateful"), "the stateful phase ran, following the links:\n{report}");
        }
    }
    // The players' operations once more, as a signed-in player (the run above sends the
    // operator's token, which they refuse). Signing out is left out: it would end the session
    // the rest of the run uses.
    let mut command = Command::new(&schemathesis);
    command
        .arg("--config-file")
        .arg(configs.join("public.toml"))
        .args(["--no-color", "run", &format!("{}/api/v1/openapi.json", up.url), "--seed", "1"])
        .args(["--max-examples", "100", "--include-tag", "players", "--exclude-operation-id", "signOut"])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .current_dir(up.dir.path());
    let output = succeeds(&mut command, "schemathesis on the players' operations, signed in");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(!report.contains("Failures:") && !report.contains("Errors:"), "players:\n{report}");
    assert!(!report.contains("Authentication failed"), "the player's token was accepted:\n{report}");
}

/// Registers a player and signs in on the front end at `base`; the session token.
fn player_token(base: &str) -> String {
    let credentials = r#"{"name": "Schemathesis", "password": "correct horse battery staple"}"#;
    let (status, _) = post_json(&format!("{base}/api/v1/players"), credentials);
    assert_eq!(status, 201, "the player registers");
    let (status, body) = post_json(&format!("{base}/api/v1/sessions"), credentials);
    assert_eq!(status, 201, "the player signs in: {body}");
    let session: serde_json::Value = serde_json::from_str(&body).unwrap();
    session["token"].as_str().unwrap().to_owned()
}

/// A POST of a JSON body with the standard library only; the status and body.
fn post_json(url: &str, body: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status");
    (status, body.to_owned())
}

#[test]
fn a_generated_client_plays_every_game_and_manages_campaigns() {
    let Some([generator]) = tools(["openapi-python-client"]) else { return };
    // The generator's own Python has what the generated client needs (httpx, attrs).
    let python = generator.parent().unwrap().join("python3");
    let python = if python.is_file() { python } else { PathBuf::from("python3") };
    let up = up();
    let document = document(&format!("{}/api/v1/openapi.json", up.url), up.dir.path(), "public");
    let settings = up.dir.path().join("generator.yaml");
    std::fs::write(&settings, "post_hooks: []\n").unwrap();
    succeeds(
        Command::new(&generator)
            .arg("generate")
            .arg("--path")
            .arg(&document)
            .arg("--output-path")
            .arg(up.dir.path().join("prizegen_client"))
            .args(["--meta", "none", "--config"])
            .arg(&settings),
        "openapi-python-client generate",
    );
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/openapi/client_smoke.py");
    let output = succeeds(
        Command::new(&python).arg(script).args([&up.url, TOKEN]).env("PYTHONPATH", up.dir.path()),
        "the generated client's smoke run",
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("played every game"), "{output:?}");
}
