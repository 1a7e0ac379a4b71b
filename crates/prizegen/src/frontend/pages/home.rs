//! The home page: the games, and the campaigns taking draws with their stock left.

use super::{CampaignView, Frame, render};
use crate::frontend::Frontend;
use crate::frontend::auth::Visitor;
use crate::frontend::error::PageError;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use http::StatusCode;
use prizegen_domain::games::Game;
use std::sync::Arc;

struct GameLink {
    slug: &'static str,
    title: &'static str,
    blurb: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    games: Vec<GameLink>,
    campaigns: Vec<CampaignView>,
    frame: Frame,
}

/// `GET /`.
pub async fn page(
    State(front): State<Arc<Frontend>>,
    Visitor(viewer): Visitor,
) -> Result<Response, PageError> {
    let campaigns = front.store.campaigns().await?.into_iter().filter(|c| c.active).map(Into::into).collect();
    let games = Game::ALL
        .into_iter()
        .map(|game| {
            let shown = game.presentation();
            GameLink { slug: game.slug(), title: shown.title, blurb: shown.blurb }
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &HomePage { games, campaigns, frame: Frame::new(&front, None, viewer.as_ref()) },
    ))
}
