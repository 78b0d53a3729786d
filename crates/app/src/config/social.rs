//! Social-login settings (`[members.social.kakao]`, `[members.social.naver]`): a provider is
//! offered only once its client id and secret are set.

use super::Secret;
use serde::Deserialize;

/// Both providers.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SocialConfig {
    /// 카카오 로그인.
    pub kakao: KakaoSettings,
    /// 네이버 로그인.
    pub naver: NaverSettings,
}

/// Kakao Login: the app's REST API key and Client Secret (Kakao Developers › 앱 키, 보안), with
/// OpenID Connect turned on; the redirect URI to register is `{base_url}/account/login/kakao/callback`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KakaoSettings {
    /// REST API key (empty: Kakao Login off).
    pub rest_api_key: String,
    /// Client Secret.
    pub client_secret: Secret,
    /// Authorization server; its address is also the id_token issuer.
    pub auth_base: String,
    /// API server.
    pub api_base: String,
    /// 카카오싱크: read the service terms agreed in Kakao's consent screen and the shipping
    /// address (needs Kakao's review of the app).
    pub sync: bool,
    /// 카카오싱크 tag of the shop's 이용약관.
    pub terms_tag: String,
    /// Tag of 개인정보 수집·이용.
    pub privacy_tag: String,
    /// Tag of 만 14세 이상.
    pub age_tag: String,
}

impl Default for KakaoSettings {
    fn default() -> Self {
        Self {
            rest_api_key: String::new(),
            client_secret: Secret::default(),
            auth_base: "https://kauth.kakao.com".into(),
            api_base: "https://kapi.kakao.com".into(),
            sync: false,
            terms_tag: "terms".into(),
            privacy_tag: "privacy".into(),
            age_tag: "age14".into(),
        }
    }
}

/// Naver Login: the application's Client ID and Secret (Naver Developers › 내 애플리케이션); the
/// callback URL to register is `{base_url}/account/login/naver/callback`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NaverSettings {
    /// Client ID (empty: Naver Login off).
    pub client_id: String,
    /// Client Secret.
    pub client_secret: Secret,
    /// Authorization server.
    pub auth_base: String,
    /// Profile API server.
    pub api_base: String,
}

impl Default for NaverSettings {
    fn default() -> Self {
        Self {
            client_id: String::new(),
            client_secret: Secret::default(),
            auth_base: "https://nid.naver.com".into(),
            api_base: "https://openapi.naver.com".into(),
        }
    }
}
