//! Solapi: KakaoTalk AlimTalk with SMS fallback, and plain SMS (docs/PROVIDERS.md §7.2).

use super::{Accepted, AlimTalk, SMS_MAX_BYTES, SendError, Sms, classify, euc_kr_len, unavailable};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

/// Solapi settings.
#[derive(Clone, Deserialize)]
pub struct SolapiConfig {
    /// `https://api.solapi.com`.
    pub base_url: String,
    /// API key.
    pub api_key: String,
    /// API secret (signs every request).
    pub api_secret: String,
}

impl std::fmt::Debug for SolapiConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SolapiConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key)
            .field("api_secret", &"***")
            .finish()
    }
}

/// Sends AlimTalk and SMS through Solapi.
#[derive(Debug, Clone)]
pub struct Solapi {
    client: reqwest::Client,
    config: SolapiConfig,
}

/// `HMAC-SHA256 apiKey=…, date=…, salt=…, signature=hex(HMAC(secret, date + salt))`.
pub fn authorization(api_key: &str, api_secret: &str, date: &str, salt: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(api_secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(date.as_bytes());
    mac.update(salt.as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    format!("HMAC-SHA256 apiKey={api_key}, date={date}, salt={salt}, signature={signature}")
}

fn fresh_salt() -> String {
    // A signature may not be reused within 15 minutes: a new salt per request.
    let mut raw = [0u8; 16];
    let _ = getrandom::fill(&mut raw);
    hex::encode(raw)
}

impl Solapi {
    /// An adapter with its settings.
    pub fn new(client: reqwest::Client, config: SolapiConfig) -> Self {
        Self { client, config }
    }

    async fn send_message(&self, message: serde_json::Value) -> Result<Accepted, SendError> {
        let date = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let auth = authorization(
            &self.config.api_key,
            &self.config.api_secret,
            &date,
            &fresh_salt(),
        );
        let url = format!(
            "{}/messages/v4/send",
            self.config.base_url.trim_end_matches('/')
        );
        let response = self
            .client
            .post(url)
            .header(reqwest::header::AUTHORIZATION, auth)
            .json(&serde_json::json!({ "message": message }))
            .send()
            .await
            .map_err(|e| unavailable("solapi", &e))?;
        let status = response.status();
        let raw = response.text().await.unwrap_or_default();
        let reply: serde_json::Value = serde_json::from_str(&raw).unwrap_or_default();
        // "2000" means accepted (정상 접수); the delivery result comes later.
        if status.is_success() && reply["statusCode"].as_str() == Some("2000") {
            let id = reply["messageId"].as_str().map(str::to_owned);
            return Ok(Accepted {
                provider: "solapi",
                provider_id: id,
                raw,
            });
        }
        let code = reply["errorCode"]
            .as_str()
            .or(reply["statusCode"].as_str())
            .unwrap_or("?")
            .to_owned();
        let message = reply["errorMessage"]
            .as_str()
            .or(reply["statusMessage"].as_str())
            .unwrap_or("no result")
            .to_owned();
        Err(classify("solapi", status, &raw, code, message))
    }

    /// Sends an AlimTalk; with `sms_fallback`, Solapi sends the text as SMS/LMS when KakaoTalk
    /// cannot deliver it.
    pub async fn send_alimtalk(
        &self,
        message: &AlimTalk,
        sms_fallback: bool,
    ) -> Result<Accepted, SendError> {
        let variables: serde_json::Map<String, serde_json::Value> = message
            .variables
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().into()))
            .collect();
        self.send_message(serde_json::json!({
            "to": message.to,
            "from": message.from,
            "text": message.text,
            "type": "ATA",
            "kakaoOptions": {
                "pfId": message.channel_id,
                "templateId": message.template_id,
                "variables": variables,
                "disableSms": !sms_fallback,
            },
        }))
        .await
    }

    /// Sends an SMS, or an LMS when the text is over 90 EUC-KR bytes.
    pub async fn send_sms(&self, sms: &Sms) -> Result<Accepted, SendError> {
        let kind = if euc_kr_len(&sms.text) > SMS_MAX_BYTES {
            "LMS"
        } else {
            "SMS"
        };
        let mut message =
            serde_json::json!({ "to": sms.to, "from": sms.from, "text": sms.text, "type": kind });
        if let (Some(title), "LMS") = (&sms.title, kind) {
            message["subject"] = title.clone().into();
        }
        self.send_message(message).await
    }
}

#[cfg(test)]
mod tests {
    use super::authorization;

    #[test]
    fn signs_date_and_salt_with_the_secret() {
        // HMAC-SHA256("secret", "2019-07-01T00:41:48Z" + "salt"), computed with Python's hmac.
        let header = authorization("KEY", "secret", "2019-07-01T00:41:48Z", "salt");
        assert!(header.starts_with(
            "HMAC-SHA256 apiKey=KEY, date=2019-07-01T00:41:48Z, salt=salt, signature="
        ));
        assert_eq!(
            header.rsplit('=').next().unwrap(),
            "9cc464e457dd5962121590afd62f3fbb19f1730a602094688fbaba19bb097c3c"
        );
    }
}
