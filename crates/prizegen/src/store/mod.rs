//! Where draws, seeds and campaigns are stored. The only module that talks to a database.
//!
//! [`Store`] is the interface the front end uses. Underneath it are one store core and two
//! drivers, so that a rule is written once and a database's own ways stay with that database.
//!
//! - **The core** (the files of this folder) is everything that does not depend on which
//!   database it is: the types that go in and out, one file per aggregate (`seeds.rs`,
//!   `campaigns.rs`, `draws.rs`, `sequences.rs`, `claims.rs`), each with the statements the
//!   dialects agree on (written once, with `?` placeholders), its statements' arguments in order,
//!   and how its rows are read (`rows.rs`: by column name, for every driver); the prize ladder
//!   (`stock.rs`); the campaign update rules; where a new draw or sequence may go (`target.rs`);
//!   what a broken constraint means (`constraints.rs`); and the migration lists and the rule for
//!   applying them (`migrations.rs`).
//! - **A driver** runs those statements its way and adds what only its database needs:
//!   `sqlite/` (the embedded default: blocking calls on their own threads, one writer committing
//!   in groups, `RETURNING`) and `sqlx/` (PostgreSQL and MySQL/MariaDB over sqlx's Any driver: a
//!   pool, row locks, deadlock retry, migrations under a server-side lock, the dialect switch).
//!   A driver says which constraint an error broke; the core says what that means.
//!
//! Rules that must hold under concurrency — one current seed, nonces never reused, unique
//! account numbers per campaign, unique character names, a sequence claimed once, budgets never
//! overspent, idempotency keys — are database constraints or atomic conditional updates, the
//! same in every driver.

mod audit;
mod campaigns;
mod claims;
mod constraints;
mod draws;
mod error;
mod leaderboard;
mod migrations;
mod players;
mod rows;
mod seeds;
mod sequences;
mod served_by;
mod sqlite;
mod sqlx;
mod stats;
mod stock;
mod target;
mod url;

pub use audit::{Actor, AuditEntry, AuditHead, LEAF_FORMAT, draw_leaf, draw_leaf_hash};
pub use campaigns::{Campaign, CampaignFields, CampaignWrite};
pub use claims::{ClaimOutcome, NewClaim};
pub use draws::{DrawFilter, Idempotency, InsertOutcome, NewDraw, SessionCheck, StoredDraw};
pub use error::{Cause, StoreError};
pub use leaderboard::{Board, Period, Position, Scope, Standing};
pub use players::{
    ATTEMPTS_PER_MINUTE, AttemptSlot, GameTotals, NewPlayer, NewSession, PlayerRecord, Registration,
    SessionPlayer,
};
pub use seeds::{Rotation, SeedRecord};
pub use sequences::{NewSequence, SequenceOutcome, StoredSequence};
pub use served_by::ServedBy;
pub use stats::OutcomeCount;

/// Registers the SQLite writer's figures: `prizegen_sqlite_commit_duration_seconds` (each group
/// commit, `BEGIN` to the end of `COMMIT`, its fsync included) and `prizegen_sqlite_commit_writes`
/// (the writes it carried). Empty on the database servers.
pub fn register_metrics(registry: &mut prometheus_client::registry::Registry) {
    let writer = &*sqlite::WRITER_METRICS;
    registry.register(
        "sqlite_commit_duration_seconds",
        "Time of each SQLite group commit, fsync included",
        writer.commit_seconds.clone(),
    );
    registry.register(
        "sqlite_commit_writes",
        "Writes in each SQLite group commit",
        writer.commit_writes.clone(),
    );
}
pub use stock::{Award, PrizeDraw};
pub use url::{BadDatabaseUrl, DatabaseUrl};

pub use sqlx::SqlOptions;

/// The leaderboard's reads and a player's totals, by name, exactly as the store runs them
/// (`?` placeholders; the names are those in `store/leaderboard.rs` and `store/players.rs`):
/// what `examples/seed_players` asks each database to explain (MariaDB runs the `_DERIVED`
/// forms of TOP, AFTER and BEFORE). Not an interface to build on.
#[doc(hidden)]
pub const READ_STATEMENTS: &[(&str, &str)] = &[
    ("TOP", leaderboard::TOP),
    ("AFTER", leaderboard::AFTER),
    ("BEFORE", leaderboard::BEFORE),
    ("ENTRY", leaderboard::ENTRY),
    ("AHEAD", leaderboard::AHEAD),
    ("NOT_AFTER", leaderboard::NOT_AFTER),
    ("TOP_DERIVED", leaderboard::TOP_DERIVED),
    ("AFTER_DERIVED", leaderboard::AFTER_DERIVED),
    ("BEFORE_DERIVED", leaderboard::BEFORE_DERIVED),
    ("DRAW_COUNTS", players::DRAW_COUNTS),
    ("GAME_WINNINGS", players::GAME_WINNINGS),
];

