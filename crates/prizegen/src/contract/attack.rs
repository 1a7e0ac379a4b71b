//! `attack` on the internal contract (letters take no part).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Numbers' answer: the roll, then the power (a decimal string that keeps its places).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = AttackNumbers, example = json!({"roll": 2, "power": "7.3"}))]
pub struct Numbers {
    /// v1: 0–2; v2: 1–2.
    #[schema(minimum = 0, maximum = 2)]
    #[serde(deserialize_with = "super::whole::one")]
    pub roll: u32,
    /// v1: `0.0`–`9.9`; v2: `0.00`–`9.99`. The rules take any decimal below 10 with up to six
    /// places (leading zeros allowed, at most nine whole digits).
    #[schema(pattern = r"^0{0,8}[0-9](\.[0-9]{1,6})?$")]
    pub power: String,
}

/// Body of the rules call.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(as = AttackRulesRequest)]
pub struct RulesRequest {
    /// Unused by this game's rules, accepted for uniformity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = r"^[0-9a-fA-F]{64}$")]
    pub key: Option<String>,
    /// What numbers returned.
    pub numbers: Numbers,
}

/// The result fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = AttackResult)]
pub struct AttackResult {
    /// The roll.
    pub roll: u32,
    /// The power, with its places.
    pub power: String,
    /// `missed`/`hit`/`crit` (v1) or `MISSED`/`HIT`/`CRIT` (v2).
    pub outcome: String,
    /// roll × power, exact to the power's places.
    pub damage: String,
}

/// The rules' answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = AttackOutcome)]
pub struct Outcome {
    /// The result fields.
    pub result: AttackResult,
}
