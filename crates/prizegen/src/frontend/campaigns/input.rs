//! A campaign as the operator sends it, checked ("parse, don't validate"): every invalid field
//! is named, for the API's 422 and the admin form alike. The checks are exactly what the API's
//! OpenAPI document says of the fields (`NewCampaign`, `CampaignChanges`), so what the document
//! allows is taken and what it forbids is refused; the admin form trims what a person typed
//! before it gets here.

use crate::store::CampaignFields;
use prizegen_domain::games::{FieldError, Game};
use serde::Deserialize;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType};
use utoipa::openapi::{RefOr, Type};
use utoipa::{PartialSchema, ToSchema};

/// A slug: 2–40 lowercase letters, digits and dashes, not first or last.
pub const SLUG_PATTERN: &str = r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$";
/// Text a person reads (a name, a venue): no control characters, no white space at either end.
pub const TEXT_PATTERN: &str = r"^[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$";

/// A campaign's fields as the operator sends them (JSON or the admin form). Its OpenAPI schema
/// is [`NewCampaign`] (creating) or [`CampaignChanges`] (replacing).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    /// The slug; fixed once created.
    #[serde(default)]
    pub slug: Option<String>,
    /// The act.
    #[serde(default)]
    pub name: String,
    /// The venue.
    #[serde(default)]
    pub venue: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub date: String,
    /// The game's name.
    #[serde(default)]
    pub game: String,
    /// The most the campaign may award, in pence; absent or null for no limit.
    #[serde(default, deserialize_with = "crate::contract::whole::optional")]
    pub budget_pence: Option<i64>,
    /// Whether it takes draws (default true).
    #[serde(default)]
    pub active: Option<bool>,
}

fn error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(field, message)
}

/// A name or venue of `min`–`max` characters, as [`TEXT_PATTERN`] says.
fn text_error(field: &str, value: &str, min: usize, max: usize) -> Option<FieldError> {
    let n = value.chars().count();
    if !(min..=max).contains(&n) {
        return Some(error(field, format!("{min} to {max} characters, not {n}")));
    }
    if value.chars().any(char::is_control) {
        return Some(error(field, "no control characters"));
    }
    (value.starts_with(char::is_whitespace) || value.ends_with(char::is_whitespace))
        .then(|| error(field, "no white space at the start or the end"))
}

/// Whether `slug` is 2–40 lowercase letters, digits and dashes, not starting or ending with one.
pub fn valid_slug(slug: &str) -> bool {
    (2..=40).contains(&slug.len())
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

/// Whether `date` is a real date written `YYYY-MM-DD`.
fn valid_date(date: &str) -> bool {
    let shape = date.len() == 10
        && date
            .bytes()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    let format = time::macros::format_description!("[year]-[month]-[day]");
    shape && time::Date::parse(date, &format).is_ok()
}

impl CampaignInput {
    /// Checks every field; `fixed_slug` is the one in the URL for an update, else the input's.
    pub fn parse(self, fixed_slug: Option<&str>) -> Result<CampaignFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let slug = match (fixed_slug, self.slug) {
            (Some(fixed), _) => fixed.to_owned(),
            (None, given) => given.unwrap_or_default(),
        };
        if !valid_slug(&slug) {
            errors.push(error("slug", "2 to 40 lowercase letters, digits and dashes (not first or last)"));
        }
        errors.extend(text_error("name", &self.name, 2, 60));
        errors.extend(text_error("venue", &self.venue, 2, 100));
        if !valid_date(&self.date) {
            errors.push(error("date", "a date is YYYY-MM-DD, e.g. 2026-12-31"));
        }
        if self.game.parse::<Game>().is_err() {
            let games = Game::ALL.map(Game::slug).join(", ");
            errors.push(error("game", format!("unknown game; the games are: {games}")));
        }
        let budget_pence = match self.budget_pence {
            Some(budget) if budget < 0 => {
                errors.push(error("budget_pence", "a budget is 0 or more pence"));
                None
            }
            budget => budget.map(|b| b as u64),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CampaignFields {
            slug,
            name: self.name,
            venue: self.venue,
            date: self.date,
            game: self.game,
            budget_pence,
            active: self.active.unwrap_or(true),
        })
    }
}

