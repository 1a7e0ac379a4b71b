//! `account-prize` (SPEC §3.1): an account number (letters then digits) and the prize it wins.
//!
//! - letters: v1 four lowercase letters; v2 two uppercase letters.
//! - numbers: v1 four digits; v2 eight digits (leading zeros kept).
//! - rules v1 ("generous"): first letter `a`/`A` → £100 with 25% chance, else £50; otherwise
//!   digits containing a `4` → £10; otherwise no prize.
//! - rules v2 ("stingy"): first letter `a`/`A` and digits containing a `4` → £100 with 25%,
//!   else £50; otherwise no prize.
//!
//! The rules accept any letters and digits, not only their own version's, so v1 and v2 instances
//! of different services can be mixed during a rolling update.

use super::{Impl, OddsLine, PartsError, Presentation, ResultField};
use crate::fairness::Stream;
use crate::money::{Pence, Prize};

const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// How pages present account-prize.
pub const PRESENTATION: Presentation = Presentation {
    title: "Account prize",
    blurb: "draw an account number and see what it wins",
    rules: "An account number is letters then digits. A first letter 'a' wins £50, or £100 with a 25% \
            chance; otherwise a 4 among the digits wins £10 (the v2 rules are stingier: the 'a' needs \
            a 4 as well, and a 4 alone wins nothing).",
    fields: &[ResultField { key: "account_number", label: "Account number" }],
    summary: "account_number",
};

/// The big prize, won with a 25% chance by a lucky first letter.
pub const JACKPOT: Pence = Pence::pounds(100);
/// The lucky letter's prize when the 25% chance fails.
pub const LUCKY_LETTER: Pence = Pence::pounds(50);
/// v1's prize for a `4` among the digits.
pub const LUCKY_DIGIT: Pence = Pence::pounds(10);
/// Chance, in percent, that a lucky first letter wins the jackpot.
pub const JACKPOT_PERCENT: u32 = 25;

/// The letters service's step.
pub fn letters(imp: Impl, stream: &mut Stream) -> String {
    match imp {
        Impl::V1 => stream.letters(LOWER, 4),
        Impl::V2 => stream.letters(UPPER, 2),
    }
}

/// The numbers service's step.
pub fn digits(imp: Impl, stream: &mut Stream) -> String {
    match imp {
        Impl::V1 => stream.digits(4),
        Impl::V2 => stream.digits(8),
    }
}

/// The letters part of an account number as received by the rules: 1–16 ASCII letters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountLetters(String);

/// The digits part of an account number as received by the rules: 1–16 ASCII digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountDigits(String);

impl AccountLetters {
    /// Checks the shape; any case, any length a generator version might use.
    pub fn parse(s: &str) -> Result<Self, PartsError> {
        let ok = (1..=16).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic());
        ok.then(|| Self(s.to_owned())).ok_or_else(|| PartsError::new("letters must be 1 to 16 ASCII letters"))
    }

    /// The letters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AccountDigits {
    /// Checks the shape; leading zeros are part of the number.
    pub fn parse(s: &str) -> Result<Self, PartsError> {
        let ok = (1..=16).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| Self(s.to_owned())).ok_or_else(|| PartsError::new("digits must be 1 to 16 ASCII digits"))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The result of the rules step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Letters then digits, e.g. `abcd1234`; unique within a campaign.
    pub account_number: String,
    /// What it wins, if anything.
    pub prize: Option<Prize>,
}

/// The rules service's step. Reads the rules stream only when a chance decides.
pub fn outcome(imp: Impl, letters: &AccountLetters, digits: &AccountDigits, stream: &mut Stream) -> Outcome {
    let lucky_letter = letters.0.starts_with(['a', 'A']);
    let has_four = digits.0.contains('4');
    let letter_prize = |stream: &mut Stream| {
        if stream.chance(JACKPOT_PERCENT) { JACKPOT } else { LUCKY_LETTER }
    };
    let amount = match imp {
        Impl::V1 if lucky_letter => Some(letter_prize(stream)),
        Impl::V1 if has_four => Some(LUCKY_DIGIT),
        Impl::V2 if lucky_letter && has_four => Some(letter_prize(stream)),
        _ => None,
    };
    Outcome { account_number: format!("{}{}", letters.0, digits.0), prize: amount.map(Prize::cash) }
}

/// The cash prizes of a rules version, largest first (what a budget may fall back to).
pub fn ladder(imp: Impl) -> Vec<Pence> {
    match imp {
        Impl::V1 => vec![JACKPOT, LUCKY_LETTER, LUCKY_DIGIT],
        Impl::V2 => vec![JACKPOT, LUCKY_LETTER],
    }
}

