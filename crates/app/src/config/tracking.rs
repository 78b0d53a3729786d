//! Parcel tracking (`[tracking]`): the `test` tracker (parcels are delivered only when staff mark
//! them) until tracker.delivery's credentials are set.

use super::Secret;
use serde::Deserialize;

/// Which tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackingProvider {
    /// Nothing is looked up: staff mark deliveries (the demo's parcels are delivered by it).
    #[default]
    Test,
    /// tracker.delivery's API.
    TrackerDelivery,
}

/// Tracking settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrackingConfig {
    /// The provider.
    pub provider: TrackingProvider,
    /// tracker.delivery's GraphQL address.
    pub api_url: String,
    /// tracker.delivery client id.
    pub client_id: String,
    /// tracker.delivery client secret.
    pub client_secret: Secret,
}

impl Default for TrackingConfig {
    fn default() -> Self {
        Self {
            provider: TrackingProvider::Test,
            api_url: "https://apis.tracker.delivery/graphql".into(),
            client_id: String::new(),
            client_secret: Secret::default(),
        }
    }
}
