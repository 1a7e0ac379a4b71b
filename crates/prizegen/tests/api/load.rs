//! `prizegen load` against a running system: its counts, and its exit code when requests fail.

use crate::support::TestApp;
use prizegen_domain::fairness::Service;
use serde_json::Value;
use std::process::Command;

fn load(url: &str, extra: &[&str]) -> (std::process::ExitStatus, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_prizegen"))
        .args(["load", url, "--json"])
        .args(extra)
        .output()
        .expect("prizegen load runs");
    let summary = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)));
    (output.status, summary)
}

#[tokio::test]
async fn every_request_counted_and_stored() {
    let Some(app) = TestApp::spawn().await else { return };
    let url = app.url.clone();
    let (status, summary) =
        tokio::task::spawn_blocking(move || load(&url, &["-n", "250", "-c", "5", "--game", "spy-mission"]))
            .await
            .unwrap();
    assert!(status.success());
    assert_eq!(summary["requests"], 250);
    assert_eq!(summary["ok"], 250);
    assert_eq!(summary["errors"], serde_json::json!({}));
    assert!(summary["latency_ms"]["p50"].as_f64().unwrap() <= summary["latency_ms"]["max"].as_f64().unwrap());
    let store = prizegen::store::Store::open(&app.database, crate::support::sql_options()).await.unwrap();
    let filter = prizegen::store::DrawFilter {
        game: Some(prizegen_domain::games::Game::SpyMission),
        limit: 1000,
        ..Default::default()
    };
    assert_eq!(
        store.recent_draws(filter).await.unwrap().len(),
        250,
        "every acknowledged request is a stored draw"
    );
}

#[tokio::test]
async fn failed_requests_make_a_non_zero_exit_with_their_causes() {
    let Some(mut app) = TestApp::spawn().await else { return };
    app.kill(Service::Letters).await;
    let url = app.url.clone();
    let (status, summary) =
        tokio::task::spawn_blocking(move || load(&url, &["-n", "20", "-c", "4"])).await.unwrap();
    assert_eq!(status.code(), Some(1), "any failed request fails the run");
    assert_eq!(summary["failed"], 20);
    assert_eq!(summary["errors"], serde_json::json!({"status 503": 20}));

    let (status, summary) =
        tokio::task::spawn_blocking(|| load("http://127.0.0.1:9", &["-n", "5", "-c", "1"])).await.unwrap();
    assert_eq!(status.code(), Some(1));
    assert_eq!(summary["errors"], serde_json::json!({"connect": 5}), "nothing listens on port 9");
}

#[tokio::test]
async fn with_player_every_draw_belongs_to_the_runs_player() {
    let Some(app) = TestApp::spawn().await else { return };
    let url = app.url.clone();
    let (status, summary) = tokio::task::spawn_blocking(move || {
        load(&url, &["-n", "60", "-c", "4", "--game", "attack", "--player"])
    })
    .await
    .unwrap();
    assert!(status.success(), "{summary}");
    assert_eq!(summary["ok"], 60);
    let listed: Value = app.get("/api/v1/draws?game=attack&limit=100").await.json().await.unwrap();
    let draws = listed["draws"].as_array().unwrap();
    assert_eq!(draws.len(), 60);
    let owner = draws[0]["player"].as_str().expect("the draws are a player's").to_owned();
    assert!(owner.starts_with("load-"), "{owner}");
    assert!(draws.iter().all(|d| d["player"] == owner.as_str()), "all of them the one run player's");
    let profile: Value = app.get(&format!("/api/v1/players/{owner}")).await.json().await.unwrap();
    assert_eq!(profile["totals"]["draws"], 60);
    // A token that is no session: the run cannot start its draws, and says so by failing them all.
    let url = app.url.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_prizegen"))
            .args(["load", &url, "--json", "-n", "5", "--token", &"0".repeat(64)])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(!output.status.success());
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        (summary["ok"].as_u64(), summary["errors"]["status 401"].as_u64()),
        (Some(0), Some(5)),
        "{summary}"
    );
}
