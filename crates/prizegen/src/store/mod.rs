//! Where draws, seeds and campaigns are stored. The only module that talks to a database.
//!
//! [`Store`] is the interface the front end uses; each backend lives in its own folder:
//! `sqlite/` (the embedded default) and `sqlx/` (PostgreSQL and MySQL/MariaDB). Rules that must hold under concurrency — one current seed, nonces never
//! reused, unique account numbers per campaign, unique character names, a sequence claimed once,
//! budgets never overspent, idempotency keys — are database constraints or atomic conditional
//! updates.

mod queries;
mod sqlx;
mod sqlite;
mod types;

pub use types::*;

use prizegen_domain::fairness::ServerSeed;
use std::ops::Range;

pub use sqlx::SqlOptions;

/// Now, in Unix milliseconds: how every stored time is kept.
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

/// A database URL, parsed. Its `Debug` and `Display` never show a password.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://path/to/file.db` (relative to the working directory) or `sqlite:///abs/path.db`.
    Sqlite(std::path::PathBuf),
    /// `postgres://user@host:port/db` (or `postgresql://`).
    Postgres(url::Url),
    /// `mysql://user@host:port/db` (or `mariadb://`).
    MySql(url::Url),
}

/// A URL that is not a supported database.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unsupported database URL {0:?}: expected sqlite://FILE, postgres://… or mysql://…")]
pub struct BadDatabaseUrl(pub String);

impl std::str::FromStr for DatabaseUrl {
    type Err = BadDatabaseUrl;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || BadDatabaseUrl(redact(text));
        if let Some(path) = text.strip_prefix("sqlite://") {
            return if path.is_empty() { Err(bad()) } else { Ok(Self::Sqlite(path.into())) };
        }
        let parsed = url::Url::parse(text).map_err(|_| bad())?;
        match parsed.scheme() {
            "postgres" | "postgresql" => Ok(Self::Postgres(parsed)),
            "mysql" | "mariadb" => {
                let mut parsed = parsed;
                // sqlx knows the MySQL protocol as mysql://; MariaDB speaks it.
                let rest =
                    parsed.as_str().split_once("://").map(|(_, rest)| rest.to_owned()).ok_or_else(bad)?;
                parsed = url::Url::parse(&format!("mysql://{rest}")).map_err(|_| bad())?;
                Ok(Self::MySql(parsed))
            }
            _ => Err(bad()),
        }
    }
}

/// A URL with any password replaced by `***`, for messages and logs — also when the URL is
/// too broken to parse (then everything between `://` and `@` goes).
fn redact(text: &str) -> String {
    match url::Url::parse(text) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => text.to_owned(),
        Err(_) => match (text.find("://"), text.rfind('@')) {
            (Some(start), Some(at)) if at > start => format!("{}***{}", &text[..start + 3], &text[at..]),
            _ => text.to_owned(),
        },
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Self::Postgres(url) | Self::MySql(url) => f.write_str(&redact(url.as_str())),
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

impl DatabaseUrl {
    /// Where `prizegen up` keeps its generated operator token: beside a database file, or in the
    /// working directory for a database server.
    pub fn admin_token_path(&self) -> std::path::PathBuf {
        match self {
            Self::Sqlite(path) => path.with_extension("admin-token"),
            Self::Postgres(_) | Self::MySql(_) => "prizegen.admin-token".into(),
        }
    }

    /// The same URL with `password` set (from `PRIZEGEN_DATABASE_PASSWORD[_FILE]`), so that the
    /// secret need not be part of a URL kept in a config file.
    pub fn with_password(self, password: &str) -> Self {
        match self {
            Self::Postgres(mut url) => {
                let _ = url.set_password(Some(password));
                Self::Postgres(url)
            }
            Self::MySql(mut url) => {
                let _ = url.set_password(Some(password));
                Self::MySql(url)
            }
            sqlite => sqlite,
        }
    }
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
        backend!(self.campaign(slug))
    }

    /// Every campaign, newest date first.
    pub async fn campaigns(&self) -> Result<Vec<Campaign>, StoreError> {
        backend!(self.campaigns())
    }

    /// Creates a campaign; its slug must be free.
    pub async fn create_campaign(&self, fields: CampaignFields) -> Result<CampaignWrite, StoreError> {
        backend!(self.create_campaign(fields))
    }

    /// Replaces a campaign's fields (not its slug or what it has spent).
    pub async fn update_campaign(
        &self,
        slug: &str,
        fields: CampaignFields,
    ) -> Result<CampaignWrite, StoreError> {
        backend!(self.update_campaign(slug, fields))
    }

    /// Deletes a campaign without draws.
    pub async fn delete_campaign(&self, slug: &str) -> Result<CampaignWrite, StoreError> {
        backend!(self.delete_campaign(slug))
    }

    /// Stores a generated prize-pool sequence.
    pub async fn insert_sequence(&self, sequence: NewSequence) -> Result<SequenceOutcome, StoreError> {
        backend!(self.insert_sequence(sequence))
    }

    /// A prize-pool sequence.
    pub async fn sequence(&self, sequence: &str) -> Result<Option<StoredSequence>, StoreError> {
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
        backend!(self.draw(id))
    }

    /// The draw made under an idempotency key, if any.
    pub async fn draw_by_idempotency_key(&self, key: &str) -> Result<Option<StoredDraw>, StoreError> {
        backend!(self.draw_by_idempotency_key(key))
    }

    /// Recent draws, newest first.
    pub async fn recent_draws(&self, filter: DrawFilter) -> Result<Vec<StoredDraw>, StoreError> {
        backend!(self.recent_draws(filter))
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        backend!(self.ping())
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
        assert!(matches!("postgres://app@127.0.0.1:5432/p".parse(), Ok(DatabaseUrl::Postgres(_))));
        let maria: DatabaseUrl = "mariadb://app:pw@127.0.0.1/p".parse().unwrap();
        assert!(matches!(&maria, DatabaseUrl::MySql(u) if u.scheme() == "mysql"));
    }

    #[test]
    fn passwords_never_show() {
        let url: DatabaseUrl = "postgres://app:s3cret@db/p".parse().unwrap();
        assert!(!url.to_string().contains("s3cret") && !format!("{url:?}").contains("s3cret"));
        let with = "postgres://app@db/p".parse::<DatabaseUrl>().unwrap().with_password("hunter2");
        assert!(!with.to_string().contains("hunter2"));
        let DatabaseUrl::Postgres(inner) = with else { panic!("postgres") };
        assert_eq!(inner.password(), Some("hunter2"));
        let err = "postgres://app:s3cret@[bad".parse::<DatabaseUrl>();
        assert!(err.is_err_and(|e| !e.to_string().contains("s3cret")));
    }

    #[test]
    fn admin_token_sits_beside_the_database() {
        let url: DatabaseUrl = "sqlite://data/prizegen.db".parse().unwrap();
        assert_eq!(url.admin_token_path(), std::path::Path::new("data/prizegen.admin-token"));
    }
}
