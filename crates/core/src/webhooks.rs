//! Outgoing webhooks (issue 19): the events an integration may subscribe to, and what makes an
//! endpoint acceptable. Deliveries are signed per Standard Webhooks (`webhook-id`,
//! `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>`) by the providers layer.

/// The events, as named in a delivery's `type`.
pub const WEBHOOK_EVENTS: [&str; 6] = [
    "order.paid",
    "order.shipped",
    "order.delivered",
    "order.cancelled",
    "claim.created",
    "stock.low",
];

/// Why an endpoint is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointRefusal {
    /// Not an http(s) address.
    BadUrl,
    /// No event chosen.
    NoEvents,
}

impl EndpointRefusal {
    /// The message code.
    pub fn code(self) -> &'static str {
        match self {
            EndpointRefusal::BadUrl => "invalid_webhook_url",
            EndpointRefusal::NoEvents => "no_webhook_events",
        }
    }
}

/// The address and events of a new endpoint, checked: (url, known events in catalogue order).
pub fn endpoint(
    url: &str,
    ticked: &[&str],
) -> Result<(String, Vec<&'static str>), EndpointRefusal> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or(EndpointRefusal::BadUrl)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || url.len() > 500 || url.chars().any(char::is_whitespace) {
        return Err(EndpointRefusal::BadUrl);
    }
    let events: Vec<&'static str> = WEBHOOK_EVENTS
        .iter()
        .copied()
        .filter(|e| ticked.contains(e))
        .collect();
    if events.is_empty() {
        return Err(EndpointRefusal::NoEvents);
    }
    Ok((url.to_owned(), events))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_need_an_http_address_and_an_event() {
        let (url, events) = endpoint(
            " https://erp.example.com/hooks ",
            &["stock.low", "x", "order.paid"],
        )
        .unwrap();
        assert_eq!(url, "https://erp.example.com/hooks");
        assert_eq!(events, ["order.paid", "stock.low"]);
        assert_eq!(
            endpoint("ftp://x", &["order.paid"]),
            Err(EndpointRefusal::BadUrl)
        );
        assert_eq!(
            endpoint("https:///x", &["order.paid"]),
            Err(EndpointRefusal::BadUrl)
        );
        assert_eq!(
            endpoint("http://127.0.0.1:9/a", &[]),
            Err(EndpointRefusal::NoEvents)
        );
    }
}
