//! NICE 본인확인 (CheckPlus, API version; docs/PROVIDERS.md §13.2): the server takes an access
//! token once, a crypto token per attempt, derives an AES-128-CBC key, IV and HMAC key from it,
//! and the browser posts the sealed request to NICE's window; NICE comes back to the return
//! address with the result sealed under the same key, which the server checks (HMAC, the request
//! number) before reading it. The key material stays server-side with the attempt.

use super::{
    IdentityError, IdentityOpening, IdentityVerifier, IdentityWindow, Verification, VerifiedPerson,
};
use aws_lc_rs::cipher::{
    AES_128, DecryptionContext, EncryptionContext, PaddedBlockDecryptingKey,
    PaddedBlockEncryptingKey, UnboundCipherKey,
};
use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use futures::FutureExt;
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::Digest;
use std::sync::Mutex;

const NAME: &str = "nice";
/// 본인확인 통합형.
const PRODUCT_ID: &str = "2101979031";

/// NICE settings.
#[derive(Clone)]
pub struct NiceConfig {
    /// `https://svc.niceapi.co.kr:22001` (a fake's address in tests).
    pub api_base: String,
    /// `https://nice.checkplus.co.kr/CheckPlusSafeModel/service.cb`.
    pub window_url: String,
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
}

impl std::fmt::Debug for NiceConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NiceConfig")
            .field("api_base", &self.api_base)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// The NICE adapter (keeps its long-lived access token).
#[derive(Debug)]
pub struct Nice {
    client: reqwest::Client,
    config: NiceConfig,
    access_token: Mutex<Option<String>>,
}

/// What the server keeps of an attempt to read NICE's answer (secret: sealed at rest).
#[derive(Debug, Serialize, Deserialize)]
struct Kept {
    token_version_id: String,
    req_dtim: String,
    token_val: String,
}

/// The AES key, IV and HMAC key of one crypto token.
struct Keys {
    key: Vec<u8>,
    iv: [u8; 16],
    hmac_key: Vec<u8>,
}

fn unavailable(message: impl Into<String>) -> IdentityError {
    IdentityError::Unavailable {
        provider: NAME,
        message: message.into(),
    }
}

/// key = rk[0..16], iv = rk[len-16..], hmac key = rk[0..32] of rk = base64(SHA-256(dtim+no+val)).
fn keys(req_dtim: &str, req_no: &str, token_val: &str) -> Keys {
    let value = format!("{}{}{}", req_dtim.trim(), req_no.trim(), token_val.trim());
    let rk = B64.encode(sha2::Sha256::digest(value.as_bytes()));
    let bytes = rk.as_bytes();
    let mut iv = [0u8; 16];
    iv.copy_from_slice(&bytes[bytes.len() - 16..]);
    Keys {
        key: bytes[..16].to_vec(),
        iv,
        hmac_key: bytes[..32].to_vec(),
    }
}

fn integrity(keys: &Keys, enc_data: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, &keys.hmac_key);
    B64.encode(hmac::sign(&key, enc_data.as_bytes()).as_ref())
}

fn seal(keys: &Keys, plain: &str) -> Result<String, IdentityError> {
    let key = UnboundCipherKey::new(&AES_128, &keys.key)
        .and_then(PaddedBlockEncryptingKey::cbc_pkcs7)
        .map_err(|_| unavailable("cipher key"))?;
    let mut data = plain.as_bytes().to_vec();
    key.less_safe_encrypt(&mut data, EncryptionContext::Iv128(keys.iv.into()))
        .map_err(|_| unavailable("encrypting the request"))?;
    Ok(B64.encode(data))
}

fn open(keys: &Keys, enc_data: &str) -> Result<Value, IdentityError> {
    let key = UnboundCipherKey::new(&AES_128, &keys.key)
        .and_then(PaddedBlockDecryptingKey::cbc_pkcs7)
        .map_err(|_| unavailable("cipher key"))?;
    let mut data = B64
        .decode(enc_data.trim())
        .map_err(|_| unavailable("the answer is not base64"))?;
    let plain = key
        .decrypt(&mut data, DecryptionContext::Iv128(keys.iv.into()))
        .map_err(|_| unavailable("the answer does not decrypt"))?;
    // Some contracts answer in EUC-KR; the UTF-8 name is read from `utf8_name` anyway.
    serde_json::from_str(&String::from_utf8_lossy(plain))
        .map_err(|e| unavailable(format!("unreadable answer: {e}")))
}

