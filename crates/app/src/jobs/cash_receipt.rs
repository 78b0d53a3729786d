//! Brings an order's 현금영수증 to what its cash payment holds (after the payment, after refunds).

use super::Job;
use crate::App;
use serde::{Deserialize, Serialize};

/// Sync the receipt of order `order_id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CashReceiptSync {
    pub order_id: jangteo_core::ids::OrderId,
}

impl Job for CashReceiptSync {
    const KIND: &'static str = "payments.cash_receipt";

    async fn run(self, app: App, _last_attempt: bool) -> Result<(), String> {
        app.sync_cash_receipt(self.order_id)
            .await
            .map_err(|e| e.to_string())
    }
}
