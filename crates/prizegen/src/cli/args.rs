//! Flags and their environment fallbacks. The names are fixed by SPEC §1.

use super::secrets::{admin_token_from_env, database_url};
use crate::frontend::FrontendConfig;
use crate::server::forwarded::TrustedProxies;
use crate::store::DatabaseUrl;
use crate::telemetry::LogFormat;
use clap::{Args, Parser, Subcommand};
use prizegen_domain::fairness::{ClientSeed, ServerSeed, Service, ServiceKey};
use prizegen_domain::games::Impl;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(name = "prizegen", version, about = "Verifiably fair random prizes, served by four HTTP services")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Log lines as text or JSON.
    #[arg(long, env = "PRIZEGEN_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run all four services on loopback with an embedded SQLite database, and print the URL.
    Up(UpArgs),
    /// Run one service (what containers do).
    Serve {
        #[command(subcommand)]
        service: ServeCommand,
    },
    /// Re-check draws offline from their revealed server seed.
    Verify(VerifyArgs),
    /// Put load on a running prizegen and report throughput, latency and errors.
    Load(LoadArgs),
    /// Exit 0 when URL answers 2xx within the timeout, 1 otherwise (for container health checks,
    /// where the image has no shell or curl).
    Healthcheck(HealthcheckArgs),
    /// Write one key's raw HMAC byte stream to stdout (for dieharder, PractRand and other
    /// statistical batteries).
    Stream(StreamArgs),
    /// Draw a game N times under one seed, offline, and write each draw as a CSV row (for
    /// statistical tests of the outcomes).
    Outcomes(OutcomesArgs),
    /// Check the tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

/// `prizegen audit …`.
#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Recompute the audit log's hash chain and every revealed seed's Merkle root from its draws;
    /// exit 1 naming the first entry, seed or draw that was altered, 2 if it cannot be read.
    Verify(AuditVerifyArgs),
}

/// `prizegen audit verify`: where the log is.
#[derive(Args, Debug)]
pub struct AuditVerifyArgs {
    /// A running prizegen (`https://prizegen.example`: its audit log, and the draws of each
    /// revealed seed), or a file of entries (the NDJSON or pages of `GET /api/v1/audit`).
    pub source: String,
    /// With a file of entries: the draws of the revealed seeds (the NDJSON of
    /// `GET /api/v1/draws/export`, any number of seeds), to check their roots too.
    #[arg(long, value_name = "FILE")]
    pub draws: Option<std::path::PathBuf>,
    /// An entry's hash kept from earlier, as `SEQ:HASH` (e.g. the head shown on /fairness last
    /// week): it must still be in the chain. Repeatable.
    #[arg(long, value_name = "SEQ:HASH", value_parser = parse_known)]
    pub known: Vec<(u64, String)>,
    #[command(flatten)]
    pub tls: TlsArgs,
}

fn parse_known(text: &str) -> Result<(u64, String), String> {
    let (seq, hash) = text.split_once(':').ok_or("expected SEQ:HASH")?;
    let seq = seq.parse().map_err(|_| format!("{seq:?} is not an entry's seq"))?;
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err("the hash is 64 lower-case hex digits".into());
    }
    Ok((seq, hash.to_owned()))
}

#[derive(Args, Debug)]
pub struct HealthcheckArgs {
    /// What to ask, e.g. `http://127.0.0.1:8080/healthz` or `https://prizegen.example/healthz`.
    #[arg(default_value = "http://127.0.0.1:8080/healthz")]
    pub url: String,
    /// How long to wait for the answer.
    #[arg(long, value_parser = parse_duration, default_value = "2s")]
    pub timeout: Duration,
    #[command(flatten)]
    pub tls: TlsArgs,
}

/// Whom an `https://` URL's certificate must be signed by.
#[derive(Args, Debug, Clone)]
pub struct TlsArgs {
    /// Trust this PEM file's CA certificates too (a private CA, e.g. deploy/make-cert.sh's).
    #[arg(long, env = "PRIZEGEN_CA_CERT")]
    pub ca_cert: Option<PathBuf>,
    /// Trust any certificate (a self-signed test edge). Off by default; never for real.
    #[arg(long)]
    pub insecure: bool,
}

