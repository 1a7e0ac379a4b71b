//! Checking the audit log from outside, as `prizegen audit verify` does: the chain, entry by
//! entry, and each revealed seed's draws against the root recorded at its reveal.
//!
//! It reads only what the public API gives (`GET /api/v1/audit`, `GET /api/v1/draws/export`)
//! and trusts none of it: every hash is recomputed here. The first thing that does not hold is
//! reported by name — the entry, the seed, or the draw.

use crate::verify::{VerifyError, verify_draw};
use prizegen_domain::audit::{GENESIS, canonical_json, chain_hash, entry_text};
use prizegen_domain::merkle::{RootBuilder, leaf_hash};
use serde_json::Value;
use std::collections::HashMap;

/// A revealed seed's seal as the chain recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reveal {
    /// The `seed.sealed` entry that recorded it.
    pub seq: u64,
    /// The seed's commitment.
    pub seed_hash: String,
    /// The number of draws under it.
    pub draws: u64,
    /// The Merkle root over them, hex.
    pub root: String,
}

/// The chain read so far.
#[derive(Debug)]
pub struct ChainCheck {
    next_seq: u64,
    prev_hash: String,
    /// Every seal of a revealed seed (its draw count and root), in order.
    pub reveals: Vec<Reveal>,
    /// Seeds revealed and not (yet) sealed, with the entry and time of their reveal: sealing
    /// follows a reveal by moments.
    pub unsealed: Vec<(String, u64, i64)>,
    /// Draws claimed after their seed's reveal: draw id → (entry, leaf hash, seed).
    pub late_claims: HashMap<String, (u64, String, String)>,
    /// Each revealed seed's `seed.revealed` entry.
    revealed: HashMap<String, u64>,
}

impl Default for ChainCheck {
    fn default() -> Self {
        Self {
            next_seq: 1,
            prev_hash: GENESIS.to_owned(),
            reveals: Vec::new(),
            unsealed: Vec::new(),
            late_claims: HashMap::new(),
            revealed: HashMap::new(),
        }
    }
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

impl ChainCheck {
    /// The entries checked so far.
    pub fn entries(&self) -> u64 {
        self.next_seq - 1
    }

    /// Checks the next entry (as `GET /api/v1/audit` gives it) against the chain so far.
    pub fn entry(&mut self, entry: &Value) -> Result<(), String> {
        let seq = entry.get("seq").and_then(Value::as_u64).ok_or("an entry without a seq")?;
        let kind = text(entry, "kind").unwrap_or("?");
        let name = format!("entry {seq} ({kind})");
        if seq != self.next_seq {
            return Err(format!(
                "entry {} is missing: after entry {} comes entry {seq}",
                self.next_seq,
                self.next_seq - 1
            ));
        }
        let (Some(at_ms), Some(subject), Some(details), Some(prev), Some(hash)) = (
            entry.get("at_ms").and_then(Value::as_i64),
            text(entry, "subject"),
            entry.get("details"),
            text(entry, "prev_hash"),
            text(entry, "hash"),
        ) else {
            return Err(format!("{name} lacks one of at_ms, subject, details, prev_hash, hash"));
        };
        if prev != self.prev_hash {
            return Err(format!(
                "{name}: its prev_hash {prev} is not entry {}'s hash {}",
                seq - 1,
                self.prev_hash
            ));
        }
        let recomputed = chain_hash(prev, &entry_text(seq, at_ms, kind, subject, details));
        if recomputed.as_deref() != Some(hash) {
            return Err(format!(
                "{name}: its contents hash to {}, not to its recorded hash {hash} — the entry was altered",
                recomputed.unwrap_or_default()
            ));
        }
        match kind {
            "seed.sealed" => {
                let draws = details.get("draws").and_then(Value::as_u64);
                let (Some(draws), Some(root)) = (draws, text(details, "merkle_root")) else {
                    return Err(format!("{name} lacks draws or merkle_root"));
                };
                let seed_hash = subject.to_owned();
                if !self.revealed.contains_key(&seed_hash) {
                    return Err(format!("{name} seals seed {seed_hash}, which no earlier entry revealed"));
                }
                self.unsealed.retain(|(seed, _, _)| *seed != seed_hash);
                self.reveals.push(Reveal { seq, seed_hash, draws, root: root.to_owned() });
            }
            "seed.revealed" => {
                self.revealed.insert(subject.to_owned(), seq);
                self.unsealed.push((subject.to_owned(), seq, at_ms));
            }
            "draw.claimed-after-reveal" => {
                let (Some(draw), Some(leaf)) = (text(details, "draw_id"), text(details, "leaf_hash")) else {
                    return Err(format!("{name} lacks draw_id or leaf_hash"));
                };
                // Only a seed revealed earlier in the chain can have claims after its reveal.
                if text(details, "seed_hash") != Some(subject) || !self.revealed.contains_key(subject) {
                    return Err(format!(
                        "{name} records a claim after the reveal of seed {subject}, not revealed before it"
                    ));
                }
                self.late_claims.insert(draw.to_owned(), (seq, leaf.to_owned(), subject.to_owned()));
            }
            _ => {}
        }
        self.prev_hash = hash.to_owned();
        self.next_seq += 1;
        Ok(())
    }

