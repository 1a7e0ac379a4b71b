//! The admin pages' sign-in: a signed, expiring session cookie and CSRF tokens.
//!
//! No session table: the cookie is `<expiry>.<id>.<mac>`, with the MAC keyed by a key derived
//! from the operator token, so every front-end replica accepts it and changing the token signs
//! everybody out. Each form carries a CSRF token, an HMAC of the session id, checked on every
//! POST; the sign-in form (no session yet) uses a double-submit cookie instead. Cookies are
//! `HttpOnly; Secure; SameSite=Strict`: the admin pages need HTTPS, or localhost.

use hmac::{Hmac, KeyInit, Mac};
use http::HeaderMap;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "prizegen_admin";
/// The sign-in form's double-submit cookie.
pub const SIGN_IN_COOKIE: &str = "prizegen_sign_in";
/// How long a session lasts, in seconds.
pub const SESSION_SECONDS: i64 = 8 * 3600;

/// Issues and checks sessions; without an operator token nobody can sign in.
pub struct Sessions {
    key: Option<[u8; 32]>,
}

/// A valid session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    id: String,
}

impl Sessions {
    /// Keys sessions with the operator token (none: sign-in is impossible).
    pub fn new(admin_token: Option<&str>) -> Self {
        let key = admin_token.filter(|t| !t.is_empty()).map(|token| {
            let mut mac = <HmacSha256 as KeyInit>::new_from_slice(token.as_bytes()).expect("any key length");
            mac.update(b"prizegen admin session key v1");
            mac.finalize().into_bytes().into()
        });
        Self { key }
    }

    fn mac(&self, message: &str) -> Option<String> {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.key?).expect("any key length");
        mac.update(message.as_bytes());
        Some(hex::encode(mac.finalize().into_bytes()))
    }

    /// A new session cookie value, valid until `now + SESSION_SECONDS`.
    pub fn issue(&self, now: i64) -> Option<String> {
        let id = random_hex();
        let body = format!("{}.{id}", now + SESSION_SECONDS);
        Some(format!("{body}.{}", self.mac(&format!("session:{body}"))?))
    }

    /// The session a cookie value stands for, if it is genuine and not expired.
    pub fn check(&self, cookie: &str, now: i64) -> Option<Session> {
        let (body, mac) = cookie.rsplit_once('.')?;
        let (expiry, id) = body.split_once('.')?;
        let genuine = self.mac(&format!("session:{body}")).is_some_and(|want| constant_eq(&want, mac));
        let fresh = expiry.parse::<i64>().is_ok_and(|expiry| expiry > now);
        (genuine && fresh).then(|| Session { id: id.to_owned() })
    }

    /// The CSRF token of a session's forms.
    pub fn csrf(&self, session: &Session) -> String {
        self.mac(&format!("csrf:{}", session.id)).unwrap_or_default()
    }

    /// Whether a form's CSRF token belongs to the session.
    pub fn check_csrf(&self, session: &Session, token: &str) -> bool {
        !token.is_empty() && constant_eq(&self.csrf(session), token)
    }
}

/// 16 random bytes, hex: session ids and the sign-in form's double-submit token.
pub fn random_hex() -> String {
    hex::encode(uuid::Uuid::new_v4().as_bytes())
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// `Set-Cookie` for an admin cookie; `max_age` 0 deletes it.
pub fn set_cookie(name: &str, value: &str, max_age: i64) -> String {
    format!("{name}={value}; Path=/admin; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_signed_and_expire() {
        let sessions = Sessions::new(Some("token"));
        let cookie = sessions.issue(1_000).unwrap();
        let session = sessions.check(&cookie, 1_001).expect("a fresh session is valid");
        assert!(sessions.check(&cookie, 1_000 + SESSION_SECONDS).is_none(), "expired");
        let mut forged = cookie.clone();
        forged.replace_range(0..1, "9");
        assert!(sessions.check(&forged, 1_001).is_none(), "a changed expiry breaks the MAC");
        assert!(Sessions::new(Some("other")).check(&cookie, 1_001).is_none(), "another token's key");
        let token = sessions.csrf(&session);
        assert!(sessions.check_csrf(&session, &token));
        assert!(!sessions.check_csrf(&session, ""));
        let other = sessions.check(&sessions.issue(1_000).unwrap(), 1_001).unwrap();
        assert!(!sessions.check_csrf(&other, &token), "a CSRF token is bound to its session");
    }

    #[test]
    fn no_token_no_sessions() {
        assert!(Sessions::new(None).issue(0).is_none());
        assert!(Sessions::new(Some("")).issue(0).is_none());
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::COOKIE, "a=1; prizegen_admin=xyz; b=2".parse().unwrap());
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("xyz"));
        assert_eq!(cookie(&headers, "c"), None);
    }
}
