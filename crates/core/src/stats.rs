//! Sales statistics rules: report periods and their previous period, day/week/month buckets on the
//! Korean calendar, and what the figures mean. Pure: the roll-up tables hold one row per KST day,
//! and everything a page shows is summed from those rows here.
//!
//! Definitions (the brute-force test computes the same from orders):
//! - an order counts as a sale on the KST day it was **paid** (card approved, deposit confirmed);
//!   orders never paid do not count, cancelled ones stay counted on their paid day;
//! - **gross** = goods at list/sale price + shipping + remote-area surcharge;
//! - **discounts** = grade discount + coupons + points spent;
//! - **refunds** = money returned, on the KST day of the refund;
//! - **net** = gross − discounts − refunds; **average order value** = (gross − discounts) ÷ orders.

use chrono::{Datelike, Duration, NaiveDate};
use std::ops::AddAssign;

/// How rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Granularity {
    /// One row per KST day.
    Day,
    /// One row per week, Monday to Sunday.
    Week,
    /// One row per calendar month.
    Month,
}

impl Granularity {
    /// Every granularity.
    pub const ALL: [Granularity; 3] = [Granularity::Day, Granularity::Week, Granularity::Month];

    /// Query-string name.
    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Day => "day",
            Granularity::Week => "week",
            Granularity::Month => "month",
        }
    }

    /// Parses a query-string name; unknown names mean days.
    pub fn parse(raw: &str) -> Granularity {
        Granularity::ALL
            .into_iter()
            .find(|g| g.as_str() == raw)
            .unwrap_or(Granularity::Day)
    }

    /// The first day of the bucket holding `date`.
    pub fn bucket_start(self, date: NaiveDate) -> NaiveDate {
        match self {
            Granularity::Day => date,
            Granularity::Week => {
                date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
            }
            Granularity::Month => month_start(date),
        }
    }

    /// The first day of the bucket after the one starting at `start`.
    fn next_bucket(self, start: NaiveDate) -> NaiveDate {
        match self {
            Granularity::Day => start + Duration::days(1),
            Granularity::Week => start + Duration::days(7),
            Granularity::Month => next_month(start),
        }
    }

    /// The longest period a report of this granularity covers (a readable number of rows).
    pub fn max_days(self) -> i64 {
        match self {
            Granularity::Day => 366,
            Granularity::Week => 3 * 366,
            Granularity::Month => 10 * 366,
        }
    }

    /// The period shown when none is asked for, ending `today`: 30 days, 12 weeks or 12 months.
    pub fn default_period(self, today: NaiveDate) -> Period {
        let from = match self {
            Granularity::Day => today - Duration::days(29),
            Granularity::Week => self.bucket_start(today) - Duration::days(7 * 11),
            Granularity::Month => {
                let mut m = month_start(today);
                for _ in 0..11 {
                    m = month_start(m - Duration::days(1));
                }
                m
            }
        };
        Period { from, to: today }
    }
}

/// The first day of `date`'s month.
pub fn month_start(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// The first day of the month after `date`'s.
pub fn next_month(date: NaiveDate) -> NaiveDate {
    month_start(month_start(date) + Duration::days(32))
}

/// Why a period was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// The end is before the start.
    #[error("the period ends before it starts")]
    Reversed,
    /// Longer than the granularity allows.
    #[error("the period is too long")]
    TooLong,
}

/// A report period: KST days `from..=to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
}

impl Period {
    /// A period of at most `granularity.max_days()` days.
    pub fn new(
        from: NaiveDate,
        to: NaiveDate,
        granularity: Granularity,
    ) -> Result<Period, PeriodError> {
        if to < from {
            return Err(PeriodError::Reversed);
        }
        let p = Period { from, to };
        if p.days() > granularity.max_days() {
            return Err(PeriodError::TooLong);
        }
        Ok(p)
    }

    /// Number of days.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The period of the same length right before this one.
    pub fn previous(&self) -> Period {
        let len = Duration::days(self.days());
        Period {
            from: self.from - len,
            to: self.to - len,
        }
    }

    /// Whether `day` lies inside.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// The buckets covering the period, clipped to it (a period starting mid-week starts with a
    /// short week).
    pub fn buckets(&self, granularity: Granularity) -> Vec<Bucket> {
        let mut out = Vec::new();
        let mut start = granularity.bucket_start(self.from);
        while start <= self.to {
            let next = granularity.next_bucket(start);
            out.push(Bucket {
                from: start.max(self.from),
                to: (next - Duration::days(1)).min(self.to),
            });
            start = next;
        }
        out
    }
}

/// One row of a report: KST days `from..=to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
}

impl Bucket {
    /// `2026-11-23`, `2026-11-16 ~ 11-22` or `2026-11`.
    pub fn label(&self, granularity: Granularity) -> String {
        match granularity {
            Granularity::Day => self.from.format("%Y-%m-%d").to_string(),
            Granularity::Week => format!(
                "{} ~ {}",
                self.from.format("%Y-%m-%d"),
                self.to.format("%m-%d")
            ),
            Granularity::Month => self.from.format("%Y-%m").to_string(),
        }
    }
}