    /// Checks that the chain read ends at `head` (`{"seq", "hash"}`): nothing cut off its end.
    pub fn ends_at(&self, head: &Value) -> Result<(), String> {
        let seq = head.get("seq").and_then(Value::as_u64);
        let hash = text(head, "hash");
        if seq != Some(self.entries()) || hash != Some(self.prev_hash.as_str()) {
            return Err(format!(
                "the log's head is entry {} with hash {}, but the entries read end at entry {} with hash {}",
                seq.unwrap_or_default(),
                hash.unwrap_or("?"),
                self.entries(),
                self.prev_hash
            ));
        }
        Ok(())
    }
}

/// A draw's Merkle leaf from its API JSON: without `player` and `fairness.server_seed`, in
/// canonical JSON.
pub fn draw_leaf(draw: &Value) -> String {
    let mut leaf = draw.clone();
    if let Some(object) = leaf.as_object_mut() {
        object.remove("player");
        if let Some(fairness) = object.get_mut("fairness").and_then(Value::as_object_mut) {
            fairness.remove("server_seed");
        }
    }
    canonical_json(&leaf)
}

/// One revealed seed's draws, read in nonce order (the export's), against its reveal.
pub struct SeedCheck<'a> {
    reveal: &'a Reveal,
    late_claims: &'a HashMap<String, (u64, String, String)>,
    /// The claims after the reveal found among the draws.
    late_seen: usize,
    tree: RootBuilder,
    last_nonce: Option<u64>,
    /// Draws that re-computed from the seed.
    pub fair: u64,
}

impl<'a> SeedCheck<'a> {
    /// Starts on `reveal`'s seed.
    pub fn new(reveal: &'a Reveal, chain: &'a ChainCheck) -> Self {
        Self {
            reveal,
            late_claims: &chain.late_claims,
            late_seen: 0,
            tree: RootBuilder::new(),
            last_nonce: None,
            fair: 0,
        }
    }

    /// The next draw: it must re-compute from the revealed seed, follow the last by nonce, and
    /// be either a leaf or a claim the chain recorded after the reveal.
    pub fn draw(&mut self, draw: &Value) -> Result<(), String> {
        let id = text(draw, "id").unwrap_or("?");
        let nonce = draw.get("fairness").and_then(|f| f.get("nonce")).and_then(Value::as_u64);
        let Some(nonce) = nonce else { return Err(format!("draw {id} has no fairness.nonce")) };
        if self.last_nonce.is_some_and(|last| nonce <= last) {
            return Err(format!("draw {id}: nonce {nonce} does not follow {}", self.last_nonce.unwrap_or(0)));
        }
        self.last_nonce = Some(nonce);
        match verify_draw(draw, None) {
            Ok(_) => self.fair += 1,
            Err(VerifyError::Mismatch(why)) => return Err(format!("draw {id} does not re-compute: {why}")),
            Err(error) => return Err(format!("draw {id}: {error}")),
        }
        let leaf = leaf_hash(draw_leaf(draw).as_bytes());
        if let Some((seq, recorded, seed)) = self.late_claims.get(id) {
            if *seed != self.reveal.seed_hash || text(draw, "game") != Some("prize-pool") {
                return Err(format!(
                    "draw {id}: entry {seq} records it as a prize-pool claim of seed {seed}, which it is not"
                ));
            }
            if *recorded != hex::encode(leaf) {
                return Err(format!("draw {id} differs from what entry {seq} recorded when it was claimed"));
            }
            self.late_seen += 1;
            return Ok(());
        }
        self.tree.push(leaf);
        Ok(())
    }

