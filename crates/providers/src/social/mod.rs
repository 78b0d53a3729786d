//! Social login over OAuth 2.0 (`KOREAN-COMMERCE.md` §2): the authorization-code flow with a
//! `state` the shop checks; Kakao adds OpenID Connect (an `id_token` signed by Kakao, carrying
//! the `nonce` the shop sent) and 카카오싱크 (service terms agreed in Kakao's consent screen, the
//! shipping address). The adapters return what the provider vouches for as a [`SocialProfile`].

pub mod kakao;
pub mod naver;

use jangteo_core::social::{SocialProfile, SocialProvider};
use serde::Deserialize;

/// A provider's client registration.
#[derive(Clone)]
pub struct SocialClientConfig {
    /// Kakao: the REST API key; Naver: the Client ID.
    pub client_id: String,
    /// Kakao: the Client Secret (when the app turned it on); Naver: the Client Secret.
    pub client_secret: String,
    /// The authorization server (`https://kauth.kakao.com`, `https://nid.naver.com`; a fake's
    /// address in tests).
    pub auth_base: String,
    /// The API server (`https://kapi.kakao.com`, `https://openapi.naver.com`).
    pub api_base: String,
}

impl std::fmt::Debug for SocialClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocialClientConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("auth_base", &self.auth_base)
            .field("api_base", &self.api_base)
            .finish()
    }
}

/// Why a social login did not come through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SocialError {
    /// The provider refused (bad code, wrong credentials, an unlinked account).
    #[error("{provider} refused: {code} {message}")]
    Rejected {
        /// Provider.
        provider: &'static str,
        /// Its error code.
        code: String,
        /// Its message.
        message: String,
    },
    /// The answer does not prove what it should (an id_token with another nonce, audience or
    /// a bad signature): someone may be replaying or forging a login.
    #[error("{provider}: untrusted answer: {message}")]
    Untrusted {
        /// Provider.
        provider: &'static str,
        /// What did not hold.
        message: String,
    },
    /// Unreachable, timed out, or an answer the adapter cannot read.
    #[error("{provider} unavailable: {message}")]
    Unavailable {
        /// Provider.
        provider: &'static str,
        /// What went wrong.
        message: String,
    },
}

/// What a completed login gives: the profile, and the refresh token the shop keeps (sealed)
/// so that it can unlink the account later.
#[derive(Debug, Clone)]
pub struct SocialSignIn {
    /// Who logged in.
    pub profile: SocialProfile,
    /// Refresh token, when issued.
    pub refresh_token: Option<String>,
}

/// One configured provider.
#[derive(Debug, Clone)]
pub enum SocialLogin {
    /// Kakao.
    Kakao(kakao::KakaoLogin),
    /// Naver.
    Naver(naver::NaverLogin),
}

impl SocialLogin {
    /// Which provider.
    pub fn provider(&self) -> SocialProvider {
        match self {
            SocialLogin::Kakao(_) => SocialProvider::Kakao,
            SocialLogin::Naver(_) => SocialProvider::Naver,
        }
    }

    /// Where the browser goes to log in.
    pub fn authorize_url(&self, state: &str, nonce: &str, redirect_uri: &str) -> String {
        match self {
            SocialLogin::Kakao(k) => k.authorize_url(state, nonce, redirect_uri),
            SocialLogin::Naver(n) => n.authorize_url(state, redirect_uri),
        }
    }

    /// Exchanges the code the browser brought back and reads the profile.
    pub async fn sign_in(
        &self,
        code: &str,
        state: &str,
        nonce: &str,
        redirect_uri: &str,
    ) -> Result<SocialSignIn, SocialError> {
        match self {
            SocialLogin::Kakao(k) => k.sign_in(code, nonce, redirect_uri).await,
            SocialLogin::Naver(n) => n.sign_in(code, state).await,
        }
    }

    /// Ends the shop's link at the provider (the member's consent to the app is withdrawn).
    pub async fn unlink(&self, refresh_token: &str) -> Result<(), SocialError> {
        match self {
            SocialLogin::Kakao(k) => k.unlink(refresh_token).await,
            SocialLogin::Naver(n) => n.unlink(refresh_token).await,
        }
    }
}

/// The `{error, error_description}` body both providers send.
#[derive(Debug, Deserialize)]
struct OAuthError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// Reads a JSON answer, turning the provider's error body or an unreadable one into errors.
async fn read_json<T: serde::de::DeserializeOwned>(
    provider: &'static str,
    response: Result<reqwest::Response, reqwest::Error>,
) -> Result<T, SocialError> {
    let unavailable = |message: String| SocialError::Unavailable { provider, message };
    let response = response.map_err(|e| unavailable(e.to_string()))?;
    let status = response.status();
    let body = response
        .text()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    // Naver answers token errors with 200 and an `error` field.
    if let Ok(err) = serde_json::from_str::<OAuthError>(&body) {
        return Err(SocialError::Rejected {
            provider,
            code: err.error,
            message: err.error_description.unwrap_or_default(),
        });
    }
    if !status.is_success() {
        return Err(SocialError::Rejected {
            provider,
            code: status.as_u16().to_string(),
            message: body.chars().take(200).collect(),
        });
    }
    serde_json::from_str(&body).map_err(|e| unavailable(format!("unreadable answer: {e}")))
}
