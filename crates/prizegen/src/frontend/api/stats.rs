//! `GET /api/v1/stats`: observed outcomes against the published odds, per game and per
//! combination of service versions, with a chi-square test.

use super::ApiQuery;
use super::draws::game_filter;
use crate::frontend::Frontend;
use crate::frontend::campaigns::valid_slug;
use crate::frontend::stats::{FRESH_FOR, GroupStats, ImplFilter, Stats};
use crate::frontend::view::rfc3339;
use crate::server::ApiError;
use crate::server::error::ErrorResponse;
use axum::Json;
use axum::extract::State;
use prizegen_domain::games::Game;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// Which statistics.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Only this game (every game when absent).
    #[param(schema_with = game_filter)]
    game: Option<String>,
    /// Only this campaign's draws (every campaign when absent).
    #[param(min_length = 2, max_length = 40, pattern = r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")]
    campaign: Option<String>,
    /// Only draws made by these versions: `v1` or `v2` (every service the game calls), or
    /// `service=version` pairs such as `numbers=v2,rules=v1` (the others any).
    #[serde(rename = "impl")]
    #[param(
        rename = "impl",
        pattern = r"^(v[12]|((letters|numbers|rules)=v[12])(,(letters|numbers|rules)=v[12]){0,2})$"
    )]
    imp: Option<String>,
}

/// One outcome's count beside its prediction.
#[derive(Serialize, ToSchema)]
pub struct OutcomeBody {
    /// What draws are counted under: a prize's pence (`none` for no prize), a task, an
    /// attack's outcome, a background.
    key: String,
    /// How it reads.
    label: String,
    /// Its published probability per draw.
    probability: f64,
    /// Draws with it.
    observed: u64,
    /// Draws the probability predicts.
    expected: f64,
}

/// The versions of a group; null for a service the game does not call.
#[derive(Serialize, ToSchema)]
pub struct ImplsBody {
    #[schema(required = true)]
    letters: Option<String>,
    #[schema(required = true)]
    numbers: Option<String>,
    #[schema(required = true)]
    rules: Option<String>,
}

/// Pearson's chi-square test of a group.
#[derive(Serialize, ToSchema)]
pub struct FitBody {
    /// Σ (observed − expected)² / expected.
    statistic: f64,
    /// Possible outcomes less one.
    degrees_of_freedom: u32,
    /// The chance of a statistic at least this large from draws that follow the odds; small
    /// values (below 0.001, say) mean the draws do not follow them.
    p_value: f64,
}

/// The draws of one game made by one combination of versions.
#[derive(Serialize, ToSchema)]
pub struct GroupBody {
    /// The versions.
    impls: ImplsBody,
    /// How many draws (for prize-pool: generated sequences, claimed or not).
    draws: u64,
    /// Each published outcome.
    outcomes: Vec<OutcomeBody>,
    /// The test; null without draws.
    #[schema(required = true)]
    chi_square: Option<FitBody>,
    /// Draws whose outcome is not a published one, by key (never expected).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unpublished: Vec<OutcomeBody>,
}

impl From<&GroupStats> for GroupBody {
    fn from(group: &GroupStats) -> Self {
        let version = |uses: bool, imp: prizegen_domain::games::Impl| uses.then(|| imp.to_string());
        Self {
            impls: ImplsBody {
                letters: version(group.uses[0], group.impls.letters),
                numbers: version(group.uses[1], group.impls.numbers),
                rules: version(group.uses[2], group.impls.rules),
            },
            draws: group.draws,
            outcomes: group
                .outcomes
                .iter()
                .map(|o| OutcomeBody {
                    key: o.key.clone(),
                    label: o.label.clone(),
                    probability: o.probability,
                    observed: o.observed,
                    expected: o.expected,
                })
                .collect(),
            chi_square: group.fit.map(|f| FitBody {
                statistic: f.statistic,
                degrees_of_freedom: f.degrees_of_freedom,
                p_value: f.p_value,
            }),
            unpublished: group
                .unpublished
                .iter()
                .map(|(key, n)| OutcomeBody {
                    key: key.clone(),
                    label: key.clone(),
                    probability: 0.0,
                    observed: *n,
                    expected: 0.0,
                })
                .collect(),
        }
    }
}

/// One game's statistics.
#[derive(Serialize, ToSchema)]
pub struct GameStatsBody {
    /// The game.
    game: String,
    /// Its groups, the most draws first.
    groups: Vec<GroupBody>,
}

/// The statistics.
#[derive(Serialize, ToSchema)]
pub struct StatsBody {
    /// When they were counted (they are kept for up to `fresh_for_s`).
    computed_at: String,
    /// How long the answer is kept before counting again.
    fresh_for_s: u64,
    /// The games.
    games: Vec<GameStatsBody>,
}

impl StatsBody {
    /// The answer for `stats`, keeping only the groups `filter` admits.
    pub fn of(stats: &Stats, filter: &ImplFilter) -> Self {
        Self {
            computed_at: rfc3339(stats.computed_at_ms),
            fresh_for_s: FRESH_FOR.as_secs(),
            games: stats
                .games
                .iter()
                .map(|game| GameStatsBody {
                    game: game.game.slug().to_owned(),
                    groups: game
                        .groups
                        .iter()
                        .filter(|g| filter.admits(g.impls, g.uses))
                        .map(GroupBody::from)
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Observed outcomes against the published odds.
#[utoipa::path(
    get,
    tag = "fairness",
    operation_id = "getStats",
    path = "/api/v1/stats",
    params(StatsQuery),
    responses(
        (status = 200, description = "Per game and per combination of service versions that served it: the draws, \
            each outcome's observed count beside the count its published probability predicts, and Pearson's \
            chi-square test. Counted in the database and kept for `fresh_for_s` seconds.", body = StatsBody),
        (status = 422, description = "An unknown game (`unknown_game`), a campaign that is not a slug \
            (`invalid_campaign`) or an unreadable `impl` (`invalid_impl`).", body = ErrorResponse),
    ),
)]
pub async fn show(
    State(front): State<Arc<Frontend>>,
    ApiQuery(query): ApiQuery<StatsQuery>,
) -> Result<Json<StatsBody>, ApiError> {
    let game = query
        .game
        .map(|g| g.parse::<Game>())
        .transpose()
        .map_err(|e| ApiError::invalid("unknown_game", e.to_string()).on_field("game"))?;
    if query.campaign.as_deref().is_some_and(|c| !valid_slug(c)) {
        return Err(
            ApiError::invalid("invalid_campaign", "campaign is a campaign's slug").on_field("campaign")
        );
    }
    let filter = query.imp.as_deref().map(ImplFilter::parse).transpose();
    let filter =
        filter.map_err(|e| ApiError::invalid("invalid_impl", e).on_field("impl"))?.unwrap_or_default();
    let stats = front.stats.get(&front.store, game, query.campaign.as_deref()).await?;
    Ok(Json(StatsBody::of(&stats, &filter)))
}
