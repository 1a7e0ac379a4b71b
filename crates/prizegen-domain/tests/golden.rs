//! Golden, table-driven tests of every rule branch of every game (SPEC §3), for v1 and v2.
//!
//! Every expected value below is written from the text of `/work/shared/SPEC.md`, not copied from
//! the implementation. Where a rule reads the rules stream (the account-prize 25% chance, the
//! prize-pool 50% chances), the expected stream values come from [`reference`], a small
//! independent re-implementation of SPEC §2 written straight from the spec, so that these tests do
//! not trust the crate's own `Stream` to tell them what the answer should be.
#![allow(clippy::unwrap_used)]

use prizegen_domain::fairness::{ClientSeed, SeedKeyer, ServerSeed, Service, ServiceKey, Stream};
use prizegen_domain::games::account_prize::{self, AccountDigits, AccountLetters};
use prizegen_domain::games::attack::{self, Decimal};
use prizegen_domain::games::character::{self, ABILITIES, BACKGROUNDS, CLASSES, CharacterInput, RACES};
use prizegen_domain::games::prize_pool::{self, Sequence, Tier};
use prizegen_domain::games::spy_mission;
use prizegen_domain::games::{Impl, PartsError};
use prizegen_domain::money::{Pence, Prize};
use std::collections::BTreeMap;

/// SPEC §2 written out again, independently of the crate: keys, blocks and `uniform(n)`.
mod reference {
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::Sha256;

    type HmacSha256 = Hmac<Sha256>;

    pub fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key).unwrap();
        mac.update(msg);
        mac.finalize().into_bytes().into()
    }

    /// `k_S = HMAC-SHA256(key = seed, msg = "<client_seed>:<nonce>:<S>")`.
    pub fn key(seed: &[u8; 32], client_seed: &str, nonce: u64, service: &str) -> [u8; 32] {
        hmac(seed, format!("{client_seed}:{nonce}:{service}").as_bytes())
    }

    /// Blocks `B_i = HMAC-SHA256(k_S, decimal(i))`, concatenated, read 4 bytes at a time.
    pub struct RefStream {
        key: [u8; 32],
        bytes: Vec<u8>,
        pos: usize,
    }

    impl RefStream {
        pub fn new(key: [u8; 32]) -> Self {
            Self { key, bytes: Vec::new(), pos: 0 }
        }

        fn next_u32(&mut self) -> u32 {
            while self.bytes.len() < self.pos + 4 {
                let i = self.bytes.len() / 32;
                let block = hmac(&self.key, i.to_string().as_bytes());
                self.bytes.extend_from_slice(&block);
            }
            let x = u32::from_be_bytes(self.bytes[self.pos..self.pos + 4].try_into().unwrap());
            self.pos += 4;
            x
        }

        /// `uniform(n)`: accept `x < floor(2^32 / n) * n` and return `x mod n`, else read again.
        pub fn uniform(&mut self, n: u32) -> u32 {
            let limit = (1u64 << 32) / u64::from(n) * u64::from(n);
            loop {
                let x = u64::from(self.next_u32());
                if x < limit {
                    return (x % u64::from(n)) as u32;
                }
            }
        }

        pub fn letters(&mut self, alphabet: &[u8], n: usize) -> String {
            (0..n).map(|_| char::from(alphabet[self.uniform(alphabet.len() as u32) as usize])).collect()
        }

        pub fn digits(&mut self, n: usize) -> String {
            (0..n).map(|_| char::from(b'0' + self.uniform(10) as u8)).collect()
        }

        pub fn chance(&mut self, percent: u32) -> bool {
            self.uniform(100) < percent
        }
    }
}

use reference::RefStream;

const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const MIXED: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The worked-example seed of the fairness page: bytes 0x00, 0x01, …, 0x1f.
fn worked_example_seed() -> [u8; 32] {
    std::array::from_fn(|i| i as u8)
}

/// A test key `[b0, b1, 0, 0, …]`; 65,536 of them is a small, fast space to search.
fn small_key(i: u16) -> [u8; 32] {
    let mut key = [0u8; 32];
    key[..2].copy_from_slice(&i.to_be_bytes());
    key
}

/// The first small key whose stream, per the reference, satisfies `pred`.
fn find_key(pred: impl Fn(&mut RefStream) -> bool) -> [u8; 32] {
    (0..=u16::MAX).map(small_key).find(|k| pred(&mut RefStream::new(*k))).expect("a key in the small space")
}

fn crate_stream(key: [u8; 32]) -> Stream {
    Stream::new(&ServiceKey::from_bytes(key))
}

fn cash(pounds: u64) -> Option<Prize> {
    Some(Prize::cash(Pence::pounds(pounds)))
}

// ---------------------------------------------------------------------------------------------
// §2 fairness: the worked example through the whole pipeline.
// ---------------------------------------------------------------------------------------------

