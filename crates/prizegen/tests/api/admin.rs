//! The admin pages over HTTP: sign-in, sessions and CSRF.

use crate::support::{ADMIN_TOKEN, Options, TestApp, example_seed};
use serde_json::{Value, json};

/// A client that does not follow redirects, so each answer can be inspected.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} in the form")) + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// Signs in like a browser; returns the session cookie and the CSRF token of the admin page.
pub async fn sign_in(app: &TestApp, http: &reqwest::Client) -> (String, String) {
    let page = http.get(format!("{}/admin/sign-in", app.url)).send().await.unwrap();
    let sign_in_cookie = set_cookie(&page, "prizegen_sign_in").expect("a double-submit cookie");
    let csrf = hidden(&page.text().await.unwrap(), "csrf");
    let signed = http
        .post(format!("{}/admin/sign-in", app.url))
        .header("cookie", &sign_in_cookie)
        .form(&[("csrf", csrf.as_str()), ("token", ADMIN_TOKEN)])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 303);
    let session = set_cookie(&signed, "prizegen_admin").expect("a session cookie");
    let cookie_line = signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    assert!(
        cookie_line
            .iter()
            .any(|c| c.contains("HttpOnly") && c.contains("Secure") && c.contains("SameSite=Strict"))
    );
    let admin = http.get(format!("{}/admin", app.url)).header("cookie", &session).send().await.unwrap();
    assert_eq!(admin.status(), 200);
    let csrf = hidden(&admin.text().await.unwrap(), "csrf");
    (session, csrf)
}

#[tokio::test]
async fn admin_pages_need_a_session() {
    let Some(app) = TestApp::spawn().await else { return };
    let http = client();
    let anonymous = http.get(format!("{}/admin", app.url)).send().await.unwrap();
    assert_eq!(anonymous.status(), 303);
    assert_eq!(anonymous.headers()["location"], "/admin/sign-in");
    let forged = http
        .get(format!("{}/admin", app.url))
        .header("cookie", "prizegen_admin=9999999999.abc.def")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 303, "a forged session is no session");

    let page = http.get(format!("{}/admin/sign-in", app.url)).send().await.unwrap();
    let cookie = set_cookie(&page, "prizegen_sign_in").unwrap();
    let csrf = hidden(&page.text().await.unwrap(), "csrf");
    let wrong = http
        .post(format!("{}/admin/sign-in", app.url))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("token", "not-the-token")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(set_cookie(&wrong, "prizegen_admin").is_none());
    let no_csrf =
        http.post(format!("{}/admin/sign-in", app.url)).form(&[("token", ADMIN_TOKEN)]).send().await.unwrap();
    assert_eq!(no_csrf.status(), 403, "sign-in without the double-submit token is refused");
}

