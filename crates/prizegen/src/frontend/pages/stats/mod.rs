//! `/stats`: the public statistics. Per game and per combination of service versions that
//! served it, each outcome's count beside the count its published probability predicts, the
//! chi-square test in one sentence, and a chart. The same numbers as `GET /api/v1/stats`, from
//! the same cache (`frontend::stats`): the page never counts by itself. How the numbers and the
//! test read is in [`words`].

mod words;

use super::outcome_chart::{Counted, OutcomeChart, outcome_chart};
use super::{Frame, render};
use crate::frontend::Frontend;
use crate::frontend::auth::Visitor;
use crate::frontend::error::PageError;
use crate::frontend::stats::{FRESH_FOR, GroupStats, ImplFilter};
use crate::frontend::view::rfc3339;
use crate::server::ApiError;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use http::StatusCode;
use prizegen_domain::games::{Game, Impl};
use serde::Deserialize;
use std::sync::Arc;
use words::{Verdict, count, difference, expected, p_value, percent, verdict};

/// `?game=&campaign=&impl=`, as the API takes them; empty means any.
#[derive(Deserialize, Default)]
pub struct StatsQuery {
    game: Option<String>,
    campaign: Option<String>,
    #[serde(rename = "impl")]
    imp: Option<String>,
}

/// An option of one of the filter form's selects.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// Campaign options under their game's name.
struct ChoiceGroup {
    label: &'static str,
    choices: Vec<Choice>,
}

/// One outcome as a row of a group's table.
struct OutcomeRow {
    key: String,
    label: String,
    probability: String,
    expected: String,
    observed: String,
    difference: String,
}

/// The chi-square test's numbers.
struct FitView {
    statistic: String,
    degrees_of_freedom: u32,
    p_value: String,
}

/// One combination of versions of one game.
struct GroupView {
    id: String,
    heading: String,
    /// The versions as the `impl` filter writes them (`numbers=v1,rules=v1`).
    impls: String,
    draws: String,
    rows: Vec<OutcomeRow>,
    unpublished: Vec<OutcomeRow>,
    fit: Option<FitView>,
    verdict: Verdict,
    chart: OutcomeChart,
}

/// One game's groups, or why it has none.
struct GameView {
    slug: &'static str,
    title: &'static str,
    groups: Vec<GroupView>,
    empty: &'static str,
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    games: Vec<Choice>,
    campaigns: Vec<ChoiceGroup>,
    versions: Vec<Choice>,
    shown: Vec<GameView>,
    counted_at: String,
    counted_at_shown: String,
    took_ms: u64,
    fresh_for_s: u64,
    json_href: String,
    frame: Frame,
}

/// The services' names, in the order `uses` and `Impls` hold them.
const SERVICES: [&str; 3] = ["letters", "numbers", "rules"];

/// A filter as the `impl` parameter writes it: `v1`, `v2`, `numbers=v2,rules=v1`, or empty.
fn filter_text(filter: &ImplFilter) -> String {
    let versions = [filter.letters, filter.numbers, filter.rules];
    if let Some(every) = versions[0].filter(|v| versions.iter().all(|w| *w == Some(*v))) {
        return every.to_string();
    }
    let named = SERVICES.iter().zip(versions).filter_map(|(s, v)| Some(format!("{s}={}", v?)));
    named.collect::<Vec<_>>().join(",")
}

