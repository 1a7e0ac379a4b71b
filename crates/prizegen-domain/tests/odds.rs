//! Deterministic statistical tests: many draws of each game, counted and compared with the
//! published odds (and with probabilities derived from SPEC §2–§3) by a chi-square
//! goodness-of-fit statistic.
//!
//! Every draw's keys come from one fixed server seed via
//! `SeedKeyer::key(&ClientSeed::default(), nonce, service)` for nonces `0..N`, exactly as the
//! front end derives them, so the counts are the same on every run: these tests can never be
//! flaky. The critical values are those of p = 0.001, generous enough that a correct
//! implementation passes for essentially any fixed seed, while a wrong probability (say 1/26
//! where it should be 5/26, or a biased modulo) is far beyond them at these sample sizes.
#![allow(clippy::unwrap_used)]

use prizegen_domain::fairness::{ClientSeed, SeedKeyer, ServerSeed, Service, ServiceKey, Stream};
use prizegen_domain::games::account_prize::{self, AccountDigits, AccountLetters};
use prizegen_domain::games::{Impl, OddsLine, attack, character, prize_pool, spy_mission};

/// Upper critical values of the chi-square distribution at p = 0.001, by degrees of freedom
/// (standard tables; e.g. NIST/SEMATECH e-Handbook 1.3.6.7.4).
const CHI2_P001_DF1: f64 = 10.828;
const CHI2_P001_DF2: f64 = 13.816;
const CHI2_P001_DF3: f64 = 16.266;
const CHI2_P001_DF4: f64 = 18.467;
const CHI2_P001_DF12: f64 = 32.909;
const CHI2_P001_DF19: f64 = 43.820;
const CHI2_P001_DF25: f64 = 52.620;

/// The fixed seed of these tests (exactly 32 bytes).
const SEED: &[u8; 32] = b"prizegen odds tests, fixed seed!";

const V1_V2: [Impl; 2] = [Impl::V1, Impl::V2];

/// The three service keys of nonces `0..n`, derived as the front end does.
fn keys(n: u64) -> Vec<[ServiceKey; 3]> {
    let keyer = SeedKeyer::new(&ServerSeed::from_bytes(*SEED));
    let client = ClientSeed::default();
    (0..n).map(|nonce| Service::ALL.map(|service| keyer.key(&client, nonce, service))).collect()
}

/// A fresh stream of one service for one draw.
fn stream(keys: &[ServiceKey; 3], service: Service) -> Stream {
    let i = Service::ALL.iter().position(|s| *s == service).unwrap();
    Stream::new(&keys[i])
}

/// Pearson's chi-square statistic of `observed` counts against `probabilities`. A category of
/// probability 0 must never be observed (that is checked, and it adds no degree of freedom).
fn chi_square(observed: &[u64], probabilities: &[f64]) -> f64 {
    assert_eq!(observed.len(), probabilities.len());
    let total: u64 = observed.iter().sum();
    let mut statistic = 0.0;
    for (&count, &p) in observed.iter().zip(probabilities) {
        if p == 0.0 {
            assert_eq!(count, 0, "an outcome of probability 0 happened");
            continue;
        }
        let expected = total as f64 * p;
        // Chi-square is only trustworthy with enough expected counts per cell.
        assert!(expected >= 20.0, "too few draws for a category of probability {p}");
        statistic += (count as f64 - expected).powi(2) / expected;
    }
    statistic
}

fn assert_fits(what: &str, observed: &[u64], probabilities: &[f64], critical: f64) {
    let total: f64 = probabilities.iter().sum();
    assert!((total - 1.0).abs() < 1e-9, "{what}: probabilities sum to {total}");
    let statistic = chi_square(observed, probabilities);
    // Shown with `--nocapture`, to see how far from the limit each game is.
    eprintln!("{what}: chi-square {statistic:.2} (limit {critical}), observed {observed:?}");
    assert!(
        statistic < critical,
        "{what}: chi-square {statistic:.2} ≥ {critical} (observed {observed:?}, probabilities {probabilities:?})"
    );
}

