//! Which database a front end uses, from its URL — never shown with its password.

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
