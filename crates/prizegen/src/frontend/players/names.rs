//! Player names: 3–30 characters of ASCII letters, digits, spaces, `-` and `_`, starting with a
//! letter or digit, one space at a time; unique case-insensitively.
//!
//! ASCII only, by decision: names are shown on a public leaderboard, where look-alike letters
//! from other scripts ("аnn" with a Cyrillic а) would let one player pass for another; and
//! lower-casing ASCII means the same in SQLite, PostgreSQL and MariaDB, so the database can
//! check that `name_key` is `LOWER(name)` and enforce uniqueness itself.

use prizegen_domain::games::FieldError;

/// The fewest characters in a name.
pub const MIN: usize = 3;
/// The most characters in a name.
pub const MAX: usize = 30;

/// A valid name: as shown, and its key (lower case), which is unique.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// As typed, without surrounding spaces.
    pub shown: String,
    /// Lower case: what uniqueness and sign-in compare.
    pub key: String,
}

impl Name {
    /// Checks a name (the pages drop surrounding spaces before; the API takes names exactly).
    pub fn parse(shown: &str) -> Result<Self, FieldError> {
        let error = |why: &str| Err(FieldError::new("name", why));
        let len = shown.chars().count();
        if !(MIN..=MAX).contains(&len) {
            return error(&format!("a name is {MIN} to {MAX} characters"));
        }
        if !shown.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_')) {
            return error("a name has only letters A–Z, digits, spaces, '-' and '_'");
        }
        if !shown.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return error("a name starts with a letter or a digit");
        }
        if shown.ends_with(' ') {
            return error("a name does not end with a space");
        }
        if shown.contains("  ") {
            return error("a name has one space at a time");
        }
        Ok(Self { shown: shown.to_owned(), key: shown.to_ascii_lowercase() })
    }

    /// The key of a name as typed at sign-in, without judging it: a name that could not have
    /// been registered simply matches nobody.
    pub fn key_of(typed: &str) -> String {
        typed.trim().to_ascii_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_names_keep_their_case_and_have_a_lower_case_key() {
        let name = Name::parse("Ann_B-3 Lee").unwrap();
        assert_eq!((name.shown.as_str(), name.key.as_str()), ("Ann_B-3 Lee", "ann_b-3 lee"));
        assert!(Name::parse("abc").is_ok());
        assert!(Name::parse(&"x".repeat(30)).is_ok());
        assert_eq!(Name::key_of(" ANN "), "ann");
    }

    #[test]
    fn invalid_names_say_why() {
        for (typed, why) in [
            ("ab", "3 to 30"),
            (&"x".repeat(31), "3 to 30"),
            ("<script>", "only letters"),
            ("Zoë", "only letters"),
            ("аnn", "only letters"), // a Cyrillic а
            ("-ann", "starts with"),
            ("an  n", "one space"),
            ("ann ", "end with a space"),
            ("ann\u{0}", "only letters"),
        ] {
            let error = Name::parse(typed).unwrap_err();
            assert_eq!(error.field, "name");
            assert!(error.message.contains(why), "{typed:?}: {}", error.message);
        }
    }
}
