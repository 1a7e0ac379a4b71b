//! `/verify`: a draw recomputed in the browser by `static/verify.js` (WebCrypto), from a pasted
//! draw and seed or from a draw's id, and its place in its seed's Merkle tree checked against the
//! root the audit log recorded; the draw page's "Verify in your browser" link.

use crate::common::Browser;
use crate::support::{ADMIN_TOKEN, Options, TestApp, tamper};
use prizegen_domain::games::Impl;
use serde_json::{Value, json};

/// The worked example's seed (docs/fairness.md): the bytes 0x00..0x1f.
const EXAMPLE_SEED: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/// The worked example's commitment (docs/fairness.md).
const EXAMPLE_COMMITMENT: &str = "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd";

/// A draw of the worked example as the API would write it: `game`, its `result` and `prize`,
/// served by `letters`, `numbers` and `rules` of these versions (None: not used).
fn example(game: &str, result: Value, prize: Value, impls: [Option<&str>; 3]) -> Value {
    let at = |service: &str, imp: Option<&str>| imp.map(|v| format!("{v}@{service}-example"));
    json!({
        "id": "0190aaaa-0000-7000-8000-000000000000",
        "game": game,
        "campaign": game,
        "created_at": "2026-12-01T12:00:00Z",
        "result": result,
        "prize": prize,
        "fairness": {"seed_hash": EXAMPLE_COMMITMENT, "client_seed": "", "nonce": 0},
        "served_by": {"frontend": "0.1.0@frontend-example", "letters": at("letters", impls[0]),
                      "numbers": at("numbers", impls[1]), "rules": at("rules", impls[2])},
    })
}

/// Every worked example of docs/fairness.md, with the values it lists: (name, draw).
fn worked_examples() -> Vec<(&'static str, Value)> {
    let v1 = [Some("v1"); 3];
    let ranks = json!({"strength": 1, "dexterity": 2, "constitution": 3, "intelligence": 4, "wisdom": 5, "charisma": 6});
    let abilities = json!({"strength": 20, "dexterity": 18, "constitution": 15, "intelligence": 13, "wisdom": 7, "charisma": 5});
    vec![
        (
            "account-prize",
            example(
                "account-prize",
                json!({"account_number": "qxzm4226"}),
                json!({"amount_pence": 1000, "label": "£10"}),
                v1,
            ),
        ),
        (
            "prize-pool",
            example("prize-pool", json!({"sequence": "Q2Z6Gk4o395G413p62K5", "tier": 0}), Value::Null, v1),
        ),
        (
            "spy-mission",
            example(
                "spy-mission",
                json!({"dossier": "4 q 2 x 12 z 6 m 2 g 17 k", "task": "Meet with", "target": "the head of Odin",
                       "mission": "Meet with the head of Odin"}),
                Value::Null,
                v1,
            ),
        ),
        (
            "attack",
            example(
                "attack",
                json!({"roll": 1, "power": "4.2", "outcome": "hit", "damage": "4.2"}),
                Value::Null,
                [None, Some("v1"), Some("v1")],
            ),
        ),
        (
            "attack v2",
            example(
                "attack",
                json!({"roll": 1, "power": "0.42", "outcome": "HIT", "damage": "0.42"}),
                Value::Null,
                [None, Some("v2"), Some("v2")],
            ),
        ),
        (
            "character",
            example(
                "character",
                json!({"name": "Example", "race": "Human", "class": "Fighter", "ranks": ranks,
                       "rolls": [20, 18, 15, 13, 7, 5], "background": "Entertainer", "abilities": abilities}),
                Value::Null,
                v1,
            ),
        ),
    ]
}

/// Waits for the check to end; its status (`verified`, `mismatch`, `pending`, `error`) and the
/// verdict's text.
async fn verdict(browser: &Browser) -> (String, String) {
    let section = browser.wait_for("#verdict[data-status]:not([data-status='running'])").await;
    let status = section.attr("data-status").await.unwrap().unwrap_or_default();
    (status, section.text().await.unwrap())
}

/// Pastes a draw and a seed into `/verify` and checks them.
async fn paste(browser: &Browser, app: &TestApp, draw: &Value, seed: &str) -> (String, String) {
    browser.goto(&format!("{}/verify", app.url)).await;
    // Set as one value (typing a long JSON key by key is slow and adds nothing).
    let set = "document.getElementById('draw-json').value = arguments[0];";
    browser.client.execute(set, vec![json!(draw.to_string())]).await.unwrap();
    browser.type_into("input#server-seed", seed).await;
    browser.click("button#verify-json").await;
    verdict(browser).await
}

