//! How the pages look: every page at a desktop width (1280 px) and a phone width (375 px) loads
//! the stylesheet despite a CSP without 'unsafe-inline' (its rules take effect), carries no
//! inline style, does not scroll sideways on the phone, labels every field, shows focus, and
//! shows a draw's outcome big at the top of its card.
//!
//! With `PRIZEGEN_SCREENSHOTS=<dir>` set, each page is also saved there as
//! `<page>-<width>.png` (the whole page), for a person to look at.

use crate::common::Browser;
use crate::support::{ADMIN_TOKEN, Options, TestApp, example_seed};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::{Value, json};

const WIDTHS: [u32; 2] = [1280, 375];

/// What the page's stylesheet, layout and fields look like to the browser.
const INSPECT: &str = r#"
const doc = document.documentElement;
const sheet = document.querySelector('link[rel="stylesheet"]');
let rules = -1;
try { rules = sheet && sheet.sheet ? sheet.sheet.cssRules.length : -1; } catch (e) { rules = -2; }
const width = doc.clientWidth;
const named = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '');
// Visually hidden on purpose (a stacked table's header row, kept for screen readers).
const hidden = e => { for (let a = e; a; a = a.parentElement) { if (getComputedStyle(a).clipPath !== 'none') return true; } return false; };
// Off the screen's right edge, outside a box that scrolls sideways on purpose (a wide table).
const overflowing = [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 0.5)
  .filter(e => !e.parentElement.closest('.table-scroll, details:not([open])') && !hidden(e))
  .slice(0, 5).map(named);
// Wider than its own box, so spilling out of it or cut off by it (an ellipsis is on purpose).
const clipped = [...document.querySelectorAll('body *')]
  .filter(e => {
    const s = getComputedStyle(e);
    return e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && !['auto', 'scroll'].includes(s.overflowX)
      && s.textOverflow !== 'ellipsis' && !hidden(e);
  })
  .slice(0, 5).map(e => named(e) + ' ' + e.scrollWidth + '>' + e.clientWidth);
const unlabelled = [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(e => !e.labels || e.labels.length === 0)
  .map(e => e.name);
const big = document.querySelector('#prize, #headline');
return {
  href: sheet ? sheet.getAttribute('href') : null,
  rules,
  inline: document.querySelectorAll('style, [style]').length,
  innerWidth: window.innerWidth,
  scrollWidth: doc.scrollWidth,
  clientWidth: width,
  overflowing,
  clipped,
  unlabelled,
  mainMaxWidth: getComputedStyle(document.querySelector('main')).maxWidth,
  fontFamily: getComputedStyle(document.body).fontFamily,
  outcome: big ? { id: big.id, text: big.innerText, size: parseFloat(getComputedStyle(big).fontSize),
                   top: big.getBoundingClientRect().top,
                   firstField: (document.querySelector('#result .value') || big).getBoundingClientRect().top }
               : null,
  // The window's own height beyond the viewport, so a screenshot can hold the whole page.
  height: Math.ceil(doc.scrollHeight) + Math.max(0, window.outerHeight - window.innerHeight),
};
"#;

/// The pages to look at: (file name, path).
async fn pages(app: &TestApp) -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = [
        ("home", "/"),
        ("fairness", "/fairness"),
        ("audit", "/audit"),
        ("stats", "/stats"),
        ("live", "/live"),
        ("not-found", "/nowhere"),
        ("draw-not-found", "/draws/no-such-draw"),
        ("play-account-prize", "/play/account-prize"),
        ("play-prize-pool", "/play/prize-pool"),
        ("play-spy-mission", "/play/spy-mission"),
        ("play-attack", "/play/attack"),
        ("play-character", "/play/character"),
    ]
    .map(|(name, path)| (name.to_owned(), path.to_owned()))
    .into();
    let mut add = |name: &str, draw: &Value| {
        pages.push((name.to_owned(), format!("/draws/{}", draw["id"].as_str().unwrap())))
    };

    // The example seed's first draw is the worked example: qxzm4226 wins £10.
    let won = app.post_draw(json!({"game": "account-prize"})).await.json::<Value>().await.unwrap();
    assert_eq!(won["prize"]["label"], "£10", "{won}");
    add("draw-won", &won);
    let mut no_prize = None;
    let mut downgraded = None;
    for i in 0..30 {
        let body = json!({"game": "account-prize", "campaign": "look", "client_seed": format!("s{i}")});
        let draw: Value = app.post_draw(body).await.json().await.unwrap();
        assert!(draw["id"].is_string(), "{draw}");
        if draw.get("downgraded_from").is_some() {
            downgraded.get_or_insert(draw);
        } else if draw["prize"].is_null() {
            no_prize.get_or_insert(draw);
        }
        if no_prize.is_some() && downgraded.is_some() {
            break;
        }
    }
    add("draw-no-prize", &no_prize.expect("a draw without a prize in 30"));
    add("draw-downgraded", &downgraded.expect("a budget downgrade in 30 draws on £10"));
    for game in ["spy-mission", "attack"] {
        add(&format!("draw-{game}"), &app.post_draw(json!({"game": game})).await.json().await.unwrap());
    }
    let ranks = json!({"strength": 6, "dexterity": 1, "constitution": 5, "intelligence": 2, "wisdom": 4, "charisma": 3});
    let input = json!({"name": "Aria Moonwhisper", "race": "Elf", "class": "Wizard", "ranks": ranks});
    add(
        "draw-character",
        &app.post_draw(json!({"game": "character", "input": input})).await.json().await.unwrap(),
    );
    let sequences = format!("{}/api/v1/prize-pool/sequences", app.url);
    let generated: Value =
        app.http.post(&sequences).json(&json!({})).send().await.unwrap().json().await.unwrap();
    let claim = format!("{}{}", app.url, generated["claim"].as_str().unwrap());
    add("draw-prize-pool", &app.http.post(claim).send().await.unwrap().json().await.unwrap());
    let unclaimed: Value =
        app.http.post(&sequences).json(&json!({})).send().await.unwrap().json().await.unwrap();
    let sequence = unclaimed["sequence"].as_str().unwrap();
    pages.push(("play-prize-pool-generated".into(), format!("/play/prize-pool?sequence={sequence}")));
    pages
}