use prizegen_domain::fairness::ServerSeed;
use std::ops::Range;

/// Whether `key` can never have been stored: no text column of PostgreSQL holds a NUL, and a
/// lookup with one would be the server's error (a 500) instead of "not found".
fn unstorable(key: &str) -> bool {
    key.contains('\0')
}

/// Now, in Unix milliseconds: how every stored time is kept.
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

/// Unix milliseconds as RFC 3339 in UTC, e.g. `2026-11-22T08:01:02.345Z`: how the API shows
/// a stored time (and how a draw's Merkle leaf holds it).
pub fn rfc3339(ms: i64) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// The front end's handle on its database; cheap to clone.
#[derive(Clone)]
pub enum Store {
    /// An embedded SQLite file.
    Sqlite(sqlite::SqliteStore),
    /// A PostgreSQL or MySQL/MariaDB server.
    Sqlx(sqlx::SqlxStore),
}

/// Forwards a call to the backend.
macro_rules! backend {
    ($self:ident.$method:ident($($arg:expr),*)) => {
        match $self {
            Self::Sqlite(s) => s.$method($($arg),*).await,
            Self::Sqlx(s) => s.$method($($arg),*).await,
        }
    };
}

impl Store {
    /// Opens (creating if needed) and migrates the database, and makes sure every game has its
    /// default campaign. Never deletes anything.
    pub async fn open(url: &DatabaseUrl, options: SqlOptions) -> anyhow::Result<Self> {
        match url {
            DatabaseUrl::Sqlite(path) => Ok(Self::Sqlite(sqlite::SqliteStore::open(path).await?)),
            DatabaseUrl::Postgres(u) => {
                Ok(Self::Sqlx(sqlx::SqlxStore::open(u.as_str(), sqlx::Dialect::Postgres, options).await?))
            }
            DatabaseUrl::MySql(u) => {
                Ok(Self::Sqlx(sqlx::SqlxStore::open(u.as_str(), sqlx::Dialect::MySql, options).await?))
            }
        }
    }

    /// The current seed; stores `candidate` as current if there is none yet (first start).
    pub async fn current_seed_or_insert(&self, candidate: ServerSeed) -> Result<SeedRecord, StoreError> {
        backend!(self.current_seed_or_insert(candidate))
    }

    /// Reserves `count` fresh nonces of seed `seed_id`; `None` if that seed is no longer current.
    pub async fn reserve_nonces(&self, seed_id: i64, count: u64) -> Result<Option<Range<u64>>, StoreError> {
        backend!(self.reserve_nonces(seed_id, count))
    }

    /// Reveals the current seed and makes `candidate` current, atomically.
    pub async fn rotate_seed(&self, candidate: ServerSeed) -> Result<Rotation, StoreError> {
        backend!(self.rotate_seed(candidate))
    }

    /// All seeds, current first, then revealed ones newest first.
    pub async fn seeds(&self) -> Result<Vec<SeedRecord>, StoreError> {
        backend!(self.seeds())
    }

    /// A campaign by slug.
    pub async fn campaign(&self, slug: &str) -> Result<Option<Campaign>, StoreError> {
        if unstorable(slug) {
            return Ok(None);
        }
        backend!(self.campaign(slug))
    }

    /// Every campaign, newest date first.
    pub async fn campaigns(&self) -> Result<Vec<Campaign>, StoreError> {
        backend!(self.campaigns())
    }

    /// Creates a campaign; its slug must be free.
    pub async fn create_campaign(
        &self,
        fields: CampaignFields,
        actor: Actor,
    ) -> Result<CampaignWrite, StoreError> {
        backend!(self.create_campaign(fields, actor))
    }

