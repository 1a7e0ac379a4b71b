//! Making a draw: the one use case behind both `POST /api/v1/draws` and the Draw button.
//!
//! Take a nonce, derive the keys, let the services play, store the draw. The database decides
//! every race: a taken account number means "draw again with the next nonce" (recorded in the
//! draw's `collided_nonces`), a rotated seed means "draw again with the new seed", a repeated
//! idempotency key means "answer with the stored draw".

use super::Frontend;
use super::calls::{self, GameInput, Keys};
use super::clients::DependencyError;
use crate::server::RequestId;
use crate::store::{Award, Idempotency, InsertOutcome, NewDraw, SessionCheck, StoreError, StoredDraw};
use prizegen_domain::fairness::ClientSeed;
use prizegen_domain::games::{FieldError, Game};
use sha2::{Digest, Sha256};

/// How many times a draw is made again (collisions, rotations) before giving up.
const MAX_ATTEMPTS: usize = 10;

/// A valid request for one draw.
#[derive(Clone, Debug)]
pub struct DrawRequest {
    /// Which game.
    pub game: Game,
    /// The campaign's slug; the game's default campaign when absent.
    pub campaign: Option<String>,
    /// The player's seed, empty by default.
    pub client_seed: ClientSeed,
    /// The game's input, checked.
    pub input: GameInput,
    /// The client's `Idempotency-Key`.
    pub idempotency_key: Option<String>,
    /// The signed-in player the draw belongs to; `None`: anonymous.
    pub player: Option<Owner>,
}

/// The player a draw belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    /// Their id.
    pub id: i64,
    /// Their name.
    pub name: String,
    /// What the write must find still true of their session, when it was not read for this
    /// request (see `players::cache`).
    pub check: Option<SessionCheck>,
}

impl From<&super::players::SignedIn> for Owner {
    fn from(player: &super::players::SignedIn) -> Self {
        Self { id: player.id, name: player.name.clone(), check: None }
    }
}

impl From<&super::players::cache::DrawingPlayer> for Owner {
    fn from(drawing: &super::players::cache::DrawingPlayer) -> Self {
        Self { check: drawing.check(), ..Self::from(&drawing.player) }
    }
}