/// The fields the verdict names as not matching.
async fn mismatched_fields(browser: &Browser) -> Vec<String> {
    let mut fields = Vec::new();
    for item in browser.find_all("#mismatches li[data-field]").await {
        fields.push(item.attr("data-field").await.unwrap().unwrap_or_default());
    }
    fields
}

#[tokio::test]
async fn every_games_worked_example_verifies_when_pasted() {
    let Some(browser) = Browser::open().await else { return };
    let Some(app) = TestApp::spawn().await else { return };
    for (name, draw) in worked_examples() {
        let (status, text) = paste(&browser, &app, &draw, EXAMPLE_SEED).await;
        assert_eq!(status, "verified", "{name}: {text}");
        assert!(text.contains("Verified"), "{name}: {text}");
        assert!(
            text.contains(&format!("SHA-256 of the server seed = {EXAMPLE_COMMITMENT}")),
            "{name}: {text}"
        );
        let steps = browser.find_all("#verify-steps > li[data-ok='true']").await.len();
        assert!(steps >= 6, "{name}: every step shown and passed ({steps}): {text}");
        assert!(!browser.has("#verify-steps > li[data-ok='false']").await, "{name}: {text}");
    }
    // The account-prize example's steps show the values docs/fairness.md lists.
    let (_, text) = paste(&browser, &app, &worked_examples()[0].1, EXAMPLE_SEED).await;
    for shown in [
        "k_letters = HMAC-SHA256(seed, \":0:letters\") = 59e224b4cc3ea943234135ac682fb7b077d1762023ac844363669faaebcfedb9",
        "k_numbers = HMAC-SHA256(seed, \":0:numbers\") = 7b59064471fbbdc637aa53c00310937244d637fec92e1468f0b103757ebb9bfe",
        "k_rules = HMAC-SHA256(seed, \":0:rules\") = 6e00b4c2b3e258042045ff36f1bb7606b1524da04def178ef8d95c8b1a2618d6",
        "3811902318 mod 26 = 16 → q; 3861453489 mod 26 = 23 → x; 1291296343 mod 26 = 25 → z; 1013058708 mod 26 = 12 → m",
        "account_number: qxzm4226",
        "drawn and awarded: £10",
    ] {
        assert!(text.contains(shown), "shows {shown:?}: {text}");
    }
    browser.close().await;
}

#[tokio::test]
async fn a_changed_result_or_a_wrong_seed_does_not_match_and_names_the_field() {
    let Some(browser) = Browser::open().await else { return };
    let Some(app) = TestApp::spawn().await else { return };
    let examples = worked_examples();
    // One character changed in one field of each game's result.
    let changes = [
        (0, "account_number", "qxzm4226", "qxzm4236"),
        (1, "sequence", "Q2Z6Gk4o395G413p62K5", "Q2Z6Gk4o395G413p62K6"),
        (2, "mission", "Meet with the head of Odin", "Meet with the head of Idin"),
        (3, "damage", "4.2", "4.3"),
        (5, "background", "Entertainer", "Entertainar"),
    ];
    for (i, field, was, changed) in changes {
        let (name, mut draw) = examples[i].clone();
        assert_eq!(draw["result"][field], was, "{name}");
        draw["result"][field] = json!(changed);
        let (status, text) = paste(&browser, &app, &draw, EXAMPLE_SEED).await;
        assert_eq!(status, "mismatch", "{name}: {text}");
        let named = format!("result.{field}");
        assert!(text.contains(&format!("Does not match: {named}")), "{name}: {text}");
        assert_eq!(mismatched_fields(&browser).await, [named], "{name}: only that field: {text}");
        assert!(text.contains(&format!("recomputed {was}, the draw says {changed}")), "{name}: {text}");
    }
    // A changed prize, too.
    let (_, mut draw) = examples[0].clone();
    draw["prize"] = json!({"amount_pence": 5000, "label": "£50"});
    let (status, text) = paste(&browser, &app, &draw, EXAMPLE_SEED).await;
    assert_eq!(status, "mismatch", "{text}");
    assert_eq!(mismatched_fields(&browser).await, ["prize.amount_pence", "prize.label"], "{text}");

    // The wrong seed (its last digit changed): the commitment does not match, and the check stops.
    let wrong = format!("{}e", &EXAMPLE_SEED[..63]);
    let (status, text) = paste(&browser, &app, &examples[0].1, &wrong).await;
    assert_eq!(status, "mismatch", "{text}");
    assert!(text.contains("Does not match: fairness.seed_hash"), "{text}");
    assert_eq!(mismatched_fields(&browser).await, ["fairness.seed_hash"], "{text}");
    let commitment = browser.find("#verify-steps > li[data-step='Commitment']").await;
    assert_eq!(commitment.attr("data-ok").await.unwrap().as_deref(), Some("false"), "{text}");
    assert!(!text.contains("k_letters"), "no keys from a wrong seed: {text}");

    // Not a seed at all, and not JSON: said, not a crash.
    let (status, text) = paste(&browser, &app, &examples[0].1, "not a seed").await;
    assert_eq!((status.as_str(), text.contains("server seed")), ("mismatch", true), "{text}");
    browser.goto(&format!("{}/verify", app.url)).await;
    browser.type_into("textarea#draw-json", "{not json").await;
    browser.type_into("input#server-seed", EXAMPLE_SEED).await;
    browser.click("button#verify-json").await;
    let (status, text) = verdict(&browser).await;
    assert_eq!(status, "error", "{text}");
    assert!(text.contains("not JSON"), "{text}");
    browser.close().await;
}