    /// Whether the draws read are the ones the reveal recorded: as many, with the same root.
    pub fn finish(self) -> Result<u64, String> {
        let Reveal { seq, seed_hash, draws, root } = self.reveal;
        let late = self.late_claims.iter().filter(|(_, (_, _, seed))| seed == seed_hash);
        if self.late_seen != late.clone().count() {
            let missing: Vec<String> = late.map(|(id, (seq, _, _))| format!("{id} (entry {seq})")).collect();
            return Err(format!(
                "seed {seed_hash}: of the claims recorded after its reveal, {} are among its draws; recorded: {} — a \
                 draw was removed",
                self.late_seen,
                missing.join(", ")
            ));
        }
        let (count, got) = (self.tree.count(), hex::encode(self.tree.root()));
        if count != *draws {
            return Err(format!(
                "seed {seed_hash} (entry {seq}): {count} draws now, {draws} recorded when it was sealed — draws were {}",
                if count < *draws { "removed" } else { "added" }
            ));
        }
        if got != *root {
            return Err(format!(
                "seed {seed_hash} (entry {seq}): its draws' Merkle root is {got}, not the {root} recorded when \
                 it was sealed — a draw under it was changed"
            ));
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chained(entries: &mut [Value]) {
        let mut prev = GENESIS.to_owned();
        for entry in entries.iter_mut() {
            entry["prev_hash"] = json!(prev);
            let text = entry_text(
                entry["seq"].as_u64().unwrap(),
                entry["at_ms"].as_i64().unwrap(),
                entry["kind"].as_str().unwrap(),
                entry["subject"].as_str().unwrap(),
                &entry["details"],
            );
            prev = chain_hash(&prev, &text).unwrap();
            entry["hash"] = json!(prev);
        }
    }

    fn log() -> Vec<Value> {
        let mut entries = vec![
            json!({"seq": 1, "at_ms": 1, "kind": "seed.committed", "subject": "s", "details": {"seed_hash": "s"}}),
            json!({"seq": 2, "at_ms": 2, "kind": "campaign.created", "subject": "gig", "details": {"after": {"budget_pence": 100}}}),
            json!({"seq": 3, "at_ms": 3, "kind": "seed.revealed", "subject": "s", "details": {"seed_hash": "s"}}),
            json!({"seq": 4, "at_ms": 4, "kind": "seed.sealed", "subject": "s",
                   "details": {"draws": 0, "merkle_root": hex::encode(RootBuilder::new().root())}}),
        ];
        chained(&mut entries);
        entries
    }

    fn check(entries: &[Value]) -> Result<ChainCheck, String> {
        let mut chain = ChainCheck::default();
        for entry in entries {
            chain.entry(entry)?;
        }
        Ok(chain)
    }

    #[test]
    fn an_intact_chain_passes_and_ends_at_its_head() {
        let entries = log();
        let chain = check(&entries).unwrap();
        assert_eq!(chain.entries(), 4);
        assert_eq!(chain.reveals[0].seq, 4);
        assert!(chain.unsealed.is_empty(), "sealed after its reveal");
        chain.ends_at(&json!({"seq": 4, "hash": entries[3]["hash"]})).unwrap();
        let cut = chain.ends_at(&json!({"seq": 5, "hash": "x"})).unwrap_err();
        assert!(cut.contains("head is entry 5"), "{cut}");
    }

    #[test]
    fn a_changed_byte_names_its_entry() {
        let mut entries = log();
        entries[1]["details"]["after"]["budget_pence"] = json!(900);
        let error = check(&entries).unwrap_err();
        assert!(error.starts_with("entry 2 (campaign.created): its contents hash to"), "{error}");
    }

    #[test]
    fn a_rechained_forgery_still_breaks_at_the_next_entry_or_the_head() {
        // Changing an entry and recomputing its own hash leaves the next entry's prev_hash behind.
        let mut entries = log();
        entries[1]["details"]["after"]["budget_pence"] = json!(900);
        let text = entry_text(2, 2, "campaign.created", "gig", &entries[1]["details"]);
        entries[1]["hash"] = json!(chain_hash(entries[1]["prev_hash"].as_str().unwrap(), &text).unwrap());
        let error = check(&entries).unwrap_err();
        assert!(error.starts_with("entry 3 (seed.revealed): its prev_hash"), "{error}");
    }

    #[test]
    fn a_seal_or_a_late_claim_needs_an_earlier_reveal() {
        let mut entries = log();
        entries.remove(2);
        for (i, entry) in entries.iter_mut().enumerate() {
            entry["seq"] = json!(i + 1);
        }
        chained(&mut entries);
        let error = check(&entries).unwrap_err();
        assert!(error.contains("seals seed s, which no earlier entry revealed"), "{error}");
        let mut claim = log()[..2].to_vec();
        claim.push(json!({"seq": 3, "at_ms": 3, "kind": "draw.claimed-after-reveal", "subject": "s",
                          "details": {"draw_id": "d", "leaf_hash": "00", "seed_hash": "s"}}));
        chained(&mut claim);
        let error = check(&claim).unwrap_err();
        assert!(error.contains("not revealed before it"), "{error}");
    }

    #[test]
    fn a_removed_entry_is_named() {
        let mut entries = log();
        entries.remove(1);
        assert_eq!(check(&entries).unwrap_err(), "entry 2 is missing: after entry 1 comes entry 3");
    }

    /// docs/fairness.md's worked example: the chain, the root and the proof that Rust computes
    /// from docs/examples/ are the values the page lists, and the page's Python script, run on
    /// the same files, prints them too.
    #[test]
    fn the_worked_example_in_the_docs() {
        let docs = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs");
        let page = std::fs::read_to_string(format!("{docs}/fairness.md")).unwrap();
        let read = |name: &str| -> Vec<Value> {
            let text = std::fs::read_to_string(format!("{docs}/examples/{name}")).unwrap();
            text.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
        };
        let (log, draws) = (read("audit_log.ndjson"), read("audit_draws.ndjson"));
        let mut chain = ChainCheck::default();
        for entry in &log {
            chain.entry(entry).unwrap();
        }
        let reveal = chain.reveals[0].clone();
        let mut seed = SeedCheck::new(&reveal, &chain);
        for draw in &draws {
            seed.draw(draw).unwrap();
        }
        assert_eq!(seed.finish().unwrap(), 3);
        let leaves: Vec<_> = draws.iter().map(|d| leaf_hash(draw_leaf(d).as_bytes())).collect();
        let proof = prizegen_domain::merkle::inclusion_proof(&leaves, 1).unwrap();
        assert_eq!(proof, [leaves[0], leaves[2]], "the proof the page describes");
        let head = log[2]["hash"].as_str().unwrap();
        let mut listed: Vec<String> = log.iter().map(|e| e["hash"].as_str().unwrap().to_owned()).collect();
        listed.push(reveal.root.clone());
        listed.extend(leaves.iter().map(hex::encode));
        listed.push(draw_leaf(&draws[1]));
        for value in &listed {
            assert!(page.contains(value.as_str()), "docs/fairness.md lists {value}");
        }
        let python = std::process::Command::new("python3")
            .arg(format!("{docs}/examples/audit_check.py"))
            .args([
                format!("{docs}/examples/audit_log.ndjson"),
                format!("{docs}/examples/audit_draws.ndjson"),
            ])
            .arg("01900000-0000-7000-8000-000000000002")
            .output()
            .expect("python3 runs");
        let printed = String::from_utf8_lossy(&python.stdout);
        assert!(python.status.success(), "{printed}");
        for value in &listed {
            assert!(printed.contains(value.as_str()), "the script prints {value}: {printed}");
        }
        assert!(printed.contains(&format!("ok: 3 entries chain, head {head}")), "{printed}");
    }
}
