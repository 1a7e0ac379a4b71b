//! `/api/v1/players` and `/api/v1/sessions`: register, sign in and out, the signed-in player's
//! profile, totals and draws, their password, default client seed and account, and every
//! player's public profile.

use super::ApiQuery;
use crate::frontend::Frontend;
use crate::frontend::auth::Player;
use crate::frontend::players::{self, SignedIn};
use crate::frontend::view::{DrawBody, rfc3339};
use crate::server::error::ErrorResponse;
use crate::server::forwarded::Client;
use crate::server::{ApiError, ApiJson};
use crate::store::{DrawFilter, GameTotals, PlayerRecord, StoredDraw};
use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use prizegen_domain::games::Game;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// A name and a password: registering, and signing in.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// 3–30 characters: letters A–Z (either case), digits, single spaces, `-` and `_`, starting with a
    /// letter or digit. Unique whatever the case.
    #[schema(min_length = 3, max_length = 30, pattern = r"^[A-Za-z0-9][A-Za-z0-9_-]*( [A-Za-z0-9_-]+)*$")]
    name: String,
    /// 10–128 characters; one that is easy to guess is refused (`weak_password`), saying why.
    #[schema(min_length = 10, max_length = 128)]
    password: String,
}

/// A player, as anyone may see them.
#[derive(Serialize, ToSchema)]
pub struct PlayerBody {
    /// As registered.
    name: String,
    /// When they registered (RFC 3339).
    joined: String,
}

impl From<&PlayerRecord> for PlayerBody {
    fn from(p: &PlayerRecord) -> Self {
        Self { name: p.name.clone(), joined: rfc3339(p.created_at_ms) }
    }
}

/// A player's totals in one game.
#[derive(Serialize, ToSchema)]
pub struct GameTotalsBody {
    /// The game's name.
    game: String,
    /// Draws made while signed in.
    draws: i64,
    /// How many won a prize.
    prizes: i64,
    /// What they won, in pence.
    amount_pence: i64,
}

/// A player's totals: over all games, and per game.
#[derive(Serialize, ToSchema)]
pub struct TotalsBody {
    /// Draws made while signed in.
    draws: i64,
    /// How many won a prize.
    prizes: i64,
    /// What they won, in pence: the exact sum of their draws' prizes.
    amount_pence: i64,
    /// Per game, in game-name order; only games they played.
    by_game: Vec<GameTotalsBody>,
}

impl From<Vec<GameTotals>> for TotalsBody {
    fn from(by_game: Vec<GameTotals>) -> Self {
        Self {
            draws: by_game.iter().map(|t| t.draws).sum(),
            prizes: by_game.iter().map(|t| t.prizes).sum(),
            amount_pence: by_game.iter().map(|t| t.amount_pence).sum(),
            by_game: by_game
                .into_iter()
                .map(|t| GameTotalsBody {
                    game: t.game,
                    draws: t.draws,
                    prizes: t.prizes,
                    amount_pence: t.amount_pence,
                })
                .collect(),
        }
    }
}

/// The signed-in player: profile and totals.
#[derive(Serialize, ToSchema)]
pub struct MeBody {
    /// As registered.
    name: String,
    /// When they registered (RFC 3339).
    joined: String,
    /// Used for their draws that name no `client_seed`; null: the empty seed.
    #[schema(required = true)]
    client_seed: Option<String>,
    /// Their draws and winnings.
    totals: TotalsBody,
}

/// A player's public profile.
#[derive(Serialize, ToSchema)]
pub struct ProfileBody {
    /// As registered.
    name: String,
    /// When they registered (RFC 3339).
    joined: String,
    /// Their draws and winnings.
    totals: TotalsBody,
    /// Their latest draws that won a prize, newest first (at most 10).
    recent_wins: Vec<DrawBody>,
}

/// A new session.
#[derive(Serialize, ToSchema)]
pub struct SessionBody {
    /// Send it as `Authorization: Bearer <token>`. Shown once; only its hash is stored.
    token: String,
    /// Always `Bearer`.
    token_type: &'static str,
    /// When the session ends, unless signed out before (RFC 3339).
    expires_at: String,
    /// Whose.
    player: PlayerBody,
}

