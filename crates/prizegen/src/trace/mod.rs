//! OpenTelemetry traces (SPEC §7, issue 16), exported over OTLP/HTTP (protobuf or JSON) when
//! the standard `OTEL_*` variables name an endpoint ([`config`]); off otherwise, and then a span
//! costs a branch.
//!
//! A small tracer of our own rather than the OpenTelemetry SDK: `prizegen up` runs four
//! services in one process, each with its own `service.name` (the SDK's tracer provider has one
//! resource), and the spans here are few and made in known places — one server span per request
//! (`server/middleware.rs`), one client span per call to letters, numbers or rules
//! (`frontend/clients.rs`), the batch a call travelled in with links to its calls
//! (`frontend/batch.rs`), a span per batch item on the service's side (`server/batch.rs`), and
//! the draw's database work (`frontend/draws.rs`). Contexts travel in W3C `traceparent`
//! headers, beside `x-request-id`.
//!
//! Spans are queued when they end and sent in batches by one task ([`export`]); a full queue
//! drops spans (counted in the log when it happens), never blocks a request.

pub mod config;
pub mod export;
pub mod otlp;

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// One span's place in a trace, as `traceparent` carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TraceContext {
    /// The trace's id.
    pub trace_id: [u8; 16],
    /// The span's id.
    pub span_id: [u8; 8],
    /// Whether the trace is recorded (the `sampled` flag).
    pub sampled: bool,
}

/// The `traceparent` header's name.
pub const TRACEPARENT: &str = "traceparent";

impl TraceContext {
    /// Reads a W3C `traceparent` (`00-<32 hex>-<16 hex>-<2 hex>`); `None` when malformed, for a
    /// zero id or version `ff`. A later version is read by its first four fields, as the
    /// recommendation says.
    pub fn parse(header: &str) -> Option<Self> {
        let mut parts = header.trim().split('-');
        let (version, trace, span, flags) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let hex =
            |s: &str, n: usize| s.len() == n && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !hex(version, 2) || version == "ff" || !hex(trace, 32) || !hex(span, 16) || !hex(flags, 2) {
            return None;
        }
        if version == "00" && parts.next().is_some() {
            return None;
        }
        let mut trace_id = [0; 16];
        let mut span_id = [0; 8];
        hex::decode_to_slice(trace, &mut trace_id).ok()?;
        hex::decode_to_slice(span, &mut span_id).ok()?;
        if trace_id == [0; 16] || span_id == [0; 8] {
            return None;
        }
        let flags = u8::from_str_radix(flags, 16).ok()?;
        Some(Self { trace_id, span_id, sampled: flags & 1 == 1 })
    }

    /// The `traceparent` value.
    pub fn header(&self) -> String {
        format!(
            "00-{}-{}-{:02x}",
            hex::encode(self.trace_id),
            hex::encode(self.span_id),
            u8::from(self.sampled)
        )
    }

    /// The trace id in hex, as logs and trace viewers show it.
    pub fn trace_id_hex(&self) -> String {
        hex::encode(self.trace_id)
    }

    /// A child of this span: same trace, a new span id.
    fn child(&self) -> Self {
        Self { span_id: random_span_id(), ..*self }
    }
}

fn random_span_id() -> [u8; 8] {
    loop {
        let id: [u8; 8] = uuid::Uuid::new_v4().as_bytes()[..8].try_into().unwrap_or([1; 8]);
        if id != [0; 8] {
            return id;
        }
    }
}

fn random_trace_id() -> [u8; 16] {
    *uuid::Uuid::new_v4().as_bytes()
}

/// What a span is to its service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Work inside a service (the database).
    Internal = 1,
    /// A request the service serves.
    Server = 2,
    /// A call the service makes.
    Client = 3,
}