/// Seed 0x00..0x1f, client seed "", nonce 0, all services v1: account `qxzm4226`, which has no
/// `a` first but contains a `4`, so v1 pays £10 = 1000 pence.
#[test]
fn worked_example_account_prize_all_v1() {
    let seed_bytes = worked_example_seed();
    let seed = ServerSeed::from_bytes(seed_bytes);
    let keyer = SeedKeyer::new(&seed);
    let client = ClientSeed::default();

    // The crate's keys are the spec's HMAC of "<client_seed>:<nonce>:<S>".
    for (service, name) in
        [(Service::Letters, "letters"), (Service::Numbers, "numbers"), (Service::Rules, "rules")]
    {
        let want = reference::key(&seed_bytes, "", 0, name);
        assert_eq!(keyer.key(&client, 0, service).as_bytes(), &want, "k_{name}");
        assert_eq!(keyer.key(&client, 0, service).to_hex(), hex::encode(want));
    }

    let letters =
        account_prize::letters(Impl::V1, &mut Stream::new(&keyer.key(&client, 0, Service::Letters)));
    let digits = account_prize::digits(Impl::V1, &mut Stream::new(&keyer.key(&client, 0, Service::Numbers)));
    assert_eq!((letters.as_str(), digits.as_str()), ("qxzm", "4226"));
    // The reference stream agrees on the generated parts.
    let ref_letters = RefStream::new(reference::key(&seed_bytes, "", 0, "letters")).letters(LOWER, 4);
    let ref_digits = RefStream::new(reference::key(&seed_bytes, "", 0, "numbers")).digits(4);
    assert_eq!((ref_letters.as_str(), ref_digits.as_str()), ("qxzm", "4226"));

    let outcome = account_prize::outcome(
        Impl::V1,
        &AccountLetters::parse(&letters).unwrap(),
        &AccountDigits::parse(&digits).unwrap(),
        &mut Stream::new(&keyer.key(&client, 0, Service::Rules)),
    );
    assert_eq!(outcome.account_number, "qxzm4226");
    let prize = outcome.prize.unwrap();
    assert_eq!(prize.amount_pence, Pence(1000));
    assert_eq!(prize.label, "£10");
}

