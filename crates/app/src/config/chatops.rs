//! The Slack app behind `/장터` (`[slack]`): off until its signing secret is set.

use super::Secret;
use serde::Deserialize;

/// The Slack app's settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlackAppConfig {
    /// Signing Secret (Slack › Basic Information › App Credentials); empty: ChatOps off.
    pub signing_secret: Secret,
    /// Where Slack's `response_url`s point; answers go only there.
    pub response_url_prefix: String,
}

impl Default for SlackAppConfig {
    fn default() -> Self {
        Self {
            signing_secret: Secret::default(),
            response_url_prefix: "https://hooks.slack.com/".into(),
        }
    }
}
