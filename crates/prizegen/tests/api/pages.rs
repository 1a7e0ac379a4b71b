//! The pages over HTTP, as HTML: a draw's result in its game's order, the latest draws summed
//! up by the right field, error pages rendered with their status and footer, and the one
//! stylesheet every page links.

use crate::support::TestApp;
use prizegen_domain::games::Game;
use serde_json::{Value, json};

/// Where each `data-field="<label>"` appears in the page, in the order of `labels`.
fn positions(html: &str, labels: &[&str]) -> Vec<usize> {
    labels
        .iter()
        .map(|label| {
            let marker = format!("data-field=\"{label}\"");
            html.find(&marker).unwrap_or_else(|| panic!("the page shows {label}:\n{html}"))
        })
        .collect()
}

async fn draw_page(app: &TestApp, game: &str) -> (Value, String) {
    let response = app.post_draw(json!({"game": game})).await;
    assert_eq!(response.status(), 201);
    let draw: Value = response.json().await.unwrap();
    let page = app.get(&format!("/draws/{}", draw["id"].as_str().unwrap())).await;
    assert_eq!(page.status(), 200);
    (draw, page.text().await.unwrap())
}

#[tokio::test]
async fn a_draw_shows_its_result_in_its_games_order() {
    let Some(app) = TestApp::spawn().await else { return };
    let (draw, html) = draw_page(&app, "attack").await;
    let at = positions(&html, &["Roll", "Power", "Outcome", "Damage"]);
    assert!(at.windows(2).all(|w| w[0] < w[1]), "roll, power, outcome, damage (SPEC §3.4): {at:?}");
    let outcome = draw["result"]["outcome"].as_str().unwrap();
    assert!(html.contains(&format!("data-field=\"Outcome\">{outcome}</code>")), "the outcome's value");

    let (draw, html) = draw_page(&app, "spy-mission").await;
    let at = positions(&html, &["Dossier", "Task", "Target", "Mission"]);
    assert!(at.windows(2).all(|w| w[0] < w[1]), "dossier, task, target, mission: {at:?}");
    // The latest draws are summed up by the mission, not by the first field alphabetically.
    let mission = draw["result"]["mission"].as_str().unwrap();
    let latest = &html[html.find("id=\"latest\"").expect("the latest draws")..];
    assert!(latest.contains(&format!("<code>{mission}</code>")), "{latest}");
}

#[tokio::test]
async fn error_pages_are_pages_with_their_status_and_footer() {
    let Some(app) = TestApp::spawn().await else { return };
    for (path, status, says) in [
        ("/draws/no-such-draw", 404, "There is no such draw."),
        ("/play/poker", 404, "There is no such game."),
        ("/play/attack?campaign=no-such-campaign", 404, "There is no attack campaign"),
        ("/nowhere", 404, "There is no page here."),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), status, "{path}");
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        assert_eq!(response.headers()["x-frame-options"], "DENY", "{path} has the pages' headers");
        let html = response.text().await.unwrap();
        assert!(html.contains(says), "{path}: {html}");
        let footer = html.split("data-service=\"frontend\">").nth(1).expect("a footer");
        assert!(footer.starts_with(&format!("{}@", env!("CARGO_PKG_VERSION"))), "{path}: {footer}");
    }
    // The API's unknown paths stay JSON.
    let api = app.get("/api/v1/nowhere").await;
    assert_eq!(api.status(), 404);
    assert_eq!(api.json::<Value>().await.unwrap()["error"]["code"], "not_found");
}

