//! Claims after delivery (반품/교환): until when a buyer may file each kind, who pays the return
//! shipping, and the claim state machine. The windows follow docs/ARCHITECTURE.md §4 and
//! docs/PROVIDERS.md §10 (not legal advice): days are Korean calendar days, the day of receipt or
//! discovery not counted (민법 제157조), a window closes at the end of its last day. A shop may
//! grant longer windows by policy, never shorter ones.

use crate::time::{business_date, start_of_business_day};
use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use std::fmt;
use std::str::FromStr;

/// Why the buyer claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClaimKind {
    /// 단순변심: change of mind (전자상거래법 제17조①).
    ChangeOfMind,
    /// 표시·광고 또는 계약과 다름: not as advertised or contracted (제17조③).
    NotAsDescribed,
    /// 하자: a defect that existed at delivery (민법 제580·575·582조).
    Defect,
}

impl ClaimKind {
    /// Every kind, in the order a form offers them.
    pub const ALL: [ClaimKind; 3] = [
        ClaimKind::ChangeOfMind,
        ClaimKind::NotAsDescribed,
        ClaimKind::Defect,
    ];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::ChangeOfMind => "change_of_mind",
            ClaimKind::NotAsDescribed => "not_as_described",
            ClaimKind::Defect => "defect",
        }
    }

    /// Whether the buyer must say when they found the problem (the window runs from then).
    pub fn needs_discovery_date(self) -> bool {
        !matches!(self, ClaimKind::ChangeOfMind)
    }

    /// Who pays the return shipping: the buyer after a change of mind (제18조⑨), the seller
    /// otherwise (제18조⑩, and the seller's warranty).
    pub fn buyer_pays_return(self) -> bool {
        matches!(self, ClaimKind::ChangeOfMind)
    }
}

/// An unknown stored claim kind or status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown claim value: {0}")]
pub struct UnknownClaimValue(pub String);

impl FromStr for ClaimKind {
    type Err = UnknownClaimValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ClaimKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownClaimValue(s.to_owned()))
    }
}

impl TryFrom<String> for ClaimKind {
    type Error = UnknownClaimValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for ClaimKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the buyer asks for: their money back or the same goods again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClaimResolution {
    /// 반품: the goods go back and the money is refunded.
    Return,
    /// 교환: the goods go back and a replacement is sent.
    Exchange,
}

impl ClaimResolution {
    /// Both, in the order a form offers them.
    pub const ALL: [ClaimResolution; 2] = [ClaimResolution::Return, ClaimResolution::Exchange];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimResolution::Return => "return",
            ClaimResolution::Exchange => "exchange",
        }
    }

    /// Whether a claim asking for this may end in `to`: a refund only for a return, a
    /// replacement only for an exchange.
    pub fn allows(self, to: ClaimStatus) -> bool {
        match to {
            ClaimStatus::Refunded => self == ClaimResolution::Return,
            ClaimStatus::Exchanged => self == ClaimResolution::Exchange,
            _ => true,
        }
    }
}

impl FromStr for ClaimResolution {
    type Err = UnknownClaimValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ClaimResolution::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownClaimValue(s.to_owned()))
    }
}

impl TryFrom<String> for ClaimResolution {
    type Error = UnknownClaimValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for ClaimResolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The shop's claim policy: at least the statutory windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimPolicy {
    /// Days after receipt for a change of mind (7 by law; more if the shop grants it).
    pub change_of_mind_days: u32,
}

impl Default for ClaimPolicy {
    fn default() -> Self {
        Self {
            change_of_mind_days: 7,
        }
    }
}

impl ClaimPolicy {
    /// A policy from configuration; shorter than the law allows is raised to the law.
    pub fn new(change_of_mind_days: u32) -> Self {
        Self {
            change_of_mind_days: change_of_mind_days.clamp(7, 365),
        }
    }
}

/// The instant a window closes: the end of the `days`-th Korean day after `from`'s day.
fn end_of_day_after(from: NaiveDate, days: u64) -> DateTime<Utc> {
    let last = from.checked_add_days(Days::new(days)).unwrap_or(from);
    start_of_business_day(last.succ_opt().unwrap_or(last))
}

/// The end of the day `months` calendar months after `from` (the same day number, or the
/// month's last day when it has none: 민법 제160조).
fn end_of_months_after(from: NaiveDate, months: u32) -> DateTime<Utc> {
    let last = from.checked_add_months(Months::new(months)).unwrap_or(from);
    start_of_business_day(last.succ_opt().unwrap_or(last))
}

