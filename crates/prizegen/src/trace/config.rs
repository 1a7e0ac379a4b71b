//! The standard OpenTelemetry variables, as the exporter reads them (off unless an endpoint is
//! set):
//!
//! - `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is), else `OTEL_EXPORTER_OTLP_ENDPOINT` with
//!   `/v1/traces` appended; neither: tracing is off. `http://` or `https://`
//!   (`OTEL_EXPORTER_OTLP_[TRACES_]CERTIFICATE`: a CA file to trust besides the public roots);
//! - `OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL`: `http/protobuf` (the default) or `http/json`;
//!   `grpc` is refused at start, naming the alternatives;
//! - `OTEL_EXPORTER_OTLP_[TRACES_]HEADERS` (`key=value,…`, values percent-decoded) and
//!   `OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT` (milliseconds, 10000);
//! - `OTEL_SERVICE_NAME` (default `prizegen-<service>`; `prizegen up`, one process, runs four
//!   services under four names unless this sets one for all) and `OTEL_RESOURCE_ATTRIBUTES`;
//! - `OTEL_TRACES_SAMPLER` (`parentbased_always_on` by default, `always_on`, `always_off`,
//!   `traceidratio`, `parentbased_always_off`, `parentbased_traceidratio`) and its `_ARG`;
//! - `OTEL_BSP_SCHEDULE_DELAY` (ms, 5000), `OTEL_BSP_MAX_QUEUE_SIZE` (2048),
//!   `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` (512);
//! - `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`: off whatever else is set.

use super::TraceContext;
use std::path::PathBuf;
use std::time::Duration;

/// How spans are encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// `application/x-protobuf`.
    Protobuf,
    /// `application/json` (OTLP/JSON).
    Json,
}

/// Which traces are recorded.
#[derive(Clone, Debug, PartialEq)]
pub enum Sampler {
    /// Every trace.
    AlwaysOn,
    /// None.
    AlwaysOff,
    /// This share of traces, by trace id (so every service decides alike).
    Ratio(f64),
    /// As the caller decided; for a root, as the inner sampler says.
    ParentBased(Box<Sampler>),
}

impl Sampler {
    /// Whether a new trace is recorded.
    pub fn root_sampled(&self, trace_id: &[u8; 16]) -> bool {
        match self {
            Self::AlwaysOn => true,
            Self::AlwaysOff => false,
            Self::Ratio(ratio) => {
                // The trace id's last 8 bytes, which W3C ids make random, against the ratio.
                let mut low = [0; 8];
                low.copy_from_slice(&trace_id[8..]);
                (u64::from_be_bytes(low) >> 1) < (ratio.clamp(0.0, 1.0) * (1u64 << 63) as f64) as u64
            }
            Self::ParentBased(root) => root.root_sampled(trace_id),
        }
    }

    /// Whether a span whose parent is `parent` is recorded.
    pub fn child_sampled(&self, parent: TraceContext) -> bool {
        match self {
            Self::ParentBased(_) => parent.sampled,
            other => other.root_sampled(&parent.trace_id),
        }
    }
}

/// The exporter's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Where spans are POSTed.
    pub endpoint: String,
    /// How they are encoded.
    pub protocol: Protocol,
    /// Extra request headers.
    pub headers: Vec<(String, String)>,
    /// Each export's deadline.
    pub timeout: Duration,
    /// A CA file to trust for an https endpoint.
    pub certificate: Option<PathBuf>,
    /// `service.name` for every service, instead of `prizegen-<service>`.
    pub service_name: Option<String>,
    /// More resource attributes.
    pub resource: Vec<(String, String)>,
    /// Which traces are recorded.
    pub sampler: Sampler,
    /// The longest wait before queued spans are sent.
    pub delay: Duration,
    /// Spans queued at most (more are dropped).
    pub queue: usize,
    /// Spans per export at most.
    pub batch: usize,
}

