//! Money as integer pence, and prizes.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in pence. Never a float.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Pence(pub u64);

impl Pence {
    /// Whole pounds.
    pub const fn pounds(pounds: u64) -> Self {
        Self(pounds * 100)
    }
}

/// `£1,000`, `£10`, `£0.50`: thousands separated, pence only when there are some.
impl fmt::Display for Pence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (pounds, pence) = (self.0 / 100, self.0 % 100);
        let digits = pounds.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "£{grouped}")?;
        if pence != 0 {
            write!(f, ".{pence:02}")?;
        }
        Ok(())
    }
}

/// What a draw wins: an amount and the label a player sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prize {
    /// The amount awarded.
    pub amount_pence: Pence,
    /// How the prize is shown, e.g. `£100`.
    pub label: String,
}

impl Prize {
    /// A cash prize labelled with its amount.
    pub fn cash(amount: Pence) -> Self {
        Self { amount_pence: amount, label: amount.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_pounds_with_separators() {
        let cases = [
            (0, "£0"),
            (50, "£0.50"),
            (1000, "£10"),
            (100_000, "£1,000"),
            (99_999_900, "£999,999"),
            (10_000_000, "£100,000"),
            (12_345_678_905, "£123,456,789.05"),
        ];
        for (pence, want) in cases {
            assert_eq!(Pence(pence).to_string(), want, "{pence} pence");
        }
    }

    #[test]
    fn cash_prize_label_is_its_amount() {
        assert_eq!(Prize::cash(Pence::pounds(100)).label, "£100");
        assert_eq!(Prize::cash(Pence::pounds(100)).amount_pence, Pence(10_000));
    }
}
