//! Every game over real HTTP, v1 and v2, each draw re-verified from the revealed seed.

use super::draws::rotate;
use crate::support::{Options, TestApp, error_code};
use prizegen::verify::verify_draw;
use prizegen_domain::games::Impl;
use serde_json::{Value, json};

fn ranks() -> Value {
    json!({"strength": 2, "dexterity": 1, "constitution": 3, "intelligence": 6, "wisdom": 5, "charisma": 4})
}

async fn draw(app: &TestApp, body: Value) -> Value {
    let response = app.post_draw(body.clone()).await;
    assert_eq!(response.status(), 201, "{body}");
    response.json().await.unwrap()
}

async fn claim(app: &TestApp, campaign: Option<&str>) -> Value {
    let body = match campaign {
        Some(c) => json!({"campaign": c}),
        None => json!({}),
    };
    let generated =
        app.http.post(format!("{}/api/v1/prize-pool/sequences", app.url)).json(&body).send().await.unwrap();
    assert_eq!(generated.status(), 201);
    let generated: Value = generated.json().await.unwrap();
    let claim =
        app.http.post(format!("{}{}", app.url, generated["claim"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(claim.status(), 200);
    let claimed: Value = claim.json().await.unwrap();
    assert_eq!(claimed["fairness"], generated["fairness"], "a claim's fairness is the generation's");
    assert_eq!(claimed["result"]["sequence"], generated["sequence"]);
    claimed
}

/// Plays every game `rounds` times and checks the shapes each version promises.
async fn play_everything(app: &TestApp, imp: Impl, rounds: usize) -> Vec<Value> {
    let mut draws = Vec::new();
    for round in 0..rounds {
        let account = draw(app, json!({"game": "account-prize"})).await;
        let number = account["result"]["account_number"].as_str().unwrap().to_owned();
        match imp {
            Impl::V1 => {
                assert!(number.len() == 8 && number[..4].bytes().all(|b| b.is_ascii_lowercase()), "{number}")
            }
            Impl::V2 => {
                assert!(number.len() == 10 && number[..2].bytes().all(|b| b.is_ascii_uppercase()), "{number}")
            }
        }
        draws.push(account);

        let spy = draw(app, json!({"game": "spy-mission"})).await;
        let dossier: Vec<&str> = spy["result"]["dossier"].as_str().unwrap().split(' ').collect();
        assert_eq!(dossier.len(), 12);
        assert_eq!(
            spy["result"]["mission"],
            format!(
                "{} {}",
                spy["result"]["task"].as_str().unwrap(),
                spy["result"]["target"].as_str().unwrap()
            )
        );
        assert_eq!(spy["prize"], Value::Null);
        draws.push(spy);

        let attack = draw(app, json!({"game": "attack"})).await;
        let outcome = attack["result"]["outcome"].as_str().unwrap();
        let power = attack["result"]["power"].as_str().unwrap();
        match imp {
            Impl::V1 => assert!(
                ["missed", "hit", "crit"].contains(&outcome) && power.split('.').nth(1).unwrap().len() == 1
            ),
            Impl::V2 => {
                assert!(["HIT", "CRIT"].contains(&outcome) && power.split('.').nth(1).unwrap().len() == 2)
            }
        }
        assert_eq!(attack["served_by"]["letters"], Value::Null, "attack does not use letters");
        draws.push(attack);

        let name = format!("Hero {imp} {round}");
        let character = draw(app, json!({"game": "character", "input": {"name": name, "race": "Dwarf", "class": "Cleric", "ranks": ranks()}})).await;
        let rolls: Vec<u64> =
            character["result"]["rolls"].as_array().unwrap().iter().map(|r| r.as_u64().unwrap()).collect();
        assert_eq!(rolls.len(), 6);
        assert!(rolls.windows(2).all(|w| w[0] >= w[1]), "kept rolls high to low: {rolls:?}");
        assert_eq!(character["result"]["abilities"]["dexterity"], rolls[0], "rank 1 gets the highest");
        assert_eq!(character["result"]["abilities"]["intelligence"], rolls[5], "rank 6 gets the lowest");
        assert_eq!(character["result"]["name"], name.as_str());
        draws.push(character);

        let claimed = claim(app, None).await;
        let tier = claimed["result"]["tier"].as_u64().unwrap();
        match (imp, tier, claimed["prize"]["amount_pence"].as_u64()) {
            (Impl::V1, 0, None)
            | (Impl::V1, 1, Some(100_000))
            | (Impl::V1, 2, Some(1_000_000))
            | (Impl::V1, 3, Some(10_000_000)) => {}
            (Impl::V2, 0, Some(0))
            | (Impl::V2, 1, Some(999_900))
            | (Impl::V2, 2, Some(9_999_900))
            | (Impl::V2, 3, Some(99_999_900)) => {}
            other => panic!("prize-pool {imp} tier and prize disagree: {other:?} {claimed}"),
        }
        if imp == Impl::V2 && tier == 0 {
            assert_eq!(claimed["prize"]["label"], "X");
        }
        draws.push(claimed);
    }
    draws
}

#[tokio::test]
async fn every_game_v1_and_v2_draws_and_verifies() {
    for imp in [Impl::V1, Impl::V2] {
        let Some(app) = TestApp::spawn_with(Options { impls: [imp; 3], ..Options::default() }).await else {
            return;
        };
        let draws = play_everything(&app, imp, 6).await;
        let seed = rotate(&app).await["revealed"]["server_seed"].as_str().unwrap().to_owned();
        for draw in &draws {
            let stored: Value = app
                .get(&format!("/api/v1/draws/{}", draw["id"].as_str().unwrap()))
                .await
                .json()
                .await
                .unwrap();
            assert_eq!(stored["fairness"]["server_seed"], seed.as_str());
            verify_draw(&stored, None).unwrap_or_else(|e| panic!("{imp}: {e}: {stored}"));
        }
    }
}

#[tokio::test]
async fn character_input_errors_name_the_field() {
    let Some(app) = TestApp::spawn().await else { return };
    let cases = [
        (json!({"game": "character"}), "input"),
        (
            json!({"game": "character", "input": {"name": "A", "race": "Elf", "class": "Rogue", "ranks": ranks()}}),
            "name",
        ),
        (
            json!({"game": "character", "input": {"name": "Ann", "race": "Orc", "class": "Rogue", "ranks": ranks()}}),
            "race",
        ),
        (
            json!({"game": "character", "input": {"name": "Ann", "race": "Elf", "class": "Bard", "ranks": ranks()}}),
            "class",
        ),
        (
            json!({"game": "character", "input": {"name": "Ann", "race": "Elf", "class": "Rogue",
                "ranks": {"strength": 1, "dexterity": 1, "constitution": 3, "intelligence": 4, "wisdom": 5, "charisma": 6}}}),
            "ranks",
        ),
        (
            json!({"game": "character", "input": {"name": "Ann", "race": "Elf", "class": "Rogue",
                "ranks": {"strength": 9, "dexterity": 2, "constitution": 3, "intelligence": 4, "wisdom": 5, "charisma": 6}}}),
            "ranks.strength",
        ),
    ];
    for (body, field) in cases {
        let (status, code, error) = error_code(app.post_draw(body.clone()).await).await;
        assert_eq!((status, code.as_str()), (422, "invalid_field"), "{body}");
        assert_eq!(error["error"]["field"], field, "{error}");
    }
    let (status, code, _) = error_code(app.post_draw(json!({"game": "prize-pool"})).await).await;
    assert_eq!((status, code.as_str()), (422, "two_steps"));
    let listed: Value = app.get("/api/v1/draws").await.json().await.unwrap();
    assert_eq!(listed["draws"], json!([]), "nothing stored");
}

#[tokio::test]
async fn twenty_simultaneous_characters_with_one_name_make_one() {
    let Some(app) = TestApp::spawn().await else { return };
    let body = json!({"game": "character", "input": {"name": "Morgana", "race": "Tiefling", "class": "Wizard", "ranks": ranks()}});
    let requests = (0..20).map(|_| app.post_draw(body.clone()));
    let responses = futures_util::future::join_all(requests).await;
    let mut created = 0;
    for response in responses {
        match response.status().as_u16() {
            201 => created += 1,
            409 => assert_eq!(error_code(response).await.1, "name_taken"),
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(created, 1);
    // Names are unique regardless of case.
    let shouted = json!({"game": "character", "input": {"name": "MORGANA", "race": "Elf", "class": "Rogue", "ranks": ranks()}});
    assert_eq!(error_code(app.post_draw(shouted).await).await.0, 409);
    let listed: Value = app.get("/api/v1/draws?game=character").await.json().await.unwrap();
    assert_eq!(listed["draws"].as_array().unwrap().len(), 1);
}

/// The published worked examples (docs/fairness.md): seed 00..1f, client seed "", nonce 0, v1.
#[tokio::test]
async fn every_games_worked_example() {
    let fresh =
        || TestApp::spawn_with(Options { seed: Some(crate::support::example_seed()), ..Options::default() });

    let Some(app) = fresh().await else { return };
    let spy = draw(&app, json!({"game": "spy-mission"})).await;
    assert_eq!(spy["result"]["dossier"], "4 q 2 x 12 z 6 m 2 g 17 k");
    assert_eq!(spy["result"]["mission"], "Meet with the head of Odin");

    let Some(app) = fresh().await else { return };
    let attack = draw(&app, json!({"game": "attack"})).await;
    assert_eq!(attack["result"], json!({"roll": 1, "power": "4.2", "outcome": "hit", "damage": "4.2"}));

    let Some(app) = fresh().await else { return };
    let character = draw(
        &app,
        json!({"game": "character", "input": {"name": "Example", "race": "Human", "class": "Fighter",
            "ranks": {"strength": 1, "dexterity": 2, "constitution": 3, "intelligence": 4, "wisdom": 5, "charisma": 6}}}),
    )
    .await;
    assert_eq!(character["result"]["rolls"], json!([20, 18, 15, 13, 7, 5]));
    assert_eq!(character["result"]["background"], "Entertainer");
    assert_eq!(
        character["result"]["abilities"],
        json!({"strength": 20, "dexterity": 18, "constitution": 15, "intelligence": 13, "wisdom": 7, "charisma": 5})
    );

    let Some(app) = fresh().await else { return };
    let claimed = claim(&app, None).await;
    assert_eq!(claimed["result"], json!({"sequence": "Q2Z6Gk4o395G413p62K5", "tier": 0}));
    assert_eq!(claimed["prize"], Value::Null);
}