/// The verified person of a decrypted result.
fn person(result: &Value) -> Verification {
    let text = |f: &str| result[f].as_str().unwrap_or_default().trim().to_owned();
    if text("resultcode") != "0000" {
        return Verification::Failed(format!("resultcode {}", text("resultcode")));
    }
    let encoded = text("utf8_name");
    let name = percent_decoded(&encoded).unwrap_or_else(|| text("name"));
    Verification::Verified(VerifiedPerson {
        name,
        birth_date: chrono::NaiveDate::parse_from_str(&text("birthdate"), "%Y%m%d").ok(),
        mobile: Some(
            text("mobileno")
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>(),
        )
        .filter(|m| !m.is_empty()),
        ci: Some(text("ci")).filter(|c| !c.is_empty()),
        test_channel: false,
    })
}

/// `%ED%99%8D…` as text (decoded the way query strings are).
fn percent_decoded(raw: &str) -> Option<String> {
    if raw.is_empty() {
        return None;
    }
    let url = reqwest::Url::parse(&format!("http://name.invalid/?v={raw}")).ok()?;
    url.query_pairs().next().map(|(_, v)| v.into_owned())
}

impl Nice {
    /// An adapter with its settings.
    pub fn new(client: reqwest::Client, config: NiceConfig) -> Self {
        Self {
            client,
            config,
            access_token: Mutex::new(None),
        }
    }

    fn url(&self, path: &[&str]) -> Result<reqwest::Url, IdentityError> {
        crate::endpoint(&self.config.api_base, path).map_err(unavailable)
    }

    /// Sends a request; the JSON answer whose gateway result is `1200`.
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Value, IdentityError> {
        let response = request
            .send()
            .await
            .map_err(|e| unavailable(e.without_url().to_string()))?;
        let status = response.status();
        let body: Value = response
            .json()
            .await
            .map_err(|e| unavailable(e.without_url().to_string()))?;
        let gateway = body["dataHeader"]["GW_RSLT_CD"]
            .as_str()
            .unwrap_or_default();
        if !status.is_success() || gateway != "1200" {
            return Err(IdentityError::Rejected {
                provider: NAME,
                code: gateway.to_owned(),
                message: body["dataHeader"]["GW_RSLT_MSG"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            });
        }
        Ok(body)
    }

    /// The institution token (kept: NICE issues it for decades).
    async fn access_token(&self) -> Result<String, IdentityError> {
        if let Some(token) = self.access_token.lock().expect("token").clone() {
            return Ok(token);
        }
        let basic = B64.encode(format!(
            "{}:{}",
            self.config.client_id, self.config.client_secret
        ));
        let request = self
            .client
            .post(self.url(&["digital", "niceid", "oauth", "oauth", "token"])?)
            .header(reqwest::header::AUTHORIZATION, format!("Basic {basic}"))
            .form(&[("grant_type", "client_credentials"), ("scope", "default")]);
        let body = self.send(request).await?;
        let token = body["dataBody"]["access_token"]
            .as_str()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unavailable("no access_token"))?
            .to_owned();
        *self.access_token.lock().expect("token") = Some(token.clone());
        Ok(token)
    }

