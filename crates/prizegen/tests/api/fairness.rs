//! Commitments, rotation by the operator, and re-verification of every draw.

use super::draws::rotate;
use crate::support::{ADMIN_TOKEN, Options, TestApp, error_code};
use futures_util::StreamExt;
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

/// The lines of an NDJSON export, parsed.
async fn export(app: &TestApp, seed_hash: &str) -> Vec<Value> {
    let response = app.get(&format!("/api/v1/draws/export?seed_hash={seed_hash}")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    let text = response.text().await.unwrap();
    assert!(text.is_empty() || text.ends_with('\n'), "every line is complete");
    text.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))).collect()
}

#[tokio::test]
async fn a_seeds_draws_export_as_ndjson_in_nonce_order_across_pages_and_all_verify() {
    let Some(app) = TestApp::spawn().await else { return };
    let committed: Value = app.get("/api/v1/fairness").await.json().await.unwrap();
    let committed = committed["current"]["seed_hash"].as_str().unwrap().to_owned();
    // More than two of the export's pages (500 draws each), made 16 at a time.
    let made: Vec<Value> =
        futures_util::stream::iter(0..1_203).map(|_| app.draw()).buffer_unordered(16).collect().await;
    let rotation = rotate(&app).await;
    let seed_hex = rotation["revealed"]["server_seed"].as_str().unwrap().to_owned();

    let lines = export(&app, &committed).await;
    assert_eq!(lines.len(), made.len(), "every draw under the seed, once");
    let nonces: Vec<u64> = lines.iter().map(|d| d["fairness"]["nonce"].as_u64().unwrap()).collect();
    assert!(nonces.windows(2).all(|w| w[0] < w[1]), "in nonce order, no repeats");
    let made_ids: std::collections::HashSet<&str> = made.iter().map(|d| d["id"].as_str().unwrap()).collect();
    for line in &lines {
        assert!(made_ids.contains(line["id"].as_str().unwrap()), "only this seed's draws: {line}");
        assert_eq!(line["fairness"]["server_seed"], seed_hex.as_str(), "revealed in the export");
        verify_draw(line, None).unwrap_or_else(|e| panic!("{e}: {line}"));
    }
    // `prizegen verify` takes the export as it is, a line at a time; one changed result fails.
    let ndjson: String = lines.iter().map(|line| format!("{line}\n")).collect();
    let dir = tempfile::tempdir().unwrap();
    let (good, bad) = (dir.path().join("export.ndjson"), dir.path().join("tampered.ndjson"));
    std::fs::write(&good, &ndjson).unwrap();
    let mut tampered = lines.clone();
    let result = tampered[700]["result"].as_object_mut().unwrap();
    let (field, value) =
        result.iter().find(|(_, v)| v.is_string()).map(|(k, v)| (k.clone(), v.clone())).unwrap();
    let mut changed = value.as_str().unwrap().to_owned();
    let last = changed.pop().unwrap();
    changed.push(if last == '0' { '1' } else { '0' });
    result.insert(field, Value::String(changed));
    std::fs::write(&bad, tampered.iter().map(|line| format!("{line}\n")).collect::<String>()).unwrap();
    let run = |file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_prizegen")).arg("verify").arg(file).output().unwrap()
    };
    let ok = run(&good);
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{out}");
    assert!(out.ends_with(&format!("{n} of {n} draws verified\n", n = lines.len())), "{out}");
    let failed = run(&bad);
    let out = String::from_utf8_lossy(&failed.stdout);
    assert_eq!(failed.status.code(), Some(1), "{out}");
    let fail_lines: Vec<&str> = out.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(fail_lines.len(), 1, "{out}");
    assert!(fail_lines[0].contains(tampered[700]["id"].as_str().unwrap()), "{out}");

    for line in [&lines[0], &lines[499], &lines[500], &lines[lines.len() - 1]] {
        let one: Value =
            app.get(&format!("/api/v1/draws/{}", line["id"].as_str().unwrap())).await.json().await.unwrap();
        assert_eq!(&one, line, "a line is the draw as GET /api/v1/draws/{{id}} gives it");
    }

    // The current seed's export holds what has been drawn under it so far.
    let current = rotation["current"]["seed_hash"].as_str().unwrap().to_owned();
    assert!(export(&app, &current).await.is_empty());
    let next = app.draw().await;
    let now = export(&app, &current).await;
    assert_eq!((now.len(), &now[0]["id"]), (1, &next["id"]));
    assert!(now[0]["fairness"].get("server_seed").is_none(), "a current seed stays secret");

    let unknown = app.get(&format!("/api/v1/draws/export?seed_hash={}", "0".repeat(64))).await;
    let (status, code, _) = error_code(unknown).await;
    assert_eq!((status, code.as_str()), (404, "seed_not_found"));
    let bad = app.get("/api/v1/draws/export?seed_hash=ABC").await;
    let (status, code, _) = error_code(bad).await;
    assert_eq!((status, code.as_str()), (422, "invalid_seed_hash"));
}
