//! Re-computing a draw from its revealed seed (SPEC §2), for `prizegen verify` and the tests.
//!
//! Each game's result fields and drawn prize are recomputed with the implementations named in
//! the draw's `served_by`, and compared with what was stored. A prize lowered by the campaign's
//! budget is checked against `downgraded_from` (what was drawn) and must be lower.

use prizegen_domain::fairness::{ClientSeed, SeedKeyer, ServerSeed, Service, Stream};
use prizegen_domain::games::{Game, Impl, account_prize, attack, character, prize_pool, spy_mission};
use prizegen_domain::money::Prize;
use serde_json::{Value, json};

/// Why a draw could not be verified.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifyError {
    /// The draw JSON lacks a field or has a malformed one.
    #[error("malformed draw: {0}")]
    Malformed(String),
    /// The seed is not revealed and none was given.
    #[error("the server seed is not revealed yet (give it with --server-seed)")]
    NoSeed,
    /// The recomputed draw differs from the stored one.
    #[error("{0}")]
    Mismatch(String),
}

fn field<'a>(draw: &'a Value, path: &[&str]) -> Result<&'a Value, VerifyError> {
    path.iter()
        .try_fold(draw, |value, key| value.get(key))
        .ok_or_else(|| VerifyError::Malformed(format!("no {}", path.join("."))))
}

fn text<'a>(draw: &'a Value, path: &[&str]) -> Result<&'a str, VerifyError> {
    field(draw, path)?
        .as_str()
        .ok_or_else(|| VerifyError::Malformed(format!("{} is not a string", path.join("."))))
}

fn impl_of(draw: &Value, service: &str) -> Result<Impl, VerifyError> {
    let by = text(draw, &["served_by", service])?;
    by.split('@').next().unwrap_or_default().parse().map_err(|e| VerifyError::Malformed(format!("{e}")))
}

fn malformed(e: impl std::fmt::Display) -> VerifyError {
    VerifyError::Malformed(e.to_string())
}

fn amount(prize: Option<&Value>) -> Option<u64> {
    prize.and_then(|p| p.get("amount_pence")).and_then(Value::as_u64)
}

