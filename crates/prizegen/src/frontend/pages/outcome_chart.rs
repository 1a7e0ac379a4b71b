//! A bar chart of observed against expected draws per outcome, drawn on the server as SVG: no
//! script, no library, no inline style (colours come from the stylesheet's classes).
//!
//! Horizontal bars, one pair per outcome under its label, so long labels (a character's
//! background) need no rotating. The drawing has no `viewBox`: its text is in real pixels and
//! stays readable on a phone, while the bars' lengths are percentages of whatever width it gets.

/// Above the first outcome: the legend.
const TOP: u32 = 34;
/// One outcome: its label's line and two bars.
const ROW: u32 = 52;
/// The longest bar, as a share of the width; the rest holds its value.
const LONGEST: f64 = 72.0;

/// One bar and the value written after it.
pub struct Bar {
    /// Its length, a percentage of the chart's width.
    pub width: String,
    /// Its top.
    pub y: u32,
    /// The value's baseline.
    pub text_y: u32,
    /// The value as written.
    pub value: String,
}

/// One outcome's label and bars.
pub struct BarPair {
    pub label: String,
    /// The label's baseline.
    pub label_y: u32,
    pub observed: Bar,
    pub expected: Bar,
}

/// A chart ready for the template.
pub struct OutcomeChart {
    /// The drawing's height in pixels (its width is the page's).
    pub height: u32,
    pub pairs: Vec<BarPair>,
    /// What it shows in a few words, and outcome by outcome, for screen readers.
    pub title: String,
    pub description: String,
}

/// One outcome to draw: its label, the draws observed, the draws expected.
pub struct Counted<'a> {
    pub label: &'a str,
    pub observed: u64,
    pub expected: f64,
}

/// The chart of `outcomes`, in their order; `count` and `expected` write the values as the
/// page's table does.
pub fn outcome_chart(
    outcomes: &[Counted],
    count: impl Fn(u64) -> String,
    expected: impl Fn(f64) -> String,
) -> OutcomeChart {
    let most = outcomes.iter().map(|o| (o.observed as f64).max(o.expected)).fold(0.0, f64::max).max(1.0);
    let width = |value: f64| format!("{:.2}%", value / most * LONGEST);
    let pairs = outcomes
        .iter()
        .zip(0..)
        .map(|(o, i)| {
            let top = TOP + i * ROW;
            BarPair {
                label: o.label.to_owned(),
                label_y: top + 14,
                observed: Bar {
                    width: width(o.observed as f64),
                    y: top + 21,
                    text_y: top + 31,
                    value: count(o.observed),
                },
                expected: Bar {
                    width: width(o.expected),
                    y: top + 35,
                    text_y: top + 45,
                    value: expected(o.expected),
                },
            }
        })
        .collect::<Vec<_>>();
    let each: Vec<String> = outcomes
        .iter()
        .map(|o| format!("{} {} (expected {})", o.label, count(o.observed), expected(o.expected)))
        .collect();
    OutcomeChart {
        height: TOP + pairs.len() as u32 * ROW,
        title: format!("Observed and expected draws of {} outcomes", outcomes.len()),
        description: format!("Observed, with expected in brackets: {}.", each.join("; ")),
        pairs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_bar_is_the_largest_count_and_each_outcome_has_a_pair() {
        let outcomes = [
            Counted { label: "missed", observed: 30, expected: 40.0 },
            Counted { label: "hit", observed: 70, expected: 60.4 },
            Counted { label: "crit", observed: 0, expected: 0.0 },
        ];
        let chart = outcome_chart(&outcomes, |n| n.to_string(), |x| format!("{x:.1}"));
        assert_eq!(chart.pairs.len(), 3);
        assert_eq!(chart.pairs[1].observed.width, "72.00%", "70 is the most");
        assert_eq!(chart.pairs[0].expected.width, format!("{:.2}%", 40.0 / 70.0 * LONGEST));
        assert_eq!(chart.pairs[2].observed.width, "0.00%");
        assert_eq!(chart.height, TOP + 3 * ROW);
        assert!(chart.pairs[1].label_y > chart.pairs[0].expected.y, "rows do not overlap");
        assert_eq!(
            chart.description,
            "Observed, with expected in brackets: missed 30 (expected 40.0); hit 70 (expected 60.4); \
             crit 0 (expected 0.0)."
        );
    }

    #[test]
    fn no_draws_draw_no_bars() {
        let chart = outcome_chart(
            &[Counted { label: "a", observed: 0, expected: 0.0 }],
            |n| n.to_string(),
            |x| x.to_string(),
        );
        assert_eq!(chart.pairs[0].observed.width, "0.00%");
    }
}