/// The settings `var` gives (`std::env::var` in the binary); `Ok(None)`: tracing is off.
pub fn from(var: impl Fn(&str) -> Option<String>) -> Result<Option<Config>, String> {
    let var = |name: &str| var(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    // The traces-specific variable, else the general one.
    let either = |name: &str| {
        var(&format!("OTEL_EXPORTER_OTLP_TRACES_{name}"))
            .or_else(|| var(&format!("OTEL_EXPORTER_OTLP_{name}")))
    };
    if var("OTEL_SDK_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true"))
        || var("OTEL_TRACES_EXPORTER").is_some_and(|v| v == "none")
    {
        return Ok(None);
    }
    let endpoint = match (var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), var("OTEL_EXPORTER_OTLP_ENDPOINT")) {
        (Some(traces), _) => traces,
        (None, Some(base)) => format!("{}/v1/traces", base.trim_end_matches('/')),
        (None, None) => return Ok(None),
    };
    if !endpoint.starts_with("http://") && !endpoint.starts_with("https://") {
        return Err(format!("the OTLP endpoint {endpoint:?} is not an http:// or https:// URL"));
    }
    let protocol = match either("PROTOCOL").as_deref() {
        None | Some("http/protobuf") => Protocol::Protobuf,
        Some("http/json") => Protocol::Json,
        Some(other) => {
            return Err(format!(
                "OTLP protocol {other:?} is not supported: use http/protobuf (the default) or http/json"
            ));
        }
    };
    let headers = pairs(&either("HEADERS").unwrap_or_default(), "OTEL_EXPORTER_OTLP_HEADERS")?
        .into_iter()
        .map(|(k, v)| (k, percent_decode(&v)))
        .collect();
    let millis = |name: &str, default: u64| -> Result<Duration, String> {
        match var(name) {
            None => Ok(Duration::from_millis(default)),
            Some(v) => {
                v.parse().map(Duration::from_millis).map_err(|_| format!("{name}={v:?} is not milliseconds"))
            }
        }
    };
    let timeout = match either("TIMEOUT") {
        None => Duration::from_secs(10),
        Some(v) => v
            .parse()
            .map(Duration::from_millis)
            .map_err(|_| format!("OTLP timeout {v:?} is not milliseconds"))?,
    };
    let count = |name: &str, default: usize| -> Result<usize, String> {
        match var(name) {
            None => Ok(default),
            Some(v) => {
                v.parse().ok().filter(|n| *n > 0).ok_or(format!("{name}={v:?} is not a positive number"))
            }
        }
    };
    let ratio = || -> Result<f64, String> {
        match var("OTEL_TRACES_SAMPLER_ARG") {
            None => Ok(1.0),
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|r| (0.0..=1.0).contains(r))
                .ok_or(format!("OTEL_TRACES_SAMPLER_ARG={v:?} is not a ratio from 0 to 1")),
        }
    };
    let sampler = match var("OTEL_TRACES_SAMPLER").as_deref() {
        None | Some("parentbased_always_on") => Sampler::ParentBased(Box::new(Sampler::AlwaysOn)),
        Some("always_on") => Sampler::AlwaysOn,
        Some("always_off") => Sampler::AlwaysOff,
        Some("traceidratio") => Sampler::Ratio(ratio()?),
        Some("parentbased_always_off") => Sampler::ParentBased(Box::new(Sampler::AlwaysOff)),
        Some("parentbased_traceidratio") => Sampler::ParentBased(Box::new(Sampler::Ratio(ratio()?))),
        Some(other) => return Err(format!("OTEL_TRACES_SAMPLER={other:?} is not a sampler this knows")),
    };
    let batch = count("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512)?;
    Ok(Some(Config {
        endpoint,
        protocol,
        headers,
        timeout,
        certificate: either("CERTIFICATE").map(PathBuf::from),
        service_name: var("OTEL_SERVICE_NAME"),
        resource: pairs(&var("OTEL_RESOURCE_ATTRIBUTES").unwrap_or_default(), "OTEL_RESOURCE_ATTRIBUTES")?
            .into_iter()
            .map(|(k, v)| (k, percent_decode(&v)))
            .collect(),
        sampler,
        delay: millis("OTEL_BSP_SCHEDULE_DELAY", 5000)?,
        queue: count("OTEL_BSP_MAX_QUEUE_SIZE", 2048)?.max(batch),
        batch,
    }))
}