/// The title of the step that checks a draw's place in its seed's Merkle tree.
const IN_TREE: &str = "In the seed's Merkle tree";

/// The title of the step of a draw claimed after its seed's reveal.
const LATE: &str = "Recorded after the reveal";

/// The step of the report now shown with this title: whether it passed (`true`, `false`,
/// `skipped`) and its text.
async fn step(browser: &Browser, title: &str) -> (String, String) {
    let item = browser.find(&format!("#verify-steps > li[data-step=\"{title}\"]")).await;
    (item.attr("data-ok").await.unwrap().unwrap_or_default(), item.text().await.unwrap())
}

/// Every audit entry, from the API.
async fn audit_entries(app: &TestApp) -> Vec<Value> {
    let (mut all, mut after) = (Vec::new(), 0);
    loop {
        let page: Value =
            app.get(&format!("/api/v1/audit?after={after}&limit=100")).await.json().await.unwrap();
        all.extend(page["entries"].as_array().unwrap().iter().cloned());
        match page["next_after"].as_u64() {
            Some(next) => after = next,
            None => return all,
        }
    }
}

/// The audit log's `seed.sealed` entry of the seed of `draw`: its draws' count and root.
async fn reveal_of(app: &TestApp, draw: &Value) -> Value {
    let seed = &draw["fairness"]["seed_hash"];
    let entries = audit_entries(app).await;
    let found = entries.into_iter().find(|e| e["kind"] == "seed.sealed" && e["subject"] == *seed);
    found.unwrap_or_else(|| panic!("a seed.sealed entry of {seed}"))
}

/// Generates a prize-pool sequence (not claimed): its claim's path.
async fn generate_sequence(app: &TestApp) -> String {
    let generate = app.http.post(format!("{}/api/v1/prize-pool/sequences", app.url));
    let generated: Value = generate.json(&json!({})).send().await.unwrap().json().await.unwrap();
    generated["claim"].as_str().unwrap().to_owned()
}

/// Makes a draw of every game over the API (prize-pool: generated and claimed), with several
/// client seeds; returns them.
async fn draws_of_every_game(app: &TestApp, tag: &str) -> Vec<Value> {
    let mut draws = Vec::new();
    for (game, seed) in [
        ("account-prize", ""),
        ("account-prize", "héllo 🎲"),
        ("account-prize", "a:b:c"),
        ("spy-mission", ""),
        ("spy-mission", "spy"),
        ("attack", ""),
        ("attack", "attack"),
    ] {
        let response = app.post_draw(json!({"game": game, "client_seed": seed})).await;
        assert_eq!(response.status(), 201, "{game}");
        draws.push(response.json().await.unwrap());
    }
    let ranks = json!({"strength": 3, "dexterity": 1, "constitution": 6, "intelligence": 2, "wisdom": 5, "charisma": 4});
    let input =
        json!({"name": format!("Verifier {tag}"), "race": "Dwarf", "class": "Cleric", "ranks": ranks});
    let response = app.post_draw(json!({"game": "character", "input": input, "client_seed": "hero"})).await;
    assert_eq!(response.status(), 201);
    draws.push(response.json().await.unwrap());
    for seed in ["", "pool"] {
        let generate = app.http.post(format!("{}/api/v1/prize-pool/sequences", app.url));
        let generated: Value =
            generate.json(&json!({"client_seed": seed})).send().await.unwrap().json().await.unwrap();
        let claim = format!("{}{}", app.url, generated["claim"].as_str().unwrap());
        let claimed = app.http.post(claim).send().await.unwrap();
        assert_eq!(claimed.status(), 200);
        draws.push(claimed.json().await.unwrap());
    }
    draws
}

