//! `GET /api/v1/games`: the games, the implementations serving them now, and their odds.

use crate::contract::{Instance, Prize};
use crate::frontend::Frontend;
use crate::server::{ApiError, RequestId};
use axum::Json;
use axum::extract::{Extension, State};
use prizegen_domain::games::Game;
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// One game.
#[derive(Serialize, ToSchema)]
pub struct GameBody {
    /// Its name in the API.
    name: &'static str,
    /// Its title on pages.
    title: &'static str,
    /// Its default campaign's slug.
    default_campaign: &'static str,
    /// `<impl>@<instance>` of each service as it answers now, null if it does not.
    implementations: Implementations,
    /// The exact odds with the implementations running now; null while a service is down.
    #[schema(required = true)]
    odds: Option<Vec<OddsBody>>,
}

/// Who serves the games now.
#[derive(Serialize, ToSchema)]
pub struct Implementations {
    #[schema(required = true)]
    letters: Option<Instance>,
    #[schema(required = true)]
    numbers: Option<Instance>,
    #[schema(required = true)]
    rules: Option<Instance>,
}

/// One line of odds.
#[derive(Serialize, ToSchema)]
pub struct OddsBody {
    /// The prize, null for "no prize".
    #[schema(required = true)]
    prize: Option<Prize>,
    /// Its probability per draw.
    probability: f64,
}

/// The answer of `GET /api/v1/games`.
#[derive(Serialize, ToSchema)]
pub struct GameList {
    games: Vec<GameBody>,
}

/// The games, their current implementations and odds.
#[utoipa::path(
    get,
    tag = "games",
    operation_id = "listGames",
    path = "/api/v1/games",
    responses((status = 200, description = "The games, with the implementations serving now and their exact odds.",
        body = GameList)),
)]
pub async fn list(
    State(front): State<Arc<Frontend>>,
    Extension(request_id): Extension<RequestId>,
) -> Result<Json<GameList>, ApiError> {
    let deps = &front.deps;
    let (letters, numbers, rules) = tokio::join!(
        deps.letters.served_by(&request_id),
        deps.numbers.served_by(&request_id),
        deps.rules.served_by(&request_id),
    );
    let (letters, numbers, rules) = (letters.ok(), numbers.ok(), rules.ok());
    let impl_of = |by: &Option<Instance>| by.as_ref().and_then(Instance::generator_impl);
    let games = Game::ALL
        .into_iter()
        .map(|game| {
            let odds = impl_of(&numbers).zip(impl_of(&rules)).map(|(n, r)| game.odds(n, r));
            GameBody {
                name: game.slug(),
                title: game.title(),
                default_campaign: game.slug(),
                implementations: Implementations {
                    letters: letters.clone(),
                    numbers: numbers.clone(),
                    rules: rules.clone(),
                },
                odds: odds.map(|lines| {
                    lines
                        .into_iter()
                        .map(|l| OddsBody { prize: l.prize.map(Into::into), probability: l.probability })
                        .collect()
                }),
            }
        })
        .collect();
    Ok(Json(GameList { games }))
}
