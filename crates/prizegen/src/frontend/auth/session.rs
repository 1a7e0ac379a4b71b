//! The admin pages' sessions: a signed, expiring cookie, and the CSRF tokens of their forms.
//!
//! No session table: the cookie is `<expiry>.<id>.<mac>`, with the MAC keyed by a key derived
//! from the operator token, so every front-end replica accepts it and changing the token signs
//! everybody out. Each form carries a CSRF token, an HMAC of the session id; the sign-in form
//! (no session yet) carries an HMAC of a random value kept in a cookie (a signed double-submit
//! cookie). Every check is an HMAC verification, constant-time. Cookies are `HttpOnly; Secure;
//! SameSite=Strict`: the admin pages need HTTPS, or localhost.

use cookie::{Cookie, SameSite};
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
/// How long a sign-in form stays valid, in seconds.
pub const SIGN_IN_SECONDS: i64 = 3600;

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

    /// The MAC of `purpose:message`, ready to finalize or verify.
    fn mac(&self, purpose: &str, message: &str) -> Option<HmacSha256> {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.key?).expect("any key length");
        mac.update(purpose.as_bytes());
        mac.update(b":");
        mac.update(message.as_bytes());
        Some(mac)
    }

    fn sign(&self, purpose: &str, message: &str) -> Option<String> {
        Some(hex::encode(self.mac(purpose, message)?.finalize().into_bytes()))
    }

    /// Whether `presented` (hex) is the MAC of `purpose:message`, compared in constant time.
    fn verify(&self, purpose: &str, message: &str, presented: &str) -> bool {
        let (Some(mac), Ok(presented)) = (self.mac(purpose, message), hex::decode(presented)) else {
            return false;
        };
        mac.verify_slice(&presented).is_ok()
    }

    /// A new session cookie value, valid until `now + SESSION_SECONDS`.
    pub fn issue(&self, now: i64) -> Option<String> {
        let body = format!("{}.{}", now + SESSION_SECONDS, random_hex());
        Some(format!("{body}.{}", self.sign("session", &body)?))
    }

    /// The session a cookie value stands for, if it is genuine and not expired.
    pub fn check(&self, cookie: &str, now: i64) -> Option<Session> {
        let (body, mac) = cookie.rsplit_once('.')?;
        let (expiry, id) = body.split_once('.')?;
        let fresh = expiry.parse::<i64>().is_ok_and(|expiry| expiry > now);
        (fresh && self.verify("session", body, mac)).then(|| Session { id: id.to_owned() })
    }

    /// The CSRF token of a session's forms.
    pub fn csrf(&self, session: &Session) -> String {
        self.sign("csrf", &session.id).unwrap_or_default()
    }

    /// Whether a form's CSRF token belongs to the session.
    pub fn check_csrf(&self, session: &Session, token: &str) -> bool {
        self.verify("csrf", &session.id, token)
    }

    /// The sign-in form's CSRF token for the random value in its cookie.
    pub fn sign_in_csrf(&self, cookie_value: &str) -> Option<String> {
        self.sign("sign-in", cookie_value)
    }

    /// Whether a sign-in form's token matches the value in its cookie.
    pub fn check_sign_in_csrf(&self, cookie_value: &str, token: &str) -> bool {
        !cookie_value.is_empty() && self.verify("sign-in", cookie_value, token)
    }
}

/// Now, in Unix seconds: what session expiries are written in.
pub fn now_s() -> i64 {
    crate::store::now_ms() / 1000
}

/// 16 random bytes, hex: session ids and the sign-in form's double-submit value.
pub fn random_hex() -> String {
    hex::encode(uuid::Uuid::new_v4().as_bytes())
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value_raw().unwrap_or_default())
}

/// `Set-Cookie` for an admin cookie; `max_age` 0 deletes it.
pub fn set_cookie(name: &str, value: &str, max_age: i64) -> String {
    Cookie::build((name, value))
        .path("/admin")
        .max_age(cookie::time::Duration::seconds(max_age))
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .build()
        .to_string()
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
        assert!(!sessions.check_csrf(&session, "not hex"));
        let other = sessions.check(&sessions.issue(1_000).unwrap(), 1_001).unwrap();
        assert!(!sessions.check_csrf(&other, &token), "a CSRF token is bound to its session");
    }

    /// Sessions and tokens live in browsers across upgrades and replicas of mixed versions: their
    /// format is pinned (values computed independently, with Python's hmac, from the layout:
    /// key = HMAC(token, "prizegen admin session key v1"), MAC = HMAC(key, "<purpose>:<text>")).
    #[test]
    fn the_session_and_token_format_is_pinned() {
        let sessions = Sessions::new(Some("token"));
        let cookie = "2000000000.0123456789abcdef0123456789abcdef.\
                      d383af9006a41b03ca6e4b0d59bf30d402eead534ea7d6503425b531a9a8523a";
        let session = sessions.check(cookie, 1_900_000_000).expect("a session of this format is valid");
        assert_eq!(
            sessions.csrf(&session),
            "0e2648a94883108dd5c3be77e165b364b2ad219985ced2bd055e6f6bfc97821c"
        );
        assert_eq!(
            sessions.sign_in_csrf("abc").unwrap(),
            "6cf12ba5b3dea6e3886fcc6424012f39339aa1e6fbd6956ae050d45f6a13a8d7"
        );
    }

    #[test]
    fn sign_in_tokens_are_bound_to_their_cookie() {
        let sessions = Sessions::new(Some("token"));
        let token = sessions.sign_in_csrf("abc").unwrap();
        assert!(sessions.check_sign_in_csrf("abc", &token));
        assert!(!sessions.check_sign_in_csrf("abd", &token), "another cookie");
        assert!(!sessions.check_sign_in_csrf("", &token), "no cookie");
        assert!(!sessions.check_sign_in_csrf("abc", "abc"), "the cookie itself is not the token");
    }

    #[test]
    fn no_token_no_sessions() {
        assert!(Sessions::new(None).issue(0).is_none());
        assert!(Sessions::new(Some("")).issue(0).is_none());
        assert!(Sessions::new(None).sign_in_csrf("abc").is_none());
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::COOKIE, "a=1; prizegen_admin=xyz; b=2".parse().unwrap());
        headers.append(http::header::COOKIE, "c=3".parse().unwrap());
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("xyz"));
        assert_eq!(cookie(&headers, "c"), Some("3"));
        assert_eq!(cookie(&headers, "d"), None);
    }

    #[test]
    fn admin_cookies_are_locked_down() {
        let line = set_cookie(SESSION_COOKIE, "v", 60);
        for part in ["prizegen_admin=v", "Path=/admin", "Max-Age=60", "HttpOnly", "Secure", "SameSite=Strict"]
        {
            assert!(line.contains(part), "{line} has {part}");
        }
    }
}
