//! `prizegen outcomes`: N draws of one game under one seed, at nonces 0 to N-1, as CSV on
//! stdout, for statistical tests of what players actually get (the scaled outcomes, where
//! `prizegen stream` gives the raw bytes).
//!
//! Each draw runs the steps the letters, numbers and rules services run for it — the same
//! domain functions, with the keys the front end derives — only without HTTP and without the
//! store: no campaign budget lowers a prize and no account number is drawn again for being
//! taken, so the rows follow the game's published odds exactly. One row is written at a time.

use super::args::{Impls, OutcomesArgs};
use super::pipe;
use anyhow::Context;
use prizegen_domain::fairness::{ClientSeed, SeedKeyer, ServerSeed, Service, Stream};
use prizegen_domain::games::{Game, PartsError, account_prize, attack, character, prize_pool, spy_mission};
use prizegen_domain::money::Prize;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

/// The character every `character` row is drawn for: the name, race and class take no part in
/// a draw (they are not in its keys), the ranks decide which ability gets which roll.
pub const CHARACTER_RANKS: [u8; 6] = [1, 2, 3, 4, 5, 6];

/// Draws and writes the rows; exit 0 also when the reader closes the pipe.
pub fn run(args: &OutcomesArgs) -> ExitCode {
    pipe::exit_code("outcomes", draw(args))
}

/// `--seed`, or a fresh one announced on stderr (the CSV on stdout stays clean), then the rows.
fn draw(args: &OutcomesArgs) -> anyhow::Result<()> {
    let seed = match &args.seed {
        Some(seed) => seed.clone(),
        None => {
            let seed = fresh_seed()?;
            let hex = seed.to_hex();
            eprintln!(
                "prizegen outcomes: server seed {hex} (commitment {}); --seed {hex} draws these again",
                seed.commitment()
            );
            seed
        }
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    write(args.game, args.impls, &seed, &args.client_seed, args.draws, &mut out)
}

/// 32 bytes from the OS CSPRNG, as the front end makes its seeds.
fn fresh_seed() -> anyhow::Result<ServerSeed> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("the OS random source failed: {e}"))?;
    Ok(ServerSeed::from_bytes(bytes))
}

/// The header, then one row per nonce in `0..draws`.
pub fn write(
    game: Game,
    impls: Impls,
    seed: &ServerSeed,
    client_seed: &ClientSeed,
    draws: u64,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    writeln!(out, "nonce,{}", header(game)).context("writing the outcomes")?;
    let keyer = SeedKeyer::new(seed);
    for nonce in 0..draws {
        let stream = |service| Stream::new(&keyer.key(client_seed, nonce, service));
        let row = row(game, impls, &stream).with_context(|| format!("draw {nonce}"))?;
        writeln!(out, "{nonce},{row}").context("writing the outcomes")?;
    }
    out.flush().context("writing the outcomes")?;
    Ok(())
}

/// The columns after `nonce`: what the generators drew, then what the rules made of it.
pub fn header(game: Game) -> &'static str {
    match game {
        Game::AccountPrize => "letters,digits,account_number,prize_pence",
        Game::PrizePool => "letters,digits,sequence,tier,prize_pence",
        Game::SpyMission => "n1,n2,n3,n4,n5,n6,letters,task,target",
        Game::Attack => "roll,power,outcome,damage",
        Game::Character => {
            "roll1,roll2,roll3,roll4,roll5,roll6,roll7,roll8,background,\
             strength,dexterity,constitution,intelligence,wisdom,charisma"
        }
    }
}

