//! `prizegen healthcheck URL`: the container image has no shell and no curl, so its
//! `HEALTHCHECK` (and any probe that execs) asks the binary itself.

use bytes::Bytes;
use http_body_util::Empty;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::process::ExitCode;
use std::time::Duration;

/// GET `url`: exit 0 on a 2xx within `timeout`, 1 on anything else (printing why on stderr).
pub async fn run(url: &str, timeout: Duration) -> ExitCode {
    match check(url, timeout).await {
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

async fn check(url: &str, timeout: Duration) -> Result<http::StatusCode, String> {
    let uri: http::Uri = url.parse().map_err(|e| format!("not a URL: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err("only http:// URLs are checked (the services speak plain HTTP)".into());
    }
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let request = http::Request::get(uri)
        .header(http::header::USER_AGENT, "prizegen-healthcheck")
        .body(Empty::new())
        .map_err(|e| e.to_string())?;
    let response = tokio::time::timeout(timeout, client.request(request))
        .await
        .map_err(|_| format!("no answer within {timeout:?}"))?
        .map_err(|e| format!("unreachable: {e}"))?;
    let status = response.status();
    if status.is_success() { Ok(status) } else { Err(format!("answered {status}")) }
}
