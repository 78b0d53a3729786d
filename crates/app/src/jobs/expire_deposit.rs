//! Cancels a bank-deposit order whose deadline passed unpaid (its stock, coupon and points return).

use super::Job;
use crate::App;
use serde::{Deserialize, Serialize};

/// Expire order `number` (queued for its deadline when the order is placed).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ExpireDeposit {
    pub number: String,
}

impl Job for ExpireDeposit {
    const KIND: &'static str = "orders.expire_deposit";

    async fn run(self, app: App, _last_attempt: bool) -> Result<(), String> {
        app.expire_deposit(&self.number)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
