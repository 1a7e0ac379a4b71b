//! A real browser on the client host: headless Chromium, driven through chromedriver, opening the
//! admin pages through the TLS edge at the load balancer's address — not localhost, where
//! browsers keep `Secure` cookies even over plain HTTP. It trusts the edge's certificate by its
//! command line (`--ignore-certificate-errors-spki-list`), as a user would trust a private CA.
//!
//! The test process reaches chromedriver through nginx (`Layout::webdriver_socket`) and a
//! loopback port of its own that forwards to that socket (the WebDriver client speaks TCP).

use std::path::{Path, PathBuf};
use std::process::Command;
use tokio::net::{TcpListener, UnixStream};

/// base64(SHA-256(SubjectPublicKeyInfo)) of the certificate in `pem`: what Chromium's
/// `--ignore-certificate-errors-spki-list` takes.
pub fn spki_hash(pem: &Path) -> String {
    let pipeline = format!(
        "openssl x509 -in '{}' -pubkey -noout | openssl pkey -pubin -outform der \
         | openssl dgst -sha256 -binary | openssl base64 -A",
        pem.display()
    );
    let output = Command::new("sh").arg("-c").arg(pipeline).output().expect("openssl runs");
    assert!(output.status.success(), "the SPKI hash: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// Forwards connections to `127.0.0.1:<returned port>` to the Unix socket `socket`.
pub async fn forward_to(socket: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let socket = socket.clone();
            tokio::spawn(async move {
                if let Ok(mut unix) = UnixStream::connect(&socket).await {
                    let _ = tokio::io::copy_bidirectional(&mut tcp, &mut unix).await;
                }
            });
        }
    });
    port
}

/// A headless Chromium session through chromedriver at `port`, trusting `spki`.
pub async fn session(port: u16, chromium: &Path, profile: &Path, spki: &str) -> fantoccini::Client {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ]
    .map(String::from)
    .into_iter()
    .chain([
        format!("--user-data-dir={}", profile.display()),
        format!("--ignore-certificate-errors-spki-list={spki}"),
    ])
    .collect::<Vec<_>>();
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".into(), serde_json::json!({"binary": chromium, "args": args}));
    fantoccini::ClientBuilder::native()
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a browser session on the client host")
}
