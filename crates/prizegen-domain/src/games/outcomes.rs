//! Each game's outcomes and their published probabilities, for the public statistics: what a
//! draw's outcome is (the drawn prize, the mission's task, the attack's outcome, the
//! character's background) and how likely each is with given versions of the services.
//!
//! A draw's outcome has a stable `key` (what a stored draw is counted under) and a `label` (what
//! pages show). The probabilities follow from SPEC §2–§3; `tests/odds.rs` checks each against
//! many draws of the game's own functions.

use super::prize_pool::Tier;
use super::{Game, Impl, Impls, account_prize, character, prize_pool};

/// One outcome of a game and its probability per draw.
#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeOdds {
    /// What a draw with this outcome is counted under (see [`outcome_key`]).
    pub key: String,
    /// How it reads, e.g. `£100`, `no prize`, `Follow`, `crit`.
    pub label: String,
    /// Its probability for one draw (one claim, for prize-pool), in `[0, 1]`.
    pub probability: f64,
}

/// The key of a prize outcome: its amount in pence, `none` for no prize (or a zero one).
fn prize_key(pence: Option<u64>) -> String {
    pence.filter(|p| *p > 0).map_or_else(|| "none".to_owned(), |p| p.to_string())
}

/// The outcome key of a stored draw of `game`: from the drawn prize (`pence`, before any
/// downgrade by the campaign's budget) for account-prize and prize-pool, else from the result
/// field [`outcome_field`] names.
pub fn outcome_key(game: Game, pence: Option<u64>, field: Option<&str>) -> String {
    match game {
        Game::AccountPrize => prize_key(pence),
        // v2 writes the attack's outcome in upper case: the same outcome.
        Game::Attack => field.unwrap_or_default().to_lowercase(),
        // A generated sequence's tier: `none`, `one`, `two` or `three`.
        Game::SpyMission | Game::Character | Game::PrizePool => field.unwrap_or_default().to_owned(),
    }
}

/// The result field that holds a game's outcome, if it is not the prize.
pub fn outcome_field(game: Game) -> Option<&'static str> {
    match game {
        Game::AccountPrize => None,
        Game::PrizePool => Some("tier"),
        Game::SpyMission => Some("task"),
        Game::Attack => Some("outcome"),
        Game::Character => Some("background"),
    }
}

fn tier_number(tier: Tier) -> u8 {
    match tier {
        Tier::None => 0,
        Tier::One => 1,
        Tier::Two => 2,
        Tier::Three => 3,
    }
}

impl Game {
    /// The outcomes of one draw with these versions, and their published probabilities (they
    /// sum to 1).
    pub fn outcome_odds(self, impls: Impls) -> Vec<OutcomeOdds> {
        let line = |key: String, label: &str, probability: f64| OutcomeOdds {
            key,
            label: label.to_owned(),
            probability,
        };
        let prizes = |lines: Vec<super::OddsLine>| {
            lines
                .into_iter()
                .map(|l| {
                    let pence = l.prize.as_ref().map(|p| p.amount_pence.0);
                    let label =
                        l.prize.filter(|p| p.amount_pence.0 > 0).map_or("no prize".into(), |p| p.label);
                    OutcomeOdds { key: prize_key(pence), label, probability: l.probability }
                })
                .collect()
        };
        match self {
            Game::AccountPrize => prizes(account_prize::odds(impls.numbers, impls.rules)),
            // Every generated sequence, by tier: each position is a digit with probability 1/2,
            // independently, in either version (prize_pool::odds); the label is its prize.
            Game::PrizePool => [
                (Tier::None, "none", 0.5),
                (Tier::One, "one", 0.25),
                (Tier::Two, "two", 0.125),
                (Tier::Three, "three", 0.125),
            ]
            .into_iter()
            .map(|(tier, key, probability)| {
                let prize = prize_pool::prize(impls.rules, tier).filter(|p| p.amount_pence.0 > 0);
                let label = prize.map_or_else(
                    || "no prize".to_owned(),
                    |p| format!("tier {} ({})", tier_number(tier), p.label),
                );
                line(key.to_owned(), &label, probability)
            })
            .collect(),
            // The first of six numbers in [0, 19]: 19; a multiple of 3 (0, 3, …, 18); 10 or more
            // otherwise (10, 11, 13, 14, 16, 17); the rest (1, 2, 4, 5, 7, 8).
            Game::SpyMission => [
                ("Steal the DB_URI from", 1.0),
                ("Follow", 7.0),
                ("Collect information about", 6.0),
                ("Meet with", 6.0),
            ]
            .into_iter()
            .map(|(task, twentieths)| line(task.to_owned(), task, twentieths / 20.0))
            .collect(),
            Game::Attack => {
                // v1: roll in [0, 2], power in tenths below 10 (a crit needs more than 5.0: 49
                // of 100); v2: roll in [1, 2], hundredths (499 of 1000).
                let (p_miss, p_crit) = match impls.numbers {
                    Impl::V1 => (1.0 / 3.0, 1.0 / 3.0 * 0.49),
                    Impl::V2 => (0.0, 0.5 * 0.499),
                };
                vec![
                    line("missed".into(), "missed", p_miss),
                    line("hit".into(), "hit", 1.0 - p_miss - p_crit),
                    line("crit".into(), "crit", p_crit),
                ]
            }
            Game::Character => character::BACKGROUNDS
                .iter()
                .map(|b| line((*b).to_owned(), b, 1.0 / character::BACKGROUNDS.len() as f64))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::games::Impl;

    #[test]
    fn every_games_outcomes_sum_to_one_with_distinct_keys() {
        for game in Game::ALL {
            for letters in [Impl::V1, Impl::V2] {
                for numbers in [Impl::V1, Impl::V2] {
                    for rules in [Impl::V1, Impl::V2] {
                        let odds = game.outcome_odds(Impls { letters, numbers, rules });
                        let total: f64 = odds.iter().map(|o| o.probability).sum();
                        assert!((total - 1.0).abs() < 1e-12, "{game} {numbers} {rules}: {total}");
                        let mut keys: Vec<_> = odds.iter().map(|o| o.key.as_str()).collect();
                        keys.sort_unstable();
                        keys.dedup();
                        assert_eq!(keys.len(), odds.len(), "{game}: {odds:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_stored_draw_is_counted_under_its_outcomes_key() {
        let v2 = Impls { letters: Impl::V2, numbers: Impl::V2, rules: Impl::V2 };
        let keys = |game: Game| game.outcome_odds(v2).into_iter().map(|o| o.key).collect::<Vec<_>>();
        assert_eq!(keys(Game::PrizePool), ["none", "one", "two", "three"], "generated sequences by tier");
        assert!(keys(Game::AccountPrize).contains(&outcome_key(Game::AccountPrize, None, None)));
        assert!(keys(Game::Attack).contains(&outcome_key(Game::Attack, None, Some("CRIT"))));
        assert!(keys(Game::SpyMission).contains(&outcome_key(Game::SpyMission, None, Some("Follow"))));
        assert!(keys(Game::Character).contains(&outcome_key(Game::Character, None, Some("Sage"))));
    }
}
