//! Campaigns over the API: anyone reads, only the operator writes; invalid fields are named.

use super::stock::create_campaign;
use crate::support::{ADMIN_TOKEN, TestApp, error_code};
use serde_json::{Value, json};

fn gig() -> Value {
    json!({"slug": "summer-gig", "name": "The Pebbles", "venue": "Town Hall", "date": "2026-07-04",
           "game": "account-prize", "budget_pence": 50_000})
}

#[tokio::test]
async fn every_game_has_its_default_campaign() {
    let Some(app) = TestApp::spawn().await else { return };
    let listed: Value = app.get("/api/v1/campaigns").await.json().await.unwrap();
    let mut slugs: Vec<&str> =
        listed["campaigns"].as_array().unwrap().iter().map(|c| c["slug"].as_str().unwrap()).collect();
    slugs.sort_unstable();
    assert_eq!(slugs, ["account-prize", "attack", "character", "prize-pool", "spy-mission"]);
    let one: Value = app.get("/api/v1/campaigns/attack").await.json().await.unwrap();
    assert_eq!(one["game"], "attack");
    assert_eq!(one["budget_pence"], Value::Null);
}

#[tokio::test]
async fn create_read_update_delete_with_the_token_only() {
    let Some(app) = TestApp::spawn().await else { return };
    let url = |path: &str| format!("{}/api/v1/campaigns{path}", app.url);

    // Without (or with a wrong) token, every write is 401 and changes nothing.
    let anonymous = app.http.post(url("")).json(&gig()).send().await.unwrap();
    assert_eq!(error_code(anonymous).await.0, 401);
    let wrong = app.http.post(url("")).bearer_auth("nope").json(&gig()).send().await.unwrap();
    assert_eq!(error_code(wrong).await.0, 401);
    assert_eq!(app.get("/api/v1/campaigns/summer-gig").await.status(), 404);

    let created = create_campaign(&app, gig()).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["spent_pence"], 0);
    assert_eq!(created["stock_left_pence"], 50_000);
    assert_eq!(created["active"], true);
    assert_eq!(error_code(create_campaign(&app, gig()).await).await.1, "slug_taken");

    let mut changed = gig();
    changed["venue"] = json!("The Old Barn");
    changed.as_object_mut().unwrap().remove("slug");
    for token in [None, Some("nope")] {
        let mut request = app.http.put(url("/summer-gig")).json(&changed);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        assert_eq!(error_code(request.send().await.unwrap()).await.0, 401);
    }
    let updated =
        app.http.put(url("/summer-gig")).bearer_auth(ADMIN_TOKEN).json(&changed).send().await.unwrap();
    assert_eq!(updated.status(), 200);
    let read: Value = app.get("/api/v1/campaigns/summer-gig").await.json().await.unwrap();
    assert_eq!(read["venue"], "The Old Barn");

    assert_eq!(error_code(app.http.delete(url("/summer-gig")).send().await.unwrap()).await.0, 401);
    let deleted = app.http.delete(url("/summer-gig")).bearer_auth(ADMIN_TOKEN).send().await.unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(app.get("/api/v1/campaigns/summer-gig").await.status(), 404);
    let again = app.http.delete(url("/summer-gig")).bearer_auth(ADMIN_TOKEN).send().await.unwrap();
    assert_eq!(error_code(again).await.0, 404);
}

#[tokio::test]
async fn invalid_fields_are_422_naming_the_field() {
    let Some(app) = TestApp::spawn().await else { return };
    let cases = [
        ("slug", json!("Not A Slug")),
        ("name", json!("X")),
        ("venue", json!("")),
        ("date", json!("04/07/2026")),
        ("game", json!("poker")),
        ("budget_pence", json!(-5)),
    ];
    for (field, value) in cases {
        let mut body = gig();
        body[field] = value;
        let (status, code, error) = error_code(create_campaign(&app, body).await).await;
        assert_eq!((status, code.as_str()), (422, "invalid_field"), "{field}");
        assert_eq!(error["error"]["field"], field, "{error}");
    }
    let unknown = create_campaign(&app, json!({"slug": "x-y", "colour": "red"})).await;
    assert_eq!(error_code(unknown).await.0, 422, "unknown fields are refused");
}

