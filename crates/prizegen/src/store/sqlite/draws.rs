//! Draws: insert (with prize stock), read, list.

use super::rows::draw_row;
use super::{SqliteStore, flatten, stock, unexpected, unique_violation};
use crate::store::queries::DRAW_COLUMNS;
use crate::store::{DrawFilter, InsertOutcome, NewDraw, StoreError, StoredDraw};
use prizegen_domain::games::Game;
use rusqlite::{Connection, OptionalExtension, ToSql, params};

/// Where a new draw or sequence may go.
pub(super) enum Target {
    /// This campaign's id: it is active and for the game, and the seed is current.
    Campaign(i64),
    /// No active campaign of that slug for the game.
    CampaignUnavailable,
    /// The seed was rotated.
    SeedNotCurrent,
}

/// Only an active campaign of the game, and only the current seed, take new draws. Read inside
/// the writing transaction, so nothing can change between this check and the insert.
pub(super) fn target(
    conn: &Connection,
    campaign: &str,
    game: Game,
    seed_id: i64,
) -> rusqlite::Result<Target> {
    let found: Option<(i64, bool)> = conn
        .prepare_cached(
            "SELECT c.id, s.is_current IS NOT NULL FROM campaigns c, server_seeds s
             WHERE c.slug = ?1 AND c.game = ?2 AND c.active = 1 AND s.id = ?3",
        )?
        .query_row(params![campaign, game.slug(), seed_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match found {
        None => Target::CampaignUnavailable,
        Some((_, false)) => Target::SeedNotCurrent,
        Some((id, true)) => Target::Campaign(id),
    })
}

impl SqliteStore {
    pub async fn insert_draw(&self, draw: NewDraw) -> Result<InsertOutcome, StoreError> {
        let served_by = serde_json::to_string(&draw.served_by).map_err(unexpected)?;
        let collided = serde_json::to_string(&draw.collided_nonces).map_err(unexpected)?;
        let nonce = i64::try_from(draw.nonce).map_err(unexpected)?;
        let outcome = self
            .threads
            .write(move |conn| {
                let campaign_id = match target(conn, &draw.campaign, draw.game, draw.seed_id)? {
                    Target::CampaignUnavailable => return Ok(InsertOutcome::CampaignUnavailable),
                    Target::SeedNotCurrent => return Ok(InsertOutcome::SeedNotCurrent),
                    Target::Campaign(id) => id,
                };
                let award = stock::award(conn, campaign_id, &draw.prize)?;
                let (idem_key, idem_hash) = match &draw.idempotency {
                    Some(i) => (Some(i.key.as_str()), Some(i.request_hash.as_str())),
                    None => (None, None),
                };
                // A UNIQUE violation here is an error, so the job's savepoint also undoes the
                // budget spent above; it is classified below.
                conn.prepare_cached(
                    "INSERT INTO draws (id, game, campaign_id, created_at, seed_id, nonce, client_seed,
                         result, prize_pence, prize_label, drawn_prize_pence, drawn_prize_label, served_by,
                         unique_key, global_key, idempotency_key, request_hash, collided_nonces)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
                )?
                .execute(params![
                    draw.id,
                    draw.game.slug(),
                    campaign_id,
                    draw.created_at_ms,
                    draw.seed_id,
                    nonce,
                    draw.client_seed,
                    draw.result_json,
                    award.prize.as_ref().map(|p| p.amount_pence.0 as i64),
                    award.prize.as_ref().map(|p| p.label.as_str()),
                    award.downgraded_from.as_ref().map(|p| p.amount_pence.0 as i64),
                    award.downgraded_from.as_ref().map(|p| p.label.as_str()),
                    served_by,
                    draw.unique_key,
                    draw.global_key,
                    idem_key,
                    idem_hash,
                    collided,
                ])?;
                Ok(InsertOutcome::Inserted(award))
            })
            .await?;
        match outcome {
            Err(error) => match unique_violation(&error) {
                Some("draws.campaign_id, draws.unique_key") => Ok(InsertOutcome::UniqueKeyTaken),
                Some("draws.game, draws.global_key") => Ok(InsertOutcome::GlobalKeyTaken),
                Some("draws.idempotency_key") => Ok(InsertOutcome::IdempotencyKeyTaken),
                _ => flatten(Err(error)),
            },
            ok => flatten(ok),
        }
    }

    pub async fn draw(&self, id: &str) -> Result<Option<StoredDraw>, StoreError> {
        self.one_draw("d.id = ?1", id.to_owned()).await
    }

    pub async fn draw_by_idempotency_key(&self, key: &str) -> Result<Option<StoredDraw>, StoreError> {
        self.one_draw("d.idempotency_key = ?1", key.to_owned()).await
    }

    async fn one_draw(
        &self,
        condition: &'static str,
        value: String,
    ) -> Result<Option<StoredDraw>, StoreError> {
        let outcome = self
            .threads
            .read(move |conn| {
                conn.prepare_cached(&format!("{DRAW_COLUMNS} WHERE {condition}"))?
                    .query_row([value], draw_row)
                    .optional()
            })
            .await?;
        flatten(outcome)
    }

    pub async fn recent_draws(&self, filter: DrawFilter) -> Result<Vec<StoredDraw>, StoreError> {
        let outcome = self
            .threads
            .read(move |conn| {
                // One statement per filter shape, so each uses its index.
                let mut sql = format!("{DRAW_COLUMNS} WHERE 1 = 1");
                let mut args: Vec<Box<dyn ToSql>> = Vec::new();
                if let Some(game) = filter.game {
                    args.push(Box::new(game.slug()));
                    sql.push_str(&format!(" AND d.game = ?{}", args.len()));
                }
                if let Some(campaign) = filter.campaign {
                    args.push(Box::new(campaign));
                    sql.push_str(&format!(" AND c.slug = ?{}", args.len()));
                }
                args.push(Box::new(i64::from(filter.limit)));
                sql.push_str(&format!(" ORDER BY d.id DESC LIMIT ?{}", args.len()));
                let mut stmt = conn.prepare_cached(&sql)?;
                stmt.query_map(rusqlite::params_from_iter(args.iter().map(|a| a.as_ref())), draw_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        flatten(outcome)
    }
}
