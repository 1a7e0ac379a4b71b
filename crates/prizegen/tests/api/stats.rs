//! The public statistics over HTTP: every draw is counted once, under the versions that made it
//! and its own outcome, beside the published odds — per campaign and per version on request.

use super::stock::create_campaign;
use crate::support::{TestApp, error_code};
use prizegen_domain::fairness::Service;
use prizegen_domain::games::Impl;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The outcome key a draw is counted under, read from its own JSON as the API returned it.
fn key_of(draw: &Value) -> String {
    let prize = draw.get("downgraded_from").unwrap_or(&draw["prize"]);
    let pence = prize["amount_pence"].as_u64().filter(|p| *p > 0);
    match draw["game"].as_str().unwrap() {
        "account-prize" => pence.map_or("none".to_owned(), |p| p.to_string()),
        "prize-pool" => {
            ["none", "one", "two", "three"][draw["result"]["tier"].as_u64().unwrap() as usize].to_owned()
        }
        "attack" => draw["result"]["outcome"].as_str().unwrap().to_lowercase(),
        "spy-mission" => draw["result"]["task"].as_str().unwrap().to_owned(),
        _ => draw["result"]["background"].as_str().unwrap().to_owned(),
    }
}

async fn made(app: &TestApp, body: Value) -> Value {
    let response = app.post_draw(body).await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// A group's observed counts by key.
fn observed(group: &Value) -> BTreeMap<String, u64> {
    let outcomes = group["outcomes"].as_array().unwrap();
    outcomes
        .iter()
        .filter(|o| o["observed"] != 0)
        .map(|o| (o["key"].as_str().unwrap().to_owned(), o["observed"].as_u64().unwrap()))
        .collect()
}

fn tally(draws: &[Value]) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for draw in draws {
        *counts.entry(key_of(draw)).or_default() += 1;
    }
    counts
}

async fn stats(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/api/v1/stats{query}")).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn groups<'a>(stats: &'a Value, game: &str) -> &'a Vec<Value> {
    let games = stats["games"].as_array().unwrap();
    games.iter().find(|g| g["game"] == game).unwrap()["groups"].as_array().unwrap()
}

#[tokio::test]
async fn each_draw_is_counted_once_under_its_versions_and_its_outcome() {
    let Some(mut app) = TestApp::spawn().await else { return };
    let mut by_game: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for game in ["attack", "spy-mission", "account-prize"] {
        for _ in 0..24 {
            by_game.entry(game).or_default().push(made(&app, json!({"game": game})).await);
        }
    }
    for i in 0..6 {
        let input = json!({"name": format!("Stat {i}"), "race": "Elf", "class": "Rogue",
            "ranks": {"strength": 1, "dexterity": 2, "constitution": 3, "intelligence": 4, "wisdom": 5, "charisma": 6}});
        by_game
            .entry("character")
            .or_default()
            .push(made(&app, json!({"game": "character", "input": input})).await);
    }
    for _ in 0..6 {
        let sequence = app.generate_sequence().await;
        by_game.entry("prize-pool").or_default().push(app.claim_sequence(&sequence).await);
    }
    // A sequence generated and never claimed counts too (players may leave losers unclaimed).
    let unclaimed = app.generate_sequence().await;
    let digit = |i: usize| unclaimed.as_bytes()[i].is_ascii_digit();
    let tier = if !digit(0) {
        0
    } else if !digit(2) {
        1
    } else if !digit(7) {
        2
    } else {
        3
    };
    by_game.entry("prize-pool").or_default().push(json!({"game": "prize-pool", "result": {"tier": tier}}));
    // Another campaign's attacks, and attacks by v2 services.
    let mut gig = json!({"slug": "stat-gig", "name": "Stat Band", "venue": "Hall", "date": "2026-08-01", "game": "attack"});
    assert_eq!(create_campaign(&app, gig.take()).await.status(), 201);
    let mut gig_draws = Vec::new();
    for _ in 0..10 {
        gig_draws.push(made(&app, json!({"game": "attack", "campaign": "stat-gig"})).await);
    }
    for service in Service::ALL {
        app.kill(service).await;
        app.restart(service, Impl::V2).await;
    }
    let mut v2 = Vec::new();
    for _ in 0..12 {
        v2.push(made(&app, json!({"game": "attack"})).await);
    }

    let all = stats(&app, "").await;
    assert_eq!(all["fresh_for_s"], 10);
    for (game, draws) in &by_game {
        let mut draws = draws.clone();
        if *game == "attack" {
            draws.extend(gig_draws.iter().cloned());
        }
        let group = &groups(&all, game)[0];
        assert_eq!(group["draws"], draws.len(), "{game}: {group}");
        assert_eq!(group["impls"]["numbers"], "v1");
        assert_eq!(observed(group), tally(&draws), "{game}: {group}");
        let expected: f64 =
            group["outcomes"].as_array().unwrap().iter().map(|o| o["expected"].as_f64().unwrap()).sum();
        assert!((expected - draws.len() as f64).abs() < 1e-6, "{game}: the expectations add up to the draws");
        let fit = &group["chi_square"];
        assert!(
            fit["statistic"].as_f64().unwrap() >= 0.0
                && (0.0..=1.0).contains(&fit["p_value"].as_f64().unwrap()),
            "{fit}"
        );
    }
    assert_eq!(groups(&all, "attack").len(), 2, "v1 and v2 attacks apart");
    let attack_v2 = &groups(&all, "attack")[1];
    assert_eq!(
        (attack_v2["draws"].as_u64(), &attack_v2["impls"]),
        (Some(12), &json!({"letters": null, "numbers": "v2", "rules": "v2"}))
    );
    assert_eq!(observed(attack_v2), tally(&v2), "HIT and CRIT counted as hit and crit");
    assert_eq!(attack_v2["chi_square"]["degrees_of_freedom"], 1, "v2 never misses");

    let gig_only = stats(&app, "?game=attack&campaign=stat-gig").await;
    assert_eq!(gig_only["games"].as_array().unwrap().len(), 1);
    let gig_group = &groups(&gig_only, "attack")[0];
    assert_eq!((gig_group["draws"].as_u64(), observed(gig_group)), (Some(10), tally(&gig_draws)));
    let v2_only = stats(&app, "?game=attack&impl=numbers=v2").await;
    assert_eq!(groups(&v2_only, "attack").len(), 1);
    assert_eq!(groups(&v2_only, "attack")[0]["draws"], 12);
}

#[tokio::test]
async fn bad_filters_are_named() {
    let Some(app) = TestApp::spawn().await else { return };
    for (query, code, field) in [
        ("?game=dice", "unknown_game", "game"),
        ("?campaign=Not%20a%20slug", "invalid_campaign", "campaign"),
        ("?impl=v3", "invalid_impl", "impl"),
        ("?impl=dice=v2", "invalid_impl", "impl"),
    ] {
        let (status, got, body) = error_code(app.get(&format!("/api/v1/stats{query}")).await).await;
        assert_eq!((status, got.as_str()), (422, code), "{query}: {body}");
        assert_eq!(body["error"]["field"], field, "{query}");
    }
    let unknown = stats(&app, "?campaign=no-such-gig").await;
    assert!(unknown["games"].as_array().unwrap().iter().all(|g| g["groups"] == json!([])), "{unknown}");
}