#[tokio::test]
async fn campaigns_with_draws_keep_their_history() {
    // The example seed's first draw wins £10, so the campaign has spent something.
    let Some(app) = TestApp::spawn_with(crate::support::Options {
        seed: Some(crate::support::example_seed()),
        ..crate::support::Options::default()
    })
    .await
    else {
        return;
    };
    assert_eq!(create_campaign(&app, gig()).await.status(), 201);
    let draw = app.post_draw(json!({"game": "account-prize", "campaign": "summer-gig"})).await;
    assert_eq!(draw.status(), 201);
    let url = format!("{}/api/v1/campaigns/summer-gig", app.url);
    let deleted = app.http.delete(&url).bearer_auth(ADMIN_TOKEN).send().await.unwrap();
    assert_eq!(error_code(deleted).await.1, "has_draws");
    let mut other_game = gig();
    other_game["game"] = json!("attack");
    let changed = app.http.put(&url).bearer_auth(ADMIN_TOKEN).json(&other_game).send().await.unwrap();
    assert_eq!(error_code(changed).await.1, "has_draws");
    let default = app
        .http
        .delete(format!("{}/api/v1/campaigns/attack", app.url))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(default).await.1, "default_campaign");

    // Deactivated, it takes no draws; a draw for the wrong game is refused too.
    let mut inactive = gig();
    inactive["active"] = json!(false);
    let updated = app.http.put(&url).bearer_auth(ADMIN_TOKEN).json(&inactive).send().await.unwrap();
    assert_eq!(updated.status(), 200);
    let refused = app.post_draw(json!({"game": "account-prize", "campaign": "summer-gig"})).await;
    assert_eq!(error_code(refused).await.1, "campaign_unavailable");
    let wrong_game = app.post_draw(json!({"game": "attack", "campaign": "account-prize"})).await;
    assert_eq!(error_code(wrong_game).await.1, "campaign_unavailable");

    // A budget below what was already awarded conflicts with what is stored (409, as every
    // change that another campaign would take), naming the field.
    let stored: Value = app.get("/api/v1/campaigns/summer-gig").await.json().await.unwrap();
    assert_eq!(stored["spent_pence"], 1000);
    let mut low = gig();
    low["budget_pence"] = json!(999);
    let refused = app.http.put(&url).bearer_auth(ADMIN_TOKEN).json(&low).send().await.unwrap();
    let (status, code, body) = error_code(refused).await;
    assert_eq!((status, code.as_str()), (409, "budget_below_spent"), "{body}");
    assert_eq!(body["error"]["field"], "budget_pence");
    // So does another slug than the campaign's own.
    let mut renamed = gig();
    renamed["slug"] = json!("winter-gig");
    let refused = app.http.put(&url).bearer_auth(ADMIN_TOKEN).json(&renamed).send().await.unwrap();
    let (status, code, body) = error_code(refused).await;
    assert_eq!((status, code.as_str()), (409, "slug_fixed"), "{body}");
    assert_eq!(body["error"]["field"], "slug");
    let unchanged: Value = app.get("/api/v1/campaigns/summer-gig").await.json().await.unwrap();
    assert_eq!(unchanged["budget_pence"], 50_000, "nothing changed");
}

#[tokio::test]
async fn campaigns_and_their_stock_survive_a_restart() {
    let Some(mut app) = TestApp::spawn_with(crate::support::Options {
        seed: Some(crate::support::example_seed()),
        ..crate::support::Options::default()
    })
    .await
    else {
        return;
    };
    assert_eq!(create_campaign(&app, gig()).await.status(), 201);
    // The example seed's first draw wins £10, so the campaign has spent something.
    let draw: Value =
        app.post_draw(json!({"game": "account-prize", "campaign": "summer-gig"})).await.json().await.unwrap();
    assert_eq!(draw["prize"]["amount_pence"], 1000);
    let before: Value = app.get("/api/v1/campaigns/summer-gig").await.json().await.unwrap();
    assert_eq!(before["spent_pence"], 1000);

    app.restart_frontend().await;

    let after: Value = app.get("/api/v1/campaigns/summer-gig").await.json().await.unwrap();
    assert_eq!(after, before);
    let listed: Value = app.get("/api/v1/campaigns").await.json().await.unwrap();
    assert_eq!(
        listed["campaigns"].as_array().unwrap().len(),
        6,
        "five defaults and ours, nothing wiped or doubled"
    );
}

#[tokio::test]
async fn a_deactivated_default_campaign_takes_no_draws_until_reactivated() {
    // Draws in a game's default campaign skip the early campaign read: the write refuses them.
    let Some(app) = TestApp::spawn().await else { return };
    let url = format!("{}/api/v1/campaigns/account-prize", app.url);
    let stored: Value = app.get("/api/v1/campaigns/account-prize").await.json().await.unwrap();
    let fields = ["slug", "name", "venue", "date", "game", "budget_pence", "active"];
    let mut campaign: Value = fields.iter().map(|f| (f.to_string(), stored[f].clone())).collect();
    campaign["active"] = json!(false);
    let updated = app.http.put(&url).bearer_auth(ADMIN_TOKEN).json(&campaign).send().await.unwrap();
    assert_eq!(updated.status(), 200, "{}", updated.text().await.unwrap());

    let refused = app.post_draw(json!({"game": "account-prize"})).await;
    let (status, code, body) = error_code(refused).await;
    assert_eq!((status, code.as_str()), (422, "campaign_unavailable"), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("not active"), "{body}");
    let listed: Value = app.get("/api/v1/draws?game=account-prize").await.json().await.unwrap();
    assert_eq!(listed["draws"].as_array().map(Vec::len), Some(0), "nothing stored: {listed}");

    campaign["active"] = json!(true);
    let updated = app.http.put(&url).bearer_auth(ADMIN_TOKEN).json(&campaign).send().await.unwrap();
    assert_eq!(updated.status(), 200, "{}", updated.text().await.unwrap());
    let drawn = app.draw().await;
    assert_eq!(drawn["campaign"], "account-prize");
}