fn assert_sums_to_one(what: &str, lines: &[OddsLine]) {
    let total: f64 = lines.iter().map(|line| line.probability).sum();
    assert!((total - 1.0).abs() < 1e-12, "{what}: published odds sum to {total}");
    assert!(lines.iter().all(|line| (0.0..=1.0).contains(&line.probability)), "{what}: {lines:?}");
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// Counts `outcomes` by the published odds line with the same prize (every outcome must have one).
fn count_by_line(
    lines: &[OddsLine],
    prizes: impl Iterator<Item = Option<prizegen_domain::money::Prize>>,
) -> Vec<u64> {
    let mut counts = vec![0u64; lines.len()];
    for prize in prizes {
        let i = lines.iter().position(|line| line.prize == prize);
        counts[i.unwrap_or_else(|| panic!("{prize:?} is not in the published odds {lines:?}"))] += 1;
    }
    counts
}

// ---------------------------------------------------------------------------------------------
// account-prize
// ---------------------------------------------------------------------------------------------

const ACCOUNT_PRIZE_DRAWS: u64 = 40_000;

/// The published odds sum to 1 and equal what SPEC §3.1 implies: the first letter is `a`/`A` with
/// probability 1/26 (either letters version), the digits hold a 4 with 1 − 0.9^4 (v1) or
/// 1 − 0.9^8 (v2), and the letter prize is £100 with 25%.
#[test]
fn account_prize_published_odds_match_the_spec() {
    let p_a = 1.0 / 26.0;
    for numbers in V1_V2 {
        let p_four = 1.0 - 0.9f64.powi(if numbers == Impl::V1 { 4 } else { 8 });
        for rules in V1_V2 {
            let lines = account_prize::odds(numbers, rules);
            assert_sums_to_one(&format!("account-prize numbers {numbers} rules {rules}"), &lines);
            let want: Vec<(Option<u64>, f64)> = match rules {
                Impl::V1 => vec![
                    (Some(100), p_a * 0.25),
                    (Some(50), p_a * 0.75),
                    (Some(10), (1.0 - p_a) * p_four),
                    (None, 1.0 - p_a - (1.0 - p_a) * p_four),
                ],
                Impl::V2 => vec![
                    (Some(100), p_a * p_four * 0.25),
                    (Some(50), p_a * p_four * 0.75),
                    (None, 1.0 - p_a * p_four),
                ],
            };
            let got: Vec<(Option<u64>, f64)> = lines
                .iter()
                .map(|line| (line.prize.as_ref().map(|p| p.amount_pence.0 / 100), line.probability))
                .collect();
            assert_eq!(got.len(), want.len(), "{numbers}/{rules}: {got:?}");
            for ((got_prize, got_p), (want_prize, want_p)) in got.iter().zip(&want) {
                assert_eq!(got_prize, want_prize, "{numbers}/{rules}");
                assert!(close(*got_p, *want_p), "{numbers}/{rules} £{want_prize:?}: {got_p} ≠ {want_p}");
            }
        }
    }
}

/// 40,000 draws for each of the four numbers × rules combinations (the letters version
/// alternates with the nonce: the odds say it does not matter), counted by prize.
#[test]
fn account_prize_draws_fit_the_published_odds() {
    let keys = keys(ACCOUNT_PRIZE_DRAWS);
    for numbers_impl in V1_V2 {
        for rules_impl in V1_V2 {
            let lines = account_prize::odds(numbers_impl, rules_impl);
            let prizes = keys.iter().enumerate().map(|(nonce, k)| {
                let letters_impl = if nonce % 2 == 0 { Impl::V1 } else { Impl::V2 };
                let letters = account_prize::letters(letters_impl, &mut stream(k, Service::Letters));
                let digits = account_prize::digits(numbers_impl, &mut stream(k, Service::Numbers));
                let letters = AccountLetters::parse(&letters).unwrap();
                let digits = AccountDigits::parse(&digits).unwrap();
                account_prize::outcome(rules_impl, &letters, &digits, &mut stream(k, Service::Rules)).prize
            });
            let observed = count_by_line(&lines, prizes);
            let probabilities: Vec<f64> = lines.iter().map(|line| line.probability).collect();
            // degrees of freedom = categories − 1: four prizes in v1 rules, three in v2.
            let critical = if rules_impl == Impl::V1 { CHI2_P001_DF3 } else { CHI2_P001_DF2 };
            assert_fits(
                &format!("account-prize numbers {numbers_impl} rules {rules_impl}"),
                &observed,
                &probabilities,
                critical,
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// prize-pool
// ---------------------------------------------------------------------------------------------

const PRIZE_POOL_DRAWS: u64 = 20_000;

/// Published odds: each position is a digit with probability 1/2, so tier 3 = 1/8, tier 2 = 1/8,
/// tier 1 = 1/4, no prize = 1/2, with each version's prizes.
#[test]
fn prize_pool_published_odds_match_the_spec() {
    for imp in V1_V2 {
        let lines = prize_pool::odds(imp);
        assert_sums_to_one(&format!("prize-pool {imp}"), &lines);
        let pounds = match imp {
            Impl::V1 => [100_000, 10_000, 1_000],
            Impl::V2 => [999_999, 99_999, 9_999],
        };
        let want = [(Some(pounds[0]), 0.125), (Some(pounds[1]), 0.125), (Some(pounds[2]), 0.25), (None, 0.5)];
        assert_eq!(lines.len(), want.len());
        for (line, (want_pounds, want_p)) in lines.iter().zip(want) {
            let got_pounds = line.prize.as_ref().map(|p| p.amount_pence.0 / 100).filter(|&p| p > 0);
            assert_eq!(got_pounds, want_pounds, "{imp}");
            assert!(close(line.probability, want_p), "{imp}: {line:?}");
        }
        // v2's "no prize" is labelled X; v1's is nothing.
        let no_prize = lines.last().unwrap().prize.as_ref().map(|p| p.label.as_str());
        assert_eq!(no_prize, if imp == Impl::V2 { Some("X") } else { None }, "{imp}");
    }
}

/// 20,000 generated-and-claimed sequences, counted by the prize each version pays for them.
#[test]
fn prize_pool_draws_fit_the_published_odds() {
    let keys = keys(PRIZE_POOL_DRAWS);
    let tiers: Vec<prize_pool::Tier> = keys
        .iter()
        .map(|k| {
            let letters = prize_pool::letters(Impl::V1, &mut stream(k, Service::Letters));
            let digits = prize_pool::digits(Impl::V1, &mut stream(k, Service::Numbers));
            let sequence =
                prize_pool::compose(Impl::V1, &letters, &digits, &mut stream(k, Service::Rules)).unwrap();
            prize_pool::tier(&sequence)
        })
        .collect();
    for imp in V1_V2 {
        let lines = prize_pool::odds(imp);
        let observed = count_by_line(&lines, tiers.iter().map(|&tier| prize_pool::prize(imp, tier)));
        let probabilities: Vec<f64> = lines.iter().map(|line| line.probability).collect();
        assert_fits(&format!("prize-pool {imp}"), &observed, &probabilities, CHI2_P001_DF3);
    }
}

// ---------------------------------------------------------------------------------------------
// spy-mission
// ---------------------------------------------------------------------------------------------

const SPY_MISSION_DRAWS: u64 = 30_000;

/// 30,000 missions. Task from the first number (uniform over 0..=19): 19 → 1/20; divisible by 3
/// (0, 3, 6, 9, 12, 15, 18) → 7/20; otherwise ≥ 10 (10, 11, 13, 14, 16, 17) → 6/20; else 6/20.
/// Target from the first letter (uniform over 26): z 1/26, vowels 5/26, bcdfghj 7/26,
/// klmnpqr 7/26, the rest (stvwxy) 6/26. Also every number and letter of the dossier is uniform.
#[test]
fn spy_mission_draws_fit_the_spec() {
    let tasks = ["Steal the DB_URI from", "Follow", "Collect information about", "Meet with"];
    let targets = ["the flask developer", "the double agent", "the dictator", "the head of Odin", "Duchess"];
    let (mut task_counts, mut target_counts) = ([0u64; 4], [0u64; 5]);
    let (mut number_counts, mut letter_counts) = ([0u64; 20], [0u64; 26]);
    for (nonce, k) in keys(SPY_MISSION_DRAWS).iter().enumerate() {
        let imp = if nonce % 2 == 0 { Impl::V1 } else { Impl::V2 };
        let numbers = spy_mission::numbers(imp, &mut stream(k, Service::Numbers));
        let letters = spy_mission::letters(imp, &mut stream(k, Service::Letters));
        let mission = spy_mission::mission(imp, &numbers, &letters).unwrap();
        task_counts[tasks.iter().position(|t| *t == mission.task).unwrap()] += 1;
        target_counts[targets.iter().position(|t| *t == mission.target).unwrap()] += 1;
        for n in numbers {
            number_counts[n as usize] += 1;
        }
        for b in letters.bytes() {
            letter_counts[usize::from(b - b'a')] += 1;
        }
    }
    assert_fits(
        "spy-mission task",
        &task_counts,
        &[1.0 / 20.0, 7.0 / 20.0, 6.0 / 20.0, 6.0 / 20.0],
        CHI2_P001_DF3,
    );
    let target_p = [1.0 / 26.0, 5.0 / 26.0, 7.0 / 26.0, 7.0 / 26.0, 6.0 / 26.0];
    assert_fits("spy-mission target", &target_counts, &target_p, CHI2_P001_DF4);
    assert_fits("spy-mission numbers", &number_counts, &[1.0 / 20.0; 20], CHI2_P001_DF19);
    assert_fits("spy-mission letters", &letter_counts, &[1.0 / 26.0; 26], CHI2_P001_DF25);
}

// ---------------------------------------------------------------------------------------------
// attack
// ---------------------------------------------------------------------------------------------

const ATTACK_DRAWS: u64 = 30_000;

/// Exact outcome probabilities [missed, hit, crit] from SPEC §3.4.
/// v1: roll uniform over {0, 1, 2}, power uniform over the 100 values 0.0..9.9; missed iff roll 0
/// (1/3); crit iff roll 2 and power > 5.0, i.e. power in 5.1..9.9, 49 of 100 values
/// (1/3 × 49/100 = 49/300); hit the rest (151/300).
/// v2: roll uniform over {1, 2}, power over the 1000 values 0.00..9.99; never missed; crit iff
/// roll 2 and power in 5.01..9.99, 499 of 1000 (1/2 × 499/1000 = 499/2000); hit 1501/2000.
fn attack_probabilities(imp: Impl) -> [f64; 3] {
    match imp {
        Impl::V1 => [100.0 / 300.0, 151.0 / 300.0, 49.0 / 300.0],
        Impl::V2 => [0.0, 1501.0 / 2000.0, 499.0 / 2000.0],
    }
}

/// 30,000 attacks per version, counted by outcome word (lowercase in v1, uppercase in v2).
#[test]
fn attack_draws_fit_the_spec() {
    let keys = keys(ATTACK_DRAWS);
    for imp in V1_V2 {
        let words = match imp {
            Impl::V1 => ["missed", "hit", "crit"],
            Impl::V2 => ["MISSED", "HIT", "CRIT"],
        };
        let mut counts = [0u64; 3];
        for k in &keys {
            let (roll, power) = attack::numbers(imp, &mut stream(k, Service::Numbers));
            let attack = attack::resolve(imp, roll, power).unwrap();
            counts[words.iter().position(|w| *w == attack.outcome).unwrap()] += 1;
        }
        // v1 has three possible outcomes (2 degrees of freedom); v2 never misses, so two (1).
        let critical = if imp == Impl::V1 { CHI2_P001_DF2 } else { CHI2_P001_DF1 };
        assert_fits(&format!("attack {imp}"), &counts, &attack_probabilities(imp), critical);
    }
}

// ---------------------------------------------------------------------------------------------
// character
// ---------------------------------------------------------------------------------------------

const CHARACTER_DRAWS: u64 = 20_000;

/// 20,000 characters: the background is uniform over the 13, and each of the 8 rolls per draw
/// (160,000 rolls) is uniform over 1..=20.
#[test]
fn character_draws_fit_the_spec() {
    let (mut background_counts, mut roll_counts) = ([0u64; 13], [0u64; 20]);
    for (nonce, k) in keys(CHARACTER_DRAWS).iter().enumerate() {
        let imp = if nonce % 2 == 0 { Impl::V1 } else { Impl::V2 };
        let background = character::background(imp, &mut stream(k, Service::Letters));
        background_counts[character::BACKGROUNDS.iter().position(|b| *b == background).unwrap()] += 1;
        for roll in character::rolls(imp, &mut stream(k, Service::Numbers)) {
            assert!((1..=20).contains(&roll), "{roll}");
            roll_counts[roll as usize - 1] += 1;
        }
    }
    assert_fits("character background", &background_counts, &[1.0 / 13.0; 13], CHI2_P001_DF12);
    assert_fits("character rolls", &roll_counts, &[1.0 / 20.0; 20], CHI2_P001_DF19);
}

/// The chi-square check itself rejects a clearly wrong distribution at these sample sizes, so a
/// pass above means something (e.g. a task table that swapped 1/20 and 7/20 would fail).
#[test]
fn chi_square_detects_a_wrong_distribution() {
    // 30,000 fair tasks judged against a distribution with "Steal" and "Follow" swapped.
    let fair = [1_500u64, 10_500, 9_000, 9_000];
    let swapped = [7.0 / 20.0, 1.0 / 20.0, 6.0 / 20.0, 6.0 / 20.0];
    assert!(chi_square(&fair, &swapped) > CHI2_P001_DF3);
    // And accepts the exact expectation.
    assert!(chi_square(&fair, &[1.0 / 20.0, 7.0 / 20.0, 6.0 / 20.0, 6.0 / 20.0]) < 1e-9);
}

/// The outcome odds the public statistics publish (`Game::outcome_odds`) are the ones derived
/// above from the spec, and each game's own outcomes are counted under their keys.
#[test]
fn the_published_outcome_odds_are_the_specs() {
    use prizegen_domain::games::Game;
    use prizegen_domain::games::Impls;
    use prizegen_domain::games::outcomes::outcome_key;
    let by_key = |game: Game, impls: Impls| -> Vec<(String, f64)> {
        game.outcome_odds(impls).into_iter().map(|o| (o.key, o.probability)).collect()
    };
    for imp in V1_V2 {
        let impls = Impls { letters: imp, numbers: imp, rules: imp };
        let [missed, hit, crit] = attack_probabilities(imp);
        let attack = by_key(Game::Attack, impls);
        let want = [("missed", missed), ("hit", hit), ("crit", crit)];
        assert_eq!(attack.len(), 3);
        for (key, p) in want {
            let found = attack.iter().find(|(k, _)| k == key).unwrap().1;
            assert!(close(found, p), "attack {imp} {key}: {found} vs {p}");
        }
        // What the game's own functions produce is counted under a published key.
        let keys = keys(200);
        for k in &keys {
            let (roll, power) = attack::numbers(imp, &mut stream(k, Service::Numbers));
            let outcome = attack::resolve(imp, roll, power).unwrap().outcome;
            assert!(attack.iter().any(|(key, _)| *key == outcome_key(Game::Attack, None, Some(outcome))));
            let background = character::background(imp, &mut stream(k, Service::Letters));
            let characters = by_key(Game::Character, impls);
            assert!(characters.iter().any(|(key, p)| key == background && close(*p, 1.0 / 13.0)));
            let numbers = spy_mission::numbers(imp, &mut stream(k, Service::Numbers));
            let letters = spy_mission::letters(imp, &mut stream(k, Service::Letters));
            let task = spy_mission::mission(imp, &numbers, &letters).unwrap().task;
            assert!(by_key(Game::SpyMission, impls).iter().any(|(key, _)| key == task));
        }
        let spy = by_key(Game::SpyMission, impls);
        let tasks = [
            ("Steal the DB_URI from", 1.0),
            ("Follow", 7.0),
            ("Collect information about", 6.0),
            ("Meet with", 6.0),
        ];
        for (task, twentieths) in tasks {
            assert!(spy.iter().any(|(k, p)| k == task && close(*p, twentieths / 20.0)), "{task}");
        }
    }
}
