//! prize-pool: "Generate Random Sequence", then "Send to the Prize Pool" — once.

use crate::common::Browser;
use crate::support::TestApp;
use serde_json::Value;

#[tokio::test]
async fn a_player_generates_a_sequence_and_claims_it_once() {
    let Some(browser) = Browser::open().await else { return };
    let Some(app) = TestApp::spawn().await else { return };

    browser.goto(&format!("{}/play/prize-pool", app.url)).await;
    assert!(!browser.has("code#sequence").await, "no sequence before generating one");
    let generate = browser.find("button#generate").await;
    assert_eq!(generate.text().await.unwrap(), "Generate Random Sequence");
    generate.click().await.unwrap();

    // Step 1: the sequence is shown with the claim button.
    let sequence = browser.wait_for("code#sequence").await.text().await.unwrap();
    assert_eq!(sequence.chars().count(), 20, "20 characters: {sequence:?}");
    assert!(sequence.chars().all(|c| c.is_ascii_alphanumeric()), "letters and digits: {sequence:?}");
    assert_eq!(browser.path().await, "/play/prize-pool");
    let claim = browser.find("button#claim").await;
    assert_eq!(claim.text().await.unwrap(), "Send to the Prize Pool");
    claim.click().await.unwrap();

    // Step 2: the draw page shows the sequence and what it won.
    let result = browser.wait_for("#result").await;
    let path = browser.path().await;
    let draw_id = path.strip_prefix("/draws/").unwrap_or_else(|| panic!("on a draw page: {path}")).to_owned();
    let mut values = Vec::new();
    for value in result.find_all(fantoccini::Locator::Css("code.value")).await.unwrap() {
        values.push(value.text().await.unwrap());
    }
    assert!(values.contains(&sequence), "the draw shows {sequence}: {values:?}");
    let prize = browser.text("p#prize").await;
    let digit = |i: usize| sequence.as_bytes()[i].is_ascii_digit();
    let want = match (digit(0), digit(2), digit(7)) {
        (false, _, _) => "No prize this time.",
        (true, false, _) => "You won £1,000!",
        (true, true, false) => "You won £10,000!",
        (true, true, true) => "You won £100,000!",
    };
    assert_eq!(prize, want, "v1's prize for {sequence}");

    // The same sequence again: already submitted, no claim button, a link to its draw.
    browser.goto(&format!("{}/play/prize-pool?sequence={sequence}", app.url)).await;
    assert_eq!(browser.text("code#sequence").await, sequence);
    let generated = browser.text("section#generated").await;
    assert!(generated.contains("already submitted"), "{generated}");
    assert!(
        !browser.has("button#claim").await,
        "no claim button once claimed:\n{}",
        browser.main_html().await
    );
    let link = browser.find("section#generated a").await.attr("href").await.unwrap();
    assert_eq!(link.as_deref(), Some(format!("/draws/{draw_id}").as_str()));

    // The API agrees.
    let response = app.get(&format!("/api/v1/prize-pool/sequences/{sequence}")).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["claimed"], true, "{body}");
    assert_eq!(body["draw_id"], draw_id.as_str(), "{body}");
    browser.close().await;
}
