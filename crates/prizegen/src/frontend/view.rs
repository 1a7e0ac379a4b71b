//! The public form of a draw, shared by the JSON API and the pages.

use crate::contract::Prize;
use crate::store::{ServedBy, StoredDraw};
use prizegen_domain::games::Game;
use serde::Serialize;
use serde_json::Value;
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
    /// The game's result fields, e.g. `{"account_number": "qxzm4226"}`: one schema per game.
    #[schema(schema_with = result_schema)]
    pub result: Box<RawValue>,
    /// What it won, or null.
    #[schema(required = true)]
    pub prize: Option<Prize>,
    /// What the rules drew, when the campaign's budget could not pay it and `prize` is the largest
    /// lower prize that fitted (or null).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downgraded_from: Option<Prize>,
    /// Everything needed to re-check the draw once the seed is revealed.
    pub fairness: FairnessBody,
    /// `<impl>@<instance>` of each of the four services.
    pub served_by: ServedBy,
    /// The player it belongs to (made while signed in); absent for an anonymous draw.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub player: Option<String>,
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

/// One of the games' results (each has fields the others lack, so exactly one matches).
fn result_schema() -> utoipa::openapi::Schema {
    let games =
        ["AccountPrizeResult", "PrizePoolResult", "SpyMissionResult", "AttackResult", "CharacterResult"];
    games
        .into_iter()
        .fold(utoipa::openapi::schema::OneOfBuilder::new(), |one_of, name| {
            one_of.item(utoipa::openapi::Ref::from_schema_name(name))
        })
        .description(Some("The game's result fields: one schema per game."))
        .build()
        .into()
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
            player: draw.player,
        })
    }
}

pub use crate::store::rfc3339;

/// One field of a draw's result, as a page shows it.
#[derive(Debug, PartialEq, Eq)]
pub struct ResultLine {
    /// The field's label, e.g. `Account number`.
    pub label: &'static str,
    /// Its value: a string as it is, anything else as JSON (`[18,15,12]`).
    pub value: String,
}

/// The result's fields that `game` shows, in the game's own order (SPEC §3), labelled.
pub fn result_lines(game: Game, result_json: &str) -> Vec<ResultLine> {
    let Ok(Value::Object(result)) = serde_json::from_str::<Value>(result_json) else { return Vec::new() };
    game.presentation()
        .fields
        .iter()
        .filter_map(|field| Some(ResultLine { label: field.label, value: shown(result.get(field.key)?) }))
        .collect()
}

/// The one value that sums a draw up in a list of draws (the account number, the mission, …).
pub fn summary(game: Game, result_json: &str) -> String {
    let result: Value = serde_json::from_str(result_json).unwrap_or(Value::Null);
    result.get(game.presentation().summary).map(shown).unwrap_or_default()
}

fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Merkle leaf the store makes at a reveal is the one anyone makes from the API's draw
    /// (`GET /api/v1/draws/{id}` without `player` and `fairness.server_seed`): with every
    /// optional field present and absent.
    #[test]
    fn a_draws_merkle_leaf_is_its_api_form() {
        use crate::contract::Instance;
        use crate::store::{ServedBy, StoredDraw};
        use prizegen_domain::money::{Pence, Prize};
        let prize = |p: u64, label: &str| Some(Prize { amount_pence: Pence(p), label: label.into() });
        let full = StoredDraw {
            id: "01a2-x".into(),
            game: "account-prize".into(),
            campaign: "gig".into(),
            created_at_ms: 1_700_000_000_120,
            seed_hash: "ab".repeat(32),
            server_seed: Some("cd".repeat(32)),
            client_seed: "tab\t \"quoted\" é".into(),
            nonce: 42,
            result_json: r#"{"prize_rule":"a","account_number":"abcd1234"}"#.into(),
            prize: prize(1_000, "£10"),
            downgraded_from: prize(10_000, "£100"),
            served_by: ServedBy {
                frontend: Instance::new("0.1.0", "fe"),
                letters: Some(Instance::new("v1", "l")),
                numbers: Some(Instance::new("v2", "n")),
                rules: None,
            },
            collided_nonces: vec![40, 41],
            request_hash: Some("r".into()),
            player: Some("Ann".into()),
        };
        let bare = StoredDraw {
            server_seed: None,
            prize: None,
            downgraded_from: None,
            collided_nonces: vec![],
            player: None,
            ..full.clone()
        };
        for draw in [full, bare] {
            let api = serde_json::to_value(DrawBody::from_stored(draw.clone()).unwrap()).unwrap();
            let leaf = crate::store::draw_leaf(&draw);
            assert_eq!(crate::audit_check::draw_leaf(&api), leaf);
            assert!(!leaf.contains("\"player\"") && !leaf.contains("server_seed"), "{leaf}");
        }
    }

    #[test]
    fn rfc3339_in_utc_with_millis() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn result_lines_follow_the_games_order() {
        let attack = r#"{"damage":"15.0","outcome":"crit","power":"7.5","roll":2}"#;
        let lines: Vec<_> =
            result_lines(Game::Attack, attack).into_iter().map(|l| (l.label, l.value)).collect();
        let want = [("Roll", "2"), ("Power", "7.5"), ("Outcome", "crit"), ("Damage", "15.0")];
        assert_eq!(lines, want.map(|(l, v)| (l, v.to_owned())));
        assert_eq!(summary(Game::Attack, attack), "crit");
        let character = r#"{"name":"Ann","ranks":{"wisdom":1},"rolls":[18,12],"abilities":{"wisdom":18}}"#;
        let labels: Vec<_> = result_lines(Game::Character, character).into_iter().map(|l| l.label).collect();
        assert_eq!(labels, ["Name", "Rolls"], "only the fields the game shows, in its order");
        assert_eq!(result_lines(Game::Character, "not json"), vec![]);
    }
}
