//! Players in the browser: register, draw, find the draw under "my draws" and on the
//! leaderboard, sign out and back in; a form shown before signing out is refused after it; a
//! hostile name is shown as text everywhere it is echoed.

use crate::common::Browser;
use crate::support::TestApp;
use serde_json::{Value, json};

const PASSWORD: &str = "a long and quiet harbour";

async fn register(browser: &Browser, app: &TestApp, name: &str) {
    browser.goto(&format!("{}/register", app.url)).await;
    browser.type_into("input#name", name).await;
    browser.type_into("input#password", PASSWORD).await;
    browser.click("button#register").await;
}

#[tokio::test]
async fn a_player_registers_draws_and_finds_the_draw_in_their_history_and_on_the_board() {
    let Some(browser) = Browser::open().await else { return };
    let Some(app) = TestApp::spawn().await else { return };

    register(&browser, &app, "Kim Park").await;
    browser.wait_for("dl#totals").await;
    assert_eq!(browser.path().await, "/me", "registering signs in and shows my draws");
    assert_eq!(browser.text("#account-name").await, "Kim Park", "the header names the player");
    assert_eq!(browser.text("#total-draws").await, "0");

    // Draws on the game's page until one wins (the odds make that quick).
    let mut won = None;
    let mut made = Vec::new();
    for _ in 0..40 {
        browser.goto(&format!("{}/play/account-prize", app.url)).await;
        browser.click("button#draw").await;
        browser.wait_for("section#result").await;
        let id = browser.path().await.trim_start_matches("/draws/").to_owned();
        made.push(id.clone());
        let prize = browser.text("p#prize").await;
        assert!(
            prize.starts_with("You won") || prize.starts_with("No prize"),
            "the player's own draw speaks to them: {prize}"
        );
        assert_eq!(browser.text("#drawn-by a").await, "Kim Park");
        if prize.starts_with("You won") {
            won = Some((id, prize));
            break;
        }
    }
    let (won_id, prize) = won.expect("a prize within 40 draws");

    // "My draws": every draw, newest first, with its totals.
    browser.goto(&format!("{}/me", app.url)).await;
    assert_eq!(browser.text("#total-draws").await, made.len().to_string());
    assert_eq!(browser.text("#total-prizes").await, "1");
    let rows = browser.find_all("table#my-draws tbody tr").await;
    assert_eq!(rows.len(), made.len());
    let first = rows[0].attr("data-draw").await.unwrap().unwrap();
    assert_eq!(first, won_id, "newest first");
    assert!(browser.has("figure#chart svg path.line").await, "a chart of winnings");

    // The leaderboard: the player is there, highlighted, with their prize and a link to the draw.
    browser.goto(&format!("{}/leaderboard", app.url)).await;
    let mine = browser.find("table.board tr.me").await;
    assert_eq!(mine.attr("data-player").await.unwrap().as_deref(), Some("Kim Park"));
    assert_eq!(mine.attr("data-rank").await.unwrap().as_deref(), Some("1"));
    let amount = prize.trim_start_matches("You won ").trim_end_matches('!');
    assert!(mine.text().await.unwrap().contains(amount), "the board shows {amount}");
    browser.click("table.board tr.me td[data-label='Best prize'] a").await;
    browser.wait_for("section#result").await;
    assert_eq!(browser.path().await, format!("/draws/{won_id}"), "the board links to the verifiable draw");

    // Signing out ends the session; signing in again brings the same history back.
    browser.click("button#sign-out").await;
    browser.wait_for("a#sign-in-link").await;
    browser.goto(&format!("{}/me", app.url)).await;
    assert!(browser.path().await.starts_with("/sign-in"), "signed out, /me asks to sign in");
    browser.type_into("input#name", "kim park").await;
    browser.type_into("input#password", PASSWORD).await;
    browser.click("button#sign-in").await;
    browser.wait_for("dl#totals").await;
    assert_eq!(browser.path().await, "/me", "back where sign-in was asked for");
    assert_eq!(browser.text("#total-draws").await, made.len().to_string());
    browser.close().await;
}

#[tokio::test]
async fn a_form_shown_before_signing_out_elsewhere_draws_nothing_after() {
    let Some(browser) = Browser::open().await else { return };
    let Some(app) = TestApp::spawn().await else { return };
    register(&browser, &app, "Lee Two").await;
    browser.wait_for("dl#totals").await;
    browser.goto(&format!("{}/play/attack", app.url)).await;
    // Another device changes the password: this browser's session ends.
    let credentials = json!({"name": "Lee Two", "password": PASSWORD});
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
    let changed = app
        .http
        .put(format!("{}/api/v1/players/me/password", app.url))
        .bearer_auth(session["token"].as_str().unwrap())
        .json(&json!({"current_password": PASSWORD, "new_password": "another quiet harbour at dusk"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 204);
    browser.click("button#draw").await;
    browser.wait_for("h1").await;
    assert!(browser.main_html().await.contains("Your session has ended"), "{}", browser.main_html().await);
    let listed: Value = app.get("/api/v1/draws?game=attack").await.json().await.unwrap();
    assert_eq!(listed["draws"], json!([]), "nothing was drawn, not even anonymously");
    browser.close().await;
}

#[tokio::test]
async fn a_hostile_name_is_refused_and_shown_as_text() {
    let Some(browser) = Browser::open().await else { return };
    let Some(app) = TestApp::spawn().await else { return };
    // Within the length limit, so the refusal is about the characters.
    let hostile = "<img src=x onerror=alert(1)>";
    browser.goto(&format!("{}/register", app.url)).await;
    // The form's own limits (pattern, maxlength) would stop the browser; the server decides.
    browser.client.execute("document.querySelector('#register-form').noValidate = true; document.querySelector('input#name').removeAttribute('maxlength');", vec![]).await.unwrap();
    browser.type_into("input#name", hostile).await;
    browser.type_into("input#password", PASSWORD).await;
    browser.click("button#register").await;
    browser.wait_for("p#error").await;
    let error = browser.text("p#error").await;
    assert!(error.contains("only letters"), "refused, saying why: {error}");
    let source = browser.client.source().await.unwrap();
    assert!(source.contains("&lt;img src=x onerror=alert(1)&gt;"), "escaped in the page's HTML");
    assert_eq!(browser.value("input#name").await, hostile, "echoed back as the field's text");
    assert_eq!(
        browser
            .client
            .execute("return document.querySelectorAll('main script, main img').length;", vec![])
            .await
            .unwrap(),
        json!(0),
        "no element was made of it"
    );
    let body = app.get("/api/v1/players/%3Cscript%3E").await;
    assert_eq!(body.status(), 404, "and no such player exists");
    browser.close().await;
}
