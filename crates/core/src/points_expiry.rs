//! Points expiry (적립금 소멸): points earned on a day expire a number of months later, oldest
//! first, and never without a notice at least [`NOTICE_DAYS`] days before.
//!
//! The ledger is replayed first in, first out: every spend, take-back or expiry uses up the
//! oldest points still there, so what is left of each credit (a lot) follows from the ledger
//! alone. A lot is scheduled to expire when its notice goes out, on its own expiry day or
//! [`NOTICE_DAYS`] after the notice, whichever is later; turning expiry on for a shop with old
//! points thus gives every member a full notice period.

use chrono::{Duration, Months, NaiveDate};
use std::collections::{BTreeMap, VecDeque};

/// Days between the notice and the expiry, at least.
pub const NOTICE_DAYS: i64 = 30;

/// The longest expiry the shop may set, in months.
pub const MAX_EXPIRY_MONTHS: u32 = 60;

/// The shop's points rules the owner sets: points for signing up and the months points last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PointsTerms {
    /// Points granted on sign-up.
    pub signup_points: i64,
    /// Months earned points last (0: they never expire).
    pub expiry_months: u32,
}

/// The most sign-up points the shop may grant.
pub const MAX_SIGNUP_POINTS: i64 = 1_000_000;

impl PointsTerms {
    /// The rules from typed values (`2,000`, `12`), or every problem with them as (field, code).
    pub fn typed(
        signup_points: &str,
        expiry_months: &str,
    ) -> Result<Self, Vec<(&'static str, &'static str)>> {
        let mut problems = Vec::new();
        let signup = crate::money::parse_typed_amount(signup_points)
            .ok()
            .map(|n| n.unwrap_or(0))
            .filter(|n| (0..=MAX_SIGNUP_POINTS).contains(n));
        if signup.is_none() {
            problems.push(("signup_points", "points_signup"));
        }
        let months = match expiry_months.trim() {
            "" => Some(0),
            typed => typed.parse::<u32>().ok(),
        }
        .filter(|m| *m <= MAX_EXPIRY_MONTHS);
        if months.is_none() {
            problems.push(("expiry_months", "points_expiry_months"));
        }
        match (signup, months) {
            (Some(signup_points), Some(expiry_months)) => Ok(Self {
                signup_points,
                expiry_months,
            }),
            _ => Err(problems),
        }
    }
}

/// One ledger entry: a credit (positive) or a debit (negative), on a KST day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerEntry {
    /// Entry id (ledger order).
    pub id: i64,
    /// Points added (positive) or taken (negative).
    pub amount: i64,
    /// The KST day it was recorded.
    pub on: NaiveDate,
}

/// What is left of one credit after the ledger's debits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lot {
    /// The credit's entry id.
    pub entry_id: i64,
    /// The KST day it was earned.
    pub earned_on: NaiveDate,
    /// Points of it not yet used.
    pub remaining: i64,
}

/// The lots still holding points, oldest first, after replaying `entries` (in ledger order).
pub fn open_lots(entries: &[LedgerEntry]) -> Vec<Lot> {
    let mut lots: VecDeque<Lot> = VecDeque::new();
    for entry in entries {
        if entry.amount > 0 {
            lots.push_back(Lot {
                entry_id: entry.id,
                earned_on: entry.on,
                remaining: entry.amount,
            });
            continue;
        }
        let mut owed = -entry.amount;
        while owed > 0 {
            let Some(oldest) = lots.front_mut() else {
                break;
            };
            let used = owed.min(oldest.remaining);
            oldest.remaining -= used;
            owed -= used;
            if oldest.remaining == 0 {
                lots.pop_front();
            }
        }
    }
    lots.into_iter().collect()
}

/// The day points earned on `earned_on` expire under an expiry of `months` (the same day of the
/// month, or the month's last day).
pub fn nominal_expiry(earned_on: NaiveDate, months: u32) -> NaiveDate {
    earned_on
        .checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// What a day's run does for one member.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpiryPlan {
    /// Points to take away today (scheduled lots whose day has come).
    pub expire: i64,
    /// The lots that expire today (their schedule is closed, even if nothing is left).
    pub expired_lots: Vec<i64>,
    /// Lots to schedule now with their expiry day; the member is told.
    pub schedule: Vec<(i64, NaiveDate)>,
    /// Points the notice speaks of.
    pub notice_amount: i64,
    /// The earliest day the notice names.
    pub notice_expires_on: Option<NaiveDate>,
}

