//! PortOne V2 본인인증 (docs/PROVIDERS.md §13.1): `GET /identity-verifications/{id}` with
//! `Authorization: PortOne {API secret}`; only `status == "VERIFIED"` counts, and the record must
//! be the one asked for. There is no webhook: the shop asks once the window closes.

use super::{
    IdentityError, IdentityOpening, IdentityVerifier, IdentityWindow, Verification, VerifiedPerson,
};
use futures::FutureExt;
use futures::future::BoxFuture;
use serde::Deserialize;

const NAME: &str = "portone";

/// PortOne identity-verification settings (the payment settings' store and secret).
#[derive(Clone)]
pub struct PortOneIdentityConfig {
    /// `https://api.portone.io` (a fake's address in tests).
    pub api_base: String,
    /// Store id (`store-…`).
    pub store_id: String,
    /// V2 API secret.
    pub api_secret: String,
    /// The browser SDK, `https://cdn.portone.io/v2/browser-sdk.js`.
    pub sdk_url: String,
    /// The 본인인증 channel (`channel-key-…`, a carrier-verification contract), public.
    pub channel_key: String,
}

impl std::fmt::Debug for PortOneIdentityConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortOneIdentityConfig")
            .field("api_base", &self.api_base)
            .field("store_id", &self.store_id)
            .field("api_secret", &"***")
            .finish()
    }
}

/// The PortOne 본인인증 adapter.
#[derive(Debug, Clone)]
pub struct PortOneIdentity {
    client: reqwest::Client,
    config: PortOneIdentityConfig,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    status: String,
    id: String,
    #[serde(default)]
    channel: Option<Channel>,
    #[serde(default)]
    verified_customer: Option<Customer>,
    #[serde(default)]
    failure: Option<Failure>,
}

#[derive(Deserialize)]
struct Channel {
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Customer {
    name: String,
    #[serde(default)]
    phone_number: Option<String>,
    #[serde(default)]
    birth_date: Option<String>,
    #[serde(default)]
    ci: Option<String>,
}

#[derive(Deserialize)]
struct Failure {
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    message: Option<String>,
}

fn unavailable(message: String) -> IdentityError {
    IdentityError::Unavailable {
        provider: NAME,
        message,
    }
}

/// Reads a `GET /identity-verifications/{id}` answer for `asked`.
fn verification(asked: &str, raw: &str) -> Result<Verification, IdentityError> {
    let record: Record =
        serde_json::from_str(raw).map_err(|e| unavailable(format!("unreadable answer: {e}")))?;
    if record.id != asked {
        return Err(unavailable(
            "the answer is about another verification".into(),
        ));
    }
    Ok(match record.status.as_str() {
        "VERIFIED" => {
            let c = record
                .verified_customer
                .ok_or_else(|| unavailable("VERIFIED without verifiedCustomer".into()))?;
            Verification::Verified(VerifiedPerson {
                name: c.name,
                birth_date: c
                    .birth_date
                    .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                mobile: c
                    .phone_number
                    .map(|p| p.chars().filter(char::is_ascii_digit).collect()),
                ci: c.ci.filter(|ci| !ci.is_empty()),
                test_channel: record
                    .channel
                    .and_then(|ch| ch.kind)
                    .is_some_and(|k| k == "TEST"),
            })
        }
        "FAILED" => Verification::Failed(
            record
                .failure
                .and_then(|f| f.reason)
                .unwrap_or_else(|| "failed".into()),
        ),
        // READY, and any status PortOne adds later: not verified.
        _ => Verification::Pending,
    })
}

impl PortOneIdentity {
    /// An adapter with its settings.
    pub fn new(client: reqwest::Client, config: PortOneIdentityConfig) -> Self {
        Self { client, config }
    }

    fn url(&self, id: &str) -> Result<reqwest::Url, IdentityError> {
        let mut url = crate::endpoint(&self.config.api_base, &["identity-verifications", id])
            .map_err(unavailable)?;
        url.query_pairs_mut()
            .append_pair("storeId", &self.config.store_id);
        Ok(url)
    }