#[tokio::test]
async fn admin_forms_without_the_csrf_token_are_refused() {
    let Some(app) = TestApp::spawn().await else { return };
    let http = client();
    let (session, csrf) = sign_in(&app, &http).await;
    let fields = [
        ("slug", "gig-one"),
        ("name", "The Act"),
        ("venue", "Hall"),
        ("date", "2026-09-09"),
        ("game", "attack"),
        ("budget_pence", ""),
        ("active", "on"),
    ];
    let post = |extra: Option<(&'static str, String)>| {
        let mut form: Vec<(&str, String)> = fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        form.extend(extra);
        http.post(format!("{}/admin/campaigns", app.url)).header("cookie", &session).form(&form).send()
    };
    assert_eq!(post(None).await.unwrap().status(), 403, "no CSRF token");
    assert_eq!(post(Some(("csrf", "f".repeat(64)))).await.unwrap().status(), 403, "a wrong CSRF token");
    assert_eq!(app.get("/api/v1/campaigns/gig-one").await.status(), 404, "nothing was created");

    let created = post(Some(("csrf", csrf.clone()))).await.unwrap();
    assert_eq!(created.status(), 200);
    assert!(created.text().await.unwrap().contains("Campaign gig-one created"));
    let stored: Value = app.get("/api/v1/campaigns/gig-one").await.json().await.unwrap();
    assert_eq!(stored["game"], "attack");

    // Invalid fields come back named on the form.
    let mut bad: Vec<(&str, String)> = fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    bad[0].1 = "gig-two".into();
    bad[3].1 = "soon".into();
    bad.push(("csrf", csrf.clone()));
    let refused = http
        .post(format!("{}/admin/campaigns", app.url))
        .header("cookie", &session)
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("data-error=\"date\""));

    let deleted = http
        .post(format!("{}/admin/campaigns/gig-one/delete", app.url))
        .header("cookie", &session)
        .form(&[("csrf", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 403);
    assert_eq!(app.get("/api/v1/campaigns/gig-one").await.status(), 200, "still there");
}

/// Posts an admin form with the session and its CSRF token; returns the status and the page.
async fn post_form(
    app: &TestApp,
    http: &reqwest::Client,
    (session, csrf): &(String, String),
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf", csrf));
    let response =
        http.post(format!("{}{path}", app.url)).header("cookie", session).form(&form).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn refused_campaign_changes_come_back_on_the_form_with_the_apis_status() {
    // The worked example's seed: the first draw (nonce 0) is qxzm4226, which wins £10.
    let Some(app) = TestApp::spawn_with(Options { seed: Some(example_seed()), ..Options::default() }).await
    else {
        return;
    };
    let http = client();
    let signed = sign_in(&app, &http).await;
    let gig = [
        ("slug", "gig"),
        ("name", "The Act"),
        ("venue", "Hall"),
        ("date", "2026-09-09"),
        ("game", "account-prize"),
        ("budget_pence", "10000"),
        ("active", "on"),
    ];
    let (status, page) = post_form(&app, &http, &signed, "/admin/campaigns", &gig).await;
    assert_eq!(status, 200, "{page}");
    let (status, page) = post_form(&app, &http, &signed, "/admin/campaigns", &gig).await;
    assert_eq!(status, 409, "the slug is taken");
    assert!(page.contains("data-error=\"slug\""), "named on the form: {page}");

    let drawn = app.post_draw(json!({"game": "account-prize", "campaign": "gig"})).await;
    let drawn: Value = drawn.json().await.unwrap();
    assert_eq!(drawn["prize"]["amount_pence"], 1_000, "{drawn}");

    // As the API: a budget below what was awarded conflicts with what is stored (409) ...
    let mut lower = gig[1..].to_vec();
    lower[4] = ("budget_pence", "500");
    let (status, page) = post_form(&app, &http, &signed, "/admin/campaigns/gig", &lower).await;
    assert_eq!(status, 409, "{page}");
    assert!(page.contains("data-error=\"budget_pence\"") && page.contains("£10"), "{page}");
    // ... the game of a campaign with draws is fixed (409) ...
    let mut other_game = gig[1..].to_vec();
    other_game[3] = ("game", "attack");
    let (status, page) = post_form(&app, &http, &signed, "/admin/campaigns/gig", &other_game).await;
    assert_eq!(status, 409, "{page}");
    assert!(page.contains("data-error=\"game\""), "{page}");
    // ... and it cannot be deleted, nor can a game's default campaign.
    for slug in ["gig", "attack"] {
        let (status, page) =
            post_form(&app, &http, &signed, &format!("/admin/campaigns/{slug}/delete"), &[]).await;
        assert_eq!(status, 409, "{slug}: {page}");
        assert!(page.contains("id=\"error\""), "{slug}: the reason is shown: {page}");
    }
    let stored: Value = app.get("/api/v1/campaigns/gig").await.json().await.unwrap();
    assert_eq!(
        (stored["budget_pence"].as_u64(), stored["game"].as_str()),
        (Some(10_000), Some("account-prize"))
    );
}

#[tokio::test]
async fn the_csrf_token_is_checked_before_the_fields_and_only_forms_are_read() {
    let Some(app) = TestApp::spawn().await else { return };
    let http = client();
    let (session, csrf) = sign_in(&app, &http).await;
    let bad_fields = [("slug", "Not A Slug"), ("date", "soon")];
    let no_token =
        http.post(format!("{}/admin/campaigns", app.url)).header("cookie", &session).form(&bad_fields).send();
    assert_eq!(no_token.await.unwrap().status(), 403, "no token: refused before the fields are looked at");
    let json_body = http
        .post(format!("{}/admin/campaigns", app.url))
        .header("cookie", &session)
        .json(&json!({"csrf": csrf, "slug": "gig"}))
        .send()
        .await
        .unwrap();
    assert_eq!(json_body.status(), 415, "a body that is not a form");
    // A public form that cannot be read is a page too, not a bare text error.
    let unreadable = http
        .post(format!("{}/play/attack", app.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("client_seed=a&client_seed=b")
        .send()
        .await
        .unwrap();
    assert_eq!(unreadable.status(), 400);
    assert!(unreadable.text().await.unwrap().contains("data-service=\"frontend\""), "a page with its footer");
    let listed: Value = app.get("/api/v1/draws").await.json().await.unwrap();
    assert_eq!(listed["draws"], json!([]), "nothing was drawn");
}

#[tokio::test]
async fn the_operator_switches_faults_from_the_admin_page() {
    let Some(app) = TestApp::spawn().await else { return };
    let http = client();
    let signed = sign_in(&app, &http).await;
    let form = [("latency_ms", ""), ("error_percent", "100"), ("hang_percent", "")];
    let (status, page) = post_form(&app, &http, &signed, "/admin/faults/letters", &form).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Faults of letters: latency_ms=0,error_share=1,hang_share=0."), "{page}");
    assert!(page.contains(r#"data-service="letters""#) && page.contains(r#"data-on="true""#), "{page}");
    let faults: Value = app.get("/api/v1/faults").await.json().await.unwrap();
    assert_eq!(faults["letters"]["error_share"], 1.0, "{faults}");
    assert_eq!(app.post_draw(json!({"game": "account-prize"})).await.status(), 503);
    let entries: Value = app.get("/api/v1/audit?limit=100").await.json().await.unwrap();
    let switched =
        entries["entries"].as_array().unwrap().iter().find(|e| e["kind"] == "fault.switched").cloned();
    assert_eq!(switched.unwrap()["details"]["by"], "operator (admin pages)");

    // Refused values come back on the page (422), and change nothing.
    for bad in [
        [("latency_ms", "1.5"), ("error_percent", ""), ("hang_percent", "")],
        [("latency_ms", ""), ("error_percent", "60"), ("hang_percent", "60")],
    ] {
        let (status, page) = post_form(&app, &http, &signed, "/admin/faults/letters", &bad).await;
        assert_eq!(status, 422, "{page}");
        assert!(page.contains(r#"id="fault-error""#), "{page}");
    }
    let (status, _) = post_form(&app, &http, &signed, "/admin/faults/frontend", &form).await;
    assert_eq!(status, 404);
    let faults: Value = app.get("/api/v1/faults").await.json().await.unwrap();
    assert_eq!(faults["letters"]["error_share"], 1.0, "unchanged: {faults}");

    // Off from the page: draws as before.
    let off = [("latency_ms", "0"), ("error_percent", "0"), ("hang_percent", "0")];
    let (status, page) = post_form(&app, &http, &signed, "/admin/faults/letters", &off).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Faults of letters: off."), "{page}");
    assert_eq!(app.post_draw(json!({"game": "account-prize"})).await.status(), 201);
    // Without a session the form is refused.
    let anonymous = http.post(format!("{}/admin/faults/letters", app.url)).form(&form).send().await.unwrap();
    assert_ne!(anonymous.status(), 200);
    assert_eq!(app.post_draw(json!({"game": "account-prize"})).await.status(), 201, "still off");
}