/// An attribute's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Text.
    Str(String),
    /// A whole number.
    Int(i64),
    /// Yes or no.
    Bool(bool),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Self::Str(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Self::Str(s)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Self::Int(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

/// A finished span, as it is exported.
#[derive(Clone, Debug, PartialEq)]
pub struct SpanData {
    /// The service that made it (`frontend`, `letters`, …): its resource.
    pub service: &'static str,
    /// Its context.
    pub context: TraceContext,
    /// Its parent's span id, none for a root.
    pub parent: Option<[u8; 8]>,
    /// What it did.
    pub name: String,
    /// Server, client or internal.
    pub kind: Kind,
    /// Nanoseconds since the Unix epoch.
    pub start_ns: u64,
    /// Nanoseconds since the Unix epoch.
    pub end_ns: u64,
    /// Its attributes.
    pub attributes: Vec<(&'static str, Value)>,
    /// Spans it is linked to (a batch's calls).
    pub links: Vec<TraceContext>,
    /// Why it failed, if it did.
    pub error: Option<String>,
}

/// The process's tracer, set once by [`config::init`]; absent: tracing is off.
static TRACER: OnceLock<export::Tracer> = OnceLock::new();

/// Whether spans are recorded and exported.
pub fn enabled() -> bool {
    TRACER.get().is_some()
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// A span being made. With tracing off it records nothing, and its context is its parent's (so
/// an incoming `traceparent` is passed on unchanged).
#[must_use = "a span is exported when it ends"]
pub struct Span {
    data: Option<Box<SpanData>>,
    context: Option<TraceContext>,
}

impl Span {
    /// Starts a span of `service` named by `name` (called only when the span is recorded, so
    /// an untraced request formats nothing), the child of `parent` (a root without one).
    pub fn start(
        service: &'static str,
        name: impl FnOnce() -> String,
        kind: Kind,
        parent: Option<TraceContext>,
    ) -> Self {
        let Some(tracer) = TRACER.get() else { return Self { data: None, context: parent } };
        let context = match parent {
            Some(parent) => TraceContext { sampled: tracer.sampler.child_sampled(parent), ..parent.child() },
            None => {
                let trace_id = random_trace_id();
                TraceContext {
                    trace_id,
                    span_id: random_span_id(),
                    sampled: tracer.sampler.root_sampled(&trace_id),
                }
            }
        };
        let data = context.sampled.then(|| {
            Box::new(SpanData {
                service,
                context,
                parent: parent.map(|p| p.span_id),
                name: name(),
                kind,
                start_ns: now_ns(),
                end_ns: 0,
                attributes: Vec::new(),
                links: Vec::new(),
                error: None,
            })
        });
        Self { data, context: Some(context) }
    }

    /// Its context, for its children and the `traceparent` of a call it makes.
    pub fn context(&self) -> Option<TraceContext> {
        self.context
    }

    /// Whether it is recorded (tracing on, the trace sampled).
    pub fn is_recording(&self) -> bool {
        self.data.is_some()
    }

    /// Sets an attribute.
    pub fn set(&mut self, key: &'static str, value: impl Into<Value>) {
        if let Some(data) = &mut self.data {
            data.attributes.push((key, value.into()));
        }
    }

    /// Links it to another span (a call its batch carried).
    pub fn link(&mut self, to: TraceContext) {
        if let Some(data) = &mut self.data {
            data.links.push(to);
        }
    }

    /// Marks it failed.
    pub fn fail(&mut self, why: impl Into<String>) {
        if let Some(data) = &mut self.data {
            data.error = Some(why.into());
        }
    }

    /// Ends it and queues it for export.
    pub fn end(mut self) {
        self.finish();
    }

    fn finish(&mut self) {
        if let (Some(mut data), Some(tracer)) = (self.data.take(), TRACER.get()) {
            data.end_ns = now_ns().max(data.start_ns);
            tracer.queue(*data);
        }
    }
}

impl Drop for Span {
    /// A span dropped without [`Span::end`] (its future was cancelled) still ends.
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_reads_and_writes_the_w3c_form() {
        let header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let context = TraceContext::parse(header).unwrap_or_else(|| panic!("{header}"));
        assert_eq!(context.trace_id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(context.span_id, [0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7]);
        assert!(context.sampled);
        assert_eq!(context.header(), header);
        let unsampled = TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
        assert_eq!(unsampled.map(|c| c.sampled), Some(false));
        // A later version: its first four fields.
        assert!(
            TraceContext::parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra").is_some()
        );
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        ] {
            assert_eq!(TraceContext::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn with_tracing_off_a_span_passes_its_parent_on_and_records_nothing() {
        // No test in this binary turns tracing on (`config::init` is for the process).
        let parent = TraceContext { trace_id: [7; 16], span_id: [9; 8], sampled: true };
        let mut span = Span::start("letters", || "x".into(), Kind::Server, Some(parent));
        span.set("k", 1);
        assert!(!span.is_recording());
        assert_eq!(span.context(), Some(parent));
        assert_eq!(Span::start("letters", || "x".into(), Kind::Server, None).context(), None);
        span.end();
    }
}
