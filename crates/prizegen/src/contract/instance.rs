//! Who served a call: `<impl>@<instance>`, read from a service's `x-served-by` header
//! (`<service>/<impl>@<instance>`) and recorded with every draw.

use prizegen_domain::games::Impl;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// One service instance and the implementation it runs, e.g. `v2@letters-7f3a`; for the front
/// end the implementation is its release version, e.g. `0.1.0@frontend-1c2d`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Instance {
    /// `v1`/`v2` for services 2–4, the release version for the front end.
    implementation: String,
    /// The process's name: a host, pod or container name.
    name: String,
}

impl Instance {
    /// An instance from its two parts.
    pub fn new(implementation: impl Into<String>, name: impl Into<String>) -> Self {
        Self { implementation: implementation.into(), name: name.into() }
    }

    /// `<impl>@<instance>`; `None` without an `@` or with an empty part.
    pub fn parse(text: &str) -> Option<Self> {
        let (implementation, name) = text.split_once('@')?;
        (!implementation.is_empty() && !name.is_empty()).then(|| Self::new(implementation, name))
    }

    /// Reads `<service>/<impl>@<instance>`, checking it is the service that was meant (a
    /// misconfigured URL pointing at another service is caught here).
    pub fn from_header(value: &str, service: &str) -> Option<Self> {
        Self::parse(value.strip_prefix(service)?.strip_prefix('/')?)
    }

    /// The implementation as the process reported it (`v2`, `0.1.0`).
    pub fn implementation(&self) -> &str {
        &self.implementation
    }

    /// The generator implementation, for services 2–4 (`None` for a front end's version).
    pub fn generator_impl(&self) -> Option<Impl> {
        self.implementation.parse().ok()
    }

    /// The process's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for Instance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.implementation, self.name)
    }
}

impl Serialize for Instance {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
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
