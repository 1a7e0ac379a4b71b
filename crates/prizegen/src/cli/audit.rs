//! `prizegen audit verify URL|FILE`: recomputes the audit log's chain and, from a URL, every
//! revealed seed's Merkle root from its exported draws (see [`crate::audit_check`]). Exits 0
//! when everything holds, 1 naming the first thing that does not, 2 when it cannot read.

use super::args::AuditVerifyArgs;
use crate::audit_check::{ChainCheck, SeedCheck};
use crate::tls;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use std::process::ExitCode;
use std::time::Duration;

type HttpsClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Empty<Bytes>>;

/// Entries read per request.
const PAGE: u32 = 1000;
/// The longest one request may take to start answering.
const TIMEOUT: Duration = Duration::from_secs(30);

/// What stopped the check.
enum Stop {
    /// Something was altered: exit 1.
    Altered(String),
    /// It could not be read: exit 2.
    Unreadable(String),
}

/// Runs the command.
pub async fn run(args: &AuditVerifyArgs) -> ExitCode {
    let target = args.source.as_str();
    let outcome = if target.starts_with("http://") || target.starts_with("https://") {
        from_url(target.trim_end_matches('/'), args).await
    } else {
        from_file(target, args)
    };
    match outcome {
        Ok(summary) => {
            println!("ok: {summary}");
            ExitCode::SUCCESS
        }
        Err(Stop::Altered(why)) => {
            println!("ALTERED: {why}");
            ExitCode::FAILURE
        }
        Err(Stop::Unreadable(why)) => {
            eprintln!("prizegen audit verify: {why}");
            ExitCode::from(2)
        }
    }
}

/// Checks each `--known SEQ:HASH` (a head someone kept earlier) against the chain as read.
fn check_known(chain_hashes: &[(u64, String)], args: &AuditVerifyArgs) -> Result<(), Stop> {
    for known in &args.known {
        let (seq, hash) = known;
        match chain_hashes.iter().find(|(s, _)| s == seq) {
            Some((_, found)) if found == hash => {}
            Some((_, found)) => {
                return Err(Stop::Altered(format!(
                    "entry {seq} now has hash {found}, but {hash} was known for it: the log was rewritten from \
                     there on"
                )));
            }
            None => return Err(Stop::Altered(format!("entry {seq}, known with hash {hash}, is gone"))),
        }
    }
    Ok(())
}

fn altered(why: String) -> Stop {
    Stop::Altered(why)
}

/// A file of entries: NDJSON, a list, or pages of `GET /api/v1/audit` one after another.
fn from_file(path: &str, args: &AuditVerifyArgs) -> Result<String, Stop> {
    let file = std::fs::File::open(path).map_err(|e| Stop::Unreadable(format!("cannot read {path}: {e}")))?;
    let values = serde_json::Deserializer::from_reader(std::io::BufReader::new(file)).into_iter::<Value>();
    let mut chain = ChainCheck::default();
    let mut hashes = Vec::new();
    let mut head = None;
    for value in values {
        let value = value.map_err(|e| Stop::Unreadable(format!("{path} is not JSON: {e}")))?;
        let entries = match value {
            Value::Array(entries) => entries,
            Value::Object(mut page) if page.contains_key("entries") => {
                head = page.remove("head").or(head);
                match page.remove("entries") {
                    Some(Value::Array(entries)) => entries,
                    _ => return Err(Stop::Unreadable(format!("{path}: `entries` is not a list"))),
                }
            }
            entry => vec![entry],
        };
        for entry in &entries {
            chain.entry(entry).map_err(altered)?;
            hashes.push((chain.entries(), entry["hash"].as_str().unwrap_or_default().to_owned()));
        }
    }
    // Pages saved from a live log may hold entries past the head read with them: the head must
    // be one of the entries.
    if let Some(head) = head {
        let found = hashes.iter().find(|(seq, _)| Some(*seq) == head["seq"].as_u64());
        if found.is_none_or(|(_, hash)| Some(hash.as_str()) != head["hash"].as_str()) {
            chain.ends_at(&head).map_err(altered)?;
        }
    }
    check_known(&hashes, args)?;
    let Some(draws_path) = &args.draws else {
        return Ok(format!(
            "{} entries chain correctly; {} seed reveals not checked against their draws (give them with --draws, \
             or check the URL)",
            chain.entries(),
            chain.reveals.len()
        ));
    };
    let shown = draws_path.display();
    let file =
        std::fs::File::open(draws_path).map_err(|e| Stop::Unreadable(format!("cannot read {shown}: {e}")))?;
    let mut by_seed: std::collections::HashMap<String, Vec<Value>> = std::collections::HashMap::new();
    for draw in serde_json::Deserializer::from_reader(std::io::BufReader::new(file)).into_iter::<Value>() {
        let draw = draw.map_err(|e| Stop::Unreadable(format!("{shown} is not JSON: {e}")))?;
        let seed = draw["fairness"]["seed_hash"].as_str().unwrap_or_default().to_owned();
        by_seed.entry(seed).or_default().push(draw);
    }
    let (mut draws, mut fair) = (0, 0);
    for reveal in &chain.reveals {
        let mut seed_draws = match by_seed.remove(&reveal.seed_hash) {
            Some(draws) => draws,
            None if reveal.draws == 0 => Vec::new(),
            None => {
                return Err(Stop::Unreadable(format!(
                    "{shown} holds no draws of seed {} (sealed in entry {}): give its export too",
                    reveal.seed_hash, reveal.seq
                )));
            }
        };
        seed_draws.sort_by_key(|d| d["fairness"]["nonce"].as_u64());
        let mut seed = SeedCheck::new(reveal, &chain);
        for draw in &seed_draws {
            seed.draw(draw).map_err(altered)?;
        }
        fair += seed.fair;
        draws += seed.finish().map_err(altered)?;
    }
    Ok(format!(
        "{} entries chain correctly; {} revealed seeds' roots match their {draws} draws; {fair} draws re-compute \
         from their seeds{}",
        chain.entries(),
        chain.reveals.len(),
        unsealed(&chain)?,
    ))
}

