//! `prizegen healthcheck URL`: the container image has no shell and no curl, so its
//! `HEALTHCHECK` (and any probe that execs) asks the binary itself.

use crate::tls::{self, TlsOptions};
use bytes::Bytes;
use http_body_util::Empty;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::process::ExitCode;
use std::time::Duration;

/// GET `url` (`http://` or `https://`): exit 0 on a 2xx within `timeout`, 1 on anything else
/// (printing why on stderr). A redirect is not followed: it is not healthy.
pub async fn run(url: &str, timeout: Duration, tls: &TlsOptions) -> ExitCode {
    match check(url, timeout, tls).await {
        Ok(status) => {
            println!("{url}: {status}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("prizegen healthcheck: {url}: {why}");
            ExitCode::FAILURE
        }
    }
}

async fn check(url: &str, timeout: Duration, tls: &TlsOptions) -> Result<http::StatusCode, String> {
    let uri: http::Uri = url.parse().map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return Err("only http:// and https:// URLs are checked".into());
    }
    let connector = tls::connector(tls, Some(timeout)).map_err(|e| e.to_string())?;
    let client = Client::builder(TokioExecutor::new()).build::<_, Empty<Bytes>>(connector);
    let request = http::Request::get(uri)
        .header(http::header::USER_AGENT, "prizegen-healthcheck")
        .body(Empty::new())
        .map_err(|e| e.to_string())?;
    let response = tokio::time::timeout(timeout, client.request(request))
        .await
        .map_err(|_| format!("no answer within {timeout:?}"))?
        .map_err(|e| format!("unreachable: {}", crate::server::error::ErrorChain(&e)))?;
    let status = response.status();
    if status.is_success() { Ok(status) } else { Err(format!("answered {status}")) }
}
