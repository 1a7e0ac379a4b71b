//! The character form: its typed fields, and the form as the page shows it again after an
//! error (what the player chose, and each field's error beside it).

use prizegen_domain::games::FieldError;
use prizegen_domain::games::character::{ABILITIES, CLASSES, CharacterInput, RACES};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The character form's own fields (the ranks are `rank_<ability>` selects).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CharacterFields {
    name: String,
    race: String,
    class: String,
    rank_strength: String,
    rank_dexterity: String,
    rank_constitution: String,
    rank_intelligence: String,
    rank_wisdom: String,
    rank_charisma: String,
}

impl CharacterFields {
    /// Each ability with the rank chosen for it, in [`ABILITIES`] order.
    fn ranks(&self) -> [(&'static str, &str); 6] {
        let chosen = [
            &self.rank_strength,
            &self.rank_dexterity,
            &self.rank_constitution,
            &self.rank_intelligence,
            &self.rank_wisdom,
            &self.rank_charisma,
        ];
        std::array::from_fn(|i| (ABILITIES[i], chosen[i].as_str()))
    }

    /// Checked like the API's `input`; every invalid field is named.
    pub fn parse(&self) -> Result<CharacterInput, Vec<FieldError>> {
        // A missing or non-numeric rank is reported as out of range by the domain check.
        let ranks: BTreeMap<String, i64> =
            self.ranks().iter().map(|(a, r)| ((*a).to_owned(), r.parse().unwrap_or(0))).collect();
        // What a person typed may end in a space; the API takes names as they are.
        CharacterInput::parse(self.name.trim(), &self.race, &self.class, &ranks)
    }
}

/// The character form as the page shows it.
#[derive(Default)]
pub struct CharacterForm {
    pub(super) name: String,
    pub(super) races: Vec<(String, bool)>,
    pub(super) classes: Vec<(String, bool)>,
    pub(super) ranks: Vec<(String, Vec<(u8, bool)>)>,
    pub(super) errors: BTreeMap<String, String>,
}

impl CharacterForm {
    /// A blank form: the first race and class, ranks 1 to 6 in order.
    pub fn blank() -> Self {
        Self::refill(&CharacterFields::default(), BTreeMap::new())
    }

    /// The form as the player filled it, with `errors` by field name.
    pub fn refill(fields: &CharacterFields, errors: BTreeMap<String, String>) -> Self {
        let options =
            |list: &[&str], picked: &str| list.iter().map(|o| ((*o).to_owned(), *o == picked)).collect();
        let ranks = fields
            .ranks()
            .iter()
            .enumerate()
            .map(|(i, (ability, chosen))| {
                let picked = chosen.parse().unwrap_or(i as u8 + 1);
                ((*ability).to_owned(), (1..=6).map(|n| (n, n == picked)).collect())
            })
            .collect();
        Self {
            name: fields.name.clone(),
            races: options(&RACES, &fields.race),
            classes: options(&CLASSES, &fields.class),
            ranks,
            errors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> CharacterFields {
        let form = "name=Aria&race=Elf&class=Rogue&rank_strength=6&rank_dexterity=1&rank_constitution=5\
                    &rank_intelligence=2&rank_wisdom=4&rank_charisma=3&client_seed=x";
        serde_urlencoded::from_str(form).unwrap()
    }

    #[test]
    fn the_form_parses_like_the_api_input() {
        let input = filled().parse().unwrap();
        assert_eq!((input.name.as_str(), input.race, input.class), ("Aria", "Elf", "Rogue"));
        assert_eq!(input.ranks, [6, 1, 5, 2, 4, 3]);
        let twice = CharacterFields { rank_dexterity: "6".into(), ..filled() };
        let fields: Vec<_> = twice.parse().unwrap_err().into_iter().map(|e| e.field).collect();
        assert!(fields.contains(&"ranks".to_owned()), "{fields:?}");
    }

    #[test]
    fn a_refilled_form_keeps_the_choices() {
        let form = CharacterForm::refill(&filled(), BTreeMap::new());
        assert_eq!(form.name, "Aria");
        assert!(form.races.iter().any(|(r, picked)| r == "Elf" && *picked));
        let strength = &form.ranks[0];
        assert_eq!(strength.0, "strength");
        assert!(strength.1.iter().any(|(n, picked)| *n == 6 && *picked));
        let blank = CharacterForm::blank();
        assert!(
            blank.ranks.iter().enumerate().all(|(i, (_, o))| o.iter().any(|(n, p)| *n == i as u8 + 1 && *p))
        );
    }
}
