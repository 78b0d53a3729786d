//! 카카오 로그인 (REST): `GET {kauth}/oauth/authorize` with `nonce`, `POST {kauth}/oauth/token`,
//! the OIDC `id_token` checked against `{kauth}/.well-known/jwks.json` (RS256, issuer, audience,
//! expiry, nonce), `GET {kapi}/v2/user/me`; with 카카오싱크, `GET {kapi}/v1/user/service/terms` and
//! `GET {kapi}/v1/user/shipping_address`; unlinking by `POST {kapi}/v1/user/unlink` with a token
//! refreshed from the one kept.

use super::{SocialClientConfig, SocialError, SocialSignIn, read_json};
use jangteo_core::social::{
    SharedAddress, SocialConsents, SocialProfile, SocialProvider, age_range_over_14, local_mobile,
};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

const NAME: &str = "kakao";

/// How long fetched public keys are used before asking again.
const KEYS_KEPT_FOR: Duration = Duration::from_secs(3600);

/// Public keys per key address, with when they were fetched.
static KEYS: LazyLock<Mutex<HashMap<String, (Instant, JwkSet)>>> = LazyLock::new(Mutex::default);

fn keys_kept() -> std::sync::MutexGuard<'static, HashMap<String, (Instant, JwkSet)>> {
    KEYS.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Kakao Login settings beyond the client.
#[derive(Debug, Clone)]
pub struct KakaoLoginConfig {
    /// The client.
    pub client: SocialClientConfig,
    /// The `iss` of Kakao's id_tokens (`https://kauth.kakao.com`).
    pub issuer: String,
    /// 카카오싱크: read the agreed service terms and the shipping address.
    pub sync: bool,
    /// The 카카오싱크 term tags that stand for the shop's 이용약관, 개인정보 수집·이용 and 만 14세
    /// 이상 (tags are named by the shop in Kakao's console).
    pub terms_tags: [String; 3],
}

/// The Kakao adapter.
#[derive(Debug, Clone)]
pub struct KakaoLogin {
    http: reqwest::Client,
    config: KakaoLoginConfig,
}

#[derive(Deserialize)]
struct Tokens {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    id_token: Option<String>,
}

#[derive(Deserialize)]
struct IdClaims {
    sub: String,
    #[serde(default)]
    nonce: Option<String>,
}

#[derive(Deserialize)]
struct Me {
    id: i64,
    #[serde(default)]
    kakao_account: Account,
}

#[derive(Default, Deserialize)]
struct Account {
    #[serde(default)]
    profile: Option<Profile>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    is_email_valid: Option<bool>,
    #[serde(default)]
    is_email_verified: Option<bool>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    phone_number: Option<String>,
    #[serde(default)]
    age_range: Option<String>,
}

#[derive(Deserialize)]
struct Profile {
    #[serde(default)]
    nickname: Option<String>,
}

#[derive(Deserialize)]
struct Terms {
    #[serde(default)]
    allowed_service_terms: Vec<Term>,
}

#[derive(Deserialize)]
struct Term {
    tag: String,
}

#[derive(Deserialize)]
struct Addresses {
    #[serde(default)]
    shipping_addresses: Vec<Address>,
}

#[derive(Deserialize)]
struct Address {
    #[serde(default)]
    is_default: bool,
    #[serde(default)]
    base_address: String,
    #[serde(default)]
    detail_address: String,
    #[serde(default)]
    receiver_name: String,
    #[serde(default)]
    receiver_phone_number1: String,
    #[serde(default)]
    zone_number: String,
}

fn untrusted(message: impl Into<String>) -> SocialError {
    SocialError::Untrusted {
        provider: NAME,
        message: message.into(),
    }
}

impl KakaoLogin {
    /// An adapter.
    pub fn new(http: reqwest::Client, config: KakaoLoginConfig) -> Self {
        Self { http, config }
    }

    /// `GET /oauth/authorize` with the shop's `state` and OIDC `nonce`.
    pub fn authorize_url(&self, state: &str, nonce: &str, redirect_uri: &str) -> String {
        let query = [
            ("client_id", self.config.client.client_id.as_str()),
            ("redirect_uri", redirect_uri),
            ("response_type", "code"),
            ("state", state),
            ("nonce", nonce),
        ];
        format!(
            "{}/oauth/authorize?{}",
            self.config.client.auth_base,
            form_urlencoded(&query)
        )
    }

    /// `POST /oauth/token` with `params` and the app's client id and secret.
    async fn token(&self, params: &[(&str, &str)]) -> Result<Tokens, SocialError> {
        let c = &self.config.client;
        let mut form = vec![
            ("client_id", c.client_id.as_str()),
            ("client_secret", c.client_secret.as_str()),
        ];
        form.extend_from_slice(params);
        read_json(
            NAME,
            self.http
                .post(format!("{}/oauth/token", c.auth_base))
                .form(&form)
                .send()
                .await,
        )
        .await
    }

