//! `/api/v1/faults`: the operator's fault switches for letters, numbers and rules (issue 16,
//! `frontend/faults.rs`). Anyone may read them (the live view shows them); only the operator may
//! switch them, and each switch is recorded in the audit log.

use crate::contract::faults::Fault;
use crate::frontend::Frontend;
use crate::frontend::auth::Operator;
use crate::frontend::faults::{self, FaultSwitches};
use crate::server::error::ErrorResponse;
use crate::server::{ApiError, ApiJson};
use crate::store::Actor;
use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// Every service's switch.
#[derive(Serialize, ToSchema)]
pub struct FaultList {
    /// Service 2's.
    letters: Fault,
    /// Service 3's.
    numbers: Fault,
    /// Service 4's.
    rules: Fault,
}

impl From<&FaultSwitches> for FaultList {
    fn from(switches: &FaultSwitches) -> Self {
        Self {
            letters: switches.letters.fault(),
            numbers: switches.numbers.fault(),
            rules: switches.rules.fault(),
        }
    }
}

/// What is switched on for letters, numbers and rules (all zero: off).
#[utoipa::path(
    get,
    tag = "faults",
    operation_id = "listFaults",
    path = "/api/v1/faults",
    responses((status = 200, description = "Each service's switch, as this front end sends it.", body = FaultList)),
)]
pub async fn list(State(front): State<Arc<Frontend>>) -> Json<FaultList> {
    Json(FaultList::from(&*front.faults))
}

/// Operator only: switch a service's faults (all zero, or `{}`, switches them off). Every front
/// end sends the switch with its calls to the service within a second; it is recorded in the
/// audit log (`fault.switched`).
#[utoipa::path(
    put,
    tag = "faults",
    operation_id = "switchFaults",
    path = "/api/v1/faults/{service}",
    params(("service" = String, Path, description = "`letters`, `numbers` or `rules`.", pattern = "^(letters|numbers|rules)$")),
    request_body = Fault,
    security(("operator" = [])),
    responses(
        (status = 200, description = "Switched; the service's switch as it is now.", body = Fault),
        (status = 404, description = "No such service (`unknown_service`).", body = ErrorResponse),
        (status = 422, description = "A value out of range (`invalid_field`, `error.field` names it): latency_ms \
            over 60000, a share outside 0–1, or error_share and hang_share adding up to more than 1.", body = ErrorResponse),
    ),
)]
pub async fn switch(
    _: Operator,
    State(front): State<Arc<Frontend>>,
    Path(service): Path<String>,
    ApiJson(fault): ApiJson<Fault>,
) -> Result<Json<Fault>, ApiError> {
    let fault = faults::switch(&front.store, &front.faults, &service, fault, Actor::Api).await?;
    Ok(Json(fault))
}
