//! `/audit`: the audit log, a page at a time, in chain order (oldest first, so each row's
//! `prev_hash` is the hash of the row above). `?after=N` pages as the JSON API does (the entries
//! after seq N); without it the page shows the latest entries. The chain's head is at the top.
//! The page only shows the log: checking it is for `prizegen audit verify` and the verifier,
//! which recompute the hashes themselves rather than take this page's word.

use super::{Frame, money, render};
use crate::contract::faults::Fault;
use crate::frontend::Frontend;
use crate::frontend::auth::Visitor;
use crate::frontend::error::PageError;
use crate::frontend::view::rfc3339;
use crate::store::AuditEntry;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use http::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;

/// Entries per page.
const PAGE: u64 = 50;

/// `?after=`: the entries after this seq.
#[derive(Deserialize)]
pub struct AuditQuery {
    after: Option<String>,
}

/// A piece of an entry's summary.
enum Part {
    /// Words.
    Text(String),
    /// A hash or seed, shortened.
    Hash(Hex),
    /// A link (to a draw).
    Link { href: String, text: String },
}

/// A hash or seed (hex) as a table cell shows it: its first 12 digits, the whole value in the
/// element's title.
struct Hex {
    full: String,
    short: String,
}

impl Hex {
    fn new(full: String) -> Self {
        let short = match full.get(..12) {
            Some(start) if full.len() > 12 => format!("{start}…"),
            _ => full.clone(),
        };
        Self { full, short }
    }
}

/// An entry as a row of the page.
struct Row {
    seq: u64,
    /// RFC 3339, for `<time datetime>`.
    at: String,
    /// Date and time to the second, for people.
    at_shown: String,
    kind: String,
    subject: Part,
    summary: Vec<Part>,
    prev_hash: Hex,
    hash: Hex,
}

/// A link to another page of the log.
struct PageLink {
    label: &'static str,
    href: String,
    id: &'static str,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    head_seq: u64,
    head_hash: String,
    rows: Vec<Row>,
    /// The `after` of this page, for the JSON link.
    after: u64,
    page: u64,
    links: Vec<PageLink>,
    frame: Frame,
}

/// A value of an entry's details as words: text as it is, null as "none".
fn words(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => "none".to_owned(),
        other => other.to_string(),
    }
}

/// A campaign's field, as the change list shows it.
fn field(name: &str, value: &Value) -> String {
    match name {
        "budget_pence" | "spent_pence" => money(value.as_u64()),
        "active" if value.as_bool() == Some(true) => "yes".to_owned(),
        "active" => "no".to_owned(),
        "date" | "game" => words(value),
        _ => format!("“{}”", words(value)),
    }
}

/// What a campaign field is called on the page.
fn field_name(name: &str) -> &str {
    match name {
        "budget_pence" => "budget",
        "spent_pence" => "spent",
        other => other,
    }
}

/// The "by whom" of a campaign entry.
fn by(details: &Value) -> Part {
    Part::Text(format!(" · by {}", words(&details["by"])))
}

