//! `character` (SPEC §3.5): the player's choices and eight dice make a character sheet.
//!
//! - numbers: eight integers in [1, 20];
//! - letters: a background, a pick from [`BACKGROUNDS`];
//! - rules: the two lowest rolls are dropped, the six kept sorted high to low; the ability the
//!   player ranked k gets the k-th highest kept roll. No prize.
//!
//! Both versions of every service behave alike for this game.

use super::{FieldError, Impl, PartsError, Presentation, ResultField};
use crate::fairness::Stream;
use std::collections::BTreeMap;

/// Races a player may choose.
pub const RACES: [&str; 7] = ["Human", "Elf", "Dwarf", "Halfling", "Gnome", "Half-Orc", "Tiefling"];
/// Classes a player may choose.
pub const CLASSES: [&str; 5] = ["Fighter", "Wizard", "Cleric", "Rogue", "Ranger"];
/// Backgrounds the letters service picks from.
pub const BACKGROUNDS: [&str; 13] = [
    "Acolyte",
    "Charlatan",
    "Criminal / Spy",
    "Entertainer",
    "Folk Hero",
    "Gladiator",
    "Guild Artisan / Guild Merchant",
    "Knight",
    "Noble",
    "Pirate",
    "Sage",
    "Soldier",
    "Urchin",
];
/// The six abilities, in sheet order.
pub const ABILITIES: [&str; 6] =
    ["strength", "dexterity", "constitution", "intelligence", "wisdom", "charisma"];
/// Dice rolled; the two lowest are dropped.
pub const ROLLS: usize = 8;

/// How pages present a character.
pub const PRESENTATION: Presentation = Presentation {
    title: "Character",
    blurb: "make a role-playing character from your choices and eight dice",
    rules: "Eight dice are rolled and the two lowest dropped; your best-ranked ability gets the highest \
            of the six left, and so on. Names are unique.",
    fields: &[
        ResultField { key: "name", label: "Name" },
        ResultField { key: "race", label: "Race" },
        ResultField { key: "class", label: "Class" },
        ResultField { key: "rolls", label: "Rolls" },
        ResultField { key: "background", label: "Background" },
    ],
    summary: "name",
};

/// A valid character request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CharacterInput {
    /// 2–30 characters, no control characters, no white space at either end.
    pub name: String,
    /// One of [`RACES`].
    pub race: &'static str,
    /// One of [`CLASSES`].
    pub class: &'static str,
    /// Rank 1–6 of each ability in [`ABILITIES`] order, all different.
    pub ranks: [u8; 6],
}

impl CharacterInput {
    /// Checks every field and reports every problem, each naming its field.
    pub fn parse(
        name: &str,
        race: &str,
        class: &str,
        ranks: &BTreeMap<String, i64>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut error =
            |field: &str, message: String| errors.push(FieldError { field: field.to_owned(), message });
        let length = name.chars().count();
        if !(2..=30).contains(&length) {
            error("name", format!("a name is 2 to 30 characters, this one has {length}"));
        } else if name.chars().any(char::is_control) {
            error("name", "a name cannot contain control characters".to_owned());
        } else if name.starts_with(char::is_whitespace) || name.ends_with(char::is_whitespace) {
            error("name", "a name does not start or end with white space".to_owned());
        }
        let race = RACES.into_iter().find(|r| *r == race);
        if race.is_none() {
            error("race", format!("unknown race; choose one of: {}", RACES.join(", ")));
        }
        let class = CLASSES.into_iter().find(|c| *c == class);
        if class.is_none() {
            error("class", format!("unknown class; choose one of: {}", CLASSES.join(", ")));
        }
        let mut parsed = [0u8; 6];
        for (i, ability) in ABILITIES.iter().enumerate() {
            match ranks.get(*ability) {
                None => error(&format!("ranks.{ability}"), format!("rank {ability} from 1 to 6")),
                Some(&rank) if !(1..=6).contains(&rank) => {
                    error(&format!("ranks.{ability}"), format!("a rank is 1 to 6, not {rank}"));
                }
                Some(&rank) => parsed[i] = rank as u8,
            }
        }
        if let Some(unknown) = ranks.keys().find(|k| !ABILITIES.contains(&k.as_str())) {
            error(
                "ranks",
                format!("unknown ability {unknown:?}; the abilities are: {}", ABILITIES.join(", ")),
            );
        }
        let mut seen = [false; 7];
        let duplicate = parsed.iter().any(|&r| r != 0 && std::mem::replace(&mut seen[r as usize], true));
        if duplicate {
            error("ranks", "each rank from 1 to 6 is used once: the ranks must all be different".to_owned());
        }
        match (race, class) {
            (Some(race), Some(class)) if errors.is_empty() => {
                Ok(Self { name: name.to_owned(), race, class, ranks: parsed })
            }
            _ => Err(errors),
        }
    }

    /// The key that makes names unique regardless of case: `Aria` and `aria` are one name.
    pub fn name_key(&self) -> String {
        self.name.to_lowercase()
    }
}

/// The numbers service's step: eight integers in [1, 20].
pub fn rolls(_imp: Impl, stream: &mut Stream) -> Vec<u32> {
    (0..ROLLS).map(|_| stream.int_in(1, 20)).collect()
}