/// Reveals the current seed.
async fn rotate(app: &TestApp) {
    let rotated = app.http.post(format!("{}/api/v1/fairness/rotate", app.url)).bearer_auth(ADMIN_TOKEN);
    assert_eq!(rotated.send().await.unwrap().status(), 200);
}

/// Opens `/verify?draw=<id>` and waits for the check.
async fn verify_by_id(browser: &Browser, app: &TestApp, draw: &Value) -> (String, String) {
    browser.goto(&format!("{}/verify?draw={}", app.url, draw["id"].as_str().unwrap())).await;
    verdict(browser).await
}

#[tokio::test]
async fn real_draws_of_every_game_verify_by_id_after_a_rotation_with_v1_and_v2() {
    let Some(browser) = Browser::open().await else { return };
    for imp in [Impl::V1, Impl::V2] {
        let Some(app) = TestApp::spawn_with(Options { impls: [imp; 3], ..Options::default() }).await else {
            return;
        };
        let draws = draws_of_every_game(&app, &format!("{imp:?}")).await;
        // A sequence generated under the seed and claimed after its reveal.
        let claim = generate_sequence(&app).await;
        rotate(&app).await;
        let claimed = app.http.post(format!("{}{claim}", app.url)).send().await.unwrap();
        assert_eq!(claimed.status(), 200);
        let late: Value = claimed.json().await.unwrap();
        let reveal = reveal_of(&app, &draws[0]).await;
        assert_eq!(reveal["details"]["draws"], draws.len(), "the late claim is not counted: {reveal}");
        for draw in &draws {
            let (game, served) = (&draw["game"], &draw["served_by"]);
            let want = if imp == Impl::V1 { "v1@" } else { "v2@" };
            assert!(served["numbers"].as_str().unwrap().starts_with(want), "{draw}");
            let (status, text) = verify_by_id(&browser, &app, draw).await;
            assert_eq!(status, "verified", "{game} ({imp:?}): {draw}\n{text}");
            // The step "Result" shows the game's main field as recomputed.
            let field = match game.as_str().unwrap() {
                "account-prize" => "account_number",
                "prize-pool" => "sequence",
                "spy-mission" => "dossier",
                "attack" => "damage",
                _ => "background",
            };
            let shown = draw["result"][field].as_str().unwrap();
            assert!(text.contains(&format!("{field}: {shown}")), "{game}: shows {field}: {text}");
            // Its leaf, made in the browser, leads up its proof to the root the reveal recorded,
            // in an entry whose hash the browser recomputed.
            let (ok, said) = step(&browser, IN_TREE).await;
            assert_eq!(ok, "true", "{game}: {said}");
            assert_eq!(
                browser.text("code#record-root").await,
                reveal["details"]["merkle_root"].as_str().unwrap()
            );
            assert_eq!(browser.text("code#record-entry").await, reveal["hash"].as_str().unwrap());
            let seq = reveal["seq"].as_u64().unwrap();
            assert!(said.contains(&format!("the seal recorded {} draws", draws.len())), "{said}");
            assert!(
                said.contains(&format!("audit entry {seq} (seed.sealed): SHA-256(prev_hash ‖ entry) = ")),
                "{said}"
            );
            assert!(said.contains("\"fairness\":{\"client_seed\":"), "the leaf is shown: {said}");
            assert!(!said.contains("server_seed\":"), "the leaf has no server seed: {said}");
        }
        // The sequence claimed after the reveal verifies; its leaf is in its own entry instead.
        let (status, text) = verify_by_id(&browser, &app, &late).await;
        assert_eq!(status, "verified", "{late}\n{text}");
        assert!(!browser.has(&format!("#verify-steps > li[data-step=\"{IN_TREE}\"]")).await, "{text}");
        let (ok, said) = step(&browser, LATE).await;
        let entries = audit_entries(&app).await;
        let entry = entries.iter().rev().find(|e| e["kind"] == "draw.claimed-after-reveal").unwrap();
        let seq = entry["seq"].as_u64().unwrap();
        assert_eq!(ok, "true", "{said}");
        assert!(said.contains(&format!("recorded on its own in entry {seq}")), "{said}");
        let leaf = entry["details"]["leaf_hash"].as_str().unwrap();
        assert!(said.contains(&format!("leaf hash = SHA-256(0x00 ‖ leaf) = {leaf}")), "{said}");
        // The draw page links to its check, which verifies.
        let draw = &draws[0];
        browser.goto(&format!("{}/draws/{}", app.url, draw["id"].as_str().unwrap())).await;
        browser.click("a#verify-link").await;
        let (status, text) = verdict(&browser).await;
        assert_eq!(status, "verified", "{text}");
        assert_eq!(browser.path().await, "/verify");
        assert_eq!(browser.value("input#draw-id").await, draw["id"].as_str().unwrap());
    }
    browser.close().await;
}