    /// Replaces a campaign's fields (not its slug or what it has spent).
    pub async fn update_campaign(
        &self,
        slug: &str,
        fields: CampaignFields,
        actor: Actor,
    ) -> Result<CampaignWrite, StoreError> {
        backend!(self.update_campaign(slug, fields, actor))
    }

    /// Deletes a campaign without draws.
    pub async fn delete_campaign(&self, slug: &str, actor: Actor) -> Result<CampaignWrite, StoreError> {
        backend!(self.delete_campaign(slug, actor))
    }

    /// Stores a generated prize-pool sequence.
    pub async fn insert_sequence(&self, sequence: NewSequence) -> Result<SequenceOutcome, StoreError> {
        backend!(self.insert_sequence(sequence))
    }

    /// A prize-pool sequence.
    pub async fn sequence(&self, sequence: &str) -> Result<Option<StoredSequence>, StoreError> {
        if unstorable(sequence) {
            return Ok(None);
        }
        backend!(self.sequence(sequence))
    }

    /// Claims a sequence and stores its draw, atomically; at most once per sequence.
    pub async fn claim_sequence(&self, claim: NewClaim) -> Result<ClaimOutcome, StoreError> {
        backend!(self.claim_sequence(claim))
    }

    /// Stores a draw; committed when this returns `Ok(Inserted)`.
    pub async fn insert_draw(&self, draw: NewDraw) -> Result<InsertOutcome, StoreError> {
        backend!(self.insert_draw(draw))
    }

    /// One draw by id.
    pub async fn draw(&self, id: &str) -> Result<Option<StoredDraw>, StoreError> {
        if unstorable(id) {
            return Ok(None);
        }
        backend!(self.draw(id))
    }

    /// The draw made under an idempotency key, if any.
    pub async fn draw_by_idempotency_key(&self, key: &str) -> Result<Option<StoredDraw>, StoreError> {
        if unstorable(key) {
            return Ok(None);
        }
        backend!(self.draw_by_idempotency_key(key))
    }

    /// Recent draws, newest first.
    pub async fn recent_draws(&self, filter: DrawFilter) -> Result<Vec<StoredDraw>, StoreError> {
        backend!(self.recent_draws(filter))
    }

    /// A page of the draws made under the seed with this hash, in nonce order (the order of
    /// its Merkle leaves), after `after_nonce` (from the first when `None`).
    pub async fn draws_of_seed(
        &self,
        seed_hash: &str,
        after_nonce: Option<u64>,
        limit: u32,
    ) -> Result<Vec<StoredDraw>, StoreError> {
        backend!(self.draws_of_seed(seed_hash, after_nonce, limit))
    }

    /// Registers a player; the name must be free in any case.
    pub async fn register_player(&self, player: NewPlayer) -> Result<Registration, StoreError> {
        backend!(self.register_player(player))
    }

    /// A player by their name's key (its lower-case form).
    pub async fn player_by_name(&self, name_key: &str) -> Result<Option<PlayerRecord>, StoreError> {
        if unstorable(name_key) {
            return Ok(None);
        }
        backend!(self.player_by_name(name_key))
    }

    /// A player by id.
    pub async fn player_by_id(&self, id: i64) -> Result<Option<PlayerRecord>, StoreError> {
        backend!(self.player_by_id(id))
    }

    /// Replaces a player's password hash if it is still `old` (a concurrent change wins); with
    /// `keep`, also ends every other session of theirs, in the same transaction. Whether it was
    /// replaced.
    pub async fn set_password_hash(
        &self,
        id: i64,
        new: String,
        old: String,
        keep: Option<String>,
    ) -> Result<bool, StoreError> {
        backend!(self.set_password_hash(id, new, old, keep))
    }

    /// Sets or clears a player's default client seed.
    pub async fn set_client_seed(&self, id: i64, seed: Option<String>) -> Result<(), StoreError> {
        backend!(self.set_client_seed(id, seed))
    }

    /// Deletes an account in one transaction: its draws stay, anonymised; its boards and
    /// sessions go; its name becomes free. Whether it existed.
    pub async fn delete_player(&self, id: i64) -> Result<bool, StoreError> {
        backend!(self.delete_player(id))
    }

    /// Stores a new session.
    pub async fn insert_session(&self, session: NewSession) -> Result<(), StoreError> {
        backend!(self.insert_session(session))
    }