impl GroupView {
    fn of(game: Game, group: &GroupStats) -> Self {
        let versions = [group.impls.letters, group.impls.numbers, group.impls.rules];
        let called: Vec<(&str, Impl)> =
            (0..3).filter(|i| group.uses[*i]).map(|i| (SERVICES[i], versions[i])).collect();
        // "rules v1" never broken across lines.
        let heading = called.iter().map(|(s, v)| format!("{s}\u{a0}{v}")).collect::<Vec<_>>().join(" · ");
        let impls = called.iter().map(|(s, v)| format!("{s}={v}")).collect::<Vec<_>>().join(",");
        let rows = group
            .outcomes
            .iter()
            .map(|o| OutcomeRow {
                key: o.key.clone(),
                label: o.label.clone(),
                probability: percent(o.probability),
                expected: expected(o.expected),
                observed: count(o.observed),
                difference: difference(o.observed, o.expected),
            })
            .collect();
        let unpublished = group
            .unpublished
            .iter()
            .map(|(key, n)| OutcomeRow {
                key: key.clone(),
                label: key.clone(),
                probability: "not published".to_owned(),
                expected: expected(0.0),
                observed: count(*n),
                difference: difference(*n, 0.0),
            })
            .collect();
        let counted: Vec<Counted> = group
            .outcomes
            .iter()
            .map(|o| Counted { label: &o.label, observed: o.observed, expected: o.expected })
            .collect();
        let noun = if game == Game::PrizePool { "generated sequence" } else { "draw" };
        Self {
            id: format!("{}-{}", game.slug(), impls.replace(['=', ','], "-")),
            heading: if heading.is_empty() { "no services".to_owned() } else { heading },
            impls,
            draws: format!("{} {noun}{}", count(group.draws), if group.draws == 1 { "" } else { "s" }),
            rows,
            unpublished,
            fit: group.fit.map(|f| FitView {
                statistic: format!("{:.2}", f.statistic),
                degrees_of_freedom: f.degrees_of_freedom,
                p_value: p_value(f.p_value),
            }),
            verdict: verdict(group),
            chart: outcome_chart(&counted, count, expected),
        }
    }
}

/// A query parameter that is absent when empty.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The versions select: any, all v1, all v2, and one service's version at a time; `current`
/// added when it is another combination.
fn version_choices(current: &str) -> Vec<Choice> {
    let mut choices = vec![
        ("".to_owned(), "Any versions".to_owned()),
        ("v1".to_owned(), "All v1".to_owned()),
        ("v2".to_owned(), "All v2".to_owned()),
    ];
    for service in ["numbers", "rules", "letters"] {
        for version in ["v1", "v2"] {
            choices.push((format!("{service}={version}"), format!("{service} {version}, others any")));
        }
    }
    if !choices.iter().any(|(value, _)| value == current) {
        choices.push((current.to_owned(), current.replace(',', ", ").replace('=', " ")));
    }
    choices.into_iter().map(|(value, label)| Choice { selected: value == current, value, label }).collect()
}

