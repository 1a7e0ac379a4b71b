//! The public form of a draw, shared by the JSON API and the pages.

use crate::contract::Prize;
use crate::store::{ServedBy, StoredDraw};
use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

/// A draw as the API returns it.
#[derive(Serialize, ToSchema)]
pub struct DrawBody {
    /// A time-ordered UUID.
    pub id: String,
    /// The game's name.
    pub game: String,
    /// The campaign's slug.
    pub campaign: String,
    /// When it was drawn (RFC 3339, UTC).
    pub created_at: String,
    /// The game's result fields, e.g. `{"account_number": "qxzm4226"}`.
    #[schema(value_type = Object)]
    pub result: Box<RawValue>,
    /// What it won, or null.
    pub prize: Option<Prize>,
    /// What the rules drew, when the campaign's budget could not pay it and `prize` is the largest
    /// lower prize that fitted (or null).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downgraded_from: Option<Prize>,
    /// Everything needed to re-check the draw once the seed is revealed.
    pub fairness: FairnessBody,
    /// `<impl>@<instance>` of each of the four services.
    pub served_by: ServedBy,
}

/// A draw's fairness fields.
#[derive(Serialize, ToSchema)]
pub struct FairnessBody {
    /// `hex(SHA-256(server_seed))`, published before the draw.
    pub seed_hash: String,
    /// The player's seed.
    pub client_seed: String,
    /// The nonce; never reused under one seed.
    pub nonce: u64,
    /// The server seed, once revealed by a rotation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_seed: Option<String>,
    /// Earlier nonces of this draw whose account number was taken in the campaign.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub collided_nonces: Vec<u64>,
}

impl DrawBody {
    /// The public form of a stored draw.
    pub fn from_stored(draw: StoredDraw) -> Result<Self, serde_json::Error> {
        Ok(Self {
            result: RawValue::from_string(draw.result_json)?,
            created_at: rfc3339(draw.created_at_ms),
            id: draw.id,
            game: draw.game,
            campaign: draw.campaign,
            prize: draw.prize.map(Into::into),
            downgraded_from: draw.downgraded_from.map(Into::into),
            fairness: FairnessBody {
                seed_hash: draw.seed_hash,
                client_seed: draw.client_seed,
                nonce: draw.nonce,
                server_seed: draw.server_seed,
                collided_nonces: draw.collided_nonces,
            },
            served_by: draw.served_by,
        })
    }
}

/// Unix milliseconds as RFC 3339 in UTC, e.g. `2026-11-22T08:01:02.345Z`.
pub fn rfc3339(ms: i64) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// A result's fields as (label, value) lines for a page: `account_number` → `Account number`.
pub fn result_lines(result_json: &str) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_str(result_json) else { return Vec::new() };
    fields
        .into_iter()
        .map(|(name, value)| {
            let mut label = name.replace('_', " ");
            if let Some(first) = label.get(..1) {
                label = first.to_uppercase() + &label[1..];
            }
            let value = match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (label, value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_in_utc_with_millis() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn result_lines_label_fields() {
        let lines = result_lines(r#"{"account_number":"qxzm4226","roll":2}"#);
        assert_eq!(
            lines,
            vec![("Account number".to_owned(), "qxzm4226".to_owned()), ("Roll".to_owned(), "2".to_owned())]
        );
    }
}
