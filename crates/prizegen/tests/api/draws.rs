//! Drawing, reading and listing; v1, v2 and mixed versions; idempotency; collisions.

use crate::support::{Options, TestApp, example_seed};
use prizegen::store::{NewDraw, PrizeDraw, ServedBy, Store};
use prizegen::verify::verify_draw;
use prizegen_domain::fairness::{ClientSeed, SeedKeyer, Service, Stream};
use prizegen_domain::games::{Game, Impl, account_prize};
use serde_json::{Value, json};

fn matches_shape(account: &str, letters: usize, upper: bool, digits: usize) -> bool {
    let (l, d) = account.split_at(letters.min(account.len()));
    account.len() == letters + digits
        && l.bytes().all(|b| if upper { b.is_ascii_uppercase() } else { b.is_ascii_lowercase() })
        && d.bytes().all(|b| b.is_ascii_digit())
}

#[tokio::test]
async fn the_worked_example_end_to_end() {
    let Some(app) = TestApp::spawn_with(Options { seed: Some(example_seed()), ..Options::default() }).await
    else {
        return;
    };
    let response = app.post_draw(json!({"game": "account-prize"})).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let draw: Value = response.json().await.unwrap();
    assert_eq!(draw["result"]["account_number"], "qxzm4226");
    assert_eq!(draw["prize"], json!({"amount_pence": 1000, "label": "£10"}));
    assert_eq!(
        draw["fairness"]["seed_hash"],
        "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
    );
    assert_eq!(draw["fairness"]["nonce"], 0);
    assert_eq!(draw["fairness"]["client_seed"], "");
    assert!(draw["fairness"].get("server_seed").is_none(), "the seed stays secret until rotated");
    assert_eq!(draw["game"], "account-prize");
    assert_eq!(draw["campaign"], "account-prize");
    for service in ["letters", "numbers", "rules"] {
        let by = draw["served_by"][service].as_str().unwrap();
        assert!(by.starts_with("v1@") && by.contains(service), "{service}: {by}");
    }
    assert!(draw["served_by"]["frontend"].as_str().unwrap().starts_with(env!("CARGO_PKG_VERSION")));
    let created_at = draw["created_at"].as_str().unwrap();
    assert!(time::OffsetDateTime::parse(created_at, &time::format_description::well_known::Rfc3339).is_ok());

    // Reading it back gives the same draw, at the Location given.
    let fetched: Value = app.get(&location).await.json().await.unwrap();
    assert_eq!(fetched, draw);
    let listed: Value = app.get("/api/v1/draws?game=account-prize").await.json().await.unwrap();
    assert_eq!(listed["draws"][0], draw);
}

#[tokio::test]
async fn list_is_newest_first_filtered_and_limited() {
    let Some(app) = TestApp::spawn().await else { return };
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(app.draw().await["id"].as_str().unwrap().to_owned());
    }
    let listed: Value = app.get("/api/v1/draws?limit=3&campaign=account-prize").await.json().await.unwrap();
    let got: Vec<&str> =
        listed["draws"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    let newest: Vec<&str> = ids.iter().rev().take(3).map(String::as_str).collect();
    assert_eq!(got, newest);
    let other: Value = app.get("/api/v1/draws?campaign=nobody").await.json().await.unwrap();
    assert_eq!(other["draws"], json!([]));
}

#[tokio::test]
async fn v2_everywhere_draws_v2_account_numbers_that_verify() {
    let Some(app) = TestApp::spawn_with(Options { impls: [Impl::V2; 3], ..Options::default() }).await else {
        return;
    };
    let mut draws = Vec::new();
    for _ in 0..30 {
        let draw = app.draw().await;
        let account = draw["result"]["account_number"].as_str().unwrap().to_owned();
        assert!(matches_shape(&account, 2, true, 8), "v2 account number: {account}");
        for service in ["letters", "numbers", "rules"] {
            assert!(draw["served_by"][service].as_str().unwrap().starts_with("v2@"));
        }
        draws.push(draw);
    }
    // Reveal the seed and re-check every draw offline.
    let rotated = rotate(&app).await;
    let seed = rotated["revealed"]["server_seed"].as_str().unwrap();
    for draw in &draws {
        verify_draw(draw, Some(seed)).unwrap_or_else(|e| panic!("{e}: {draw}"));
    }
}

