//! `account-prize` on the internal contract.

use super::Prize;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Letters' answer: v1 four lowercase letters, v2 two uppercase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = AccountPrizeLetters, example = json!({"letters": "qxzm"}))]
pub struct Letters {
    /// The letters part of the account number.
    pub letters: String,
}

/// Numbers' answer: v1 four digits, v2 eight (leading zeros kept).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = AccountPrizeNumbers, example = json!({"digits": "4226"}))]
pub struct Numbers {
    /// The digits part of the account number.
    pub digits: String,
}

/// Body of the rules call: the key and the two generators' answers, passed on unchanged.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(as = AccountPrizeRulesRequest)]
pub struct RulesRequest {
    /// The rules service's key for this draw (64 hex digits); decides the 25% chance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// What letters returned.
    pub letters: Letters,
    /// What numbers returned.
    pub numbers: Numbers,
}

/// The game's result fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = AccountPrizeResult)]
pub struct AccountResult {
    /// Letters then digits, e.g. `qxzm4226`.
    pub account_number: String,
}

/// The rules' answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = AccountPrizeOutcome)]
pub struct Outcome {
    /// The result fields.
    pub result: AccountResult,
    /// The prize, or null for none.
    pub prize: Option<Prize>,
}
