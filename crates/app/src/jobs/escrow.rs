//! An escrow step at the gateway: the shipment's registration after shipping, the completion
//! after the purchase is confirmed (구매안전서비스).

use super::Job;
use crate::App;
use serde::{Deserialize, Serialize};

/// Which escrow step a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum EscrowStep {
    /// Register the shipment (after 배송 시작).
    Shipment,
    /// Complete the escrow (after 구매확정).
    Completion,
}

impl EscrowStep {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            EscrowStep::Shipment => "shipment",
            EscrowStep::Completion => "completion",
        }
    }
}

/// Run `step` for order `number` (queued with the order's move).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct EscrowJob {
    pub number: String,
    pub step: EscrowStep,
}

impl Job for EscrowJob {
    const KIND: &'static str = "payments.escrow";

    async fn run(self, app: App, _last_attempt: bool) -> Result<(), String> {
        app.run_escrow_step(&self.number, self.step)
            .await
            .map_err(|e| e.to_string())
    }
}