/// The crate's stream must read exactly what the spec's stream reads, including rejection
/// sampling and moving on to block 1 after 8 reads.
#[test]
fn stream_matches_the_spec_reference() {
    for i in [0u16, 1, 2, 0xbeef, u16::MAX] {
        let key = small_key(i);
        let (mut ours, mut theirs) = (crate_stream(key), RefStream::new(key));
        // 30 draws over a mix of sizes crosses several block boundaries.
        for n in [3u32, 10, 20, 26, 52, 100, 1000, 13, 7, 2].iter().cycle().take(30) {
            let n = std::num::NonZeroU32::new(*n).unwrap();
            assert_eq!(ours.uniform(n), theirs.uniform(n.get()), "key {i}, n {n}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// §3.1 account-prize
// ---------------------------------------------------------------------------------------------

/// The generators: v1 four lowercase letters and four digits; v2 two uppercase letters and
/// eight digits, each drawn from the service's stream in order.
#[test]
fn account_prize_generators_per_version() {
    for i in 0..40u16 {
        let key = small_key(i * 997);
        let cases = [
            (account_prize::letters(Impl::V1, &mut crate_stream(key)), RefStream::new(key).letters(LOWER, 4)),
            (account_prize::letters(Impl::V2, &mut crate_stream(key)), RefStream::new(key).letters(UPPER, 2)),
            (account_prize::digits(Impl::V1, &mut crate_stream(key)), RefStream::new(key).digits(4)),
            (account_prize::digits(Impl::V2, &mut crate_stream(key)), RefStream::new(key).digits(8)),
        ];
        for (got, want) in cases {
            assert_eq!(got, want, "key {i}");
        }
    }
}

/// Every branch of both rule versions, with the 25% chance forced each way and at its boundary:
/// the chance is the rules stream's first `uniform(100) < 25`, so a first draw of 24 wins the
/// £100 and 25 loses it (£50).
#[test]
fn account_prize_every_rules_branch() {
    let first_draw_is = |v: u32| find_key(move |s| s.uniform(100) == v);
    let win_24 = first_draw_is(24);
    let lose_25 = first_draw_is(25);
    let win_0 = first_draw_is(0);
    let lose_99 = first_draw_is(99);
    // (label, key) pairs: the same table runs with each.
    let wins = [("draw 24", win_24), ("draw 0", win_0)];
    let losses = [("draw 25", lose_25), ("draw 99", lose_99)];

    // (rules impl, letters, digits, prize if the chance wins, prize if it loses)
    type Case = (Impl, &'static str, &'static str, Option<Prize>, Option<Prize>);
    let cases: &[Case] = &[
        // v1: first letter a → £100 / £50, whatever the digits.
        (Impl::V1, "abcd", "1234", cash(100), cash(50)),
        (Impl::V1, "abcd", "0000", cash(100), cash(50)),
        (Impl::V1, "azzz", "9999", cash(100), cash(50)),
        // uppercase A counts too, and v2-shaped parts are accepted by v1 rules (rolling update).
        (Impl::V1, "Abcd", "1235", cash(100), cash(50)),
        (Impl::V1, "AB", "00000000", cash(100), cash(50)),
        (Impl::V1, "AZ", "44444444", cash(100), cash(50)),
        // v1: otherwise a 4 anywhere in the digits → £10, chance irrelevant.
        (Impl::V1, "qxzm", "4226", cash(10), cash(10)),
        (Impl::V1, "bcda", "0004", cash(10), cash(10)),
        (Impl::V1, "zzzz", "0400", cash(10), cash(10)),
        (Impl::V1, "QX", "00000004", cash(10), cash(10)),
        // only the FIRST letter matters: an `a` later does not win the letter prize.
        (Impl::V1, "bacd", "1234", cash(10), cash(10)),
        (Impl::V1, "baaa", "1235", None, None),
        // v1: otherwise no prize.
        (Impl::V1, "qxzm", "1235", None, None),
        (Impl::V1, "QX", "12356789", None, None),
        (Impl::V1, "zzzz", "0000", None, None),
        // v2: first letter a/A AND a 4 → £100 / £50.
        (Impl::V2, "AB", "12345678", cash(100), cash(50)),
        (Impl::V2, "AA", "00000004", cash(100), cash(50)),
        (Impl::V2, "ab", "40000000", cash(100), cash(50)),
        (Impl::V2, "abcd", "0004", cash(100), cash(50)),
        // v2: a/A without a 4 → nothing.
        (Impl::V2, "AB", "12356789", None, None),
        (Impl::V2, "abcd", "0000", None, None),
        // v2: a 4 without a/A first → nothing (no £10 in v2).
        (Impl::V2, "QB", "44444444", None, None),
        (Impl::V2, "BA", "12345678", None, None),
        (Impl::V2, "qxzm", "4226", None, None),
        // v2: neither.
        (Impl::V2, "ZZ", "00000000", None, None),
    ];
    for (imp, l, d, if_win, if_lose) in cases {
        let letters = AccountLetters::parse(l).unwrap();
        let digits = AccountDigits::parse(d).unwrap();
        for ((why, key), want) in wins.iter().map(|w| (w, if_win)).chain(losses.iter().map(|l| (l, if_lose)))
        {
            let got = account_prize::outcome(*imp, &letters, &digits, &mut crate_stream(*key));
            assert_eq!(&got.prize, want, "{imp} rules, {l}{d}, rules stream {why}");
            // The account number is letters then digits, leading zeros kept.
            assert_eq!(got.account_number, format!("{l}{d}"));
        }
    }
}

/// Prizes are money in integer pence, labelled as players see them.
#[test]
fn account_prize_amounts_and_labels() {
    let cases = [(cash(100), 10_000, "£100"), (cash(50), 5_000, "£50"), (cash(10), 1_000, "£10")];
    for (prize, pence, label) in cases {
        let prize = prize.unwrap();
        assert_eq!(prize.amount_pence, Pence(pence));
        assert_eq!(prize.label, label);
    }
}

/// The rules refuse parts no generator could have sent.
#[test]
fn account_prize_parts_are_validated() {
    for bad in ["", "ab1", "a-b", "ab cd"] {
        assert!(AccountLetters::parse(bad).is_err(), "{bad:?}");
    }
    for bad in ["", "12a4", "-123", "1 23"] {
        assert!(AccountDigits::parse(bad).is_err(), "{bad:?}");
    }
    // Both versions' shapes are accepted (v1 and v2 services interoperate during an update).
    for good in ["abcd", "AB"] {
        assert_eq!(AccountLetters::parse(good).unwrap().as_str(), good);
    }
    for good in ["0042", "00000000"] {
        assert_eq!(AccountDigits::parse(good).unwrap().as_str(), good, "leading zeros kept");
    }
}

// ---------------------------------------------------------------------------------------------
// §3.2 prize-pool
// ---------------------------------------------------------------------------------------------

/// A sequence whose positions 0, 2 and 7 are a digit or a letter as `digit_at` says, and whose
/// other 17 positions are all digits or all letters (`others_digits`): they must not matter.
fn pool_sequence(digit_at: [bool; 3], others_digits: bool) -> Sequence {
    let mut chars: Vec<char> = (0..20).map(|i| if others_digits { '5' } else { ['q', 'Z'][i % 2] }).collect();
    for (pos, is_digit) in [0usize, 2, 7].into_iter().zip(digit_at) {
        chars[pos] = if is_digit { '9' } else { 'K' };
    }
    Sequence::parse(&chars.into_iter().collect::<String>()).unwrap()
}

/// Tier from positions 0, 2, 7 for all eight digit/letter combinations, with every other
/// position all digits and then all letters (they must not matter).
#[test]
fn prize_pool_tiers_from_positions_0_2_7() {
    // (pos 0 digit?, pos 2 digit?, pos 7 digit?) → tier
    let cases = [
        ([false, false, false], Tier::None),
        ([false, false, true], Tier::None),
        ([false, true, false], Tier::None),
        ([false, true, true], Tier::None),
        ([true, false, false], Tier::One),
        ([true, false, true], Tier::One),
        ([true, true, false], Tier::Two),
        ([true, true, true], Tier::Three),
    ];
    for (digits, want) in cases {
        for others_digits in [false, true] {
            let sequence = pool_sequence(digits, others_digits);
            assert_eq!(prize_pool::tier(&sequence), want, "{}", sequence.as_str());
        }
    }
    // Literal examples, readable at a glance.
    let literal = [
        ("a1b2c3d4e5f6g7h8i9j0", Tier::None),
        ("1ab2c3d4e5f6g7h8i9j0", Tier::One),
        ("1a2bcdefghijklmnopqr", Tier::Two),
        ("1a2bcde3ghijklmnopqr", Tier::Three),
        ("00000000000000000000", Tier::Three),
        ("ZZZZZZZZZZZZZZZZZZZZ", Tier::None),
    ];
    for (s, want) in literal {
        assert_eq!(prize_pool::tier(&Sequence::parse(s).unwrap()), want, "{s}");
    }
}

/// v1 pays £1,000 / £10,000 / £100,000; v2 £9,999 / £99,999 / £999,999 and labels no prize `X`.
#[test]
fn prize_pool_prizes_and_labels_per_version() {
    // (impl, tier, pence, label)
    let cases = [
        (Impl::V1, Tier::One, 100_000, "£1,000"),
        (Impl::V1, Tier::Two, 1_000_000, "£10,000"),
        (Impl::V1, Tier::Three, 10_000_000, "£100,000"),
        (Impl::V2, Tier::One, 999_900, "£9,999"),
        (Impl::V2, Tier::Two, 9_999_900, "£99,999"),
        (Impl::V2, Tier::Three, 99_999_900, "£999,999"),
    ];
    for (imp, tier, pence, label) in cases {
        let prize = prize_pool::prize(imp, tier).unwrap();
        assert_eq!((prize.amount_pence, prize.label.as_str()), (Pence(pence), label), "{imp} {tier:?}");
    }
    // v1: no prize is nothing at all.
    assert_eq!(prize_pool::prize(Impl::V1, Tier::None), None);
    // v2: no prize is labelled X and pays nothing.
    let x = prize_pool::prize(Impl::V2, Tier::None).unwrap();
    assert_eq!(x.label, "X");
    assert_eq!(x.amount_pence, Pence(0));
}

/// The generators: 20 digits, 20 letters from the mixed alphabet (a..z then A..Z), both versions.
#[test]
fn prize_pool_generators() {
    for i in 0..20u16 {
        let key = small_key(i * 3001);
        for imp in [Impl::V1, Impl::V2] {
            assert_eq!(
                prize_pool::letters(imp, &mut crate_stream(key)),
                RefStream::new(key).letters(MIXED, 20)
            );
            assert_eq!(prize_pool::digits(imp, &mut crate_stream(key)), RefStream::new(key).digits(20));
        }
    }
}

/// Compose: 20 chances `uniform(100) < 50` from the rules stream, true = the digit, false = the
/// letter. Checked against the reference stream, plus keys whose chances are all one way.
#[test]
fn prize_pool_compose_from_chances() {
    let letters = "abcdefghijKLMNOPQRST";
    let digits = "01234567890123456789";
    for i in 0..50u16 {
        let key = small_key(i * 1311);
        let mut reference = RefStream::new(key);
        let want: String = letters
            .chars()
            .zip(digits.chars())
            .map(|(l, d)| if reference.chance(50) { d } else { l })
            .collect();
        for imp in [Impl::V1, Impl::V2] {
            let got = prize_pool::compose(imp, letters, digits, &mut crate_stream(key)).unwrap();
            assert_eq!(got.as_str(), want, "{imp} key {i}");
        }
    }
    // A key whose first three chances are digit, letter, digit: "0", "b", "2" at positions 0..3,
    // so position 0 is a digit and position 2 a digit too (boundary draws 49 → digit, 50 → letter).
    let key = find_key(|s| s.uniform(100) == 49 && s.uniform(100) == 50 && s.uniform(100) < 50);
    let sequence = prize_pool::compose(Impl::V1, letters, digits, &mut crate_stream(key)).unwrap();
    assert_eq!(&sequence.as_str()[..3], "0b2");
    // Wrong shapes are refused.
    assert!(prize_pool::compose(Impl::V1, "abc", digits, &mut crate_stream(key)).is_err());
    assert!(prize_pool::compose(Impl::V1, letters, "0123456789012345678x", &mut crate_stream(key)).is_err());
    assert!(prize_pool::compose(Impl::V1, "abcdefghij0123456789", digits, &mut crate_stream(key)).is_err());
}

/// Generate then claim through the whole pipeline, with the tier predicted from the reference.
#[test]
fn prize_pool_pipeline_matches_reference() {
    let seed = worked_example_seed();
    let keyer = SeedKeyer::new(&ServerSeed::from_bytes(seed));
    let client = ClientSeed::default();
    for nonce in 0..30 {
        let key = |s| keyer.key(&client, nonce, s);
        let letters = prize_pool::letters(Impl::V1, &mut Stream::new(&key(Service::Letters)));
        let digits = prize_pool::digits(Impl::V2, &mut Stream::new(&key(Service::Numbers)));
        let sequence =
            prize_pool::compose(Impl::V1, &letters, &digits, &mut Stream::new(&key(Service::Rules))).unwrap();

        let mut chances = RefStream::new(reference::key(&seed, "", nonce, "rules"));
        let is_digit: Vec<bool> = (0..20).map(|_| chances.chance(50)).collect();
        let want = match (is_digit[0], is_digit[2], is_digit[7]) {
            (false, _, _) => Tier::None,
            (true, false, _) => Tier::One,
            (true, true, false) => Tier::Two,
            (true, true, true) => Tier::Three,
        };
        assert_eq!(prize_pool::tier(&sequence), want, "nonce {nonce}: {}", sequence.as_str());
    }
}

// ---------------------------------------------------------------------------------------------
// §3.3 spy-mission
// ---------------------------------------------------------------------------------------------

/// Every possible first number, 0..=19, by the first rule that holds: 19 → steal; divisible by 3
/// (including 0, 15 and 18) → follow; ≥ 10 → collect; else meet.
#[test]
fn spy_mission_every_task() {
    const STEAL: &str = "Steal the DB_URI from";
    const FOLLOW: &str = "Follow";
    const COLLECT: &str = "Collect information about";
    const MEET: &str = "Meet with";
    let table = [
        (0, FOLLOW), // 0 is divisible by 3
        (1, MEET),
        (2, MEET),
        (3, FOLLOW),
        (4, MEET),
        (5, MEET),
        (6, FOLLOW),
        (7, MEET),
        (8, MEET),
        (9, FOLLOW),
        (10, COLLECT),
        (11, COLLECT),
        (12, FOLLOW), // divisible by 3 beats ≥ 10
        (13, COLLECT),
        (14, COLLECT),
        (15, FOLLOW), // divisible by 3 beats ≥ 10
        (16, COLLECT),
        (17, COLLECT),
        (18, FOLLOW), // divisible by 3 beats ≥ 10
        (19, STEAL),  // 19 comes first (it is ≥ 10 too)
    ];
    for (n, want) in table {
        assert_eq!(spy_mission::task(n), want, "n = {n}");
        // And through the rules step, which takes the task from the FIRST number only.
        let m = spy_mission::mission(Impl::V1, &[n, 19, 19, 19, 19, 19], "zzzzzz").unwrap();
        assert_eq!(m.task, want, "mission with first number {n}");
    }
}

/// Every lowercase letter's target class.
#[test]
fn spy_mission_every_target() {
    let class = |c: char| match c {
        'z' => "the flask developer",
        'a' | 'e' | 'i' | 'o' | 'u' => "the double agent",
        'b' | 'c' | 'd' | 'f' | 'g' | 'h' | 'j' => "the dictator",
        'k' | 'l' | 'm' | 'n' | 'p' | 'q' | 'r' => "the head of Odin",
        's' | 't' | 'v' | 'w' | 'x' | 'y' => "Duchess",
        _ => unreachable!(),
    };
    // Spelled out too, so a typo in `class` above cannot hide a typo in the crate.
    let table = [
        ("z", "the flask developer"),
        ("aeiou", "the double agent"),
        ("bcdfghj", "the dictator"),
        ("klmnpqr", "the head of Odin"),
        ("stvwxy", "Duchess"),
    ];
    let mut covered = 0;
    for (letters, want) in table {
        for c in letters.chars() {
            assert_eq!(spy_mission::target(c), want, "{c}");
            assert_eq!(class(c), want);
            covered += 1;
        }
    }
    assert_eq!(covered, 26, "the table covers the whole alphabet");
    // The rules step takes the target from the FIRST letter only.
    for c in 'a'..='z' {
        let letters = format!("{c}zzzzz");
        let m = spy_mission::mission(Impl::V2, &[1, 2, 3, 4, 5, 6], &letters).unwrap();
        assert_eq!(m.target, class(c), "{letters}");
    }
}

/// The dossier interleaves numbers and letters, space separated; mission = task + " " + target.
#[test]
fn spy_mission_dossier_and_mission() {
    // (numbers, letters, dossier, task, target)
    let cases = [
        ([3, 17, 0, 11, 5, 19], "kazbqe", "3 k 17 a 0 z 11 b 5 q 19 e", "Follow", "the head of Odin"),
        (
            [19, 0, 0, 0, 0, 0],
            "zaaaaa",
            "19 z 0 a 0 a 0 a 0 a 0 a",
            "Steal the DB_URI from",
            "the flask developer",
        ),
        (
            [10, 1, 2, 3, 4, 5],
            "ebcdfg",
            "10 e 1 b 2 c 3 d 4 f 5 g",
            "Collect information about",
            "the double agent",
        ),
        ([7, 7, 7, 7, 7, 7], "bbbbbb", "7 b 7 b 7 b 7 b 7 b 7 b", "Meet with", "the dictator"),
        ([15, 18, 0, 9, 12, 6], "yxwvts", "15 y 18 x 0 w 9 v 12 t 6 s", "Follow", "Duchess"),
    ];
    for imp in [Impl::V1, Impl::V2] {
        for (numbers, letters, dossier, task, target) in cases {
            let m = spy_mission::mission(imp, &numbers, letters).unwrap();
            assert_eq!(m.dossier, dossier);
            assert_eq!((m.task, m.target), (task, target), "{dossier}");
            assert_eq!(m.mission, format!("{task} {target}"));
        }
    }
    // Parts no generator could produce are refused.
    let refused: [(&[u32], &str); 4] = [
        (&[20, 1, 2, 3, 4, 5], "abcdef"), // 20 is outside [0, 19]
        (&[1, 2, 3, 4, 5, 6], "abcde"),   // count mismatch
        (&[1, 2, 3, 4, 5, 6], "abcdeF"),  // uppercase
        (&[], ""),
    ];
    for (numbers, letters) in refused {
        assert!(spy_mission::mission(Impl::V1, numbers, letters).is_err(), "{numbers:?} {letters:?}");
    }
}

/// The generators: six integers in [0, 19] (each `0 + uniform(20)`), six lowercase letters.
#[test]
fn spy_mission_generators() {
    for i in 0..30u16 {
        let key = small_key(i * 2027);
        for imp in [Impl::V1, Impl::V2] {
            let mut reference = RefStream::new(key);
            let want: Vec<u32> = (0..6).map(|_| reference.uniform(20)).collect();
            assert_eq!(spy_mission::numbers(imp, &mut crate_stream(key)), want);
            assert_eq!(
                spy_mission::letters(imp, &mut crate_stream(key)),
                RefStream::new(key).letters(LOWER, 6)
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// §3.4 attack
// ---------------------------------------------------------------------------------------------

fn dec(s: &str) -> Decimal {
    Decimal::parse(s).unwrap()
}

/// roll 0 → missed; roll 2 and power > 5 → crit (5 exactly is not); else hit. v1 lowercase,
/// v2 uppercase. damage = roll × power, exact to the power's places.
#[test]
fn attack_every_outcome_branch() {
    // (rules impl, roll, power, outcome, damage)
    let cases = [
        // v1: roll 0 is always missed, even with the highest power.
        (Impl::V1, 0, "9.9", "missed", "0.0"),
        (Impl::V1, 0, "5.1", "missed", "0.0"),
        (Impl::V1, 0, "0.0", "missed", "0.0"),
        // v1: roll 1 is a hit whatever the power (crit needs roll 2).
        (Impl::V1, 1, "0.0", "hit", "0.0"),
        (Impl::V1, 1, "5.1", "hit", "5.1"),
        (Impl::V1, 1, "9.9", "hit", "9.9"),
        // v1: roll 2, power at or below 5 → hit; above → crit.
        (Impl::V1, 2, "0.0", "hit", "0.0"),
        (Impl::V1, 2, "4.9", "hit", "9.8"),
        (Impl::V1, 2, "5.0", "hit", "10.0"),
        (Impl::V1, 2, "5.1", "crit", "10.2"),
        (Impl::V1, 2, "7.3", "crit", "14.6"),
        (Impl::V1, 2, "9.9", "crit", "19.8"),
        // v2: same rules, uppercase words, two places.
        (Impl::V2, 0, "7.25", "MISSED", "0.00"), // a v1 numbers service may still send roll 0
        (Impl::V2, 1, "0.00", "HIT", "0.00"),
        (Impl::V2, 1, "7.30", "HIT", "7.30"),
        (Impl::V2, 1, "9.99", "HIT", "9.99"),
        (Impl::V2, 2, "4.99", "HIT", "9.98"),
        (Impl::V2, 2, "5.00", "HIT", "10.00"),
        (Impl::V2, 2, "5.01", "CRIT", "10.02"),
        (Impl::V2, 2, "7.30", "CRIT", "14.60"),
        (Impl::V2, 2, "9.99", "CRIT", "19.98"),
        // Mixed versions during a rolling update: the words follow the rules version, the
        // damage's places follow the power.
        (Impl::V1, 2, "7.30", "crit", "14.60"),
        (Impl::V1, 2, "5.00", "hit", "10.00"),
        (Impl::V2, 2, "5.0", "HIT", "10.0"),
        (Impl::V2, 2, "5.1", "CRIT", "10.2"),
    ];
    for (imp, roll, power, outcome, damage) in cases {
        let got = attack::resolve(imp, roll, dec(power)).unwrap();
        assert_eq!(
            (got.outcome, got.damage.to_string().as_str()),
            (outcome, damage),
            "{imp} rules, roll {roll}, power {power}"
        );
    }
}

/// Parts no generator could send are refused: roll above 2, power 10 or more.
#[test]
fn attack_refuses_impossible_parts() {
    assert!(attack::resolve(Impl::V1, 3, dec("1.0")).is_err());
    assert!(attack::resolve(Impl::V2, 3, dec("1.00")).is_err());
    assert!(attack::resolve(Impl::V1, 1, dec("10.0")).is_err());
    assert!(attack::resolve(Impl::V2, 1, dec("10.00")).is_err());
    assert!(attack::resolve(Impl::V2, 1, dec("9.99")).is_ok());
}

/// Decimals keep their places: `7.30` is two places and prints as `7.30`.
#[test]
fn attack_decimals_are_exact() {
    let cases =
        [("7.30", 730, 2, "7.30"), ("0.05", 5, 2, "0.05"), ("9.9", 99, 1, "9.9"), ("0.0", 0, 1, "0.0")];
    for (s, units, places, shown) in cases {
        let d = dec(s);
        assert_eq!((d.units, d.places), (units, places), "{s}");
        assert_eq!(d.to_string(), shown);
    }
    assert_eq!(Decimal { units: 730, places: 2 }.times(2).to_string(), "14.60");
    for bad in ["", ".5", "5.", "1.2.3", "-1", "a"] {
        assert!(Decimal::parse(bad).is_err(), "{bad:?}");
    }
}

/// The generators read a roll then a power: v1 roll = 0 + uniform(3), power = uniform(100) / 10;
/// v2 roll = 1 + uniform(2), power = uniform(1000) / 100.
#[test]
fn attack_generators_per_version() {
    for i in 0..60u16 {
        let key = small_key(i * 1087);
        let mut reference = RefStream::new(key);
        let (roll, power) = attack::numbers(Impl::V1, &mut crate_stream(key));
        assert_eq!(
            (roll, power.units, power.places),
            (reference.uniform(3), u64::from(reference.uniform(100)), 1)
        );

        let mut reference = RefStream::new(key);
        let (roll, power) = attack::numbers(Impl::V2, &mut crate_stream(key));
        assert_eq!(
            (roll, power.units, power.places),
            (1 + reference.uniform(2), u64::from(reference.uniform(1000)), 2)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// §3.5 character
// ---------------------------------------------------------------------------------------------

fn ranks(values: [i64; 6]) -> BTreeMap<String, i64> {
    ABILITIES.iter().map(|a| a.to_string()).zip(values).collect()
}

/// Drop the two lowest of eight rolls, keep six sorted high → low; the ability ranked k gets the
/// k-th highest kept roll.
#[test]
fn character_sheet_drops_two_lowest_and_assigns_by_rank() {
    // (rolls, ranks in strength..charisma order, kept high → low, abilities in the same order)
    type Case = ([u32; 8], [u8; 6], [u32; 6], [u32; 6]);
    let cases: [Case; 5] = [
        (
            [3, 17, 9, 1, 12, 20, 5, 14],
            [2, 1, 6, 5, 4, 3],
            [20, 17, 14, 12, 9, 5], // 1 and 3 dropped
            [17, 20, 5, 9, 12, 14],
        ),
        (
            [1, 2, 3, 4, 5, 6, 7, 8],
            [1, 2, 3, 4, 5, 6],
            [8, 7, 6, 5, 4, 3],
            [8, 7, 6, 5, 4, 3], // rank 1 = highest
        ),
        (
            [8, 7, 6, 5, 4, 3, 2, 1],
            [6, 5, 4, 3, 2, 1],
            [8, 7, 6, 5, 4, 3],
            [3, 4, 5, 6, 7, 8], // reversed ranks
        ),
        (
            // Ties: only two of the three 1s are dropped.
            [1, 20, 1, 20, 1, 5, 5, 3],
            [3, 1, 2, 6, 5, 4],
            [20, 20, 5, 5, 3, 1],
            [5, 20, 20, 1, 3, 5],
        ),
        (
            [20, 20, 20, 20, 20, 20, 20, 20],
            [4, 2, 6, 1, 3, 5],
            [20, 20, 20, 20, 20, 20],
            [20, 20, 20, 20, 20, 20],
        ),
    ];
    for imp in [Impl::V1, Impl::V2] {
        for (rolls, rank, kept, scores) in cases {
            let sheet = character::sheet(imp, &rolls, "Sage", rank).unwrap();
            assert_eq!(sheet.rolls, kept, "{rolls:?}");
            assert_eq!(sheet.background, "Sage");
            let want: [(&str, u32); 6] = std::array::from_fn(|i| (ABILITIES[i], scores[i]));
            assert_eq!(sheet.abilities, want, "{rolls:?} ranked {rank:?}");
        }
    }
}

/// Every background of the spec is accepted by the rules; anything else is refused, as are bad
/// rolls and ranks.
#[test]
fn character_sheet_refuses_impossible_parts() {
    let spec_backgrounds = [
        "Acolyte",
        "Charlatan",
        "Criminal / Spy",
        "Entertainer",
        "Folk Hero",
        "Gladiator",
        "Guild Artisan / Guild Merchant",
        "Knight",
        "Noble",
        "Pirate",
        "Sage",
        "Soldier",
        "Urchin",
    ];
    assert_eq!(BACKGROUNDS, spec_backgrounds);
    let rolls = [10, 10, 10, 10, 10, 10, 10, 10];
    for background in spec_backgrounds {
        assert!(character::sheet(Impl::V1, &rolls, background, [1, 2, 3, 4, 5, 6]).is_ok(), "{background}");
    }
    let refused: [(&[u32], &str, [u8; 6]); 6] = [
        (&[10; 7], "Sage", [1, 2, 3, 4, 5, 6]), // seven rolls
        (&[10; 9], "Sage", [1, 2, 3, 4, 5, 6]), // nine rolls
        (&[0, 10, 10, 10, 10, 10, 10, 10], "Sage", [1, 2, 3, 4, 5, 6]), // 0 below 1
        (&[21, 10, 10, 10, 10, 10, 10, 10], "Sage", [1, 2, 3, 4, 5, 6]), // 21 above 20
        (&rolls, "Bard", [1, 2, 3, 4, 5, 6]),   // not a background
        (&rolls, "Sage", [1, 1, 3, 4, 5, 6]),   // ranks repeat
    ];
    for (rolls, background, rank) in refused {
        let got: Result<_, PartsError> = character::sheet(Impl::V1, rolls, background, rank);
        assert!(got.is_err(), "{rolls:?} {background} {rank:?}");
    }
}

/// The generators: eight integers `1 + uniform(20)`; a background `list[uniform(13)]`.
#[test]
fn character_generators() {
    for i in 0..30u16 {
        let key = small_key(i.wrapping_mul(4099));
        for imp in [Impl::V1, Impl::V2] {
            let mut reference = RefStream::new(key);
            let want: Vec<u32> = (0..8).map(|_| 1 + reference.uniform(20)).collect();
            assert_eq!(character::rolls(imp, &mut crate_stream(key)), want);
            let want = BACKGROUNDS[RefStream::new(key).uniform(13) as usize];
            assert_eq!(character::background(imp, &mut crate_stream(key)), want);
        }
    }
}

/// The fields a parse error names, in order.
fn error_fields(name: &str, race: &str, class: &str, rank: &BTreeMap<String, i64>) -> Vec<String> {
    match CharacterInput::parse(name, race, class, rank) {
        Ok(input) => panic!("{name:?} {race:?} {class:?} {rank:?} was accepted as {input:?}"),
        Err(errors) => errors.into_iter().map(|e| e.field).collect(),
    }
}

/// Valid input: every race and class of the spec, names of 2 and 30 characters (characters, not
/// bytes), any permutation of ranks 1..6.
#[test]
fn character_input_accepts_the_spec_choices() {
    let ok = ranks([1, 2, 3, 4, 5, 6]);
    for race in ["Human", "Elf", "Dwarf", "Halfling", "Gnome", "Half-Orc", "Tiefling"] {
        for class in ["Fighter", "Wizard", "Cleric", "Rogue", "Ranger"] {
            let input = CharacterInput::parse("Aria", race, class, &ok).unwrap();
            assert_eq!((input.race, input.class), (race, class));
        }
    }
    assert_eq!(RACES.len(), 7);
    assert_eq!(CLASSES.len(), 5);
    for name in ["Al".to_owned(), "x".repeat(30), "é".repeat(30), "Ñø".to_owned()] {
        assert_eq!(CharacterInput::parse(&name, "Elf", "Rogue", &ok).unwrap().name, name, "{name}");
    }
    let input = CharacterInput::parse("Bo", "Gnome", "Cleric", &ranks([6, 5, 4, 3, 2, 1])).unwrap();
    assert_eq!(input.ranks, [6, 5, 4, 3, 2, 1]);
}

/// Every invalid field is reported, naming the field (the API turns this into a 422).
#[test]
fn character_input_names_each_invalid_field() {
    let ok = ranks([1, 2, 3, 4, 5, 6]);
    // Name: fewer than 2 or more than 30 characters.
    for name in ["", "A", &"x".repeat(31), &"é".repeat(31)] {
        assert_eq!(error_fields(name, "Elf", "Rogue", &ok), ["name"], "{name:?}");
    }
    // Race and class: not in the lists (and both reported at once).
    assert_eq!(error_fields("Ann", "Orc", "Rogue", &ok), ["race"]);
    assert_eq!(error_fields("Ann", "Elf", "Bard", &ok), ["class"]);
    assert_eq!(error_fields("Ann", "Orc", "Bard", &ok), ["race", "class"]);
    // Ranks: a rank outside 1..6 names that ability.
    let fields = error_fields("Ann", "Elf", "Rogue", &ranks([0, 2, 3, 4, 5, 6]));
    assert!(
        fields.len() == 1 && fields[0].starts_with("ranks") && fields[0].contains("strength"),
        "{fields:?}"
    );
    let fields = error_fields("Ann", "Elf", "Rogue", &ranks([1, 2, 3, 4, 5, 7]));
    assert!(
        fields.len() == 1 && fields[0].starts_with("ranks") && fields[0].contains("charisma"),
        "{fields:?}"
    );
    // Ranks: all different.
    let fields = error_fields("Ann", "Elf", "Rogue", &ranks([1, 1, 3, 4, 5, 6]));
    assert!(fields.len() == 1 && fields[0].starts_with("ranks"), "{fields:?}");
    // Ranks: a missing ability names it.
    let mut missing = ok.clone();
    missing.remove("wisdom");
    let fields = error_fields("Ann", "Elf", "Rogue", &missing);
    assert!(fields.iter().any(|f| f.starts_with("ranks") && f.contains("wisdom")), "{fields:?}");
    // Everything wrong at once: each field is named.
    let fields = error_fields("A", "Orc", "Bard", &ranks([1, 1, 3, 4, 5, 6]));
    for field in ["name", "race", "class", "ranks"] {
        assert!(fields.iter().any(|f| f == field), "{field} missing from {fields:?}");
    }
}
