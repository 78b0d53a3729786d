//! Sends an imported order's waybill back to its marketplace once staff shipped it.

use super::Job;
use crate::App;
use serde::{Deserialize, Serialize};

/// Dispatch order `order_id` (or one shipment of it) at its channel.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ChannelDispatch {
    pub order_id: i64,
    /// A shipment of some of its lines (jobs queued before parts existed have none).
    #[serde(default)]
    pub shipment_id: Option<i64>,
}

impl Job for ChannelDispatch {
    const KIND: &'static str = "channels.dispatch";

    async fn run(self, app: App, _last_attempt: bool) -> Result<(), String> {
        app.dispatch_to_channel(self.order_id, self.shipment_id)
            .await
            .map_err(|e| e.to_string())
    }
}
