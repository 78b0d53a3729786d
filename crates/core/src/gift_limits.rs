//! Limits on buying gift cards (issue 16): gift-card shops are a favourite of voice-phishing
//! and stolen cards, whose money leaves as codes within minutes. Caps per member per day and
//! per month by verification level, a cap on a member's first gift-card order, a waiting period
//! after sign-up, members only, and a bank deposit only from the verified name — all the
//! owner's to set.

use crate::Won;
use serde::{Deserialize, Serialize};

/// The owner's limits (a cap of 0 means none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GiftCardLimits {
    /// Guests may not buy gift cards (nothing to limit them by).
    pub members_only: bool,
    /// Per member per day without 본인인증 in the session.
    pub daily_unverified: Won,
    /// Per member per day with it.
    pub daily_verified: Won,
    /// Per member per calendar month without it.
    pub monthly_unverified: Won,
    /// Per member per calendar month with it.
    pub monthly_verified: Won,
    /// A member's first gift-card order at most.
    pub first_purchase: Won,
    /// Hours after sign-up before a member may buy gift cards.
    pub new_member_wait_hours: i64,
    /// A bank deposit for gift cards comes from the name verified in the session.
    pub depositor_must_match: bool,
}

impl Default for GiftCardLimits {
    fn default() -> Self {
        Self {
            members_only: true,
            daily_unverified: Won(100_000),
            daily_verified: Won(500_000),
            monthly_unverified: Won(300_000),
            monthly_verified: Won(2_000_000),
            first_purchase: Won(100_000),
            new_member_wait_hours: 0,
            depositor_must_match: true,
        }
    }
}

impl GiftCardLimits {
    /// The first cap that contradicts another, as (field, code): a cap before 본인인증 above
    /// (or without) the one after it would make verifying lower the cap, and a day may not
    /// allow more than its month.
    pub fn contradiction(&self) -> Option<(&'static str, &'static str)> {
        let above = |lower: Won, upper: Won| upper.0 > 0 && (lower.0 <= 0 || lower.0 > upper.0);
        if above(self.daily_unverified, self.daily_verified) {
            return Some(("daily_unverified", "limit_above_verified"));
        }
        if above(self.monthly_unverified, self.monthly_verified) {
            return Some(("monthly_unverified", "limit_above_verified"));
        }
        // No daily cap under a monthly one is fine: the month caps every day.
        let day_above = |day: Won, month: Won| day.0 > 0 && month.0 > 0 && day.0 > month.0;
        if day_above(self.daily_unverified, self.monthly_unverified) {
            return Some(("daily_unverified", "limit_above_monthly"));
        }
        if day_above(self.daily_verified, self.monthly_verified) {
            return Some(("daily_verified", "limit_above_monthly"));
        }
        None
    }
}

/// A member's gift-card history as the limits read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GiftCardHistory {
    /// Hours since the member signed up.
    pub member_for_hours: i64,
    /// Gift-card orders placed today (Korean day), not cancelled.
    pub spent_today: Won,
    /// … this calendar month.
    pub spent_this_month: Won,
    /// Gift-card orders ever placed, not cancelled.
    pub earlier_orders: i64,
}

/// One attempt to buy gift cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GiftCardAttempt<'a> {
    /// The member's history (`None`: a guest).
    pub member: Option<GiftCardHistory>,
    /// The name verified in this session (`None`: not verified).
    pub verified_name: Option<&'a str>,
    /// What this order costs.
    pub amount: Won,
    /// The depositor named for a bank deposit (`None`: another method).
    pub depositor: Option<&'a str>,
}

/// Why an attempt is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitRefusal {
    /// Guests do not buy gift cards.
    MembersOnly,
    /// The member signed up too recently.
    NewMember,
    /// Over the first-purchase cap.
    FirstPurchase,
    /// Over today's cap.
    Daily,
    /// Over this month's cap.
    Monthly,
    /// A bank deposit without 본인인증 in the session.
    DepositorUnverified,
    /// A depositor other than the verified name.
    DepositorName,
}

impl LimitRefusal {
    /// The stored and shown code.
    pub fn code(self) -> &'static str {
        match self {
            LimitRefusal::MembersOnly => "gift_limit_members_only",
            LimitRefusal::NewMember => "gift_limit_new_member",
            LimitRefusal::FirstPurchase => "gift_limit_first_purchase",
            LimitRefusal::Daily => "gift_limit_daily",
            LimitRefusal::Monthly => "gift_limit_monthly",
            LimitRefusal::DepositorUnverified => "gift_limit_depositor_unverified",
            LimitRefusal::DepositorName => "gift_limit_depositor_name",
        }
    }
}

/// A name as banks print it: no spaces, one case.
fn bank_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `cap` (0: none) allows `spent + amount`.
fn within(cap: Won, spent: Won, amount: Won) -> bool {
    cap.0 <= 0 || spent.0.saturating_add(amount.0) <= cap.0
}