/// The exact odds of one draw for a combination of implementations.
/// The letters version does not matter: both draw the first letter from 26, one of them `a`/`A`.
pub fn odds(numbers_impl: Impl, rules_impl: Impl) -> Vec<OddsLine> {
    let p_letter = 1.0 / 26.0;
    let n_digits = match numbers_impl {
        Impl::V1 => 4,
        Impl::V2 => 8,
    };
    let p_four = 1.0 - 0.9f64.powi(n_digits);
    let jackpot = f64::from(JACKPOT_PERCENT) / 100.0;
    let (p_jackpot, p_lucky, p_digit) = match rules_impl {
        Impl::V1 => (p_letter * jackpot, p_letter * (1.0 - jackpot), (1.0 - p_letter) * p_four),
        Impl::V2 => (p_letter * p_four * jackpot, p_letter * p_four * (1.0 - jackpot), 0.0),
    };
    let mut lines = vec![
        OddsLine { prize: Some(Prize::cash(JACKPOT)), probability: p_jackpot },
        OddsLine { prize: Some(Prize::cash(LUCKY_LETTER)), probability: p_lucky },
    ];
    if rules_impl == Impl::V1 {
        lines.push(OddsLine { prize: Some(Prize::cash(LUCKY_DIGIT)), probability: p_digit });
    }
    lines.push(OddsLine { prize: None, probability: 1.0 - p_jackpot - p_lucky - p_digit });
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fairness::{ClientSeed, SeedKeyer, ServerSeed, Service, ServiceKey};

    fn stream(byte: u8) -> Stream {
        Stream::new(&ServiceKey::from_bytes([byte; 32]))
    }

    /// A rules stream whose first `uniform(100) < 25` is `jackpot`.
    fn rules_stream(jackpot: bool) -> Stream {
        let key = (0u8..=255)
            .map(|b| ServiceKey::from_bytes([b; 32]))
            .find(|k| Stream::new(k).chance(JACKPOT_PERCENT) == jackpot)
            .expect("some key in 256 gives each answer");
        Stream::new(&key)
    }

    fn parts(letters: &str, digits: &str) -> (AccountLetters, AccountDigits) {
        (AccountLetters::parse(letters).unwrap(), AccountDigits::parse(digits).unwrap())
    }

    #[test]
    fn worked_example_all_v1() {
        let seed = ServerSeed::from_bytes(std::array::from_fn(|i| i as u8));
        let keyer = SeedKeyer::new(&seed);
        let client = ClientSeed::default();
        let l = letters(Impl::V1, &mut Stream::new(&keyer.key(&client, 0, Service::Letters)));
        let d = digits(Impl::V1, &mut Stream::new(&keyer.key(&client, 0, Service::Numbers)));
        let (l, d) = parts(&l, &d);
        let out = outcome(Impl::V1, &l, &d, &mut Stream::new(&keyer.key(&client, 0, Service::Rules)));
        assert_eq!(out.account_number, "qxzm4226");
        assert_eq!(out.prize, Some(Prize::cash(Pence(1000))));
    }

    #[test]
    fn every_rules_branch() {
        let none = None;
        let cash = |pounds| Some(Prize::cash(Pence::pounds(pounds)));
        // (rules impl, letters, digits, chance wins?, expected prize)
        let cases = [
            (Impl::V1, "abcd", "1234", true, cash(100)),
            (Impl::V1, "abcd", "1234", false, cash(50)),
            (Impl::V1, "AB", "00000000", true, cash(100)),
            (Impl::V1, "AB", "00000000", false, cash(50)),
            (Impl::V1, "qxzm", "4226", true, cash(10)),
            (Impl::V1, "qxzm", "4226", false, cash(10)),
            (Impl::V1, "QX", "12356789", false, none.clone()),
            (Impl::V1, "bacd", "1235", true, none.clone()),
            (Impl::V2, "AB", "12345678", true, cash(100)),
            (Impl::V2, "AB", "12345678", false, cash(50)),
            (Impl::V2, "abcd", "0004", true, cash(100)),
            (Impl::V2, "AB", "12356789", true, none.clone()),
            (Impl::V2, "QB", "44444444", true, none.clone()),
            (Impl::V2, "qxzm", "4226", false, none.clone()),
        ];
        for (imp, l, d, wins, want) in cases {
            let (letters, digits) = parts(l, d);
            let got = outcome(imp, &letters, &digits, &mut rules_stream(wins));
            assert_eq!(got.prize, want, "{imp} {l}{d} chance={wins}");
            assert_eq!(got.account_number, format!("{l}{d}"));
        }
    }

    #[test]
    fn generator_formats_per_version() {
        for byte in 0..50 {
            let l1 = letters(Impl::V1, &mut stream(byte));
            assert!(l1.len() == 4 && l1.bytes().all(|b| b.is_ascii_lowercase()), "{l1}");
            let l2 = letters(Impl::V2, &mut stream(byte));
            assert!(l2.len() == 2 && l2.bytes().all(|b| b.is_ascii_uppercase()), "{l2}");
            let d1 = digits(Impl::V1, &mut stream(byte));
            assert!(d1.len() == 4 && d1.bytes().all(|b| b.is_ascii_digit()), "{d1}");
            let d2 = digits(Impl::V2, &mut stream(byte));
            assert!(d2.len() == 8 && d2.bytes().all(|b| b.is_ascii_digit()), "{d2}");
        }
    }

    #[test]
    fn parts_are_validated() {
        assert!(AccountLetters::parse("").is_err());
        assert!(AccountLetters::parse("ab1").is_err());
        assert!(AccountLetters::parse(&"a".repeat(17)).is_err());
        assert!(AccountDigits::parse("12a").unwrap_err().to_string().contains("digits"));
        assert!(AccountDigits::parse("").is_err());
        assert!(AccountDigits::parse("00000000").is_ok());
    }

    #[test]
    fn odds_sum_to_one_and_match_the_rules() {
        for n in [Impl::V1, Impl::V2] {
            for r in [Impl::V1, Impl::V2] {
                let lines = odds(n, r);
                let total: f64 = lines.iter().map(|line| line.probability).sum();
                assert!((total - 1.0).abs() < 1e-12, "{n}/{r}: {total}");
                assert!(lines.iter().all(|line| (0.0..=1.0).contains(&line.probability)));
            }
        }
        let v1 = odds(Impl::V1, Impl::V1);
        assert!((v1[0].probability - 1.0 / 104.0).abs() < 1e-12);
        assert!((v1[2].probability - 25.0 / 26.0 * (1.0 - 0.9f64.powi(4))).abs() < 1e-12);
        assert_eq!(odds(Impl::V1, Impl::V2).len(), 3, "v2 has no £10 prize");
    }
}