/// The plan for `today`: scheduled lots (`scheduled`: entry id → expiry day, not yet expired)
/// that are due expire with what is left of them; lots within [`NOTICE_DAYS`] of their nominal
/// expiry and not yet scheduled are scheduled and told. `months` of 0 means points never expire
/// (nothing happens, even to lots scheduled earlier).
pub fn plan(
    lots: &[Lot],
    scheduled: &BTreeMap<i64, NaiveDate>,
    months: u32,
    today: NaiveDate,
) -> ExpiryPlan {
    let mut plan = ExpiryPlan::default();
    if months == 0 {
        return plan;
    }
    let notice_by = today + Duration::days(NOTICE_DAYS);
    for (&entry_id, &day) in scheduled {
        if day <= today {
            plan.expired_lots.push(entry_id);
        }
    }
    for lot in lots {
        match scheduled.get(&lot.entry_id) {
            Some(&day) if day <= today => plan.expire += lot.remaining,
            Some(_) => {}
            None => {
                let nominal = nominal_expiry(lot.earned_on, months);
                if nominal <= notice_by {
                    let day = nominal.max(notice_by);
                    plan.schedule.push((lot.entry_id, day));
                    plan.notice_amount += lot.remaining;
                    plan.notice_expires_on = Some(
                        plan.notice_expires_on
                            .map_or(day, |d: NaiveDate| d.min(day)),
                    );
                }
            }
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn entry(id: i64, amount: i64, on: NaiveDate) -> LedgerEntry {
        LedgerEntry { id, amount, on }
    }

    #[test]
    fn spending_uses_the_oldest_points_first() {
        let lots = open_lots(&[
            entry(1, 1_000, day(2025, 1, 10)),
            entry(2, 2_000, day(2025, 6, 1)),
            entry(3, -1_500, day(2025, 7, 1)),
            entry(4, 500, day(2025, 8, 1)),
        ]);
        assert_eq!(
            lots,
            vec![
                Lot {
                    entry_id: 2,
                    earned_on: day(2025, 6, 1),
                    remaining: 1_500
                },
                Lot {
                    entry_id: 4,
                    earned_on: day(2025, 8, 1),
                    remaining: 500
                },
            ]
        );
        assert!(
            open_lots(&[
                entry(1, 100, day(2025, 1, 1)),
                entry(2, -100, day(2025, 1, 2))
            ])
            .is_empty()
        );
    }

    #[test]
    fn expiry_keeps_the_day_of_the_month_or_its_last_day() {
        assert_eq!(nominal_expiry(day(2025, 3, 15), 12), day(2026, 3, 15));
        assert_eq!(nominal_expiry(day(2025, 8, 31), 6), day(2026, 2, 28));
    }

    #[test]
    fn points_are_told_thirty_days_ahead_then_expire() {
        let lots = [
            Lot {
                entry_id: 1,
                earned_on: day(2025, 1, 10),
                remaining: 700,
            },
            Lot {
                entry_id: 2,
                earned_on: day(2025, 12, 1),
                remaining: 300,
            },
        ];
        let none = BTreeMap::new();
        // Long past its nominal day when expiry was switched on: a full notice period first.
        let first = plan(&lots, &none, 12, day(2026, 2, 1));
        assert_eq!(first.schedule, vec![(1, day(2026, 3, 3))]);
        assert_eq!((first.notice_amount, first.expire), (700, 0));
        assert_eq!(first.notice_expires_on, Some(day(2026, 3, 3)));
        // Not yet within thirty days of its expiry: nothing.
        let scheduled = BTreeMap::from([(1, day(2026, 3, 3))]);
        let quiet = plan(&lots, &scheduled, 12, day(2026, 2, 2));
        assert_eq!(quiet, ExpiryPlan::default());
        // Its day: what is left expires and its schedule closes.
        let due = plan(&lots[..1], &scheduled, 12, day(2026, 3, 3));
        assert_eq!((due.expire, due.expired_lots), (700, vec![1]));
        // Spent meanwhile: the schedule closes with nothing to take.
        let spent = plan(&[], &scheduled, 12, day(2026, 3, 4));
        assert_eq!((spent.expire, spent.expired_lots), (0, vec![1]));
        // A lot told on time expires on its own day.
        let on_time = plan(&lots[1..], &none, 12, day(2026, 11, 1));
        assert_eq!(on_time.schedule, vec![(2, day(2026, 12, 1))]);
    }

    #[test]
    fn the_owner_types_the_rules() {
        assert_eq!(
            PointsTerms::typed("2,000원", " 12 "),
            Ok(PointsTerms {
                signup_points: 2_000,
                expiry_months: 12
            })
        );
        assert_eq!(
            PointsTerms::typed("", ""),
            Ok(PointsTerms {
                signup_points: 0,
                expiry_months: 0
            })
        );
        assert_eq!(
            PointsTerms::typed("-1", "61"),
            Err(vec![
                ("signup_points", "points_signup"),
                ("expiry_months", "points_expiry_months")
            ])
        );
    }

    #[test]
    fn without_an_expiry_nothing_happens() {
        let lots = [Lot {
            entry_id: 1,
            earned_on: day(2020, 1, 1),
            remaining: 100,
        }];
        let scheduled = BTreeMap::from([(1, day(2021, 1, 1))]);
        assert_eq!(
            plan(&lots, &scheduled, 0, day(2026, 1, 1)),
            ExpiryPlan::default()
        );
    }
}
