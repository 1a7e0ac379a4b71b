//! Players: the use cases behind the players' API and pages — register, sign in and out,
//! change the password, delete the account, keep a default client seed.
//!
//! [`names`]: what a name may be; [`passwords`]: the password policy and Argon2id hashing, a
//! few at a time off the runtime; [`tokens`]: session tokens and the players' CSRF tokens.
//!
//! Signing in takes one attempt from the name's and the client address's counters for the
//! current minute (five each, kept in the database so the limit holds across replicas) before
//! the password is checked, and gives them back when it is right. A wrong password and an
//! unknown name get the same answer after the same work (one Argon2 verification).

pub mod cache;
pub mod names;
pub mod passwords;
pub mod tokens;

use super::Frontend;
use crate::store::{AttemptSlot, NewPlayer, NewSession, PlayerRecord, Registration, StoreError, now_ms};
use names::Name;
use passwords::{HashError, Hasher};
use prizegen_domain::fairness::ClientSeed;
use prizegen_domain::games::FieldError;
use std::net::IpAddr;
use tokens::FormKey;

/// The players' shared parts: the password hasher and the form key.
pub struct Players {
    /// Hashes and verifies passwords.
    pub hasher: Hasher,
    /// Signs the players' form tokens.
    pub forms: FormKey,
    /// The sessions this replica's draws have read lately (see [`cache`]).
    pub sessions: cache::SessionCache,
}

/// A signed-in player, as a request's session says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    /// Their id.
    pub id: i64,
    /// Their name.
    pub name: String,
    /// Their default client seed.
    pub client_seed: Option<String>,
    /// When they registered (Unix milliseconds).
    pub joined_ms: i64,
    /// The session's token hash.
    pub token_hash: String,
}

