//! Outgoing webhooks per Standard Webhooks (standardwebhooks.com): the secret is `whsec_` +
//! base64 of random bytes, the HMAC-SHA256 key is those bytes, the signed content is
//! `{webhook-id}.{webhook-timestamp}.{body}`, and `webhook-signature` is `v1,<base64>`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A new endpoint secret: `whsec_` + base64 of 32 random bytes.
pub fn new_secret() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
    Ok(format!("whsec_{}", STANDARD.encode(bytes)))
}

/// `v1,<base64 HMAC-SHA256>` of `id.timestamp.body` under `secret` (`whsec_…`); `None` for a
/// secret that is not one.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// How a delivery went: the receiver's HTTP status, or why none came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// The receiver answered (2xx: delivered).
    Status(u16),
    /// No answer (refused, timed out, unreachable).
    NoAnswer(String),
}

/// Posts one signed delivery.
pub async fn deliver(
    http: &reqwest::Client,
    (url, secret): (&str, &str),
    (id, timestamp): (&str, i64),
    body: &str,
) -> Delivered {
    let Some(signature) = signature(secret, id, timestamp, body) else {
        return Delivered::NoAnswer("the endpoint's secret is unusable".into());
    };
    let sent = http
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body.to_owned())
        .send()
        .await;
    match sent {
        Ok(response) => Delivered::Status(response.status().as_u16()),
        Err(e) => Delivered::NoAnswer(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_as_the_standard_example() {
        // The example of the Standard Webhooks specification.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        let signed = signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, body);
        assert_eq!(
            signed.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        assert!(signature("nope", "m", 1, "{}").is_none());
        assert!(new_secret().unwrap().starts_with("whsec_"));
    }
}
