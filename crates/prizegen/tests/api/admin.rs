//! The admin pages over HTTP: sign-in, sessions and CSRF.

use crate::support::{ADMIN_TOKEN, TestApp};
use serde_json::Value;

/// A client that does not follow redirects, so each answer can be inspected.
fn client() -> reqwest::Client {
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
async fn sign_in(app: &TestApp, http: &reqwest::Client) -> (String, String) {
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