/// An entry's details, in a sentence with its hashes shortened.
fn summary(kind: &str, details: &Value) -> Vec<Part> {
    let text = |t: String| Part::Text(t);
    let hash = |v: &Value| Part::Hash(Hex::new(words(v)));
    match kind {
        "log.started" => {
            let campaigns = details["campaigns"].as_array().map_or(0, Vec::len);
            let mut parts = vec![text("the log begins; current seed ".into())];
            parts.push(if details["current_seed_hash"].is_string() {
                hash(&details["current_seed_hash"])
            } else {
                text("none".into())
            });
            parts.push(text(format!(", {campaigns} campaign{}", if campaigns == 1 { "" } else { "s" })));
            parts
        }
        "seed.committed" => vec![text("a new current seed, committed to before any draw uses it".into())],
        "seed.revealed" => vec![text("revealed: seed ".into()), hash(&details["server_seed"])],
        "seed.sealed" => vec![
            text(format!("sealed: {} draws, root ", words(&details["draws"]))),
            hash(&details["merkle_root"]),
        ],
        "draw.claimed-after-reveal" => {
            let mut parts = vec![
                text(format!(
                    "claimed after its seed's reveal: sequence {}, nonce {}, leaf ",
                    words(&details["sequence"]),
                    words(&details["nonce"])
                )),
                hash(&details["leaf_hash"]),
            ];
            if let Some(id) = details["draw_id"].as_str() {
                parts.push(text(", draw ".into()));
                parts.push(Part::Link { href: format!("/draws/{id}"), text: id.to_owned() });
            }
            parts
        }
        "campaign.created" => {
            let after = &details["after"];
            let active = if after["active"].as_bool() == Some(true) { "active" } else { "inactive" };
            let created = format!(
                "created: {}, budget {}, {active}",
                words(&after["game"]),
                field("budget_pence", &after["budget_pence"])
            );
            vec![text(created), by(details)]
        }
        "campaign.updated" => {
            let changes: Vec<String> = details["changed"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|name| {
                    let (was, now) = (&details["before"][name], &details["after"][name]);
                    format!("{} {} → {}", field_name(name), field(name, was), field(name, now))
                })
                .collect();
            let changed = if changes.is_empty() { "saved unchanged".to_owned() } else { changes.join("; ") };
            vec![text(changed), by(details)]
        }
        "campaign.deleted" => {
            let before = &details["before"];
            let deleted = format!(
                "deleted: {}, spent {} of {}",
                words(&before["game"]),
                field("spent_pence", &before["spent_pence"]),
                field("budget_pence", &before["budget_pence"])
            );
            vec![text(deleted), by(details)]
        }
        "operator.signed-in" => vec![text(format!("signed in ({})", words(&details["via"])))],
        "fault.switched" => {
            let switched =
                format!("faults {} (were {})", fault(&details["after"]), fault(&details["before"]));
            vec![text(switched), by(details)]
        }
        _ => vec![text(details.to_string())],
    }
}

/// A fault switch in words: "off", or what is on.
fn fault(switch: &Value) -> String {
    serde_json::from_value::<Fault>(switch.clone())
        .map_or_else(|_| switch.to_string(), |fault| crate::frontend::faults::describe(&fault))
}

/// An entry's subject by its form: a seed's commitment (64 hex digits), a draw's id (a UUID,
/// linked to its page), a campaign's slug, or nothing.
fn subject(subject: String) -> Part {
    let hex = subject.len() == 64 && subject.bytes().all(|b| b.is_ascii_hexdigit());
    let uuid = subject.len() == 36
        && subject
            .bytes()
            .enumerate()
            .all(|(i, b)| if [8, 13, 18, 23].contains(&i) { b == b'-' } else { b.is_ascii_hexdigit() });
    if subject.is_empty() {
        Part::Text("—".to_owned())
    } else if hex {
        Part::Hash(Hex::new(subject))
    } else if uuid {
        Part::Link { href: format!("/draws/{subject}"), text: subject }
    } else {
        Part::Text(subject)
    }
}

impl Row {
    fn of(entry: AuditEntry) -> Self {
        let details: Value = serde_json::from_str(&entry.details).unwrap_or(Value::String(entry.details));
        let subject = subject(entry.subject);
        let at = rfc3339(entry.at_ms);
        Self {
            seq: entry.seq,
            at_shown: at.get(..19).unwrap_or(&at).replace('T', " "),
            at,
            summary: summary(&entry.kind, &details),
            kind: entry.kind,
            subject,
            prev_hash: Hex::new(entry.prev_hash),
            hash: Hex::new(entry.hash),
        }
    }
}

