//! `/stats`: per game and per combination of versions, the same counts as `GET /api/v1/stats`,
//! a chart with one bar pair per outcome, and the filter form narrowing to a game and a version.

use crate::common::Browser;
use crate::support::TestApp;
use prizegen_domain::fairness::Service;
use prizegen_domain::games::Impl;
use serde_json::{Value, json};

/// A group's versions as the page's `data-impls` writes them: `numbers=v1,rules=v1`.
fn impls(group: &Value) -> String {
    ["letters", "numbers", "rules"]
        .into_iter()
        .filter_map(|s| Some(format!("{s}={}", group["impls"][s].as_str()?)))
        .collect::<Vec<_>>()
        .join(",")
}

/// A count as the page writes it (thousands separated; these stay below 1,000).
fn expected(x: f64) -> String {
    format!("{x:.1}")
}

/// `n` draws of `body`, each of which must succeed.
async fn draws(app: &TestApp, body: Value, n: usize) {
    for _ in 0..n {
        let response = app.post_draw(body.clone()).await;
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    }
}

/// Two prize-pool sequences generated and claimed.
async fn claims(app: &TestApp, n: usize) {
    let sequences = format!("{}/api/v1/prize-pool/sequences", app.url);
    for _ in 0..n {
        let generated: Value =
            app.http.post(&sequences).json(&json!({})).send().await.unwrap().json().await.unwrap();
        let claim = format!("{}{}", app.url, generated["claim"].as_str().unwrap());
        assert!(app.http.post(claim).send().await.unwrap().status().is_success());
    }
}

/// Checks every group of the API's answer `api` against the page now open: its section, its
/// draws, each outcome's observed and expected counts, the test, one bar pair per outcome.
async fn page_matches(browser: &Browser, api: &Value) -> usize {
    let mut groups = 0;
    for game in api["games"].as_array().unwrap() {
        let slug = game["game"].as_str().unwrap();
        assert!(browser.has(&format!("section#game-{slug}")).await, "{slug} is shown");
        for group in game["groups"].as_array().unwrap() {
            groups += 1;
            let versions = impls(group);
            let section = format!("section#game-{slug} section.stats-group[data-impls='{versions}']");
            let heading = browser.text(&format!("{section} h3")).await;
            let draws = group["draws"].as_u64().unwrap();
            let noun = if slug == "prize-pool" { "generated sequence" } else { "draw" };
            assert!(heading.ends_with(&format!("· {draws} {noun}s")), "{slug} {versions}: {heading}");
            assert_eq!(heading.split(" · ").count(), versions.split(',').count() + 1, "{heading}");
            let outcomes = group["outcomes"].as_array().unwrap();
            for outcome in outcomes {
                let row = format!("{section} tr[data-key='{}']", outcome["key"].as_str().unwrap());
                assert_eq!(
                    browser.text(&format!("{row} td.observed")).await,
                    outcome["observed"].to_string(),
                    "{row}"
                );
                assert_eq!(
                    browser.text(&format!("{row} td.expected")).await,
                    expected(outcome["expected"].as_f64().unwrap()),
                    "{row}"
                );
                assert_eq!(browser.text(&format!("{row} th")).await, outcome["label"].as_str().unwrap());
            }
            if let Some(fit) = group["chi_square"].as_object() {
                let statistic = format!("{:.2}", fit["statistic"].as_f64().unwrap());
                assert_eq!(browser.text(&format!("{section} .statistic")).await, statistic);
                assert_eq!(
                    browser.text(&format!("{section} .dof")).await,
                    fit["degrees_of_freedom"].to_string()
                );
            }
            let verdict = browser.find(&format!("{section} [data-verdict]")).await;
            assert!(!verdict.text().await.unwrap().is_empty(), "{section}: the test in words");
            // The chart: one pair of bars per outcome, labelled with it, and described.
            let svg = format!("{section} figure.outcome-chart svg[role='img']");
            let pairs = browser.find_all(&format!("{svg} g.pair")).await;
            assert_eq!(pairs.len(), outcomes.len(), "{svg}: a bar pair per outcome");
            for (pair, outcome) in pairs.iter().zip(outcomes) {
                let bars = pair.find_all(fantoccini::Locator::Css("rect")).await.unwrap();
                let classes: Vec<String> = {
                    let mut all = Vec::new();
                    for bar in &bars {
                        all.push(bar.attr("class").await.unwrap().unwrap_or_default());
                    }
                    all
                };
                assert_eq!(classes, ["observed", "expected"], "{svg}");
                let label = pair.find(fantoccini::Locator::Css("text.label")).await.unwrap();
                assert_eq!(label.text().await.unwrap(), outcome["label"].as_str().unwrap());
            }
            let description = browser.find(&format!("{svg} desc")).await.html(true).await.unwrap();
            let first = &outcomes[0];
            let said = format!("{} {} (expected", first["label"].as_str().unwrap(), first["observed"]);
            assert!(description.contains(&said), "{svg}: {description} names {said}");
        }
    }
    groups
}

