//! `spy-mission` on the internal contract.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Letters' answer: six lowercase letters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = SpyMissionLetters)]
pub struct Letters {
    /// Six lowercase letters.
    #[schema(pattern = r"^[a-z]{6}$")]
    pub letters: String,
}

/// Numbers' answer: six integers in [0, 19].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = SpyMissionNumbers)]
pub struct Numbers {
    /// Six integers in [0, 19].
    #[schema(schema_with = six_numbers)]
    #[serde(deserialize_with = "super::whole::list")]
    pub numbers: Vec<u32>,
}

fn six_numbers() -> utoipa::openapi::Array {
    super::integers(6, 0, 19, "Six integers in [0, 19].")
}

/// Body of the rules call.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(as = SpyMissionRulesRequest)]
pub struct RulesRequest {
    /// Unused by this game's rules (no chance), accepted for uniformity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = r"^[0-9a-fA-F]{64}$")]
    pub key: Option<String>,
    /// What letters returned.
    pub letters: Letters,
    /// What numbers returned.
    pub numbers: Numbers,
}

/// The result fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = SpyMissionResult)]
pub struct MissionResult {
    /// `"3 k 17 a 0 z 11 b 5 q 19 e"`.
    pub dossier: String,
    /// From the first number.
    pub task: String,
    /// From the first letter.
    pub target: String,
    /// Task and target.
    pub mission: String,
}

/// The rules' answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = SpyMissionOutcome)]
pub struct Outcome {
    /// The result fields.
    pub result: MissionResult,
}
