//! The games: one module each, holding that game's letters, numbers and rules steps (SPEC §3).

pub mod account_prize;
pub mod attack;
pub mod character;
pub mod prize_pool;
pub mod spy_mission;

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// A game the system can draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Game {
    /// SPEC §3.1: an account number and the prize it wins.
    AccountPrize,
    /// SPEC §3.2: a sequence generated, then claimed once.
    PrizePool,
    /// SPEC §3.3: a dossier and a mission.
    SpyMission,
    /// SPEC §3.4: a roll and a power.
    Attack,
    /// SPEC §3.5: a character sheet from the player's choices.
    Character,
}

impl Game {
    /// Every game, in the order they are listed to players.
    pub const ALL: [Game; 5] =
        [Game::AccountPrize, Game::PrizePool, Game::SpyMission, Game::Attack, Game::Character];

    /// The game's name in URLs and JSON; also its default campaign's slug.
    pub fn slug(self) -> &'static str {
        match self {
            Game::AccountPrize => "account-prize",
            Game::PrizePool => "prize-pool",
            Game::SpyMission => "spy-mission",
            Game::Attack => "attack",
            Game::Character => "character",
        }
    }

    /// The exact prize odds of one draw (of one claim, for prize-pool) with these versions of
    /// numbers and rules; games without prizes have one line, "no prize", with certainty.
    pub fn odds(self, numbers: Impl, rules: Impl) -> Vec<OddsLine> {
        match self {
            Game::AccountPrize => account_prize::odds(numbers, rules),
            Game::PrizePool => prize_pool::odds(rules),
            Game::SpyMission | Game::Attack | Game::Character => {
                vec![OddsLine { prize: None, probability: 1.0 }]
            }
        }
    }

    /// A human title for pages.
    pub fn title(self) -> &'static str {
        match self {
            Game::AccountPrize => "Account prize",
            Game::PrizePool => "Prize pool",
            Game::SpyMission => "Spy mission",
            Game::Attack => "Attack",
            Game::Character => "Character",
        }
    }
}

impl fmt::Display for Game {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// A name that is not one of the games.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown game {0:?}; the games are: {known}", known = Game::ALL.map(Game::slug).join(", "))]
pub struct UnknownGame(pub String);

impl FromStr for Game {
    type Err = UnknownGame;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Game::ALL.into_iter().find(|g| g.slug() == s).ok_or_else(|| UnknownGame(s.to_owned()))
    }
}

/// Which implementation a service runs; chosen at start, switched by a rolling update.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Impl {
    /// The original behaviour.
    #[default]
    V1,
    /// The changed behaviour of SPEC §3.
    V2,
}

impl Impl {
    /// `v1` or `v2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Impl::V1 => "v1",
            Impl::V2 => "v2",
        }
    }
}

impl fmt::Display for Impl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Not `v1` or `v2`.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown implementation {0:?}; expected v1 or v2")]
pub struct UnknownImpl(pub String);

impl FromStr for Impl {
    type Err = UnknownImpl;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "v1" => Ok(Impl::V1),
            "v2" => Ok(Impl::V2),
            other => Err(UnknownImpl(other.to_owned())),
        }
    }
}

/// Parts that no version of the generators could have produced (the rules refuse them).
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct PartsError(pub String);

impl PartsError {
    /// A refusal with a message for the caller.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// One line of a game's published odds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OddsLine {
    /// The prize, or `None` for "no prize".
    pub prize: Option<crate::money::Prize>,
    /// Its probability for one draw, in `[0, 1]`.
    pub probability: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn game_names_round_trip() {
        for game in Game::ALL {
            assert_eq!(game.slug().parse::<Game>(), Ok(game));
        }
        let err = "poker".parse::<Game>().unwrap_err();
        assert!(err.to_string().contains("account-prize"), "{err}");
    }

    #[test]
    fn impl_names_round_trip() {
        assert_eq!("v1".parse::<Impl>(), Ok(Impl::V1));
        assert_eq!("v2".parse::<Impl>(), Ok(Impl::V2));
        assert!("v3".parse::<Impl>().is_err());
    }
}
