//! Passwords: what is accepted, and hashing with Argon2id off the async runtime, a few at a time.
//!
//! **Policy.** 10 to 128 characters, no composition rules (NIST SP 800-63B); refused when
//! zxcvbn, with its own frequency lists and the player's name as a hint, estimates it would
//! fall to fewer than 10^8 guesses (score below 3), with zxcvbn's own reason in the message.
//!
//! **Hashing.** Argon2id, m = 19 MiB, t = 2, p = 1 (OWASP's first recommended setting), with a
//! random 16-byte salt, stored as a PHC string; a stored hash with other parameters is
//! replaced at the next successful sign-in. Each hash takes tens of milliseconds of CPU and
//! 19 MiB of memory, so it runs on tokio's blocking threads and at most [`Hasher::permits`] at
//! once — half the cores, at least one: a flood of sign-ins then queues (or gets a 503 after
//! [`QUEUE_WAIT`]) while the other half of the machine goes on serving draws, and hashing never
//! holds more than `permits × 19 MiB`.
//!
//! **Timing.** A sign-in with an unknown name verifies the password against a hash made at
//! start with the same parameters, so both answers take about one Argon2 verification.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The fewest characters in a password.
pub const MIN_CHARS: usize = 10;
/// The most characters in a password.
pub const MAX_CHARS: usize = 128;
/// How long a sign-in or registration waits for a hashing slot before a 503.
pub const QUEUE_WAIT: Duration = Duration::from_secs(5);

/// Memory, KiB.
const M_COST: u32 = 19 * 1024;
/// Passes.
const T_COST: u32 = 2;
/// Lanes.
const P_COST: u32 = 1;

/// Why a new password is refused, for the person choosing it.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct WeakPassword(pub String);

/// Checks a new password; `name` is a hint that the password must not be built on.
pub fn check_policy(password: &str, name: &str) -> Result<(), WeakPassword> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(WeakPassword(format!("a password is at least {MIN_CHARS} characters")));
    }
    if chars > MAX_CHARS {
        return Err(WeakPassword(format!("a password is at most {MAX_CHARS} characters")));
    }
    let estimate = zxcvbn::zxcvbn(password, &[name, "prizegen"]);
    if estimate.score() >= zxcvbn::Score::Three {
        return Ok(());
    }
    let mut why = String::from("this password is too easy to guess");
    if let Some(feedback) = estimate.feedback() {
        if let Some(warning) = feedback.warning() {
            why.push_str(&format!(": {}", warning.to_string().trim_end_matches('.').to_lowercase()));
        }
        if let Some(suggestion) = feedback.suggestions().first() {
            why.push_str(&format!(". {suggestion}"));
        }
    }
    if !why.ends_with('.') {
        why.push('.');
    }
    Err(WeakPassword(why))
}

/// Hashing failed or waited too long.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every slot stayed busy for [`QUEUE_WAIT`].
    #[error("too many sign-ins at once; retry in a few seconds")]
    Busy,
    /// The hash could not be computed (a bug).
    #[error("password hashing failed: {0}")]
    Failed(String),
}

/// Hashes and verifies passwords, a bounded number at a time.
pub struct Hasher {
    /// One permit per hash that may run at once.
    slots: Arc<Semaphore>,
    /// How many.
    permits: usize,
    /// A hash of a random password, verified against when a name is unknown.
    decoy: String,
}

impl Hasher {
    /// A hasher allowing half the cores' worth of hashes at once (at least one).
    pub fn new() -> Result<Self, HashError> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let permits = (cores / 2).max(1);
        let decoy = hash_now(&crate::frontend::auth::session::random_hex())?;
        Ok(Self { slots: Arc::new(Semaphore::new(permits)), permits, decoy })
    }

    /// How many hashes may run at once.
    pub fn permits(&self) -> usize {
        self.permits
    }

    /// Runs `work` on a blocking thread once a slot is free.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let permit = tokio::time::timeout(QUEUE_WAIT, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| HashError::Busy)?
            .map_err(|_| HashError::Busy)?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| HashError::Failed(e.to_string()))
    }

    /// The PHC string of `password`, with a fresh salt.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        self.run(move || hash_now(&password)).await?
    }

    /// Whether `password` matches `stored`; `None` for an unknown name, which is checked against
    /// the decoy so that it takes as long.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, HashError> {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| self.decoy.clone());
        let matches =
            self.run(move || argon2().verify_password(password.as_bytes(), stored.as_str()).is_ok()).await?;
        Ok(known && matches)
    }
}

/// Whether a stored hash was made with other parameters than today's (then it is replaced).
pub fn needs_rehash(stored: &str) -> bool {
    !stored.starts_with(&format!("$argon2id$v=19$m={M_COST},t={T_COST},p={P_COST}$"))
}

/// Argon2id with today's parameters.
fn argon2() -> Argon2<'static> {
    let params = Params::new(M_COST, T_COST, P_COST, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes on the current thread.
fn hash_now(password: &str) -> Result<String, HashError> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| HashError::Failed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_counts_characters_and_refuses_guessable_passwords_saying_why() {
        assert!(check_policy("correct horse battery staple", "ann").is_ok());
        assert!(check_policy("Tr4vel-by-ferry", "ann").is_ok());
        let short = check_policy("x7#Kq!2", "ann").unwrap_err();
        assert!(short.0.contains("at least 10"), "{short}");
        let long = check_policy(&"é".repeat(129), "ann").unwrap_err();
        assert!(long.0.contains("at most 128"), "{long}");
        let random_128 = "PtYgjmUh%Bel31iEl2hpChYgCfrL1spNxnyVmihA#2O76UMFxFkM#R5Kjp&1vRt!1fjORS#6ilI8ihN5KXSc7Tvo#hBKqFYY#kv5ZJr3J1TWDtkwtDDb!xHKas1VOq&g";
        assert_eq!(random_128.chars().count(), 128);
        assert!(check_policy(random_128, "ann").is_ok(), "128 characters are allowed");
        for common in ["password123", "qwertyuiop", "1234567890", "iloveyou12"] {
            let weak = check_policy(common, "ann").unwrap_err();
            assert!(weak.0.starts_with("this password is too easy to guess"), "{common}: {weak}");
        }
        let named = check_policy("annabelle2024", "annabelle").unwrap_err();
        assert!(named.0.contains("too easy"), "built on the name: {named}");
    }

    #[tokio::test]
    async fn hashes_are_argon2id_phc_strings_that_verify_only_their_password() {
        let hasher = Hasher::new().unwrap();
        assert!(hasher.permits() >= 1);
        let hash = hasher.hash("correct horse battery staple".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(!needs_rehash(&hash));
        assert!(hasher.verify("correct horse battery staple".into(), Some(hash.clone())).await.unwrap());
        assert!(!hasher.verify("correct horse battery stapler".into(), Some(hash.clone())).await.unwrap());
        let again = hasher.hash("correct horse battery staple".into()).await.unwrap();
        assert_ne!(hash, again, "a fresh salt each time");
        assert!(!hasher.verify("anything".into(), None).await.unwrap(), "an unknown name never matches");
    }

    #[test]
    fn hashes_with_other_parameters_are_replaced() {
        let weaker =
            Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8 * 1024, 1, 1, None).unwrap())
                .hash_password(b"correct horse battery staple")
                .unwrap()
                .to_string();
        assert!(needs_rehash(&weaker), "{weaker}");
        // Still verifiable: verification reads the parameters from the string.
        assert!(argon2().verify_password(b"correct horse battery staple", weaker.as_str()).is_ok());
    }
}
