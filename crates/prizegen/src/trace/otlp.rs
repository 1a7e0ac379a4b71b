//! Spans as an OTLP `ExportTraceServiceRequest` (opentelemetry-proto's
//! `collector/trace/v1/trace_service.proto`), in protobuf or in OTLP/JSON: one resource per
//! service, one scope (`prizegen`), the spans of that service.

use super::{Kind, SpanData, Value};
use serde_json::{Value as Json, json};

/// The resource of each service's spans: its `service.name` and the rest.
pub struct Resources<'a> {
    /// `OTEL_SERVICE_NAME`, for every service.
    pub service_name: Option<&'a str>,
    /// `OTEL_RESOURCE_ATTRIBUTES`.
    pub attributes: &'a [(String, String)],
}

impl Resources<'_> {
    fn of(&self, service: &str) -> Vec<(String, Value)> {
        let given = |key: &str| self.attributes.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let name = self
            .service_name
            .map(str::to_owned)
            .or_else(|| given("service.name"))
            .unwrap_or_else(|| format!("prizegen-{service}"));
        let mut attributes = vec![
            ("service.name".to_owned(), Value::Str(name)),
            ("service.namespace".to_owned(), Value::Str("prizegen".into())),
            ("service.version".to_owned(), Value::Str(crate::app::VERSION.into())),
            ("prizegen.service".to_owned(), Value::Str(service.into())),
        ];
        for (key, value) in self.attributes {
            if !attributes.iter().any(|(k, _)| k == key) {
                attributes.push((key.clone(), Value::Str(value.clone())));
            }
        }
        attributes
    }
}

/// The spans grouped by service, in the order each service first appears.
fn by_service(spans: &[SpanData]) -> Vec<(&'static str, Vec<&SpanData>)> {
    let mut groups: Vec<(&'static str, Vec<&SpanData>)> = Vec::new();
    for span in spans {
        match groups.iter_mut().find(|(service, _)| *service == span.service) {
            Some((_, group)) => group.push(span),
            None => groups.push((span.service, vec![span])),
        }
    }
    groups
}

const SCOPE: &str = "prizegen";

// --- protobuf -------------------------------------------------------------------------------

fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn tag(out: &mut Vec<u8>, field: u32, wire: u8) {
    varint(out, (u64::from(field) << 3) | u64::from(wire));
}

fn bytes(out: &mut Vec<u8>, field: u32, value: &[u8]) {
    tag(out, field, 2);
    varint(out, value.len() as u64);
    out.extend_from_slice(value);
}

fn message(out: &mut Vec<u8>, field: u32, write: impl FnOnce(&mut Vec<u8>)) {
    let mut inner = Vec::new();
    write(&mut inner);
    bytes(out, field, &inner);
}

fn uint(out: &mut Vec<u8>, field: u32, value: u64) {
    tag(out, field, 0);
    varint(out, value);
}

fn fixed64(out: &mut Vec<u8>, field: u32, value: u64) {
    tag(out, field, 1);
    out.extend_from_slice(&value.to_le_bytes());
}

fn key_value(out: &mut Vec<u8>, field: u32, key: &str, value: &Value) {
    message(out, field, |kv| {
        bytes(kv, 1, key.as_bytes());
        message(kv, 2, |any| match value {
            Value::Str(s) => bytes(any, 1, s.as_bytes()),
            Value::Bool(b) => uint(any, 2, u64::from(*b)),
            // int64 is a varint of its two's complement.
            Value::Int(n) => uint(any, 3, *n as u64),
        });
    });
}

/// The request in protobuf (`application/x-protobuf`).
pub fn protobuf(spans: &[SpanData], resources: &Resources<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    for (service, spans) in by_service(spans) {
        message(&mut out, 1, |resource_spans| {
            message(resource_spans, 1, |resource| {
                for (key, value) in resources.of(service) {
                    key_value(resource, 1, &key, &value);
                }
            });
            message(resource_spans, 2, |scope_spans| {
                message(scope_spans, 1, |scope| {
                    bytes(scope, 1, SCOPE.as_bytes());
                    bytes(scope, 2, crate::app::VERSION.as_bytes());
                });
                for span in spans {
                    message(scope_spans, 2, |out| span_protobuf(out, span));
                }
            });
        });
    }
    out
}

fn span_protobuf(out: &mut Vec<u8>, span: &SpanData) {
    bytes(out, 1, &span.context.trace_id);
    bytes(out, 2, &span.context.span_id);
    if let Some(parent) = &span.parent {
        bytes(out, 4, parent);
    }
    bytes(out, 5, span.name.as_bytes());
    uint(out, 6, kind(span.kind));
    fixed64(out, 7, span.start_ns);
    fixed64(out, 8, span.end_ns);
    for (key, value) in &span.attributes {
        key_value(out, 9, key, value);
    }
    for link in &span.links {
        message(out, 13, |out| {
            bytes(out, 1, &link.trace_id);
            bytes(out, 2, &link.span_id);
        });
    }
    if let Some(why) = &span.error {
        message(out, 15, |status| {
            bytes(status, 2, why.as_bytes());
            uint(status, 3, 2);
        });
    }
}

fn kind(kind: Kind) -> u64 {
    kind as u64
}

// --- JSON -----------------------------------------------------------------------------------

fn any_json(value: &Value) -> Json {
    match value {
        Value::Str(s) => json!({"stringValue": s}),
        Value::Bool(b) => json!({"boolValue": b}),
        // OTLP/JSON writes 64-bit integers as strings.
        Value::Int(n) => json!({"intValue": n.to_string()}),
    }
}

fn attributes_json<'a>(attributes: impl IntoIterator<Item = (&'a str, &'a Value)>) -> Json {
    attributes.into_iter().map(|(key, value)| json!({"key": key, "value": any_json(value)})).collect()
}