impl TlsArgs {
    /// As the clients take them.
    pub fn options(&self) -> crate::tls::TlsOptions {
        crate::tls::TlsOptions { ca_cert: self.ca_cert.clone(), insecure: self.insecure }
    }
}

#[derive(Args, Debug)]
pub struct LoadArgs {
    /// The front end's URL.
    #[arg(default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// The game to draw (prize-pool generates and then claims).
    #[arg(long, default_value = "account-prize")]
    pub game: prizegen_domain::games::Game,
    /// Requests in flight at most (closed loop: the number of workers).
    #[arg(long, short = 'c', default_value_t = 32)]
    pub concurrency: usize,
    /// How long to run (default 10s when no --requests is given).
    #[arg(long, short = 'd', value_parser = parse_duration)]
    pub duration: Option<Duration>,
    /// How many requests to make.
    #[arg(long, short = 'n')]
    pub requests: Option<u64>,
    /// Open loop: start this many requests per second, whatever the answers.
    #[arg(long)]
    pub rate: Option<f64>,
    /// A request slower than this counts as failed.
    #[arg(long, value_parser = parse_duration, default_value = "10s")]
    pub timeout: Duration,
    /// Print the summary as JSON (for scripts).
    #[arg(long)]
    pub json: bool,
    /// Draw as the player of this session token (`POST /api/v1/sessions`).
    #[arg(long, env = "PRIZEGEN_LOAD_TOKEN", hide_env_values = true, conflicts_with = "player")]
    pub token: Option<String>,
    /// Draw as a player registered for the run (`load-<run id>`, a random password).
    #[arg(long)]
    pub player: bool,
    #[command(flatten)]
    pub tls: TlsArgs,
}

#[derive(Subcommand, Debug)]
pub enum ServeCommand {
    /// Service 1: pages, public API, database.
    Frontend(Box<FrontendArgs>),
    /// Service 2: random letters.
    Letters(GeneratorArgs),
    /// Service 3: random numbers.
    Numbers(GeneratorArgs),
    /// Service 4: game rules.
    Rules(GeneratorArgs),
}

/// Database pool and timeouts (PostgreSQL and MySQL/MariaDB).
#[derive(Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// Connections to the database server per front end.
    #[arg(long, env = "PRIZEGEN_DATABASE_POOL_SIZE", default_value_t = 10)]
    pub database_pool_size: u32,
    /// The longest a database statement (or a wait for a connection) may take; past it, a 503.
    #[arg(long, env = "PRIZEGEN_DATABASE_TIMEOUT", value_parser = parse_duration, default_value = "5s")]
    pub database_timeout: Duration,
}

impl DatabaseArgs {
    /// As the store takes them.
    pub fn options(&self) -> crate::store::SqlOptions {
        crate::store::SqlOptions { pool_size: self.database_pool_size, timeout: self.database_timeout }
    }
}

/// How the front end batches its calls to services 2–4 (`docs/contract.md`).
#[derive(Args, Debug, Clone)]
pub struct BatchArgs {
    /// The most calls sent to one service in one request; 1 sends every call alone (as front
    /// ends before batching did).
    #[arg(long, env = "PRIZEGEN_BATCH_MAX", default_value_t = crate::frontend::batch::Config::default().max_items,
          value_parser = clap::value_parser!(u16).range(1..=crate::contract::batch::MAX_ITEMS as i64))]
    pub batch_max: u16,
    /// The most batches in flight to one service at once; calls queue meanwhile and go
    /// together in the next batch.
    #[arg(long, env = "PRIZEGEN_BATCH_IN_FLIGHT", default_value_t = crate::frontend::batch::Config::default().in_flight,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub batch_in_flight: u16,
}

impl BatchArgs {
    /// The front end's batching configuration.
    pub fn config(&self) -> crate::frontend::batch::Config {
        crate::frontend::batch::Config { max_items: self.batch_max, in_flight: self.batch_in_flight }
    }
}

