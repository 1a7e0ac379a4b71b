//! Two front ends on one database: every guarantee holds across replicas (run on SQLite,
//! PostgreSQL and MariaDB by the three API test binaries).

use super::stock::create_campaign;
use crate::support::{Options, TestApp, error_code};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};

/// `None` when the test is skipped (see `TestApp::spawn_with`).
async fn two_front_ends() -> Option<(TestApp, [String; 2])> {
    let mut app =
        TestApp::spawn_with(Options { seed: Some(crate::support::example_seed()), ..Options::default() })
            .await?;
    let replica = app.add_replica().await;
    let urls = [app.url.clone(), replica];
    Some((app, urls))
}

#[tokio::test]
async fn a_hundred_claims_across_two_front_ends_one_wins() {
    let Some((app, urls)) = two_front_ends().await else { return };
    let generated: Value = app
        .http
        .post(format!("{}/api/v1/prize-pool/sequences", urls[1]))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sequence = generated["sequence"].as_str().unwrap();
    let claims = (0..100).map(|i| {
        app.http.post(format!("{}/api/v1/prize-pool/sequences/{sequence}/claim", urls[i % 2])).send()
    });
    let mut statuses = BTreeMap::new();
    for response in futures_util::future::join_all(claims).await {
        let response = response.unwrap();
        let status = response.status().as_u16();
        if status == 409 {
            assert_eq!(error_code(response).await.1, "already_submitted");
        }
        *statuses.entry(status).or_insert(0) += 1;
    }
    assert_eq!(statuses, BTreeMap::from([(200, 1), (409, 99)]));
}

#[tokio::test]
async fn eight_hundred_draws_across_two_front_ends_are_all_stored_and_distinct() {
    let Some((app, urls)) = two_front_ends().await else { return };
    // 64 in flight at a time: enough to interleave both front ends' nonce blocks and commits,
    // without turning the test into an overload test (800 at once can wait longer for a pooled
    // database connection than the 5 s database timeout on a busy CI machine — a correct 503).
    use futures_util::StreamExt;
    let draws = futures_util::stream::iter(0..800)
        .map(|i| {
            app.http
                .post(format!("{}/api/v1/draws", urls[i % 2]))
                .json(&json!({"game": "account-prize"}))
                .send()
        })
        .buffer_unordered(64)
        .collect::<Vec<_>>()
        .await;
    let mut accounts = HashSet::new();
    let mut nonces = HashSet::new();
    let mut front_ends = HashSet::new();
    for response in draws {
        let response = response.unwrap();
        let status = response.status();
        let body = response.text().await.unwrap();
        assert_eq!(status, 201, "{body}");
        let draw: Value = serde_json::from_str(&body).unwrap();
        accounts.insert(draw["result"]["account_number"].as_str().unwrap().to_owned());
        nonces.insert(draw["fairness"]["nonce"].as_u64().unwrap());
        front_ends.insert(draw["served_by"]["frontend"].as_str().unwrap().to_owned());
    }
    assert_eq!(accounts.len(), 800, "every account number distinct");
    assert_eq!(nonces.len(), 800, "every nonce distinct");
    assert_eq!(front_ends.len(), 2);
    let listed: Value = app.get("/api/v1/draws?limit=100").await.json().await.unwrap();
    assert_eq!(listed["draws"].as_array().unwrap().len(), 100);
}

#[tokio::test]
async fn a_budget_shared_by_two_front_ends_is_never_overspent() {
    let Some((app, urls)) = two_front_ends().await else { return };
    let budget = 9_000;
    let body = json!({"slug": "shared", "name": "Shared", "venue": "Two doors", "date": "2026-12-24",
                      "game": "account-prize", "budget_pence": budget});
    assert_eq!(create_campaign(&app, body).await.status(), 201);
    let player = |i: usize| {
        let (http, url) = (app.http.clone(), urls[i % 2].clone());
        async move {
            let mut awarded = 0;
            for _ in 0..8 {
                let response = http
                    .post(format!("{url}/api/v1/draws"))
                    .json(&json!({"game": "account-prize", "campaign": "shared"}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 201);
                let draw: Value = response.json().await.unwrap();
                awarded += draw["prize"]["amount_pence"].as_u64().unwrap_or(0);
            }
            awarded
        }
    };
    let awarded: u64 = futures_util::future::join_all((0..32).map(player)).await.into_iter().sum();
    let campaign: Value = app.get("/api/v1/campaigns/shared").await.json().await.unwrap();
    assert!(awarded <= budget, "awarded {awarded} > {budget}");
    assert_eq!(campaign["spent_pence"], awarded);
    println!("{:?}: budget {budget}, awarded {awarded} over 256 draws on two front ends", crate::BACKEND);
}

#[tokio::test]
async fn replicas_starting_together_on_a_new_database_migrate_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let Some(url) = crate::support::databases::fresh_database(crate::BACKEND, dir.path()) else { return };
    let options = crate::support::sql_options();
    let opens = (0..4).map(|_| prizegen::store::Store::open(&url, options));
    let stores = futures_util::future::join_all(opens).await;
    assert!(
        stores.iter().all(Result::is_ok),
        "every replica started: {:?}",
        stores.iter().filter_map(|s| s.as_ref().err()).collect::<Vec<_>>()
    );
    let store = stores.into_iter().next().unwrap().unwrap();
    let campaigns = store.campaigns().await.unwrap();
    assert_eq!(campaigns.len(), 5, "one default campaign per game, not one per replica");
    // They agree on one current seed, too.
    let seeds = futures_util::future::join_all((0..4).map(|_| {
        let store = store.clone();
        async move {
            store
                .current_seed_or_insert(prizegen::frontend::nonces::fresh_seed().unwrap())
                .await
                .unwrap()
                .hash
        }
    }))
    .await;
    assert!(seeds.windows(2).all(|w| w[0] == w[1]), "one current seed");
    // And on one audit log: started once, each default campaign and the seed recorded once.
    let kinds: Vec<String> = store.audit_entries(0, 100).await.unwrap().into_iter().map(|e| e.kind).collect();
    let count = |kind: &str| kinds.iter().filter(|k| *k == kind).count();
    assert_eq!(
        (count("log.started"), count("campaign.created"), count("seed.committed")),
        (1, 5, 1),
        "{kinds:?}"
    );
    assert_eq!(kinds.len(), 7, "{kinds:?}");
}