/// `key=value,key=value`.
fn pairs(text: &str, name: &str) -> Result<Vec<(String, String)>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.trim().to_owned())),
            _ => Err(format!("{name}: {pair:?} is not key=value")),
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map_or_else(|| text.to_owned(), |(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(vars: &[(&str, &str)]) -> Result<Option<Config>, String> {
        let vars: HashMap<String, String> =
            vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        from(|name| vars.get(name).cloned())
    }

    #[test]
    fn off_without_an_endpoint_or_when_disabled() {
        assert_eq!(read(&[]), Ok(None));
        assert_eq!(read(&[("OTEL_SERVICE_NAME", "x")]), Ok(None));
        let endpoint = ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318");
        assert_eq!(read(&[endpoint, ("OTEL_SDK_DISABLED", "true")]), Ok(None));
        assert_eq!(read(&[endpoint, ("OTEL_TRACES_EXPORTER", "none")]), Ok(None));
    }

    #[test]
    fn the_standard_variables_are_read_the_traces_ones_first() {
        let config = read(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "api-key=a%20b, tenant=t1"),
            ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "2500"),
            ("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=staging"),
            ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "0.25"),
            ("OTEL_BSP_SCHEDULE_DELAY", "200"),
        ])
        .ok()
        .flatten();
        let Some(config) = config else { panic!("on") };
        assert_eq!(config.endpoint, "http://collector:4318/v1/traces");
        assert_eq!(config.protocol, Protocol::Json);
        assert_eq!(config.headers, [("api-key".into(), "a b".into()), ("tenant".into(), "t1".into())]);
        assert_eq!(config.timeout, Duration::from_millis(2500));
        assert_eq!(config.resource, [("deployment.environment".to_owned(), "staging".to_owned())]);
        assert_eq!(config.sampler, Sampler::ParentBased(Box::new(Sampler::Ratio(0.25))));
        assert_eq!((config.delay, config.batch, config.queue), (Duration::from_millis(200), 512, 2048));
        let traces = read(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:4318"),
            ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://b/custom/path"),
        ]);
        let traces = traces.ok().flatten().map(|c| (c.endpoint, c.protocol, c.sampler));
        let default_sampler = Sampler::ParentBased(Box::new(Sampler::AlwaysOn));
        assert_eq!(traces, Some(("https://b/custom/path".into(), Protocol::Protobuf, default_sampler)));
    }

    #[test]
    fn what_cannot_be_honoured_is_refused_with_the_reason() {
        let endpoint = ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318");
        for (vars, says) in [
            (vec![endpoint, ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")], "http/json"),
            (vec![("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")], "http://"),
            (
                vec![endpoint, ("OTEL_TRACES_SAMPLER", "traceidratio"), ("OTEL_TRACES_SAMPLER_ARG", "2")],
                "ratio",
            ),
            (vec![endpoint, ("OTEL_TRACES_SAMPLER", "sometimes")], "sampler"),
            (vec![endpoint, ("OTEL_EXPORTER_OTLP_HEADERS", "novalue")], "key=value"),
            (vec![endpoint, ("OTEL_EXPORTER_OTLP_TIMEOUT", "10s")], "milliseconds"),
        ] {
            let error = read(&vars).err().unwrap_or_default();
            assert!(error.contains(says), "{vars:?}: {error}");
        }
    }

    #[test]
    fn samplers_decide_as_named() {
        let parent = |sampled| TraceContext { trace_id: [0xab; 16], span_id: [1; 8], sampled };
        let based = Sampler::ParentBased(Box::new(Sampler::AlwaysOff));
        assert!(based.child_sampled(parent(true)) && !based.child_sampled(parent(false)));
        assert!(!based.root_sampled(&[1; 16]));
        assert!(Sampler::AlwaysOn.child_sampled(parent(false)), "not parent-based: its own decision");
        let sampled = (0..1000u32)
            .filter(|i| {
                let mut id = [0u8; 16];
                id[8..12].copy_from_slice(&i.wrapping_mul(2_654_435_761).to_be_bytes());
                Sampler::Ratio(0.3).root_sampled(&id)
            })
            .count();
        assert!((200..400).contains(&sampled), "about 30 %: {sampled}");
        assert!(!Sampler::Ratio(0.0).root_sampled(&[0; 16]) && Sampler::Ratio(1.0).root_sampled(&[0xff; 16]));
    }
}