/// A draw request that could not be honoured.
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    /// No campaign with that slug.
    #[error("there is no campaign {0:?}")]
    UnknownCampaign(String),
    /// The campaign is for another game, or inactive.
    #[error("campaign {campaign:?} does not take {game} draws{why}")]
    CampaignUnavailable {
        /// Its slug.
        campaign: String,
        /// The game asked for.
        game: Game,
        /// Why, for the message.
        why: &'static str,
    },
    /// The player's input has invalid fields.
    #[error("{}", FieldError::describe(.0))]
    InvalidInput(Vec<FieldError>),
    /// A character with this name exists.
    #[error("the name {0:?} is taken; choose another")]
    NameTaken(String),
    /// prize-pool is played in two steps.
    #[error("prize-pool is played in two steps: POST /api/v1/prize-pool/sequences, then claim the sequence")]
    TwoSteps,
    /// No such prize-pool sequence.
    #[error("there is no sequence {0:?}")]
    UnknownSequence(String),
    /// The sequence was claimed before.
    #[error("sequence {0:?} was already submitted")]
    AlreadyClaimed(String),
    /// The idempotency key was used before for a different request.
    #[error("Idempotency-Key {0:?} was already used for a different request")]
    IdempotencyKeyReused(String),
    /// Every attempt collided or raced with a rotation.
    #[error(
        "no unique draw after {MAX_ATTEMPTS} attempts; the campaign may be running out of account numbers"
    )]
    Exhausted,
    /// A service is down.
    #[error(transparent)]
    Dependency(#[from] DependencyError),
    /// The player's account was deleted while the draw was being made.
    #[error("the account this draw was for was deleted meanwhile; nothing was drawn")]
    PlayerGone,
    /// The session the draw assumed has ended or changed since this replica read it; nothing
    /// was drawn (the caller reads the session afresh and tries again, or refuses).
    #[error("the session has ended or changed; nothing was drawn")]
    SessionChanged,
    /// The database is down or misbehaved.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A stored draw, and whether it was stored by an earlier request with the same key.
pub struct Created {
    /// The draw.
    pub draw: StoredDraw,
    /// True when an `Idempotency-Key` repeat returned an earlier draw.
    pub replayed: bool,
}

/// Makes one draw.
pub async fn create(
    front: &Frontend,
    request: DrawRequest,
    request_id: &RequestId,
) -> Result<Created, DrawError> {
    let started = std::time::Instant::now();
    let outcome = make(front, request, request_id).await;
    record(front, started, &outcome);
    outcome
}

/// Counts a draw (or a claim) for `/live`: its time and whether it failed on the server's side;
/// a request refused for its input is not a draw.
pub fn record<T>(front: &Frontend, started: std::time::Instant, outcome: &Result<T, DrawError>) {
    let failed = match outcome {
        Ok(_) => false,
        Err(DrawError::Dependency(_) | DrawError::Store(_) | DrawError::Exhausted) => true,
        Err(_) => return,
    };
    front.live.recorder().draw(started.elapsed(), failed);
}

async fn make(front: &Frontend, request: DrawRequest, request_id: &RequestId) -> Result<Created, DrawError> {
    if request.game == Game::PrizePool {
        return Err(DrawError::TwoSteps);
    }
    let campaign = request.campaign.clone().unwrap_or_else(|| request.game.slug().to_owned());
    let idempotency = request
        .idempotency_key
        .as_ref()
        .map(|key| Idempotency { key: key.clone(), request_hash: request_hash(&request, &campaign) });
    if let Some(idempotency) = &idempotency
        && let Some(earlier) = front.store.draw_by_idempotency_key(&idempotency.key).await?
    {
        return replay(earlier, idempotency);
    }
    // A named campaign is checked before the services are asked, so a wrong name is a 422 even
    // while a generator is down. A game's default campaign always exists and is for its game;
    // whether it is active is checked by the write itself (which must check it anyway), and
    // the rare refusal is explained then — one database read less per ordinary draw.
    if request.campaign.is_some() {
        check_campaign(front, &campaign, request.game).await?;
    }

    let mut collided = Vec::new();
    for _ in 0..MAX_ATTEMPTS {
        let (seed, nonce) = front.nonces.next().await?;
        let keys = Keys::derive(&seed.keyer, &request.client_seed, nonce);
        let played = calls::play(request.game, &request.input, &front.deps, &keys, request_id).await?;
        let draw = NewDraw {
            id: uuid::Uuid::now_v7().to_string(),
            game: request.game,
            campaign: campaign.clone(),
            created_at_ms: crate::store::now_ms(),
            seed_id: seed.id,
            nonce,
            client_seed: request.client_seed.as_str().to_owned(),
            result_json: played.result_json,
            prize: played.prize,
            served_by: played.by.with_frontend(front.identity.served_by()),
            unique_key: played.unique_key,
            global_key: played.global_key,
            idempotency: idempotency.clone(),
            collided_nonces: collided.clone(),
            player_id: request.player.as_ref().map(|p| p.id),
            session_check: request.player.as_ref().and_then(|p| p.check.clone()),
        };
        let mut span = database_span(front, "INSERT draws", request_id);
        let inserted = front.store.insert_draw(draw.clone()).await;
        if let Err(error) = &inserted {
            span.fail(error.to_string());
        }
        span.end();
        match inserted? {
            InsertOutcome::Inserted(award) => {
                let player = request.player.as_ref().map(|p| p.name.clone());
                let draw = stored(draw, award, seed.hash.to_string(), player);
                return Ok(Created { draw, replayed: false });
            }
            InsertOutcome::UniqueKeyTaken => {
                tracing::info!(nonce, "account number taken in this campaign; drawing again");
                collided.push(nonce);
            }
            InsertOutcome::GlobalKeyTaken => {
                let name = match &request.input {
                    GameInput::Character(input) => input.name.clone(),
                    GameInput::None => String::new(),
                };
                return Err(DrawError::NameTaken(name));
            }
            InsertOutcome::SeedNotCurrent => {
                tracing::info!(seed_id = seed.id, "the seed was rotated meanwhile; drawing again");
                front.nonces.seed_rotated(seed.id);
                collided.clear(); // they belong to the old seed
            }
            InsertOutcome::IdempotencyKeyTaken => {
                // A concurrent request with the same key won the race.
                let vanished = || StoreError::unexpected("an idempotency key conflict without a stored draw");
                let idempotency = idempotency.as_ref().ok_or_else(vanished)?;
                let earlier = front.store.draw_by_idempotency_key(&idempotency.key).await?;
                return replay(earlier.ok_or_else(vanished)?, idempotency);
            }
            InsertOutcome::PlayerGone => return Err(DrawError::PlayerGone),
            InsertOutcome::SessionChanged => return Err(DrawError::SessionChanged),
            InsertOutcome::CampaignUnavailable => {
                check_campaign(front, &campaign, request.game).await?;
                return Err(DrawError::CampaignUnavailable { campaign, game: request.game, why: "" });
            }
        }
    }
    Err(DrawError::Exhausted)
}

/// A span for a database statement of the draw `request_id` is making.
fn database_span(front: &Frontend, statement: &'static str, request_id: &RequestId) -> crate::trace::Span {
    let mut span = crate::trace::Span::start(
        "frontend",
        || statement.into(),
        crate::trace::Kind::Client,
        request_id.trace(),
    );
    if span.is_recording() {
        span.set("db.system", front.store.system());
        span.set("db.operation", statement.split(' ').next().unwrap_or(statement));
    }
    span
}

/// Refuses a draw for a campaign that does not exist, is inactive, or is for another game.
pub async fn check_campaign(front: &Frontend, slug: &str, game: Game) -> Result<(), DrawError> {
    let campaign =
        front.store.campaign(slug).await?.ok_or_else(|| DrawError::UnknownCampaign(slug.to_owned()))?;
    let unavailable = |why| DrawError::CampaignUnavailable { campaign: slug.to_owned(), game, why };
    if campaign.game != game.slug() {
        return Err(unavailable(" (it is for another game)"));
    }
    if !campaign.active {
        return Err(unavailable(" (it is not active)"));
    }
    Ok(())
}

fn replay(earlier: StoredDraw, idempotency: &Idempotency) -> Result<Created, DrawError> {
    if earlier.request_hash.as_deref() == Some(idempotency.request_hash.as_str()) {
        Ok(Created { draw: earlier, replayed: true })
    } else {
        Err(DrawError::IdempotencyKeyReused(idempotency.key.clone()))
    }
}

/// Identifies "the same request" for idempotency: game, campaign, client seed and input, each
/// length-prefixed, so that the hash is stable across versions (it is stored with the draw);
/// a signed-in player's id is one more part (so anonymous requests hash as they always did, and
/// one player's key cannot replay another's draw).
fn request_hash(request: &DrawRequest, campaign: &str) -> String {
    let mut hasher = Sha256::new();
    let input = match &request.input {
        GameInput::None => String::new(),
        GameInput::Character(c) => {
            let ranks = c.ranks.map(|r| r.to_string()).join(",");
            format!("character\n{}\n{}\n{}\n{ranks}", c.name, c.race, c.class)
        }
    };
    let player = request.player.as_ref().map(|p| format!("player\n{}", p.id));
    let parts = [request.game.slug(), campaign, request.client_seed.as_str(), &input];
    for part in parts.into_iter().chain(player.as_deref()) {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The stored form of a draw just inserted, without reading it back.
fn stored(draw: NewDraw, award: Award, seed_hash: String, player: Option<String>) -> StoredDraw {
    StoredDraw {
        id: draw.id,
        game: draw.game.slug().to_owned(),
        campaign: draw.campaign,
        created_at_ms: draw.created_at_ms,
        seed_hash,
        server_seed: None,
        client_seed: draw.client_seed,
        nonce: draw.nonce,
        result_json: draw.result_json,
        prize: award.prize,
        downgraded_from: award.downgraded_from,
        served_by: draw.served_by,
        collided_nonces: draw.collided_nonces,
        request_hash: draw.idempotency.map(|i| i.request_hash),
        player,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prizegen_domain::games::character::CharacterInput;

    /// The hash is stored with each draw, so its layout must not drift between versions: the
    /// values are pinned (computed once, independently, from the documented layout: each part
    /// as a big-endian u64 length and its bytes, then SHA-256).
    #[test]
    fn the_idempotency_hash_has_a_fixed_layout() {
        let plain = DrawRequest {
            game: Game::Attack,
            campaign: None,
            client_seed: ClientSeed::parse("s").unwrap(),
            input: GameInput::None,
            idempotency_key: Some("k".into()),
            player: None,
        };
        assert_eq!(
            request_hash(&plain, "attack"),
            "43a9219ac249cbc61b9d17f4479f6a43b48595788c1312e43112d352b3f3df3e"
        );
        assert_ne!(request_hash(&plain, "attack-2"), request_hash(&plain, "attack"), "the campaign counts");
        let ann =
            DrawRequest { player: Some(Owner { id: 7, name: "Ann".into(), check: None }), ..plain.clone() };
        let bob =
            DrawRequest { player: Some(Owner { id: 8, name: "Ann".into(), check: None }), ..plain.clone() };
        assert_ne!(request_hash(&ann, "attack"), request_hash(&plain, "attack"), "the player counts");
        assert_ne!(request_hash(&ann, "attack"), request_hash(&bob, "attack"), "by id");
        let ranks = [
            ("strength", 1),
            ("dexterity", 2),
            ("constitution", 3),
            ("intelligence", 4),
            ("wisdom", 5),
            ("charisma", 6),
        ]
        .map(|(a, r)| (a.to_owned(), r))
        .into_iter()
        .collect();
        let character = CharacterInput::parse("Ann", "Elf", "Rogue", &ranks).unwrap();
        let request = DrawRequest { game: Game::Character, input: GameInput::Character(character), ..plain };
        assert_eq!(
            request_hash(&request, "character"),
            "b2b1e077f6ccb0e34db79a65e6d77b4a6884daaa857ca30d4ddcf7fe37ebb90b"
        );
    }
}