/// How a service shuts down.
#[derive(Args, Debug, Clone)]
pub struct LifecycleArgs {
    /// After SIGTERM, keep serving (while /readyz says 503) this long so load balancers notice.
    #[arg(long, env = "PRIZEGEN_DRAIN_DELAY", value_parser = parse_duration, default_value = "0s")]
    pub drain_delay: Duration,
    /// The longest wait for in-flight requests after that, before connections are cut.
    #[arg(long, env = "PRIZEGEN_SHUTDOWN_TIMEOUT", value_parser = parse_duration, default_value = "10s")]
    pub shutdown_timeout: Duration,
}

#[derive(Args, Debug)]
pub struct UpArgs {
    /// The front end's address.
    #[arg(long, env = "PRIZEGEN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Where draws are stored.
    #[arg(long, env = "PRIZEGEN_DATABASE_URL", default_value = "sqlite://prizegen.db")]
    pub database_url: DatabaseUrl,
    /// The letters implementation.
    #[arg(long, env = "PRIZEGEN_LETTERS_IMPL", default_value = "v1")]
    pub letters_impl: Impl,
    /// The numbers implementation.
    #[arg(long, env = "PRIZEGEN_NUMBERS_IMPL", default_value = "v1")]
    pub numbers_impl: Impl,
    /// The rules implementation.
    #[arg(long, env = "PRIZEGEN_RULES_IMPL", default_value = "v1")]
    pub rules_impl: Impl,
    /// Deadline of each call between services.
    #[arg(long, env = "PRIZEGEN_CALL_TIMEOUT", value_parser = parse_duration, default_value = "2s")]
    pub call_timeout: Duration,
    #[command(flatten)]
    pub batch: BatchArgs,
    /// How often `/live` is updated.
    #[arg(long, env = "PRIZEGEN_LIVE_INTERVAL", value_parser = parse_duration, default_value = "1s")]
    pub live_interval: Duration,
    /// Proxies whose `X-Forwarded-For`/`-Proto` are believed (the edge: nginx, an ingress
    /// controller): comma-separated addresses or CIDR blocks. None by default.
    #[arg(long, env = "PRIZEGEN_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: TrustedProxies,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub lifecycle: LifecycleArgs,
}

#[derive(Args, Debug)]
pub struct FrontendArgs {
    /// Address to listen on.
    #[arg(long, env = "PRIZEGEN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Where draws are stored.
    #[arg(long, env = "PRIZEGEN_DATABASE_URL", default_value = "sqlite://prizegen.db")]
    pub database_url: DatabaseUrl,
    /// Base URL of the letters service.
    #[arg(long, env = "PRIZEGEN_LETTERS_URL", default_value = "http://127.0.0.1:8081")]
    pub letters_url: String,
    /// Base URL of the numbers service.
    #[arg(long, env = "PRIZEGEN_NUMBERS_URL", default_value = "http://127.0.0.1:8082")]
    pub numbers_url: String,
    /// Base URL of the rules service.
    #[arg(long, env = "PRIZEGEN_RULES_URL", default_value = "http://127.0.0.1:8083")]
    pub rules_url: String,
    /// Deadline of each call to services 2–4.
    #[arg(long, env = "PRIZEGEN_CALL_TIMEOUT", value_parser = parse_duration, default_value = "2s")]
    pub call_timeout: Duration,
    #[command(flatten)]
    pub batch: BatchArgs,
    /// How often `/live` is updated.
    #[arg(long, env = "PRIZEGEN_LIVE_INTERVAL", value_parser = parse_duration, default_value = "1s")]
    pub live_interval: Duration,
    /// This instance's name in `x-served-by` (default: `frontend-<4 hex>`).
    #[arg(long, env = "PRIZEGEN_INSTANCE")]
    pub instance: Option<String>,
    /// Proxies whose `X-Forwarded-For`/`-Proto` are believed (the edge: nginx, an ingress
    /// controller): comma-separated addresses or CIDR blocks. None by default.
    #[arg(long, env = "PRIZEGEN_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: TrustedProxies,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub lifecycle: LifecycleArgs,
}

impl GeneratorArgs {
    /// `--listen`, or the service's default port on loopback (the front end's default URLs).
    pub fn listen_or_default(&self, service: Service) -> SocketAddr {
        let port = match service {
            Service::Letters => 8081,
            Service::Numbers => 8082,
            Service::Rules => 8083,
        };
        self.listen.unwrap_or(SocketAddr::from(([127, 0, 0, 1], port)))
    }
}

