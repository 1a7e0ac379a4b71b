//! Commitments, rotation by the operator, and re-verification of every draw.

use super::draws::rotate;
use crate::support::{ADMIN_TOKEN, Options, TestApp, error_code};
use prizegen::verify::verify_draw;
use serde_json::Value;
use sha2::{Digest, Sha256};

#[tokio::test]
async fn operator_calls_need_the_token() {
    let Some(app) = TestApp::spawn().await else { return };
    let url = format!("{}/api/v1/fairness/rotate", app.url);
    let none = app.http.post(&url).send().await.unwrap();
    assert_eq!(error_code(none).await.0, 401);
    let wrong = app.http.post(&url).bearer_auth("not-the-token").send().await.unwrap();
    assert_eq!(error_code(wrong).await.0, 401);
    let before: Value = app.get("/api/v1/fairness").await.json().await.unwrap();
    assert_eq!(before["revealed"], serde_json::json!([]), "refused calls rotated nothing");
    let right = app.http.post(&url).bearer_auth(ADMIN_TOKEN).send().await.unwrap();
    assert_eq!(right.status(), 200);
}

#[tokio::test]
async fn rotation_reveals_the_committed_seed_and_every_draw_verifies() {
    let Some(app) = TestApp::spawn().await else { return };
    let commitment: Value = app.get("/api/v1/fairness").await.json().await.unwrap();
    let committed = commitment["current"]["seed_hash"].as_str().unwrap().to_owned();
    let mut draws = Vec::new();
    for _ in 0..10 {
        draws.push(app.draw().await);
    }
    assert!(draws.iter().all(|d| d["fairness"]["seed_hash"] == committed.as_str()));

    let rotation = rotate(&app).await;
    assert_eq!(rotation["revealed"]["seed_hash"], committed.as_str());
    let seed_hex = rotation["revealed"]["server_seed"].as_str().unwrap();
    let seed = hex::decode(seed_hex).unwrap();
    assert_eq!(hex::encode(Sha256::digest(&seed)), committed, "the revealed seed matches its commitment");
    let new_hash = rotation["current"]["seed_hash"].as_str().unwrap();
    assert_ne!(new_hash, committed);
    assert!(rotation["current"].get("server_seed").is_none(), "the new seed stays secret");

    // Stored draws now carry the seed, and all of them re-verify.
    for draw in &draws {
        let stored: Value =
            app.get(&format!("/api/v1/draws/{}", draw["id"].as_str().unwrap())).await.json().await.unwrap();
        assert_eq!(stored["fairness"]["server_seed"], seed_hex);
        verify_draw(&stored, None).unwrap_or_else(|e| panic!("{e}: {stored}"));
    }
    // New draws use the new seed; the public state lists the revealed one.
    let next = app.draw().await;
    assert_eq!(next["fairness"]["seed_hash"], new_hash);
    let after: Value = app.get("/api/v1/fairness").await.json().await.unwrap();
    assert_eq!(after["current"]["seed_hash"], new_hash);
    assert_eq!(after["revealed"][0]["server_seed"], seed_hex);
}

#[tokio::test]
async fn nonces_are_never_reused_under_a_seed() {
    let Some(app) = TestApp::spawn().await else { return };
    let draws = futures_util::future::join_all((0..40).map(|_| app.draw())).await;
    let mut nonces: Vec<u64> = draws.iter().map(|d| d["fairness"]["nonce"].as_u64().unwrap()).collect();
    nonces.sort_unstable();
    nonces.dedup();
    assert_eq!(nonces.len(), 40);
}

#[tokio::test]
async fn nonces_stay_unique_across_replicas_block_refills_and_a_rotation() {
    // Blocks of 7 force many refills; two front ends share the database.
    let Some(mut app) = TestApp::spawn_with(Options { nonce_block: 7, ..Options::default() }).await else {
        return;
    };
    let replica = app.add_replica().await;
    let draw_at = |url: String| {
        let http = app.http.clone();
        async move {
            let response = http
                .post(format!("{url}/api/v1/draws"))
                .json(&serde_json::json!({"game": "spy-mission"}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201);
            response.json::<Value>().await.unwrap()
        }
    };
    let urls = || [app.url.clone(), replica.clone()].into_iter().cycle().take(60);
    let mut draws = futures_util::future::join_all(urls().map(draw_at)).await;
    super::draws::rotate(&app).await;
    draws.extend(futures_util::future::join_all(urls().map(draw_at)).await);

    let mut pairs: Vec<(String, u64)> = draws
        .iter()
        .map(|d| {
            (
                d["fairness"]["seed_hash"].as_str().unwrap().to_owned(),
                d["fairness"]["nonce"].as_u64().unwrap(),
            )
        })
        .collect();
    let seeds: std::collections::BTreeSet<&String> = pairs.iter().map(|(seed, _)| seed).collect();
    assert_eq!(seeds.len(), 2, "draws before and after the rotation");
    pairs.sort_unstable();
    pairs.dedup();
    assert_eq!(pairs.len(), 120, "no (seed, nonce) pair was handed out twice");
    let fronts: std::collections::BTreeSet<&str> =
        draws.iter().map(|d| d["served_by"]["frontend"].as_str().unwrap()).collect();
    assert_eq!(fronts.len(), 2, "both replicas drew");
}
