//! `prizegen verify`: re-checks draws offline.

use super::args::VerifyArgs;
use crate::verify::{VerifyError, verify_draw};
use serde_json::Value;
use std::io::Read;
use std::process::ExitCode;

pub fn run(args: &VerifyArgs) -> ExitCode {
    let text = if args.file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map(|_| text)
    } else {
        std::fs::read_to_string(&args.file)
    };
    let input: Value = match text
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(value) => value,
        Err(error) => {
            eprintln!("prizegen verify: cannot read the draws: {error}");
            return ExitCode::from(2);
        }
    };
    let draws = match input {
        Value::Array(draws) => draws,
        Value::Object(mut object) => match object.remove("draws") {
            Some(Value::Array(draws)) => draws,
            _ => vec![Value::Object(object)],
        },
        _ => {
            eprintln!("prizegen verify: expected a draw, a list of draws or {{\"draws\": [...]}}");
            return ExitCode::from(2);
        }
    };
    let mut failed = 0;
    for draw in &draws {
        let id = draw.get("id").and_then(Value::as_str).unwrap_or("?");
        match verify_draw(draw, args.server_seed.as_deref()) {
            Ok(summary) => println!("ok    {id}  {summary}"),
            Err(VerifyError::Mismatch(why)) => {
                failed += 1;
                println!("FAIL  {id}  {why}");
            }
            Err(error) => {
                failed += 1;
                println!("ERROR {id}  {error}");
            }
        }
    }
    println!("{} of {} draws verified", draws.len() - failed, draws.len());
    if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
