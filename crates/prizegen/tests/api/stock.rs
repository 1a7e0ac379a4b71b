//! Prize stock: a campaign's budget is never exceeded, under any concurrency.

use super::draws::rotate;
use crate::support::{ADMIN_TOKEN, Options, TestApp, example_seed};
use prizegen::verify::verify_draw;
use serde_json::{Value, json};

pub async fn create_campaign(app: &TestApp, body: Value) -> reqwest::Response {
    app.http
        .post(format!("{}/api/v1/campaigns", app.url))
        .bearer_auth(ADMIN_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn thirty_two_players_never_overspend_a_small_budget() {
    // A fixed seed makes the set of outcomes fixed (nonces 0..320), whatever the interleaving.
    let Some(app) = TestApp::spawn_with(Options { seed: Some(example_seed()), ..Options::default() }).await
    else {
        return;
    };
    let budget = 12_000; // £120 against ~£1,800 of expected prizes
    let created = create_campaign(
        &app,
        json!({"slug": "tight", "name": "Tight budget", "venue": "Hall", "date": "2026-12-01",
               "game": "account-prize", "budget_pence": budget}),
    )
    .await;
    assert_eq!(created.status(), 201);

    let player = |_| async {
        let mut mine = Vec::new();
        for _ in 0..10 {
            let response = app.post_draw(json!({"game": "account-prize", "campaign": "tight"})).await;
            assert_eq!(response.status(), 201);
            mine.push(response.json::<Value>().await.unwrap());
        }
        mine
    };
    let draws: Vec<Value> =
        futures_util::future::join_all((0..32).map(player)).await.into_iter().flatten().collect();
    assert_eq!(draws.len(), 320);

    let awarded: u64 = draws.iter().filter_map(|d| d["prize"]["amount_pence"].as_u64()).sum();
    let campaign: Value = app.get("/api/v1/campaigns/tight").await.json().await.unwrap();
    assert!(awarded <= budget, "awarded {awarded} > budget {budget}");
    assert_eq!(campaign["spent_pence"], awarded, "spent_pence is exact");
    assert_eq!(campaign["stock_left_pence"], budget - awarded);
    let downgraded: Vec<&Value> = draws.iter().filter(|d| d.get("downgraded_from").is_some()).collect();
    assert!(!downgraded.is_empty(), "the budget ran out, so some prizes were lowered");
    for draw in &downgraded {
        let from = draw["downgraded_from"]["amount_pence"].as_u64().unwrap();
        let to = draw["prize"]["amount_pence"].as_u64().unwrap_or(0);
        assert!(to < from, "lowered, never raised: {draw}");
    }
    println!("budget {budget}, awarded {awarded}, {} of 320 draws lowered", downgraded.len());

    // Every draw, lowered or not, still re-verifies from the seed.
    rotate(&app).await;
    let listed: Value = app.get("/api/v1/draws?campaign=tight&limit=100").await.json().await.unwrap();
    for draw in listed["draws"].as_array().unwrap() {
        verify_draw(draw, None).unwrap_or_else(|e| panic!("{e}: {draw}"));
    }
}

#[tokio::test]
async fn a_zero_budget_pays_nothing_and_says_so() {
    let Some(app) = TestApp::spawn_with(Options { seed: Some(example_seed()), ..Options::default() }).await
    else {
        return;
    };
    let body = json!({"slug": "empty", "name": "Empty", "venue": "Hall", "date": "2026-12-01", "game": "account-prize", "budget_pence": 0});
    assert_eq!(create_campaign(&app, body).await.status(), 201);
    // The worked example's first draw wins £10; the budget cannot pay it.
    let draw: Value =
        app.post_draw(json!({"game": "account-prize", "campaign": "empty"})).await.json().await.unwrap();
    assert_eq!(draw["result"]["account_number"], "qxzm4226");
    assert_eq!(draw["prize"], Value::Null);
    assert_eq!(draw["downgraded_from"], json!({"amount_pence": 1000, "label": "£10"}));
    let page = app.get(&format!("/draws/{}", draw["id"].as_str().unwrap())).await.text().await.unwrap();
    assert!(page.contains("no longer fits this campaign"), "the page says so");
}

/// `n` account-prize draws in campaign `slug`, 8 at a time on each of `urls`; each must succeed.
async fn draws_in(app: &TestApp, urls: &[String], slug: &str, n: usize) -> Vec<Value> {
    let mut running = tokio::task::JoinSet::new();
    for player in 0..16 {
        let (http, url) = (app.http.clone(), format!("{}/api/v1/draws", urls[player % urls.len()]));
        let body = json!({"game": "account-prize", "campaign": slug});
        running.spawn(async move {
            let mut mine = Vec::new();
            for _ in 0..n / 16 {
                let response = http.post(&url).json(&body).send().await.unwrap();
                assert_eq!(response.status(), 201);
                mine.push(response.json::<Value>().await.unwrap());
            }
            mine
        });
    }
    let mut draws = Vec::new();
    while let Some(mine) = running.join_next().await {
        draws.extend(mine.unwrap());
    }
    draws
}

fn awarded(draws: &[Value]) -> u64 {
    draws.iter().filter_map(|d| d["prize"]["amount_pence"].as_u64()).sum()
}

/// On the servers a campaign without a budget pays into spending shards (one per connection,
/// migration 0005), not its row; what it spent is still exact, and a budget set while draws run
/// applies to everything spent, shards included.
#[tokio::test]
async fn spending_without_a_budget_is_exact_across_replicas_and_a_budget_set_under_load_holds() {
    let Some(mut app) = TestApp::spawn().await else { return };
    let replica = app.add_replica().await;
    let urls = [app.url.clone(), replica];
    let open = json!({"slug": "open", "name": "Open", "venue": "Hall", "date": "2026-12-01", "game": "account-prize"});
    assert_eq!(create_campaign(&app, open.clone()).await.status(), 201);
    let spent = || async {
        let campaign: Value = app.get("/api/v1/campaigns/open").await.json().await.unwrap();
        campaign["spent_pence"].as_u64().unwrap()
    };

    let mut draws = draws_in(&app, &urls, "open", 128).await;
    assert!(awarded(&draws) > 0, "some of 128 draws won");
    assert_eq!(spent().await, awarded(&draws), "spent without a budget is exact");

    // Draws go on while the operator sets a budget a little above what was spent by then.
    let load = draws_in(&app, &urls, "open", 128);
    let set_budget = async {
        loop {
            let budget = spent().await + 3_000;
            let mut fields = open.clone();
            fields["budget_pence"] = json!(budget);
            fields["active"] = json!(true);
            let url = format!("{}/api/v1/campaigns/open", app.url);
            let response = app.http.put(url).bearer_auth(ADMIN_TOKEN).json(&fields).send().await.unwrap();
            match response.status().as_u16() {
                200 => return budget,
                // Draws spent more between the read and the update: read again.
                409 => continue,
                status => panic!("{status}: {}", response.text().await.unwrap()),
            }
        }
    };
    let (during, budget) = tokio::join!(load, set_budget);
    draws.extend(during);
    draws.extend(draws_in(&app, &urls, "open", 64).await);
    let spent = spent().await;
    assert_eq!(spent, awarded(&draws), "spent is exact across the change");
    assert!(spent <= budget, "spent {spent} > budget {budget}");
    assert!(
        draws.iter().any(|d| d.get("downgraded_from").is_some()),
        "the budget ran out and lowered prizes"
    );
}
