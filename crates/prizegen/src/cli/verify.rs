//! `prizegen verify`: re-checks draws offline.

use super::args::VerifyArgs;
use crate::verify::{VerifyError, verify_draw};
use serde_json::Value;
use std::io::Read;
use std::process::ExitCode;

pub fn run(args: &VerifyArgs) -> ExitCode {
    let reader: Box<dyn Read> = if args.file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        match std::fs::File::open(&args.file) {
            Ok(file) => Box::new(file),
            Err(error) => {
                eprintln!("prizegen verify: cannot read the draws: {error}");
                return ExitCode::from(2);
            }
        }
    };
    // One JSON value (a draw, a list, or `{"draws": [...]}`), or one after another — the
    // NDJSON of `GET /api/v1/draws/export`, read and checked a draw at a time.
    let values = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader)).into_iter::<Value>();
    let (mut checked, mut failed) = (0usize, 0usize);
    for value in values {
        let draws = match value {
            Ok(Value::Array(draws)) => draws,
            Ok(Value::Object(mut object)) => match object.remove("draws") {
                Some(Value::Array(draws)) => draws,
                _ => vec![Value::Object(object)],
            },
            Ok(_) => {
                eprintln!("prizegen verify: expected a draw, a list of draws or {{\"draws\": [...]}}");
                return ExitCode::from(2);
            }
            Err(error) => {
                eprintln!("prizegen verify: cannot read the draws: {error}");
                return ExitCode::from(2);
            }
        };
        for draw in &draws {
            checked += 1;
            if !check(draw, args.server_seed.as_deref()) {
                failed += 1;
            }
        }
    }
    println!("{} of {checked} draws verified", checked - failed);
    if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Checks one draw and prints its line; whether it verified.
fn check(draw: &Value, server_seed: Option<&str>) -> bool {
    let id = draw.get("id").and_then(Value::as_str).unwrap_or("?");
    match verify_draw(draw, server_seed) {
        Ok(summary) => {
            println!("ok    {id}  {summary}");
            true
        }
        Err(VerifyError::Mismatch(why)) => {
            println!("FAIL  {id}  {why}");
            false
        }
        Err(error) => {
            println!("ERROR {id}  {error}");
            false
        }
    }
}