/// `GET /stats`.
pub async fn page(
    State(front): State<Arc<Frontend>>,
    Visitor(viewer): Visitor,
    Query(query): Query<StatsQuery>,
) -> Result<Response, PageError> {
    let asked_game = given(&query.game)
        .map(|g| g.parse::<Game>())
        .transpose()
        .map_err(|e| PageError::from(ApiError::invalid("unknown_game", e.to_string())))?;
    let filter = given(&query.imp).map(ImplFilter::parse).transpose();
    let filter =
        filter.map_err(|e| PageError::from(ApiError::invalid("invalid_impl", e)))?.unwrap_or_default();
    let campaigns = front.store.campaigns().await?;
    let campaign = match given(&query.campaign) {
        None => None,
        Some(slug) => Some(campaigns.iter().find(|c| c.slug == slug).ok_or_else(|| {
            PageError::from(ApiError::invalid("unknown_campaign", format!("there is no campaign {slug:?}")))
        })?),
    };
    // A campaign draws one game: it narrows the page to that game, and must not contradict it.
    let game = match (campaign, asked_game) {
        (Some(c), Some(g)) if c.game != g.slug() => {
            let message = format!("campaign {:?} is for {}, not {g}", c.slug, c.game);
            return Err(ApiError::invalid("campaign_unavailable", message).into());
        }
        (Some(c), _) => c.game.parse::<Game>().ok(),
        (None, g) => g,
    };
    let slug = campaign.map(|c| c.slug.as_str());
    let stats = front.stats.get(&front.store, game, slug).await?;
    let shown = stats
        .games
        .iter()
        .map(|g| {
            let groups: Vec<GroupView> = g
                .groups
                .iter()
                .filter(|group| filter.admits(group.impls, group.uses))
                .map(|group| GroupView::of(g.game, group))
                .collect();
            let empty = if g.groups.is_empty() { "No draws yet." } else { "No draws by these versions yet." };
            GameView { slug: g.game.slug(), title: g.game.title(), groups, empty }
        })
        .collect();
    let versions = filter_text(&filter);
    let mut params = Vec::new();
    if let Some(game) = asked_game {
        params.push(format!("game={game}"));
    }
    if let Some(slug) = slug {
        params.push(format!("campaign={slug}"));
    }
    if !versions.is_empty() {
        params.push(format!("impl={}", versions.replace('=', "%3D").replace(',', "%2C")));
    }
    let json_href = if params.is_empty() {
        "/api/v1/stats".to_owned()
    } else {
        format!("/api/v1/stats?{}", params.join("&"))
    };
    let mut games =
        vec![Choice { value: String::new(), label: "All games".into(), selected: asked_game.is_none() }];
    games.extend(Game::ALL.map(|g| Choice {
        value: g.slug().to_owned(),
        label: g.title().to_owned(),
        selected: asked_game == Some(g),
    }));
    let campaign_groups = Game::ALL
        .into_iter()
        .map(|g| ChoiceGroup {
            label: g.title(),
            choices: campaigns
                .iter()
                .filter(|c| c.game == g.slug())
                .map(|c| Choice {
                    value: c.slug.clone(),
                    label: format!("{} ({})", c.name, c.slug),
                    selected: Some(c.slug.as_str()) == slug,
                })
                .collect(),
        })
        .filter(|group| !group.choices.is_empty())
        .collect();
    let counted_at = rfc3339(stats.computed_at_ms);
    let page = StatsPage {
        games,
        campaigns: campaign_groups,
        versions: version_choices(&versions),
        shown,
        counted_at_shown: format!("{} UTC", counted_at.get(..19).unwrap_or(&counted_at).replace('T', " ")),
        counted_at,
        took_ms: stats.took_ms,
        fresh_for_s: FRESH_FOR.as_secs(),
        json_href,
        frame: Frame::new(&front, None, viewer.as_ref()),
    };
    Ok(render(StatusCode::OK, &page))
}

#[cfg(test)]
mod tests {
    use super::words::tests::group;
    use super::*;

    #[test]
    fn a_group_is_headed_by_the_versions_of_the_services_its_game_calls() {
        let mut attack = group(&[("missed", 0.5, 1), ("hit", 0.5, 1)]);
        attack.impls.numbers = Impl::V2;
        let view = GroupView::of(Game::Attack, &attack);
        assert_eq!(view.heading, "numbers\u{a0}v2 · rules\u{a0}v1");
        assert_eq!(view.impls, "numbers=v2,rules=v1");
        assert_eq!(view.id, "attack-numbers-v2-rules-v1");
        assert_eq!(view.draws, "2 draws");
        assert_eq!(view.chart.pairs.len(), 2);
    }

    #[test]
    fn a_filter_is_written_back_as_the_form_offers_it() {
        assert_eq!(filter_text(&ImplFilter::parse("v2").unwrap()), "v2");
        assert_eq!(filter_text(&ImplFilter::parse("rules=v1,numbers=v2").unwrap()), "numbers=v2,rules=v1");
        assert_eq!(filter_text(&ImplFilter::default()), "");
        let odd = version_choices("numbers=v2,rules=v1");
        assert!(odd.iter().any(|c| c.selected && c.label == "numbers v2, rules v1"));
        assert_eq!(version_choices("").iter().filter(|c| c.selected).count(), 1);
    }
}
