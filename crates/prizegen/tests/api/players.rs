//! Players over the API: accounts, sessions and their revocation, the sign-in limit across
//! replicas, their draws and totals, and the leaderboard — on SQLite, PostgreSQL and MariaDB.

use super::stock::create_campaign;
use crate::support::{Options, TestApp, error_code, example_seed, sql_options};
use prizegen::store::Store;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A password zxcvbn accepts.
pub const PASSWORD: &str = "correct horse battery staple";

pub async fn register(app: &TestApp, base: &str, name: &str, password: &str) -> reqwest::Response {
    app.http
        .post(format!("{base}/api/v1/players"))
        .json(&json!({"name": name, "password": password}))
        .send()
        .await
        .unwrap()
}

pub async fn try_sign_in(app: &TestApp, base: &str, name: &str, password: &str) -> reqwest::Response {
    app.http
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"name": name, "password": password}))
        .send()
        .await
        .unwrap()
}

/// Registers `name` and signs in; the session token.
pub async fn player(app: &TestApp, name: &str) -> String {
    assert_eq!(register(app, &app.url, name, PASSWORD).await.status(), 201, "{name} registers");
    sign_in(app, &app.url, name).await
}

pub async fn sign_in(app: &TestApp, base: &str, name: &str) -> String {
    let response = try_sign_in(app, base, name, PASSWORD).await;
    assert_eq!(response.status(), 201, "{name} signs in");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    body["token"].as_str().unwrap().to_owned()
}

async fn get_as(app: &TestApp, base: &str, path: &str, token: &str) -> reqwest::Response {
    app.http.get(format!("{base}{path}")).bearer_auth(token).send().await.unwrap()
}

/// A draw posted with a player's token, whatever the answer.
async fn post_draw_as(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.http.post(format!("{}/api/v1/draws", app.url)).bearer_auth(token).json(&body).send().await.unwrap()
}

async fn draw_as(app: &TestApp, token: &str, body: Value) -> Value {
    let response = post_draw_as(app, token, body).await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// Ends the session of `token` through the front end at `base`.
async fn sign_out_on(app: &TestApp, base: &str, token: &str) -> reqwest::Response {
    app.http.delete(format!("{base}/api/v1/sessions/current")).bearer_auth(token).send().await.unwrap()
}

/// Waits, if needed, until at least `seconds` remain in the current minute, so that a test of
/// the per-minute limit runs inside one minute (the limit's counters are per minute).
async fn within_one_minute(seconds: u64) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let left = 60 - now % 60;
    if left < seconds {
        tokio::time::sleep(std::time::Duration::from_secs(left + 1)).await;
    }
}

#[tokio::test]
async fn a_player_registers_signs_in_draws_and_signs_out_everywhere() {
    let Some(mut app) = TestApp::spawn().await else { return };
    let replica = app.add_replica().await;
    let created = register(&app, &app.url, "Ann Lee", PASSWORD).await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["location"], "/api/v1/players/Ann%20Lee");
    let body: Value = created.json().await.unwrap();
    assert_eq!(body["name"], "Ann Lee");

    // Any case signs in; the token works on both replicas (no replica-local state).
    let token = sign_in(&app, &replica, "ann LEE").await;
    let me: Value = get_as(&app, &app.url, "/api/v1/players/me", &token).await.json().await.unwrap();
    assert_eq!((me["name"].as_str(), me["totals"]["draws"].as_i64()), (Some("Ann Lee"), Some(0)));
    let drawn = draw_as(&app, &token, json!({"game": "attack"})).await;
    assert_eq!(drawn["player"], "Ann Lee", "a signed-in draw is theirs");
    let anonymous: Value = app.draw().await;
    assert!(anonymous.get("player").is_none(), "anonymous draws work as before: {anonymous}");
    let me: Value = get_as(&app, &replica, "/api/v1/players/me", &token).await.json().await.unwrap();
    assert_eq!(me["totals"]["draws"], 1);
    assert_eq!(me["totals"]["by_game"][0]["game"], "attack");

    // Signing out on one replica ends the session on the other.
    let out = sign_out_on(&app, &replica, &token).await;
    assert_eq!(out.status(), 204);
    for base in [&app.url, &replica] {
        let (status, code, _) = error_code(get_as(&app, base, "/api/v1/players/me", &token).await).await;
        assert_eq!((status, code.as_str()), (401, "not_signed_in"), "{base}");
    }
    let refused = post_draw_as(&app, &token, json!({"game": "attack"})).await;
    assert_eq!(refused.status(), 401, "an ended session's draw is refused, not made anonymous");
    assert!(refused.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
}