/// A new password.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The password now.
    #[schema(min_length = 1, max_length = 1024)]
    current_password: String,
    /// The new one: 10–128 characters, not easy to guess.
    #[schema(min_length = 10, max_length = 128)]
    new_password: String,
}

/// The password, confirming the account's deletion.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Confirmation {
    /// The password now.
    #[schema(min_length = 1, max_length = 1024)]
    password: String,
}

/// Profile changes.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileChange {
    /// The default client seed (UTF-8, at most 64 bytes, no NUL); null or empty clears it.
    #[schema(max_length = 64, pattern = r"^[^\x00]*$")]
    client_seed: Option<String>,
}

/// The longest password read before any check: longer ones are refused without hashing.
const MAX_PASSWORD_BYTES: usize = 1024;

fn checked_password(password: String, field: &str) -> Result<String, ApiError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(
            ApiError::invalid("invalid_field", format!("{field} is at most 128 characters")).on_field(field)
        );
    }
    Ok(password)
}

/// Register a player.
///
/// The player is not signed in by this; sign in with `POST /api/v1/sessions`.
#[utoipa::path(
    post,
    tag = "players",
    operation_id = "registerPlayer",
    path = "/api/v1/players",
    request_body = Credentials,
    responses(
        (status = 201, description = "Registered.", body = PlayerBody,
            headers(("Location" = String, description = "`/api/v1/players/{name}`: the public profile."))),
        (status = 409, description = "The name is taken, in some case (`name_taken`).", body = ErrorResponse),
        (status = 422, description = "An invalid name (`invalid_field`) or a password that is too short, too long \
            or easy to guess (`weak_password`, saying why).", body = ErrorResponse),
    ),
)]
pub async fn register(
    State(front): State<Arc<Frontend>>,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<Response, ApiError> {
    let password = checked_password(body.password, "password")?;
    let player = players::register(&front, &body.name, password).await?;
    let location = format!("/api/v1/players/{}", player.name.replace(' ', "%20"));
    Ok((StatusCode::CREATED, [(http::header::LOCATION, location)], Json(PlayerBody::from(&player)))
        .into_response())
}

/// Sign in.
///
/// Five failed attempts a minute for a name, or from an address, and the next is refused
/// (`429`, `Retry-After`) until the minute ends, on every replica. A wrong password and an
/// unknown name get the same answer.
#[utoipa::path(
    post,
    tag = "players",
    operation_id = "signIn",
    path = "/api/v1/sessions",
    request_body = Credentials,
    responses(
        (status = 201, description = "Signed in: the session's bearer token.", body = SessionBody),
        (status = 401, description = "Wrong name or password (`invalid_credentials`), one answer for both.",
            body = ErrorResponse),
        (status = 429, description = "Too many failed sign-ins for this name or from this address this minute \
            (`rate_limited`); `Retry-After` says when to try again.", body = ErrorResponse,
            headers(("Retry-After" = String, description = "Seconds until the limit resets."))),
    ),
)]
pub async fn sign_in(
    State(front): State<Arc<Frontend>>,
    Extension(client): Extension<Client>,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<Response, ApiError> {
    let password = checked_password(body.password, "password")?;
    let session = players::sign_in(&front, &body.name, password, client.addr).await?;
    let body = SessionBody {
        token: session.token,
        token_type: "Bearer",
        expires_at: rfc3339(session.expires_at_ms),
        player: PlayerBody::from(&session.player),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Sign out: the session ends on every replica.
#[utoipa::path(
    delete,
    tag = "players",
    operation_id = "signOut",
    path = "/api/v1/sessions/current",
    security(("player" = [])),
    responses(
        (status = 204, description = "Signed out: the token no longer works anywhere."),
        (status = 401, description = "No session, or one that has ended (`not_signed_in`).", body = ErrorResponse),
    ),
)]
pub async fn sign_out(
    State(front): State<Arc<Frontend>>,
    Player(player): Player,
) -> Result<StatusCode, ApiError> {
    players::sign_out(&front, &player).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me_body(
    front: &Frontend,
    player: &SignedIn,
    client_seed: Option<String>,
) -> Result<MeBody, ApiError> {
    let totals = front.store.player_totals(player.id).await?;
    Ok(MeBody {
        name: player.name.clone(),
        joined: rfc3339(player.joined_ms),
        client_seed,
        totals: totals.into(),
    })
}

/// The signed-in player: profile and totals.
#[utoipa::path(
    get,
    tag = "players",
    operation_id = "getMe",
    path = "/api/v1/players/me",
    security(("player" = [])),
    responses(
        (status = 200, description = "The player, their default client seed and their totals.", body = MeBody),
        (status = 401, description = "No session, or one that has ended (`not_signed_in`).", body = ErrorResponse),
    ),
)]
pub async fn me(
    State(front): State<Arc<Frontend>>,
    Player(player): Player,
) -> Result<Json<MeBody>, ApiError> {
    let seed = player.client_seed.clone();
    Ok(Json(me_body(&front, &player, seed).await?))
}

