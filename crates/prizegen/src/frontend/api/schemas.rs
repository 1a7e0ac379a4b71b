//! Request schemas of the public API that a derive cannot write: the constraints each field
//! really has (the same the handlers check), and a draw's body, whose `input` depends on its
//! game. The handlers read the request with their own serde types; these describe it.

use crate::frontend::campaigns::input::{SLUG_PATTERN, TEXT_PATTERN};
use prizegen_domain::games::Game;
use prizegen_domain::games::character::{CLASSES, RACES};
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, OneOfBuilder, Schema, SchemaType};
use utoipa::openapi::{Ref, RefOr, Type};
use utoipa::{PartialSchema, ToSchema};

/// A nullable string schema.
fn optional_string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
}

/// `campaign` in a request: a campaign's slug, or absent for the game's default campaign.
pub fn campaign() -> ObjectBuilder {
    optional_string().min_length(Some(2)).max_length(Some(40)).pattern(Some(SLUG_PATTERN)).description(Some(
        "A campaign's slug; absent or null: the game's default campaign. It must exist, be active and be \
         for this game (422 otherwise).",
    ))
}

/// `client_seed` in a request.
pub fn client_seed() -> ObjectBuilder {
    optional_string().max_length(Some(64)).pattern(Some(r"^[^\x00]*$")).description(Some(
        "Your seed, mixed into every key of the draw: UTF-8, at most 64 bytes (a JSON Schema length counts \
         characters: a character may take up to four bytes), no NUL. Absent or null: the empty string.",
    ))
}

/// The games a draw is made of in one step (prize-pool has its own two).
fn one_step_games() -> Vec<&'static str> {
    Game::ALL.into_iter().filter(|g| *g != Game::PrizePool).map(Game::slug).collect()
}

/// A draw's body: one schema for a character (with its `input`), one for the other games.
pub struct NewDraw;

/// The character draw's body.
fn character_draw() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("game", ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["character"])))
        .property("campaign", campaign())
        .property("client_seed", client_seed())
        .property("input", character_input())
        .required("game")
        .required("input")
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .description(Some("A character: the player's choices are its `input`."))
        .build()
        .into()
}

/// The other games' body: no input.
fn plain_draw() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(
            "game",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(one_step_games().into_iter().filter(|g| *g != Game::Character.slug()))),
        )
        .property("campaign", campaign())
        .property("client_seed", client_seed())
        .property(
            "input",
            ObjectBuilder::new().schema_type(Type::Null).description(Some("These games take none.")),
        )
        .required("game")
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .description(Some("account-prize, spy-mission or attack: no input."))
        .build()
        .into()
}

/// A character's `input`.
fn character_input() -> Schema {
    let text = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(2))
        .max_length(Some(30))
        .pattern(Some(TEXT_PATTERN))
        .description(Some(
            "2–30 characters, no control characters, no white space at either end; unique among characters \
             whatever the case (409 when taken).",
        ));
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("name", text)
        .property("race", ObjectBuilder::new().schema_type(Type::String).enum_values(Some(RACES)))
        .property("class", ObjectBuilder::new().schema_type(Type::String).enum_values(Some(CLASSES)))
        .property("ranks", crate::contract::character::ranks(true))
        .required("name")
        .required("race")
        .required("class")
        .required("ranks")
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .description(Some("The player's choices."))
        .build()
        .into()
}

impl PartialSchema for NewDraw {
    fn schema() -> RefOr<Schema> {
        let one_of = OneOfBuilder::new()
            .item(Ref::from_schema_name("CharacterDraw"))
            .item(Ref::from_schema_name("OneStepDraw"))
            .description(Some(
                "One draw. prize-pool is drawn in two steps, at `/api/v1/prize-pool/sequences`.",
            ))
            .build();
        RefOr::T(Schema::OneOf(one_of))
    }
}

impl ToSchema for NewDraw {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push(("CharacterDraw".into(), character_draw().into()));
        schemas.push(("OneStepDraw".into(), plain_draw().into()));
    }
}

/// The body of `POST /api/v1/prize-pool/sequences`.
pub struct NewSequence;

impl PartialSchema for NewSequence {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("campaign", campaign())
            .property("client_seed", client_seed())
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .description(Some("A prize-pool sequence to generate; both fields may be left out."))
            .build()
            .into()
    }
}

impl ToSchema for NewSequence {}
