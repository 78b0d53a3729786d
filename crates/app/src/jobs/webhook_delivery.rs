//! Delivers one outgoing webhook (retried with backoff until delivered or given up).

use super::Job;
use crate::App;
use serde::{Deserialize, Serialize};

/// Deliver webhook delivery `delivery_id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct WebhookDelivery {
    pub delivery_id: i64,
}

impl Job for WebhookDelivery {
    const KIND: &'static str = "webhooks.deliver";

    async fn run(self, app: App, last_attempt: bool) -> Result<(), String> {
        app.deliver_webhook(self.delivery_id, last_attempt)
            .await
            .map_err(|e| e.to_string())
    }
}