    async fn get(&self, id: &str) -> Result<Verification, IdentityError> {
        let response = self
            .client
            .get(self.url(id)?)
            .header(
                reqwest::header::AUTHORIZATION,
                format!("PortOne {}", self.config.api_secret),
            )
            .send()
            .await
            .map_err(|e| unavailable(e.without_url().to_string()))?;
        let status = response.status();
        let raw = response
            .text()
            .await
            .map_err(|e| unavailable(e.without_url().to_string()))?;
        if status.is_success() {
            return verification(id, &raw);
        }
        let body: Option<ErrorBody> = serde_json::from_str(&raw).ok();
        match body {
            Some(b) if b.kind == "IDENTITY_VERIFICATION_NOT_FOUND" => {
                Err(IdentityError::NotFound { provider: NAME })
            }
            Some(b) if status.is_client_error() => Err(IdentityError::Rejected {
                provider: NAME,
                code: b.kind,
                message: b.message.unwrap_or_default(),
            }),
            _ => Err(unavailable(format!("HTTP {status}"))),
        }
    }
}

impl IdentityVerifier for PortOneIdentity {
    fn name(&self) -> &'static str {
        NAME
    }

    fn start<'a>(
        &'a self,
        id: &'a str,
        return_url: &'a str,
    ) -> BoxFuture<'a, Result<IdentityOpening, IdentityError>> {
        let opening = IdentityOpening {
            window: self.window(id, return_url),
            state: None,
        };
        async move { Ok(opening) }.boxed()
    }

    fn finish<'a>(
        &'a self,
        id: &'a str,
        _state: Option<&'a str>,
        _returned: &'a [(String, String)],
    ) -> BoxFuture<'a, Result<Verification, IdentityError>> {
        // PortOne's API says what was verified; the return's query says nothing that counts.
        self.get(id).boxed()
    }
}

impl PortOneIdentity {
    /// The SDK window of attempt `id`.
    fn window(&self, id: &str, return_url: &str) -> IdentityWindow {
        let sdk_origin = reqwest::Url::parse(&self.config.sdk_url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default();
        IdentityWindow::PortOneSdk {
            sdk_url: self.config.sdk_url.clone(),
            params: serde_json::json!({
                "storeId": self.config.store_id,
                "identityVerificationId": id,
                "channelKey": self.config.channel_key,
                "redirectUrl": return_url,
            }),
            // The SDK opens the carriers' windows from PortOne's and the PGs' domains [INF].
            origins: vec![sdk_origin, "https://*.portone.io".into(), "https:".into()],
        }
    }

    /// What PortOne verified under `id`.
    pub async fn lookup(&self, id: &str) -> Result<Verification, IdentityError> {
        self.get(id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_asked_verified_record_counts() {
        let verified = r#"{"status":"VERIFIED","id":"iv-1","channel":{"type":"LIVE"},
            "verifiedCustomer":{"name":"홍길동","phoneNumber":"010-1234-5678","birthDate":"2000-01-31","ci":"CI=="},
            "version":"V2"}"#;
        let Ok(Verification::Verified(p)) = verification("iv-1", verified) else {
            panic!("verified");
        };
        assert_eq!(p.name, "홍길동");
        assert_eq!(p.mobile.as_deref(), Some("01012345678"));
        assert_eq!(p.birth_date, chrono::NaiveDate::from_ymd_opt(2000, 1, 31));
        assert!(!p.test_channel && p.ci.is_some());
        assert!(verification("iv-2", verified).is_err(), "another record");
        let ready = r#"{"status":"READY","id":"iv-1","requestedCustomer":{},"version":"V2"}"#;
        assert_eq!(verification("iv-1", ready), Ok(Verification::Pending));
        let odd = r#"{"status":"SOMETHING_NEW","id":"iv-1"}"#;
        assert_eq!(verification("iv-1", odd), Ok(Verification::Pending));
        let failed = r#"{"status":"FAILED","id":"iv-1","failure":{"reason":"취소"}}"#;
        assert_eq!(
            verification("iv-1", failed),
            Ok(Verification::Failed("취소".into()))
        );
        assert!(format!("{p:?}").find("홍길동").is_none(), "no name in logs");
    }
}
