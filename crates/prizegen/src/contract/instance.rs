//! Who served a call: `<impl>@<instance>`, read from a service's `x-served-by` header
//! (`<service>/<impl>@<instance>`) and recorded with every draw.

use prizegen_domain::games::Impl;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// One service instance and the implementation it runs, e.g. `v2@letters-7f3a`; for the front
/// end the implementation is its release version, e.g. `0.1.0@frontend-1c2d`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Instance {
    /// `<impl>@<instance>`, kept whole: it is written into every draw and every answer, so
    /// showing and serializing it is a copy, not a format.
    text: String,
    /// Where the `@` is.
    at: usize,
}

impl Instance {
    /// An instance from its two parts.
    pub fn new(implementation: &str, name: &str) -> Self {
        Self { text: format!("{implementation}@{name}"), at: implementation.len() }
    }

    /// `<impl>@<instance>`; `None` without an `@` or with an empty part.
    pub fn parse(text: &str) -> Option<Self> {
        let at = text.find('@')?;
        (at > 0 && at + 1 < text.len()).then(|| Self { text: text.to_owned(), at })
    }

    /// Reads `<service>/<impl>@<instance>`, checking it is the service that was meant (a
    /// misconfigured URL pointing at another service is caught here).
    pub fn from_header(value: &str, service: &str) -> Option<Self> {
        Self::parse(value.strip_prefix(service)?.strip_prefix('/')?)
    }

    /// The implementation as the process reported it (`v2`, `0.1.0`).
    pub fn implementation(&self) -> &str {
        &self.text[..self.at]
    }

    /// The generator implementation, for services 2–4 (`None` for a front end's version).
    pub fn generator_impl(&self) -> Option<Impl> {
        self.implementation().parse().ok()
    }

    /// The process's name.
    pub fn name(&self) -> &str {
        &self.text[self.at + 1..]
    }

    /// `<impl>@<instance>`.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Instance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Instance {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Instance {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not <impl>@<instance>: {text:?}")))
    }
}

impl utoipa::PartialSchema for Instance {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("`<impl>@<instance>`, e.g. `v2@letters-7f3a`"))
            .examples([serde_json::json!("v2@letters-7f3a")])
            .into()
    }
}

impl utoipa::ToSchema for Instance {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_impl_at_instance() {
        let instance = Instance::parse("v2@letters-7f3a").unwrap();
        assert_eq!(instance.implementation(), "v2");
        assert_eq!(instance.name(), "letters-7f3a");
        assert_eq!(instance.generator_impl(), Some(Impl::V2));
        assert_eq!(instance.to_string(), "v2@letters-7f3a");
        assert_eq!(Instance::parse("0.1.0@frontend-1").unwrap().generator_impl(), None);
        for bad in ["v2", "@x", "v2@", ""] {
            assert_eq!(Instance::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn header_names_the_service() {
        let instance = Instance::from_header("letters/v1@host-a", "letters").unwrap();
        assert_eq!(instance, Instance::new("v1", "host-a"));
        assert_eq!(Instance::from_header("letters/v1@host-a", "numbers"), None);
        assert_eq!(Instance::from_header("letters/v1", "letters"), None);
    }

    #[test]
    fn json_is_the_plain_string() {
        let json = serde_json::to_string(&Instance::new("v1", "n")).unwrap();
        assert_eq!(json, r#""v1@n""#);
        assert_eq!(serde_json::from_str::<Instance>(&json).unwrap(), Instance::new("v1", "n"));
        assert!(serde_json::from_str::<Instance>(r#""v1""#).is_err());
    }
}