/// Recomputes `draw` (as the API returns it) and compares; `Ok` carries a one-line summary.
pub fn verify_draw(draw: &Value, server_seed: Option<&str>) -> Result<String, VerifyError> {
    let seed_hex = match field(draw, &["fairness", "server_seed"]).ok().and_then(Value::as_str) {
        Some(seed) => seed,
        None => server_seed.ok_or(VerifyError::NoSeed)?,
    };
    let seed = ServerSeed::from_hex(seed_hex).map_err(malformed)?;
    let seed_hash = text(draw, &["fairness", "seed_hash"])?;
    if seed.commitment().as_str() != seed_hash {
        return Err(VerifyError::Mismatch(format!(
            "the server seed hashes to {}, not to the published {seed_hash}",
            seed.commitment()
        )));
    }
    let client_seed = ClientSeed::parse(text(draw, &["fairness", "client_seed"])?).map_err(malformed)?;
    let nonce = field(draw, &["fairness", "nonce"])?
        .as_u64()
        .ok_or_else(|| VerifyError::Malformed("fairness.nonce is not a u64".into()))?;
    let game: Game = text(draw, &["game"])?.parse().map_err(malformed)?;
    let keyer = SeedKeyer::new(&seed);
    let stream = |service| Stream::new(&keyer.key(&client_seed, nonce, service));
    let stored = field(draw, &["result"])?;

    let (expected, drawn) = recompute(game, draw, stored, &stream)?;
    for (name, want) in expected.as_object().into_iter().flatten() {
        let got = stored.get(name).unwrap_or(&Value::Null);
        if got != want {
            return Err(VerifyError::Mismatch(format!(
                "result.{name} should be {want}, the draw says {got}"
            )));
        }
    }
    check_prize(draw, drawn.as_ref())?;
    let label = drawn.map_or_else(|| "no prize".to_owned(), |p| p.label);
    let headline = match expected.as_object().and_then(|o| o.values().next()) {
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    Ok(format!("{game} nonce {nonce}: {headline}, {label}"))
}

/// The awarded prize is the drawn one, or — when the budget lowered it — a smaller one.
fn check_prize(draw: &Value, drawn: Option<&Prize>) -> Result<(), VerifyError> {
    let want = drawn.map(|p| p.amount_pence.0);
    let awarded = amount(draw.get("prize"));
    match draw.get("downgraded_from").filter(|v| !v.is_null()) {
        None if awarded == want => Ok(()),
        None => {
            Err(VerifyError::Mismatch(format!("prize should be {want:?} pence, the draw says {awarded:?}")))
        }
        Some(from) => {
            let from = amount(Some(from));
            if from != want {
                return Err(VerifyError::Mismatch(format!(
                    "drawn prize should be {want:?} pence, the draw says {from:?}"
                )));
            }
            if awarded.unwrap_or(0) >= from.unwrap_or(0) {
                return Err(VerifyError::Mismatch(
                    "a downgraded prize must be lower than the drawn one".into(),
                ));
            }
            Ok(())
        }
    }
}

type Recomputed = (Value, Option<Prize>);

fn recompute(
    game: Game,
    draw: &Value,
    stored: &Value,
    stream: &dyn Fn(Service) -> Stream,
) -> Result<Recomputed, VerifyError> {
    let parts = |e: prizegen_domain::games::PartsError| VerifyError::Mismatch(e.to_string());
    match game {
        Game::AccountPrize => {
            let letters = account_prize::letters(impl_of(draw, "letters")?, &mut stream(Service::Letters));
            let digits = account_prize::digits(impl_of(draw, "numbers")?, &mut stream(Service::Numbers));
            let letters = account_prize::AccountLetters::parse(&letters).map_err(parts)?;
            let digits = account_prize::AccountDigits::parse(&digits).map_err(parts)?;
            let outcome = account_prize::outcome(
                impl_of(draw, "rules")?,
                &letters,
                &digits,
                &mut stream(Service::Rules),
            );
            Ok((json!({"account_number": outcome.account_number}), outcome.prize))
        }
        Game::PrizePool => {
            let letters = prize_pool::letters(impl_of(draw, "letters")?, &mut stream(Service::Letters));
            let digits = prize_pool::digits(impl_of(draw, "numbers")?, &mut stream(Service::Numbers));
            let rules = impl_of(draw, "rules")?;
            let sequence =
                prize_pool::compose(rules, &letters, &digits, &mut stream(Service::Rules)).map_err(parts)?;
            let tier = prize_pool::tier(&sequence);
            let tier_number = [
                prize_pool::Tier::None,
                prize_pool::Tier::One,
                prize_pool::Tier::Two,
                prize_pool::Tier::Three,
            ]
            .iter()
            .position(|t| *t == tier)
            .unwrap_or_default();
            Ok((json!({"sequence": sequence.as_str(), "tier": tier_number}), prize_pool::prize(rules, tier)))
        }
        Game::SpyMission => {
            let numbers = spy_mission::numbers(impl_of(draw, "numbers")?, &mut stream(Service::Numbers));
            let letters = spy_mission::letters(impl_of(draw, "letters")?, &mut stream(Service::Letters));
            let m = spy_mission::mission(impl_of(draw, "rules")?, &numbers, &letters).map_err(parts)?;
            Ok((
                json!({"dossier": m.dossier, "task": m.task, "target": m.target, "mission": m.mission}),
                None,
            ))
        }
        Game::Attack => {
            let (roll, power) = attack::numbers(impl_of(draw, "numbers")?, &mut stream(Service::Numbers));
            let a = attack::resolve(impl_of(draw, "rules")?, roll, power).map_err(parts)?;
            let result = json!({"roll": roll, "power": power.to_string(), "outcome": a.outcome, "damage": a.damage.to_string()});
            Ok((result, None))
        }
        Game::Character => {
            let rolls = character::rolls(impl_of(draw, "numbers")?, &mut stream(Service::Numbers));
            let background = character::background(impl_of(draw, "letters")?, &mut stream(Service::Letters));
            let mut ranks = [0u8; 6];
            for (slot, ability) in ranks.iter_mut().zip(character::ABILITIES) {
                let rank = stored.get("ranks").and_then(|r| r.get(ability)).and_then(Value::as_u64);
                *slot = rank
                    .and_then(|r| u8::try_from(r).ok())
                    .ok_or_else(|| malformed(format!("no rank for {ability}")))?;
            }
            let sheet =
                character::sheet(impl_of(draw, "rules")?, &rolls, background, ranks).map_err(parts)?;
            let abilities: serde_json::Map<String, Value> =
                sheet.abilities.iter().map(|(a, score)| ((*a).to_owned(), json!(score))).collect();
            Ok((json!({"rolls": sheet.rolls, "background": sheet.background, "abilities": abilities}), None))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worked_example() -> Value {
        json!({
            "id": "x", "game": "account-prize", "campaign": "account-prize",
            "result": {"account_number": "qxzm4226"},
            "prize": {"amount_pence": 1000, "label": "£10"},
            "fairness": {
                "seed_hash": "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd",
                "client_seed": "", "nonce": 0,
                "server_seed": "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
            },
            "served_by": {"frontend": "0.1.0@f", "letters": "v1@l", "numbers": "v1@n", "rules": "v1@r"}
        })
    }

    #[test]
    fn the_worked_example_verifies() {
        assert_eq!(verify_draw(&worked_example(), None), Ok("account-prize nonce 0: qxzm4226, £10".into()));
    }

    #[test]
    fn a_changed_result_or_prize_or_seed_fails() {
        let mut draw = worked_example();
        draw["result"]["account_number"] = json!("qxzm4227");
        assert!(matches!(verify_draw(&draw, None), Err(VerifyError::Mismatch(_))));
        let mut draw = worked_example();
        draw["prize"] = Value::Null;
        assert!(matches!(verify_draw(&draw, None), Err(VerifyError::Mismatch(_))));
        let mut draw = worked_example();
        draw["fairness"]["server_seed"] = json!("ff".repeat(32));
        assert!(matches!(verify_draw(&draw, None), Err(VerifyError::Mismatch(_))));
    }

    #[test]
    fn a_budget_downgrade_verifies_only_downwards() {
        let mut draw = worked_example();
        draw["prize"] = Value::Null;
        draw["downgraded_from"] = json!({"amount_pence": 1000, "label": "£10"});
        assert!(verify_draw(&draw, None).is_ok(), "£10 drawn, nothing left in the budget");
        draw["downgraded_from"] = json!({"amount_pence": 10000, "label": "£100"});
        assert!(matches!(verify_draw(&draw, None), Err(VerifyError::Mismatch(_))), "£100 was not drawn");
        let mut draw = worked_example();
        draw["downgraded_from"] = json!({"amount_pence": 1000, "label": "£10"});
        assert!(matches!(verify_draw(&draw, None), Err(VerifyError::Mismatch(_))), "not lower");
    }

    #[test]
    fn an_unrevealed_seed_can_be_given() {
        let mut draw = worked_example();
        let seed = draw["fairness"].as_object_mut().unwrap().remove("server_seed").unwrap();
        assert_eq!(verify_draw(&draw, None), Err(VerifyError::NoSeed));
        assert!(verify_draw(&draw, seed.as_str()).is_ok());
    }
}