/// What a players' use case could not do.
#[derive(Debug, thiserror::Error)]
pub enum PlayerError {
    /// A field is invalid.
    #[error("{}", FieldError::describe(.0))]
    Invalid(Vec<FieldError>),
    /// The new password is too weak; says why.
    #[error("{0}")]
    WeakPassword(String),
    /// Another player has the name.
    #[error("the name {0:?} is taken; choose another")]
    NameTaken(String),
    /// No such player, or the wrong password: one answer for both.
    #[error("wrong name or password")]
    BadCredentials,
    /// The signed-in player's current password was not the one given.
    #[error("the current password is wrong")]
    WrongPassword,
    /// Too many failed sign-ins for the name or from the address this minute.
    #[error("too many failed sign-ins; wait {retry_after_s} seconds")]
    RateLimited {
        /// Seconds until the minute ends.
        retry_after_s: u64,
    },
    /// The session ended (signed out, password changed, account deleted) or never was.
    #[error("not signed in, or the session has ended; sign in again")]
    NotSignedIn,
    /// Hashing is saturated or failed.
    #[error(transparent)]
    Hash(#[from] HashError),
    /// The database is down or misbehaved.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Players {
    /// The hasher, and the site's form key (made by the first replica to start).
    pub async fn start(store: &crate::store::Store) -> anyhow::Result<Self> {
        use anyhow::Context;
        let candidate = FormKey::generate().context("the OS random source failed")?;
        let stored =
            store.site_key(tokens::FORM_KEY_NAME, candidate).await.context("loading the form key")?;
        let forms = FormKey::from_hex(&stored).context("the stored form key is not 64 hex digits")?;
        let hasher = Hasher::new().map_err(|e| anyhow::anyhow!(e)).context("preparing password hashing")?;
        tracing::info!(at_once = hasher.permits(), "password hashing bounded");
        Ok(Self { hasher, forms, sessions: cache::SessionCache::default() })
    }
}

/// Registers a player.
pub async fn register(front: &Frontend, name: &str, password: String) -> Result<PlayerRecord, PlayerError> {
    let name = Name::parse(name).map_err(|e| PlayerError::Invalid(vec![e]))?;
    passwords::check_policy(&password, &name.shown).map_err(|e| PlayerError::WeakPassword(e.0))?;
    let password_hash = front.players.hasher.hash(password).await?;
    let player =
        NewPlayer { name: name.shown.clone(), name_key: name.key, password_hash, created_at_ms: now_ms() };
    match front.store.register_player(player).await? {
        Registration::Registered(player) => Ok(player),
        Registration::NameTaken => Err(PlayerError::NameTaken(name.shown)),
    }
}

/// A new session: its token (for the client) and when it ends.
pub struct Session {
    /// The bearer token / cookie value.
    pub token: String,
    /// Unix milliseconds.
    pub expires_at_ms: i64,
    /// Whose.
    pub player: PlayerRecord,
}

/// Signs a player in from `client`.
pub async fn sign_in(
    front: &Frontend,
    name: &str,
    password: String,
    client: IpAddr,
) -> Result<Session, PlayerError> {
    let now = now_ms();
    let key = Name::key_of(name);
    let minute = now / 60_000;
    // The name's counter is keyed by a hash, so any typed text fits the column.
    let slots = vec![
        AttemptSlot { subject: format!("name:{}", &tokens::token_hash(&key)[..32]), minute },
        AttemptSlot { subject: format!("addr:{client}"), minute },
    ];
    if !front.store.take_attempts(slots.clone()).await? {
        let retry_after_s = (60 - (now / 1000) % 60).max(1) as u64;
        return Err(PlayerError::RateLimited { retry_after_s });
    }
    let player = front.store.player_by_name(&key).await?;
    let matches = front
        .players
        .hasher
        .verify(password.clone(), player.as_ref().map(|p| p.password_hash.clone()))
        .await?;
    let Some(player) = player.filter(|_| matches) else { return Err(PlayerError::BadCredentials) };
    front.store.return_attempts(slots).await?;
    if passwords::needs_rehash(&player.password_hash) {
        let new = front.players.hasher.hash(password).await?;
        front.store.set_password_hash(player.id, new, player.password_hash.clone(), None).await?;
    }
    start_session(front, player).await
}

/// A new session for `player`, who has just proved who they are (signed in, or registered).
pub async fn start_session(front: &Frontend, player: PlayerRecord) -> Result<Session, PlayerError> {
    let now = now_ms();
    let token = tokens::new_token().map_err(|e| HashError::Failed(e.to_string()))?;
    let expires_at_ms = now + tokens::SESSION_DAYS * 86_400_000;
    let session = NewSession {
        token_hash: tokens::token_hash(&token),
        player_id: player.id,
        created_at_ms: now,
        expires_at_ms,
    };
    front.store.insert_session(session).await?;
    Ok(Session { token, expires_at_ms, player })
}

/// The player of a session token, if it is live.
pub async fn session(front: &Frontend, token: &str) -> Result<Option<SignedIn>, StoreError> {
    if !tokens::plausible(token) {
        return Ok(None);
    }
    session_of_hash(front, tokens::token_hash(token)).await
}

/// The player of the session with this token hash, if it is live.
async fn session_of_hash(front: &Frontend, token_hash: String) -> Result<Option<SignedIn>, StoreError> {
    let player = front.store.session_player(&token_hash, now_ms()).await?;
    Ok(player.map(|p| SignedIn {
        id: p.id,
        name: p.name,
        client_seed: p.client_seed,
        joined_ms: p.created_at_ms,
        token_hash,
    }))
}

/// The player of a session token, for a draw: as this replica remembers it when `remembered`
/// may be used (the draw's write then checks it), else read now and remembered.
pub async fn drawing_player(
    front: &Frontend,
    token: &str,
    remembered: bool,
) -> Result<Option<cache::DrawingPlayer>, StoreError> {
    if !tokens::plausible(token) {
        return Ok(None);
    }
    let token_hash = tokens::token_hash(token);
    if remembered && let Some(player) = front.players.sessions.get(&token_hash) {
        return Ok(Some(cache::DrawingPlayer { player, remembered: true }));
    }
    let player = session_of_hash(front, token_hash).await?;
    if let Some(player) = &player {
        front.players.sessions.put(player);
    }
    Ok(player.map(|player| cache::DrawingPlayer { player, remembered: false }))
}

/// Ends the session.
pub async fn sign_out(front: &Frontend, player: &SignedIn) -> Result<(), PlayerError> {
    front.players.sessions.forget(&player.token_hash);
    front.store.delete_session(&player.token_hash).await?;
    Ok(())
}

/// Checks the signed-in player's current password.
async fn confirm(front: &Frontend, player: &SignedIn, password: String) -> Result<PlayerRecord, PlayerError> {
    let record = front.store.player_by_id(player.id).await?.ok_or(PlayerError::NotSignedIn)?;
    if front.players.hasher.verify(password, Some(record.password_hash.clone())).await? {
        Ok(record)
    } else {
        Err(PlayerError::WrongPassword)
    }
}

/// Changes the password; every other session of the player ends.
pub async fn change_password(
    front: &Frontend,
    player: &SignedIn,
    current: String,
    new: String,
) -> Result<(), PlayerError> {
    passwords::check_policy(&new, &player.name).map_err(|e| PlayerError::WeakPassword(e.0))?;
    let record = confirm(front, player, current).await?;
    let hash = front.players.hasher.hash(new).await?;
    let changed = front
        .store
        .set_password_hash(player.id, hash, record.password_hash, Some(player.token_hash.clone()))
        .await?;
    // Not changed: another request changed it first, with the current password too.
    if changed { Ok(()) } else { Err(PlayerError::WrongPassword) }
}

/// Deletes the account after checking the password: the draws stay, anonymised.
pub async fn delete(front: &Frontend, player: &SignedIn, password: String) -> Result<(), PlayerError> {
    confirm(front, player, password).await?;
    if front.store.delete_player(player.id).await? { Ok(()) } else { Err(PlayerError::NotSignedIn) }
}

/// Sets or clears the default client seed (empty clears it).
pub async fn set_client_seed(
    front: &Frontend,
    player: &SignedIn,
    seed: Option<String>,
) -> Result<Option<String>, PlayerError> {
    let seed = match seed.filter(|s| !s.is_empty()) {
        None => None,
        Some(seed) => Some(
            ClientSeed::parse(seed)
                .map_err(|e| PlayerError::Invalid(vec![FieldError::new("client_seed", e.to_string())]))?
                .as_str()
                .to_owned(),
        ),
    };
    front.store.set_client_seed(player.id, seed.clone()).await?;
    Ok(seed)
}
