//! Pearson's chi-square goodness-of-fit test: how far observed counts are from the counts a
//! distribution predicts, and how likely a distance at least that large is by chance.

/// A goodness-of-fit result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChiSquare {
    /// Σ (observed − expected)² / expected over the outcomes of nonzero probability.
    pub statistic: f64,
    /// Those outcomes less one.
    pub degrees_of_freedom: u32,
    /// P(χ² ≥ statistic) for that many degrees of freedom; 0 when an outcome of probability 0
    /// was observed (it cannot happen by chance).
    pub p_value: f64,
}

/// The test of `observed` counts against `probabilities` (same order); `None` with fewer than
/// two possible outcomes or no draws.
pub fn chi_square(observed: &[u64], probabilities: &[f64]) -> Option<ChiSquare> {
    let total: u64 = observed.iter().sum();
    let possible = probabilities.iter().filter(|p| **p > 0.0).count();
    if total == 0 || possible < 2 {
        return None;
    }
    let mut statistic = 0.0;
    let mut impossible = false;
    for (&count, &p) in observed.iter().zip(probabilities) {
        if p > 0.0 {
            let expected = total as f64 * p;
            statistic += (count as f64 - expected).powi(2) / expected;
        } else if count > 0 {
            impossible = true;
        }
    }
    let degrees_of_freedom = (possible - 1) as u32;
    let p_value =
        if impossible { 0.0 } else { upper_gamma_q(f64::from(degrees_of_freedom) / 2.0, statistic / 2.0) };
    Some(ChiSquare { statistic, degrees_of_freedom, p_value })
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: about 15 significant digits).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + G + 0.5;
    let sum = C[1..].iter().enumerate().fold(C[0], |acc, (i, c)| acc + c / (x + i as f64 + 1.0));
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a): the series of
/// P(a, x) below x < a + 1, a continued fraction (modified Lentz) above.
fn upper_gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let front = (a * x.ln() - x - ln_gamma(a)).exp();
    if x < a + 1.0 {
        let (mut term, mut sum, mut n) = (1.0 / a, 1.0 / a, a);
        for _ in 0..1000 {
            n += 1.0;
            term *= x / n;
            sum += term;
            if term.abs() < sum.abs() * 1e-15 {
                break;
            }
        }
        return (1.0 - sum * front).clamp(0.0, 1.0);
    }
    let tiny = 1e-300;
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / tiny;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..1000 {
        let an = -(i as f64) * (i as f64 - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < tiny {
            d = tiny;
        }
        c = b + an / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < 1e-15 {
            break;
        }
    }
    (front * h).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    /// Critical values from the standard tables (NIST/SEMATECH e-Handbook 1.3.6.7.4): the
    /// p-value at each is the table's p.
    #[test]
    fn p_values_match_the_tables() {
        for (statistic, df, p) in [
            (3.841, 1, 0.05),
            (6.635, 1, 0.01),
            (10.828, 1, 0.001),
            (5.991, 2, 0.05),
            (7.815, 3, 0.05),
            (16.266, 3, 0.001),
            (21.026, 12, 0.05),
            (32.909, 12, 0.001),
            (0.455, 1, 0.5),
            (11.340, 12, 0.5),
        ] {
            let q = upper_gamma_q(f64::from(df) / 2.0, statistic / 2.0);
            assert!(close(q, p, p * 0.002 + 1e-4), "χ²={statistic}, df={df}: {q}, want {p}");
        }
    }

    #[test]
    fn ln_gamma_of_known_values() {
        assert!(close(ln_gamma(1.0), 0.0, 1e-13));
        assert!(close(ln_gamma(5.0), 24f64.ln(), 1e-12));
        assert!(close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-12));
    }

    #[test]
    fn a_perfect_fit_has_p_one_and_an_impossible_outcome_p_zero() {
        let fit = chi_square(&[50, 25, 25], &[0.5, 0.25, 0.25]).unwrap();
        assert_eq!((fit.statistic, fit.degrees_of_freedom), (0.0, 2));
        assert!(close(fit.p_value, 1.0, 1e-12));
        let impossible = chi_square(&[50, 25, 1], &[0.5, 0.5, 0.0]).unwrap();
        assert_eq!((impossible.degrees_of_freedom, impossible.p_value), (1, 0.0));
        assert_eq!(chi_square(&[10], &[1.0]), None, "one outcome: nothing to test");
        assert_eq!(chi_square(&[0, 0], &[0.5, 0.5]), None, "no draws");
        // A clearly unfair coin.
        let unfair = chi_square(&[600, 400], &[0.5, 0.5]).unwrap();
        assert!(close(unfair.statistic, 40.0, 1e-9) && unfair.p_value < 1e-9, "{unfair:?}");
    }
}