/// How many draws of `game` there are, anonymous or not.
async fn draws_of(app: &TestApp, game: &str) -> usize {
    let listed: Value = app.get(&format!("/api/v1/draws?game={game}&limit=100")).await.json().await.unwrap();
    listed["draws"].as_array().map_or_else(|| panic!("no draws list: {listed}"), Vec::len)
}

#[tokio::test]
async fn a_replica_that_remembers_a_session_draws_with_what_the_database_says_now() {
    // The front end remembers the sessions its draws read (players::cache) and lets the draw's
    // write check them: a change made through another replica must still take effect at once.
    let Some(mut app) = TestApp::spawn().await else { return };
    let replica = app.add_replica().await;
    let token = player(&app, "Rememberer").await;
    let first = draw_as(&app, &token, json!({"game": "spy-mission"})).await;
    assert_eq!(first["fairness"]["client_seed"], "", "no default seed yet");

    // A default seed set through the other replica is used by this one's next draw.
    let set = app
        .http
        .patch(format!("{replica}/api/v1/players/me"))
        .bearer_auth(&token)
        .json(&json!({"client_seed": "set elsewhere"}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200);
    let second = draw_as(&app, &token, json!({"game": "spy-mission"})).await;
    assert_eq!(second["fairness"]["client_seed"], "set elsewhere");
    assert_eq!(second["player"], "Rememberer");

    // Signed out through the other replica: this one refuses the next draw and stores nothing.
    let before = draws_of(&app, "spy-mission").await;
    assert_eq!(before, 2);
    let out = sign_out_on(&app, &replica, &token).await;
    assert_eq!(out.status(), 204);
    let refused = post_draw_as(&app, &token, json!({"game": "spy-mission"})).await;
    let (status, code, _) = error_code(refused).await;
    assert_eq!((status, code.as_str()), (401, "not_signed_in"));
    assert_eq!(draws_of(&app, "spy-mission").await, before, "nothing was drawn for the ended session");
}

#[tokio::test]
async fn the_stored_password_is_an_argon2id_phc_string() {
    let Some(app) = TestApp::spawn().await else { return };
    assert_eq!(register(&app, &app.url, "Hash Check", PASSWORD).await.status(), 201);
    let store = Store::open(&app.database, sql_options()).await.unwrap();
    let stored = store.player_by_name("hash check").await.unwrap().expect("the player is stored");
    assert!(stored.password_hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", stored.password_hash);
    assert!(!stored.password_hash.contains(PASSWORD));
}

#[tokio::test]
async fn bad_names_and_weak_passwords_are_refused_saying_why() {
    let Some(app) = TestApp::spawn().await else { return };
    for (name, password, code, field) in [
        ("ab", PASSWORD, "invalid_field", "name"),
        ("<script>", PASSWORD, "invalid_field", "name"),
        ("Ann Lee", "short", "weak_password", "password"),
        ("Ann Lee", "password123", "weak_password", "password"),
        ("Ann Lee", &"x".repeat(2000), "invalid_field", "password"),
    ] {
        let (status, got, body) = error_code(register(&app, &app.url, name, password).await).await;
        assert_eq!((status, got.as_str()), (422, code), "{name:?}/{password:.20}: {body}");
        assert_eq!(body["error"]["field"], field);
    }
    let (_, _, weak) = error_code(register(&app, &app.url, "Ann Lee", "password123").await).await;
    assert!(weak["error"]["message"].as_str().unwrap().contains("common"), "says why: {weak}");
    let store = Store::open(&app.database, sql_options()).await.unwrap();
    assert!(store.player_by_name("ann lee").await.unwrap().is_none(), "nothing was stored");
}

#[tokio::test]
async fn twenty_concurrent_registrations_of_one_name_make_one_player() {
    let Some(mut app) = TestApp::spawn().await else { return };
    let replica = app.add_replica().await;
    let names = ["Zed", "zed", "ZED", "zEd"];
    let attempts = (0..20).map(|i| {
        let base = if i % 2 == 0 { app.url.clone() } else { replica.clone() };
        let app = &app;
        async move { register(app, &base, names[i % names.len()], PASSWORD).await }
    });
    let mut statuses = BTreeMap::new();
    for response in futures_util::future::join_all(attempts).await {
        let status = response.status().as_u16();
        if status == 409 {
            assert_eq!(error_code(response).await.1, "name_taken");
        }
        *statuses.entry(status).or_insert(0) += 1;
    }
    assert_eq!(statuses, BTreeMap::from([(201, 1), (409, 19)]));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_name_get_one_answer() {
    let Some(app) = TestApp::spawn().await else { return };
    assert_eq!(register(&app, &app.url, "Known", PASSWORD).await.status(), 201);
    let wrong = error_code(try_sign_in(&app, &app.url, "Known", "not the password").await).await;
    let unknown = error_code(try_sign_in(&app, &app.url, "Unknown", "not the password").await).await;
    assert_eq!((wrong.0, wrong.1.as_str()), (401, "invalid_credentials"));
    assert_eq!(wrong.2, unknown.2, "the same status, code and message for both");
}

#[tokio::test]
async fn failed_sign_ins_are_limited_across_replicas() {
    let Some(mut app) = TestApp::spawn().await else { return };
    let replica = app.add_replica().await;
    assert_eq!(register(&app, &app.url, "Target", PASSWORD).await.status(), 201);
    within_one_minute(25).await;
    // Twenty wrong guesses at once, half on each replica: the counter is the database's, taken
    // atomically, so exactly five are checked and fifteen refused.
    let guesses = (0..20).map(|i| {
        let base = if i % 2 == 0 { app.url.clone() } else { replica.clone() };
        let app = &app;
        async move { try_sign_in(app, &base, "target", &format!("guess number {i}")).await }
    });
    let mut statuses = BTreeMap::new();
    for response in futures_util::future::join_all(guesses).await {
        let status = response.status().as_u16();
        if status == 429 {
            let retry: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
            assert!((1..=60).contains(&retry), "Retry-After {retry}");
            assert_eq!(error_code(response).await.1, "rate_limited");
        }
        *statuses.entry(status).or_insert(0) += 1;
    }
    assert_eq!(statuses, BTreeMap::from([(401, 5), (429, 15)]));
    // The right password is refused too for the rest of the minute, on either replica.
    assert_eq!(try_sign_in(&app, &replica, "Target", PASSWORD).await.status(), 429);
    assert_eq!(try_sign_in(&app, &app.url, "Target", PASSWORD).await.status(), 429);
}

#[tokio::test]
async fn a_correct_sign_in_does_not_count_against_the_limit() {
    let Some(app) = TestApp::spawn().await else { return };
    assert_eq!(register(&app, &app.url, "Often", PASSWORD).await.status(), 201);
    within_one_minute(25).await;
    for _ in 0..8 {
        sign_in(&app, &app.url, "Often").await;
    }
    for _ in 0..4 {
        assert_eq!(try_sign_in(&app, &app.url, "Often", "a wrong one").await.status(), 401);
    }
    sign_in(&app, &app.url, "Often").await;
}

#[tokio::test]
async fn a_new_password_ends_the_other_sessions_and_deleting_keeps_the_draws_anonymised() {
    let Some(app) = TestApp::spawn().await else { return };
    let first = player(&app, "Mover").await;
    let second = sign_in(&app, &app.url, "Mover").await;
    let drawn = draw_as(&app, &first, json!({"game": "account-prize"})).await;
    let change = |token: &str, current: &str, new: &str| {
        app.http
            .put(format!("{}/api/v1/players/me/password", app.url))
            .bearer_auth(token)
            .json(&json!({"current_password": current, "new_password": new}))
            .send()
    };
    let (status, code, _) =
        error_code(change(&first, "not it", "a brand new passphrase").await.unwrap()).await;
    assert_eq!((status, code.as_str()), (403, "wrong_password"));
    assert_eq!(change(&first, PASSWORD, "a brand new passphrase").await.unwrap().status(), 204);
    assert_eq!(
        get_as(&app, &app.url, "/api/v1/players/me", &first).await.status(),
        200,
        "this session goes on"
    );
    assert_eq!(get_as(&app, &app.url, "/api/v1/players/me", &second).await.status(), 401, "the other ended");
    assert_eq!(try_sign_in(&app, &app.url, "Mover", PASSWORD).await.status(), 401, "the old password");

    let delete = |password: &str| {
        app.http
            .delete(format!("{}/api/v1/players/me", app.url))
            .bearer_auth(&first)
            .json(&json!({"password": password}))
            .send()
    };
    assert_eq!(delete(PASSWORD).await.unwrap().status(), 403, "the old password does not delete");
    assert_eq!(delete("a brand new passphrase").await.unwrap().status(), 204);
    assert_eq!(get_as(&app, &app.url, "/api/v1/players/me", &first).await.status(), 401);
    let kept: Value =
        app.get(&format!("/api/v1/draws/{}", drawn["id"].as_str().unwrap())).await.json().await.unwrap();
    assert_eq!(kept["id"], drawn["id"], "the draw stays");
    assert!(kept.get("player").is_none(), "no longer linked to anyone: {kept}");
    assert_eq!(app.get("/api/v1/players/Mover").await.status(), 404);
    assert_eq!(register(&app, &app.url, "mover", PASSWORD).await.status(), 201, "the name is free again");
}

#[tokio::test]
async fn a_default_client_seed_is_used_when_a_draw_names_none() {
    let Some(app) = TestApp::spawn().await else { return };
    let token = player(&app, "Seeder").await;
    let set = app
        .http
        .patch(format!("{}/api/v1/players/me", app.url))
        .bearer_auth(&token)
        .json(&json!({"client_seed": "my lucky seed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200);
    assert_eq!(set.json::<Value>().await.unwrap()["client_seed"], "my lucky seed");
    let drawn = draw_as(&app, &token, json!({"game": "attack"})).await;
    assert_eq!(drawn["fairness"]["client_seed"], "my lucky seed");
    let named = draw_as(&app, &token, json!({"game": "attack", "client_seed": "this one"})).await;
    assert_eq!(named["fairness"]["client_seed"], "this one", "a seed in the request wins");
    let anonymous = app.post_draw(json!({"game": "attack"})).await.json::<Value>().await.unwrap();
    assert_eq!(anonymous["fairness"]["client_seed"], "", "only the player's draws use it");
}

/// Every page of a player's draws, following `next_before`.
async fn all_pages(app: &TestApp, token: &str, limit: u32) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/players/me/draws?limit={limit}");
        if let Some(b) = &before {
            path.push_str(&format!("&before={b}"));
        }
        let page: Value = get_as(app, &app.url, &path, token).await.json().await.unwrap();
        let ids: Vec<String> =
            page["draws"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_owned()).collect();
        pages.push(ids);
        match page["next_before"].as_str() {
            Some(next) => before = Some(next.to_owned()),
            None => return pages,
        }
    }
}

#[tokio::test]
async fn pages_of_my_draws_have_no_duplicates_or_gaps_while_draws_are_made() {
    let Some(app) = TestApp::spawn().await else { return };
    let token = player(&app, "Pager").await;
    let mut before = HashSet::new();
    for _ in 0..23 {
        before.insert(
            draw_as(&app, &token, json!({"game": "attack"})).await["id"].as_str().unwrap().to_owned(),
        );
    }
    let more = async {
        let mut made = HashSet::new();
        for _ in 0..15 {
            made.insert(
                draw_as(&app, &token, json!({"game": "attack"})).await["id"].as_str().unwrap().to_owned(),
            );
        }
        made
    };
    let (pages, during) = tokio::join!(all_pages(&app, &token, 4), more);
    let listed: Vec<&String> = pages.iter().flatten().collect();
    let unique: HashSet<&String> = listed.iter().copied().collect();
    assert_eq!(unique.len(), listed.len(), "no draw twice");
    for id in &before {
        assert!(unique.contains(id), "{id}, made before paging, is on a page");
    }
    for id in listed.iter().filter(|id| !before.contains(**id)) {
        assert!(
            during.contains(*id) && pages[0].contains(id),
            "a draw made while paging shows only on page one"
        );
    }
    let mut sorted: Vec<&String> = listed.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(sorted, listed, "newest first throughout");
    let (status, code, _) =
        error_code(get_as(&app, &app.url, "/api/v1/players/me/draws?before=nope", &token).await).await;
    assert_eq!((status, code.as_str()), (422, "invalid_before"));
}

#[tokio::test]
async fn totals_and_ranks_equal_the_sum_of_each_players_prizes_after_32_draw_at_once() {
    let Some(app) = TestApp::spawn_with(Options { seed: Some(example_seed()), ..Options::default() }).await
    else {
        return;
    };
    let budget = 12_000;
    let created = create_campaign(
        &app,
        json!({"slug": "tight", "name": "Tight budget", "venue": "Hall", "date": "2026-12-01",
               "game": "account-prize", "budget_pence": budget}),
    )
    .await;
    assert_eq!(created.status(), 201);
    let mut tokens = Vec::new();
    for i in 0..32 {
        tokens.push((format!("Player {i:02}"), player(&app, &format!("Player {i:02}")).await));
    }
    let play = |(name, token): (String, String)| {
        let app = &app;
        async move {
            let mut won = 0;
            for _ in 0..10 {
                let draw = draw_as(app, &token, json!({"game": "account-prize", "campaign": "tight"})).await;
                assert_eq!(draw["player"], name.as_str());
                won += draw["prize"]["amount_pence"].as_i64().unwrap_or(0);
            }
            (name, token, won)
        }
    };
    let results = futures_util::future::join_all(tokens.into_iter().map(play)).await;
    let campaign: Value = app.get("/api/v1/campaigns/tight").await.json().await.unwrap();
    let spent = campaign["spent_pence"].as_i64().unwrap();
    assert!(spent <= budget && spent > 0, "spent {spent}");
    assert_eq!(results.iter().map(|r| r.2).sum::<i64>(), spent, "players' prizes add up to what was spent");

    let won: HashMap<&str, i64> = results.iter().map(|(name, _, won)| (name.as_str(), *won)).collect();
    for (name, token, amount) in &results {
        let me: Value = get_as(&app, &app.url, "/api/v1/players/me", token).await.json().await.unwrap();
        assert_eq!(me["totals"]["amount_pence"], *amount, "{name}'s total is the sum of their prizes");
        assert_eq!(me["totals"]["draws"], 10);
    }
    // The campaign's board, a page of 7 at a time: every winner once, with their sum, in order.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = "/api/v1/leaderboard?campaign=tight&limit=7".to_owned();
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page: Value = app.get(&path).await.json().await.unwrap();
        for entry in page["entries"].as_array().unwrap() {
            seen.push(entry.clone());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let winners = won.values().filter(|w| **w > 0).count();
    assert_eq!(seen.len(), winners, "one entry per winner: {seen:?}");
    for (i, entry) in seen.iter().enumerate() {
        assert_eq!(entry["rank"], i as u64 + 1, "ranks are 1, 2, 3, … across pages");
        let name = entry["player"].as_str().unwrap();
        assert_eq!(entry["amount_pence"], won[name], "{name}'s board amount is the sum of their prizes");
    }
    for pair in seen.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let at = |e: &Value| {
            let text = e["reached_at"].as_str().unwrap();
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
        };
        let ordered = a["amount_pence"].as_i64() > b["amount_pence"].as_i64()
            || (a["amount_pence"] == b["amount_pence"] && at(a) <= at(b));
        assert!(ordered, "by amount, then who reached it first: {a} {b}");
    }
    // The same on the game's and the overall board, and each best draw is a real prize of theirs.
    for path in
        ["/api/v1/leaderboard?game=account-prize&limit=100", "/api/v1/leaderboard?period=day&limit=100"]
    {
        let board: Value = app.get(path).await.json().await.unwrap();
        for entry in board["entries"].as_array().unwrap() {
            assert_eq!(entry["amount_pence"], won[entry["player"].as_str().unwrap()], "{path}");
        }
    }
    let best = &seen[0];
    let draw: Value = app
        .get(&format!("/api/v1/draws/{}", best["best_draw_id"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(draw["player"], best["player"]);
    assert!(draw["prize"]["amount_pence"].as_i64().unwrap() > 0);
    assert_eq!(draw["prize"]["amount_pence"], best["best_prize_pence"], "the best draw is that prize's");

    // around=me: the player's own entry with up to five either side, ranks contiguous.
    let middle = seen[seen.len() / 2]["player"].as_str().unwrap();
    let token = &results.iter().find(|r| r.0 == middle).unwrap().1;
    let around: Value = get_as(&app, &app.url, "/api/v1/leaderboard?campaign=tight&around=me", token)
        .await
        .json()
        .await
        .unwrap();
    let entries = around["entries"].as_array().unwrap();
    let at =
        entries.iter().position(|e| e["player"] == middle).expect("the player is in their neighbourhood");
    let rank = entries[at]["rank"].as_u64().unwrap();
    assert_eq!(at, (rank as usize - 1).min(5), "up to five above");
    assert_eq!(entries.len() - at - 1, (seen.len() - rank as usize).min(5), "up to five below");
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e, &seen[rank as usize - 1 - at + i], "the same entries as the full board");
    }
    let (status, code, _) = error_code(app.get("/api/v1/leaderboard?around=me").await).await;
    assert_eq!((status, code.as_str()), (401, "not_signed_in"));
}

#[tokio::test]
async fn a_prize_pool_claim_counts_for_the_claiming_player() {
    let Some(app) = TestApp::spawn_with(Options { seed: Some(example_seed()), ..Options::default() }).await
    else {
        return;
    };
    let token = player(&app, "Claimer").await;
    let mut won = 0;
    for _ in 0..15 {
        let generated: Value = app
            .http
            .post(format!("{}/api/v1/prize-pool/sequences", app.url))
            .json(&json!({}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let sequence = generated["sequence"].as_str().unwrap();
        let claimed = app
            .http
            .post(format!("{}/api/v1/prize-pool/sequences/{sequence}/claim", app.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(claimed.status(), 200);
        let draw: Value = claimed.json().await.unwrap();
        assert_eq!(draw["player"], "Claimer");
        won += draw["prize"]["amount_pence"].as_i64().unwrap_or(0);
    }
    let me: Value = get_as(&app, &app.url, "/api/v1/players/me", &token).await.json().await.unwrap();
    assert_eq!(me["totals"]["amount_pence"], won);
    let board: Value = app.get("/api/v1/leaderboard?game=prize-pool").await.json().await.unwrap();
    let entries = board["entries"].as_array().unwrap();
    if won > 0 {
        assert_eq!((entries.len(), &entries[0]["amount_pence"]), (1, &json!(won)));
    } else {
        assert!(entries.is_empty());
    }
    let profile: Value = app.get("/api/v1/players/claimer").await.json().await.unwrap();
    assert_eq!(profile["totals"]["amount_pence"], won);
    assert!(
        profile["recent_wins"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["prize"]["amount_pence"].as_i64() > Some(0))
    );
}
