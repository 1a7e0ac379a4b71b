//! What every service offers operators: health, readiness, metrics, `x-served-by`, request ids,
//! OpenAPI documents.

use crate::support::{Options, TestApp};
use axum::body::Bytes;
use http::{HeaderMap, Method, Uri};
use prizegen_domain::fairness::Service;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

#[tokio::test]
async fn every_service_has_health_readiness_metrics_and_served_by() {
    let Some(mut app) = TestApp::spawn().await else { return };
    app.draw().await;
    let mut bases = vec![("frontend", app.url.clone())];
    for service in Service::ALL {
        bases.push((service.as_str(), app.service_url(service)));
    }
    for (name, base) in &bases {
        let health = app.http.get(format!("{base}/healthz")).send().await.unwrap();
        assert_eq!(health.status(), 200);
        let served_by = health.headers()["x-served-by"].to_str().unwrap().to_owned();
        assert!(served_by.starts_with(&format!("{name}/")), "{served_by}");
        let body: Value = health.json().await.unwrap();
        assert_eq!(body["service"], *name);
        let ready = app.http.get(format!("{base}/readyz")).send().await.unwrap();
        assert_eq!(ready.status(), 200, "{name} is ready");
        let metrics = app.http.get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap();
        assert!(metrics.contains("prizegen_http_requests_total{"), "{name} exports request counts");
    }
    let front = app.http.get(format!("{}/metrics", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(front.contains(r#"route="/api/v1/draws",method="POST",status="201""#), "{front}");
    assert!(
        front.contains(r#"prizegen_dependency_calls_total{dependency="letters",outcome="ok"} 1"#),
        "{front}"
    );
    // The SQLite writer's figures: its commits so far on SQLite (the draw's among them), none
    // on the database servers.
    let commits = front
        .lines()
        .find_map(|l| l.strip_prefix("prizegen_sqlite_commit_duration_seconds_count "))
        .and_then(|n| n.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no commit count:\n{front}"));
    assert_eq!(commits > 0.0, crate::BACKEND == crate::support::Backend::Sqlite, "{commits} commits");
    assert!(front.contains("prizegen_sqlite_commit_writes_bucket"), "{front}");
    let letters = app.service_url(Service::Letters);
    let text = app.http.get(format!("{letters}/metrics")).send().await.unwrap().text().await.unwrap();
    // A lone call goes alone, not in a batch.
    assert!(text.contains(r#"route="/v1/letters/account-prize""#), "{text}");
    assert!(!text.contains("/api/v1/draws"), "each service shows only its own metrics");

    // Errors and pages carry x-served-by too.
    for path in ["/api/v1/nope", "/", "/no/page", "/api/v1/draws/none"] {
        let response = app.get(path).await;
        assert!(response.headers()["x-served-by"].to_str().unwrap().starts_with("frontend/"), "{path}");
    }
}

#[tokio::test]
async fn the_front_end_is_ready_without_generators_but_says_which_are_down() {
    let Some(mut app) = TestApp::spawn().await else { return };
    app.kill(Service::Rules).await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200, "the database decides readiness");
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["checks"]["database"], "ok");
    assert!(body["checks"]["rules"].as_str().unwrap().starts_with("down"), "{body}");
    assert!(body["checks"]["letters"].as_str().unwrap().starts_with("ok"), "{body}");
}

/// A proxy in front of a real service that records the `x-request-id` of what passes through.
async fn recording_proxy(upstream: String) -> (String, Arc<Mutex<Vec<String>>>) {
    proxy(upstream, std::time::Duration::ZERO).await
}

/// A proxy in front of a real service that records each call's `x-request-id` and answers
/// after `delay` (a slow dependency, real answers).
pub async fn proxy(upstream: String, delay: std::time::Duration) -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let client = reqwest::Client::new();
    let recorded = seen.clone();
    let forward = move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        let (client, upstream, recorded) = (client.clone(), upstream.clone(), recorded.clone());
        async move {
            // The contract's calls only: the front end's `/live` probes `/healthz` every second.
            if uri.path().starts_with("/v1/") {
                let id = headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                recorded.lock().unwrap().push(id.to_owned());
                tokio::time::sleep(delay).await;
            }
            let answer = client
                .request(method, format!("{upstream}{}", uri.path()))
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            let mut headers = answer.headers().clone();
            headers.remove("content-length");
            (answer.status(), headers, answer.bytes().await.unwrap())
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, axum::Router::new().fallback(forward)).await });
    (url, seen)
}

#[tokio::test]
async fn the_request_id_reaches_every_service() {
    // Start once to learn real service addresses, then put a recording proxy in front of each.
    let Some(mut plain) = TestApp::spawn().await else { return };
    let mut urls = Vec::new();
    let mut seen = Vec::new();
    for service in Service::ALL {
        let (url, log) = recording_proxy(plain.service_url(service)).await;
        urls.push(Some(url));
        seen.push(log);
    }
    let override_urls = [urls[0].clone(), urls[1].clone(), urls[2].clone()];
    let Some(app) = TestApp::spawn_with(Options { override_urls, ..Options::default() }).await else {
        return;
    };

    let response = app
        .http
        .post(format!("{}/api/v1/draws", app.url))
        .header("x-request-id", "trace-me-123")
        .json(&json!({"game": "account-prize"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["x-request-id"], "trace-me-123");
    let generated = app.post_draw(json!({"game": "account-prize"})).await; // no id sent: one is made
    let generated_id = generated.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(generated_id.len(), 32);
    for (service, log) in Service::ALL.into_iter().zip(&seen) {
        let ids = log.lock().unwrap().clone();
        assert_eq!(ids, ["trace-me-123".to_owned(), generated_id.clone()], "{service} saw the ids");
    }
}

/// What every document says of every operation: its answers described, errors with the error
/// schema, the plumbing's answers (400/415/422 for a JSON body, 503), the operator's 401 and
/// security scheme, unique operation ids, and the headers every answer carries.
fn check_document(name: &str, doc: &Value) {
    let mut ids = std::collections::BTreeSet::new();
    let error_ref = "#/components/schemas/Error";
    assert!(doc["components"]["schemas"]["Error"].is_object(), "{name} defines the error schema");
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let at = format!("{name}: {method} {path}");
            let id = operation["operationId"].as_str().unwrap_or_else(|| panic!("{at} has an operationId"));
            assert!(ids.insert(id.to_owned()), "{at}: operationId {id} is unique");
            let responses = operation["responses"].as_object().unwrap();
            let statuses: Vec<&str> = responses.keys().map(String::as_str).collect();
            assert!(statuses.contains(&"503"), "{at} says it can be unavailable: {statuses:?}");
            if operation.get("requestBody").is_some() {
                for status in ["400", "415", "422"] {
                    assert!(
                        statuses.contains(&status),
                        "{at} takes JSON, so documents {status}: {statuses:?}"
                    );
                }
            }
            if operation.get("security").is_some() {
                assert!(statuses.contains(&"401"), "{at} is the operator's, so documents 401");
            }
            for (status, response) in responses {
                let description = response["description"].as_str().unwrap_or_default();
                assert!(!description.is_empty(), "{at} {status} is described");
                assert!(response["headers"]["x-served-by"].is_object(), "{at} {status}: x-served-by");
                if status.starts_with('4') || status.starts_with('5') {
                    let schema = &response["content"]["application/json"]["schema"]["$ref"];
                    assert_eq!(schema, error_ref, "{at} {status} has the error schema");
                }
            }
        }
    }
}

#[tokio::test]
async fn openapi_documents_describe_the_routes() {
    let Some(mut app) = TestApp::spawn().await else { return };
    let public: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    for path in [
        "/api/v1/draws",
        "/api/v1/draws/{id}",
        "/api/v1/games",
        "/api/v1/fairness",
        "/api/v1/fairness/rotate",
    ] {
        assert!(public["paths"].get(path).is_some(), "public API documents {path}");
    }
    // Every operation is grouped under a tag, as client generators expect.
    for (path, item) in public["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let tags = operation["tags"].as_array().map_or(0, Vec::len);
            assert_eq!(tags, 1, "{method} {path} has a tag: {operation}");
        }
    }
    check_document("public", &public);
    let scheme = &public["components"]["securitySchemes"]["operator"];
    assert_eq!(
        (scheme["type"].as_str(), scheme["scheme"].as_str()),
        (Some("http"), Some("bearer")),
        "{scheme}"
    );
    let rotate = &public["paths"]["/api/v1/fairness/rotate"]["post"];
    assert_eq!(rotate["security"][0]["operator"], serde_json::json!([]), "the operator's call says so");
    let created = &public["paths"]["/api/v1/draws"]["post"]["responses"]["201"];
    assert_eq!(created["links"]["getDraw"]["operationId"], "getDraw", "a draw links to its page: {created}");
    let header = &public["paths"]["/api/v1/draws"]["post"]["parameters"][0];
    assert_eq!(header["name"], "Idempotency-Key");
    assert!(header["description"].as_str().unwrap().contains("422"), "its meaning: {header}");
    for service in Service::ALL {
        let base = app.service_url(service);
        let doc: Value =
            app.http.get(format!("{base}/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
        let path = format!("/v1/{service}/account-prize");
        assert!(doc["paths"].get(&path).is_some(), "{service} documents {path}");
        check_document(service.as_str(), &doc);
    }
}

#[tokio::test]
async fn games_list_implementations_and_odds() {
    let Some(app) = TestApp::spawn().await else { return };
    let games: Value = app.get("/api/v1/games").await.json().await.unwrap();
    let game = &games["games"][0];
    assert_eq!(game["name"], "account-prize");
    for service in ["letters", "numbers", "rules"] {
        assert!(game["implementations"][service].as_str().unwrap().starts_with("v1@"));
    }
    let total: f64 =
        game["odds"].as_array().unwrap().iter().map(|l| l["probability"].as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-9, "odds sum to 1: {total}");
    assert_eq!(game["odds"][0]["prize"]["amount_pence"], 10_000);
}
