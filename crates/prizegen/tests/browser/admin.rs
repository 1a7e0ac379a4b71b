//! The operator's admin pages: sign in with the operator token, then create, edit and delete a
//! campaign. The session cookie is `Secure`; Chromium stores it over http://127.0.0.1, a
//! secure context.

use crate::common::Browser;
use crate::support::{ADMIN_TOKEN, TestApp};
use fantoccini::Locator;
use std::time::Duration;

/// From /admin (sent to the sign-in page) with `token`.
async fn sign_in(browser: &Browser, app: &TestApp, token: &str) {
    browser.goto(&format!("{}/admin", app.url)).await;
    assert_eq!(browser.path().await, "/admin/sign-in", "signed out, /admin sends to the sign-in page");
    browser.type_into("input#token", token).await;
    browser.click("button#sign-in").await;
}

/// The row of campaign `slug` on the list page.
fn row(slug: &str) -> String {
    format!("table#campaigns tr[data-slug='{slug}']")
}

#[tokio::test]
async fn an_operator_creates_edits_and_deletes_a_campaign() {
    let Some(browser) = Browser::open().await else { return };
    let Some(app) = TestApp::spawn().await else { return };

    sign_in(&browser, &app, ADMIN_TOKEN).await;
    let signed_in = browser
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("table#campaigns"))
        .await;
    if signed_in.is_err() {
        let cookies = browser.client.get_all_cookies().await.unwrap();
        let cookies: Vec<String> = cookies.iter().map(ToString::to_string).collect();
        panic!(
            "not signed in: on {} with cookies {cookies:?} (is the Secure session cookie stored over http://127.0.0.1?)\n{}",
            browser.path().await,
            browser.main_html().await
        );
    }
    assert_eq!(browser.path().await, "/admin");
    let slug = "summer-gig";
    assert!(!browser.has(&row(slug)).await);

    // Create.
    browser.type_into("#campaign-form input[name='slug']", slug).await;
    browser.type_into("#campaign-form input[name='name']", "The Lumineers").await;
    browser.type_into("#campaign-form input[name='venue']", "Roundhouse").await;
    browser.type_into("#campaign-form input[name='date']", "2026-07-04").await;
    browser.select_label("#campaign-form select[name='game']", "attack").await;
    browser.type_into("#campaign-form input[name='budget_pence']", "5000").await;
    browser.click("#campaign-form button#save").await;

    let created = browser.wait_for(&row(slug)).await.text().await.unwrap();
    for shown in [slug, "The Lumineers", "Roundhouse", "2026-07-04", "attack", "£50", "yes"] {
        assert!(created.contains(shown), "the new row shows {shown:?}: {created:?}");
    }
    assert!(browser.text("#notice").await.contains(slug));

    // Edit the venue, from the row's link.
    browser.click(&format!("{} a[href='/admin/campaigns/{slug}']", row(slug))).await;
    browser.wait_for("button#delete").await;
    assert_eq!(browser.path().await, format!("/admin/campaigns/{slug}"));
    assert_eq!(browser.value("#campaign-form input[name='venue']").await, "Roundhouse");
    browser.type_into("#campaign-form input[name='venue']", "Brixton Academy").await;
    browser.click("#campaign-form button#save").await;
    browser.wait_for("table#campaigns").await;
    assert_eq!(browser.text(&format!("{} td.venue", row(slug))).await, "Brixton Academy");
    let edited = browser.text(&row(slug)).await;
    assert!(
        edited.contains("The Lumineers") && edited.contains("attack"),
        "the rest is unchanged: {edited:?}"
    );

    // Delete.
    browser.goto(&format!("{}/admin/campaigns/{slug}", app.url)).await;
    browser.click("button#delete").await;
    browser.wait_for("table#campaigns").await;
    assert!(!browser.has(&row(slug)).await, "the row is gone:\n{}", browser.main_html().await);
    assert!(browser.text("#notice").await.contains("deleted"));
    browser.close().await;
}

#[tokio::test]
async fn a_wrong_operator_token_is_refused() {
    let Some(browser) = Browser::open().await else { return };
    let Some(app) = TestApp::spawn().await else { return };

    sign_in(&browser, &app, "not-the-token").await;
    let error = browser.wait_for("#error").await.text().await.unwrap();
    assert!(!error.is_empty());
    assert_eq!(browser.path().await, "/admin/sign-in", "still on the sign-in page");
    assert!(browser.has("input#token").await);
    assert!(!browser.has("table#campaigns").await);

    // Still signed out.
    browser.goto(&format!("{}/admin", app.url)).await;
    assert_eq!(browser.path().await, "/admin/sign-in");
    browser.close().await;
}
