//! `character` on the internal contract.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Letters' answer: a background.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = CharacterLetters)]
pub struct Letters {
    /// One of the 13 backgrounds.
    #[schema(schema_with = background)]
    pub background: String,
}

/// Numbers' answer: eight rolls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = CharacterNumbers)]
pub struct Numbers {
    /// Eight integers in [1, 20].
    #[schema(schema_with = eight_rolls)]
    #[serde(deserialize_with = "super::whole::list")]
    pub rolls: Vec<u32>,
}

fn background() -> utoipa::openapi::Object {
    super::one_of(&prizegen_domain::games::character::BACKGROUNDS, "One of the 13 backgrounds.")
}

fn eight_rolls() -> utoipa::openapi::Array {
    super::integers(8, 1, 20, "Eight integers in [1, 20].")
}

/// The six abilities, each required, each ranked 1–6 (that the six ranks are all different is
/// more than JSON Schema can say of an object's values: a request with a rank twice is a 422).
/// The rules ignore other keys, as every reader of the contract does.
pub fn ranks_schema() -> utoipa::openapi::Object {
    ranks(false)
}

/// [`ranks_schema`], refusing other keys (`strict`) or not.
pub fn ranks(strict: bool) -> utoipa::openapi::Object {
    let rank = utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::Integer)
        .minimum(Some(1.0))
        .maximum(Some(6.0))
        .build();
    let mut ranks = utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::Object)
        .description(Some("Each ability's rank, 1 (best) to 6, all different."));
    for ability in prizegen_domain::games::character::ABILITIES {
        ranks = ranks.property(ability, rank.clone()).required(ability);
    }
    if strict {
        ranks =
            ranks.additional_properties(Some(utoipa::openapi::schema::AdditionalProperties::FreeForm(false)));
    }
    ranks.build()
}

/// Body of the rules call: the generators' answers and the player's ranks.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(as = CharacterRulesRequest)]
pub struct RulesRequest {
    /// Unused by this game's rules, accepted for uniformity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = r"^[0-9a-fA-F]{64}$")]
    pub key: Option<String>,
    /// What letters returned.
    pub letters: Letters,
    /// What numbers returned.
    pub numbers: Numbers,
    /// The player's rank (1–6, all different) of each ability.
    #[schema(schema_with = ranks_schema)]
    #[serde(deserialize_with = "super::whole::map")]
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

/// A character draw's result in the public API: the player's choices and the sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CharacterResult {
    /// The character's name.
    pub name: String,
    /// The race chosen.
    #[schema(schema_with = race)]
    pub race: String,
    /// The class chosen.
    #[schema(schema_with = class)]
    pub class: String,
    /// The ranks chosen.
    #[schema(schema_with = ranks_schema)]
    pub ranks: BTreeMap<String, u8>,
    /// The six kept rolls, high to low.
    #[schema(schema_with = six_kept)]
    pub rolls: Vec<u32>,
    /// The background.
    #[schema(schema_with = background)]
    pub background: String,
    /// Each ability's score.
    pub abilities: BTreeMap<String, u32>,
}

fn race() -> utoipa::openapi::Object {
    super::one_of(&prizegen_domain::games::character::RACES, "One of the seven races.")
}

fn class() -> utoipa::openapi::Object {
    super::one_of(&prizegen_domain::games::character::CLASSES, "One of the five classes.")
}

fn six_kept() -> utoipa::openapi::Array {
    super::integers(6, 1, 20, "The six kept rolls, high to low.")
}
