//! `prize-pool` (SPEC §3.2): generate a 20-character sequence, then claim it once.
//!
//! - numbers: 20 digits; letters: 20 letters from the mixed alphabet (`a..z` then `A..Z`);
//! - rules (generate): 20 chances `uniform(100) < 50`, true = position i takes digit i, false =
//!   letter i;
//! - rules (claim): positions 0, 2 and 7 decide: 0 a letter → no prize; 0 a digit and 2 a letter
//!   → tier 1; 0 and 2 digits and 7 a letter → tier 2; all three digits → tier 3.
//!   v1 pays £1,000 / £10,000 / £100,000; v2 pays £9,999 / £99,999 / £999,999 and labels "no
//!   prize" `X`.

use super::{Impl, OddsLine, PartsError, Presentation, ResultField};
use crate::fairness::Stream;
use crate::money::{Pence, Prize};

/// How pages present prize-pool.
pub const PRESENTATION: Presentation = Presentation {
    title: "Prize pool",
    blurb: "generate a sequence, then send it to the prize pool — once",
    rules: "A sequence has 20 characters, each a digit or a letter with equal chance. Positions 1, 3 and \
            8 decide: a digit first wins tier 1, a digit in the third place as well tier 2, and in the \
            eighth too tier 3. A sequence can be sent to the prize pool once.",
    fields: &[ResultField { key: "sequence", label: "Sequence" }, ResultField { key: "tier", label: "Tier" }],
    summary: "sequence",
};

/// Characters in a sequence.
pub const LENGTH: usize = 20;
/// `a..z` then `A..Z`.
pub const MIXED: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// Chance, in percent, that a position takes the digit.
pub const DIGIT_PERCENT: u32 = 50;

/// The letters service's step: 20 mixed letters (both versions).
pub fn letters(_imp: Impl, stream: &mut Stream) -> String {
    stream.letters(MIXED, LENGTH)
}

/// The numbers service's step: 20 digits (both versions).
pub fn digits(_imp: Impl, stream: &mut Stream) -> String {
    stream.digits(LENGTH)
}

/// A generated sequence: 20 ASCII letters and digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sequence(String);

impl Sequence {
    /// Checks the shape of a sequence a player sends back to claim.
    pub fn parse(s: &str) -> Result<Self, PartsError> {
        let ok = s.len() == LENGTH && s.bytes().all(|b| b.is_ascii_alphanumeric());
        ok.then(|| Self(s.to_owned())).ok_or(PartsError::new("a sequence is 20 ASCII letters and digits"))
    }

    /// The characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn is_digit_at(&self, i: usize) -> bool {
        self.0.as_bytes()[i].is_ascii_digit()
    }
}

/// The rules' generate step: position i is digit i with a 50% chance, else letter i.
pub fn compose(_imp: Impl, letters: &str, digits: &str, stream: &mut Stream) -> Result<Sequence, PartsError> {
    let letters_ok = letters.len() == LENGTH && letters.bytes().all(|b| b.is_ascii_alphabetic());
    let digits_ok = digits.len() == LENGTH && digits.bytes().all(|b| b.is_ascii_digit());
    if !letters_ok {
        return Err(PartsError::new("letters must be 20 ASCII letters"));
    }
    if !digits_ok {
        return Err(PartsError::new("digits must be 20 ASCII digits"));
    }
    let sequence = letters
        .bytes()
        .zip(digits.bytes())
        .map(|(letter, digit)| char::from(if stream.chance(DIGIT_PERCENT) { digit } else { letter }))
        .collect();
    Ok(Sequence(sequence))
}

/// What a sequence wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// Position 0 is a letter.
    None,
    /// 0 a digit, 2 a letter.
    One,
    /// 0 and 2 digits, 7 a letter.
    Two,
    /// 0, 2 and 7 digits.
    Three,
}

