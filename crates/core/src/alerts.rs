//! Staff alerts (issue 18): what the shop tells its staff as it happens — a paid order (above an
//! amount the owner sets), a deposit, a return or exchange filed, an inquiry, a SKU running low,
//! a job that gave up, payments that do not reconcile, a server error — each by Slack and/or
//! e-mail as the owner chose.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every alert, in the order the settings page lists them.
pub const STAFF_ALERTS: [&str; 8] = [
    "paid_order",
    "deposit_received",
    "claim_filed",
    "inquiry_received",
    "low_stock",
    "job_dead",
    "reconciliation",
    "server_error",
];

/// Where one alert goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRoute {
    /// To the staff Slack channel.
    pub slack: bool,
    /// To the alert e-mail addresses.
    pub email: bool,
}

/// The owner's alert rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRules {
    /// Route per alert; an alert never set goes by [`AlertRules::default_route`].
    #[serde(default)]
    pub routes: BTreeMap<String, AlertRoute>,
    /// Paid orders below this many won raise no alert (0: every order).
    #[serde(default)]
    pub paid_order_min: i64,
    /// Addresses alert e-mails go to (none: the shop's business address).
    #[serde(default)]
    pub emails: Vec<String>,
    /// The Slack channel of an alert (`#주문알림`, `C0123ABCD`), posted by the app's bot; an
    /// alert without one goes to the incoming webhook's channel.
    #[serde(default)]
    pub slack_channels: BTreeMap<String, String>,
}

/// Text that names no Slack channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotASlackChannel;

/// A Slack channel as staff write it: `#name` (letters, digits, `-`, `_`; Korean too) or a
/// channel id (`C0123ABCD`). `Ok(None)`: left empty.
pub fn slack_channel(raw: &str) -> Result<Option<String>, NotASlackChannel> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let named = raw.strip_prefix('#').is_some_and(|name| {
        (1..=80).contains(&name.chars().count())
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    });
    let id = raw.len() >= 9
        && raw.starts_with(['C', 'G'])
        && raw
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if named || id {
        Ok(Some(raw.to_owned()))
    } else {
        Err(NotASlackChannel)
    }
}

impl AlertRules {
    /// Until the owner chooses: everything to Slack (the outbox while no webhook is set); by
    /// e-mail only what needs a person soon (claims, inquiries, failures), not every order.
    pub fn default_route(kind: &str) -> AlertRoute {
        AlertRoute {
            slack: true,
            email: matches!(
                kind,
                "claim_filed" | "inquiry_received" | "job_dead" | "reconciliation" | "server_error"
            ),
        }
    }

    /// The Slack channel `kind` is posted to, if the owner chose one.
    pub fn slack_channel(&self, kind: &str) -> Option<&str> {
        self.slack_channels.get(kind).map(String::as_str)
    }

    /// Where `kind` goes.
    pub fn route(&self, kind: &str) -> AlertRoute {
        self.routes
            .get(kind)
            .copied()
            .unwrap_or_else(|| Self::default_route(kind))
    }

    /// Whether a paid order of `total` won raises an alert.
    pub fn alerts_order(&self, total: i64) -> bool {
        total >= self.paid_order_min
    }

    /// Where an alert about `amount` won (a paid order's total) goes: nowhere for a paid order
    /// below the minimum, else as [`AlertRules::route`].
    pub fn route_for(&self, kind: &str, amount: Option<i64>) -> AlertRoute {
        match amount {
            Some(total) if kind == "paid_order" && !self.alerts_order(total) => {
                AlertRoute::default()
            }
            _ => self.route(kind),
        }
    }

    /// Rules from the ticked `(alert, channel)` pairs of the settings form; unknown names are
    /// dropped.
    pub fn ticked<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        paid_order_min: i64,
        emails: Vec<String>,
    ) -> AlertRules {
        let mut routes: BTreeMap<String, AlertRoute> = STAFF_ALERTS
            .iter()
            .map(|k| ((*k).to_owned(), AlertRoute::default()))
            .collect();
        for (kind, channel) in pairs {
            if let Some(route) = routes.get_mut(kind) {
                match channel {
                    "slack" => route.slack = true,
                    "email" => route.email = true,
                    _ => {}
                }
            }
        }
        AlertRules {
            routes,
            paid_order_min: paid_order_min.max(0),
            emails,
            slack_channels: BTreeMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_channels_are_names_or_ids() {
        assert_eq!(slack_channel(" #주문-알림 "), Ok(Some("#주문-알림".into())));
        assert_eq!(slack_channel("C0123ABCD"), Ok(Some("C0123ABCD".into())));
        assert_eq!(slack_channel(""), Ok(None));
        for wrong in ["orders", "#", "#two words", "c0123abcd", "#a<b>"] {
            assert_eq!(slack_channel(wrong), Err(NotASlackChannel), "{wrong}");
        }
    }

    #[test]
    fn defaults_keep_every_order_out_of_the_inbox() {
        let rules = AlertRules::default();
        assert_eq!(
            rules.route("paid_order"),
            AlertRoute {
                slack: true,
                email: false
            }
        );
        assert!(rules.route("server_error").email);
        assert!(rules.alerts_order(0));
    }

    #[test]
    fn the_owners_ticks_replace_the_defaults() {
        let rules = AlertRules::ticked(
            [
                ("paid_order", "email"),
                ("nonsense", "slack"),
                ("low_stock", "fax"),
            ],
            100_000,
            vec!["ops@example.com".into()],
        );
        assert_eq!(
            rules.route("paid_order"),
            AlertRoute {
                slack: false,
                email: true
            }
        );
        assert_eq!(rules.route("low_stock"), AlertRoute::default());
        assert!(!rules.alerts_order(99_999) && rules.alerts_order(100_000));
        assert_eq!(
            rules.route_for("paid_order", Some(99_999)),
            AlertRoute::default()
        );
        assert!(rules.route_for("paid_order", Some(100_000)).email);
        assert!(!rules.routes.contains_key("nonsense"));
    }
}
