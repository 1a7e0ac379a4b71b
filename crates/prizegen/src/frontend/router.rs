//! Every route of the front end, declared once: the pages (HTML) and the API (JSON), whose
//! routes and OpenAPI paths come from the same `#[utoipa::path]` of each handler.

use super::Frontend;
use super::api::{self, ApiDoc};
use super::pages;
use crate::server::error::not_found as api_not_found;
use crate::server::with_openapi_document;
use axum::Router;
use axum::routing::{any, get, post};
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The front end's routes, pages and API, with its state.
pub fn routes(front: Arc<Frontend>) -> Router {
    Router::new().merge(api_routes()).merge(page_routes(&front)).fallback(pages::not_found).with_state(front)
}

/// `/api/v1/...` and its OpenAPI document.
fn api_routes() -> Router<Arc<Frontend>> {
    let routes = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(api::games::list))
        .routes(routes!(api::draws::create, api::draws::list))
        .routes(routes!(api::draws::one))
        .routes(routes!(api::draws::export))
        .routes(routes!(api::audit::proof))
        .routes(routes!(api::audit::log))
        .routes(routes!(api::stats::show))
        .routes(routes!(api::fairness::show))
        .routes(routes!(api::fairness::rotate))
        .routes(routes!(api::sequences::generate))
        .routes(routes!(api::sequences::one))
        .routes(routes!(api::sequences::claim))
        .routes(routes!(api::campaigns::list, api::campaigns::create))
        .routes(routes!(api::campaigns::one, api::campaigns::update, api::campaigns::delete))
        .routes(routes!(api::players::register))
        .routes(routes!(api::players::me, api::players::update_me, api::players::delete_me))
        .routes(routes!(api::players::change_password))
        .routes(routes!(api::players::my_draws))
        .routes(routes!(api::players::profile))
        .routes(routes!(api::players::sign_in))
        .routes(routes!(api::players::sign_out))
        .routes(routes!(api::leaderboard::show))
        .routes(routes!(api::faults::list))
        .routes(routes!(api::faults::switch));
    with_openapi_document(routes, "/api/v1/openapi.json").route("/api/v1/{*rest}", any(api_not_found))
}

/// The HTML pages, with the layer that renders their error pages (`PageError`), which need the
/// state.
fn page_routes(front: &Arc<Frontend>) -> Router<Arc<Frontend>> {
    use pages::{
        admin, audit, draw, fairness, home, leaderboard, live, play, players, sequences, stats, verify,
    };
    Router::new()
        .route("/", get(home::page))
        .route("/static/{file}", get(pages::assets::file))
        .route("/play/{game}", get(play::page).post(play::draw))
        .route("/play/prize-pool/generate", post(sequences::generate))
        .route("/play/prize-pool/claim", post(sequences::claim))
        .route("/draws/{id}", get(draw::page))
        .route("/fairness", get(fairness::page))
        .route("/verify", get(verify::page))
        .route("/audit", get(audit::page))
        .route("/stats", get(stats::page))
        .route("/live", get(live::page))
        .route("/live/events", get(live::events))
        .route("/register", get(players::register_page).post(players::register))
        .route("/sign-in", get(players::sign_in_page).post(players::sign_in))
        .route("/sign-out", post(players::sign_out))
        .route("/me", get(players::me))
        .route("/me/client-seed", post(players::set_client_seed))
        .route("/me/password", post(players::change_password))
        .route("/me/delete", post(players::delete))
        .route("/players/{name}", get(players::profile))
        .route("/leaderboard", get(leaderboard::page))
        .route("/admin", get(admin::campaigns::list))
        .route("/admin/sign-in", get(admin::sign_in::page).post(admin::sign_in::sign_in))
        .route("/admin/sign-out", post(admin::sign_in::sign_out))
        .route("/admin/campaigns", post(admin::campaigns::create))
        .route("/admin/campaigns/{slug}", get(admin::campaigns::edit).post(admin::campaigns::update))
        .route("/admin/campaigns/{slug}/delete", post(admin::campaigns::delete))
        .route("/admin/faults/{service}", post(admin::campaigns::switch_faults))
        .layer(axum::middleware::from_fn_with_state(front.clone(), pages::render_error_pages))
}