/// Change the signed-in player's profile: their default client seed.
#[utoipa::path(
    patch,
    tag = "players",
    operation_id = "updateMe",
    path = "/api/v1/players/me",
    request_body = ProfileChange,
    security(("player" = [])),
    responses(
        (status = 200, description = "Changed.", body = MeBody),
        (status = 401, description = "No session, or one that has ended (`not_signed_in`).", body = ErrorResponse),
    ),
)]
pub async fn update_me(
    State(front): State<Arc<Frontend>>,
    Player(player): Player,
    ApiJson(body): ApiJson<ProfileChange>,
) -> Result<Json<MeBody>, ApiError> {
    let seed = players::set_client_seed(&front, &player, body.client_seed).await?;
    Ok(Json(me_body(&front, &player, seed).await?))
}

/// Change the signed-in player's password: every other session of theirs ends.
#[utoipa::path(
    put,
    tag = "players",
    operation_id = "changePassword",
    path = "/api/v1/players/me/password",
    request_body = PasswordChange,
    security(("player" = [])),
    responses(
        (status = 204, description = "Changed; this session goes on, every other one has ended."),
        (status = 401, description = "No session, or one that has ended (`not_signed_in`).", body = ErrorResponse),
        (status = 403, description = "The current password is wrong (`wrong_password`).", body = ErrorResponse),
        (status = 422, description = "The new password is too short, too long or easy to guess (`weak_password`).",
            body = ErrorResponse),
    ),
)]
pub async fn change_password(
    State(front): State<Arc<Frontend>>,
    Player(player): Player,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let current = checked_password(body.current_password, "current_password")?;
    let new = checked_password(body.new_password, "new_password")?;
    players::change_password(&front, &player, current, new).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete the signed-in player's account.
///
/// Their draws stay (the leaderboard's verifiable history), no longer linked to them; their
/// sessions end; their name becomes free.
#[utoipa::path(
    delete,
    tag = "players",
    operation_id = "deleteMe",
    path = "/api/v1/players/me",
    request_body = Confirmation,
    security(("player" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "No session, or one that has ended (`not_signed_in`).", body = ErrorResponse),
        (status = 403, description = "The password is wrong (`wrong_password`).", body = ErrorResponse),
    ),
)]
pub async fn delete_me(
    State(front): State<Arc<Frontend>>,
    Player(player): Player,
    ApiJson(body): ApiJson<Confirmation>,
) -> Result<StatusCode, ApiError> {
    let password = checked_password(body.password, "password")?;
    players::delete(&front, &player, password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Filters of `GET /api/v1/players/me/draws`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MyDrawsQuery {
    /// Only this game's draws.
    #[param(schema_with = super::draws::game_filter)]
    game: Option<String>,
    /// At most this many, 1–100; 20 when absent.
    #[param(minimum = 1, maximum = 100, default = 20)]
    limit: Option<u32>,
    /// Only draws older than this one: `next_before` of the page before.
    #[param(pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    before: Option<String>,
}

/// A page of the signed-in player's draws.
#[derive(Serialize, ToSchema)]
pub struct MyDraws {
    /// Newest first.
    draws: Vec<DrawBody>,
    /// For the next page (`before=`): the last draw's id; null when this page is the last.
    #[schema(required = true)]
    next_before: Option<String>,
}

fn is_draw_id(id: &str) -> bool {
    uuid::Uuid::try_parse(id).is_ok_and(|u| u.hyphenated().to_string() == id)
}

/// The signed-in player's draws, newest first, a page at a time.
///
/// Pages follow each other by draw id (time-ordered): draws made while paging appear on no
/// page after the first, and no draw appears twice or is skipped.
#[utoipa::path(
    get,
    tag = "players",
    operation_id = "listMyDraws",
    path = "/api/v1/players/me/draws",
    params(MyDrawsQuery),
    security(("player" = [])),
    responses(
        (status = 200, description = "A page of draws.", body = MyDraws),
        (status = 401, description = "No session, or one that has ended (`not_signed_in`).", body = ErrorResponse),
        (status = 422, description = "An unknown game (`unknown_game`), a limit outside 1–100 (`invalid_limit`) or \
            a `before` that is not a draw id (`invalid_before`).", body = ErrorResponse),
    ),
)]
pub async fn my_draws(
    State(front): State<Arc<Frontend>>,
    Player(player): Player,
    ApiQuery(query): ApiQuery<MyDrawsQuery>,
) -> Result<Json<MyDraws>, ApiError> {
    let game = query
        .game
        .map(|g| g.parse::<Game>())
        .transpose()
        .map_err(|e| ApiError::invalid("unknown_game", e.to_string()).on_field("game"))?;
    let limit = query.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid("invalid_limit", "limit is 1 to 100").on_field("limit"));
    }
    if query.before.as_deref().is_some_and(|b| !is_draw_id(b)) {
        return Err(ApiError::invalid("invalid_before", "before is a draw's id").on_field("before"));
    }
    let filter =
        DrawFilter { game, player_id: Some(player.id), before: query.before, limit, ..DrawFilter::default() };
    let stored = front.store.recent_draws(filter).await?;
    let next_before = (stored.len() == limit as usize).then(|| stored.last().map(|d| d.id.clone())).flatten();
    let draws = bodies(stored)?;
    Ok(Json(MyDraws { draws, next_before }))
}

