//! Rules for sending messages to people.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Asia::Seoul;

/// Advertising by SMS/KakaoTalk is not sent from this hour (21:00 KST) …
pub const AD_QUIET_FROM_HOUR: u32 = 21;
/// … until this hour (08:00 KST) (정보통신망법 50조③).
pub const AD_QUIET_UNTIL_HOUR: u32 = 8;

/// When an advertising text message may be sent: `now` when outside the quiet hours, otherwise
/// the next 08:00 in Korea.
pub fn advertising_send_time(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now.with_timezone(&Seoul);
    let hour = local.hour();
    if (AD_QUIET_UNTIL_HOUR..AD_QUIET_FROM_HOUR).contains(&hour) {
        return now;
    }
    let day = if hour >= AD_QUIET_FROM_HOUR {
        local.date_naive() + Duration::days(1)
    } else {
        local.date_naive()
    };
    let morning = day.and_time(
        NaiveTime::from_hms_opt(AD_QUIET_UNTIL_HOUR, 0, 0).expect("08:00 is a valid time"),
    );
    Seoul
        .from_local_datetime(&morning)
        .single()
        .map_or(now, |t| t.with_timezone(&Utc))
}

/// Paths whose last segment is a secret that signs someone in (a password-reset token).
const SECRET_LINK_PATHS: [&str; 1] = ["/account/password-reset/"];

/// What a secret in a kept message is replaced with.
pub const REDACTED: &str = "redacted";

/// `body` with the secret of every sign-in link replaced by [`REDACTED`], or `None` when it has
/// none. A delivered message is kept as a record; a live link in it would let anyone who reads
/// the record (staff, a database copy) take over the account.
pub fn redact_secret_links(body: &str) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    let mut changed = false;
    while let Some((at, path)) = SECRET_LINK_PATHS
        .iter()
        .filter_map(|p| rest.find(p).map(|i| (i, *p)))
        .min_by_key(|(i, _)| *i)
    {
        let after = at + path.len();
        out.push_str(&rest[..after]);
        let secret_len = rest[after..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len() - after);
        if secret_len > 0 {
            out.push_str(REDACTED);
            changed = true;
        }
        rest = &rest[after + secret_len..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Events the shop tells customers about, whose channels the owner picks (알림 설정).
pub const CUSTOMER_EVENTS: [&str; 11] = [
    "order_placed",
    "payment_completed",
    "deposit_reminder",
    "shipped",
    "delivered",
    "cancelled",
    "refunded",
    "claim_status",
    "inquiry_answered",
    "review_request",
    "points_expiring",
];

/// Channels a customer message may go by: e-mail, KakaoTalk AlimTalk (SMS when KakaoTalk cannot
/// deliver or the event has no approved template), SMS.
pub const CUSTOMER_CHANNELS: [&str; 3] = ["email", "alimtalk", "sms"];

/// The owner's channels per customer event; an event never set goes by e-mail.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventChannels(std::collections::BTreeMap<String, Vec<String>>);

impl EventChannels {
    /// The channels `event` goes by (e-mail until the owner chose).
    pub fn of(&self, event: &str) -> Vec<&str> {
        match self.0.get(event) {
            Some(chosen) => CUSTOMER_CHANNELS
                .into_iter()
                .filter(|c| chosen.iter().any(|x| x == c))
                .collect(),
            None => vec!["email"],
        }
    }

    /// The choice from the ticked `(event, channel)` pairs (unknown ones ignored); every
    /// customer event is set, possibly to no channel.
    pub fn ticked<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut chosen: std::collections::BTreeMap<String, Vec<String>> = CUSTOMER_EVENTS
            .iter()
            .map(|e| ((*e).to_owned(), Vec::new()))
            .collect();
        for (event, channel) in pairs {
            if let Some(list) = chosen.get_mut(event)
                && CUSTOMER_CHANNELS.contains(&channel)
                && !list.iter().any(|c| c == channel)
            {
                list.push(channel.to_owned());
            }
        }
        Self(chosen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_links_lose_their_token() {
        let html = "<a href=\"https://s.kr/account/password-reset/Ab3_x-9\">재설정</a> \
                    https://s.kr/account/password-reset/QQ7";
        assert_eq!(
            redact_secret_links(html).as_deref(),
            Some(
                "<a href=\"https://s.kr/account/password-reset/redacted\">재설정</a> \
                 https://s.kr/account/password-reset/redacted"
            )
        );
        assert_eq!(
            redact_secret_links("주문이 접수되었습니다 /account/login"),
            None
        );
        assert_eq!(redact_secret_links("/account/password-reset/"), None);
    }

    fn kst(h: u32, m: u32) -> DateTime<Utc> {
        Seoul
            .with_ymd_and_hms(2026, 11, 23, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn advertising_waits_for_the_morning() {
        assert_eq!(advertising_send_time(kst(10, 0)), kst(10, 0));
        assert_eq!(advertising_send_time(kst(20, 59)), kst(20, 59));
        assert_eq!(
            advertising_send_time(kst(21, 0)),
            Seoul
                .with_ymd_and_hms(2026, 11, 24, 8, 0, 0)
                .unwrap()
                .with_timezone(&Utc)
        );
        assert_eq!(
            advertising_send_time(kst(23, 30)),
            Seoul
                .with_ymd_and_hms(2026, 11, 24, 8, 0, 0)
                .unwrap()
                .with_timezone(&Utc)
        );
        assert_eq!(advertising_send_time(kst(0, 10)), kst(8, 0));
        assert_eq!(advertising_send_time(kst(7, 59)), kst(8, 0));
        assert_eq!(advertising_send_time(kst(8, 0)), kst(8, 0));
    }
}

#[cfg(test)]
mod event_channel_tests {
    use super::*;

    #[test]
    fn events_go_by_email_until_the_owner_chooses() {
        let unset = EventChannels::default();
        assert_eq!(unset.of("shipped"), vec!["email"]);
        let chosen = EventChannels::ticked([
            ("shipped", "alimtalk"),
            ("shipped", "email"),
            ("shipped", "fax"),
            ("nonsense", "sms"),
        ]);
        assert_eq!(chosen.of("shipped"), vec!["email", "alimtalk"]);
        assert!(chosen.of("delivered").is_empty(), "set to nothing");
        assert_eq!(
            chosen.of("restock"),
            vec!["email"],
            "not the owner's to choose"
        );
    }
}
