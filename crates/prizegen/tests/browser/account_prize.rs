//! account-prize: one Draw button.

use crate::common::driver;
use crate::support::{Options, TestApp, example_seed};
use fantoccini::Locator;

#[tokio::test]
async fn a_player_draws_in_the_browser() {
    let Some(driver) = driver().await else { return };
    let Some(app) = TestApp::spawn_with(Options { seed: Some(example_seed()), ..Options::default() }).await
    else {
        return;
    };
    let profile = tempfile::tempdir().unwrap();
    let client = crate::common::browser(&driver, profile.path()).await;

    client.goto(&format!("{}/", app.url)).await.unwrap();
    client.find(Locator::Css("#games a[href='/play/account-prize']")).await.unwrap().click().await.unwrap();
    assert_eq!(client.current_url().await.unwrap().path(), "/play/account-prize");
    client.find(Locator::Css("button#draw")).await.unwrap().click().await.unwrap();

    let result = client.wait().for_element(Locator::Css("#result")).await.unwrap();
    let account = result.find(Locator::Css("code.value")).await.unwrap().text().await.unwrap();
    assert_eq!(account, "qxzm4226", "the worked example's first draw");
    let prize = client.find(Locator::Css("#prize")).await.unwrap().text().await.unwrap();
    assert_eq!(prize, "You won £10!");
    assert!(client.current_url().await.unwrap().path().starts_with("/draws/"));

    for service in ["frontend", "letters", "numbers", "rules"] {
        let selector = format!("#served-by dd[data-service='{service}']");
        let shown = client.find(Locator::Css(&selector)).await.unwrap().text().await.unwrap();
        let want = if service == "frontend" { env!("CARGO_PKG_VERSION") } else { "v1" };
        assert!(shown.starts_with(&format!("{want}@{service}-")), "footer shows {service}: {shown:?}");
    }
    // The draw is listed among the latest.
    let latest = client.find(Locator::Css("#latest")).await.unwrap().text().await.unwrap();
    assert!(latest.contains("qxzm4226"), "{latest}");
    client.close().await.unwrap();
}
