//! `character` on the internal contract.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Letters' answer: a background.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = CharacterLetters)]
pub struct Letters {
    /// One of the 13 backgrounds.
    pub background: String,
}

/// Numbers' answer: eight rolls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = CharacterNumbers)]
pub struct Numbers {
    /// Eight integers in [1, 20].
    pub rolls: Vec<u32>,
}

/// Body of the rules call: the generators' answers and the player's ranks.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(as = CharacterRulesRequest)]
pub struct RulesRequest {
    /// Unused by this game's rules, accepted for uniformity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// What letters returned.
    pub letters: Letters,
    /// What numbers returned.
    pub numbers: Numbers,
    /// The player's rank (1–6, all different) of each ability.
    pub ranks: BTreeMap<String, u8>,
}

/// The result fields decided by the rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = CharacterSheet)]
pub struct Sheet {
    /// The six kept rolls, high to low.
    pub rolls: Vec<u32>,
    /// The background.
    pub background: String,
    /// Each ability's score.
    pub abilities: BTreeMap<String, u32>,
}

/// The rules' answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = CharacterOutcome)]
pub struct Outcome {
    /// The result fields.
    pub result: Sheet,
}
