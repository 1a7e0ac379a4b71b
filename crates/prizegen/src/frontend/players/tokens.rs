//! Session tokens and the players' form tokens.
//!
//! A session token is 32 random bytes, hex: the bearer token of the API and the value of the
//! pages' session cookie. Only its SHA-256 is stored, so a copy of the database signs nobody in.
//!
//! Every form of the players' pages carries a CSRF token, an HMAC under the site's form key
//! (made once, kept in the database, shared by every replica): for a signed-in player, of their
//! session's hash; before sign-in (the sign-in and registration forms), of a random value kept
//! in a cookie (a signed double-submit cookie). Checks are constant-time HMAC verifications.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// The pages' session cookie.
pub const SESSION_COOKIE: &str = "prizegen_player";
/// The sign-in and registration forms' double-submit cookie.
pub const FORM_COOKIE: &str = "prizegen_form";
/// How long a session lasts.
pub const SESSION_DAYS: i64 = 30;
/// The name of the form key in the database.
pub const FORM_KEY_NAME: &str = "player-forms";

/// A fresh session token: 32 random bytes, hex.
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(hex::encode(bytes))
}

/// What is stored for a token: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether a presented token has the shape of one (64 hex digits): anything else matches
/// nobody and is not looked up.
pub fn plausible(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Signs and checks the players' form tokens.
#[derive(Clone)]
pub struct FormKey([u8; 32]);

impl FormKey {
    /// The key from its stored form (64 hex digits).
    pub fn from_hex(stored: &str) -> Option<Self> {
        hex::decode(stored).ok()?.try_into().ok().map(Self)
    }

    /// A new key, for storing: 32 random bytes, hex.
    pub fn generate() -> Result<String, getrandom::Error> {
        new_token()
    }

    fn mac(&self, purpose: &str, message: &str) -> HmacSha256 {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.0).expect("any key length");
        mac.update(purpose.as_bytes());
        mac.update(b":");
        mac.update(message.as_bytes());
        mac
    }

    fn sign(&self, purpose: &str, message: &str) -> String {
        hex::encode(self.mac(purpose, message).finalize().into_bytes())
    }

    fn verify(&self, purpose: &str, message: &str, presented: &str) -> bool {
        hex::decode(presented).is_ok_and(|bytes| self.mac(purpose, message).verify_slice(&bytes).is_ok())
    }

    /// The CSRF token of a signed-in player's forms.
    pub fn session_csrf(&self, token_hash: &str) -> String {
        self.sign("session", token_hash)
    }

    /// Whether a form's token belongs to the session.
    pub fn check_session_csrf(&self, token_hash: &str, presented: &str) -> bool {
        self.verify("session", token_hash, presented)
    }

    /// The CSRF token of a form shown before sign-in, for the value in its cookie.
    pub fn form_csrf(&self, cookie_value: &str) -> String {
        self.sign("form", cookie_value)
    }

    /// Whether a pre-sign-in form's token matches the value in its cookie.
    pub fn check_form_csrf(&self, cookie_value: &str, presented: &str) -> bool {
        !cookie_value.is_empty() && self.verify("form", cookie_value, presented)
    }
}

/// `Set-Cookie` for a player cookie, on the whole site: `HttpOnly; Secure; SameSite=Lax` (Lax,
/// so that following a link to prizegen shows the player signed in; every form that changes
/// something carries a CSRF token as well). `max_age` 0 deletes it.
pub fn set_cookie(name: &str, value: &str, max_age_s: i64) -> String {
    cookie::Cookie::build((name, value))
        .path("/")
        .max_age(cookie::time::Duration::seconds(max_age_s))
        .http_only(true)
        .secure(true)
        .same_site(cookie::SameSite::Lax)
        .build()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_stored_as_their_hash() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_ne!(a, b);
        assert!(plausible(&a) && plausible(&b));
        assert!(!plausible("abc") && !plausible(&"g".repeat(64)));
        let hash = token_hash(&a);
        assert_eq!(hash.len(), 64);
        assert_ne!(hash, a);
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn form_tokens_are_bound_to_their_session_or_cookie_and_key() {
        let key = FormKey::from_hex(&FormKey::generate().unwrap()).unwrap();
        let token = key.session_csrf("h1");
        assert!(key.check_session_csrf("h1", &token));
        assert!(!key.check_session_csrf("h2", &token), "another session");
        assert!(!key.check_session_csrf("h1", "zz"), "not hex");
        let other = FormKey::from_hex(&FormKey::generate().unwrap()).unwrap();
        assert!(!other.check_session_csrf("h1", &token), "another site's key");
        let form = key.form_csrf("cookie");
        assert!(key.check_form_csrf("cookie", &form));
        assert!(!key.check_form_csrf("", &key.form_csrf("")), "no cookie, no form");
        assert!(!key.check_form_csrf("cookie", &token), "a session token is not a form token");
        assert!(FormKey::from_hex("abcd").is_none());
    }

    #[test]
    fn player_cookies_are_locked_down_site_wide() {
        let line = set_cookie(SESSION_COOKIE, "v", 60);
        for part in ["prizegen_player=v", "Path=/", "Max-Age=60", "HttpOnly", "Secure", "SameSite=Lax"] {
            assert!(line.contains(part), "{line} has {part}");
        }
    }
}
