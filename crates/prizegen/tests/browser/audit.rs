//! `/audit` (the audit log, a page at a time), the head of the chain on `/fairness`, and a
//! draw's place in the log on its page: what the pages show is what `GET /api/v1/audit` and
//! `GET /api/v1/draws/{id}/proof` hold.

use crate::common::Browser;
use crate::support::{ADMIN_TOKEN, TestApp};
use serde_json::{Value, json};

/// `GET /api/v1/audit?after=0&limit=1000`.
async fn log(app: &TestApp) -> Value {
    app.get("/api/v1/audit?after=0&limit=1000").await.json().await.unwrap()
}

/// Replaces campaign `slug` with `body` over the API.
async fn put_campaign(app: &TestApp, slug: &str, body: &Value) {
    let url = format!("{}/api/v1/campaigns/{slug}", app.url);
    let response = app.http.put(url).bearer_auth(ADMIN_TOKEN).json(body).send().await.unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

/// The `data-full` of every shortened hash in `css`, in order.
async fn full_hashes(browser: &Browser, css: &str) -> Vec<String> {
    let mut all = Vec::new();
    for code in browser.find_all(&format!("{css} code.hash")).await {
        all.push(code.attr("data-full").await.unwrap().unwrap_or_default());
    }
    all
}

#[tokio::test]
async fn the_audit_page_lists_a_reveal_with_its_root_and_fairness_shows_the_head() {
    let Some(browser) = Browser::open().await else { return };
    let Some(app) = TestApp::spawn().await else { return };
    let campaign = json!({"slug": "gig", "name": "The Pebbles", "venue": "Town Hall", "date": "2026-07-04",
                          "game": "account-prize", "budget_pence": 10_000, "active": true});
    let created =
        app.http.post(format!("{}/api/v1/campaigns", app.url)).bearer_auth(ADMIN_TOKEN).json(&campaign);
    assert_eq!(created.send().await.unwrap().status(), 201);
    let mut changed = campaign.clone();
    changed.as_object_mut().unwrap().remove("slug");
    changed["budget_pence"] = json!(25_050);
    put_campaign(&app, "gig", &changed).await;
    for _ in 0..3 {
        app.draw().await;
    }
    let rotated = app.http.post(format!("{}/api/v1/fairness/rotate", app.url)).bearer_auth(ADMIN_TOKEN);
    assert_eq!(rotated.send().await.unwrap().status(), 200);
    let api = log(&app).await;
    let (head_seq, head_hash) = (api["head"]["seq"].as_u64().unwrap(), api["head"]["hash"].as_str().unwrap());
    let entries = api["entries"].as_array().unwrap();
    let revealed = entries.iter().find(|e| e["kind"] == "seed.revealed").expect("a reveal");
    let reveal = entries.iter().find(|e| e["kind"] == "seed.sealed").expect("its seal");
    let seq = reveal["seq"].as_u64().unwrap();

    // /fairness: the head as the API has it, and the way to the log.
    browser.goto(&format!("{}/fairness", app.url)).await;
    assert_eq!(browser.text("code#audit-head-hash").await, head_hash);
    assert_eq!(browser.text("#audit-head-seq").await, head_seq.to_string());
    browser.click("a#audit-link").await;
    browser.wait_for("table#audit").await;
    assert_eq!(browser.path().await, "/audit");

    // /audit: the head at the top; the reveal's row, its draws and root.
    assert_eq!(browser.text("code#head-hash").await, head_hash);
    assert_eq!(browser.text("#head-seq").await, head_seq.to_string());
    let row = format!("tr#entry-{seq}");
    assert_eq!(browser.find(&row).await.attr("data-kind").await.unwrap().as_deref(), Some("seed.sealed"));
    let details = browser.text(&format!("{row} td.details")).await;
    let root = reveal["details"]["merkle_root"].as_str().unwrap();
    assert!(details.starts_with(&format!("sealed: 3 draws, root {}…", &root[..12])), "{details}");
    let shown = full_hashes(&browser, &format!("{row} td.details")).await;
    assert_eq!(shown[0], root, "the whole root in the shortened one's title");
    let revealed_row = format!("tr#entry-{}", revealed["seq"]);
    let seed = full_hashes(&browser, &format!("{revealed_row} td.details")).await;
    assert_eq!(seed, [revealed["details"]["server_seed"].as_str().unwrap()], "the reveal shows the seed");
    assert_eq!(
        full_hashes(&browser, &format!("{row} .subject")).await,
        [reveal["subject"].as_str().unwrap()]
    );
    assert_eq!(
        full_hashes(&browser, &format!("{row} td.hashes")).await,
        [reveal["prev_hash"].as_str().unwrap(), reveal["hash"].as_str().unwrap()]
    );
    // The budget's change, in words.
    let update = entries.iter().find(|e| e["kind"] == "campaign.updated").unwrap();
    let details = browser.text(&format!("tr#entry-{} td.details", update["seq"])).await;
    assert_eq!(details, "budget £100 → £250.50 · by operator token (API)");
    // Every entry, in chain order: each row's previous hash is the hash of the row above.
    let rows = browser.find_all("table#audit tbody tr").await;
    assert_eq!(rows.len(), entries.len(), "{} entries fit one page", entries.len());
    let mut above = "0".repeat(64);
    for (row, entry) in rows.iter().zip(entries) {
        assert_eq!(row.attr("id").await.unwrap(), Some(format!("entry-{}", entry["seq"])));
        let seq = &entry["seq"];
        let hashes = full_hashes(&browser, &format!("tr#entry-{seq} td.hashes")).await;
        assert_eq!(hashes, [above.as_str(), entry["hash"].as_str().unwrap()], "entry {seq}");
        above = hashes[1].clone();
    }
    let json = browser.find("a#audit-json").await.attr("href").await.unwrap().unwrap();
    assert_eq!(json, "/api/v1/audit?after=0&limit=50");
    assert!(!browser.has("a#earlier").await && !browser.has("a#later").await);
    browser.close().await;
}

#[tokio::test]
async fn a_long_log_pages_from_the_latest_entries_back() {
    let Some(browser) = Browser::open().await else { return };
    let Some(app) = TestApp::spawn().await else { return };
    let campaign = json!({"name": "The Pebbles", "venue": "Town Hall", "date": "2026-07-04",
                          "game": "attack", "budget_pence": null, "active": true});
    let mut body = campaign.clone();
    body["slug"] = json!("pages");
    let created = app.http.post(format!("{}/api/v1/campaigns", app.url)).bearer_auth(ADMIN_TOKEN).json(&body);
    assert_eq!(created.send().await.unwrap().status(), 201);
    for i in 0..60 {
        let mut body = campaign.clone();
        body["active"] = json!(i % 2 == 1);
        put_campaign(&app, "pages", &body).await;
    }
    let head = log(&app).await["head"]["seq"].as_u64().unwrap();
    assert!(head > 60, "{head}");

    // Without ?after: the latest 50, in chain order.
    browser.goto(&format!("{}/audit", app.url)).await;
    let rows = browser.find_all("table#audit tbody tr").await;
    assert_eq!(rows.len(), 50);
    assert_eq!(rows[49].attr("id").await.unwrap(), Some(format!("entry-{head}")));
    assert_eq!(rows[0].attr("id").await.unwrap(), Some(format!("entry-{}", head - 49)));
    assert_eq!(
        browser.text(&format!("tr#entry-{head} td.details")).await,
        "active no → yes · by operator token (API)"
    );
    assert!(!browser.has("a#later").await);
    // Earlier (fewer than 100 entries in all): the first 50.
    browser.click("a#earlier").await;
    browser.wait_for("tr#entry-1").await;
    assert_eq!(
        browser.find("tr#entry-1").await.attr("data-kind").await.unwrap().as_deref(),
        Some("log.started")
    );
    assert_eq!(browser.find_all("table#audit tbody tr").await.len(), 50);
    assert!(browser.has("tr#entry-50").await && !browser.has("a#earlier").await);
    let json = browser.find("a#audit-json").await.attr("href").await.unwrap().unwrap();
    assert_eq!(json, "/api/v1/audit?after=0&limit=50");
    // Later: the ones after those, up to the head.
    browser.click("a#later").await;
    browser.wait_for(&format!("tr#entry-{head}")).await;
    assert_eq!(browser.find_all("table#audit tbody tr").await.len() as u64, head - 50);
    assert!(browser.has("tr#entry-51").await && !browser.has("a#later").await);

    // A page that is not a number is not found, said as a page.
    browser.goto(&format!("{}/audit?after=x", app.url)).await;
    assert!(browser.text("main").await.contains("There is no such page of the audit log."));
    browser.close().await;
}

#[tokio::test]
async fn a_draws_page_shows_its_proof_once_its_seed_is_revealed() {
    let Some(browser) = Browser::open().await else { return };
    let Some(app) = TestApp::spawn().await else { return };
    let drawn: Vec<Value> = {
        let mut all = Vec::new();
        for _ in 0..3 {
            all.push(app.draw().await);
        }
        all
    };
    let id = drawn[1]["id"].as_str().unwrap();
    let sequences = format!("{}/api/v1/prize-pool/sequences", app.url);
    let generated: Value =
        app.http.post(&sequences).json(&json!({})).send().await.unwrap().json().await.unwrap();

    // Before the rotation: no proof, and no section about it.
    browser.goto(&format!("{}/draws/{id}", app.url)).await;
    browser.wait_for("section#result").await;
    assert!(!browser.has("#in-audit-log").await && !browser.has("#proof-root").await, "no proof yet");

    let rotated = app.http.post(format!("{}/api/v1/fairness/rotate", app.url)).bearer_auth(ADMIN_TOKEN);
    assert_eq!(rotated.send().await.unwrap().status(), 200);
    let api = log(&app).await;
    let seed_hash = drawn[1]["fairness"]["seed_hash"].as_str().unwrap();
    let entries = api["entries"].as_array().unwrap();
    // The entry that recorded the seed's root (at the reveal, or in its seal just after).
    let reveal = entries
        .iter()
        .find(|e| e["subject"] == seed_hash && e["details"]["merkle_root"].is_string())
        .unwrap_or_else(|| panic!("the seed's root is recorded: {api}"));
    let seq = reveal["seq"].as_u64().unwrap();
    let proof: Value = app.get(&format!("/api/v1/draws/{id}/proof")).await.json().await.unwrap();

    // After it: the root the reveal recorded, the entry, the leaf and the path.
    browser.goto(&format!("{}/draws/{id}", app.url)).await;
    assert_eq!(browser.text("code#proof-root").await, reveal["details"]["merkle_root"].as_str().unwrap());
    assert_eq!(browser.text("#proof-leaf-index").await, proof["leaf_index"].to_string());
    assert_eq!(browser.text("#proof-tree-size").await, "3 draws");
    let entry = browser.find("a#proof-entry").await;
    assert_eq!(entry.attr("data-seq").await.unwrap(), Some(seq.to_string()));
    assert_eq!(entry.attr("href").await.unwrap(), Some(format!("/audit?after={}#entry-{seq}", seq - 1)));
    browser.click("details#proof-path summary").await;
    assert_eq!(browser.text("code#proof-leaf-hash").await, proof["leaf_hash"].as_str().unwrap());
    let path: Vec<String> = {
        let mut all = Vec::new();
        for hash in browser.find_all("ol.proof-path code").await {
            all.push(hash.text().await.unwrap());
        }
        all
    };
    assert_eq!(json!(path), proof["path"], "the sibling path, from the leaf up");
    let verify = browser.find("a#proof-verify").await.attr("href").await.unwrap();
    assert_eq!(verify, Some(format!("/verify?draw={id}")));
    browser.click("a#proof-entry").await;
    browser.wait_for(&format!("tr#entry-{seq}")).await;
    assert_eq!(browser.path().await, "/audit");

    // A sequence generated before the rotation and claimed after it: not in the tree, its own
    // entry instead.
    let claim = format!("{}{}", app.url, generated["claim"].as_str().unwrap());
    let late: Value = app.http.post(claim).send().await.unwrap().json().await.unwrap();
    let late_id = late["id"].as_str().unwrap();
    let api = log(&app).await;
    let entries = api["entries"].as_array().unwrap();
    let own = entries.iter().find(|e| e["kind"] == "draw.claimed-after-reveal").unwrap();
    browser.goto(&format!("{}/draws/{late_id}", app.url)).await;
    assert!(browser.text("#no-proof").await.starts_with("This draw was claimed after its seed's reveal"));
    let entry = browser.find("a#proof-entry").await;
    assert_eq!(entry.attr("data-seq").await.unwrap(), Some(own["seq"].to_string()));
    assert!(!browser.has("#proof-root").await);
    browser.close().await;
}