    /// A crypto token for request `req_no`: (kept facts, site code).
    async fn crypto_token(&self, req_no: &str) -> Result<(Kept, String), IdentityError> {
        let token = self.access_token().await?;
        let now = chrono::Utc::now();
        let bearer = B64.encode(format!(
            "{token}:{}:{}",
            now.timestamp(),
            self.config.client_id
        ));
        let req_dtim = now
            .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).expect("KST"))
            .format("%Y%m%d%H%M%S")
            .to_string();
        let request = self
            .client
            .post(self.url(&[
                "digital", "niceid", "api", "v1.0", "common", "crypto", "token",
            ])?)
            .header(reqwest::header::AUTHORIZATION, format!("bearer {bearer}"))
            .header("ProductID", PRODUCT_ID)
            .json(&json!({
                "dataHeader": {"CNTY_CD": "ko"},
                "dataBody": {"req_dtim": req_dtim, "req_no": req_no, "enc_mode": "1"},
            }));
        let body = match self.send(request).await {
            Ok(body) => body,
            Err(e) => {
                // A revoked or expired institution token: take a new one next time.
                *self.access_token.lock().expect("token") = None;
                return Err(e);
            }
        };
        let data = &body["dataBody"];
        if data["rsp_cd"] != "P000" || data["result_cd"] != "0000" {
            return Err(IdentityError::Rejected {
                provider: NAME,
                code: format!("{} {}", data["rsp_cd"], data["result_cd"]),
                message: data["res_msg"].as_str().unwrap_or_default().to_owned(),
            });
        }
        let text = |f: &str| data[f].as_str().unwrap_or_default().to_owned();
        let kept = Kept {
            token_version_id: text("token_version_id"),
            req_dtim,
            token_val: text("token_val"),
        };
        if kept.token_version_id.is_empty() || kept.token_val.is_empty() {
            return Err(unavailable("the crypto token is incomplete"));
        }
        Ok((kept, text("site_code")))
    }

    async fn open_window(
        &self,
        id: &str,
        return_url: &str,
    ) -> Result<IdentityOpening, IdentityError> {
        // NICE's request number is at most 30 characters.
        let req_no: String = id
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(30)
            .collect();
        let (kept, site_code) = self.crypto_token(&req_no).await?;
        let keys = keys(&kept.req_dtim, &req_no, &kept.token_val);
        let request = json!({
            "requestno": req_no, "returnurl": return_url, "sitecode": site_code,
            "authtype": "M", "methodtype": "get", "popupyn": "N",
        });
        let enc_data = seal(&keys, &request.to_string())?;
        let fields = vec![
            ("m".to_owned(), "service".to_owned()),
            ("token_version_id".to_owned(), kept.token_version_id.clone()),
            ("integrity_value".to_owned(), integrity(&keys, &enc_data)),
            ("enc_data".to_owned(), enc_data),
        ];
        let state = serde_json::to_string(&kept).map_err(|e| unavailable(e.to_string()))?;
        Ok(IdentityOpening {
            window: IdentityWindow::FormPost {
                action: self.config.window_url.clone(),
                fields,
            },
            state: Some(state),
        })
    }

    fn read_answer(
        id: &str,
        state: Option<&str>,
        returned: &[(String, String)],
    ) -> Result<Verification, IdentityError> {
        let kept: Kept = state
            .and_then(|s| serde_json::from_str(s).ok())
            .ok_or_else(|| unavailable("no key kept for this attempt"))?;
        // Base64 in a query: a `+` NICE left unencoded arrives as a space.
        let field = |name: &str| {
            returned
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.replace(' ', "+"))
                .unwrap_or_default()
        };
        let enc_data = field("enc_data");
        if enc_data.is_empty() {
            // Closed or given up: NICE comes back with nothing sealed.
            return Ok(Verification::Failed("the window was closed".into()));
        }
        if field("token_version_id") != kept.token_version_id {
            return Err(unavailable("the answer is about another token"));
        }
        let req_no: String = id
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(30)
            .collect();
        let keys = keys(&kept.req_dtim, &req_no, &kept.token_val);
        let expected = integrity(&keys, &enc_data);
        let given = field("integrity_value");
        if aws_lc_rs::constant_time::verify_slices_are_equal(expected.as_bytes(), given.as_bytes())
            .is_err()
        {
            return Err(unavailable("the answer's integrity value does not match"));
        }
        let result = open(&keys, &enc_data)?;
        if result["requestno"].as_str() != Some(req_no.as_str()) {
            return Err(unavailable("the answer is about another request"));
        }
        Ok(person(&result))
    }
}

impl IdentityVerifier for Nice {
    fn name(&self) -> &'static str {
        NAME
    }

    fn start<'a>(
        &'a self,
        id: &'a str,
        return_url: &'a str,
    ) -> BoxFuture<'a, Result<IdentityOpening, IdentityError>> {
        self.open_window(id, return_url).boxed()
    }

    fn finish<'a>(
        &'a self,
        id: &'a str,
        state: Option<&'a str>,
        returned: &'a [(String, String)],
    ) -> BoxFuture<'a, Result<Verification, IdentityError>> {
        let answer = Self::read_answer(id, state, returned);
        async move { answer }.boxed()
    }
}
