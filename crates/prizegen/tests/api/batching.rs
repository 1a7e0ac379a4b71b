//! The front end batches its calls to letters, numbers and rules (issue 15, `docs/contract.md`):
//! draws from a batch are the draws single calls make, a failed batch fails only its own draws,
//! and old and new instances interoperate both ways.

use super::draws::rotate;
use crate::support::{Options, TestApp};
use prizegen::frontend::batch::{Config, ROUTE_RECHECK};
use prizegen::verify::verify_draw;
use prizegen_domain::fairness::Service;
use prizegen_domain::games::Impl;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn ranks() -> Value {
    json!({"strength": 2, "dexterity": 1, "constitution": 3, "intelligence": 6, "wisdom": 5, "charisma": 4})
}

/// One draw of every game (prize-pool generated and claimed), each of which must succeed.
async fn every_game(app: &TestApp, round: usize) -> Vec<Value> {
    let mut draws = Vec::new();
    for game in ["account-prize", "spy-mission", "attack"] {
        let response = app.post_draw(json!({"game": game})).await;
        assert_eq!(response.status(), 201, "{game}");
        draws.push(response.json().await.unwrap());
    }
    let character =
        json!({"name": format!("Aria {round}"), "race": "Elf", "class": "Rogue", "ranks": ranks()});
    let response = app.post_draw(json!({"game": "character", "input": character})).await;
    assert_eq!(response.status(), 201, "character");
    draws.push(response.json().await.unwrap());
    let sequence = app.generate_sequence().await;
    draws.push(app.claim_sequence(&sequence).await);
    draws
}

/// `n` account-prize draws at once, each of which must succeed: with one call in flight per
/// service, the others queue and go in batches.
async fn burst(app: &TestApp, n: usize) -> Vec<Value> {
    let mut running = tokio::task::JoinSet::new();
    for _ in 0..n {
        let request =
            app.http.post(format!("{}/api/v1/draws", app.url)).json(&json!({"game": "account-prize"}));
        running.spawn(async move { request.send().await.unwrap() });
    }
    let mut draws = Vec::new();
    while let Some(response) = running.join_next().await {
        let response = response.unwrap();
        assert_eq!(response.status(), 201);
        draws.push(response.json().await.unwrap());
    }
    draws
}

/// One call or batch in flight per service, so that concurrent draws queue.
const ONE_IN_FLIGHT: Config = Config { max_items: 64, in_flight: 1 };

/// Every draw re-computes from its seed once that is revealed.
async fn verify_all(app: &TestApp, draws: &[Value]) {
    rotate(app).await;
    for draw in draws {
        let id = draw["id"].as_str().unwrap();
        let stored: Value = app.get(&format!("/api/v1/draws/{id}")).await.json().await.unwrap();
        verify_draw(&stored, None).unwrap_or_else(|e| panic!("{e}: {stored}"));
    }
}

async fn metrics(app: &mut TestApp, service: Service) -> String {
    let url = format!("{}/metrics", app.service_url(service));
    app.http.get(url).send().await.unwrap().text().await.unwrap()
}

