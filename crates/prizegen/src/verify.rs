//! Re-computing a draw from its revealed seed (SPEC §2), for `prizegen verify` and the tests.

use prizegen_domain::fairness::{ClientSeed, SeedKeyer, ServerSeed, Service, Stream};
use prizegen_domain::games::{Game, Impl, account_prize};
use serde_json::Value;

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

/// Recomputes `draw` (as the API returns it) and compares; `Ok` carries a one-line summary.
pub fn verify_draw(draw: &Value, server_seed: Option<&str>) -> Result<String, VerifyError> {
    let seed_hex = match field(draw, &["fairness", "server_seed"]).ok().and_then(Value::as_str) {
        Some(seed) => seed,
        None => server_seed.ok_or(VerifyError::NoSeed)?,
    };
    let seed = ServerSeed::from_hex(seed_hex).map_err(|e| VerifyError::Malformed(e.to_string()))?;
    let seed_hash = text(draw, &["fairness", "seed_hash"])?;
    if seed.commitment().as_str() != seed_hash {
        return Err(VerifyError::Mismatch(format!(
            "the server seed hashes to {}, not to the published {seed_hash}",
            seed.commitment()
        )));
    }
    let client_seed = ClientSeed::parse(text(draw, &["fairness", "client_seed"])?)
        .map_err(|e| VerifyError::Malformed(e.to_string()))?;
    let nonce = field(draw, &["fairness", "nonce"])?
        .as_u64()
        .ok_or_else(|| VerifyError::Malformed("fairness.nonce is not a u64".into()))?;
    let game: Game = text(draw, &["game"])?.parse().map_err(|e| VerifyError::Malformed(format!("{e}")))?;
    let keyer = SeedKeyer::new(&seed);
    let stream = |service| Stream::new(&keyer.key(&client_seed, nonce, service));
    let stored_prize =
        field(draw, &["prize"]).ok().and_then(|p| p.get("amount_pence")).and_then(Value::as_u64);

    match game {
        Game::AccountPrize => {
            let letters = account_prize::letters(impl_of(draw, "letters")?, &mut stream(Service::Letters));
            let digits = account_prize::digits(impl_of(draw, "numbers")?, &mut stream(Service::Numbers));
            let parts = account_prize::AccountLetters::parse(&letters)
                .and_then(|l| account_prize::AccountDigits::parse(&digits).map(|d| (l, d)));
            let (letters, digits) = parts.map_err(|e| VerifyError::Malformed(e.to_string()))?;
            let outcome = account_prize::outcome(
                impl_of(draw, "rules")?,
                &letters,
                &digits,
                &mut stream(Service::Rules),
            );
            let stored_number = text(draw, &["result", "account_number"])?;
            if outcome.account_number != stored_number {
                return Err(VerifyError::Mismatch(format!(
                    "account number should be {}, the draw says {stored_number}",
                    outcome.account_number
                )));
            }
            let want = outcome.prize.as_ref().map(|p| p.amount_pence.0);
            if want != stored_prize {
                return Err(VerifyError::Mismatch(format!(
                    "prize should be {want:?} pence, the draw says {stored_prize:?}"
                )));
            }
            let label = outcome.prize.map_or_else(|| "no prize".to_owned(), |p| p.label);
            Ok(format!("{game} nonce {nonce}: {}, {label}", outcome.account_number))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
    fn an_unrevealed_seed_can_be_given() {
        let mut draw = worked_example();
        let seed = draw["fairness"].as_object_mut().unwrap().remove("server_seed").unwrap();
        assert_eq!(verify_draw(&draw, None), Err(VerifyError::NoSeed));
        assert!(verify_draw(&draw, seed.as_str()).is_ok());
    }
}