fn bodies(stored: Vec<StoredDraw>) -> Result<Vec<DrawBody>, ApiError> {
    stored.into_iter().map(|d| DrawBody::from_stored(d).map_err(ApiError::internal)).collect()
}

/// A player's public profile: totals and recent wins.
#[utoipa::path(
    get,
    tag = "players",
    operation_id = "getPlayer",
    path = "/api/v1/players/{name}",
    params(("name" = String, Path, min_length = 3, max_length = 30, description = "The player's name, in any case.")),
    responses(
        (status = 200, description = "The player's profile.", body = ProfileBody),
        (status = 404, description = "No player has that name (`player_not_found`).", body = ErrorResponse),
    ),
)]
pub async fn profile(
    State(front): State<Arc<Frontend>>,
    Path(name): Path<String>,
) -> Result<Json<ProfileBody>, ApiError> {
    let key = players::names::Name::key_of(&name);
    let player = front.store.player_by_name(&key).await?;
    let player = player
        .ok_or_else(|| ApiError::not_found("player_not_found", format!("there is no player {name:?}")))?;
    let totals = front.store.player_totals(player.id).await?;
    let wins = DrawFilter { player_id: Some(player.id), won: true, limit: 10, ..DrawFilter::default() };
    let recent_wins = bodies(front.store.recent_draws(wins).await?)?;
    let body = PlayerBody::from(&player);
    Ok(Json(ProfileBody { name: body.name, joined: body.joined, totals: totals.into(), recent_wins }))
}