impl FrontendArgs {
    /// The front end's configuration, with the operator token from the environment.
    pub fn config(&self) -> anyhow::Result<FrontendConfig> {
        Ok(FrontendConfig {
            database: database_url(self.database_url.clone())?,
            database_options: self.database.options(),
            letters_url: self.letters_url.clone(),
            numbers_url: self.numbers_url.clone(),
            rules_url: self.rules_url.clone(),
            call_timeout: self.call_timeout,
            batch: self.batch.config(),
            admin_token: admin_token_from_env()?,
            trusted_proxies: self.trusted_proxies.clone(),
            nonce_block: crate::frontend::nonces::BLOCK,
            live_interval: self.live_interval,
        })
    }
}

/// Services 2–4.
#[derive(Args, Debug)]
pub struct GeneratorArgs {
    /// Address to listen on [default: 127.0.0.1:8081 letters, :8082 numbers, :8083 rules].
    #[arg(long, env = "PRIZEGEN_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Which implementation to run.
    #[arg(long = "impl", env = "PRIZEGEN_IMPL", default_value = "v1")]
    pub imp: Impl,
    /// Serve `POST /v1/<service>/batch`, many calls in one request. `off` answers it 404, as an
    /// instance from before that route did (for interoperability tests).
    #[arg(long, env = "PRIZEGEN_BATCH_ROUTE", default_value = "on", value_parser = clap::builder::BoolishValueParser::new())]
    pub batch_route: bool,
    /// This instance's name in `x-served-by` (default: `<service>-<4 hex>`).
    #[arg(long, env = "PRIZEGEN_INSTANCE")]
    pub instance: Option<String>,
    #[command(flatten)]
    pub lifecycle: LifecycleArgs,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// A draw as JSON, a list of draws, or `{"draws": [...]}` (as the API returns them);
    /// `-` for standard input.
    #[arg(default_value = "-")]
    pub file: PathBuf,
    /// The revealed server seed (hex), for draws that do not carry it yet.
    #[arg(long)]
    pub server_seed: Option<String>,
}

/// `prizegen stream`: which key's stream, and how much of it.
#[derive(Args, Debug)]
pub struct StreamArgs {
    /// The stream's key `k_S`, 64 hex digits.
    #[arg(long, value_name = "HEX", value_parser = parse_key, required_unless_present = "seed", conflicts_with = "seed")]
    pub key: Option<ServiceKey>,
    /// Or derive the key as the front end does, from this server seed (64 hex digits).
    #[arg(long, value_name = "HEX", value_parser = parse_seed, requires = "service")]
    pub seed: Option<ServerSeed>,
    /// With `--seed`: whose key, `letters`, `numbers` or `rules`.
    #[arg(long, value_parser = parse_service, requires = "seed")]
    pub service: Option<Service>,
    /// With `--seed`: the client seed [default: empty].
    #[arg(long, value_parser = parse_client_seed, requires = "seed")]
    pub client_seed: Option<ClientSeed>,
    /// With `--seed`: the nonce [default: 0].
    #[arg(long, requires = "seed")]
    pub nonce: Option<u64>,
    /// Write exactly this many bytes; without it, write until the reader closes the pipe.
    #[arg(long)]
    pub bytes: Option<u64>,
}

/// `prizegen outcomes`: which game, how many draws, under which seed.
#[derive(Args, Debug)]
pub struct OutcomesArgs {
    /// The game to draw: account-prize, prize-pool, spy-mission, attack or character.
    #[arg(long)]
    pub game: prizegen_domain::games::Game,
    /// The implementations: one version for all three services (`v2`), or per service
    /// (`numbers=v2,rules=v2`; a service not named runs v1).
    #[arg(long = "impl", value_name = "IMPLS", value_parser = parse_impls, default_value = "v1")]
    pub impls: Impls,
    /// How many draws, at nonces 0 to N-1.
    #[arg(long = "draws", short = 'n')]
    pub draws: u64,
    /// The server seed (64 hex digits) [default: a fresh random one, printed on stderr].
    #[arg(long, visible_alias = "server-seed", value_name = "HEX", value_parser = parse_seed)]
    pub seed: Option<ServerSeed>,
    /// The client seed of every draw.
    #[arg(long, value_parser = parse_client_seed, default_value = "")]
    pub client_seed: ClientSeed,
}

