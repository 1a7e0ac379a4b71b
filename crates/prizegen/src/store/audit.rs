//! The audit log: a hash chain of what the operator and the system did, appended in the same
//! transaction as each action, never changed (see `migrations/*/0004_audit_log.sql` and
//! [`prizegen_domain::audit`] for the chain's rules).
//!
//! What is recorded, by `kind`:
//! - `log.started`: the first entry, with the state the log starts from (the current seed and
//!   every campaign), so a database that existed before the log has a known starting point;
//! - `seed.committed`: a seed became current (its commitment);
//! - `seed.revealed`: a seed was revealed (the seed itself);
//! - `seed.sealed`: the number of draws made under a revealed seed and the Merkle root over
//!   them ([`draw_leaf`], ordered by nonce), recorded once, just after the reveal, from draws
//!   that can no longer change (`frontend::audit::seal`);
//! - `draw.claimed-after-reveal`: a prize-pool sequence generated under a seed was claimed
//!   after that seed's reveal, so its draw is not among the seed's Merkle leaves; the entry
//!   (whose subject is the seed) holds the draw's id and leaf hash instead;
//! - `campaign.created`, `campaign.updated` (before, after, and which fields changed: budget,
//!   active, …), `campaign.deleted` (before);
//! - `operator.signed-in`: a sign-in to the admin pages.
//!
//! Nothing secret goes in: entries are public (`GET /api/v1/audit`).

use super::rows::{Arg, FromRow, StoredRow};
use super::{Campaign, StoredDraw};
use prizegen_domain::audit::{chain_hash, entry_text};
use prizegen_domain::merkle;
use serde_json::{Value, json};

/// A stored entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// Its place in the chain, from 1.
    pub seq: u64,
    /// When, Unix milliseconds.
    pub at_ms: i64,
    /// What happened (see the module's list).
    pub kind: String,
    /// What it happened to: a seed's commitment, a campaign's slug, a draw's id.
    pub subject: String,
    /// The details, canonical JSON.
    pub details: String,
    /// The hash of the entry before (64 zeros for the first).
    pub prev_hash: String,
    /// `SHA-256(prev_hash ‖ canonical entry)`, hex.
    pub hash: String,
}

/// The last entry's place and hash: where the next one goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditHead {
    /// The last entry's seq; 0 while the log is empty.
    pub seq: u64,
    /// The last entry's hash; [`prizegen_domain::audit::GENESIS`] while empty.
    pub hash: String,
}

/// An entry about to be appended.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEntry {
    kind: &'static str,
    subject: String,
    details: Value,
}

/// Who changed a campaign: recorded with the change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// The operator, through the JSON API and the operator token.
    Api,
    /// The operator, signed in to the admin pages.
    AdminPage,
}

impl Actor {
    /// How the audit log names who acted.
    pub fn name(self) -> &'static str {
        match self {
            Self::Api => "operator token (API)",
            Self::AdminPage => "operator (admin pages)",
        }
    }
}

/// A campaign as an entry shows it: every field, what it spent included.
fn campaign_json(campaign: &Campaign) -> Value {
    json!({
        "slug": campaign.slug, "name": campaign.name, "venue": campaign.venue, "date": campaign.date,
        "game": campaign.game, "budget_pence": campaign.budget_pence, "spent_pence": campaign.spent_pence,
        "active": campaign.active,
    })
}

impl NewEntry {
    /// The log's first entry: the state it starts from.
    pub(super) fn started(current_seed: Option<&str>, campaigns: &[Campaign]) -> Self {
        let campaigns: Vec<_> = campaigns.iter().map(campaign_json).collect();
        Self {
            kind: "log.started",
            subject: String::new(),
            details: json!({"current_seed_hash": current_seed, "campaigns": campaigns}),
        }
    }

    /// A seed became current.
    pub(super) fn seed_committed(seed_hash: &str) -> Self {
        Self {
            kind: "seed.committed",
            subject: seed_hash.to_owned(),
            details: json!({"seed_hash": seed_hash}),
        }
    }

    /// A seed was revealed.
    pub(super) fn seed_revealed(seed_hash: &str, server_seed: &str) -> Self {
        Self {
            kind: "seed.revealed",
            subject: seed_hash.to_owned(),
            details: json!({"seed_hash": seed_hash, "server_seed": server_seed}),
        }
    }

    /// A revealed seed's draws: how many, and their Merkle root.
    pub(super) fn seed_sealed(seed_hash: &str, draws: u64, root: &merkle::Hash) -> Self {
        Self {
            kind: "seed.sealed",
            subject: seed_hash.to_owned(),
            details: json!({
                "seed_hash": seed_hash, "draws": draws, "merkle_root": hex::encode(root), "leaf": LEAF_FORMAT,
            }),
        }
    }

