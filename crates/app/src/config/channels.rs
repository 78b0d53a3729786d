//! Other sales channels (`[channels.smartstore]`, `[channels.coupang]`): each off until its
//! credentials are set.

use super::Secret;
use serde::Deserialize;

/// The sales channels whose orders the shop imports.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChannelsConfig {
    /// Naver SmartStore (커머스API).
    pub smartstore: SmartStoreChannelConfig,
    /// Coupang (Wing Open API).
    pub coupang: CoupangChannelConfig,
}

/// Coupang Wing: the vendor and its Open API keys (Wing › 판매자정보 › 추가판매정보 › OPEN API 키).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CoupangChannelConfig {
    /// 업체코드 (`A00012345`).
    pub vendor_id: String,
    /// Access key.
    pub access_key: String,
    /// Secret key.
    pub secret_key: Secret,
    /// The API's address.
    pub api_base: String,
}

impl Default for CoupangChannelConfig {
    fn default() -> Self {
        Self {
            vendor_id: String::new(),
            access_key: String::new(),
            secret_key: Secret::default(),
            api_base: "https://api-gateway.coupang.com".into(),
        }
    }
}

impl CoupangChannelConfig {
    /// Whether orders are imported.
    pub fn enabled(&self) -> bool {
        [&self.vendor_id, &self.access_key, &self.secret_key.0]
            .iter()
            .all(|v| !v.trim().is_empty())
    }
}

/// Naver SmartStore: the application registered at the 커머스API 센터 (calls must come from its
/// registered server addresses).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmartStoreChannelConfig {
    /// 애플리케이션 ID.
    pub client_id: String,
    /// 애플리케이션 시크릿 (`$2a$04$…`).
    pub client_secret: Secret,
    /// The API's address.
    pub api_base: String,
}

impl Default for SmartStoreChannelConfig {
    fn default() -> Self {
        Self {
            client_id: String::new(),
            client_secret: Secret::default(),
            api_base: "https://api.commerce.naver.com/external".into(),
        }
    }
}

impl SmartStoreChannelConfig {
    /// Whether orders are imported.
    pub fn enabled(&self) -> bool {
        !self.client_id.trim().is_empty() && !self.client_secret.0.trim().is_empty()
    }
}