/// The claim's decision from positions 0, 2 and 7.
pub fn tier(sequence: &Sequence) -> Tier {
    match (sequence.is_digit_at(0), sequence.is_digit_at(2), sequence.is_digit_at(7)) {
        (false, _, _) => Tier::None,
        (true, false, _) => Tier::One,
        (true, true, false) => Tier::Two,
        (true, true, true) => Tier::Three,
    }
}

/// The cash prizes of a rules version, largest first.
pub fn ladder(imp: Impl) -> [Pence; 3] {
    match imp {
        Impl::V1 => [Pence::pounds(100_000), Pence::pounds(10_000), Pence::pounds(1_000)],
        Impl::V2 => [Pence::pounds(999_999), Pence::pounds(99_999), Pence::pounds(9_999)],
    }
}

/// What "no prize" is: nothing in v1, a zero prize labelled `X` in v2.
pub fn no_prize(imp: Impl) -> Option<Prize> {
    match imp {
        Impl::V1 => None,
        Impl::V2 => Some(Prize { amount_pence: Pence(0), label: "X".to_owned() }),
    }
}

/// The claim's prize.
pub fn prize(imp: Impl, tier: Tier) -> Option<Prize> {
    let [three, two, one] = ladder(imp);
    match tier {
        Tier::None => no_prize(imp),
        Tier::One => Some(Prize::cash(one)),
        Tier::Two => Some(Prize::cash(two)),
        Tier::Three => Some(Prize::cash(three)),
    }
}

/// Exact odds: each position is a digit with probability 1/2, independently.
pub fn odds(imp: Impl) -> Vec<OddsLine> {
    [(Tier::Three, 0.125), (Tier::Two, 0.125), (Tier::One, 0.25), (Tier::None, 0.5)]
        .into_iter()
        .map(|(tier, probability)| OddsLine { prize: prize(imp, tier), probability })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fairness::ServiceKey;

    fn seq(s: &str) -> Sequence {
        Sequence::parse(s).unwrap()
    }

    #[test]
    fn tiers_from_positions_0_2_7() {
        assert_eq!(tier(&seq("a1b2c3d4e5f6g7h8i9j0")), Tier::None);
        assert_eq!(tier(&seq("1ab2c3d4e5f6g7h8i9j0")), Tier::One);
        assert_eq!(tier(&seq("1a2bcdefghijklmnopqr")), Tier::Two);
        assert_eq!(tier(&seq("1a2bcde3ghijklmnopqr")), Tier::Three);
    }

    #[test]
    fn prizes_per_version() {
        assert_eq!(prize(Impl::V1, Tier::Three), Some(Prize::cash(Pence::pounds(100_000))));
        assert_eq!(prize(Impl::V1, Tier::One).unwrap().label, "£1,000");
        assert_eq!(prize(Impl::V1, Tier::None), None);
        assert_eq!(prize(Impl::V2, Tier::Two).unwrap().label, "£99,999");
        assert_eq!(prize(Impl::V2, Tier::None).unwrap().label, "X");
    }

    #[test]
    fn compose_takes_digits_where_the_chance_says() {
        let key = ServiceKey::from_bytes([4; 32]);
        let letters = "abcdefghijklmnopqrst";
        let digits = "01234567890123456789";
        let sequence = compose(Impl::V1, letters, digits, &mut Stream::new(&key)).unwrap();
        let mut stream = Stream::new(&key);
        for (i, c) in sequence.as_str().chars().enumerate() {
            let want = if stream.chance(50) { digits.as_bytes()[i] } else { letters.as_bytes()[i] };
            assert_eq!(c, char::from(want), "position {i}");
        }
        assert!(compose(Impl::V1, "abc", digits, &mut Stream::new(&key)).is_err());
        assert!(compose(Impl::V1, letters, "0123456789012345678x", &mut Stream::new(&key)).is_err());
    }

    #[test]
    fn sequences_are_validated() {
        assert!(Sequence::parse("a1b2c3d4e5f6g7h8i9j0").is_ok());
        assert!(Sequence::parse("a1b2c3d4e5f6g7h8i9j").is_err());
        assert!(Sequence::parse("a1b2c3d4e5f6g7h8i9j!").is_err());
    }
}