/// When a claim of `kind` can no longer be filed (exclusive), for goods received at `received`
/// whose problem the buyer found (or could have found) at `discovered`. `None`: a kind that
/// needs a discovery date was given none.
pub fn claim_deadline(
    kind: ClaimKind,
    policy: ClaimPolicy,
    received: DateTime<Utc>,
    discovered: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    let received_day = business_date(received);
    match kind {
        ClaimKind::ChangeOfMind => Some(end_of_day_after(
            received_day,
            u64::from(policy.change_of_mind_days.max(7)),
        )),
        ClaimKind::NotAsDescribed => {
            // Both windows must still be open: 3 months from receipt and 30 days from discovery.
            let found = business_date(discovered?).max(received_day);
            Some(end_of_months_after(received_day, 3).min(end_of_day_after(found, 30)))
        }
        ClaimKind::Defect => {
            let found = business_date(discovered?).max(received_day);
            Some(end_of_months_after(found, 6))
        }
    }
}

/// Why a claim cannot be filed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClaimRefusal {
    /// The goods have not been delivered yet (cancel instead, or wait).
    #[error("not delivered yet")]
    NotDelivered,
    /// A discovery date is needed for this kind.
    #[error("discovery date required")]
    DiscoveryDateRequired,
    /// The discovery date lies in the future.
    #[error("discovery date in the future")]
    DiscoveryInFuture,
    /// The window has closed.
    #[error("the claim window closed")]
    WindowClosed,
}

/// Whether a buyer may file a claim of `kind` at `now`; `Ok` carries the deadline shown to them.
pub fn may_file_claim(
    kind: ClaimKind,
    policy: ClaimPolicy,
    received: Option<DateTime<Utc>>,
    discovered: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, ClaimRefusal> {
    let received = received.ok_or(ClaimRefusal::NotDelivered)?;
    if kind.needs_discovery_date() && discovered.is_none() {
        return Err(ClaimRefusal::DiscoveryDateRequired);
    }
    if discovered.is_some_and(|d| business_date(d) > business_date(now)) {
        return Err(ClaimRefusal::DiscoveryInFuture);
    }
    let deadline = claim_deadline(kind, policy, received, discovered)
        .ok_or(ClaimRefusal::DiscoveryDateRequired)?;
    if now < deadline {
        Ok(deadline)
    } else {
        Err(ClaimRefusal::WindowClosed)
    }
}

/// Where a claim stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClaimStatus {
    /// Filed by the buyer, waiting for staff.
    Requested,
    /// Accepted: the goods are to be collected.
    Approved,
    /// The goods are back with the seller.
    Collected,
    /// Money returned (return).
    Refunded,
    /// A replacement was sent (exchange).
    Exchanged,
    /// Refused, with a reason.
    Rejected,
}

impl ClaimStatus {
    /// Every status.
    pub const ALL: [ClaimStatus; 6] = [
        ClaimStatus::Requested,
        ClaimStatus::Approved,
        ClaimStatus::Collected,
        ClaimStatus::Refunded,
        ClaimStatus::Exchanged,
        ClaimStatus::Rejected,
    ];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Requested => "requested",
            ClaimStatus::Approved => "approved",
            ClaimStatus::Collected => "collected",
            ClaimStatus::Refunded => "refunded",
            ClaimStatus::Exchanged => "exchanged",
            ClaimStatus::Rejected => "rejected",
        }
    }

    /// Whether staff still have something to do (the dashboard counts these).
    pub fn waits_for_staff(self) -> bool {
        matches!(
            self,
            ClaimStatus::Requested | ClaimStatus::Approved | ClaimStatus::Collected
        )
    }

    /// Whether a claim may move from `self` to `next`.
    pub fn can_become(self, next: ClaimStatus) -> bool {
        use ClaimStatus::*;
        matches!(
            (self, next),
            (Requested, Approved | Rejected)
                | (Approved, Collected | Rejected)
                | (Collected, Refunded | Exchanged)
        )
    }
}

impl FromStr for ClaimStatus {
    type Err = UnknownClaimValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ClaimStatus::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownClaimValue(s.to_owned()))
    }
}