/// Sales figures of a day, a bucket or a whole period (won, except `orders`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SalesFigures {
    /// Orders paid.
    pub orders: i64,
    /// Goods + shipping before discounts.
    pub gross: i64,
    /// Grade discount + coupons + points.
    pub discounts: i64,
    /// Money refunded.
    pub refunds: i64,
}

impl SalesFigures {
    /// What buyers paid: gross − discounts.
    pub fn paid(&self) -> i64 {
        self.gross - self.discounts
    }

    /// Gross − discounts − refunds.
    pub fn net(&self) -> i64 {
        self.paid() - self.refunds
    }

    /// Average order value: paid ÷ orders (0 without orders).
    pub fn average_order_value(&self) -> i64 {
        if self.orders > 0 {
            self.paid() / self.orders
        } else {
            0
        }
    }
}

impl AddAssign for SalesFigures {
    fn add_assign(&mut self, o: SalesFigures) {
        self.orders += o.orders;
        self.gross += o.gross;
        self.discounts += o.discounts;
        self.refunds += o.refunds;
    }
}

/// Sums daily figures into the period's buckets (every bucket present, empty ones zero); days
/// outside the period are ignored.
pub fn sum_into_buckets(
    period: &Period,
    granularity: Granularity,
    daily: impl IntoIterator<Item = (NaiveDate, SalesFigures)>,
) -> Vec<(Bucket, SalesFigures)> {
    let mut rows: Vec<(Bucket, SalesFigures)> = period
        .buckets(granularity)
        .into_iter()
        .map(|b| (b, SalesFigures::default()))
        .collect();
    for (day, figures) in daily {
        if !period.contains(day) {
            continue;
        }
        let at = rows.partition_point(|(b, _)| b.to < day);
        if let Some((_, f)) = rows.get_mut(at) {
            *f += figures;
        }
    }
    rows
}

/// Change from `before` to `now` in tenths of a percent, none when `before` is zero.
pub fn change_permille(now: i64, before: i64) -> Option<i64> {
    (before != 0).then(|| {
        let r = (i128::from(now) - i128::from(before)) * 1000 / i128::from(before).abs();
        i64::try_from(r).unwrap_or(i64::MAX)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn weeks_start_on_monday_and_are_clipped_to_the_period() {
        let p = Period::new(d("2026-11-04"), d("2026-11-23"), Granularity::Week).unwrap();
        let b = p.buckets(Granularity::Week);
        assert_eq!(b.len(), 4);
        assert_eq!((b[0].from, b[0].to), (d("2026-11-04"), d("2026-11-08")));
        assert_eq!((b[1].from, b[1].to), (d("2026-11-09"), d("2026-11-15")));
        assert_eq!((b[3].from, b[3].to), (d("2026-11-23"), d("2026-11-23")));
        assert_eq!(b[1].label(Granularity::Week), "2026-11-09 ~ 11-15");
    }

    #[test]
    fn months_cross_years() {
        let p = Period::new(d("2025-12-15"), d("2026-02-10"), Granularity::Month).unwrap();
        let labels: Vec<String> = p
            .buckets(Granularity::Month)
            .iter()
            .map(|b| b.label(Granularity::Month))
            .collect();
        assert_eq!(labels, ["2025-12", "2026-01", "2026-02"]);
        assert_eq!(
            Granularity::Month.default_period(d("2026-11-23")).from,
            d("2025-12-01")
        );
    }

    #[test]
    fn previous_period_has_the_same_length_right_before() {
        let p = Period::new(d("2026-11-01"), d("2026-11-30"), Granularity::Day).unwrap();
        let prev = p.previous();
        assert_eq!((prev.from, prev.to), (d("2026-10-02"), d("2026-10-31")));
        assert_eq!(prev.days(), 30);
        assert_eq!(
            Period::new(d("2026-11-02"), d("2026-11-01"), Granularity::Day),
            Err(PeriodError::Reversed)
        );
        assert_eq!(
            Period::new(d("2024-01-01"), d("2026-11-01"), Granularity::Day),
            Err(PeriodError::TooLong)
        );
    }

    #[test]
    fn days_sum_into_their_buckets() {
        let p = Period::new(d("2026-10-30"), d("2026-11-02"), Granularity::Month).unwrap();
        let f = |orders, gross| SalesFigures {
            orders,
            gross,
            discounts: 100,
            refunds: 0,
        };
        let rows = sum_into_buckets(
            &p,
            Granularity::Month,
            [
                (d("2026-10-29"), f(9, 9_000)),
                (d("2026-10-30"), f(1, 1_000)),
                (d("2026-10-31"), f(2, 2_000)),
                (d("2026-11-02"), f(3, 3_000)),
            ],
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].1.orders, 3);
        assert_eq!(rows[0].1.paid(), 2_800);
        assert_eq!(rows[1].1.average_order_value(), 2_900 / 3);
    }

    #[test]
    fn changes_are_in_tenths_of_a_percent() {
        assert_eq!(change_permille(150, 100), Some(500));
        assert_eq!(change_permille(50, 100), Some(-500));
        assert_eq!(change_permille(5, 0), None);
    }
}
