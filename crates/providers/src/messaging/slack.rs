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

/// Slack's Web API `chat.postMessage` with the app's bot token: answers to app mentions, in
/// the mention's thread. Slack answers HTTP 200 with `{"ok": false, "error": …}` on refusal.
pub async fn post_chat_message(
    client: &reqwest::Client,
    api_base: &str,
    bot_token: &str,
    message: serde_json::Value,
) -> Result<Accepted, SendError> {
    let url = format!("{}/chat.postMessage", api_base.trim_end_matches('/'));
    let response = client
        .post(url)
        .bearer_auth(bot_token)
        .json(&message)
        .send()
        .await
        .map_err(|e| unavailable("slack", &e))?;
    let status = response.status();
    let reply = response.text().await.unwrap_or_default();
    let answer: serde_json::Value = serde_json::from_str(&reply).unwrap_or_default();
    if status.is_success() && answer["ok"] == true {
        return Ok(Accepted {
            provider: "slack",
            provider_id: answer["ts"].as_str().map(str::to_owned),
            raw: reply,
        });
    }
    let error = answer["error"].as_str().unwrap_or("unreadable").to_owned();
    Err(classify(
        "slack",
        status,
        &reply,
        error,
        format!("HTTP {status}"),
    ))
}

/// Seconds a Slack request may be away from now (PROVIDERS.md §9.2: replays are refused).
pub const SLACK_TOLERANCE_SECONDS: i64 = 300;

/// Why a request claiming to come from Slack is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SlackRequestRefused {
    /// No timestamp or signature header, or one that cannot be read.
    #[error("missing or unreadable signature headers")]
    Unsigned,
    /// Signed too long ago (or in the future): a replay.
    #[error("stale timestamp")]
    Stale,
    /// Not signed with the app's signing secret.
    #[error("bad signature")]
    Forged,
}

/// Checks `X-Slack-Request-Timestamp` and `X-Slack-Signature` of a request whose raw body is
/// `body`: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` under the signing secret,
/// compared in constant time, within [`SLACK_TOLERANCE_SECONDS`] of `now_unix`.
pub fn verify_slack_request(
    signing_secret: &str,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_unix: i64,
) -> Result<(), SlackRequestRefused> {
    use hmac::{Hmac, Mac};
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err(SlackRequestRefused::Unsigned);
    };
    let at: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SlackRequestRefused::Unsigned)?;
    if (now_unix - at).abs() > SLACK_TOLERANCE_SECONDS {
        return Err(SlackRequestRefused::Stale);
    }
    let given = signature
        .strip_prefix("v0=")
        .and_then(|h| hex::decode(h).ok())
        .ok_or(SlackRequestRefused::Forged)?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(signing_secret.as_bytes())
        .map_err(|_| SlackRequestRefused::Forged)?;
    mac.update(b"v0:");
    mac.update(timestamp.trim().as_bytes());
    mac.update(b":");
    mac.update(body);
    mac.verify_slice(&given)
        .map_err(|_| SlackRequestRefused::Forged)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Slack's documented example (api.slack.com/authentication/verifying-requests-from-slack).
    #[test]
    fn slacks_own_example_verifies_and_touched_ones_do_not() {
        let secret = "8f742231b10e8888abcd99yyyzzz85a5";
        let body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        let signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
        let at = 1_531_420_618;
        assert_eq!(
            verify_slack_request(secret, Some("1531420618"), Some(signature), body, at + 10),
            Ok(())
        );
        let mut touched = body.to_vec();
        touched[6] = b'X';
        assert_eq!(
            verify_slack_request(secret, Some("1531420618"), Some(signature), &touched, at),
            Err(SlackRequestRefused::Forged)
        );
        assert_eq!(
            verify_slack_request(secret, Some("1531420618"), Some(signature), body, at + 301),
            Err(SlackRequestRefused::Stale)
        );
        assert_eq!(
            verify_slack_request(secret, None, Some(signature), body, at),
            Err(SlackRequestRefused::Unsigned)
        );
    }
}