/// `GET /audit`.
pub async fn page(
    State(front): State<Arc<Frontend>>,
    Visitor(viewer): Visitor,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let head = front.store.audit_head().await?;
    let latest = head.seq.saturating_sub(PAGE);
    let after = match query.after.as_deref().filter(|a| !a.is_empty()) {
        None => latest,
        Some(after) => after
            .parse::<u64>()
            .map_err(|_| PageError::not_found("There is no such page of the audit log."))?,
    };
    let entries = front.store.audit_entries(after, PAGE as u32).await?;
    let rows: Vec<Row> = entries.into_iter().map(Row::of).collect();
    let mut links = Vec::new();
    if after > 0 {
        let earlier = after.saturating_sub(PAGE);
        if earlier > 0 {
            links.push(PageLink { label: "First entries", href: "/audit?after=0".into(), id: "first-page" });
        }
        links.push(PageLink {
            label: "Earlier entries",
            href: format!("/audit?after={earlier}"),
            id: "earlier",
        });
    }
    let last = rows.last().map_or(after, |r| r.seq);
    if last < head.seq {
        links.push(PageLink { label: "Later entries", href: format!("/audit?after={last}"), id: "later" });
        if last < latest {
            links.push(PageLink { label: "Latest entries", href: "/audit".into(), id: "latest" });
        }
    }
    let page = AuditPage {
        head_seq: head.seq,
        head_hash: head.hash,
        rows,
        after,
        page: PAGE,
        links,
        frame: Frame::new(&front, None, viewer.as_ref()),
    };
    Ok(render(StatusCode::OK, &page))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The summary as the page reads, hashes shortened.
    fn read(parts: &[Part]) -> String {
        parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => text.clone(),
                Part::Hash(hex) => hex.short.clone(),
                Part::Link { text, .. } => text.clone(),
            })
            .collect()
    }

    #[test]
    fn a_budget_change_reads_as_before_and_after() {
        let campaign = json!({"slug": "gig", "name": "Band", "venue": "Hall", "date": "2026-05-01",
                              "game": "attack", "budget_pence": 10000, "spent_pence": 40, "active": true});
        let mut after = campaign.clone();
        after["budget_pence"] = json!(50050);
        after["active"] = json!(false);
        let details = json!({"before": campaign, "after": after, "changed": ["budget_pence", "active"],
                             "by": "operator token (API)"});
        assert_eq!(
            read(&summary("campaign.updated", &details)),
            "budget £100 → £500.50; active yes → no · by operator token (API)"
        );
    }

    #[test]
    fn a_reveal_reads_as_its_seed_and_a_seal_as_its_draws_and_root() {
        let root = "0a5a".repeat(16);
        let revealed = json!({"seed_hash": "aa", "server_seed": "bb".repeat(32)});
        assert_eq!(read(&summary("seed.revealed", &revealed)), "revealed: seed bbbbbbbbbbbb…");
        let details = json!({"seed_hash": "aa", "draws": 6, "merkle_root": root, "leaf": "draw-v1"});
        let parts = summary("seed.sealed", &details);
        assert_eq!(read(&parts), "sealed: 6 draws, root 0a5a0a5a0a5a…");
        assert!(matches!(&parts[1], Part::Hash(hex) if hex.full == root), "the whole root is kept");
    }

    #[test]
    fn a_fault_switch_reads_as_what_is_on_and_what_was() {
        let off = json!({"latency_ms": 0, "error_share": 0.0, "hang_share": 0.0});
        let on = json!({"latency_ms": 3000, "error_share": 0.2, "hang_share": 0.0});
        let details = json!({"before": off, "after": on, "by": "operator token (API)"});
        assert_eq!(
            read(&summary("fault.switched", &details)),
            "faults +3000 ms, 20% errors (were off) · by operator token (API)"
        );
    }

    #[test]
    fn an_unknown_kind_shows_its_details_as_they_are() {
        let details = json!({"x": 1});
        assert_eq!(read(&summary("something.new", &details)), r#"{"x":1}"#);
        assert_eq!(Hex::new("abc".into()).short, "abc");
    }
}
