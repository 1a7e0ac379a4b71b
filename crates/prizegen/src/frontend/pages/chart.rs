//! A small line chart of a player's winnings over time, drawn on the server as SVG: no script,
//! no library, no inline style (the CSP forbids it; SVG presentation attributes are not styles).

use prizegen_domain::money::Pence;

/// The chart's drawing area, in SVG units.
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 180.0;
/// Room for the axis labels.
const LEFT: f64 = 64.0;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 12.0;

/// A chart ready for the template.
pub struct Chart {
    /// The whole drawing's `viewBox` width and height.
    pub width: f64,
    pub height: f64,
    /// The line, as an SVG path (`M x y L x y …`), stepped: winnings stay level between prizes.
    pub path: String,
    /// The area under the line, closed along the axis.
    pub area: String,
    /// The y axis's top label (the total) and its height.
    pub max_label: String,
    pub max_y: f64,
    /// The x axis's first and last dates.
    pub from: String,
    pub to: String,
    pub axis_y: f64,
    pub left: f64,
    pub right: f64,
    /// What it shows, for screen readers.
    pub description: String,
}

/// The chart of `points` — (Unix milliseconds, winnings so far in pence), oldest first — from
/// `start` (the winnings before the first point: prizes older than the list), or none without
/// at least one prize.
pub fn winnings_chart(start: i64, points: &[(i64, i64)]) -> Option<Chart> {
    let (first, last) = (points.first()?, points.last()?);
    let max = points.iter().map(|p| p.1).max()?.max(1);
    let span = (last.0 - first.0).max(1) as f64;
    let plot_w = WIDTH - LEFT - 8.0;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |ms: i64| LEFT + (ms - first.0) as f64 / span * plot_w;
    let y = |pence: i64| TOP + plot_h - pence as f64 / max as f64 * plot_h;
    let axis_y = TOP + plot_h;
    let mut path = format!("M {:.1} {:.1}", x(first.0), y(start));
    for &(ms, pence) in points {
        path.push_str(&format!(" H {:.1} V {:.1}", x(ms), y(pence)));
    }
    if points.len() == 1 {
        path.push_str(&format!(" H {:.1}", LEFT + plot_w));
    }
    let end_x = if points.len() == 1 { LEFT + plot_w } else { x(last.0) };
    let area = format!("{path} V {axis_y:.1} H {:.1} Z", x(first.0));
    let date = |ms: i64| crate::frontend::view::rfc3339(ms).get(..10).unwrap_or_default().to_owned();
    // Within one day the axis shows the times (UTC), not the same date twice.
    let time =
        |ms: i64| format!("{} UTC", crate::frontend::view::rfc3339(ms).get(11..16).unwrap_or_default());
    let (from, to) = if date(first.0) == date(last.0) {
        (time(first.0), time(last.0))
    } else {
        (date(first.0), date(last.0))
    };
    Some(Chart {
        width: WIDTH,
        height: HEIGHT,
        description: format!(
            "Winnings over time: {} prizes from {} to {}, reaching {}.",
            points.len(),
            date(first.0),
            date(last.0),
            Pence(last.1.max(0) as u64)
        ),
        path,
        area,
        max_label: Pence(max as u64).to_string(),
        max_y: TOP + 4.0,
        from,
        to,
        axis_y,
        left: LEFT,
        right: end_x,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_climbs_in_steps_to_the_total() {
        let day = 86_400_000;
        let chart = winnings_chart(0, &[(0, 1_000), (day, 1_500), (3 * day, 3_500)]).unwrap();
        assert!(
            chart.path.starts_with(&format!("M 64.0 {:.1}", HEIGHT - BOTTOM)),
            "from zero: {}",
            chart.path
        );
        assert_eq!(chart.path.matches(" H ").count(), 3, "one step per prize");
        assert!(
            chart.path.ends_with(&format!("V {:.1}", TOP)),
            "the last prize reaches the top: {}",
            chart.path
        );
        assert!(chart.area.ends_with(" Z"));
        assert_eq!(chart.max_label, "£35");
        assert_eq!((chart.from.as_str(), chart.to.as_str()), ("1970-01-01", "1970-01-04"));
        assert!(chart.description.contains("3 prizes") && chart.description.contains("£35"));
        let hour = 3_600_000;
        let one_day = winnings_chart(0, &[(9 * hour, 1_000), (17 * hour + 60_000, 2_000)]).unwrap();
        assert_eq!(
            (one_day.from.as_str(), one_day.to.as_str()),
            ("09:00 UTC", "17:01 UTC"),
            "times within a day"
        );
    }

    #[test]
    fn one_prize_is_a_level_line_and_none_is_no_chart() {
        let chart = winnings_chart(200, &[(5, 500)]).unwrap();
        assert!(chart.path.ends_with(&format!("H {:.1}", WIDTH - 8.0)), "{}", chart.path);
        let from_200 = format!("{:.1}", TOP + (HEIGHT - TOP - BOTTOM) * 0.6);
        assert!(
            chart.path.starts_with(&format!("M 64.0 {from_200}")),
            "older prizes start it: {}",
            chart.path
        );
        assert!(winnings_chart(0, &[]).is_none());
    }
}
