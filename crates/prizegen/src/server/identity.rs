//! Which instance and implementation served a response (`x-served-by`), and request ids.

use crate::contract::Instance;
use http::{HeaderName, HeaderValue};
use std::fmt;

/// `x-served-by: <service>/<impl>@<instance>` on every response.
pub static SERVED_BY: HeaderName = HeaderName::from_static("x-served-by");
/// `x-request-id`: made by the front end (or taken from a trusted proxy) and passed on.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A running service's identity, fixed at start.
#[derive(Debug)]
pub struct Identity {
    /// `frontend`, `letters`, `numbers` or `rules`.
    pub service: &'static str,
    /// `v1`/`v2` for services 2–4; the release version for the front end.
    pub impl_label: String,
    /// This process's name, e.g. `letters-7f3a`, a pod name, or a container id.
    pub instance: String,
    /// The header value, built once instead of per response.
    header: HeaderValue,
    /// `<impl>@<instance>`, built once instead of per draw.
    served_by: Instance,
}

/// An instance name that would not fit in a header or a log line.
#[derive(Debug, thiserror::Error)]
#[error("an instance name is 1–64 characters of letters, digits, '.', '_' and '-': {0:?}")]
pub struct BadInstance(String);

impl Identity {
    /// `instance` defaults to `<service>-<4 random hex digits>`.
    pub fn new(
        service: &'static str,
        impl_label: &str,
        instance: Option<String>,
    ) -> Result<Self, BadInstance> {
        let instance = match instance {
            Some(name) => name,
            None => format!("{service}-{:04x}", uuid::Uuid::new_v4().as_u128() as u16),
        };
        let ok = (1..=64).contains(&instance.len())
            && instance.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if !ok {
            return Err(BadInstance(instance));
        }
        let header = HeaderValue::try_from(format!("{service}/{impl_label}@{instance}"))
            .map_err(|_| BadInstance(instance.clone()))?;
        let served_by = Instance::new(impl_label, &instance);
        Ok(Self { service, impl_label: impl_label.to_owned(), instance, header, served_by })
    }

    /// `<impl>@<instance>`, the form a draw's `served_by` records.
    pub fn served_by(&self) -> Instance {
        self.served_by.clone()
    }

    /// The `x-served-by` value.
    pub fn header_value(&self) -> &HeaderValue {
        &self.header
    }
}

/// The id of one request through all four services, for logs and support, and the trace
/// span serving it (when traces are on or a `traceparent` came with it): what the calls it
/// makes pass on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(String, Option<crate::trace::TraceContext>);

impl RequestId {
    /// A fresh id.
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string(), None)
    }

    /// The same id, within the span `trace`.
    pub fn in_trace(self, trace: Option<crate::trace::TraceContext>) -> Self {
        Self(self.0, trace)
    }

    /// The span serving this request, the parent of what it does.
    pub fn trace(&self) -> Option<crate::trace::TraceContext> {
        self.1
    }

    /// Accepts an incoming id if it is short and plain; anything else is replaced, so a
    /// client cannot inject text into logs.
    pub fn from_header(value: Option<&HeaderValue>) -> Self {
        value
            .and_then(|v| v.to_str().ok())
            .filter(|s| {
                (1..=64).contains(&s.len())
                    && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            })
            .map(|s| Self(s.to_owned(), None))
            .unwrap_or_else(Self::generate)
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_served_by_forms() {
        let id = Identity::new("letters", "v2", Some("host-abc".into())).unwrap();
        assert_eq!(id.header_value(), "letters/v2@host-abc");
        assert_eq!(id.served_by().to_string(), "v2@host-abc");
        let header = id.header_value().to_str().unwrap();
        assert_eq!(Instance::from_header(header, "letters"), Some(id.served_by()));
    }

    #[test]
    fn default_instance_is_service_and_hex() {
        let id = Identity::new("rules", "v1", None).unwrap();
        let (service, hex) = id.instance.split_once('-').unwrap();
        assert_eq!(service, "rules");
        assert!(hex.len() == 4 && hex.bytes().all(|b| b.is_ascii_hexdigit()), "{}", id.instance);
    }

    #[test]
    fn bad_instance_names_are_refused() {
        assert!(Identity::new("rules", "v1", Some("a b".into())).is_err());
        assert!(Identity::new("rules", "v1", Some(String::new())).is_err());
    }

    #[test]
    fn request_ids_from_headers_are_sanitised() {
        let good = HeaderValue::from_static("abc-123");
        assert_eq!(RequestId::from_header(Some(&good)).as_str(), "abc-123");
        let bad = HeaderValue::from_static("evil\"id with spaces");
        assert_ne!(RequestId::from_header(Some(&bad)).as_str(), "evil\"id with spaces");
        assert_eq!(RequestId::from_header(None).as_str().len(), 32);
    }
}
