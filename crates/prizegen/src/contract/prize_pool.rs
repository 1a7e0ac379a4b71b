//! `prize-pool` on the internal contract: generate (letters, numbers, rules) and claim (rules).

use super::Prize;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Letters' answer: 20 letters from `a..zA..Z`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = PrizePoolLetters)]
pub struct Letters {
    /// 20 mixed-case letters.
    #[schema(pattern = r"^[A-Za-z]{20}$")]
    pub letters: String,
}

/// Numbers' answer: 20 digits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = PrizePoolNumbers)]
pub struct Numbers {
    /// 20 digits.
    #[schema(pattern = r"^[0-9]{20}$")]
    pub digits: String,
}

/// Body of the generate call to rules.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(as = PrizePoolComposeRequest)]
pub struct ComposeRequest {
    /// The rules key: decides the 20 digit-or-letter chances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = r"^[0-9a-fA-F]{64}$")]
    pub key: Option<String>,
    /// What letters returned.
    pub letters: Letters,
    /// What numbers returned.
    pub numbers: Numbers,
}

/// The composed sequence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = PrizePoolSequence)]
pub struct Composed {
    /// 20 letters and digits.
    #[schema(pattern = r"^[A-Za-z0-9]{20}$")]
    pub sequence: String,
}

/// Body of the claim call to rules (no randomness: positions 0, 2 and 7 decide).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(as = PrizePoolClaimRequest)]
pub struct ClaimRequest {
    /// The sequence being claimed.
    #[schema(pattern = r"^[A-Za-z0-9]{20}$")]
    pub sequence: String,
}

/// The claim's result fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = PrizePoolResult)]
pub struct ClaimResult {
    /// The sequence.
    pub sequence: String,
    /// 0 (no prize) to 3.
    #[schema(minimum = 0, maximum = 3)]
    pub tier: u8,
}

/// The rules' claim answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = PrizePoolOutcome)]
pub struct ClaimOutcome {
    /// The result fields.
    pub result: ClaimResult,
    /// The prize: null for none in v1, `{"amount_pence": 0, "label": "X"}` in v2.
    pub prize: Option<Prize>,
}