    /// The player of a live session, by the hash of its token.
    pub async fn session_player(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<SessionPlayer>, StoreError> {
        if unstorable(token_hash) {
            return Ok(None);
        }
        backend!(self.session_player(token_hash, now_ms))
    }

    /// Ends a session. Whether it was live.
    pub async fn delete_session(&self, token_hash: &str) -> Result<bool, StoreError> {
        backend!(self.delete_session(token_hash))
    }

    /// Takes a sign-in attempt from each slot, all or none: `false` if one is used up.
    pub async fn take_attempts(&self, slots: Vec<AttemptSlot>) -> Result<bool, StoreError> {
        backend!(self.take_attempts(slots))
    }

    /// Gives back an attempt of each slot (the sign-in succeeded).
    pub async fn return_attempts(&self, slots: Vec<AttemptSlot>) -> Result<(), StoreError> {
        backend!(self.return_attempts(slots))
    }

    /// A player's draws, prizes and winnings per game, in game order.
    pub async fn player_totals(&self, id: i64) -> Result<Vec<GameTotals>, StoreError> {
        backend!(self.player_totals(id))
    }

    /// A board's entries after `after` (from the top without), ranked.
    pub async fn standings(
        &self,
        board: Board,
        after: Option<Position>,
        limit: u32,
    ) -> Result<Vec<Standing>, StoreError> {
        backend!(self.standings(board, after, limit))
    }

    /// A player's entry on a board with up to `span` entries above and below it; empty if the
    /// player has none there.
    pub async fn standings_around(
        &self,
        board: Board,
        player_id: i64,
        span: u32,
    ) -> Result<Vec<Standing>, StoreError> {
        backend!(self.standings_around(board, player_id, span))
    }

    /// A secret the replicas share, by name: `candidate` becomes it if there is none yet.
    pub async fn site_key(&self, name: &str, candidate: String) -> Result<String, StoreError> {
        backend!(self.site_key(name, candidate))
    }

    /// Up to `limit` audit entries after `after`, in order.
    pub async fn audit_entries(&self, after: u64, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        backend!(self.audit_entries(after, limit))
    }

    /// The audit log's last entry (seq 0 and the genesis hash while it is empty).
    pub async fn audit_head(&self) -> Result<AuditHead, StoreError> {
        backend!(self.audit_head())
    }

    /// The audit entries of `kind` about `subject`, in order.
    pub async fn audit_about(&self, kind: &str, subject: &str) -> Result<Vec<AuditEntry>, StoreError> {
        if unstorable(subject) {
            return Ok(Vec::new());
        }
        backend!(self.audit_about(kind, subject))
    }

    /// Every audit entry of a kind, in order.
    pub async fn audit_of_kind(&self, kind: &str) -> Result<Vec<AuditEntry>, StoreError> {
        backend!(self.audit_of_kind(kind))
    }

    /// Records a revealed seed's draw count and Merkle root (`seed.sealed`), unless it has
    /// them already; whether this call recorded them.
    pub async fn seal_seed(
        &self,
        seed_hash: &str,
        draws: u64,
        root: prizegen_domain::merkle::Hash,
    ) -> Result<bool, StoreError> {
        backend!(self.seal_seed(seed_hash, draws, root))
    }

    /// Records that the operator switched a service's faults (`fault.switched`; `details` has
    /// `before`, `after` and `by`). The latest such entry of a service is its switch.
    pub async fn record_fault_switch(
        &self,
        service: &str,
        details: serde_json::Value,
    ) -> Result<(), StoreError> {
        backend!(self.record_fault_switch(service.to_owned(), details))
    }

    /// Records an operator's sign-in to the admin pages.
    pub async fn record_sign_in(&self) -> Result<(), StoreError> {
        backend!(self.record_sign_in())
    }

    /// `game`'s draws counted by who served them and their outcome; only `campaign`'s if given.
    pub async fn outcome_counts(
        &self,
        game: prizegen_domain::games::Game,
        campaign: Option<String>,
    ) -> Result<Vec<OutcomeCount>, StoreError> {
        if campaign.as_deref().is_some_and(unstorable) {
            return Ok(Vec::new());
        }
        backend!(self.outcome_counts(game, campaign))
    }

    /// The database system, as OpenTelemetry's `db.system` names it.
    pub fn system(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Sqlx(store) => store.system(),
        }
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        backend!(self.ping())
    }
}