#[tokio::test]
async fn mixed_versions_interoperate() {
    // A rolling update half way: letters already v2, numbers and rules still v1.
    let options = Options { impls: [Impl::V2, Impl::V1, Impl::V1], ..Options::default() };
    let Some(app) = TestApp::spawn_with(options).await else { return };
    let mut draws = Vec::new();
    for _ in 0..20 {
        let draw = app.draw().await;
        let account = draw["result"]["account_number"].as_str().unwrap().to_owned();
        assert!(matches_shape(&account, 2, true, 4), "v2 letters + v1 digits: {account}");
        draws.push(draw);
    }
    let seed = rotate(&app).await["revealed"]["server_seed"].as_str().unwrap().to_owned();
    for draw in &draws {
        verify_draw(draw, Some(&seed)).unwrap_or_else(|e| panic!("{e}: {draw}"));
    }
}

pub async fn rotate(app: &TestApp) -> Value {
    let response = app
        .http
        .post(format!("{}/api/v1/fairness/rotate", app.url))
        .bearer_auth(crate::support::ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn idempotency_key_returns_the_same_draw() {
    let Some(app) = TestApp::spawn().await else { return };
    let post = |key: &'static str, seed: &'static str| {
        app.http
            .post(format!("{}/api/v1/draws", app.url))
            .header("Idempotency-Key", key)
            .json(&json!({"game": "account-prize", "client_seed": seed}))
            .send()
    };
    let first = post("key-1", "mine").await.unwrap();
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let again = post("key-1", "mine").await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first);

    // The same key for another request is refused, and nothing new is stored.
    let reused = post("key-1", "other").await.unwrap();
    let (status, code, _) = crate::support::error_code(reused).await;
    assert_eq!((status, code.as_str()), (422, "idempotency_key_reused"));
    let listed: Value = app.get("/api/v1/draws").await.json().await.unwrap();
    assert_eq!(listed["draws"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn concurrent_repeats_of_one_key_make_one_draw() {
    let Some(app) = TestApp::spawn().await else { return };
    let requests = (0..16).map(|_| {
        app.http
            .post(format!("{}/api/v1/draws", app.url))
            .header("Idempotency-Key", "same-key")
            .json(&json!({"game": "account-prize"}))
            .send()
    });
    let responses = futures_util::future::join_all(requests).await;
    let mut ids = std::collections::HashSet::new();
    for response in responses {
        let response = response.unwrap();
        assert_eq!(response.status(), 201);
        ids.insert(response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1, "every repeat got the one stored draw");
    let listed: Value = app.get("/api/v1/draws").await.json().await.unwrap();
    assert_eq!(listed["draws"].as_array().unwrap().len(), 1);
}

/// The account number nonce `nonce` of the example seed gives, all v1, client seed "".
fn example_account(nonce: u64) -> String {
    let keyer = SeedKeyer::new(&example_seed());
    let client = ClientSeed::default();
    let letters =
        account_prize::letters(Impl::V1, &mut Stream::new(&keyer.key(&client, nonce, Service::Letters)));
    let digits =
        account_prize::digits(Impl::V1, &mut Stream::new(&keyer.key(&client, nonce, Service::Numbers)));
    letters + &digits
}

#[tokio::test]
async fn a_taken_account_number_is_drawn_again_with_the_next_nonce() {
    let Some(app) = TestApp::spawn_with(Options { seed: Some(example_seed()), ..Options::default() }).await
    else {
        return;
    };
    // Store a draw that already holds nonce 0's account number in the campaign.
    let store = Store::open(&app.database, crate::support::sql_options()).await.unwrap();
    let seed_id = store.current_seed_or_insert(example_seed()).await.unwrap().id;
    let taken = example_account(0);
    assert_eq!(taken, "qxzm4226");
    let blocker = NewDraw {
        id: uuid::Uuid::now_v7().to_string(),
        game: Game::AccountPrize,
        campaign: "account-prize".into(),
        created_at_ms: 0,
        seed_id,
        nonce: 1 << 62, // far from any nonce the front end will lease
        client_seed: "elsewhere".into(),
        result_json: json!({"account_number": taken}).to_string(),
        prize: PrizeDraw::default(),
        served_by: ServedBy {
            frontend: prizegen::contract::Instance::new("t", "t"),
            letters: None,
            numbers: None,
            rules: None,
        },
        unique_key: Some(taken.clone()),
        global_key: None,
        idempotency: None,
        collided_nonces: Vec::new(),
        player_id: None,
        session_check: None,
    };
    assert!(matches!(store.insert_draw(blocker).await.unwrap(), prizegen::store::InsertOutcome::Inserted(_)));

    let draw = app.draw().await;
    assert_eq!(draw["fairness"]["nonce"], 1, "nonce 0 collided, so nonce 1 was drawn");
    assert_eq!(draw["fairness"]["collided_nonces"], json!([0]));
    assert_eq!(draw["result"]["account_number"], example_account(1).as_str());
    assert_ne!(draw["result"]["account_number"], taken.as_str());
}
