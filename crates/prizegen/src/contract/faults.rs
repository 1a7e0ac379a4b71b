//! Fault switches on the internal contract (issue 16): what the operator switched on for a
//! service travels with every call to it, in one header, so every instance of the service —
//! whichever the load balancer picks, old or new — behaves alike, and nothing has to be told to
//! the instances themselves.
//!
//! `x-prizegen-fault: latency_ms=200,error_share=0.1,hang_share=0.05`
//!
//! The service waits `latency_ms`, then answers a share `error_share` of the calls with a 500
//! (`fault_injected`) and never answers a share `hang_share` (the caller's deadline ends them).
//! Without the header a service behaves as it always does. Services 2–4 are reached by the
//! front ends only (behind their load balancer); the header is theirs to send.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The header's name.
pub const HEADER: &str = "x-prizegen-fault";

/// The longest latency that may be added, in milliseconds.
pub const MAX_LATENCY_MS: u32 = 60_000;

/// What is switched on for one service; all zero is off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// Milliseconds added before every call is answered (0–60000).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 60000)]
    pub latency_ms: u32,
    /// The share of calls answered with a 500 (0–1).
    #[serde(default)]
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub error_share: f64,
    /// The share of calls never answered (0–1); with `error_share`, at most 1.
    #[serde(default)]
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub hang_share: f64,
}

impl Fault {
    /// Whether nothing is switched on.
    pub fn is_off(&self) -> bool {
        self.latency_ms == 0 && self.error_share == 0.0 && self.hang_share == 0.0
    }

    /// What is wrong with it, naming the field: `None` if it may be switched on.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        let share = |value: f64| (0.0..=1.0).contains(&value);
        if self.latency_ms > MAX_LATENCY_MS {
            return Some(("latency_ms", format!("latency_ms is at most {MAX_LATENCY_MS}")));
        }
        if !share(self.error_share) {
            return Some(("error_share", "error_share is a share, from 0 to 1".to_owned()));
        }
        if !share(self.hang_share) {
            return Some(("hang_share", "hang_share is a share, from 0 to 1".to_owned()));
        }
        if self.error_share + self.hang_share > 1.0 {
            return Some(("hang_share", "error_share and hang_share add up to at most 1".to_owned()));
        }
        None
    }

    /// The header's value.
    pub fn to_header(&self) -> String {
        format!(
            "latency_ms={},error_share={},hang_share={}",
            self.latency_ms, self.error_share, self.hang_share
        )
    }

    /// Reads a header's value; unknown keys are ignored (a newer front end may add some), and
    /// a value out of range or unreadable makes the whole header ignored.
    pub fn from_header(value: &str) -> Option<Self> {
        let mut fault = Self::default();
        for pair in value.split(',') {
            let (key, value) = pair.split_once('=')?;
            match key.trim() {
                "latency_ms" => fault.latency_ms = value.trim().parse().ok()?,
                "error_share" => fault.error_share = value.trim().parse().ok()?,
                "hang_share" => fault.hang_share = value.trim().parse().ok()?,
                _ => {}
            }
        }
        fault.problem().is_none().then_some(fault)
    }

    /// What happens to one call, given a uniform draw `roll` in [0, 1): after the latency, it
    /// hangs, fails, or is answered.
    pub fn outcome(&self, roll: f64) -> Outcome {
        if roll < self.hang_share {
            Outcome::Hang
        } else if roll < self.hang_share + self.error_share {
            Outcome::Error
        } else {
            Outcome::Answer
        }
    }
}

/// What a fault does to one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Answered as usual (after the latency).
    Answer,
    /// A 500.
    Error,
    /// Never answered.
    Hang,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_round_trips_and_refuses_what_cannot_be_switched_on() {
        let fault = Fault { latency_ms: 250, error_share: 0.25, hang_share: 0.5 };
        assert_eq!(Fault::from_header(&fault.to_header()), Some(fault));
        assert_eq!(
            Fault::from_header("latency_ms=5,colour=red"),
            Some(Fault { latency_ms: 5, ..Fault::default() })
        );
        assert_eq!(Fault::from_header("error_share=0.7,hang_share=0.7"), None, "over 1 in all");
        assert_eq!(Fault::from_header("latency_ms=-1"), None);
        assert_eq!(Fault::from_header("error_share=NaN"), None);
        assert_eq!(Fault::from_header("nonsense"), None);
        assert!(Fault::default().is_off() && !fault.is_off());
    }

    #[test]
    fn each_share_takes_its_part_of_the_rolls() {
        let fault = Fault { latency_ms: 0, error_share: 0.25, hang_share: 0.5 };
        let outcomes: Vec<Outcome> = (0..4).map(|i| fault.outcome(f64::from(i) / 4.0 + 0.1)).collect();
        assert_eq!(outcomes, [Outcome::Hang, Outcome::Hang, Outcome::Error, Outcome::Answer]);
        assert_eq!(Fault::default().outcome(0.0), Outcome::Answer, "off answers every call");
    }
}
