//! Where draws, seeds and campaigns are stored. The only module that talks to a database.
//!
//! [`Store`] is the interface the front end uses; each backend lives in its own folder
//! (`sqlite/` now). Rules that must hold under concurrency — one current seed, nonces never
//! reused, unique account numbers per campaign, unique character names, a sequence claimed once,
//! budgets never overspent, idempotency keys — are database constraints or atomic conditional
//! updates.

mod sqlite;
mod types;

pub use types::*;

use prizegen_domain::fairness::ServerSeed;
use std::ops::Range;

/// A database URL, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://path/to/file.db` (relative to the working directory) or `sqlite:///abs/path.db`.
    Sqlite(std::path::PathBuf),
}

/// A URL that is not a supported database.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unsupported database URL {0:?}: expected sqlite://FILE")]
pub struct BadDatabaseUrl(pub String);

impl std::str::FromStr for DatabaseUrl {
    type Err = BadDatabaseUrl;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        match url.strip_prefix("sqlite://") {
            Some(path) if !path.is_empty() => Ok(Self::Sqlite(path.into())),
            _ => Err(BadDatabaseUrl(url.to_owned())),
        }
    }
}

impl DatabaseUrl {
    /// Where `prizegen up` keeps its generated operator token: beside the database file.
    pub fn admin_token_path(&self) -> std::path::PathBuf {
        match self {
            Self::Sqlite(path) => path.with_extension("admin-token"),
        }
    }
}

/// The front end's handle on its database; cheap to clone.
#[derive(Clone)]
pub enum Store {
    /// An embedded SQLite file.
    Sqlite(sqlite::SqliteStore),
}

impl Store {
    /// Opens (creating if needed) and migrates the database, and makes sure every game has its
    /// default campaign. Never deletes anything.
    pub async fn open(url: &DatabaseUrl) -> anyhow::Result<Self> {
        match url {
            DatabaseUrl::Sqlite(path) => Ok(Self::Sqlite(sqlite::SqliteStore::open(path).await?)),
        }
    }

    /// The current seed; stores `candidate` as current if there is none yet (first start).
    pub async fn current_seed_or_insert(&self, candidate: ServerSeed) -> Result<SeedRecord, StoreError> {
        match self {
            Self::Sqlite(s) => s.current_seed_or_insert(candidate).await,
        }
    }

    /// Reserves `count` fresh nonces of seed `seed_id`; `None` if that seed is no longer current.
    pub async fn reserve_nonces(&self, seed_id: i64, count: u64) -> Result<Option<Range<u64>>, StoreError> {
        match self {
            Self::Sqlite(s) => s.reserve_nonces(seed_id, count).await,
        }
    }

    /// Reveals the current seed and makes `candidate` current, atomically.
    pub async fn rotate_seed(&self, candidate: ServerSeed) -> Result<Rotation, StoreError> {
        match self {
            Self::Sqlite(s) => s.rotate_seed(candidate).await,
        }
    }

    /// All seeds, current first, then revealed ones newest first.
    pub async fn seeds(&self) -> Result<Vec<SeedRecord>, StoreError> {
        match self {
            Self::Sqlite(s) => s.seeds().await,
        }
    }

    /// A campaign by slug.
    pub async fn campaign(&self, slug: &str) -> Result<Option<Campaign>, StoreError> {
        match self {
            Self::Sqlite(s) => s.campaign(slug).await,
        }
    }

    /// Every campaign, newest date first.
    pub async fn campaigns(&self) -> Result<Vec<Campaign>, StoreError> {
        match self {
            Self::Sqlite(s) => s.campaigns().await,
        }
    }

    /// Creates a campaign; its slug must be free.
    pub async fn create_campaign(&self, fields: CampaignFields) -> Result<CampaignWrite, StoreError> {
        match self {
            Self::Sqlite(s) => s.create_campaign(fields).await,
        }
    }

    /// Replaces a campaign's fields (not its slug or what it has spent).
    pub async fn update_campaign(
        &self,
        slug: &str,
        fields: CampaignFields,
    ) -> Result<CampaignWrite, StoreError> {
        match self {
            Self::Sqlite(s) => s.update_campaign(slug, fields).await,
        }
    }

    /// Deletes a campaign without draws.
    pub async fn delete_campaign(&self, slug: &str) -> Result<CampaignWrite, StoreError> {
        match self {
            Self::Sqlite(s) => s.delete_campaign(slug).await,
        }
    }

    /// Stores a generated prize-pool sequence.
    pub async fn insert_sequence(&self, sequence: NewSequence) -> Result<SequenceOutcome, StoreError> {
        match self {
            Self::Sqlite(s) => s.insert_sequence(sequence).await,
        }
    }

    /// A prize-pool sequence.
    pub async fn sequence(&self, sequence: &str) -> Result<Option<StoredSequence>, StoreError> {
        match self {
            Self::Sqlite(s) => s.sequence(sequence).await,
        }
    }

    /// Claims a sequence and stores its draw, atomically; at most once per sequence.
    pub async fn claim_sequence(&self, claim: NewClaim) -> Result<ClaimOutcome, StoreError> {
        match self {
            Self::Sqlite(s) => s.claim_sequence(claim).await,
        }
    }

    /// Stores a draw; committed when this returns `Ok(Inserted)`.
    pub async fn insert_draw(&self, draw: NewDraw) -> Result<InsertOutcome, StoreError> {
        match self {
            Self::Sqlite(s) => s.insert_draw(draw).await,
        }
    }

    /// One draw by id.
    pub async fn draw(&self, id: &str) -> Result<Option<StoredDraw>, StoreError> {
        match self {
            Self::Sqlite(s) => s.draw(id).await,
        }
    }

    /// The draw made under an idempotency key, if any.
    pub async fn draw_by_idempotency_key(&self, key: &str) -> Result<Option<StoredDraw>, StoreError> {
        match self {
            Self::Sqlite(s) => s.draw_by_idempotency_key(key).await,
        }
    }

    /// Recent draws, newest first.
    pub async fn recent_draws(&self, filter: DrawFilter) -> Result<Vec<StoredDraw>, StoreError> {
        match self {
            Self::Sqlite(s) => s.recent_draws(filter).await,
        }
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(s) => s.ping().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sqlite_urls() {
        assert_eq!("sqlite://prizegen.db".parse(), Ok(DatabaseUrl::Sqlite("prizegen.db".into())));
        assert_eq!("sqlite:///var/lib/p.db".parse(), Ok(DatabaseUrl::Sqlite("/var/lib/p.db".into())));
        assert!("sqlite://".parse::<DatabaseUrl>().is_err());
        assert!("redis://x".parse::<DatabaseUrl>().is_err());
    }

    #[test]
    fn admin_token_sits_beside_the_database() {
        let url: DatabaseUrl = "sqlite://data/prizegen.db".parse().unwrap();
        assert_eq!(url.admin_token_path(), std::path::Path::new("data/prizegen.admin-token"));
    }
}