#[tokio::test]
async fn a_changed_draw_is_not_the_leaf_its_seed_recorded() {
    let Some(browser) = Browser::open().await else { return };
    let Some(app) = TestApp::spawn().await else { return };
    let draw = app.draw().await;
    let second = app.draw().await;
    rotate(&app).await;
    let id = draw["id"].as_str().unwrap();
    let revealed: Value = app.get(&format!("/api/v1/draws/{id}")).await.json().await.unwrap();
    let root = reveal_of(&app, &draw).await["details"]["merkle_root"].as_str().unwrap().to_owned();

    // Pasted as the API gives it (the seed left empty: the draw's own), it verifies, its place in
    // the tree included.
    let (status, text) = paste(&browser, &app, &revealed, "").await;
    assert_eq!(status, "verified", "{text}");
    assert_eq!(step(&browser, IN_TREE).await.0, "true", "{text}");

    // One character of its result changed: the seed's steps name the field, the record's step
    // the leaf and the root.
    let mut changed = revealed.clone();
    let account = revealed["result"]["account_number"].as_str().unwrap();
    let last = if account.ends_with('0') { '1' } else { '0' };
    changed["result"]["account_number"] = json!(format!("{}{last}", &account[..account.len() - 1]));
    let (status, text) = paste(&browser, &app, &changed, "").await;
    assert_eq!(status, "mismatch", "{text}");
    assert_eq!(
        mismatched_fields(&browser).await,
        ["result.account_number", "Merkle leaf", "Merkle root"],
        "{text}"
    );
    let (ok, said) = step(&browser, IN_TREE).await;
    assert_eq!(ok, "false", "{said}");
    assert!(said.contains("Merkle leaf: the draw's leaf hashes to"), "{said}");
    assert!(said.contains("this draw is not the one stored under its seed"), "{said}");
    assert!(said.contains("Merkle root: the inclusion proof does not lead to the recorded root"), "{said}");
    assert!(said.contains(&format!("from the proof's own leaf_hash the path leads to {root}")), "{said}");

    // Without an id there is no proof to ask for: not checked, and said why.
    let mut anonymous = revealed.clone();
    anonymous.as_object_mut().unwrap().remove("id");
    let (status, text) = paste(&browser, &app, &anonymous, "").await;
    assert_eq!(status, "verified", "{text}");
    assert!(text.contains("every step checked matches"), "{text}");
    let (ok, said) = step(&browser, IN_TREE).await;
    assert_eq!((ok.as_str(), said.contains("has no id")), ("skipped", true), "{said}");

    // Changed in the database after the reveal, where the seed cannot show it (its time by a
    // millisecond; before any proof of the seed was asked for): every step of the seed passes,
    // and the record's shows the tree is no longer the one recorded.
    let id = second["id"].as_str().unwrap();
    let other = app.draw().await;
    rotate(&app).await;
    let sql = format!(
        "UPDATE draws SET created_at = created_at + 1 WHERE id = '{}'",
        other["id"].as_str().unwrap()
    );
    assert_eq!(tamper(&app.database, &sql).await, 1);
    let (status, text) = verify_by_id(&browser, &app, &other).await;
    assert_eq!(status, "mismatch", "{text}");
    assert_eq!(mismatched_fields(&browser).await, ["Merkle root"], "{text}");
    let (_, said) = step(&browser, IN_TREE).await;
    assert!(said.contains("the inclusion proof does not lead to the recorded root"), "{said}");
    // A draw of the first seed, untouched, still verifies.
    let (status, text) = verify_by_id(&browser, &app, &json!({"id": id})).await;
    assert_eq!(status, "verified", "{text}");
    browser.close().await;
}