impl TryFrom<String> for ClaimStatus {
    type Error = UnknownClaimValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for ClaimStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// A Korean local time as UTC.
    fn kst(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Seoul
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn change_of_mind_runs_seven_days_after_the_day_of_receipt() {
        let policy = ClaimPolicy::default();
        let received = kst(2026, 12, 1, 18);
        let deadline = claim_deadline(ClaimKind::ChangeOfMind, policy, received, None).unwrap();
        assert_eq!(deadline, kst(2026, 12, 9, 0), "all of 12-08 is still open");
        assert!(
            may_file_claim(
                ClaimKind::ChangeOfMind,
                policy,
                Some(received),
                None,
                kst(2026, 12, 8, 23)
            )
            .is_ok()
        );
        assert_eq!(
            may_file_claim(
                ClaimKind::ChangeOfMind,
                policy,
                Some(received),
                None,
                kst(2026, 12, 9, 0)
            ),
            Err(ClaimRefusal::WindowClosed)
        );
        let generous = ClaimPolicy::new(14);
        assert_eq!(
            claim_deadline(ClaimKind::ChangeOfMind, generous, received, None),
            Some(kst(2026, 12, 16, 0))
        );
        assert_eq!(
            ClaimPolicy::new(3).change_of_mind_days,
            7,
            "never shorter than the law"
        );
        assert_eq!(
            may_file_claim(ClaimKind::ChangeOfMind, policy, None, None, received),
            Err(ClaimRefusal::NotDelivered)
        );
    }

    #[test]
    fn not_as_described_needs_both_windows_open() {
        let policy = ClaimPolicy::default();
        let received = kst(2026, 1, 10, 12);
        // Found early: 30 days from discovery close first.
        let early = claim_deadline(
            ClaimKind::NotAsDescribed,
            policy,
            received,
            Some(kst(2026, 1, 20, 9)),
        );
        assert_eq!(early, Some(kst(2026, 2, 20, 0)));
        // Found late: the 3 months from receipt close first.
        let late = claim_deadline(
            ClaimKind::NotAsDescribed,
            policy,
            received,
            Some(kst(2026, 4, 1, 9)),
        );
        assert_eq!(late, Some(kst(2026, 4, 11, 0)));
        assert_eq!(
            may_file_claim(
                ClaimKind::NotAsDescribed,
                policy,
                Some(received),
                None,
                received
            ),
            Err(ClaimRefusal::DiscoveryDateRequired)
        );
        assert_eq!(
            may_file_claim(
                ClaimKind::NotAsDescribed,
                policy,
                Some(received),
                Some(kst(2026, 1, 25, 9)),
                kst(2026, 1, 20, 9)
            ),
            Err(ClaimRefusal::DiscoveryInFuture)
        );
        assert_eq!(
            may_file_claim(
                ClaimKind::NotAsDescribed,
                policy,
                Some(received),
                Some(kst(2026, 1, 11, 9)),
                kst(2026, 2, 11, 0)
            ),
            Err(ClaimRefusal::WindowClosed),
            "31 days after discovery"
        );
    }

    #[test]
    fn a_defect_may_be_claimed_six_months_after_it_was_found() {
        let policy = ClaimPolicy::default();
        let received = kst(2026, 3, 2, 10);
        let found = kst(2026, 8, 31, 10);
        assert_eq!(
            claim_deadline(ClaimKind::Defect, policy, received, Some(found)),
            Some(kst(2027, 3, 1, 0)),
            "February has no 31st: its last day closes the window"
        );
        assert!(
            may_file_claim(
                ClaimKind::Defect,
                policy,
                Some(received),
                Some(found),
                kst(2027, 2, 28, 23)
            )
            .is_ok(),
            "long after the 3-month window of 17조③"
        );
        // A discovery date before receipt counts from receipt.
        assert_eq!(
            claim_deadline(
                ClaimKind::Defect,
                policy,
                received,
                Some(kst(2026, 1, 1, 0))
            ),
            Some(kst(2026, 9, 3, 0))
        );
    }

    #[test]
    fn who_pays_the_return_and_how_claims_move() {
        assert!(ClaimKind::ChangeOfMind.buyer_pays_return());
        assert!(!ClaimKind::NotAsDescribed.buyer_pays_return());
        assert!(!ClaimKind::Defect.buyer_pays_return());
        for k in ClaimKind::ALL {
            assert_eq!(k.as_str().parse::<ClaimKind>().unwrap(), k);
        }
        use ClaimStatus::*;
        assert!(Requested.can_become(Approved) && Requested.can_become(Rejected));
        assert!(Approved.can_become(Collected) && Collected.can_become(Refunded));
        assert!(Collected.can_become(Exchanged));
        assert!(
            !Requested.can_become(Refunded),
            "no refund before the goods are back"
        );
        assert!(!Refunded.can_become(Rejected) && !Rejected.can_become(Approved));
        let waiting: Vec<ClaimStatus> = ClaimStatus::ALL
            .into_iter()
            .filter(|s| s.waits_for_staff())
            .collect();
        assert_eq!(waiting, [Requested, Approved, Collected]);
        for s in ClaimStatus::ALL {
            assert_eq!(s.as_str().parse::<ClaimStatus>().unwrap(), s);
        }
        let (ret, exch) = (ClaimResolution::Return, ClaimResolution::Exchange);
        assert!(ret.allows(Refunded) && !ret.allows(Exchanged) && ret.allows(Rejected));
        assert!(exch.allows(Exchanged) && !exch.allows(Refunded));
        assert_eq!("exchange".parse::<ClaimResolution>().unwrap(), exch);
    }
}
