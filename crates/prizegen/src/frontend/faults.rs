//! The operator's fault switches for letters, numbers and rules (issue 16, `contract/faults.rs`).
//!
//! A switch is kept where every front end can read it: the latest `fault.switched` entry of the
//! service in the audit log (`PUT /api/v1/faults/{service}` appends one). Each front end reads
//! them at start and every second, and sends the switch with every call to the service, so all
//! front ends and all instances of the service act alike within a second of a change, with no
//! restart. Off by default: a database without such entries switches nothing on.

use crate::contract::faults::{Fault, HEADER};
use crate::server::ApiError;
use crate::store::{Actor, Store, StoreError};
use http::HeaderValue;
use prizegen_domain::fairness::Service;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

/// The audit log's kind for a switch.
pub const KIND: &str = "fault.switched";

/// How often a front end reads the switches again.
pub const REFRESH: Duration = Duration::from_secs(1);

/// A switch in words: "off", or what is on (`+3000 ms, 20% errors, 5% hangs`).
pub fn describe(fault: &Fault) -> String {
    let mut on = Vec::new();
    if fault.latency_ms > 0 {
        on.push(format!("+{} ms", fault.latency_ms));
    }
    for (share, what) in [(fault.error_share, "errors"), (fault.hang_share, "hangs")] {
        if share > 0.0 {
            on.push(format!("{}% {what}", super::pages::percent(share)));
        }
    }
    if on.is_empty() { "off".to_owned() } else { on.join(", ") }
}

/// One service's switch, with its header ready to send.
#[derive(Debug, Default)]
pub struct Switch {
    state: RwLock<(Fault, Option<HeaderValue>)>,
}

impl Switch {
    /// What is switched on.
    pub fn fault(&self) -> Fault {
        self.state.read().map(|state| state.0).unwrap_or_default()
    }

    /// The header to send with a call, if anything is switched on.
    pub fn header(&self) -> Option<(&'static str, HeaderValue)> {
        let state = self.state.read().ok()?;
        state.1.clone().map(|value| (HEADER, value))
    }

    /// Switches to `fault`.
    pub fn set(&self, fault: Fault) {
        let header = (!fault.is_off()).then(|| HeaderValue::from_str(&fault.to_header()).ok()).flatten();
        if let Ok(mut state) = self.state.write() {
            *state = (fault, header);
        }
    }
}

/// The three services' switches.
#[derive(Debug, Default)]
pub struct FaultSwitches {
    /// Service 2.
    pub letters: Arc<Switch>,
    /// Service 3.
    pub numbers: Arc<Switch>,
    /// Service 4.
    pub rules: Arc<Switch>,
    /// Switches made on this front end: a reading of the log that began before one is not
    /// applied (it could undo it for a second).
    switched_here: AtomicU64,
}

impl FaultSwitches {
    /// A service's switch.
    pub fn of(&self, service: Service) -> &Arc<Switch> {
        match service {
            Service::Letters => &self.letters,
            Service::Numbers => &self.numbers,
            Service::Rules => &self.rules,
        }
    }

    /// Reads the switches from the audit log: each service's latest entry. `false` when a
    /// switch made here meanwhile kept the reading from being applied.
    pub async fn load(&self, store: &Store) -> Result<bool, StoreError> {
        let before = self.switched_here.load(Ordering::Acquire);
        // Each service's latest switch; a service never switched is off.
        let mut latest: Vec<(Service, Fault)> = Service::ALL.map(|s| (s, Fault::default())).into();
        for entry in store.audit_of_kind(KIND).await? {
            let details: serde_json::Value = serde_json::from_str(&entry.details).unwrap_or_default();
            let fault = serde_json::from_value::<Fault>(details["after"].clone());
            if let (Some(service), Ok(fault)) = (Service::named(&entry.subject), fault) {
                latest.push((service, fault));
            }
        }
        if self.switched_here.load(Ordering::Acquire) != before {
            return Ok(false);
        }
        for (service, fault) in latest {
            self.of(service).set(fault);
        }
        Ok(true)
    }

    /// Reads them again every [`REFRESH`] until the front end is gone — only when the audit
    /// log has grown since the last reading (one row to read, the head, most seconds).
    pub fn keep_loading(switches: Weak<Self>, store: Store) {
        tokio::spawn(async move {
            let mut read_at_head = None;
            loop {
                tokio::time::sleep(REFRESH).await;
                let Some(switches) = switches.upgrade() else { return };
                let read = match store.audit_head().await {
                    Ok(head) if read_at_head == Some(head.seq) => continue,
                    Ok(head) => switches.load(&store).await.map(|applied| applied.then_some(head.seq)),
                    Err(error) => Err(error),
                };
                match read {
                    Ok(seq) => read_at_head = seq,
                    Err(error) => {
                        tracing::warn!(%error, "reading the fault switches failed; they stay as they were")
                    }
                }
            }
        });
    }
}

/// Switches `service`'s faults to `fault`, for the API and the admin page alike: checked,
/// recorded in the audit log (with what it was), then sent with this front end's calls at once
/// and with every other front end's within [`REFRESH`].
pub async fn switch(
    store: &Store,
    switches: &FaultSwitches,
    service: &str,
    fault: Fault,
    actor: Actor,
) -> Result<Fault, ApiError> {
    let Some(service) = Service::named(service) else {
        return Err(ApiError::not_found(
            "unknown_service",
            format!("{service} is not letters, numbers or rules"),
        ));
    };
    if let Some((field, message)) = fault.problem() {
        return Err(ApiError::invalid("invalid_field", message).on_field(field));
    }
    let switch = switches.of(service);
    let details = serde_json::json!({"before": switch.fault(), "after": fault, "by": actor.name()});
    store.record_fault_switch(service.as_str(), details).await?;
    switches.switched_here.fetch_add(1, Ordering::AcqRel);
    switch.set(fault);
    tracing::info!(%service, switch = %fault.to_header(), by = actor.name(), "fault switch changed");
    Ok(fault)
}
