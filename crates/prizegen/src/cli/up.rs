//! `prizegen up`: all four services in one process, each on its own loopback port, talking real
//! HTTP to each other, with an embedded SQLite database.

use super::args::UpArgs;
use super::secrets::{admin_token_from_env, database_url};
use super::shutdown_signal;
use crate::app;
use crate::frontend::FrontendConfig;
use crate::server::ServeOptions;
use crate::store::DatabaseUrl;
use anyhow::Context;
use prizegen_domain::fairness::Service;
use std::time::Duration;
use tokio::net::TcpListener;

pub async fn run(args: UpArgs) -> anyhow::Result<()> {
    let admin_token = match admin_token_from_env()? {
        Some(token) => token,
        None => token_beside_database(&args.database_url)?,
    };
    let front_listener =
        TcpListener::bind(args.listen).await.with_context(|| format!("listening on {}", args.listen))?;
    let mut generators = Vec::new();
    let mut urls = Vec::new();
    for (service, imp) in [
        (Service::Letters, args.letters_impl),
        (Service::Numbers, args.numbers_impl),
        (Service::Rules, args.rules_impl),
    ] {
        let listener = TcpListener::bind("127.0.0.1:0").await.context("binding a loopback port")?;
        urls.push(format!("http://{}", listener.local_addr()?));
        generators.push((app::generator(service, imp, None, true)?, listener));
    }
    let config = FrontendConfig {
        database: database_url(args.database_url.clone())?,
        database_options: args.database.options(),
        letters_url: urls[0].clone(),
        numbers_url: urls[1].clone(),
        rules_url: urls[2].clone(),
        call_timeout: args.call_timeout,
        batch: args.batch.config(),
        admin_token: Some(admin_token),
        trusted_proxies: args.trusted_proxies.clone(),
        nonce_block: crate::frontend::nonces::BLOCK,
        live_interval: args.live_interval,
    };

    // Services 2–4 first, so the front end's first request finds them.
    let (stop, stopped) = tokio::sync::watch::channel(());
    let mut running = tokio::task::JoinSet::new();
    let options = args.lifecycle.options();
    for (app, listener) in generators {
        let mut stopped = stopped.clone();
        let trigger = async move {
            let _ = stopped.changed().await;
        };
        running.spawn(app.serve(listener, trigger, ServeOptions { drain_delay: Duration::ZERO, ..options }));
    }
    let frontend = app::frontend(&config, None).await?;
    let url = format!("http://{}", front_listener.local_addr()?);
    println!("prizegen is up: {url}");
    for (service, service_url) in ["letters", "numbers", "rules"].iter().zip(&urls) {
        println!("  {service:<8} {service_url}");
    }
    println!("  database {}", args.database_url);
    tracing::info!(%url, "prizegen is up");

    // On SIGTERM/Ctrl-C the front end drains first, while services 2–4 still answer its
    // in-flight draws; then they stop.
    frontend.serve(front_listener, shutdown_signal(), options).await;
    let _ = stop.send(());
    while running.join_next().await.is_some() {}
    Ok(())
}

/// Reads the operator token kept beside the database, or makes one, saves it (readable by
/// this user only) and prints it once.
fn token_beside_database(url: &DatabaseUrl) -> anyhow::Result<String> {
    let path = url.admin_token_path();
    match std::fs::read_to_string(&path) {
        Ok(token) if !token.trim().is_empty() => return Ok(token.trim().to_owned()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("the OS random source failed: {e}"))?;
    let token = hex::encode(bytes);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    // Written whole to a temporary file, then renamed: a crash never leaves an empty token file.
    let partial = path.with_extension("admin-token.partial");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&partial).with_context(|| format!("creating {}", partial.display()))?;
    std::io::Write::write_all(&mut file, format!("{token}\n").as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&partial, &path).with_context(|| format!("creating {}", path.display()))?;
    println!("Operator token (shown once; kept in {}): {token}", path.display());
    Ok(token)
}
