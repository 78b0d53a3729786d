//! Other sales channels (`[channels.smartstore]`): each off until its credentials are set.

use super::Secret;
use serde::Deserialize;

/// The sales channels whose orders the shop imports.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChannelsConfig {
    /// Naver SmartStore (커머스API).
    pub smartstore: SmartStoreChannelConfig,
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