/// The live log: every page of entries, the head, then each revealed seed's export.
async fn from_url(base: &str, args: &AuditVerifyArgs) -> Result<String, Stop> {
    let connector =
        tls::connector(&args.tls.options(), Some(TIMEOUT)).map_err(|e| Stop::Unreadable(e.to_string()))?;
    let client: HttpsClient = Client::builder(TokioExecutor::new()).build(connector);
    let mut chain = ChainCheck::default();
    let mut hashes = Vec::new();
    let head = read_entries(&client, base, &mut chain, &mut hashes).await?;
    // Entries appended while reading are past the head read with the last page; the head must
    // be one of the entries read.
    let at_head = hashes.iter().position(|(seq, _)| Some(*seq) == head["seq"].as_u64());
    match at_head {
        Some(i) if hashes[i].1 == head["hash"].as_str().unwrap_or_default() => {}
        _ if head["seq"].as_u64() == Some(0) && hashes.is_empty() => {}
        _ => chain.ends_at(&head).map_err(altered)?,
    }
    check_known(&hashes, args)?;
    let (mut draws, mut fair) = (0, 0);
    let mut checked = 0;
    while checked < chain.reveals.len() {
        let reveal = chain.reveals[checked].clone();
        let outcome = match check_seed(&client, base, &reveal, &chain).await {
            // A claim after the reveal that landed while this ran is in the export but past the
            // entries read: read the entries appended since, and check the seed once more.
            Err(Stop::Altered(_)) => {
                read_entries(&client, base, &mut chain, &mut hashes).await?;
                check_seed(&client, base, &reveal, &chain).await
            }
            other => other,
        };
        let (count, fair_here) = outcome?;
        draws += count;
        fair += fair_here;
        checked += 1;
    }
    Ok(format!(
        "{} entries chain correctly up to head {}; {} revealed seeds' roots match their {draws} draws; {fair} draws \
         re-compute from their seeds{}",
        chain.entries(),
        head["hash"].as_str().unwrap_or("?"),
        chain.reveals.len(),
        unsealed(&chain)?,
    ))
}

/// Reads the entries after the last one `chain` holds, a page at a time, checking each; the
/// head read with the last page.
async fn read_entries(
    client: &HttpsClient,
    base: &str,
    chain: &mut ChainCheck,
    hashes: &mut Vec<(u64, String)>,
) -> Result<Value, Stop> {
    let mut after = chain.entries();
    loop {
        let url = format!("{base}/api/v1/audit?after={after}&limit={PAGE}");
        let page: Value = serde_json::from_slice(&get(client, &url).await?)
            .map_err(|e| Stop::Unreadable(format!("{url}: not JSON: {e}")))?;
        let entries = page["entries"].as_array().cloned().unwrap_or_default();
        for entry in &entries {
            chain.entry(entry).map_err(altered)?;
            hashes.push((chain.entries(), entry["hash"].as_str().unwrap_or_default().to_owned()));
        }
        match page["next_after"].as_u64() {
            Some(next) if !entries.is_empty() => after = next,
            _ => return Ok(page["head"].clone()),
        }
    }
}