/// The request in OTLP/JSON (`application/json`): ids in hex, enums as numbers, 64-bit
/// integers as strings, lowerCamelCase names.
pub fn json(spans: &[SpanData], resources: &Resources<'_>) -> Vec<u8> {
    let resource_spans: Vec<Json> = by_service(spans)
        .into_iter()
        .map(|(service, spans)| {
            let resource = resources.of(service);
            json!({
                "resource": {"attributes": attributes_json(resource.iter().map(|(k, v)| (k.as_str(), v)))},
                "scopeSpans": [{
                    "scope": {"name": SCOPE, "version": crate::app::VERSION},
                    "spans": spans.into_iter().map(span_json).collect::<Vec<_>>(),
                }],
            })
        })
        .collect();
    serde_json::to_vec(&json!({"resourceSpans": resource_spans})).unwrap_or_default()
}

fn span_json(span: &SpanData) -> Json {
    let mut out = json!({
        "traceId": hex::encode(span.context.trace_id),
        "spanId": hex::encode(span.context.span_id),
        "name": span.name,
        "kind": kind(span.kind),
        "startTimeUnixNano": span.start_ns.to_string(),
        "endTimeUnixNano": span.end_ns.to_string(),
        "attributes": attributes_json(span.attributes.iter().map(|(k, v)| (*k, v))),
    });
    if let Some(parent) = &span.parent {
        out["parentSpanId"] = Json::String(hex::encode(parent));
    }
    if !span.links.is_empty() {
        out["links"] = span
            .links
            .iter()
            .map(|l| json!({"traceId": hex::encode(l.trace_id), "spanId": hex::encode(l.span_id)}))
            .collect();
    }
    if let Some(why) = &span.error {
        out["status"] = json!({"code": 2, "message": why});
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::TraceContext;

    fn span(service: &'static str, parent: Option<[u8; 8]>) -> SpanData {
        SpanData {
            service,
            context: TraceContext { trace_id: [0xab; 16], span_id: [0x01; 8], sampled: true },
            parent,
            name: "POST /v1/letters/account-prize".into(),
            kind: Kind::Server,
            start_ns: 1_700_000_000_000_000_000,
            end_ns: 1_700_000_000_001_000_000,
            attributes: vec![("http.response.status_code", Value::Int(200)), ("ok", Value::Bool(true))],
            links: vec![TraceContext { trace_id: [0xcd; 16], span_id: [0x02; 8], sampled: true }],
            error: Some("boom".into()),
        }
    }

    #[test]
    fn json_follows_the_otlp_json_mapping() {
        let resources =
            Resources { service_name: None, attributes: &[("deployment.environment".into(), "t".into())] };
        let body: Json =
            serde_json::from_slice(&json(&[span("letters", Some([9; 8])), span("rules", None)], &resources))
                .unwrap_or_default();
        let letters = &body["resourceSpans"][0];
        let attributes = &letters["resource"]["attributes"];
        assert_eq!(
            attributes[0],
            json!({"key": "service.name", "value": {"stringValue": "prizegen-letters"}})
        );
        assert!(
            attributes.as_array().is_some_and(|a| a.iter().any(|kv| kv["key"] == "deployment.environment"))
        );
        let span = &letters["scopeSpans"][0]["spans"][0];
        assert_eq!(span["traceId"], "abababababababababababababababab");
        assert_eq!(span["spanId"], "0101010101010101");
        assert_eq!(span["parentSpanId"], "0909090909090909");
        assert_eq!(span["kind"], 2);
        assert_eq!(span["startTimeUnixNano"], "1700000000000000000");
        assert_eq!(
            span["attributes"][0],
            json!({"key": "http.response.status_code", "value": {"intValue": "200"}})
        );
        assert_eq!(span["links"][0]["spanId"], "0202020202020202");
        assert_eq!(span["status"], json!({"code": 2, "message": "boom"}));
        assert_eq!(body["resourceSpans"][1]["scopeSpans"][0]["spans"][0].get("parentSpanId"), None);
    }

    #[test]
    fn protobuf_varints_and_fields_are_encoded_as_the_wire_format_says() {
        let mut out = Vec::new();
        varint(&mut out, 300);
        assert_eq!(out, [0xac, 0x02]);
        let mut out = Vec::new();
        uint(&mut out, 6, 2);
        fixed64(&mut out, 7, 1);
        assert_eq!(out, [0x30, 0x02, 0x39, 1, 0, 0, 0, 0, 0, 0, 0]);
        let mut negative = Vec::new();
        key_value(&mut negative, 1, "n", &Value::Int(-1));
        assert_eq!(negative.len(), 2 + 3 + 2 + 1 + 10, "a negative int64 takes ten bytes");
        let body =
            protobuf(&[span("letters", None)], &Resources { service_name: Some("x"), attributes: &[] });
        assert_eq!(body[0], 0x0a, "field 1, resource_spans, length-delimited");
        let trace_id = [0xab; 16];
        assert!(
            body.windows(18).any(|w| w[0] == 0x0a && w[1] == 16 && w[2..] == trace_id),
            "trace_id, field 1 of Span"
        );
    }
}
