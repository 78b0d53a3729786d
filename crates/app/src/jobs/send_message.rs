//! Sends one recorded message through its channel's provider.

use super::Job;
use crate::App;
use serde::{Deserialize, Serialize};

/// Send message `message_id` (queued with the message, in the same transaction).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SendMessage {
    pub message_id: i64,
}

impl Job for SendMessage {
    const KIND: &'static str = "message.send";

    async fn run(self, app: App, last_attempt: bool) -> Result<(), String> {
        app.deliver_message(self.message_id, last_attempt).await
    }
}