/// The letters service's step: a background.
pub fn background(_imp: Impl, stream: &mut Stream) -> &'static str {
    stream.pick::<&str>(&BACKGROUNDS)
}

/// The rules' result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    /// The six kept rolls, high to low.
    pub rolls: Vec<u32>,
    /// The background.
    pub background: &'static str,
    /// Each ability's score, in [`ABILITIES`] order.
    pub abilities: [(&'static str, u32); 6],
}

/// The rules' step: keep the six highest rolls and hand them out by rank.
pub fn sheet(_imp: Impl, rolls: &[u32], background: &str, ranks: [u8; 6]) -> Result<Sheet, PartsError> {
    if rolls.len() != ROLLS || rolls.iter().any(|r| !(1..=20).contains(r)) {
        return Err(PartsError::new("rolls must be 8 integers in [1, 20]"));
    }
    let background = BACKGROUNDS
        .into_iter()
        .find(|b| *b == background)
        .ok_or_else(|| PartsError::new("unknown background"))?;
    let mut sorted = ranks;
    sorted.sort_unstable();
    if sorted != [1, 2, 3, 4, 5, 6] {
        return Err(PartsError::new("ranks must be 1 to 6, all different"));
    }
    let mut kept = rolls.to_vec();
    kept.sort_unstable_by(|a, b| b.cmp(a));
    kept.truncate(6);
    let abilities = std::array::from_fn(|i| (ABILITIES[i], kept[usize::from(ranks[i]) - 1]));
    Ok(Sheet { rolls: kept, background, abilities })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranks(values: [i64; 6]) -> BTreeMap<String, i64> {
        ABILITIES.iter().map(|a| a.to_string()).zip(values).collect()
    }

    #[test]
    fn a_valid_character() {
        let input = CharacterInput::parse("Aria", "Elf", "Wizard", &ranks([6, 2, 3, 1, 4, 5])).unwrap();
        assert_eq!(input.name, "Aria");
        // The API takes names as they are (pages trim what a person typed): a space at either
        // end is refused, not silently dropped, as the documented pattern says.
        for padded in ["  Aria  ", "Aria ", "\u{a0}Aria"] {
            let refused = CharacterInput::parse(padded, "Elf", "Wizard", &ranks([6, 2, 3, 1, 4, 5]));
            assert_eq!(refused.unwrap_err()[0].field, "name", "{padded:?}");
        }
        assert_eq!(input.name_key(), "aria");
        assert_eq!(input.ranks, [6, 2, 3, 1, 4, 5]);
    }

    #[test]
    fn every_invalid_field_is_named() {
        let fields = |r: Result<CharacterInput, Vec<FieldError>>| -> Vec<String> {
            r.unwrap_err().into_iter().map(|e| e.field).collect()
        };
        assert_eq!(fields(CharacterInput::parse("A", "Elf", "Wizard", &ranks([1, 2, 3, 4, 5, 6]))), ["name"]);
        assert_eq!(
            fields(CharacterInput::parse(&"x".repeat(31), "Elf", "Wizard", &ranks([1, 2, 3, 4, 5, 6]))),
            ["name"]
        );
        assert_eq!(
            fields(CharacterInput::parse("Ann", "Orc", "Bard", &ranks([1, 2, 3, 4, 5, 6]))),
            ["race", "class"]
        );
        assert_eq!(
            fields(CharacterInput::parse("Ann", "Elf", "Rogue", &ranks([1, 1, 3, 4, 5, 6]))),
            ["ranks"]
        );
        assert_eq!(
            fields(CharacterInput::parse("Ann", "Elf", "Rogue", &ranks([0, 2, 3, 4, 5, 7]))),
            ["ranks.strength", "ranks.charisma"]
        );
        let mut missing = ranks([1, 2, 3, 4, 5, 6]);
        missing.remove("wisdom");
        missing.insert("luck".into(), 5);
        assert_eq!(fields(CharacterInput::parse("Ann", "Elf", "Rogue", &missing)), ["ranks.wisdom", "ranks"]);
    }

    #[test]
    fn the_two_lowest_rolls_are_dropped_and_ranks_pick_from_the_top() {
        let sheet = sheet(Impl::V1, &[3, 17, 9, 1, 12, 20, 5, 14], "Sage", [2, 1, 6, 5, 4, 3]).unwrap();
        assert_eq!(sheet.rolls, [20, 17, 14, 12, 9, 5]);
        assert_eq!(
            sheet.abilities,
            [
                ("strength", 17),
                ("dexterity", 20),
                ("constitution", 5),
                ("intelligence", 9),
                ("wisdom", 12),
                ("charisma", 14)
            ]
        );
        assert!(super::sheet(Impl::V1, &[1; 7], "Sage", [1, 2, 3, 4, 5, 6]).is_err());
        assert!(super::sheet(Impl::V1, &[21; 8], "Sage", [1, 2, 3, 4, 5, 6]).is_err());
        assert!(super::sheet(Impl::V1, &[2; 8], "Bard", [1, 2, 3, 4, 5, 6]).is_err());
        assert!(super::sheet(Impl::V1, &[2; 8], "Sage", [1, 1, 3, 4, 5, 6]).is_err());
    }
}