#[tokio::test]
async fn every_games_page_shows_each_of_its_result_fields_in_order() {
    let Some(app) = TestApp::spawn().await else { return };
    let ranks = json!({"strength": 1, "dexterity": 2, "constitution": 3, "intelligence": 4, "wisdom": 5, "charisma": 6});
    for game in Game::ALL {
        let draw: Value = match game {
            Game::PrizePool => {
                let generated =
                    app.http.post(format!("{}/api/v1/prize-pool/sequences", app.url)).json(&json!({}));
                let generated: Value = generated.send().await.unwrap().json().await.unwrap();
                let claim = format!("{}{}", app.url, generated["claim"].as_str().unwrap());
                app.http.post(claim).send().await.unwrap().json().await.unwrap()
            }
            Game::Character => {
                let input = json!({"name": "Ann", "race": "Elf", "class": "Rogue", "ranks": ranks});
                app.post_draw(json!({"game": "character", "input": input})).await.json().await.unwrap()
            }
            _ => app.post_draw(json!({"game": game.slug()})).await.json().await.unwrap(),
        };
        let html = app.get(&format!("/draws/{}", draw["id"].as_str().unwrap())).await.text().await.unwrap();
        let labels: Vec<&str> = game.presentation().fields.iter().map(|f| f.label).collect();
        let at = positions(&html, &labels);
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{game}: {labels:?} at {at:?}");
        for field in game.presentation().fields {
            assert!(draw["result"].get(field.key).is_some(), "{game}'s result has {}: {draw}", field.key);
        }
    }
}

/// Every page links the front end's own stylesheet, served as CSS that caches may keep for a
/// year; the pages' CSP takes styles from it alone (no 'unsafe-inline'), and no page has an
/// inline style the CSP would refuse.
#[tokio::test]
async fn every_page_styles_itself_from_one_long_cached_stylesheet_only() {
    let Some(app) = TestApp::spawn().await else { return };
    let draw = app.draw().await;
    let draw_page = format!("/draws/{}", draw["id"].as_str().unwrap());
    let mut links = std::collections::BTreeSet::new();
    for path in
        ["/", "/fairness", "/play/attack", "/play/character", &draw_page, "/admin/sign-in", "/nowhere"]
    {
        let response = app.get(path).await;
        let csp = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(csp.contains("style-src 'self'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
        let html = response.text().await.unwrap();
        assert!(!html.contains("<style") && !html.contains(" style="), "{path} has an inline style:\n{html}");
        let link =
            html.split("<link rel=\"stylesheet\" href=\"").nth(1).and_then(|rest| rest.split('"').next());
        links.insert(link.unwrap_or_else(|| panic!("{path} links no stylesheet:\n{html}")).to_owned());
    }
    assert_eq!(links.len(), 1, "one stylesheet for every page: {links:?}");
    let link = links.pop_first().unwrap();
    assert!(link.starts_with("/static/style.") && link.ends_with(".css"), "{link}");

    let css = app.get(&link).await;
    assert_eq!(css.status(), 200, "{link}");
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(css.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(css.headers()["x-content-type-options"], "nosniff");
    assert!(css.text().await.unwrap().contains(".result-card"), "the stylesheet itself");
    // Another version's name (a page of another release, during a rolling update) is not this
    // content: not found, and not kept.
    let other = app.get("/static/style.0123456789abcdef.css").await;
    assert_eq!(other.status(), 404);
    assert_eq!(other.headers()["cache-control"], "no-store");
}

/// Behind the TLS edge, every redirect stays on the scheme the browser used: the front end
/// never writes an absolute `http://` URL, only paths.
#[tokio::test]
async fn redirects_behind_the_edge_are_paths_never_http_urls() {
    let options =
        crate::support::Options { trusted_proxies: "127.0.0.1".parse().unwrap(), ..Default::default() };
    let Some(app) = TestApp::spawn_with(options).await else { return };
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let edge = |request: reqwest::RequestBuilder| {
        request.header("x-forwarded-proto", "https").header("x-forwarded-for", "203.0.113.5").send()
    };
    let drawn =
        edge(http.post(format!("{}/play/attack", app.url)).form(&[("client_seed", "")])).await.unwrap();
    let signed_out = edge(http.get(format!("{}/admin", app.url))).await.unwrap();
    let generated =
        edge(http.post(format!("{}/play/prize-pool/generate", app.url)).form(&[("client_seed", "")]))
            .await
            .unwrap();
    for (what, response) in [("a draw", drawn), ("the admin pages", signed_out), ("a sequence", generated)] {
        assert_eq!(response.status(), 303, "{what}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with('/') && !location.starts_with("//"), "{what}: {location}");
    }
}