/// Looks at the page now open at `width` (the window resized to it): the checks above, and a
/// screenshot of the whole page when asked.
pub async fn look_at(browser: &Browser, name: &str, width: u32) {
    browser.client.set_window_size(width, 900).await.unwrap();
    let page: Value = browser.client.execute(INSPECT, vec![]).await.unwrap();
    let at = format!("{name} ({}) at {width} px", browser.path().await);
    let href = page["href"].as_str().unwrap_or_default();
    assert!(
        href.starts_with("/static/style.") && href.ends_with(".css"),
        "{at}: the stylesheet link: {page}"
    );
    assert!(page["rules"].as_i64().unwrap_or(0) > 20, "{at}: the stylesheet loaded: {page}");
    assert_eq!(page["mainMaxWidth"], "960px", "{at}: its rules apply (main is 60rem wide): {page}");
    assert!(page["fontFamily"].as_str().unwrap_or_default().starts_with("system-ui"), "{at}: {page}");
    assert_eq!(page["inline"], 0, "{at}: no <style> or style=\"\" (the CSP refuses them): {page}");
    assert_eq!(page["innerWidth"], width, "{at}: the viewport is as wide as asked: {page}");
    assert!(
        page["scrollWidth"].as_u64() <= page["clientWidth"].as_u64() && page["overflowing"] == json!([]),
        "{at}: nothing wider than the screen: {page}"
    );
    assert_eq!(page["clipped"], json!([]), "{at}: nothing wider than its box: {page}");
    assert_eq!(page["unlabelled"], json!([]), "{at}: every field has a <label>: {page}");
    if let Some(outcome) = page["outcome"].as_object() {
        let size = outcome["size"].as_f64().unwrap_or(0.0);
        let least = if outcome["id"] == "prize" { 32.0 } else { 24.0 };
        assert!(size >= least, "{at}: the outcome is big ({size} px): {page}");
        assert!(
            outcome["top"].as_f64() <= outcome["firstField"].as_f64(),
            "{at}: the outcome comes before the fields: {page}"
        );
    }
    if let Some(dir) = std::env::var_os("PRIZEGEN_SCREENSHOTS") {
        let height = page["height"].as_u64().unwrap_or(900).clamp(600, 8000) as u32;
        browser.client.set_window_size(width, height).await.unwrap();
        let png = browser.client.screenshot().await.unwrap();
        let file = std::path::Path::new(&dir).join(format!("{name}-{width}.png"));
        std::fs::write(&file, png).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
}

/// Opens `path` at each width and looks at it.
async fn visit(browser: &Browser, app: &TestApp, name: &str, path: &str) {
    for width in WIDTHS {
        browser.client.set_window_size(width, 900).await.unwrap();
        browser.goto(&format!("{}{path}", app.url)).await;
        look_at(browser, name, width).await;
    }
}

#[tokio::test]
async fn every_page_is_styled_readable_on_a_phone_and_labelled() {
    let Some(browser) = Browser::open().await else { return };
    let Some(app) = TestApp::spawn_with(Options { seed: Some(example_seed()), ..Options::default() }).await
    else {
        return;
    };
    if let Some(dir) = std::env::var_os("PRIZEGEN_SCREENSHOTS") {
        std::fs::create_dir_all(dir).unwrap();
    }
    let campaign = json!({"slug": "look", "name": "The Lumineers", "venue": "Roundhouse, Camden",
                          "date": "2026-07-04", "game": "account-prize", "budget_pence": 1000, "active": true});
    let created =
        app.http.post(format!("{}/api/v1/campaigns", app.url)).bearer_auth(ADMIN_TOKEN).json(&campaign);
    assert_eq!(created.send().await.unwrap().status(), 201);
    let pages = pages(&app).await;
    // After the rotation every draw above is under a revealed seed: their pages show their
    // place in the audit log.
    let rotated = app.http.post(format!("{}/api/v1/fairness/rotate", app.url)).bearer_auth(ADMIN_TOKEN);
    assert_eq!(rotated.send().await.unwrap().status(), 200, "a revealed seed for /fairness");
    for (name, path) in &pages {
        visit(&browser, &app, name, path).await;
    }
    // A revealed draw's proof with its path open.
    let won = &pages.iter().find(|(n, _)| n == "draw-won").unwrap().1;
    for width in WIDTHS {
        browser.client.set_window_size(width, 900).await.unwrap();
        browser.goto(&format!("{}{won}", app.url)).await;
        browser.click("details#proof-path summary").await;
        look_at(&browser, "draw-revealed-proof", width).await;
    }

    // The verifier: empty, then its report on a draw that won, one lowered by the budget, and
    // one whose seed is still secret (drawn after the rotation).
    visit(&browser, &app, "verify", "/verify").await;
    let draw_id = |name: &str| {
        let path = &pages.iter().find(|(n, _)| n == name).unwrap().1;
        path.trim_start_matches("/draws/").to_owned()
    };
    let secret = app.post_draw(json!({"game": "spy-mission"})).await.json::<Value>().await.unwrap();
    // The sequence generated before the rotation, claimed after it: recorded on its own.
    let generated = &pages.iter().find(|(n, _)| n == "play-prize-pool-generated").unwrap().1;
    let sequence = generated.rsplit('=').next().unwrap();
    let claim = format!("{}/api/v1/prize-pool/sequences/{sequence}/claim", app.url);
    let late: Value = app.http.post(claim).send().await.unwrap().json().await.unwrap();
    for (name, draw) in [("draw-secret", &secret), ("draw-claimed-after-reveal", &late)] {
        visit(&browser, &app, name, &format!("/draws/{}", draw["id"].as_str().unwrap())).await;
    }
    for (name, id) in [
        ("verify-verified", draw_id("draw-won")),
        ("verify-downgraded", draw_id("draw-downgraded")),
        ("verify-character", draw_id("draw-character")),
        ("verify-pending", secret["id"].as_str().unwrap().to_owned()),
        ("verify-claimed-after-reveal", late["id"].as_str().unwrap().to_owned()),
    ] {
        for width in WIDTHS {
            browser.client.set_window_size(width, 900).await.unwrap();
            browser.goto(&format!("{}/verify?draw={id}", app.url)).await;
            browser.wait_for("#verdict[data-status]:not([data-status='running'])").await;
            look_at(&browser, name, width).await;
        }
    }

    // A pasted draw with one character of its result changed: the fields and the record that
    // do not match.
    let id = draw_id("draw-won");
    let mut changed: Value = app.get(&format!("/api/v1/draws/{id}")).await.json().await.unwrap();
    changed["result"]["account_number"] = json!("qxzm4227");
    browser.goto(&format!("{}/verify", app.url)).await;
    let set = "document.getElementById('draw-json').value = arguments[0];";
    browser.client.execute(set, vec![json!(changed.to_string())]).await.unwrap();
    browser.click("button#verify-json").await;
    browser.wait_for("#verdict[data-status='mismatch']").await;
    for width in WIDTHS {
        look_at(&browser, "verify-mismatch", width).await;
    }

    // A refused character form (a POST's answer: looked at without reloading).
    browser.goto(&format!("{}/play/character", app.url)).await;
    browser.select_value("select[name='rank_strength']", "2").await;
    browser.click("button#draw").await;
    browser.wait_for("p.field-error[data-error='ranks']").await;
    for width in WIDTHS {
        look_at(&browser, "play-character-refused", width).await;
    }

    // The operator's pages.
    visit(&browser, &app, "admin-sign-in", "/admin/sign-in").await;
    browser.type_into("input#token", ADMIN_TOKEN).await;
    browser.click("button#sign-in").await;
    browser.wait_for("table#campaigns").await;
    visit(&browser, &app, "admin", "/admin").await;
    visit(&browser, &app, "admin-campaign", "/admin/campaigns/look").await;

    // The players' pages: signed out first, with a player who has won (made over the API).
    let credentials = json!({"name": "Ann Lee", "password": "correct horse battery staple"});
    let registered = app.http.post(format!("{}/api/v1/players", app.url)).json(&credentials);
    assert_eq!(registered.send().await.unwrap().status(), 201);
    let session: Value = app
        .http
        .post(format!("{}/api/v1/sessions", app.url))
        .json(&credentials)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().unwrap();
    for i in 0..12 {
        let body = json!({"game": "account-prize", "client_seed": format!("ann {i}")});
        let drawn = app.http.post(format!("{}/api/v1/draws", app.url)).bearer_auth(token).json(&body);
        assert_eq!(drawn.send().await.unwrap().status(), 201);
    }
    visit(&browser, &app, "register", "/register").await;
    visit(&browser, &app, "sign-in", "/sign-in").await;
    visit(&browser, &app, "leaderboard", "/leaderboard").await;
    visit(&browser, &app, "player", "/players/Ann%20Lee").await;
    // Registered and signed in through the form, then three draws on the page.
    browser.goto(&format!("{}/register", app.url)).await;
    browser.type_into("input#name", "Bo Player").await;
    browser.type_into("input#password", "a long and quiet harbour").await;
    browser.click("button#register").await;
    browser.wait_for("dl#totals").await;
    visit(&browser, &app, "me-new", "/me").await;
    for _ in 0..3 {
        browser.goto(&format!("{}/play/account-prize", app.url)).await;
        browser.click("button#draw").await;
        browser.wait_for("section#result").await;
    }
    visit(&browser, &app, "draw-signed-in", &browser.path().await).await;
    visit(&browser, &app, "me", "/me").await;
    visit(&browser, &app, "leaderboard-signed-in", "/leaderboard?game=account-prize").await;
    visit(&browser, &app, "player-other", "/players/Ann%20Lee").await;

    // Focus is visible: the first Tab reaches the skip link, outlined.
    browser.goto(&format!("{}/", app.url)).await;
    let tab = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: Key::Tab.into() })
        .then(KeyAction::Up { value: Key::Tab.into() });
    browser.client.perform_actions(tab).await.unwrap();
    let script = "const e = document.activeElement, s = getComputedStyle(e);
        return {class: e.className, outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                top: e.getBoundingClientRect().top};";
    let focused: Value = browser.client.execute(script, vec![]).await.unwrap();
    assert_eq!(focused["class"], "skip", "{focused}");
    assert_eq!(focused["outline"], "solid", "a visible focus ring: {focused}");
    assert!(focused["width"].as_f64() >= Some(2.0), "{focused}");
    assert!(focused["top"].as_f64() >= Some(0.0), "the skip link shows when focused: {focused}");
    browser.close().await;
}
