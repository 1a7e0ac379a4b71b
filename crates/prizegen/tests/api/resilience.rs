//! Dead and slow dependencies give a clear 503 within the deadline and recover by themselves;
//! restarts keep everything.

use crate::support::{Options, TestApp, error_code, example_seed};
use prizegen_domain::fairness::Service;
use prizegen_domain::games::Impl;
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test]
async fn a_killed_generator_is_a_503_naming_it_and_draws_recover_when_it_returns() {
    let Some(mut app) = TestApp::spawn().await else { return };
    app.draw().await; // warm the connection pools, so the kill also breaks pooled connections
    for service in Service::ALL {
        app.kill(service).await;
        let (status, code, body) = error_code(app.post_draw(json!({"game": "account-prize"})).await).await;
        assert_eq!((status, code.as_str()), (503, "dependency_unavailable"), "{service} down: {body}");
        assert_eq!(body["error"]["dependency"], service.as_str());
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(service.as_str()) && message.contains("unreachable"), "{message}");

        app.restart(service, Impl::V1).await;
        let draw = app.draw().await;
        assert!(draw["served_by"][service.as_str()].as_str().unwrap().starts_with("v1@"));
    }
    // Nothing half-written: exactly the successful draws are stored.
    let listed: Value = app.get("/api/v1/draws").await.json().await.unwrap();
    assert_eq!(listed["draws"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn a_generator_that_never_answers_is_a_503_after_the_call_timeout() {
    // A black hole: accepts connections and never answers.
    let hole = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hole_url = format!("http://{}", hole.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = hole.accept().await {
            open.push(socket);
        }
    });
    let options = Options {
        call_timeout: Duration::from_millis(300),
        override_urls: [None, Some(hole_url), None],
        ..Options::default()
    };
    let Some(app) = TestApp::spawn_with(options).await else { return };
    let (status, code, body) = error_code(app.post_draw(json!({"game": "account-prize"})).await).await;
    assert_eq!((status, code.as_str()), (503, "dependency_unavailable"));
    assert_eq!(body["error"]["dependency"], "numbers");
    assert!(body["error"]["message"].as_str().unwrap().contains("did not answer within 300ms"), "{body}");
    held.abort();
}

#[tokio::test]
async fn a_front_end_restart_keeps_draws_and_the_seed_and_never_reuses_a_nonce() {
    let Some(mut app) =
        TestApp::spawn_with(Options { seed: Some(example_seed()), ..Options::default() }).await
    else {
        return;
    };
    let before: Vec<Value> = futures_util::future::join_all((0..3).map(|_| app.draw())).await;
    let fairness: Value = app.get("/api/v1/fairness").await.json().await.unwrap();

    app.restart_frontend().await;

    for draw in &before {
        let stored: Value =
            app.get(&format!("/api/v1/draws/{}", draw["id"].as_str().unwrap())).await.json().await.unwrap();
        assert_eq!(&stored, draw);
    }
    let again: Value = app.get("/api/v1/fairness").await.json().await.unwrap();
    assert_eq!(again, fairness, "the same seed is current after the restart");
    let max_before = before.iter().map(|d| d["fairness"]["nonce"].as_u64().unwrap()).max().unwrap();
    let after = app.draw().await;
    assert!(
        after["fairness"]["nonce"].as_u64().unwrap() > max_before,
        "a new nonce block, never a reused nonce"
    );
    assert_eq!(after["fairness"]["seed_hash"], fairness["current"]["seed_hash"]);
    let listed: Value = app.get("/api/v1/draws").await.json().await.unwrap();
    assert_eq!(listed["draws"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn a_draining_service_is_not_ready_but_still_serves() {
    let mut options = Options::default();
    options.serve.drain_delay = Duration::from_secs(3);
    let Some(mut app) = TestApp::spawn_with(options).await else { return };
    let letters = app.service_url(Service::Letters);
    let ready = app.http.get(format!("{letters}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);

    app.stop_gracefully(Service::Letters);
    // Poll until the drain has begun (no timing assertion: just wait for the state).
    let mut status = 200;
    for _ in 0..100 {
        status = app.http.get(format!("{letters}/readyz")).send().await.unwrap().status().as_u16();
        if status == 503 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(status, 503, "readyz turns false while draining");
    let body: Value = app.http.get(format!("{letters}/readyz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(body["status"], "draining");
    let health = app.http.get(format!("{letters}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.headers()["connection"], "close", "keep-alive clients are told to move on");
    // In-flight and new work is still served during the drain delay.
    app.draw().await;
}

#[tokio::test]
async fn a_stopping_front_end_finishes_the_draw_in_flight() {
    // Rules answers slowly, so a draw is in flight when the front end is told to stop.
    let Some(mut plain) = TestApp::spawn().await else { return };
    let (slow_rules, reached) =
        super::operations::proxy(plain.service_url(Service::Rules), Duration::from_millis(700)).await;
    let options = Options { override_urls: [None, None, Some(slow_rules)], ..Options::default() };
    let Some(mut app) = TestApp::spawn_with(options).await else { return };
    let url = app.url.clone();
    let http = app.http.clone();
    let in_flight = tokio::spawn(async move {
        http.post(format!("{url}/api/v1/draws")).json(&json!({"game": "account-prize"})).send().await
    });
    // Wait until the draw has reached rules (the proxy records it), then stop the front end.
    while reached.lock().unwrap().is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    app.stop_frontend().await;
    let response = in_flight.await.unwrap().expect("the in-flight request was answered");
    assert_eq!(response.status(), 201, "drained, not cut");
    let after = app.http.get(format!("{}/healthz", app.url)).send().await;
    assert!(after.is_err(), "a stopped front end accepts nothing new");
}

#[tokio::test]
async fn losing_the_database_is_a_503_and_the_front_end_recovers_by_itself() {
    use crate::support::{Backend, databases::Dedicated};
    if crate::BACKEND == Backend::Sqlite {
        return; // an embedded file does not go away; the server backends run this test
    }
    let Some(mut server) = Dedicated::start(crate::BACKEND) else { return };
    let Some(app) = TestApp::spawn_with(Options { database: Some(server.url()), ..Options::default() }).await
    else {
        return;
    };
    let before = app.draw().await;

    server.stop();
    let (status, code, body) = error_code(app.post_draw(json!({"game": "account-prize"})).await).await;
    assert_eq!((status, code.as_str()), (503, "dependency_unavailable"), "{body}");
    assert_eq!(body["error"]["dependency"], "database");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503, "not ready without its database");
    let ready: Value = ready.json().await.unwrap();
    assert_ne!(ready["checks"]["database"], "ok");
    assert_eq!(app.get("/healthz").await.status(), 200, "alive all the same");

    server.resume();
    // No restart of prizegen: the pool reconnects on its own. Wait for it, without a deadline
    // in the assertion (the harness's client times out a hung request).
    let mut after = None;
    for _ in 0..100 {
        let response = app.post_draw(json!({"game": "account-prize"})).await;
        if response.status() == 201 {
            after = Some(response.json::<Value>().await.unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let after = after.expect("draws succeed again once the database is back");
    assert_eq!(app.get("/readyz").await.status(), 200);
    let stored: Value =
        app.get(&format!("/api/v1/draws/{}", before["id"].as_str().unwrap())).await.json().await.unwrap();
    assert_eq!(stored, before, "nothing lost across the database restart");
    assert!(after["fairness"]["nonce"].as_u64() > before["fairness"]["nonce"].as_u64());
}
