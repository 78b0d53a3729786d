//! Aligo SMS (docs/PROVIDERS.md §7.1).

use super::{Accepted, SMS_MAX_BYTES, SendError, Sms, classify, euc_kr_len, unavailable};
use serde::Deserialize;

/// Aligo settings.
#[derive(Clone, Deserialize)]
pub struct AligoConfig {
    /// `https://apis.aligo.in`.
    pub base_url: String,
    /// API key (secret).
    pub api_key: String,
    /// Account id.
    pub user_id: String,
    /// Send in test mode (nothing is delivered).
    #[serde(default)]
    pub test_mode: bool,
}

impl std::fmt::Debug for AligoConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AligoConfig")
            .field("base_url", &self.base_url)
            .field("user_id", &self.user_id)
            .field("api_key", &"***")
            .field("test_mode", &self.test_mode)
            .finish()
    }
}

/// Sends SMS/LMS through Aligo.
#[derive(Debug, Clone)]
pub struct Aligo {
    client: reqwest::Client,
    config: AligoConfig,
}

/// `result_code` arrives as a number or a string.
fn as_i64(v: &serde_json::Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

impl Aligo {
    /// An adapter with its settings.
    pub fn new(client: reqwest::Client, config: AligoConfig) -> Self {
        Self { client, config }
    }

    /// Sends one message; texts over 90 EUC-KR bytes go as LMS.
    pub async fn send(&self, sms: &Sms) -> Result<Accepted, SendError> {
        let msg_type = if euc_kr_len(&sms.text) > SMS_MAX_BYTES {
            "LMS"
        } else {
            "SMS"
        };
        let mut form = vec![
            ("key", self.config.api_key.clone()),
            ("user_id", self.config.user_id.clone()),
            ("sender", sms.from.clone()),
            ("receiver", sms.to.clone()),
            ("msg", sms.text.clone()),
            ("msg_type", msg_type.to_owned()),
        ];
        if let (Some(title), "LMS") = (&sms.title, msg_type) {
            form.push(("title", title.clone()));
        }
        if self.config.test_mode {
            form.push(("testmode_yn", "Y".to_owned()));
        }
        let url = format!("{}/send/", self.config.base_url.trim_end_matches('/'));
        let response = self
            .client
            .post(url)
            .form(&form)
            .send()
            .await
            .map_err(|e| unavailable("aligo", &e))?;
        let status = response.status();
        let raw = response.text().await.unwrap_or_default();
        let reply: serde_json::Value = serde_json::from_str(&raw).unwrap_or_default();
        let code = as_i64(&reply["result_code"]);
        if status.is_success() && code == Some(1) {
            let id = reply["msg_id"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| reply["msg_id"].as_i64().map(|n| n.to_string()));
            return Ok(Accepted {
                provider: "aligo",
                provider_id: id,
                raw,
            });
        }
        let message = reply["message"].as_str().unwrap_or("no result").to_owned();
        Err(classify(
            "aligo",
            status,
            &raw,
            code.map_or_else(|| "?".into(), |c| c.to_string()),
            message,
        ))
    }
}
