//! Which instance served each part of a draw or sequence, as stored with it (JSON).

use crate::contract::Instance;
use serde::{Deserialize, Serialize};

/// Which instance served each part of a draw: `<impl>@<instance>` for each service, null for
/// a service the game does not use (letters, for attack).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ServedBy {
    /// The front end's version and instance.
    pub frontend: Instance,
    /// The letters service's implementation and instance.
    #[schema(required = true)]
    pub letters: Option<Instance>,
    /// The numbers service's implementation and instance.
    #[schema(required = true)]
    pub numbers: Option<Instance>,
    /// The rules service's implementation and instance.
    #[schema(required = true)]
    pub rules: Option<Instance>,
}

impl ServedBy {
    /// Who served a claim's draw: letters and numbers made the sequence when it was generated;
    /// the front end and rules are the claim's own.
    pub(super) fn claimed(self, frontend: Instance, rules: Option<Instance>) -> Self {
        Self { frontend, rules, ..self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_keeps_the_generators_and_replaces_the_front_end_and_rules() {
        let at = |name: &str| Some(Instance::new("v1", name));
        let generated = ServedBy {
            frontend: Instance::new("0.1.0", "fe-a"),
            letters: at("l"),
            numbers: at("n"),
            rules: at("r-a"),
        };
        let claimed = generated.claimed(Instance::new("0.2.0", "fe-b"), at("r-b"));
        assert_eq!(
            claimed,
            ServedBy {
                frontend: Instance::new("0.2.0", "fe-b"),
                letters: at("l"),
                numbers: at("n"),
                rules: at("r-b")
            }
        );
    }
}