/// The fields both schemas share; `slug` as creating needs it.
fn schema(slug_required: bool, slug_description: &str) -> Schema {
    let text = |min: usize, max: usize, description: &str| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(min))
            .max_length(Some(max))
            .pattern(Some(TEXT_PATTERN))
            .description(Some(description))
    };
    let games = Game::ALL.map(Game::slug);
    let mut object = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(
            "slug",
            ObjectBuilder::new()
                .schema_type(if slug_required {
                    SchemaType::from_iter([Type::String])
                } else {
                    SchemaType::from_iter([Type::String, Type::Null])
                })
                .min_length(Some(2))
                .max_length(Some(40))
                .pattern(Some(SLUG_PATTERN))
                .description(Some(slug_description)),
        )
        .property(
            "name",
            text(2, 60, "The act: 2–60 characters, no control characters, no white space at either end."),
        )
        .property(
            "venue",
            text(2, 100, "Where: 2–100 characters, no control characters, no white space at either end."),
        )
        .property(
            "date",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Date)))
                .pattern(Some(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))
                .description(Some("The day, `YYYY-MM-DD`, a real date.")),
        )
        .property(
            "game",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(games))
                .description(Some("The game its draws are of.")),
        )
        .property(
            "budget_pence",
            ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::SchemaType::from_iter([Type::Integer, Type::Null]))
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Int64)))
                .minimum(Some(0.0))
                .maximum(Some(i64::MAX as f64))
                .description(Some(
                    "The most the campaign may award, in pence; absent or null for no limit. When \
                     replacing, it may not be below what the campaign has already awarded (409).",
                )),
        )
        .property(
            "active",
            ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::SchemaType::from_iter([Type::Boolean, Type::Null]))
                .description(Some("Whether it takes draws; absent or null: true.")),
        )
        .required("name")
        .required("venue")
        .required("date")
        .required("game")
        .additional_properties(Some(utoipa::openapi::schema::AdditionalProperties::FreeForm(false)));
    if slug_required {
        object = object.required("slug");
    }
    object.build().into()
}

/// The body of `POST /api/v1/campaigns`.
pub struct NewCampaign;

impl PartialSchema for NewCampaign {
    fn schema() -> RefOr<Schema> {
        let description = "2–40 lowercase letters, digits and dashes, not first or last; fixed once created.";
        schema(true, description).into()
    }
}

impl ToSchema for NewCampaign {}

/// The body of `PUT /api/v1/campaigns/{slug}`: every field but `spent_pence` is replaced.
pub struct CampaignChanges;

impl PartialSchema for CampaignChanges {
    fn schema() -> RefOr<Schema> {
        let description =
            "May be left out (or null); if sent it must be the campaign's own (a slug never changes: 409).";
        schema(false, description).into()
    }
}

impl ToSchema for CampaignChanges {}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CampaignInput {
        CampaignInput {
            slug: Some("summer-gig".into()),
            name: "The Pebbles".into(),
            venue: "Town Hall".into(),
            date: "2026-07-04".into(),
            game: "account-prize".into(),
            budget_pence: Some(10_000),
            active: None,
        }
    }

    #[test]
    fn a_valid_campaign() {
        let fields = input().parse(None).unwrap();
        assert_eq!(fields.slug, "summer-gig");
        assert!(fields.active);
        assert_eq!(fields.budget_pence, Some(10_000));
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = CampaignInput {
            slug: Some("Bad Slug".into()),
            name: "X".into(),
            venue: String::new(),
            date: "2026-02-30".into(),
            game: "poker".into(),
            budget_pence: Some(-1),
            active: None,
        };
        let fields: Vec<String> = bad.parse(None).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["slug", "name", "venue", "date", "game", "budget_pence"]);
    }

    #[test]
    fn text_and_dates_are_taken_as_sent_not_trimmed() {
        for (name, venue, date) in [
            (" The Pebbles", "Town Hall", "2026-07-04"),
            ("The Pebbles", "Town Hall\n", "2026-07-04"),
            ("The\u{7}Pebbles", "Town Hall", "2026-07-04"),
            ("The Pebbles", "Town Hall", " 2026-07-04"),
            ("The Pebbles", "Town Hall", "+2026-07-04"),
            ("The Pebbles", "Town Hall", "2026-7-04"),
        ] {
            let sent = CampaignInput { name: name.into(), venue: venue.into(), date: date.into(), ..input() };
            assert!(sent.parse(None).is_err(), "{name:?} {venue:?} {date:?}");
        }
        let inner_spaces = CampaignInput { name: "The  Pebbles".into(), ..input() };
        assert_eq!(inner_spaces.parse(None).unwrap().name, "The  Pebbles");
    }

    #[test]
    fn a_fixed_slug_wins_over_none() {
        let ok = CampaignInput { slug: None, ..input() }.parse(Some("other")).unwrap();
        assert_eq!(ok.slug, "other");
    }

    #[test]
    fn the_patterns_say_what_the_checks_do() {
        // The document's regular expressions, run here by hand on the checks' edge cases.
        let slug_ok = |s: &str| {
            let b = s.as_bytes();
            (2..=40).contains(&b.len())
                && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
                && b[0] != b'-'
                && b[b.len() - 1] != b'-'
        };
        for slug in ["ab", "a-b", "a--b", "-ab", "ab-", "a", "AB", &"a".repeat(40), &"a".repeat(41)] {
            assert_eq!(valid_slug(slug), slug_ok(slug), "{slug}");
        }
        assert!(SLUG_PATTERN.starts_with('^') && SLUG_PATTERN.ends_with('$'));
    }
}
