//! What a replica remembers of the sessions that draw through it, so that a signed-in draw
//! need not read its session before it is made — the draw's own write checks it instead.
//!
//! Reading the session is one more trip to the database per draw (on SQLite a hop to a reader
//! thread and back): in a CPU profile of `prizegen up` under `prizegen load --player`, the
//! reader threads took 17 µs per draw, about a third of what a signed-in draw cost over an
//! anonymous one (PERFORMANCE.md). The draw needs the session early only for the player's id
//! and default client seed. So a replica keeps both, per token hash, for a short while, and the
//! draw carries them to the write as a [`SessionCheck`]: inside the draw's transaction the
//! database must still find that session live, for that player, with that default seed, or the
//! draw is refused and made again from a fresh read (which then answers 401 if the session has
//! ended). Nothing this cache holds can make a draw happen that a fresh read would refuse: a
//! session ended on any replica is refused by the next draw's write. It is never used to
//! authorise anything else; every other request reads its session afresh.

use super::SignedIn;
use crate::store::SessionCheck;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a remembered session is used before it is read again.
const KEEP: Duration = Duration::from_secs(60);
/// The most sessions remembered; past this the expired ones go, then all of them.
const CAPACITY: usize = 10_000;

/// Sessions this replica has read recently, by token hash.
#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<String, (SignedIn, Instant)>>,
}

/// A signed-in player for a draw, and whether the write must check the session.
#[derive(Clone, Debug)]
pub struct DrawingPlayer {
    /// The player, as read now or remembered.
    pub player: SignedIn,
    /// Remembered, not read for this request: the write checks it.
    pub remembered: bool,
}

impl DrawingPlayer {
    /// What the write must find still true; nothing when the session was read for this request.
    pub fn check(&self) -> Option<SessionCheck> {
        self.remembered.then(|| SessionCheck {
            token_hash: self.player.token_hash.clone(),
            client_seed: self.player.client_seed.clone(),
            now_ms: crate::store::now_ms(),
        })
    }
}

impl SessionCache {
    /// The remembered player of `token_hash`, unless it is older than [`KEEP`].
    pub fn get(&self, token_hash: &str) -> Option<SignedIn> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(token_hash).filter(|(_, at)| at.elapsed() < KEEP).map(|(player, _)| player.clone())
    }

    /// Remembers a player just read.
    pub fn put(&self, player: &SignedIn) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY {
            entries.retain(|_, (_, at)| at.elapsed() < KEEP);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(player.token_hash.clone(), (player.clone(), Instant::now()));
    }

    /// Forgets a session (signed out here, or found changed by a write).
    pub fn forget(&self, token_hash: &str) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).remove(token_hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn player(token_hash: &str, seed: Option<&str>) -> SignedIn {
        SignedIn {
            id: 7,
            name: "Ann".into(),
            client_seed: seed.map(str::to_owned),
            joined_ms: 0,
            token_hash: token_hash.into(),
        }
    }

    #[test]
    fn remembers_until_forgotten_and_a_remembered_player_is_checked_by_the_write() {
        let cache = SessionCache::default();
        assert!(cache.get("h1").is_none());
        cache.put(&player("h1", Some("lucky")));
        let found = cache.get("h1").expect("remembered");
        assert_eq!(found.client_seed.as_deref(), Some("lucky"));
        let check = DrawingPlayer { player: found, remembered: true }.check().expect("a check");
        assert_eq!((check.token_hash.as_str(), check.client_seed.as_deref()), ("h1", Some("lucky")));
        let fresh = DrawingPlayer { player: player("h1", None), remembered: false };
        assert!(fresh.check().is_none(), "a session read for this request needs no check");
        cache.forget("h1");
        assert!(cache.get("h1").is_none());
    }

    #[test]
    fn a_full_cache_makes_room() {
        let cache = SessionCache::default();
        for i in 0..=CAPACITY {
            cache.put(&player(&format!("h{i}"), None));
        }
        let entries = cache.entries.lock().unwrap();
        assert!(entries.len() <= CAPACITY, "{} entries", entries.len());
        assert!(entries.contains_key(&format!("h{CAPACITY}")), "the newest is kept");
    }
}