    /// A sequence's draw, stored under a seed revealed before it was claimed.
    pub(super) fn claimed_after_reveal(draw: &StoredDraw, sequence: &str) -> Self {
        Self {
            kind: "draw.claimed-after-reveal",
            subject: draw.seed_hash.clone(),
            details: json!({
                "draw_id": draw.id, "seed_hash": draw.seed_hash, "nonce": draw.nonce, "sequence": sequence,
                "leaf_hash": hex::encode(merkle::leaf_hash(draw_leaf(draw).as_bytes())), "leaf": LEAF_FORMAT,
            }),
        }
    }

    /// A campaign was created.
    pub(super) fn campaign_created(campaign: &Campaign, actor: Option<Actor>) -> Self {
        Self {
            kind: "campaign.created",
            subject: campaign.slug.clone(),
            details: json!({"after": campaign_json(campaign), "by": actor.map_or("system (a game's default)", Actor::name)}),
        }
    }

    /// A campaign's fields were replaced.
    pub(super) fn campaign_updated(before: &Campaign, after: &Campaign, actor: Actor) -> Self {
        let (old, new) = (campaign_json(before), campaign_json(after));
        let changed: Vec<&str> = ["name", "venue", "date", "game", "budget_pence", "active"]
            .into_iter()
            .filter(|field| old[field] != new[field])
            .collect();
        Self {
            kind: "campaign.updated",
            subject: before.slug.clone(),
            details: json!({"before": old, "after": new, "changed": changed, "by": actor.name()}),
        }
    }

    /// A campaign was deleted.
    pub(super) fn campaign_deleted(before: &Campaign, actor: Actor) -> Self {
        Self {
            kind: "campaign.deleted",
            subject: before.slug.clone(),
            details: json!({"before": campaign_json(before), "by": actor.name()}),
        }
    }

    /// The operator signed in to the admin pages.
    pub(super) fn fault_switched(service: &str, details: Value) -> Self {
        Self { kind: "fault.switched", subject: service.to_owned(), details }
    }

    pub(super) fn operator_signed_in() -> Self {
        Self { kind: "operator.signed-in", subject: String::new(), details: json!({"via": "admin pages"}) }
    }
}

/// The name of the leaf format, recorded with each root: [`draw_leaf`].
pub const LEAF_FORMAT: &str = "draw-v1";

/// A draw's Merkle leaf: the draw as `GET /api/v1/draws/{id}` gives it, without `player` (an
/// account's deletion anonymises its draws) and `fairness.server_seed` (known only after the
/// reveal), in canonical JSON. So anyone can make the leaf from the API's draw.
pub fn draw_leaf(draw: &StoredDraw) -> String {
    let prize = |p: &Option<prizegen_domain::money::Prize>| {
        p.as_ref().map(|p| json!({"amount_pence": p.amount_pence.0, "label": p.label}))
    };
    let result: Value =
        serde_json::from_str(&draw.result_json).unwrap_or(Value::String(draw.result_json.clone()));
    let mut fairness =
        json!({"seed_hash": draw.seed_hash, "client_seed": draw.client_seed, "nonce": draw.nonce});
    if !draw.collided_nonces.is_empty() {
        fairness["collided_nonces"] = json!(draw.collided_nonces);
    }
    let mut leaf = json!({
        "id": draw.id, "game": draw.game, "campaign": draw.campaign,
        "created_at": super::rfc3339(draw.created_at_ms), "result": result, "prize": prize(&draw.prize),
        "fairness": fairness, "served_by": draw.served_by,
    });
    if draw.downgraded_from.is_some() {
        leaf["downgraded_from"] = json!(prize(&draw.downgraded_from));
    }
    prizegen_domain::audit::canonical_json(&leaf)
}

/// The hash of a draw's leaf.
pub fn draw_leaf_hash(draw: &StoredDraw) -> merkle::Hash {
    merkle::leaf_hash(draw_leaf(draw).as_bytes())
}

/// Every column of an entry.
macro_rules! select_entries {
    () => {
        "SELECT seq, at, kind, subject, details, prev_hash, hash FROM audit_log"
    };
}

/// The head; the servers lock it (`FOR UPDATE`) for an append.
pub(super) const AUDIT_HEAD: &str = "SELECT seq, hash FROM audit_head WHERE id = 1";
/// An entry. Arguments: [`Appended::args`].
pub(super) const INSERT_ENTRY: &str =
    "INSERT INTO audit_log (seq, at, kind, subject, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)";
/// Moves the head, only from where the append found it. Arguments: [`move_head_args`].
pub(super) const MOVE_HEAD: &str = "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1 AND seq = ?";
/// A page of entries after a seq. Arguments: the seq, the limit.
pub(super) const ENTRIES_AFTER: &str = concat!(select_entries!(), " WHERE seq > ? ORDER BY seq LIMIT ?");
/// The entries of a kind about a subject. Arguments: the kind, the subject.
pub(super) const ENTRIES_ABOUT: &str =
    concat!(select_entries!(), " WHERE kind = ? AND subject = ? ORDER BY seq");