#[tokio::test]
async fn a_prize_lowered_by_the_budget_is_explained_not_a_mismatch() {
    let Some(browser) = Browser::open().await else { return };
    let Some(app) = TestApp::spawn().await else { return };
    let campaign = json!({"slug": "tight", "name": "The Lumineers", "venue": "Roundhouse, Camden",
                          "date": "2026-07-04", "game": "account-prize", "budget_pence": 1000, "active": true});
    let created =
        app.http.post(format!("{}/api/v1/campaigns", app.url)).bearer_auth(ADMIN_TOKEN).json(&campaign);
    assert_eq!(created.send().await.unwrap().status(), 201);
    let mut downgraded = None;
    for i in 0..80 {
        let body = json!({"game": "account-prize", "campaign": "tight", "client_seed": format!("t{i}")});
        let draw: Value = app.post_draw(body).await.json().await.unwrap();
        if draw.get("downgraded_from").is_some() {
            downgraded = Some(draw);
            break;
        }
    }
    let draw = downgraded.expect("a prize lowered by a £10 budget in 80 draws");
    rotate(&app).await;
    let (status, text) = verify_by_id(&browser, &app, &draw).await;
    assert_eq!(status, "verified", "{draw}\n{text}");
    let drawn = draw["downgraded_from"]["label"].as_str().unwrap();
    assert!(text.contains(&format!("drawn: {drawn}")), "{text}");
    assert!(text.contains("awarded: ") && text.contains("budget"), "{text}");

    // The drawn prize is recomputed: a changed one does not match.
    let mut changed = draw.clone();
    changed["downgraded_from"] = json!({"amount_pence": 1, "label": "£0.01"});
    let id = draw["id"].as_str().unwrap();
    let revealed: Value = app.get(&format!("/api/v1/draws/{id}")).await.json().await.unwrap();
    let seed = revealed["fairness"]["server_seed"].as_str().unwrap();
    let (status, text) = paste(&browser, &app, &changed, seed).await;
    assert_eq!(status, "mismatch", "{text}");
    assert!(text.contains("Does not match: downgraded_from"), "{text}");
    assert_eq!(step(&browser, IN_TREE).await.0, "false", "not the recorded draw either: {text}");
    browser.close().await;
}

#[tokio::test]
async fn an_unrevealed_draw_shows_the_commitment_to_watch() {
    let Some(browser) = Browser::open().await else { return };
    let Some(app) = TestApp::spawn().await else { return };
    let draw = app.draw().await;
    let commitment = draw["fairness"]["seed_hash"].as_str().unwrap();
    assert!(draw["fairness"].get("server_seed").is_none(), "not revealed yet: {draw}");

    // The draw page says the seed is secret and links to the check.
    browser.goto(&format!("{}/draws/{}", app.url, draw["id"].as_str().unwrap())).await;
    let link = browser.text("p.verify-link").await;
    assert!(link.contains("Verify in your browser") && link.contains("still secret"), "{link}");
    browser.click("a#verify-link").await;
    let (status, text) = verdict(&browser).await;
    assert_eq!(status, "pending", "{text}");
    assert_eq!(browser.text("code#watch-commitment").await, commitment);
    assert!(text.contains("rotates the seed") && text.contains("current seed"), "{text}");

    // An id that is no draw.
    let (status, text) =
        verify_by_id(&browser, &app, &json!({"id": "00000000-0000-7000-8000-000000000000"})).await;
    assert_eq!(status, "error", "{text}");
    assert!(text.contains("There is no draw"), "{text}");

    // After the rotation the same page verifies it; the draw page says so.
    rotate(&app).await;
    let (status, text) = verify_by_id(&browser, &app, &draw).await;
    assert_eq!(status, "verified", "{text}");
    browser.goto(&format!("{}/draws/{}", app.url, draw["id"].as_str().unwrap())).await;
    assert!(browser.text("p.verify-link").await.contains("revealed seed"));
    browser.close().await;
}