/// One draw, as the services play it: each step reads its own service's stream.
fn row(game: Game, impls: Impls, stream: &dyn Fn(Service) -> Stream) -> Result<String, PartsError> {
    let row = match game {
        Game::AccountPrize => {
            let letters = account_prize::letters(impls.letters, &mut stream(Service::Letters));
            let digits = account_prize::digits(impls.numbers, &mut stream(Service::Numbers));
            let outcome = account_prize::outcome(
                impls.rules,
                &account_prize::AccountLetters::parse(&letters)?,
                &account_prize::AccountDigits::parse(&digits)?,
                &mut stream(Service::Rules),
            );
            let pence = amount_pence(outcome.prize.as_ref());
            format!("{letters},{digits},{},{pence}", outcome.account_number)
        }
        Game::PrizePool => {
            let letters = prize_pool::letters(impls.letters, &mut stream(Service::Letters));
            let digits = prize_pool::digits(impls.numbers, &mut stream(Service::Numbers));
            let sequence = prize_pool::compose(impls.rules, &letters, &digits, &mut stream(Service::Rules))?;
            let tier = prize_pool::tier(&sequence);
            let number = match tier {
                prize_pool::Tier::None => 0,
                prize_pool::Tier::One => 1,
                prize_pool::Tier::Two => 2,
                prize_pool::Tier::Three => 3,
            };
            let pence = amount_pence(prize_pool::prize(impls.rules, tier).as_ref());
            format!("{letters},{digits},{},{number},{pence}", sequence.as_str())
        }
        Game::SpyMission => {
            let numbers = spy_mission::numbers(impls.numbers, &mut stream(Service::Numbers));
            let letters = spy_mission::letters(impls.letters, &mut stream(Service::Letters));
            let mission = spy_mission::mission(impls.rules, &numbers, &letters)?;
            let numbers: Vec<String> = numbers.iter().map(u32::to_string).collect();
            format!("{},{letters},{},{}", numbers.join(","), mission.task, mission.target)
        }
        Game::Attack => {
            let (roll, power) = attack::numbers(impls.numbers, &mut stream(Service::Numbers));
            let decided = attack::resolve(impls.rules, roll, power)?;
            format!("{roll},{power},{},{}", decided.outcome, decided.damage)
        }
        Game::Character => {
            let rolls = character::rolls(impls.numbers, &mut stream(Service::Numbers));
            let background = character::background(impls.letters, &mut stream(Service::Letters));
            let sheet = character::sheet(impls.rules, &rolls, background, CHARACTER_RANKS)?;
            let rolls: Vec<String> = rolls.iter().map(u32::to_string).collect();
            let scores: Vec<String> = sheet.abilities.iter().map(|(_, score)| score.to_string()).collect();
            format!("{},{},{}", rolls.join(","), sheet.background, scores.join(","))
        }
    };
    Ok(row)
}

/// A prize's amount; no prize is 0 (as is v2 prize-pool's `X`).
fn amount_pence(prize: Option<&Prize>) -> u64 {
    prize.map_or(0, |p| p.amount_pence.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use prizegen_domain::games::Impl;

    fn rows(game: Game, impls: Impls, draws: u64) -> Vec<String> {
        let seed = ServerSeed::from_bytes(std::array::from_fn(|i| i as u8));
        let mut out = Vec::new();
        write(game, impls, &seed, &ClientSeed::default(), draws, &mut out).unwrap();
        String::from_utf8(out).unwrap().lines().map(str::to_owned).collect()
    }

    /// docs/fairness.md's worked example: nonce 0 of the seed 0x00..0x1f, all v1.
    #[test]
    fn the_worked_example_is_row_zero() {
        let v1 = Impls::default();
        assert_eq!(rows(Game::AccountPrize, v1, 1)[1], "0,qxzm,4226,qxzm4226,1000");
        assert_eq!(rows(Game::Attack, v1, 1)[1], "0,1,4.2,hit,4.2");
        let v2 = Impls { numbers: Impl::V2, rules: Impl::V2, ..v1 };
        assert_eq!(rows(Game::Attack, v2, 1)[1], "0,1,0.42,HIT,0.42");
        assert_eq!(rows(Game::Character, v1, 1)[1], "0,5,3,13,7,3,18,15,20,Entertainer,20,18,15,13,7,5");
        assert_eq!(rows(Game::SpyMission, v1, 1)[1], "0,4,2,12,6,2,17,qxzmgk,Meet with,the head of Odin");
        assert_eq!(
            rows(Game::PrizePool, v1, 1)[1],
            "0,QXZmGkFooNiGQZnpxvKE,42262749395441396215,Q2Z6Gk4o395G413p62K5,0,0"
        );
    }

    #[test]
    fn every_row_has_the_header_s_columns() {
        // Enough rows that every background, task and target shows up: none may hold a comma.
        for game in Game::ALL {
            let lines = rows(game, Impls::default(), 300);
            assert_eq!(lines.len(), 301, "{game}");
            let columns = lines[0].split(',').count();
            for (nonce, line) in lines[1..].iter().enumerate() {
                assert_eq!(line.split(',').count(), columns, "{game}: {line}");
                assert!(line.starts_with(&format!("{nonce},")), "{game}: {line}");
            }
        }
    }
}
