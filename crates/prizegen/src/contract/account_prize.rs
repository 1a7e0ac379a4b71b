//! `account-prize` on the internal contract.

use super::Prize;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Letters' answer: v1 four lowercase letters, v2 two uppercase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = AccountPrizeLetters, example = json!({"letters": "qxzm"}))]
pub struct Letters {
    /// The letters part of the account number (v1 four lowercase, v2 two uppercase; the rules
    /// take any 1–16 ASCII letters, so versions can be mixed).
    #[schema(pattern = r"^[A-Za-z]{1,16}$")]
    pub letters: String,
}

/// Numbers' answer: v1 four digits, v2 eight (leading zeros kept).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = AccountPrizeNumbers, example = json!({"digits": "4226"}))]
pub struct Numbers {
    /// The digits part of the account number (v1 four, v2 eight; the rules take any 1–16).
    #[schema(pattern = r"^[0-9]{1,16}$")]
    pub digits: String,
}

/// Body of the rules call: the key and the two generators' answers, passed on unchanged.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(as = AccountPrizeRulesRequest)]
pub struct RulesRequest {
    /// The rules service's key for this draw (64 hex digits); decides the 25% chance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = r"^[0-9a-fA-F]{64}$")]
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
