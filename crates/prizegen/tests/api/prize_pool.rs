//! prize-pool's two steps: a sequence is claimed at most once, whatever the concurrency.

use crate::support::{TestApp, error_code};
use serde_json::{Value, json};

async fn generate(app: &TestApp) -> Value {
    let response = app
        .http
        .post(format!("{}/api/v1/prize-pool/sequences", app.url))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn claim(app: &TestApp, sequence: &str) -> reqwest::Response {
    app.http.post(format!("{}/api/v1/prize-pool/sequences/{sequence}/claim", app.url)).send().await.unwrap()
}

#[tokio::test]
async fn a_hundred_simultaneous_claims_one_wins() {
    let Some(app) = TestApp::spawn().await else { return };
    let generated = generate(&app).await;
    let sequence = generated["sequence"].as_str().unwrap();
    assert_eq!(sequence.len(), 20);
    assert_eq!(generated["claimed"], false);

    let responses = futures_util::future::join_all((0..100).map(|_| claim(&app, sequence))).await;
    let mut statuses = std::collections::BTreeMap::new();
    let mut winner = None;
    for response in responses {
        let status = response.status().as_u16();
        *statuses.entry(status).or_insert(0) += 1;
        match status {
            200 => winner = Some(response.json::<Value>().await.unwrap()),
            409 => assert_eq!(error_code(response).await.1, "already_submitted"),
            _ => {}
        }
    }
    assert_eq!(statuses, std::collections::BTreeMap::from([(200, 1), (409, 99)]));
    let winner = winner.unwrap();
    let stored: Value =
        app.get(&format!("/api/v1/prize-pool/sequences/{sequence}")).await.json().await.unwrap();
    assert_eq!(stored["claimed"], true);
    assert_eq!(stored["draw_id"], winner["id"]);
    let listed: Value = app.get("/api/v1/draws?game=prize-pool").await.json().await.unwrap();
    assert_eq!(listed["draws"].as_array().unwrap().len(), 1, "one claim, one draw");
}

#[tokio::test]
async fn unknown_sequences_are_404_and_sequences_survive_restarts() {
    let Some(mut app) = TestApp::spawn().await else { return };
    let (status, code, _) = error_code(claim(&app, "abcdefghij0123456789").await).await;
    assert_eq!((status, code.as_str()), (404, "unknown_sequence"));
    let (status, _, _) = error_code(claim(&app, "not-a-sequence").await).await;
    assert_eq!(status, 404);

    let claimed = generate(&app).await["sequence"].as_str().unwrap().to_owned();
    let open = generate(&app).await["sequence"].as_str().unwrap().to_owned();
    assert_eq!(claim(&app, &claimed).await.status(), 200);

    app.restart_frontend().await;

    assert_eq!(error_code(claim(&app, &claimed).await).await.0, 409, "still claimed after a restart");
    assert_eq!(claim(&app, &open).await.status(), 200, "still claimable after a restart");
}