/// One sealed seed's export, streamed against its seal: its draws and those re-computed.
async fn check_seed(
    client: &HttpsClient,
    base: &str,
    reveal: &crate::audit_check::Reveal,
    chain: &ChainCheck,
) -> Result<(u64, u64), Stop> {
    let mut seed = SeedCheck::new(reveal, chain);
    let url = format!("{base}/api/v1/draws/export?seed_hash={}", reveal.seed_hash);
    let mut response = answer(client, &url).await?;
    // A sealed seed the server no longer knows: its row, and with it its draws, are gone.
    if response.status() == http::StatusCode::NOT_FOUND {
        return Err(Stop::Altered(format!(
            "seed {} (sealed in entry {}) is gone: the export answers 404",
            reveal.seed_hash, reveal.seq
        )));
    }
    ok(&response, &url)?;
    let mut pending = Vec::new();
    while let Some(frame) = response.frame().await {
        let frame = frame.map_err(|e| Stop::Unreadable(format!("{url}: the transfer broke: {e}")))?;
        let Ok(data) = frame.into_data() else { continue };
        pending.extend_from_slice(&data);
        while let Some(end) = pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            let draw: Value = serde_json::from_slice(&line)
                .map_err(|e| Stop::Unreadable(format!("{url}: a line is not JSON: {e}")))?;
            seed.draw(&draw).map_err(altered)?;
        }
    }
    if !pending.iter().all(u8::is_ascii_whitespace) {
        return Err(Stop::Unreadable(format!("{url}: the export ends mid-line")));
    }
    let fair = seed.fair;
    Ok((seed.finish().map_err(altered)?, fair))
}

/// How long a revealed seed may go unsealed before that counts as the record being withheld.
const SEAL_WITHIN_MS: i64 = 10 * 60 * 1000;

/// The revealed seeds not sealed yet, said after the summary (sealing follows a reveal by
/// moments); one revealed longer than [`SEAL_WITHIN_MS`] ago without a seal is an alteration:
/// the record of its draws is being withheld.
fn unsealed(chain: &ChainCheck) -> Result<String, Stop> {
    let now = crate::store::now_ms();
    if let Some((seed, seq, at)) = chain.unsealed.iter().find(|(_, _, at)| now - at > SEAL_WITHIN_MS) {
        let minutes = (now - at) / 60_000;
        return Err(Stop::Altered(format!(
            "seed {seed} was revealed {minutes} minutes ago (entry {seq}) and its draws were never sealed"
        )));
    }
    Ok(match chain.unsealed.len() {
        0 => String::new(),
        n => {
            let seeds: Vec<&str> = chain.unsealed.iter().map(|(seed, _, _)| seed.as_str()).collect();
            format!("; {n} revealed seeds not sealed yet: {}", seeds.join(", "))
        }
    })
}

/// A GET whose answer must be 200.
async fn request(client: &HttpsClient, url: &str) -> Result<hyper::Response<hyper::body::Incoming>, Stop> {
    let response = answer(client, url).await?;
    ok(&response, url)?;
    Ok(response)
}

/// A GET's answer, whatever its status.
async fn answer(client: &HttpsClient, url: &str) -> Result<hyper::Response<hyper::body::Incoming>, Stop> {
    let uri: http::Uri = url.parse().map_err(|e| Stop::Unreadable(format!("{url}: not a URL: {e}")))?;
    let request = http::Request::get(uri)
        .header(http::header::USER_AGENT, "prizegen-audit-verify")
        .body(Empty::new())
        .map_err(|e| Stop::Unreadable(e.to_string()))?;
    tokio::time::timeout(TIMEOUT, client.request(request))
        .await
        .map_err(|_| Stop::Unreadable(format!("{url}: no answer within {TIMEOUT:?}")))?
        .map_err(|e| {
            Stop::Unreadable(format!("{url}: unreachable: {}", crate::server::error::ErrorChain(&e)))
        })
}

/// Whether an answer is the 200 that was asked for.
fn ok(response: &hyper::Response<hyper::body::Incoming>, url: &str) -> Result<(), Stop> {
    match response.status() {
        http::StatusCode::OK => Ok(()),
        status => Err(Stop::Unreadable(format!("{url}: answered {status}"))),
    }
}

/// A GET's whole body.
async fn get(client: &HttpsClient, url: &str) -> Result<Bytes, Stop> {
    let response = request(client, url).await?;
    let body = response.into_body().collect().await;
    Ok(body.map_err(|e| Stop::Unreadable(format!("{url}: the transfer broke: {e}")))?.to_bytes())
}
