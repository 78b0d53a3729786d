//! Slack incoming webhooks (docs/PROVIDERS.md §9.4): staff alerts and reports.

use super::{Accepted, SendError, classify, unavailable};

/// Posts to one incoming-webhook URL (a secret: never logged).
#[derive(Clone)]
pub struct SlackWebhook {
    client: reqwest::Client,
    url: String,
}

impl std::fmt::Debug for SlackWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SlackWebhook(***)")
    }
}

impl SlackWebhook {
    /// A webhook at `url`.
    pub fn new(client: reqwest::Client, url: impl Into<String>) -> Self {
        Self {
            client,
            url: url.into(),
        }
    }

    /// Posts `text` (the notification fallback) with optional Block Kit `blocks`.
    pub async fn post(
        &self,
        text: &str,
        blocks: Option<serde_json::Value>,
    ) -> Result<Accepted, SendError> {
        let mut body = serde_json::json!({ "text": text });
        if let Some(blocks) = blocks {
            body["blocks"] = blocks;
        }
        let response = self
            .client
            .post(&self.url)
            .json(&body)
            .send()
            .await
            .map_err(|e| unavailable("slack", &e))?;
        let status = response.status();
        let reply = response.text().await.unwrap_or_default();
        if status.is_success() {
            return Ok(Accepted {
                provider: "slack",
                provider_id: None,
                raw: reply,
            });
        }
        // Failures come as short text bodies such as `invalid_payload` or `channel_not_found`.
        Err(classify(
            "slack",
            status,
            &reply,
            reply.trim().to_owned(),
            format!("HTTP {status}"),
        ))
    }
}
