//! How the statistics read: counts, expected counts, probabilities and p-values as people write
//! them, and what a group's chi-square test means, in one sentence.

use crate::frontend::stats::GroupStats;

/// Below this p-value the page says the draws do not follow the published odds.
const SIGNIFICANCE: f64 = 0.001;

/// The expected count every outcome needs for the test to be trusted (the usual rule of thumb).
const ENOUGH_EXPECTED: f64 = 5.0;

/// What the test says, in a sentence, and its kind for the page's styling and tests:
/// `consistent`, `inconsistent`, `impossible`, `too-few` or `untested`.
pub(super) struct Verdict {
    pub(super) kind: &'static str,
    pub(super) sentence: String,
}

/// A count with thousands separators.
pub(super) fn count(n: u64) -> String {
    let digits = n.to_string();
    let groups: Vec<_> = digits.as_bytes().rchunks(3).rev().map(String::from_utf8_lossy).collect();
    groups.join(",")
}

/// An expected count: one decimal, thousands separated.
pub(super) fn expected(x: f64) -> String {
    let text = format!("{:.1}", x.max(0.0));
    let (whole, tenths) = text.split_once('.').unwrap_or((&text, "0"));
    format!("{}.{tenths}", whole.parse().map_or_else(|_| whole.to_owned(), count))
}

/// An expected count in words: one decimal, or two significant digits below 1 (`0.033`).
pub(super) fn roughly(x: f64) -> String {
    if x >= 1.0 || x <= 0.0 {
        return expected(x);
    }
    let decimals = (1.0 - x.log10().floor()) as usize;
    format!("{x:.decimals$}")
}

/// Observed − expected, signed, one decimal.
pub(super) fn difference(observed: u64, expected_count: f64) -> String {
    let d = observed as f64 - expected_count;
    if d.abs() < 0.05 {
        "0.0".to_owned()
    } else if d > 0.0 {
        format!("+{}", expected(d))
    } else {
        format!("−{}", expected(-d))
    }
}

/// A probability as a percentage: two decimals (trailing zeros dropped), or two significant
/// digits when smaller than that.
pub(super) fn percent(p: f64) -> String {
    let pct = p * 100.0;
    if pct <= 0.0 {
        return "0%".to_owned();
    }
    let decimals = if pct >= 0.01 { 2 } else { (1.0 - pct.log10().floor()) as usize };
    let text = format!("{pct:.decimals$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
    format!("{text}%")
}

/// A p-value as the page writes it after "p = " (or "p < ").
pub(super) fn p_value(p: f64) -> String {
    if p >= 0.01 {
        format!("= {p:.3}")
    } else if p >= SIGNIFICANCE {
        format!("= {p:.4}")
    } else {
        format!("< {SIGNIFICANCE}")
    }
}

/// What `group`'s test means, in one plain sentence.
pub(super) fn verdict(group: &GroupStats) -> Verdict {
    let Some(fit) = group.fit else {
        let sentence = if group.draws == 0 {
            "No draws yet, so nothing to test.".to_owned()
        } else {
            "Only one outcome is possible with these versions, so there is nothing to test.".to_owned()
        };
        return Verdict { kind: "untested", sentence };
    };
    let impossible = !group.unpublished.is_empty()
        || group.outcomes.iter().any(|o| o.probability <= 0.0 && o.observed > 0);
    if impossible {
        return Verdict {
            kind: "impossible",
            sentence:
                "An outcome the published odds rule out happened: the draws do not follow the published odds."
                    .to_owned(),
        };
    }
    let rarest = group
        .outcomes
        .iter()
        .filter(|o| o.probability > 0.0)
        .min_by(|a, b| a.expected.total_cmp(&b.expected));
    if let Some(rarest) = rarest.filter(|o| o.expected < ENOUGH_EXPECTED) {
        return Verdict {
            kind: "too-few",
            sentence: format!(
                "The test needs more draws: every outcome should expect at least 5, and “{}” expects {} so far.",
                rarest.label,
                roughly(rarest.expected)
            ),
        };
    }
    if fit.p_value >= SIGNIFICANCE {
        Verdict {
            kind: "consistent",
            sentence: format!(
                "Consistent with the published odds: draws that follow them land at least this far from the \
                 expected counts {} of the time.",
                percent(fit.p_value)
            ),
        }
    } else {
        Verdict {
            kind: "inconsistent",
            sentence:
                "The draws do not follow the published odds: draws that did would land this far from the \
                       expected counts less than once in a thousand times."
                    .to_owned(),
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::frontend::stats::OutcomeStat;
    use prizegen_domain::games::Impls;
    use prizegen_domain::stats::chi_square;

    /// A group of `(key, probability, observed)` outcomes, tested as the statistics do.
    pub(in crate::frontend::pages::stats) fn group(counts: &[(&str, f64, u64)]) -> GroupStats {
        let draws: u64 = counts.iter().map(|c| c.2).sum();
        let outcomes: Vec<OutcomeStat> = counts
            .iter()
            .map(|&(key, probability, observed)| OutcomeStat {
                key: key.into(),
                label: key.into(),
                probability,
                observed,
                expected: draws as f64 * probability,
            })
            .collect();
        let observed: Vec<u64> = counts.iter().map(|c| c.2).collect();
        let probabilities: Vec<f64> = counts.iter().map(|c| c.1).collect();
        GroupStats {
            impls: Impls::default(),
            uses: [false, true, true],
            draws,
            fit: chi_square(&observed, &probabilities),
            outcomes,
            unpublished: Vec::new(),
        }
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(999), "999");
        assert_eq!(expected(76_923.08), "76,923.1");
        assert_eq!(expected(0.04), "0.0");
        assert_eq!(
            (roughly(0.0331), roughly(0.5), roughly(2.25)),
            ("0.033".into(), "0.50".into(), "2.2".into())
        );
        assert_eq!(
            (difference(12, 10.25), difference(8, 10.3), difference(10, 10.02)),
            ("+1.8".into(), "−2.3".into(), "0.0".into())
        );
        assert_eq!(percent(151.0 / 300.0), "50.33%");
        assert_eq!(percent(0.05), "5%");
        assert_eq!(percent(0.125), "12.5%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.000_012_34), "0.0012%");
        assert_eq!(
            (p_value(0.3149), p_value(0.004_21), p_value(0.000_2)),
            ("= 0.315".into(), "= 0.0042".into(), "< 0.001".into())
        );
    }

    #[test]
    fn the_sentence_follows_the_p_value_and_the_expected_counts() {
        let fair = verdict(&group(&[("heads", 0.5, 52), ("tails", 0.5, 48)]));
        assert_eq!(fair.kind, "consistent", "{}", fair.sentence);
        assert!(fair.sentence.contains("68.92% of the time"), "{}", fair.sentence);
        let biased = verdict(&group(&[("heads", 0.5, 80), ("tails", 0.5, 20)]));
        assert_eq!(biased.kind, "inconsistent");
        assert!(biased.sentence.starts_with("The draws do not follow the published odds"));
        let few = verdict(&group(&[("heads", 0.9, 9), ("tails", 0.1, 1)]));
        assert_eq!(few.kind, "too-few");
        assert!(few.sentence.contains("“tails” expects 1.0"), "{}", few.sentence);
        let ruled_out = verdict(&group(&[("hit", 1.0, 9), ("missed", 0.0, 1)]));
        assert_eq!(ruled_out.kind, "untested", "one possible outcome: no test");
        let ruled_out = verdict(&group(&[("hit", 0.5, 9), ("crit", 0.5, 9), ("missed", 0.0, 1)]));
        assert_eq!(ruled_out.kind, "impossible");
    }
}