/// Every entry of a kind. Arguments: the kind.
pub(super) const ENTRIES_OF_KIND: &str = concat!(select_entries!(), " WHERE kind = ? ORDER BY seq");
/// Whether a seed is sealed. Arguments: its commitment.
pub(super) const SEALED: &str = "SELECT seq FROM audit_log WHERE kind = 'seed.sealed' AND subject = ?";

/// Entries chained after `head`, ready to insert, and the head after them.
pub(super) struct Appended {
    rows: Vec<AuditEntry>,
    /// The head once they are in.
    pub(super) head: AuditHead,
    from: u64,
}

/// Chains `entries` after `head`, all stamped `at_ms`.
pub(super) fn chain(head: AuditHead, entries: Vec<NewEntry>, at_ms: i64) -> Appended {
    let from = head.seq;
    let mut rows = Vec::with_capacity(entries.len());
    let mut head = head;
    for entry in entries {
        let seq = head.seq + 1;
        let text = entry_text(seq, at_ms, entry.kind, &entry.subject, &entry.details);
        let hash = chain_hash(&head.hash, &text).unwrap_or_default();
        rows.push(AuditEntry {
            seq,
            at_ms,
            kind: entry.kind.to_owned(),
            subject: entry.subject,
            details: prizegen_domain::audit::canonical_json(&entry.details),
            prev_hash: std::mem::take(&mut head.hash),
            hash: hash.clone(),
        });
        head = AuditHead { seq, hash };
    }
    Appended { rows, head, from }
}

impl Appended {
    /// [`INSERT_ENTRY`]'s arguments, one list per entry.
    pub(super) fn args(&self) -> impl Iterator<Item = Vec<Arg<'_>>> {
        self.rows.iter().map(|row| {
            vec![
                (row.seq as i64).into(),
                row.at_ms.into(),
                row.kind.as_str().into(),
                row.subject.as_str().into(),
                row.details.as_str().into(),
                row.prev_hash.as_str().into(),
                row.hash.as_str().into(),
            ]
        })
    }

    /// [`MOVE_HEAD`]'s arguments.
    pub(super) fn move_head_args(&self) -> Vec<Arg<'_>> {
        vec![(self.head.seq as i64).into(), self.head.hash.as_str().into(), (self.from as i64).into()]
    }
}

impl FromRow for AuditHead {
    fn from_row<R: StoredRow>(row: &R) -> Result<Self, R::Error> {
        Ok(Self { seq: row.int("seq")? as u64, hash: row.text("hash")? })
    }
}

impl FromRow for AuditEntry {
    fn from_row<R: StoredRow>(row: &R) -> Result<Self, R::Error> {
        Ok(Self {
            seq: row.int("seq")? as u64,
            at_ms: row.int("at")?,
            kind: row.text("kind")?,
            subject: row.text("subject")?,
            details: row.text("details")?,
            prev_hash: row.text("prev_hash")?,
            hash: row.text("hash")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prizegen_domain::audit::GENESIS;

    #[test]
    fn appended_entries_link_to_the_head_and_to_each_other() {
        let head = AuditHead { seq: 0, hash: GENESIS.into() };
        let appended = chain(head, vec![NewEntry::seed_committed("aa"), NewEntry::operator_signed_in()], 5);
        let [first, second] = &appended.rows[..] else { panic!("two rows") };
        assert_eq!((first.seq, first.prev_hash.as_str()), (1, GENESIS));
        assert_eq!((second.seq, second.prev_hash.as_str()), (2, first.hash.as_str()));
        let text = entry_text(2, 5, "operator.signed-in", "", &json!({"via": "admin pages"}));
        assert_eq!(second.hash, chain_hash(&first.hash, &text).unwrap());
        assert_eq!(appended.head, AuditHead { seq: 2, hash: second.hash.clone() });
        assert_eq!(appended.move_head_args()[2], Arg::Int(Some(0)), "moves only from where it was");
        for args in appended.args() {
            assert_eq!(args.len(), INSERT_ENTRY.matches('?').count());
        }
    }

    #[test]
    fn an_update_names_the_fields_it_changed() {
        let before = Campaign {
            slug: "gig".into(),
            name: "Band".into(),
            venue: "Hall".into(),
            date: "2026-05-01".into(),
            game: "attack".into(),
            budget_pence: Some(100),
            spent_pence: 40,
            active: true,
        };
        let after = Campaign { budget_pence: Some(500), active: false, ..before.clone() };
        let entry = NewEntry::campaign_updated(&before, &after, Actor::Api);
        assert_eq!(entry.details["changed"], json!(["budget_pence", "active"]));
        assert_eq!(entry.details["before"]["budget_pence"], 100);
        assert_eq!(entry.details["after"]["budget_pence"], 500);
        assert_eq!((entry.kind, entry.subject.as_str()), ("campaign.updated", "gig"));
    }
}
