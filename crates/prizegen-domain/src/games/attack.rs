//! `attack` (SPEC §3.4): a roll and a power decide missed, hit or crit, and the damage.
//!
//! - numbers, in this order: a roll, an integer in [0, 2] (v1) or [1, 2] (v2); then a power, a
//!   decimal in [0, 10) with 1 place (v1) or 2 places (v2);
//! - rules: roll 0 → missed; roll 2 and power > 5 → crit; else hit. v1 words are lowercase,
//!   v2 uppercase. damage = roll × power, exact to the power's places.

use super::{Impl, PartsError, Presentation, ResultField};
use crate::fairness::Stream;
use std::fmt;

/// How pages present an attack: its fields in SPEC §3.4's order.
pub const PRESENTATION: Presentation = Presentation {
    title: "Attack",
    blurb: "roll for an attack: missed, hit or crit",
    rules: "A roll of 0 misses; a roll of 2 with a power above 5 is a critical hit; anything else hits. \
            Damage is the roll times the power.",
    fields: &[
        ResultField { key: "roll", label: "Roll" },
        ResultField { key: "power", label: "Power" },
        ResultField { key: "outcome", label: "Outcome" },
        ResultField { key: "damage", label: "Damage" },
    ],
    summary: "outcome",
};

/// A non-negative fixed-point decimal: `units / 10^places`. Exact, never a float.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal {
    /// The value in units of `10^-places`.
    pub units: u64,
    /// Digits after the decimal point.
    pub places: u32,
}

impl Decimal {
    /// Parses `7`, `7.3` or `7.30` (the places are kept: `7.30` has 2), at most 6 places.
    pub fn parse(s: &str) -> Result<Self, PartsError> {
        let bad = || PartsError::new("a decimal is digits, optionally a point and 1 to 6 more digits");
        let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
        let digits_only = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || whole.len() > 9
            || !digits_only(whole)
            || !digits_only(fraction)
            || fraction.len() > 6
        {
            return Err(bad());
        }
        if s.contains('.') && fraction.is_empty() {
            return Err(bad());
        }
        let places = fraction.len() as u32;
        let units = format!("{whole}{fraction}").parse().map_err(|_| bad())?;
        Ok(Self { units, places })
    }

    /// Whether the value is greater than the whole number `n`.
    pub fn exceeds(&self, n: u64) -> bool {
        self.units > n * 10u64.pow(self.places)
    }

    /// The value times a whole number, same places.
    pub fn times(&self, n: u64) -> Self {
        Self { units: self.units * n, places: self.places }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.places == 0 {
            return write!(f, "{}", self.units);
        }
        let scale = 10u64.pow(self.places);
        write!(f, "{}.{:0width$}", self.units / scale, self.units % scale, width = self.places as usize)
    }
}

/// The numbers service's step: the roll, then the power.
pub fn numbers(imp: Impl, stream: &mut Stream) -> (u32, Decimal) {
    let (low, places) = match imp {
        Impl::V1 => (0, 1),
        Impl::V2 => (1, 2),
    };
    let roll = stream.int_in(low, 2);
    let power = Decimal { units: u64::from(stream.decimal_units(10, places)), places };
    (roll, power)
}

/// The rules' result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attack {
    /// `missed`, `hit` or `crit` (v1), upper case in v2.
    pub outcome: &'static str,
    /// roll × power, with the power's places.
    pub damage: Decimal,
}

/// The rules' step. Accepts a roll in [0, 2] and a power below 10 with any places a version uses.
pub fn resolve(imp: Impl, roll: u32, power: Decimal) -> Result<Attack, PartsError> {
    if roll > 2 {
        return Err(PartsError::new("roll must be 0, 1 or 2"));
    }
    if power.units >= 10 * 10u64.pow(power.places) {
        return Err(PartsError::new("power must be below 10"));
    }
    let crit = roll == 2 && power.exceeds(5);
    let outcome = match (roll, crit, imp) {
        (0, _, Impl::V1) => "missed",
        (0, _, Impl::V2) => "MISSED",
        (_, true, Impl::V1) => "crit",
        (_, true, Impl::V2) => "CRIT",
        (_, false, Impl::V1) => "hit",
        (_, false, Impl::V2) => "HIT",
    };
    Ok(Attack { outcome, damage: power.times(u64::from(roll)) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fairness::ServiceKey;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn every_outcome_branch_per_version() {
        let cases = [
            (Impl::V1, 0, "9.9", "missed", "0.0"),
            (Impl::V1, 1, "9.9", "hit", "9.9"),
            (Impl::V1, 2, "5.0", "hit", "10.0"),
            (Impl::V1, 2, "5.1", "crit", "10.2"),
            (Impl::V2, 0, "7.25", "MISSED", "0.00"),
            (Impl::V2, 1, "6.00", "HIT", "6.00"),
            (Impl::V2, 2, "5.00", "HIT", "10.00"),
            (Impl::V2, 2, "5.01", "CRIT", "10.02"),
            (Impl::V2, 2, "9.99", "CRIT", "19.98"),
        ];
        for (imp, roll, power, outcome, damage) in cases {
            let got = resolve(imp, roll, d(power)).unwrap();
            assert_eq!(
                (got.outcome, got.damage.to_string().as_str()),
                (outcome, damage),
                "{imp} {roll} {power}"
            );
        }
    }

    #[test]
    fn bad_parts_are_refused() {
        assert!(resolve(Impl::V1, 3, d("1.0")).is_err());
        assert!(resolve(Impl::V1, 1, d("10.0")).is_err());
        assert!(resolve(Impl::V1, 1, d("9.99")).is_ok());
    }

    #[test]
    fn decimals_keep_their_places() {
        assert_eq!(d("7.30").to_string(), "7.30");
        assert_eq!(d("0.05"), Decimal { units: 5, places: 2 });
        assert_eq!(d("7").to_string(), "7");
        for bad in ["", ".5", "5.", "1.2.3", "-1", "a", "1.1234567"] {
            assert!(Decimal::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn numbers_ranges_per_version() {
        for byte in 0..200u8 {
            let (roll, power) = numbers(Impl::V1, &mut Stream::new(&ServiceKey::from_bytes([byte; 32])));
            assert!(roll <= 2 && power.places == 1 && power.units < 100);
            let (roll, power) = numbers(Impl::V2, &mut Stream::new(&ServiceKey::from_bytes([byte; 32])));
            assert!((1..=2).contains(&roll) && power.places == 2 && power.units < 1000);
        }
    }
}