/// Checks one attempt against the owner's limits.
pub fn check_gift_card_limits(
    limits: &GiftCardLimits,
    attempt: &GiftCardAttempt<'_>,
) -> Result<(), LimitRefusal> {
    let history = match attempt.member {
        Some(h) => h,
        None if limits.members_only => return Err(LimitRefusal::MembersOnly),
        None => GiftCardHistory {
            member_for_hours: i64::MAX,
            ..GiftCardHistory::default()
        },
    };
    if history.member_for_hours < limits.new_member_wait_hours {
        return Err(LimitRefusal::NewMember);
    }
    if history.earlier_orders == 0 && !within(limits.first_purchase, Won(0), attempt.amount) {
        return Err(LimitRefusal::FirstPurchase);
    }
    let verified = attempt.verified_name.is_some();
    let (daily, monthly) = if verified {
        (limits.daily_verified, limits.monthly_verified)
    } else {
        (limits.daily_unverified, limits.monthly_unverified)
    };
    if !within(daily, history.spent_today, attempt.amount) {
        return Err(LimitRefusal::Daily);
    }
    if !within(monthly, history.spent_this_month, attempt.amount) {
        return Err(LimitRefusal::Monthly);
    }
    if let (Some(depositor), true) = (attempt.depositor, limits.depositor_must_match) {
        let Some(name) = attempt.verified_name else {
            return Err(LimitRefusal::DepositorUnverified);
        };
        if bank_name(depositor) != bank_name(name) {
            return Err(LimitRefusal::DepositorName);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(spent_today: i64, spent_this_month: i64, earlier_orders: i64) -> GiftCardHistory {
        GiftCardHistory {
            member_for_hours: 1_000,
            spent_today: Won(spent_today),
            spent_this_month: Won(spent_this_month),
            earlier_orders,
        }
    }

    fn attempt(member: Option<GiftCardHistory>, amount: i64) -> GiftCardAttempt<'static> {
        GiftCardAttempt {
            member,
            verified_name: None,
            amount: Won(amount),
            depositor: None,
        }
    }

    #[test]
    fn caps_follow_the_verification_level() {
        let limits = GiftCardLimits::default();
        let check = |a: &GiftCardAttempt<'_>| check_gift_card_limits(&limits, a);
        assert_eq!(
            check(&attempt(None, 10_000)),
            Err(LimitRefusal::MembersOnly)
        );
        assert_eq!(check(&attempt(Some(member(0, 0, 0)), 100_000)), Ok(()));
        assert_eq!(
            check(&attempt(Some(member(0, 0, 0)), 100_001)),
            Err(LimitRefusal::FirstPurchase)
        );
        assert_eq!(
            check(&attempt(Some(member(90_000, 90_000, 1)), 20_000)),
            Err(LimitRefusal::Daily)
        );
        let verified = GiftCardAttempt {
            verified_name: Some("김장터"),
            ..attempt(Some(member(90_000, 90_000, 1)), 20_000)
        };
        assert_eq!(check(&verified), Ok(()), "a verified member may buy more");
        assert_eq!(
            check(&attempt(Some(member(0, 290_000, 3)), 20_000)),
            Err(LimitRefusal::Monthly)
        );
        let none = GiftCardLimits {
            daily_unverified: Won(0),
            monthly_unverified: Won(0),
            first_purchase: Won(0),
            members_only: false,
            ..limits
        };
        assert_eq!(
            check_gift_card_limits(&none, &attempt(None, 9_000_000)),
            Ok(()),
            "0 is no cap"
        );
    }

    #[test]
    fn new_members_wait_and_deposits_come_from_the_verified_name() {
        let limits = GiftCardLimits {
            new_member_wait_hours: 24,
            ..GiftCardLimits::default()
        };
        let fresh = GiftCardHistory {
            member_for_hours: 3,
            ..member(0, 0, 0)
        };
        assert_eq!(
            check_gift_card_limits(&limits, &attempt(Some(fresh), 10_000)),
            Err(LimitRefusal::NewMember)
        );
        let deposit = |verified: Option<&'static str>, depositor: &'static str| GiftCardAttempt {
            verified_name: verified,
            depositor: Some(depositor),
            ..attempt(Some(member(0, 0, 1)), 10_000)
        };
        assert_eq!(
            check_gift_card_limits(&limits, &deposit(None, "김장터")),
            Err(LimitRefusal::DepositorUnverified)
        );
        assert_eq!(
            check_gift_card_limits(&limits, &deposit(Some("김장터"), "박도용")),
            Err(LimitRefusal::DepositorName)
        );
        assert_eq!(
            check_gift_card_limits(&limits, &deposit(Some("김장터"), " 김 장터 ")),
            Ok(())
        );
        assert_eq!(LimitRefusal::Daily.code(), "gift_limit_daily");
    }

    #[test]
    fn contradicting_caps_are_named() {
        assert_eq!(GiftCardLimits::default().contradiction(), None);
        let unverified_above = GiftCardLimits {
            daily_unverified: Won(600_000),
            ..GiftCardLimits::default()
        };
        assert_eq!(
            unverified_above.contradiction(),
            Some(("daily_unverified", "limit_above_verified"))
        );
        let unverified_uncapped = GiftCardLimits {
            monthly_unverified: Won(0),
            ..GiftCardLimits::default()
        };
        assert_eq!(
            unverified_uncapped.contradiction(),
            Some(("monthly_unverified", "limit_above_verified"))
        );
        let day_above_month = GiftCardLimits {
            daily_verified: Won(3_000_000),
            ..GiftCardLimits::default()
        };
        assert_eq!(
            day_above_month.contradiction(),
            Some(("daily_verified", "limit_above_monthly"))
        );
        let none_capped = GiftCardLimits {
            daily_unverified: Won(0),
            daily_verified: Won(0),
            monthly_unverified: Won(0),
            monthly_verified: Won(0),
            ..GiftCardLimits::default()
        };
        assert_eq!(none_capped.contradiction(), None);
        let monthly_only = GiftCardLimits {
            daily_unverified: Won(0),
            daily_verified: Won(0),
            ..GiftCardLimits::default()
        };
        assert_eq!(monthly_only.contradiction(), None);
    }
}
