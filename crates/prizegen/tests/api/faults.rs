//! Fault switches (issue 16): the operator switches latency, errors or hangs on for letters,
//! numbers or rules; the switch travels with the calls, does what it names and nothing else, is
//! recorded in the audit log, reaches every front end, and switched off leaves the system as
//! before.

use super::audit::{audit_verify, entries};
use super::draws::rotate;
use crate::support::{ADMIN_TOKEN, Options, TestApp, error_code};
use prizegen::verify::verify_draw;
use prizegen_domain::fairness::Service;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn switch(app: &TestApp, url: &str, service: &str, fault: Value) -> reqwest::Response {
    let url = format!("{url}/api/v1/faults/{service}");
    app.http.put(url).bearer_auth(ADMIN_TOKEN).json(&fault).send().await.unwrap()
}

/// `n` draws of `game`; the statuses and bodies.
async fn draws(app: &TestApp, game: &str, n: usize) -> Vec<(u16, Value)> {
    let mut answers = Vec::new();
    for _ in 0..n {
        let response = app.post_draw(json!({"game": game})).await;
        answers.push((response.status().as_u16(), response.json().await.unwrap()));
    }
    answers
}

#[tokio::test]
async fn only_the_operator_switches_faults_and_bad_values_are_refused() {
    let Some(app) = TestApp::spawn().await else { return };
    let url = format!("{}/api/v1/faults/numbers", app.url);
    let anonymous = app.http.put(&url).json(&json!({"error_share": 1})).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let wrong = app.http.put(&url).bearer_auth("nope").json(&json!({"error_share": 1})).send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let off: Value = app.get("/api/v1/faults").await.json().await.unwrap();
    let zero = json!({"latency_ms": 0, "error_share": 0.0, "hang_share": 0.0});
    assert_eq!(off, json!({"letters": zero, "numbers": zero, "rules": zero}), "off by default");

    for (fault, field) in [
        (json!({"latency_ms": 60_001}), "latency_ms"),
        (json!({"error_share": 1.5}), "error_share"),
        (json!({"hang_share": -0.1}), "hang_share"),
        (json!({"error_share": 0.6, "hang_share": 0.6}), "hang_share"),
    ] {
        let (status, code, body) = error_code(switch(&app, &app.url, "numbers", fault).await).await;
        assert_eq!((status, code.as_str()), (422, "invalid_field"), "{body}");
        assert_eq!(body["error"]["field"], field, "{body}");
    }
    let (status, code, _) = error_code(switch(&app, &app.url, "frontend", json!({})).await).await;
    assert_eq!((status, code.as_str()), (404, "unknown_service"));
    assert!(entries(&app).await.iter().all(|e| e["kind"] != "fault.switched"), "nothing was switched");

    // The service does what the header says, and ignores one it cannot read.
    let mut app = app;
    let numbers = format!("{}/v1/numbers/attack", app.service_url(Service::Numbers));
    for (header, status) in [("error_share=1", 500), ("error_share=5", 200), ("latency_ms=1", 200)] {
        let call = app.http.post(&numbers).header("x-prizegen-fault", header).json(&json!({}));
        let response = call.send().await.unwrap();
        assert_eq!(response.status(), status, "{header}");
        if status == 500 {
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], "fault_injected", "{body}");
        }
    }
    // Nothing was switched on: draws are as before.
    assert!(draws(&app, "account-prize", 3).await.iter().all(|(status, _)| *status == 201));
}

