//! character: a form with a name, race, class and six ranks; errors shown by the fields.

use crate::common::Browser;
use crate::support::TestApp;

const ABILITIES: [&str; 6] = ["strength", "dexterity", "constitution", "intelligence", "wisdom", "charisma"];

fn rank_select(ability: &str) -> String {
    format!("select[name='rank_{ability}']")
}

#[tokio::test]
async fn a_player_fixes_the_ranks_then_cannot_reuse_the_name() {
    let Some(browser) = Browser::open().await else { return };
    let Some(app) = TestApp::spawn().await else { return };
    let name = "Aria Moonwhisper";

    browser.goto(&format!("{}/play/character", app.url)).await;
    browser.type_into("#character-form input[name='name']", name).await;
    // strength and dexterity both ranked 2.
    browser.select_value(&rank_select("strength"), "2").await;
    browser.select_value(&rank_select("dexterity"), "2").await;
    browser.click("button#draw").await;

    let error = browser.wait_for("p.field-error[data-error='ranks']").await.text().await.unwrap();
    assert!(error.contains("different"), "the ranks error says why: {error:?}");
    assert!(!browser.has("table#sheet").await, "no character was drawn");
    assert_eq!(browser.value("#character-form input[name='name']").await, name, "the name is kept");
    assert_eq!(browser.value(&rank_select("strength")).await, "2", "the ranks are kept");

    // Fix the ranks: all different. Pick a race and a class.
    let ranks = [
        ("strength", 6),
        ("dexterity", 1),
        ("constitution", 5),
        ("intelligence", 2),
        ("wisdom", 4),
        ("charisma", 3),
    ];
    for (ability, rank) in ranks {
        browser.select_value(&rank_select(ability), &rank.to_string()).await;
    }
    browser.select_label("select[name='race']", "Elf").await;
    browser.select_label("select[name='class']", "Wizard").await;
    browser.click("button#draw").await;

    browser.wait_for("table#sheet").await;
    assert!(browser.path().await.starts_with("/draws/"), "on the draw page: {}", browser.path().await);
    assert_eq!(browser.text("code.value[data-field='Name']").await, name);
    assert_eq!(browser.text("code.value[data-field='Race']").await, "Elf");
    assert_eq!(browser.text("code.value[data-field='Class']").await, "Wizard");
    let rolls_text = browser.text("code.value[data-field='Rolls']").await;
    let rolls: Vec<u64> = serde_json::from_str(&rolls_text).unwrap_or_else(|e| panic!("{rolls_text:?}: {e}"));
    assert_eq!(rolls.len(), 6, "six kept rolls: {rolls:?}");
    assert!(rolls.windows(2).all(|w| w[0] >= w[1]), "high to low: {rolls:?}");
    assert!(rolls.iter().all(|r| (1..=20).contains(r)), "{rolls:?}");

    assert_eq!(browser.find_all("table#sheet td[data-ability]").await.len(), 6, "six abilities");
    let mut scores = Vec::new();
    for (ability, rank) in ranks {
        let score: u64 =
            browser.text(&format!("table#sheet td[data-ability='{ability}']")).await.parse().unwrap();
        assert_eq!(
            score,
            rolls[rank - 1],
            "{ability}, ranked {rank}, gets the {rank}th highest of {rolls:?}"
        );
        scores.push((ability, score));
    }
    let best = scores.iter().map(|(_, s)| *s).max().unwrap();
    assert_eq!(scores[1], ("dexterity", best), "the ability ranked 1 scores highest: {scores:?}");
    assert!(ABILITIES.iter().all(|a| scores.iter().any(|(b, _)| a == b)));

    // The same name again: taken.
    browser.goto(&format!("{}/play/character", app.url)).await;
    browser.type_into("#character-form input[name='name']", name).await;
    browser.click("button#draw").await;
    let error = browser.wait_for("p.field-error[data-error='name']").await.text().await.unwrap();
    assert!(!error.is_empty());
    assert!(!browser.has("table#sheet").await, "no second character");
    assert_eq!(browser.value("#character-form input[name='name']").await, name, "the name is kept");
    browser.close().await;
}