/// Only `/verify` may run a script, and only the front end's own module: no inline script or
/// handler, no 'unsafe-inline' or eval; every other page still allows no script at all.
#[tokio::test]
async fn only_the_verify_page_runs_a_script_and_only_its_own_module() {
    let Some(app) = TestApp::spawn().await else { return };
    let response = app.get("/verify?draw=x%22%3E%3Cscript%3E").await;
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"), "{csp}");
    assert!(csp.contains("default-src 'none'") && !csp.contains("unsafe"), "{csp}");
    let html = response.text().await.unwrap();
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert_eq!(scripts.len(), 1, "one script, the module: {html}");
    let src = scripts[0].split("src=\"").nth(1).and_then(|s| s.split('"').next()).unwrap();
    assert!(scripts[0].starts_with(" type=\"module\""), "{html}");
    assert!(src.starts_with("/static/verify.") && src.ends_with(".js"), "{src}");
    assert!(!html.contains(" onclick=") && !html.contains(" onsubmit=") && !html.contains("javascript:"));
    assert!(!html.contains("x\"><script>") && html.contains("value=\"x&"), "the id is escaped: {html}");

    let module = app.get(src).await;
    assert_eq!(module.status(), 200);
    assert_eq!(module.headers()["content-type"], "text/javascript; charset=utf-8");
    assert_eq!(module.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(module.text().await.unwrap().contains("HMAC-SHA256"));

    for path in ["/", "/fairness", "/play/attack"] {
        let response = app.get(path).await;
        let csp = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(!csp.contains("script-src") && csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(!response.text().await.unwrap().contains("<script"), "{path}");
    }
}

/// docs/fairness.md's audit worked example, recomputed by the browser verifier's own exported
/// functions in Chromium: each draw's leaf hash, the proof of the draw at nonce 1 to the root,
/// and both entries' hashes are the values the page lists (which Rust and the Python script
/// also compute: `audit_check::tests::the_worked_example_in_the_docs`).
#[tokio::test]
async fn the_audit_worked_example_recomputes_in_the_browser() {
    let Some(browser) = Browser::open().await else { return };
    let Some(app) = TestApp::spawn().await else { return };
    let docs = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs");
    let page = std::fs::read_to_string(format!("{docs}/fairness.md")).unwrap();
    let lines = |name: &str| -> Vec<Value> {
        let text = std::fs::read_to_string(format!("{docs}/examples/{name}")).unwrap();
        text.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
    };
    let (draws, log) = (lines("audit_draws.ndjson"), lines("audit_log.ndjson"));
    browser.goto(&format!("{}/verify", app.url)).await;
    let module = browser.find("script[type=module]").await.attr("src").await.unwrap().unwrap();
    let script = r#"
        const [module, draws, log, done] = arguments;
        import(module).then(async (v) => {
            const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
            const leaves = [];
            for (const d of draws) leaves.push(await v.leafHash(v.drawLeaf(d)));
            const root = await v.rootFromPath(leaves[1], 1, 3, [leaves[0], leaves[2]]);
            const entries = [];
            for (const e of log) entries.push(await v.entryHash(e));
            done({ leaves: leaves.map(hex), root: hex(root), entries });
        }, (e) => done({ error: String(e) }));
    "#;
    let args = vec![json!(module), json!(draws), json!(log)];
    let got = browser.client.execute_async(script, args).await.unwrap();
    assert!(got.get("error").is_none(), "{got}");
    let recorded_root = log[2]["details"]["merkle_root"].as_str().unwrap();
    assert_eq!(got["root"], recorded_root, "the proof of nonce 1 leads to the recorded root: {got}");
    for (i, entry) in log.iter().enumerate() {
        assert_eq!(got["entries"][i], entry["hash"], "entry {}: {got}", i + 1);
    }
    let mut listed: Vec<String> =
        got["leaves"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_owned()).collect();
    listed.push(recorded_root.to_owned());
    listed.extend(log.iter().map(|e| e["hash"].as_str().unwrap().to_owned()));
    for value in listed {
        assert!(page.contains(&value), "docs/fairness.md lists {value}");
    }
    browser.close().await;
}
