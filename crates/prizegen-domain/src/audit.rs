//! The audit log's hash chain: how an entry is written down as bytes, and how each entry's hash
//! covers the one before it.
//!
//! - An entry is the JSON object `{"at_ms", "details", "kind", "seq", "subject"}` in canonical
//!   form (RFC 8785, JCS): keys sorted, no whitespace, strings escaped as JSON's minimum. Every
//!   value in an entry is a string, an integer, a boolean, null, an array or an object, so any
//!   JSON library that sorts keys and prints compactly (Python's
//!   `json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`) writes the same
//!   bytes.
//! - `hash = SHA-256(prev_hash ‖ entry)`, `prev_hash` as its 32 bytes; the first entry's
//!   `prev_hash` is [`GENESIS`] (32 zero bytes). Changing any byte of any entry changes its hash
//!   and breaks the link to every entry after it.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry: 32 zero bytes, in hex.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// `value` in canonical JSON (RFC 8785 for the values entries hold: no fractions).
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            // RFC 8785 §3.2.3: by the keys' UTF-16 code units.
            entries.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(item, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// An entry's canonical bytes, the part of its hash after `prev_hash`.
pub fn entry_text(seq: u64, at_ms: i64, kind: &str, subject: &str, details: &Value) -> String {
    let entry = serde_json::json!({
        "seq": seq, "at_ms": at_ms, "kind": kind, "subject": subject, "details": details,
    });
    canonical_json(&entry)
}

/// `hex(SHA-256(prev_hash ‖ entry))`; `None` when `prev_hash` is not 64 hex digits.
pub fn chain_hash(prev_hash: &str, entry: &str) -> Option<String> {
    let prev: [u8; 32] = hex::decode(prev_hash).ok()?.try_into().ok()?;
    let mut hasher = Sha256::new();
    hasher.update(prev);
    hasher.update(entry.as_bytes());
    Some(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_sorts_keys_at_every_depth_and_drops_whitespace() {
        let value = json!({"b": [3, {"z": null, "a": true}], "a": "x\ny\u{1f}é", "A": -1});
        assert_eq!(canonical_json(&value), r#"{"A":-1,"a":"x\ny\u001fé","b":[3,{"a":true,"z":null}]}"#);
    }

    #[test]
    fn keys_sort_by_utf16_code_units_not_by_bytes() {
        // U+FB01 is one UTF-16 unit (0xFB01); U+1F600 is two, starting 0xD83D: UTF-16 puts the
        // emoji first, UTF-8 bytes would put it last.
        let value = json!({"\u{fb01}": 1, "\u{1f600}": 2});
        assert_eq!(canonical_json(&value), "{\"\u{1f600}\":2,\"\u{fb01}\":1}");
    }

    #[test]
    fn an_entry_hashes_its_predecessor_and_its_canonical_text() {
        let text = entry_text(1, 1_700_000_000_000, "seed.committed", "abc", &json!({"seed_hash": "abc"}));
        assert_eq!(
            text,
            r#"{"at_ms":1700000000000,"details":{"seed_hash":"abc"},"kind":"seed.committed","seq":1,"subject":"abc"}"#
        );
        let mut bytes = vec![0u8; 32];
        bytes.extend_from_slice(text.as_bytes());
        assert_eq!(chain_hash(GENESIS, &text).unwrap(), hex::encode(Sha256::digest(&bytes)));
        let next = chain_hash(&chain_hash(GENESIS, &text).unwrap(), &text).unwrap();
        assert_ne!(
            next,
            chain_hash(GENESIS, &text).unwrap(),
            "the same entry after another hashes differently"
        );
        assert_eq!(chain_hash("zz", &text), None);
    }
}