pub use prizegen_domain::games::Impls;

/// `v1` or `v2` for all three services, or `letters=v1,numbers=v2,rules=v1` (any of them, in
/// any order; the others v1).
pub fn parse_impls(text: &str) -> Result<Impls, String> {
    if let Ok(imp) = text.parse::<Impl>() {
        return Ok(Impls { letters: imp, numbers: imp, rules: imp });
    }
    let mut impls = Impls::default();
    for part in text.split(',') {
        let (service, version) = part.split_once('=').ok_or_else(|| {
            format!("{part:?}: expected v1 or v2, or service=version pairs like numbers=v2,rules=v1")
        })?;
        let version: Impl = version.trim().parse().map_err(|e| format!("{e}"))?;
        match parse_service(service.trim())? {
            Service::Letters => impls.letters = version,
            Service::Numbers => impls.numbers = version,
            Service::Rules => impls.rules = version,
        }
    }
    Ok(impls)
}

/// `letters`, `numbers` or `rules`.
pub fn parse_service(text: &str) -> Result<Service, String> {
    Service::named(text).ok_or_else(|| {
        format!("unknown service {text:?}; the services with keys are: letters, numbers, rules")
    })
}

fn parse_key(text: &str) -> Result<ServiceKey, String> {
    ServiceKey::from_hex(text).map_err(|e| e.to_string())
}

fn parse_seed(text: &str) -> Result<ServerSeed, String> {
    ServerSeed::from_hex(text).map_err(|e| e.to_string())
}

fn parse_client_seed(text: &str) -> Result<ClientSeed, String> {
    ClientSeed::parse(text).map_err(|e| e.to_string())
}

/// `2s`, `500ms`, `1m 30s` (humantime's forms), or a bare number of seconds (`1.5`).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<f64>() {
        return Duration::try_from_secs_f64(seconds).map_err(|e| format!("{text:?}: {e}"));
    }
    humantime::parse_duration(text).map_err(|e| format!("{text:?} is not a duration like 2s or 500ms: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use prizegen_domain::fairness::Service;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("1m 30s"), Ok(Duration::from_secs(90)));
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("3 parsecs").is_err());
        assert!(parse_duration("-1").is_err());
    }

    #[test]
    fn flags_parse_as_documented() {
        let cli =
            Cli::try_parse_from(["prizegen", "serve", "letters", "--impl", "v2", "--listen", "0.0.0.0:9000"])
                .unwrap();
        let Command::Serve { service: ServeCommand::Letters(args) } = cli.command else { panic!("letters") };
        assert_eq!(args.imp, Impl::V2);
        assert_eq!(args.listen_or_default(Service::Letters).port(), 9000);
        let cli = Cli::try_parse_from(["prizegen", "serve", "rules"]).unwrap();
        let Command::Serve { service: ServeCommand::Rules(args) } = cli.command else { panic!("rules") };
        assert_eq!(args.listen_or_default(Service::Rules).port(), 8083);
        assert_eq!(args.listen_or_default(Service::Numbers).port(), 8082);
        assert!(Cli::try_parse_from(["prizegen", "serve", "letters", "--impl", "v3"]).is_err());
    }

    #[test]
    fn impls_for_all_or_per_service() {
        let all = |imp| Impls { letters: imp, numbers: imp, rules: imp };
        assert_eq!(parse_impls("v2"), Ok(all(Impl::V2)));
        assert_eq!(
            parse_impls("numbers=v2,rules=v2"),
            Ok(Impls { letters: Impl::V1, numbers: Impl::V2, rules: Impl::V2 })
        );
        assert_eq!(
            parse_impls("rules=v2, letters=v2"),
            Ok(Impls { letters: Impl::V2, numbers: Impl::V1, rules: Impl::V2 })
        );
        assert!(parse_impls("v3").unwrap_err().contains("v1 or v2"));
        assert!(parse_impls("dice=v2").unwrap_err().contains("unknown service"));
        assert!(parse_impls("numbers=v9").unwrap_err().contains("v1 or v2"));
        assert!(parse_impls("").is_err());
    }
}
