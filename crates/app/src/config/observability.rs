//! Error reporting and metrics (`[sentry]`, `[metrics]`): both off until configured.

use super::Secret;
use serde::Deserialize;

/// Sentry error reporting.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SentryConfig {
    /// The project's DSN (`https://KEY@o0.ingest.sentry.io/PROJECT`); empty: nothing is sent.
    pub dsn: Secret,
    /// The environment events are filed under (`production`, `staging`, …).
    pub environment: String,
}

/// The Prometheus `/metrics` endpoint.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    /// A bearer token: `/metrics` answers on the shop's own address to `Authorization: Bearer
    /// TOKEN` only.
    pub token: Secret,
    /// A separate address (`127.0.0.1:9100`) serving `/metrics` without a token, for a scraper
    /// on a private network.
    pub listen: Option<String>,
}

impl MetricsConfig {
    /// Whether metrics are collected at all.
    pub fn enabled(&self) -> bool {
        !self.token.0.is_empty() || self.listen.is_some()
    }
}
