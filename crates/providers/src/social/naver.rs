//! 네이버 로그인: `GET {nid}/oauth2.0/authorize` with the shop's `state`, `GET {nid}/oauth2.0/token`
//! (errors come back as 200 with an `error` field), `GET {openapi}/v1/nid/me`; unlinking by
//! `grant_type=delete` with a token refreshed from the one kept. Naver has no OIDC: the `state`
//! the shop checks is the whole defence against a forged return.

use super::kakao::form_urlencoded;
use super::{SocialClientConfig, SocialError, SocialSignIn, read_json};
use jangteo_core::social::{
    SocialConsents, SocialProfile, SocialProvider, age_range_over_14, local_mobile,
};
use serde::Deserialize;

const NAME: &str = "naver";

/// The Naver adapter.
#[derive(Debug, Clone)]
pub struct NaverLogin {
    http: reqwest::Client,
    config: SocialClientConfig,
}

#[derive(Deserialize)]
struct Tokens {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct Me {
    resultcode: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    response: Option<Person>,
}

#[derive(Deserialize)]
struct Person {
    id: String,
    #[serde(default)]
    nickname: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    mobile: Option<String>,
    #[serde(default)]
    age: Option<String>,
}

impl NaverLogin {
    /// An adapter.
    pub fn new(http: reqwest::Client, config: SocialClientConfig) -> Self {
        Self { http, config }
    }

    /// `GET /oauth2.0/authorize` with the shop's `state`.
    pub fn authorize_url(&self, state: &str, redirect_uri: &str) -> String {
        let query = [
            ("response_type", "code"),
            ("client_id", self.config.client_id.as_str()),
            ("redirect_uri", redirect_uri),
            ("state", state),
        ];
        format!(
            "{}/oauth2.0/authorize?{}",
            self.config.auth_base,
            form_urlencoded(&query)
        )
    }

    async fn token(&self, params: &[(&str, &str)]) -> Result<Tokens, SocialError> {
        read_json(
            NAME,
            self.http
                .get(format!("{}/oauth2.0/token", self.config.auth_base))
                .query(params)
                .send()
                .await,
        )
        .await
    }

    /// Code → tokens → profile.
    pub async fn sign_in(&self, code: &str, state: &str) -> Result<SocialSignIn, SocialError> {
        let c = &self.config;
        let tokens = self
            .token(&[
                ("grant_type", "authorization_code"),
                ("client_id", c.client_id.as_str()),
                ("client_secret", c.client_secret.as_str()),
                ("code", code),
                ("state", state),
            ])
            .await?;
        let me: Me = read_json(
            NAME,
            self.http
                .get(format!("{}/v1/nid/me", c.api_base))
                .bearer_auth(&tokens.access_token)
                .send()
                .await,
        )
        .await?;
        let person = match me {
            Me {
                resultcode,
                response: Some(person),
                ..
            } if resultcode == "00" => person,
            Me {
                resultcode,
                message,
                ..
            } => {
                return Err(SocialError::Rejected {
                    provider: NAME,
                    code: resultcode,
                    message,
                });
            }
        };
        Ok(SocialSignIn {
            profile: SocialProfile {
                provider: SocialProvider::Naver,
                subject: person.id,
                // Naver shares the member's verified contact e-mail.
                email: person.email.filter(|e| e.contains('@')),
                name: person.name.filter(|n| !n.trim().is_empty()),
                nickname: person.nickname,
                mobile: person.mobile.as_deref().and_then(local_mobile),
                over_14: person.age.as_deref().and_then(age_range_over_14),
                agreed: SocialConsents::default(),
                address: None,
            },
            refresh_token: tokens.refresh_token,
        })
    }

    /// Refreshes an access token from the kept refresh token, then deletes the link.
    pub async fn unlink(&self, refresh_token: &str) -> Result<(), SocialError> {
        let c = &self.config;
        let tokens = self
            .token(&[
                ("grant_type", "refresh_token"),
                ("client_id", c.client_id.as_str()),
                ("client_secret", c.client_secret.as_str()),
                ("refresh_token", refresh_token),
            ])
            .await?;
        let _: serde_json::Value = read_json(
            NAME,
            self.http
                .get(format!("{}/oauth2.0/token", c.auth_base))
                .query(&[
                    ("grant_type", "delete"),
                    ("client_id", c.client_id.as_str()),
                    ("client_secret", c.client_secret.as_str()),
                    ("access_token", tokens.access_token.as_str()),
                    ("service_provider", "NAVER"),
                ])
                .send()
                .await,
        )
        .await?;
        Ok(())
    }
}