#[tokio::test]
async fn the_stats_page_shows_the_apis_counts_and_narrows_to_a_game_and_a_version() {
    let Some(browser) = Browser::open().await else { return };
    let Some(mut app) = TestApp::spawn().await else { return };
    // All v1: every game; then numbers and rules v2: attack and account-prize again.
    draws(&app, json!({"game": "account-prize"}), 8).await;
    draws(&app, json!({"game": "attack"}), 8).await;
    draws(&app, json!({"game": "spy-mission"}), 5).await;
    let ranks = json!({"strength": 6, "dexterity": 1, "constitution": 5, "intelligence": 2, "wisdom": 4, "charisma": 3});
    for name in ["Aria Moonwhisper", "Bram Ironfoot", "Cora Swift"] {
        let input = json!({"name": name, "race": "Elf", "class": "Wizard", "ranks": ranks});
        draws(&app, json!({"game": "character", "input": input}), 1).await;
    }
    claims(&app, 2).await;
    for service in [Service::Numbers, Service::Rules] {
        app.kill(service).await;
        app.restart(service, Impl::V2).await;
    }
    draws(&app, json!({"game": "attack"}), 8).await;
    draws(&app, json!({"game": "account-prize"}), 6).await;

    // Every game, every group: the API's numbers.
    let api: Value = app.get("/api/v1/stats").await.json().await.unwrap();
    browser.goto(&format!("{}/stats", app.url)).await;
    assert_eq!(browser.find_all("section.game-stats").await.len(), 5, "all five games");
    assert_eq!(page_matches(&browser, &api).await, 7, "2 + 1 + 1 + 2 + 1 groups");
    assert!(browser.text("p#counted").await.contains("kept 10 s"));
    assert_eq!(
        browser.find("a#stats-json").await.attr("href").await.unwrap().as_deref(),
        Some("/api/v1/stats")
    );

    // One game, through the form.
    browser.select_value("select#filter-game", "attack").await;
    browser.click("button#filter-show").await;
    browser.wait_for("section#game-attack").await;
    let attack: Value = app.get("/api/v1/stats?game=attack").await.json().await.unwrap();
    assert_eq!(browser.find_all("section.game-stats").await.len(), 1, "attack only");
    assert_eq!(page_matches(&browser, &attack).await, 2, "v1 and v2");
    // And v2 only.
    browser.select_value("select#filter-impl", "v2").await;
    browser.click("button#filter-show").await;
    browser.wait_for("select#filter-impl option[value='v2'][selected]").await;
    let v2: Value = app.get("/api/v1/stats?game=attack&impl=v2").await.json().await.unwrap();
    assert_eq!(page_matches(&browser, &v2).await, 1);
    let groups = browser.find_all("section.stats-group").await;
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].attr("data-impls").await.unwrap().as_deref(), Some("numbers=v2,rules=v2"));
    // (WebDriver reads the no-break spaces as spaces.)
    assert_eq!(browser.text("section.stats-group h3").await, "numbers v2 · rules v2 · 8 draws");
    // v2 attacks never miss: the published odds of a miss are 0%.
    let missed = "section.stats-group tr[data-key='missed']";
    assert_eq!(browser.text(&format!("{missed} td.probability")).await, "0%");
    let json = browser.find("a#stats-json").await.attr("href").await.unwrap().unwrap();
    assert_eq!(json, "/api/v1/stats?game=attack&impl=v2");
    assert!(
        browser.has("select#filter-game option[value='attack'][selected]").await,
        "the form keeps its values"
    );
    crate::look::look_at(&browser, "stats-attack-v2", 375).await;

    // The whole page at both widths (and saved with PRIZEGEN_SCREENSHOTS).
    browser.goto(&format!("{}/stats", app.url)).await;
    for width in [1280, 375] {
        crate::look::look_at(&browser, "stats-v1-v2", width).await;
    }

    // Values the API refuses are refused here too, as a page.
    for (query, says) in [
        ("game=dice", "unknown game \"dice\""),
        ("impl=v3", "\"v3\": expected v1 or v2"),
        ("campaign=nowhere", "there is no campaign \"nowhere\""),
        ("game=attack&campaign=spy-mission", "campaign \"spy-mission\" is for spy-mission, not attack"),
    ] {
        let response = app.get(&format!("/stats?{query}")).await;
        assert_eq!(response.status(), 422, "{query}");
        let page = response.text().await.unwrap().replace("&#34;", "\"").replace("&quot;", "\"");
        assert!(page.contains(says), "{query}: {says}");
    }
    // A campaign narrows the page to its game.
    browser.goto(&format!("{}/stats?campaign=spy-mission", app.url)).await;
    let shown = browser.find_all("section.game-stats").await;
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].attr("id").await.unwrap().as_deref(), Some("game-spy-mission"));
    browser.close().await;
}
