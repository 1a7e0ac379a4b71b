//! Bad input gets a 4xx JSON error naming the problem, and nothing is stored.

use crate::support::{TestApp, error_code};
use serde_json::{Value, json};

async fn assert_nothing_stored(app: &TestApp) {
    let listed: Value = app.get("/api/v1/draws").await.json().await.unwrap();
    assert_eq!(listed["draws"], json!([]), "a refused request stores nothing");
}

#[tokio::test]
async fn bad_draw_requests_are_4xx_json() {
    let Some(app) = TestApp::spawn().await else { return };
    let post_raw = |body: &'static str, content_type: &'static str| {
        app.http
            .post(format!("{}/api/v1/draws", app.url))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let cases: [(&str, &str, u16, &str); 7] = [
        (r#"{"game": "account-prize""#, "application/json", 400, "invalid_json"),
        ("not json at all", "application/json", 400, "invalid_json"),
        (r#"{"game": "account-prize"}"#, "text/plain", 415, "unsupported_media_type"),
        (r#"{"gaem": "account-prize"}"#, "application/json", 422, "invalid_field"),
        (r#"{"game": 7}"#, "application/json", 422, "invalid_field"),
        // serde alone would read a struct from an array; every body is an object, as documented.
        (r#"["account-prize", null, null, null]"#, "application/json", 422, "invalid_field"),
        (r#"{"game": "account-prize"}"#, "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ];
    for (body, content_type, want_status, want_code) in cases {
        let (status, code, _) = error_code(post_raw(body, content_type).await.unwrap()).await;
        assert_eq!((status, code.as_str()), (want_status, want_code), "body {body:?}");
    }

    let long_seed = "x".repeat(65);
    let cases = [
        (json!({"game": "poker"}), "unknown_game"),
        (json!({"game": "account-prize", "campaign": "no-such-campaign"}), "unknown_campaign"),
        (json!({"game": "account-prize", "client_seed": long_seed}), "invalid_client_seed"),
        (json!({"game": "account-prize", "input": {"name": "x"}}), "invalid_field"),
        // No NUL in a seed: PostgreSQL's text could not store it (it was a 500 there).
        (json!({"game": "account-prize", "client_seed": "a\u{0}b"}), "invalid_client_seed"),
        (json!({"game": "prize-pool"}), "two_steps"),
    ];
    for (body, want_code) in cases {
        let (status, code, error) = error_code(app.post_draw(body.clone()).await).await;
        assert_eq!((status, code.as_str()), (422, want_code), "body {body}: {error}");
    }
    let (_, _, unknown_game) = error_code(app.post_draw(json!({"game": "poker"})).await).await;
    let message = unknown_game["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("poker") && message.contains("account-prize"),
        "names the game and the choices: {message}"
    );

    let bad_key = app
        .http
        .post(format!("{}/api/v1/draws", app.url))
        .header("Idempotency-Key", "")
        .json(&json!({"game": "account-prize"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(bad_key).await.1, "invalid_idempotency_key");
    assert_nothing_stored(&app).await;
}

#[tokio::test]
async fn unknown_things_are_404_json() {
    let Some(app) = TestApp::spawn().await else { return };
    let (status, code, _) =
        error_code(app.get("/api/v1/draws/00000000-0000-0000-0000-000000000000").await).await;
    assert_eq!((status, code.as_str()), (404, "draw_not_found"));
    let (status, code, _) = error_code(app.get("/api/v1/no-such-thing").await).await;
    assert_eq!((status, code.as_str()), (404, "not_found"));
    let (status, code, _) = error_code(app.get("/api/v1/draws?limit=0").await).await;
    assert_eq!((status, code.as_str()), (422, "invalid_limit"));
    let (status, code, _) = error_code(app.get("/api/v1/draws?game=poker").await).await;
    assert_eq!((status, code.as_str()), (422, "unknown_game"));
    let (status, code, _) = error_code(app.get("/api/v1/draws?limit=many").await).await;
    assert_eq!((status, code.as_str()), (400, "invalid_query"));
    let (status, code, _) = error_code(app.get("/api/v1/draws?campaign=Not%20A%20Slug").await).await;
    assert_eq!((status, code.as_str()), (422, "invalid_campaign"));
    // A NUL in a key is "not found", not the database's error (PostgreSQL's text holds no NUL).
    for path in ["/api/v1/draws/a%00b", "/api/v1/campaigns/a%00b", "/api/v1/prize-pool/sequences/a%00b"] {
        let (status, _, body) = error_code(app.get(path).await).await;
        assert_eq!(status, 404, "{path}: {body}");
    }
    let page = app.get("/play/attack?campaign=a%00b").await;
    assert_eq!(page.status(), 404, "the pages too");
    // Pages answer 404 in HTML.
    let page = app.get("/no/such/page").await;
    assert_eq!(page.status(), 404);
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert!(page.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert!(page.text().await.unwrap().contains("Not found"));
}

#[tokio::test]
async fn generators_refuse_bad_keys_and_parts() {
    let Some(mut app) = TestApp::spawn().await else { return };
    let letters = app.service_url(prizegen_domain::fairness::Service::Letters);
    let rules = app.service_url(prizegen_domain::fairness::Service::Rules);
    let response = app
        .http
        .post(format!("{letters}/v1/letters/account-prize"))
        .json(&json!({"key": "abc"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(response).await.1, "invalid_key");
    let response = app
        .http
        .post(format!("{rules}/v1/rules/account-prize"))
        .json(&json!({"letters": {"letters": "ab1"}, "numbers": {"digits": "1234"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(response).await.1, "invalid_parts");
    // Without a key a generator draws one itself: still a valid answer.
    let response =
        app.http.post(format!("{letters}/v1/letters/account-prize")).json(&json!({})).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["letters"].as_str().unwrap().len(), 4);
}
