//! The games: one module each, holding that game's letters, numbers and rules steps (SPEC §3).

pub mod account_prize;
pub mod attack;
pub mod character;
pub mod outcomes;
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

    /// How pages present the game: title, blurb, rules, the result's fields in order.
    pub fn presentation(self) -> &'static Presentation {
        match self {
            Game::AccountPrize => &account_prize::PRESENTATION,
            Game::PrizePool => &prize_pool::PRESENTATION,
            Game::SpyMission => &spy_mission::PRESENTATION,
            Game::Attack => &attack::PRESENTATION,
            Game::Character => &character::PRESENTATION,
        }
    }

    /// A human title for pages.
    pub fn title(self) -> &'static str {
        self.presentation().title
    }
}

/// What a page says about a game, and how a draw's result reads: each game's module defines
/// its own, beside its rules, so a new game brings its words with it.
#[derive(Debug)]
pub struct Presentation {
    /// The title, e.g. `Account prize`.
    pub title: &'static str,
    /// One line for the home page's list of games.
    pub blurb: &'static str,
    /// The rules in plain words, for the game's page.
    pub rules: &'static str,
    /// The result's fields shown on a draw's page, in the game's own order.
    pub fields: &'static [ResultField],
    /// The field that sums a draw up in a list of draws.
    pub summary: &'static str,
}

/// One field of a game's result as a page shows it.
#[derive(Debug)]
pub struct ResultField {
    /// The field's name in the result JSON, e.g. `account_number`.
    pub key: &'static str,
    /// Its label on pages, e.g. `Account number`.
    pub label: &'static str,
}

/// One invalid field of a player's or operator's input, named as in the API
/// (`ranks.strength`, `budget_pence`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name.
    pub field: String,
    /// What is wrong, for the person who filled it in.
    pub message: String,
}

impl FieldError {
    /// `field` is wrong because of `message`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }

    /// `name: message; venue: message`: one sentence naming every invalid field.
    pub fn describe(fields: &[FieldError]) -> String {
        fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ")
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

/// The implementation each of services 2–4 runs (or ran, for a stored draw).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Impls {
    /// Service 2, letters.
    pub letters: Impl,
    /// Service 3, numbers.
    pub numbers: Impl,
    /// Service 4, rules.
    pub rules: Impl,
}

/// Which implementation a service runs; chosen at start, switched by a rolling update.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
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
    fn every_game_presents_its_summary_among_its_fields() {
        for game in Game::ALL {
            let shown = game.presentation();
            assert!(!shown.blurb.is_empty() && !shown.rules.is_empty(), "{game}");
            assert!(shown.fields.iter().any(|f| f.key == shown.summary), "{game}: {}", shown.summary);
        }
        let keys: Vec<_> = Game::Attack.presentation().fields.iter().map(|f| f.key).collect();
        assert_eq!(keys, ["roll", "power", "outcome", "damage"], "SPEC §3.4's order");
    }

    #[test]
    fn impl_names_round_trip() {
        assert_eq!("v1".parse::<Impl>(), Ok(Impl::V1));
        assert_eq!("v2".parse::<Impl>(), Ok(Impl::V2));
        assert!("v3".parse::<Impl>().is_err());
    }
}
