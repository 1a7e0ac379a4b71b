//! Secrets from the environment or files (Docker and Kubernetes secrets), never from flags that
//! would show in `ps`: the database password and the operator token.

use crate::store::DatabaseUrl;
use std::path::PathBuf;

/// The database URL with the password from `PRIZEGEN_DATABASE_PASSWORD` or the file named by
/// `PRIZEGEN_DATABASE_PASSWORD_FILE`, when either is set; the URL may then carry none.
pub fn database_url(url: DatabaseUrl) -> anyhow::Result<DatabaseUrl> {
    let password = std::env::var("PRIZEGEN_DATABASE_PASSWORD").ok();
    let file = std::env::var_os("PRIZEGEN_DATABASE_PASSWORD_FILE").map(PathBuf::from);
    with_password(url, password, file)
}

/// [`database_url`] without the environment: the variable wins over the file; an empty one
/// counts as unset; the file's trailing newline is not part of the password.
fn with_password(
    url: DatabaseUrl,
    password: Option<String>,
    file: Option<PathBuf>,
) -> anyhow::Result<DatabaseUrl> {
    use anyhow::Context;
    let password = match (password.filter(|p| !p.is_empty()), file) {
        (Some(password), _) => Some(password),
        (None, Some(path)) => Some(
            std::fs::read_to_string(&path)
                .with_context(|| format!("reading PRIZEGEN_DATABASE_PASSWORD_FILE {}", path.display()))?
                .trim_end_matches(['\n', '\r'])
                .to_owned(),
        ),
        (None, None) => None,
    };
    Ok(match password {
        Some(password) => url.with_password(&password),
        None => url,
    })
}

/// `PRIZEGEN_ADMIN_TOKEN`, or the contents of the file `PRIZEGEN_ADMIN_TOKEN_FILE` names.
pub fn admin_token_from_env() -> anyhow::Result<Option<String>> {
    use anyhow::Context;
    // An empty variable counts as unset (compose files often write `${TOKEN:-}`).
    if let Some(token) = std::env::var("PRIZEGEN_ADMIN_TOKEN").ok().filter(|t| !t.trim().is_empty()) {
        return Ok(Some(token.trim().to_owned()));
    }
    match std::env::var_os("PRIZEGEN_ADMIN_TOKEN_FILE") {
        Some(path) => {
            let token = std::fs::read_to_string(&path).with_context(|| {
                format!("reading PRIZEGEN_ADMIN_TOKEN_FILE {}", PathBuf::from(&path).display())
            })?;
            Ok(Some(token.trim().to_owned()).filter(|t| !t.is_empty()))
        }
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_password_comes_from_the_variable_or_the_file() {
        let url = || "postgres://app@db/p".parse::<DatabaseUrl>().unwrap();
        let password = |u: DatabaseUrl| match u {
            DatabaseUrl::Postgres(u) => u.password().map(str::to_owned),
            _ => None,
        };
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pw");
        std::fs::write(&file, "from-file\n").unwrap();
        assert_eq!(
            password(with_password(url(), None, Some(file.clone())).unwrap()).as_deref(),
            Some("from-file")
        );
        assert_eq!(
            password(with_password(url(), Some("env".into()), Some(file.clone())).unwrap()).as_deref(),
            Some("env")
        );
        assert_eq!(password(with_password(url(), Some(String::new()), None).unwrap()), None);
        let missing = with_password(url(), None, Some(dir.path().join("nope"))).unwrap_err();
        assert!(missing.to_string().contains("PRIZEGEN_DATABASE_PASSWORD_FILE"));
    }
}
