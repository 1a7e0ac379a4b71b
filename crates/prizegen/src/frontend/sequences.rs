//! prize-pool's sequences, the use case behind its API and its page: generate a sequence
//! (stored at once), claim it once.

use super::Frontend;
use super::calls::{self, Keys};
use super::draws::{DrawError, Owner, check_campaign};
use crate::server::RequestId;
use crate::store::now_ms;
use crate::store::{ClaimOutcome, NewClaim, NewSequence, SequenceOutcome, StoredDraw, StoredSequence};
use prizegen_domain::fairness::ClientSeed;
use prizegen_domain::games::{Game, prize_pool::Sequence};

/// How many times generation is tried again (a duplicate sequence, a rotation).
const MAX_ATTEMPTS: usize = 10;

/// Generates and stores a sequence.
pub async fn generate(
    front: &Frontend,
    campaign: Option<String>,
    client_seed: ClientSeed,
    request_id: &RequestId,
) -> Result<StoredSequence, DrawError> {
    let campaign = campaign.unwrap_or_else(|| Game::PrizePool.slug().to_owned());
    check_campaign(front, &campaign, Game::PrizePool).await?;
    for _ in 0..MAX_ATTEMPTS {
        let (seed, nonce) = front.nonces.next().await?;
        let keys = Keys::derive(&seed.keyer, &client_seed, nonce);
        let generated = calls::prize_pool::generate(&front.deps, &keys, request_id).await?;
        let served_by = generated.by.with_frontend(front.identity.served_by());
        let new = NewSequence {
            sequence: generated.sequence,
            campaign: campaign.clone(),
            created_at_ms: now_ms(),
            seed_id: seed.id,
            nonce,
            client_seed: client_seed.as_str().to_owned(),
            served_by,
        };
        match front.store.insert_sequence(new.clone()).await? {
            SequenceOutcome::Inserted => {
                return Ok(StoredSequence {
                    sequence: new.sequence,
                    campaign: new.campaign,
                    created_at_ms: new.created_at_ms,
                    seed_hash: seed.hash.to_string(),
                    server_seed: None,
                    client_seed: new.client_seed,
                    nonce,
                    served_by: new.served_by,
                    draw_id: None,
                });
            }
            SequenceOutcome::Taken => tracing::info!(nonce, "sequence exists already; drawing again"),
            SequenceOutcome::SeedNotCurrent => front.nonces.seed_rotated(seed.id),
            SequenceOutcome::CampaignUnavailable => {
                check_campaign(front, &campaign, Game::PrizePool).await?;
                return Err(DrawError::CampaignUnavailable { campaign, game: Game::PrizePool, why: "" });
            }
        }
    }
    Err(DrawError::Exhausted)
}

/// Claims a sequence: at most once, whatever the concurrency; the draw keeps the generation's
/// fairness and belongs to the claiming player, if signed in.
pub async fn claim(
    front: &Frontend,
    sequence: &str,
    player: Option<&Owner>,
    request_id: &RequestId,
) -> Result<StoredDraw, DrawError> {
    let started = std::time::Instant::now();
    let outcome = claim_once(front, sequence, player, request_id).await;
    super::draws::record(front, started, &outcome);
    outcome
}

async fn claim_once(
    front: &Frontend,
    sequence: &str,
    player: Option<&Owner>,
    request_id: &RequestId,
) -> Result<StoredDraw, DrawError> {
    let unknown = || DrawError::UnknownSequence(sequence.to_owned());
    Sequence::parse(sequence).map_err(|_| unknown())?;
    // Answer the common cases without calling the rules; the claim below still decides races.
    match front.store.sequence(sequence).await? {
        None => return Err(unknown()),
        Some(stored) if stored.draw_id.is_some() => {
            return Err(DrawError::AlreadyClaimed(sequence.to_owned()));
        }
        Some(_) => {}
    }
    let decided = calls::prize_pool::decide(&front.deps, sequence, request_id).await?;
    let claim = NewClaim {
        sequence: sequence.to_owned(),
        draw_id: uuid::Uuid::now_v7().to_string(),
        created_at_ms: now_ms(),
        result_json: decided.result_json,
        prize: decided.prize,
        frontend: front.identity.served_by(),
        rules: Some(decided.rules_by),
        player_id: player.map(|p| p.id),
    };
    match front.store.claim_sequence(claim).await? {
        ClaimOutcome::Claimed(draw) => Ok(*draw),
        ClaimOutcome::AlreadyClaimed => Err(DrawError::AlreadyClaimed(sequence.to_owned())),
        ClaimOutcome::Unknown => Err(unknown()),
        ClaimOutcome::PlayerGone => Err(DrawError::PlayerGone),
    }
}
