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
    /// Bot User OAuth Token (`xoxb-…`, scope `chat:write`): answers to `@장터` mentions; empty:
    /// mentions are not answered.
    pub bot_token: Secret,
    /// Slack's Web API address.
    pub api_base: String,
}

impl Default for SlackAppConfig {
    fn default() -> Self {
        Self {
            signing_secret: Secret::default(),
            response_url_prefix: "https://hooks.slack.com/".into(),
            bot_token: Secret::default(),
            api_base: "https://slack.com/api".into(),
        }
    }
}
