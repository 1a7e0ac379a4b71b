//! The internal contract between the front end and services 2–4, version 1.
//!
//! Paths are `/v1/<service>/<game>`; the body is JSON. The `/v1` names the *contract*, not the
//! implementation: v1 and v2 instances of letters, numbers and rules all serve `/v1`, and every
//! rules implementation accepts what every letters and numbers implementation returns, so
//! instances of mixed versions interoperate during a rolling update. Within `/v1` changes are
//! additive only (new optional fields, new games) and every reader ignores fields it does not
//! know, so old and new instances understand each other; a breaking change gets `/v2` served
//! beside `/v1` until no caller uses `/v1`. See `docs/contract.md`.
//!
//! The implementation that answered is in the `x-served-by` response header.

pub mod account_prize;
pub mod attack;
pub mod batch;
pub mod character;
pub mod faults;
pub mod instance;
pub mod prize_pool;
pub mod spy_mission;
pub mod whole;

pub use instance::Instance;

use prizegen_domain::money;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Body of a letters or numbers call.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct GenerateRequest {
    /// The service's key for this draw, 64 hex digits. Without it the service draws a key from
    /// the OS (an unverifiable draw, for trying the service by hand).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = r"^[0-9a-fA-F]{64}$")]
    pub key: Option<String>,
}

/// An array schema of `count` integers in `[min, max]`, for fields whose items JSON Schema
/// bounds (utoipa's attributes bound only the array).
fn integers(count: usize, min: u32, max: u32, description: &str) -> utoipa::openapi::Array {
    let item = utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::Integer)
        .minimum(Some(f64::from(min)))
        .maximum(Some(f64::from(max)));
    utoipa::openapi::ArrayBuilder::new()
        .items(item)
        .min_items(Some(count))
        .max_items(Some(count))
        .description(Some(description))
        .build()
}

/// A string schema that is one of `values`.
fn one_of(values: &[&str], description: &str) -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(values.iter().copied()))
        .description(Some(description))
        .build()
}

/// A prize on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Prize {
    /// Integer pence.
    pub amount_pence: u64,
    /// What the player sees, e.g. `£100`.
    pub label: String,
}

impl From<money::Prize> for Prize {
    fn from(prize: money::Prize) -> Self {
        Self { amount_pence: prize.amount_pence.0, label: prize.label }
    }
}

impl From<Prize> for money::Prize {
    fn from(prize: Prize) -> Self {
        Self { amount_pence: money::Pence(prize.amount_pence), label: prize.label }
    }
}

#[cfg(test)]
mod tests {
    use super::account_prize::{Letters, Outcome};

    /// A newer instance may add fields within `/v1`; an older reader must still understand it.
    #[test]
    fn readers_ignore_fields_added_by_newer_instances() {
        let letters: Letters = serde_json::from_str(r#"{"letters": "qxzm", "alphabet": "lower"}"#).unwrap();
        assert_eq!(letters.letters, "qxzm");
        let outcome: Outcome = serde_json::from_str(
            r#"{"result": {"account_number": "qxzm4226", "lucky": false}, "prize": null, "explain": "x"}"#,
        )
        .unwrap();
        assert_eq!(outcome.result.account_number, "qxzm4226");
    }
}