/// The count of a service's requests on `route` answered `status`, from its `/metrics`.
fn served(metrics: &str, route: &str, status: u16) -> u64 {
    let needle = format!(r#"route="{route}",method="POST",status="{status}"}} "#);
    metrics
        .lines()
        .find_map(|line| line.split_once(&needle).map(|(_, n)| n.trim().parse().unwrap()))
        .unwrap_or(0)
}

#[tokio::test]
async fn a_new_front_end_sends_single_calls_to_services_without_the_batch_route() {
    let options = Options { batch_route: false, batch: ONE_IN_FLIGHT, ..Options::default() };
    let Some(mut app) = TestApp::spawn_with(options).await else { return };
    let mut draws = every_game(&app, 1).await;
    draws.extend(burst(&app, 24).await);
    for service in Service::ALL {
        let text = metrics(&mut app, service).await;
        // The old instance has no such route ("unmatched"): one batch tried, then calls alone.
        assert_eq!(served(&text, "unmatched", 404), 1, "{service}:\n{text}");
        assert_eq!(served(&text, &format!("/v1/{service}/account-prize"), 200), 25, "{text}");
    }

    // The rolling update brings the route: after a while the front end batches again.
    app.options.batch_route = true;
    app.kill(Service::Letters).await;
    app.restart(Service::Letters, Impl::V2).await;
    let started = Instant::now();
    loop {
        draws.extend(burst(&app, 24).await);
        let text = metrics(&mut app, Service::Letters).await;
        if served(&text, "/v1/letters/batch", 200) > 0 {
            break;
        }
        assert!(started.elapsed() < ROUTE_RECHECK * 3, "the front end never tried the new batch route");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    verify_all(&app, &draws).await;
}

#[tokio::test]
async fn an_old_front_end_with_single_calls_is_served_by_new_services() {
    let Some(mut app) = TestApp::spawn_with(Options { batch: Config::OFF, ..Options::default() }).await
    else {
        return;
    };
    let mut draws = every_game(&app, 1).await;
    draws.extend(burst(&app, 24).await);
    for service in Service::ALL {
        let text = metrics(&mut app, service).await;
        assert_eq!(served(&text, &format!("/v1/{service}/batch"), 200), 0, "{text}");
        assert_eq!(served(&text, &format!("/v1/{service}/account-prize"), 200), 25, "{text}");
    }
    verify_all(&app, &draws).await;
}

/// What the fault injector in front of letters saw: each batch's (or lone call's) request ids,
/// and whether it was failed.
type Seen = Arc<Mutex<Vec<(Vec<String>, bool)>>>;

/// Real letters, behind a fault injector that fails every batch (or call alone) carrying the
/// `poisoned` request id with a 503, and holds the first call a moment so that the next draws
/// queue.
async fn letters_failing_batches_with(poisoned: &'static str, seen: Seen) -> String {
    use axum::body::{Body, to_bytes};
    use axum::response::IntoResponse;
    let letters =
        prizegen::app::generator(Service::Letters, Impl::V1, Some("letters-x".into()), true).unwrap();
    let injector = move |request: axum::extract::Request, next: axum::middleware::Next| {
        let seen = seen.clone();
        async move {
            let fail = |ids: &[String]| ids.iter().any(|id| id == poisoned);
            let failed = || {
                let error = json!({"error": {"code": "injected", "message": "a failing batch"}});
                (http::StatusCode::SERVICE_UNAVAILABLE, axum::Json(error)).into_response()
            };
            if request.uri().path() != "/v1/letters/batch" {
                // A call alone: the first is held a moment, so that the next draws queue.
                let id = request.headers()["x-request-id"].to_str().unwrap().to_owned();
                let ids = vec![id];
                let fails = fail(&ids);
                let first = {
                    let mut seen = seen.lock().unwrap();
                    seen.push((ids, fails));
                    seen.len() == 1
                };
                if first {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                return if fails { failed() } else { next.run(request).await };
            }
            let (parts, body) = request.into_parts();
            let bytes = to_bytes(body, 1 << 20).await.unwrap();
            let batch: Value = serde_json::from_slice(&bytes).unwrap();
            let ids: Vec<String> = batch["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item["request_id"].as_str().unwrap().to_owned())
                .collect();
            let fails = fail(&ids);
            seen.lock().unwrap().push((ids, fails));
            if fails {
                return failed();
            }
            next.run(axum::extract::Request::from_parts(parts, Body::from(bytes))).await
        }
    };
    let router = letters.router.layer(axum::middleware::from_fn(injector));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

#[tokio::test]
async fn a_failed_batch_fails_only_its_own_draws_and_batched_draws_name_who_served_them() {
    let seen: Seen = Arc::default();
    let letters = letters_failing_batches_with("draw-7", seen.clone()).await;
    let options =
        Options { override_urls: [Some(letters), None, None], batch: ONE_IN_FLIGHT, ..Options::default() };
    let Some(app) = TestApp::spawn_with(options).await else { return };
    let draw = |i: usize| {
        let request =
            app.http.post(format!("{}/api/v1/draws", app.url)).header("x-request-id", format!("draw-{i}"));
        async move {
            let response = request.json(&json!({"game": "account-prize"})).send().await.unwrap();
            let status = response.status().as_u16();
            (format!("draw-{i}"), status, response.json::<Value>().await.unwrap())
        }
    };
    let mut running = tokio::task::JoinSet::new();
    for i in 0..30 {
        running.spawn(draw(i));
    }
    let mut answers = Vec::new();
    while let Some(answer) = running.join_next().await {
        answers.push(answer.unwrap());
    }
    let seen = seen.lock().unwrap().clone();
    let failed_ids: BTreeSet<&str> = seen
        .iter()
        .filter(|(_, failed)| *failed)
        .flat_map(|(ids, _)| ids.iter().map(String::as_str))
        .collect();
    assert!(failed_ids.contains("draw-7"), "{seen:?}");
    assert!(seen.iter().any(|(ids, _)| ids.len() > 1), "the queued draws went together: {seen:?}");
    let mut created = 0;
    for (id, status, body) in &answers {
        if failed_ids.contains(id.as_str()) {
            assert_eq!(*status, 503, "{id} was in a failed batch: {body}");
            assert_eq!(body["error"]["dependency"], "letters", "{body}");
        } else {
            assert_eq!(*status, 201, "{id} was not in a failed batch: {body}");
            assert_eq!(body["served_by"]["letters"], "v1@letters-x", "{body}");
            created += 1;
        }
    }
    assert!(created > 0, "{seen:?}");
    // Every acknowledged draw is stored, and nothing of a failed one.
    let listed: Value = app.get("/api/v1/draws?limit=100").await.json().await.unwrap();
    let stored: BTreeSet<&str> =
        listed["draws"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    let acknowledged: BTreeSet<&str> = answers
        .iter()
        .filter(|(_, status, _)| *status == 201)
        .map(|(_, _, d)| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(stored, acknowledged);
    // The next batch starts afresh.
    app.draw().await;
}
