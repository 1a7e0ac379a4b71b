//! The audit log: every action is chained in the log, in its own transaction; `prizegen audit
//! verify` recomputes the chain and every revealed seed's root, and names what was altered —
//! an entry, a draw changed or deleted directly in the database; replicas keep one chain.

use super::admin;
use super::draws::rotate;
use super::stock::create_campaign;
use crate::support::{ADMIN_TOKEN, TestApp, tamper};
use prizegen_domain::merkle;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Every entry, in order, read a page at a time.
pub async fn entries(app: &TestApp) -> Vec<Value> {
    let (mut all, mut after) = (Vec::new(), 0);
    loop {
        let page: Value =
            app.get(&format!("/api/v1/audit?after={after}&limit=7")).await.json().await.unwrap();
        all.extend(page["entries"].as_array().unwrap().iter().cloned());
        match page["next_after"].as_u64() {
            Some(next) => after = next,
            None => return all,
        }
    }
}

fn kinds(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .map(|e| format!("{} {}", e["kind"].as_str().unwrap(), e["subject"].as_str().unwrap()))
        .collect()
}

/// `prizegen audit verify <source>`: its exit code and what it printed.
pub async fn audit_verify(source: &str) -> (i32, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_prizegen"))
        .args(["audit", "verify", source])
        .output()
        .await
        .expect("the prizegen binary runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

async fn put_campaign(app: &TestApp, url: &str, slug: &str, body: &Value) -> reqwest::Response {
    let url = format!("{url}/api/v1/campaigns/{slug}");
    app.http.put(url).bearer_auth(ADMIN_TOKEN).json(body).send().await.unwrap()
}

fn gig(budget: u64, active: bool) -> Value {
    json!({"name": "The Pebbles", "venue": "Town Hall", "date": "2026-07-04", "game": "account-prize",
           "budget_pence": budget, "active": active})
}

#[tokio::test]
async fn each_action_is_chained_and_the_whole_record_verifies() {
    let Some(app) = TestApp::spawn().await else { return };
    let first = entries(&app).await;
    assert_eq!(first[0]["kind"], "log.started", "{first:?}");
    assert_eq!(first[0]["prev_hash"], "0".repeat(64));
    let defaults: BTreeSet<&str> = first
        .iter()
        .filter(|e| e["kind"] == "campaign.created")
        .map(|e| e["subject"].as_str().unwrap())
        .collect();
    assert_eq!(defaults.len(), 5, "each game's default campaign: {first:?}");
    assert!(kinds(&first).iter().any(|k| k.starts_with("seed.committed ")), "{first:?}");

    // A campaign's life, an operator sign-in, draws, a sequence left for after the reveal.
    let mut body = gig(10_000, true);
    body["slug"] = json!("summer-gig");
    assert_eq!(create_campaign(&app, body).await.status(), 201);
    assert_eq!(put_campaign(&app, &app.url, "summer-gig", &gig(25_000, true)).await.status(), 200);
    assert_eq!(put_campaign(&app, &app.url, "summer-gig", &gig(25_000, false)).await.status(), 200);
    let deleted =
        app.http.delete(format!("{}/api/v1/campaigns/summer-gig", app.url)).bearer_auth(ADMIN_TOKEN).send();
    assert_eq!(deleted.await.unwrap().status(), 204);
    admin::sign_in(&app, &admin::client()).await;
    let mut drawn = Vec::new();
    for game in ["account-prize", "spy-mission", "attack", "account-prize"] {
        let made = app.post_draw(json!({"game": game})).await;
        assert_eq!(made.status(), 201);
        drawn.push(made.json::<Value>().await.unwrap());
    }
    let sequence = app.generate_sequence().await;
    let seed = drawn[0]["fairness"]["seed_hash"].as_str().unwrap().to_owned();
    rotate(&app).await;
    let claimed = app.claim_sequence(&sequence).await;

    let all = entries(&app).await;
    let recent = kinds(&all[first.len()..]);
    let claimed_id = claimed["id"].as_str().unwrap();
    let want = [
        "campaign.created summer-gig".to_owned(),
        "campaign.updated summer-gig".to_owned(),
        "campaign.updated summer-gig".to_owned(),
        "campaign.deleted summer-gig".to_owned(),
        "operator.signed-in ".to_owned(),
        format!("seed.revealed {seed}"),
    ];
    assert_eq!(recent[..6], want, "{recent:?}");
    assert!(recent[6].starts_with("seed.committed "), "{recent:?}");
    assert_eq!(recent[7], format!("seed.sealed {seed}"), "sealed once revealed: {recent:?}");
    assert_eq!(recent[8], format!("draw.claimed-after-reveal {seed}"));
    assert_eq!(all[first.len() + 8]["details"]["draw_id"], claimed_id);
    let budget = &all[first.len() + 1]["details"];
    assert_eq!(
        (budget["before"]["budget_pence"].as_u64(), budget["after"]["budget_pence"].as_u64()),
        (Some(10_000), Some(25_000))
    );
    assert_eq!(budget["changed"], json!(["budget_pence"]));
    assert_eq!(all[first.len() + 2]["details"]["changed"], json!(["active"]));
    assert_eq!(all[first.len() + 3]["details"]["before"]["active"], false, "the state it was deleted in");
    assert_eq!(
        all[first.len() + 5]["details"]["server_seed"].as_str().map(str::len),
        Some(64),
        "the seed revealed"
    );
    let reveal = &all[first.len() + 7]["details"];
    // The sequence's generation is not a draw; the four draws are.
    assert_eq!(reveal["draws"], 4, "{reveal}");
    assert!(!all.iter().any(|e| e.to_string().contains(ADMIN_TOKEN)), "no secret in the log");

    // Each draw's proof leads from its own leaf to the recorded root.
    let root: [u8; 32] = hex::decode(reveal["merkle_root"].as_str().unwrap()).unwrap().try_into().unwrap();
    for draw in &drawn {
        let id = draw["id"].as_str().unwrap();
        let proof: Value = app.get(&format!("/api/v1/draws/{id}/proof")).await.json().await.unwrap();
        assert_eq!(proof["merkle_root"], reveal["merkle_root"]);
        assert_eq!(proof["entry"]["seq"], all[first.len() + 7]["seq"]);
        let fetched: Value = app.get(&format!("/api/v1/draws/{id}")).await.json().await.unwrap();
        let leaf = merkle::leaf_hash(prizegen::audit_check::draw_leaf(&fetched).as_bytes());
        assert_eq!(proof["leaf_hash"], hex::encode(leaf), "the leaf is the API's draw");
        let path: Vec<[u8; 32]> = proof["path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| hex::decode(h.as_str().unwrap()).unwrap().try_into().unwrap())
            .collect();
        let (index, size) = (proof["leaf_index"].as_u64().unwrap(), proof["tree_size"].as_u64().unwrap());
        assert!(merkle::verify_inclusion(&leaf, index, size, &path, &root), "{proof}");
    }
    let late = app.get(&format!("/api/v1/draws/{claimed_id}/proof")).await;
    assert_eq!(late.status(), 409, "a claim after the reveal has its own entry instead");
    let (status, printed) = audit_verify(&app.url).await;
    assert_eq!(status, 0, "{printed}");
    assert!(printed.contains("1 revealed seeds' roots match their 4 draws"), "{printed}");
}

/// The app after a rotation with a few draws, and those draws.
async fn revealed_draws(app: &TestApp) -> Vec<Value> {
    let mut drawn = Vec::new();
    for _ in 0..5 {
        drawn.push(app.draw().await);
    }
    rotate(app).await;
    let (status, printed) = audit_verify(&app.url).await;
    assert_eq!(status, 0, "intact before the tampering: {printed}");
    drawn
}

#[tokio::test]
async fn one_changed_byte_of_an_entry_is_named() {
    let Some(app) = TestApp::spawn().await else { return };
    revealed_draws(&app).await;
    let all = entries(&app).await;
    let target = all.iter().find(|e| e["kind"] == "campaign.created").unwrap();
    let seq = target["seq"].as_u64().unwrap();
    // "Online" → "Onlind": one byte of the stored details.
    let changed = tamper(
        &app.database,
        &format!(
            "UPDATE audit_log SET details = REPLACE(details, '\"Online\"', '\"Onlind\"') WHERE seq = {seq}"
        ),
    )
    .await;
    assert_eq!(changed, 1);
    let (status, printed) = audit_verify(&app.url).await;
    assert_eq!(status, 1, "{printed}");
    assert!(
        printed.contains(&format!("ALTERED: entry {seq} (campaign.created): its contents hash to")),
        "{printed}"
    );
}

#[tokio::test]
async fn one_changed_byte_of_a_revealed_draw_is_named() {
    let Some(app) = TestApp::spawn().await else { return };
    let drawn = revealed_draws(&app).await;
    let id = drawn[2]["id"].as_str().unwrap();
    let account = drawn[2]["result"]["account_number"].as_str().unwrap();
    let last = account.chars().last().unwrap();
    let other = if last == '0' { '1' } else { '0' };
    let forged = format!("{}{other}", &account[..account.len() - 1]);
    let sql = format!("UPDATE draws SET result = REPLACE(result, '{account}', '{forged}') WHERE id = '{id}'");
    assert_eq!(tamper(&app.database, &sql).await, 1);
    let (status, printed) = audit_verify(&app.url).await;
    assert_eq!(status, 1, "{printed}");
    assert!(printed.contains(&format!("ALTERED: draw {id} does not re-compute")), "{printed}");

    // A change the seed cannot show (its time) is still caught, by the seed's root.
    let app2 = TestApp::spawn().await.unwrap();
    let drawn = revealed_draws(&app2).await;
    let id = drawn[1]["id"].as_str().unwrap();
    let seed = drawn[1]["fairness"]["seed_hash"].as_str().unwrap();
    let sql = format!("UPDATE draws SET created_at = created_at + 1 WHERE id = '{id}'");
    assert_eq!(tamper(&app2.database, &sql).await, 1);
    let (status, printed) = audit_verify(&app2.url).await;
    assert_eq!(status, 1, "{printed}");
    assert!(printed.contains(&format!("ALTERED: seed {seed} (entry")), "{printed}");
    assert!(printed.contains("a draw under it was changed"), "{printed}");
}

#[tokio::test]
async fn a_deleted_draw_is_named() {
    let Some(app) = TestApp::spawn().await else { return };
    let drawn = revealed_draws(&app).await;
    let id = drawn[3]["id"].as_str().unwrap();
    let seed = drawn[3]["fairness"]["seed_hash"].as_str().unwrap();
    assert_eq!(tamper(&app.database, &format!("DELETE FROM draws WHERE id = '{id}'")).await, 1);
    let (status, printed) = audit_verify(&app.url).await;
    assert_eq!(status, 1, "{printed}");
    assert!(printed.contains(&format!("ALTERED: seed {seed}")), "{printed}");
    assert!(printed.contains("4 draws now, 5 recorded when it was sealed — draws were removed"), "{printed}");
}

#[tokio::test]
async fn concurrent_campaign_changes_on_two_replicas_keep_one_chain() {
    let Some(mut app) = TestApp::spawn().await else { return };
    let replica = app.add_replica().await;
    for i in 0..4 {
        let mut body = gig(1_000, true);
        body["slug"] = json!(format!("gig-{i}"));
        assert_eq!(create_campaign(&app, body).await.status(), 201);
    }
    let before = entries(&app).await.len();
    // 48 updates at once, half through each replica, four campaigns, each changing the budget.
    let updates = (0..48u64).map(|i| {
        let url = if i % 2 == 0 { app.url.clone() } else { replica.clone() };
        let app = &app;
        async move {
            let slug = format!("gig-{}", i % 4);
            put_campaign(app, &url, &slug, &gig(2_000 + i, true)).await.status().as_u16()
        }
    });
    let statuses = futures_util::future::join_all(updates).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let all = entries(&app).await;
    let seqs: Vec<u64> = all.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=all.len() as u64).collect::<Vec<_>>(), "one unbroken sequence");
    assert_eq!(all.len() - before, 48, "one entry per update");
    for pair in all.windows(2) {
        assert_eq!(
            pair[1]["prev_hash"], pair[0]["hash"],
            "entry {} follows {}",
            pair[1]["seq"], pair[0]["seq"]
        );
    }
    // Each campaign's entries tell its budget's history with no gap: every "before" is the
    // "after" of the entry before it.
    for i in 0..4 {
        let slug = format!("gig-{i}");
        let history: Vec<&Value> = all.iter().filter(|e| e["subject"] == slug.as_str()).collect();
        for pair in history.windows(2) {
            assert_eq!(pair[1]["details"]["before"], pair[0]["details"]["after"], "{slug}");
        }
    }
    let (status, printed) = audit_verify(&replica).await;
    assert_eq!(status, 0, "{printed}");
}

#[tokio::test]
async fn a_rotation_amid_draws_on_two_replicas_records_exactly_the_draws_of_its_seed() {
    let Some(mut app) = TestApp::spawn().await else { return };
    let replica = app.add_replica().await;
    let draw_on = |url: String| {
        let http = app.http.clone();
        async move {
            let made = http.post(format!("{url}/api/v1/draws")).json(&json!({"game": "attack"})).send().await;
            made.unwrap().status().as_u16()
        }
    };
    let draws = (0..80).map(|i| draw_on(if i % 2 == 0 { app.url.clone() } else { replica.clone() }));
    let (statuses, _) = tokio::join!(futures_util::future::join_all(draws), async {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        rotate(&app).await
    });
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    rotate(&app).await;
    // Every draw is under one of the two revealed seeds, and each seed's recorded count and root
    // are those of the draws the export lists for it.
    let reveals: Vec<Value> =
        entries(&app).await.into_iter().filter(|e| e["kind"] == "seed.sealed").collect();
    let counted: u64 = reveals.iter().map(|e| e["details"]["draws"].as_u64().unwrap()).sum();
    assert_eq!((reveals.len(), counted), (2, 80), "{reveals:?}");
    let (status, printed) = audit_verify(&app.url).await;
    assert_eq!(status, 0, "{printed}");
    assert!(printed.contains("2 revealed seeds' roots match their 80 draws"), "{printed}");
}

#[tokio::test]
async fn a_database_from_before_the_log_starts_it_from_its_state() {
    let Some(mut app) = TestApp::spawn().await else { return };
    let mut body = gig(10_000, true);
    body["slug"] = json!("old-gig");
    assert_eq!(create_campaign(&app, body).await.status(), 201);
    let seed = app.draw().await["fairness"]["seed_hash"].as_str().unwrap().to_owned();
    // The database as version 3 left it: no log (and none of what came after). The front end
    // restarts on it.
    for sql in [
        "DROP TABLE campaign_spending",
        "DROP TABLE audit_log",
        "DROP TABLE audit_head",
        "DELETE FROM schema_migrations WHERE version >= 4",
    ] {
        tamper(&app.database, sql).await;
    }
    app.restart_frontend().await;
    let all = entries(&app).await;
    assert_eq!(all.len(), 1, "only the start: nothing was created on this start {all:?}");
    let started = &all[0]["details"];
    assert_eq!(all[0]["kind"], "log.started");
    assert_eq!(started["current_seed_hash"], seed.as_str());
    let slugs: BTreeSet<&str> =
        started["campaigns"].as_array().unwrap().iter().map(|c| c["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs.len(), 6, "the five defaults and old-gig: {started}");
    assert!(slugs.contains("old-gig"));
    let (status, printed) = audit_verify(&app.url).await;
    assert_eq!(status, 0, "{printed}");
}

#[tokio::test]
async fn a_seed_left_unsealed_is_sealed_at_the_next_start_and_only_once() {
    let Some(mut app) = TestApp::spawn().await else { return };
    for _ in 0..3 {
        app.draw().await;
    }
    // A rotation whose seal never ran (the process stopped between the two).
    let store = prizegen::store::Store::open(&app.database, crate::support::sql_options()).await.unwrap();
    let rotation = store.rotate_seed(prizegen::frontend::nonces::fresh_seed().unwrap()).await.unwrap();
    let seed = rotation.revealed.hash.to_string();
    let sealed = |all: &[Value]| {
        all.iter().filter(|e| e["kind"] == "seed.sealed" && e["subject"] == seed.as_str()).count()
    };
    assert_eq!(sealed(&entries(&app).await), 0);
    let (status, printed) = audit_verify(&app.url).await;
    assert_eq!(status, 0, "{printed}");
    assert!(printed.contains(&format!("1 revealed seeds not sealed yet: {seed}")), "{printed}");

    app.restart_frontend().await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let all = loop {
        let all = entries(&app).await;
        if sealed(&all) > 0 || std::time::Instant::now() > deadline {
            break all;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(sealed(&all), 1, "sealed at the start: {all:?}");
    let seal = all.iter().find(|e| e["kind"] == "seed.sealed").unwrap();
    assert_eq!(seal["details"]["draws"], 3);
    // Sealing again, from two replicas at once, records nothing more.
    let other = prizegen::store::Store::open(&app.database, crate::support::sql_options()).await.unwrap();
    let (a, b) = tokio::join!(
        prizegen::frontend::audit::seal(&store, &seed),
        prizegen::frontend::audit::seal(&other, &seed)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!((a.1, b.1), (false, false), "already sealed");
    assert_eq!(hex::encode(a.0.root()), seal["details"]["merkle_root"].as_str().unwrap(), "the same root");
    assert_eq!(sealed(&entries(&app).await), 1);
    let (status, printed) = audit_verify(&app.url).await;
    assert_eq!(status, 0, "{printed}");
    assert!(!printed.contains("not sealed"), "{printed}");
}

#[tokio::test]
async fn two_replicas_sealing_one_seed_at_once_record_one_seal() {
    let Some(app) = TestApp::spawn().await else { return };
    for _ in 0..3 {
        app.draw().await;
    }
    let store = prizegen::store::Store::open(&app.database, crate::support::sql_options()).await.unwrap();
    let other = prizegen::store::Store::open(&app.database, crate::support::sql_options()).await.unwrap();
    let rotation = store.rotate_seed(prizegen::frontend::nonces::fresh_seed().unwrap()).await.unwrap();
    let seed = rotation.revealed.hash.to_string();
    let (a, b) = tokio::join!(
        prizegen::frontend::audit::seal(&store, &seed),
        prizegen::frontend::audit::seal(&other, &seed)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.1 ^ b.1, "exactly one recorded it: {a:?} {b:?}");
    assert_eq!(a.0.root(), b.0.root(), "both counted the same draws");
    let seals = entries(&app).await.into_iter().filter(|e| e["kind"] == "seed.sealed").count();
    assert_eq!(seals, 1);
}

#[tokio::test]
async fn a_bad_page_of_the_log_is_named() {
    let Some(app) = TestApp::spawn().await else { return };
    for (query, code, field) in [
        ("?after=-1", "invalid_after", "after"),
        ("?limit=0", "invalid_limit", "limit"),
        ("?limit=1001", "invalid_limit", "limit"),
    ] {
        let (status, got, body) =
            crate::support::error_code(app.get(&format!("/api/v1/audit{query}")).await).await;
        assert_eq!((status, got.as_str()), (422, code), "{query}: {body}");
        assert_eq!(body["error"]["field"], field, "{query}");
    }
    let far: Value = app.get("/api/v1/audit?after=9000000000").await.json().await.unwrap();
    assert_eq!(far["entries"], json!([]), "nothing after the end");
    assert!(far["head"]["seq"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn a_deleted_claim_made_after_the_reveal_is_named() {
    let Some(app) = TestApp::spawn().await else { return };
    app.draw().await;
    let sequence = app.generate_sequence().await;
    rotate(&app).await;
    let claimed = app.claim_sequence(&sequence).await;
    let (status, printed) = audit_verify(&app.url).await;
    assert_eq!(status, 0, "{printed}");
    let id = claimed["id"].as_str().unwrap();
    assert_eq!(tamper(&app.database, &format!("DELETE FROM draws WHERE id = '{id}'")).await, 1);
    let (status, printed) = audit_verify(&app.url).await;
    assert_eq!(status, 1, "{printed}");
    assert!(printed.contains("of the claims recorded after its reveal, 0 are among its draws"), "{printed}");
    assert!(printed.contains(id), "names the draw: {printed}");
}

#[tokio::test]
async fn a_sealed_seed_removed_with_its_draws_is_named() {
    let Some(app) = TestApp::spawn().await else { return };
    let seed = revealed_draws(&app).await[0]["fairness"]["seed_hash"].as_str().unwrap().to_owned();
    let of_seed = format!("(SELECT id FROM server_seeds WHERE seed_hash = '{seed}')");
    assert_eq!(tamper(&app.database, &format!("DELETE FROM draws WHERE seed_id = {of_seed}")).await, 5);
    assert_eq!(
        tamper(&app.database, &format!("DELETE FROM server_seeds WHERE seed_hash = '{seed}'")).await,
        1
    );
    let (status, printed) = audit_verify(&app.url).await;
    assert_eq!(status, 1, "{printed}");
    assert!(printed.contains(&format!("ALTERED: seed {seed} (sealed in entry")), "{printed}");
    assert!(printed.contains("is gone: the export answers 404"), "{printed}");
}
