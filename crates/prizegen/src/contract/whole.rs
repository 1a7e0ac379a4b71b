//! Whole numbers as JSON Schema counts them: `2.0` is the integer 2 (JSON has one number type;
//! `"type": "integer"` means "a number with no fraction"). serde reads `2.0` into an integer
//! field as an error, so fields the documents call integers are read with these instead, and
//! what the documents allow is what the services take.

use serde::de::{self, Deserializer, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// An integer type a whole JSON number may be read into.
pub trait Whole: Sized + TryFrom<u64> + TryFrom<i64> {
    /// What the type holds, for messages.
    const WHAT: &'static str;
}

impl Whole for u8 {
    const WHAT: &'static str = "an integer from 0 to 255";
}

impl Whole for u32 {
    const WHAT: &'static str = "an integer from 0 to 4294967295";
}

impl Whole for i64 {
    const WHAT: &'static str = "a 64-bit integer";
}

/// A whole number that fits `T`.
struct WholeNumber<T>(T);

impl<'de, T: Whole> de::Deserialize<'de> for WholeNumber<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Expect<T>(PhantomData<T>);

        impl<T: Whole> Visitor<'_> for Expect<T> {
            type Value = T;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(T::WHAT)
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
                T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
                T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
                // Whole, and exactly representable: beyond 2^53 a float is not the number written.
                let exact = v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_992.0;
                let whole = if !exact {
                    None
                } else if v < 0.0 {
                    T::try_from(v as i64).ok()
                } else {
                    T::try_from(v as u64).ok()
                };
                whole.ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
            }
        }

        deserializer.deserialize_any(Expect(PhantomData)).map(WholeNumber)
    }
}

/// One whole number.
pub fn one<'de, D: Deserializer<'de>, T: Whole>(deserializer: D) -> Result<T, D::Error> {
    de::Deserialize::deserialize(deserializer).map(|WholeNumber(n)| n)
}

/// A whole number or null.
pub fn optional<'de, D: Deserializer<'de>, T: Whole>(deserializer: D) -> Result<Option<T>, D::Error> {
    let n: Option<WholeNumber<T>> = de::Deserialize::deserialize(deserializer)?;
    Ok(n.map(|WholeNumber(n)| n))
}

/// A list of whole numbers.
pub fn list<'de, D: Deserializer<'de>, T: Whole>(deserializer: D) -> Result<Vec<T>, D::Error> {
    let list: Vec<WholeNumber<T>> = de::Deserialize::deserialize(deserializer)?;
    Ok(list.into_iter().map(|WholeNumber(n)| n).collect())
}

/// A map of whole numbers.
pub fn map<'de, D: Deserializer<'de>, T: Whole>(deserializer: D) -> Result<BTreeMap<String, T>, D::Error> {
    let map: BTreeMap<String, WholeNumber<T>> = de::Deserialize::deserialize(deserializer)?;
    Ok(map.into_iter().map(|(k, WholeNumber(n))| (k, n)).collect())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Sample {
        #[serde(deserialize_with = "super::one")]
        roll: u32,
        #[serde(deserialize_with = "super::list")]
        rolls: Vec<u32>,
        #[serde(default, deserialize_with = "super::optional")]
        budget: Option<i64>,
    }

    #[test]
    fn whole_floats_are_integers_and_fractions_are_not() {
        let read = |text: &str| serde_json::from_str::<Sample>(text);
        let sample = read(r#"{"roll": 2.0, "rolls": [1, 20.0], "budget": 5e3}"#).unwrap();
        assert_eq!(sample, Sample { roll: 2, rolls: vec![1, 20], budget: Some(5000) });
        assert_eq!(read(r#"{"roll": 2, "rolls": [], "budget": null}"#).unwrap().budget, None);
        for bad in [
            r#"{"roll": 2.5, "rolls": []}"#,
            r#"{"roll": -1, "rolls": []}"#,
            r#"{"roll": 4294967296, "rolls": []}"#,
            r#"{"roll": "2", "rolls": []}"#,
            r#"{"roll": 1, "rolls": [1e300]}"#,
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }
}