#[tokio::test]
async fn each_switch_does_what_it_names_and_nothing_else_and_off_is_as_before() {
    let options = Options { call_timeout: Duration::from_millis(500), ..Options::default() };
    let Some(mut app) = TestApp::spawn_with(options).await else { return };
    let mut made = Vec::new();

    // Errors on letters: every draw that needs letters is a 503 naming it; attack needs none.
    let switched = switch(&app, &app.url, "letters", json!({"error_share": 1})).await;
    assert_eq!(switched.status(), 200);
    for (status, body) in draws(&app, "account-prize", 3).await {
        assert_eq!(status, 503, "{body}");
        assert_eq!(body["error"]["dependency"], "letters", "{body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("answered 500"), "{body}");
    }
    for (status, body) in draws(&app, "attack", 3).await {
        assert_eq!(status, 201, "attack does not call letters: {body}");
        made.push(body);
    }

    // A share of errors: some draws fail and some do not (each of 40 fails with 1/2).
    switch(&app, &app.url, "letters", json!({"error_share": 0.5})).await;
    let half = draws(&app, "account-prize", 40).await;
    let failed = half.iter().filter(|(status, _)| *status == 503).count();
    assert!(failed > 0 && failed < 40, "{failed} of 40 failed");
    made.extend(half.into_iter().filter(|(status, _)| *status == 201).map(|(_, body)| body));
    switch(&app, &app.url, "letters", json!({})).await;

    // Hangs on rules: the draw ends at the call deadline, naming rules.
    switch(&app, &app.url, "rules", json!({"hang_share": 1})).await;
    for (status, body) in draws(&app, "attack", 2).await {
        assert_eq!(status, 503, "{body}");
        assert_eq!(body["error"]["dependency"], "rules", "{body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("did not answer within 500ms"), "{body}");
    }
    switch(&app, &app.url, "rules", json!({})).await;

    // Latency on numbers: within the deadline draws succeed; beyond it they time out.
    switch(&app, &app.url, "numbers", json!({"latency_ms": 50})).await;
    for (status, body) in draws(&app, "account-prize", 2).await {
        assert_eq!(status, 201, "{body}");
        made.push(body);
    }
    switch(&app, &app.url, "numbers", json!({"latency_ms": 2000})).await;
    for (status, body) in draws(&app, "account-prize", 2).await {
        assert_eq!(status, 503, "{body}");
        assert_eq!(body["error"]["dependency"], "numbers", "{body}");
    }
    // Health is not a contract call: a slow numbers still says it is alive.
    let numbers = app.service_url(Service::Numbers);
    let health = app.http.get(format!("{numbers}/healthz")).header("x-prizegen-fault", "latency_ms=2000");
    assert_eq!(health.send().await.unwrap().status(), 200);

    // Off: as before, with no restart.
    switch(&app, &app.url, "numbers", json!({"latency_ms": 0})).await;
    let listed: Value = app.get("/api/v1/faults").await.json().await.unwrap();
    assert_eq!(listed["numbers"]["latency_ms"], 0);
    for game in ["account-prize", "attack", "spy-mission"] {
        for (status, body) in draws(&app, game, 3).await {
            assert_eq!(status, 201, "{game}: {body}");
            made.push(body);
        }
    }
    rotate(&app).await;
    for draw in &made {
        let stored: Value =
            app.get(&format!("/api/v1/draws/{}", draw["id"].as_str().unwrap())).await.json().await.unwrap();
        verify_draw(&stored, None).unwrap_or_else(|e| panic!("{e}: {stored}"));
    }

    // Every switch is in the audit log, with what it was before, and the record still verifies.
    let switches: Vec<Value> =
        entries(&app).await.into_iter().filter(|e| e["kind"] == "fault.switched").collect();
    assert_eq!(switches.len(), 8, "three switches of letters, two of rules, three of numbers");
    assert_eq!(switches[0]["subject"], "letters");
    assert_eq!(switches[0]["details"]["after"]["error_share"], 1.0);
    assert_eq!(switches[1]["details"]["before"]["error_share"], 1.0);
    let (status, printed) = audit_verify(&app.url).await;
    assert_eq!(status, 0, "{printed}");

    // A restarted front end reads the switches back from the log.
    switch(&app, &app.url, "letters", json!({"error_share": 1})).await;
    app.restart_frontend().await;
    let listed: Value = app.get("/api/v1/faults").await.json().await.unwrap();
    assert_eq!(listed["letters"]["error_share"], 1.0, "{listed}");
    assert_eq!(draws(&app, "account-prize", 1).await[0].0, 503);
}

#[tokio::test]
async fn a_switch_reaches_every_front_end() {
    let Some(mut app) = TestApp::spawn().await else { return };
    let replica = app.add_replica().await;
    assert_eq!(switch(&app, &app.url, "numbers", json!({"error_share": 1})).await.status(), 200);
    let started = Instant::now();
    loop {
        let response = app.http.post(format!("{replica}/api/v1/draws")).json(&json!({"game": "attack"}));
        let response = response.send().await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        if status == 503 {
            assert_eq!(body["error"]["dependency"], "numbers", "{body}");
            break;
        }
        assert_eq!(status, 201, "{body}");
        assert!(started.elapsed() < Duration::from_secs(10), "the replica never read the switch");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    switch(&app, &replica, "numbers", json!({})).await;
    let started = Instant::now();
    while app.post_draw(json!({"game": "attack"})).await.status() != 201 {
        assert!(started.elapsed() < Duration::from_secs(10), "the first front end never read the switch off");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