    /// Code → tokens → checked id_token → profile (and 카카오싱크's terms and address).
    pub async fn sign_in(
        &self,
        code: &str,
        nonce: &str,
        redirect_uri: &str,
    ) -> Result<SocialSignIn, SocialError> {
        let tokens = self
            .token(&[
                ("grant_type", "authorization_code"),
                ("redirect_uri", redirect_uri),
                ("code", code),
            ])
            .await?;
        let id_token = tokens
            .id_token
            .as_deref()
            .ok_or_else(|| untrusted("no id_token: turn OpenID Connect on for the app"))?;
        let claims = self.verified_claims(id_token).await?;
        if claims.nonce.as_deref() != Some(nonce) {
            return Err(untrusted("the id_token carries another nonce"));
        }
        let me: Me = self.get(&tokens.access_token, "/v2/user/me").await?;
        if me.id.to_string() != claims.sub {
            return Err(untrusted("the id_token is about another account"));
        }
        let mut profile = profile_of(me);
        if self.config.sync {
            self.add_sync_data(&tokens.access_token, &mut profile)
                .await?;
        }
        Ok(SocialSignIn {
            profile,
            refresh_token: tokens.refresh_token,
        })
    }

    /// The id_token's claims once its signature, issuer, audience and expiry hold.
    async fn verified_claims(&self, id_token: &str) -> Result<IdClaims, SocialError> {
        let header = jsonwebtoken::decode_header(id_token)
            .map_err(|e| untrusted(format!("unreadable id_token: {e}")))?;
        let kid = header.kid.unwrap_or_default();
        let jwk = self
            .signing_key(&kid)
            .await?
            .ok_or_else(|| untrusted("the id_token's key is not Kakao's"))?;
        let key =
            DecodingKey::from_jwk(&jwk).map_err(|e| untrusted(format!("unusable key: {e}")))?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_audience(&[&self.config.client.client_id]);
        validation.set_issuer(&[&self.config.issuer]);
        jsonwebtoken::decode::<IdClaims>(id_token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|e| untrusted(format!("id_token refused: {e}")))
    }

    /// Kakao's public key `kid`: Kakao asks clients to keep its keys rather than fetch them per
    /// login (it may block frequent callers), so they are kept an hour per key address, and a
    /// key id not among them (a rotation) fetches them again.
    async fn signing_key(&self, kid: &str) -> Result<Option<Jwk>, SocialError> {
        let url = format!("{}/.well-known/jwks.json", self.config.client.auth_base);
        let fresh = |at: &Instant| at.elapsed() < KEYS_KEPT_FOR;
        if let Some((at, keys)) = keys_kept().get(&url)
            && fresh(at)
            && let Some(jwk) = keys.find(kid)
        {
            return Ok(Some(jwk.clone()));
        }
        let keys: JwkSet = read_json(NAME, self.http.get(&url).send().await).await?;
        let found = keys.find(kid).cloned();
        keys_kept().insert(url, (Instant::now(), keys));
        Ok(found)
    }

    async fn add_sync_data(
        &self,
        access_token: &str,
        profile: &mut SocialProfile,
    ) -> Result<(), SocialError> {
        let terms: Terms = self.get(access_token, "/v1/user/service/terms").await?;
        let agreed = |tag: &str| terms.allowed_service_terms.iter().any(|t| t.tag == tag);
        let [terms_tag, privacy_tag, age_tag] = &self.config.terms_tags;
        profile.agreed = SocialConsents {
            terms: agreed(terms_tag),
            privacy: agreed(privacy_tag),
            over_14: agreed(age_tag),
        };
        let addresses: Addresses = self.get(access_token, "/v1/user/shipping_address").await?;
        let chosen = addresses
            .shipping_addresses
            .iter()
            .find(|a| a.is_default)
            .or(addresses.shipping_addresses.first());
        profile.address = chosen.and_then(|a| {
            Some(SharedAddress {
                recipient: a.receiver_name.clone(),
                mobile: local_mobile(&a.receiver_phone_number1)?,
                postcode: a.zone_number.clone(),
                address1: a.base_address.clone(),
                address2: a.detail_address.clone(),
            })
        });
        Ok(())
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        access_token: &str,
        path: &str,
    ) -> Result<T, SocialError> {
        read_json(
            NAME,
            self.http
                .get(format!("{}{path}", self.config.client.api_base))
                .bearer_auth(access_token)
                .send()
                .await,
        )
        .await
    }

    /// Refreshes an access token from the kept refresh token, then unlinks.
    pub async fn unlink(&self, refresh_token: &str) -> Result<(), SocialError> {
        let tokens = self
            .token(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ])
            .await?;
        let _: serde_json::Value = read_json(
            NAME,
            self.http
                .post(format!("{}/v1/user/unlink", self.config.client.api_base))
                .bearer_auth(&tokens.access_token)
                .send()
                .await,
        )
        .await?;
        Ok(())
    }
}

/// The profile `/v2/user/me` describes; an e-mail counts only when Kakao verified it.
fn profile_of(me: Me) -> SocialProfile {
    let a = me.kakao_account;
    let verified = a.is_email_verified == Some(true) && a.is_email_valid != Some(false);
    SocialProfile {
        provider: SocialProvider::Kakao,
        subject: me.id.to_string(),
        email: a.email.filter(|_| verified),
        name: a.name.filter(|n| !n.trim().is_empty()),
        nickname: a.profile.and_then(|p| p.nickname),
        mobile: a.phone_number.as_deref().and_then(local_mobile),
        over_14: a.age_range.as_deref().and_then(age_range_over_14),
        agreed: SocialConsents::default(),
        address: None,
    }
}

/// `k=v&…` with each value percent-encoded.
pub(super) fn form_urlencoded(pairs: &[(&str, &str)]) -> String {
    let mut url = reqwest::Url::parse("http://x/").expect("a constant URL parses");
    url.query_pairs_mut().extend_pairs(pairs);
    url.query().unwrap_or_default().to_owned()
}
