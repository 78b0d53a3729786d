//! Mailgun's messages API (docs/PROVIDERS.md §8.1).

use super::{Accepted, Email, SendError, classify, unavailable};
use serde::Deserialize;

/// Mailgun settings.
#[derive(Clone, Deserialize)]
pub struct MailgunConfig {
    /// `https://api.mailgun.net` (EU: `https://api.eu.mailgun.net`).
    pub base_url: String,
    /// Sending domain.
    pub domain: String,
    /// API key (secret).
    pub api_key: String,
}

impl std::fmt::Debug for MailgunConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailgunConfig")
            .field("base_url", &self.base_url)
            .field("domain", &self.domain)
            .field("api_key", &"***")
            .finish()
    }
}

/// Sends e-mail through Mailgun.
#[derive(Debug, Clone)]
pub struct Mailgun {
    client: reqwest::Client,
    config: MailgunConfig,
}

#[derive(Deserialize)]
struct Reply {
    id: Option<String>,
    message: Option<String>,
}

impl Mailgun {
    /// An adapter with its settings.
    pub fn new(client: reqwest::Client, config: MailgunConfig) -> Self {
        Self { client, config }
    }

    /// Sends one e-mail (form-encoded, HTTP Basic `api:<key>`).
    pub async fn send(&self, email: &Email) -> Result<Accepted, SendError> {
        let url = format!(
            "{}/v3/{}/messages",
            self.config.base_url.trim_end_matches('/'),
            self.config.domain
        );
        let response = self
            .client
            .post(url)
            .basic_auth("api", Some(&self.config.api_key))
            .form(&[
                ("from", email.from.as_str()),
                ("to", email.to.as_str()),
                ("subject", email.subject.as_str()),
                ("html", email.html.as_str()),
                ("text", email.text.as_str()),
            ])
            .send()
            .await
            .map_err(|e| unavailable("mailgun", &e))?;
        let status = response.status();
        let raw = response.text().await.unwrap_or_default();
        let reply: Option<Reply> = serde_json::from_str(&raw).ok();
        if status.is_success() {
            return Ok(Accepted {
                provider: "mailgun",
                provider_id: reply.and_then(|r| r.id),
                raw,
            });
        }
        let message = reply.and_then(|r| r.message).unwrap_or_else(|| raw.clone());
        Err(classify(
            "mailgun",
            status,
            &raw,
            status.as_u16().to_string(),
            message,
        ))
    }
}
