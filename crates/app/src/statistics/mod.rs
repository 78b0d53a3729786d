//! Sales and member statistics for the back office. Pages read the roll-up tables only
//! (`jangteo_db::stats`): a change that moves money marks its KST day dirty in its own
//! transaction, and the `stats.rollup` job — or a statistics page, before it reads — recomputes
//! the dirty days from the orders. Figures mean what `jangteo_core::stats` says.

mod sales;
pub(crate) mod tables;
use crate::auth::StaffActor;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use jangteo_core::staff::{Access, Area};
use jangteo_core::stats::{Bucket, Granularity, Period, PeriodError, SalesFigures, month_start};
use jangteo_core::time::business_date;
use jangteo_db::stats;
use std::collections::{BTreeSet, HashMap};

/// Days recomputed per transaction.
const DAYS_PER_PASS: i64 = 31;
/// Without a job worker, a page recomputes at most this many dirty days before it reads.
const DAYS_BEFORE_READ: i64 = 62;
/// Marks older than this mean the every-minute job is not running.
const JOB_GRACE_SECONDS: i64 = 150;
/// SKU rows a page shows (exports hold all).
pub const SKU_ROWS_SHOWN: usize = 50;

pub use crate::statistics::tables::{Cell, SalesTable, Table, channel_label};

/// What a sales report is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SalesQuery {
    /// Rows per day, week or month.
    pub granularity: Granularity,
    /// The period.
    pub period: Period,
}

impl SalesQuery {
    /// From query-string values (`day|week|month`, `YYYY-MM-DD`); missing dates mean the
    /// granularity's default period ending today.
    pub fn parse(
        granularity: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> AppResult<SalesQuery> {
        let granularity = Granularity::parse(granularity.unwrap_or("day"));
        let default = granularity.default_period(today);
        let date = |raw: Option<&str>, fallback: NaiveDate| -> AppResult<NaiveDate> {
            match raw.map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(fallback),
                Some(s) => s
                    .parse()
                    .map_err(|_| AppError::Form(vec![("period", "stats_date")])),
            }
        };
        let period = Period::new(
            date(from, default.from)?,
            date(to, default.to)?,
            granularity,
        )
        .map_err(|e| {
            AppError::Form(vec![(
                "period",
                match e {
                    PeriodError::Reversed => "stats_reversed",
                    PeriodError::TooLong => "stats_too_long",
                },
            )])
        })?;
        Ok(SalesQuery {
            granularity,
            period,
        })
    }
}

/// A row of the period table: a bucket beside the matching bucket of the previous period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketRow {
    /// This period's bucket.
    pub bucket: Bucket,
    /// Its figures.
    pub current: SalesFigures,
    /// The previous period's bucket at the same position, if any.
    pub previous_bucket: Option<Bucket>,
    /// Its figures.
    pub previous: SalesFigures,
}

/// Units and money of a category or SKU.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ItemFigures {
    /// Units sold.
    pub quantity: i64,
    /// Goods at their price.
    pub gross: i64,
    /// Discounts and points.
    pub discounts: i64,
    /// Units refunded.
    pub refunded_quantity: i64,
    /// Money refunded.
    pub refunds: i64,
}

impl ItemFigures {
    /// Gross − discounts − refunds.
    pub fn net(&self) -> i64 {
        self.gross - self.discounts - self.refunds
    }
}

/// A category or SKU row: this period beside the previous one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    /// Category id or SKU code.
    pub key: String,
    /// Category path or product name (+ option).
    pub name: String,
    /// This period.
    pub current: ItemFigures,
    /// The previous period.
    pub previous: ItemFigures,
}

/// A channel row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelRow {
    /// `pc`, `mobile`, `api`.
    pub channel: &'static str,
    /// This period.
    pub current: SalesFigures,
    /// The previous period.
    pub previous: SalesFigures,
}

/// The sales statistics page.
#[derive(Debug, Clone)]
pub struct SalesReport {
    /// What was asked.
    pub query: SalesQuery,
    /// The previous period.
    pub previous: Period,
    /// Whole period.
    pub totals: SalesFigures,
    /// Whole previous period.
    pub previous_totals: SalesFigures,
    /// Per bucket.
    pub rows: Vec<BucketRow>,
    /// Per channel.
    pub channels: Vec<ChannelRow>,
    /// Per category.
    pub categories: Vec<ItemRow>,
    /// Per SKU, best net first.
    pub skus: Vec<ItemRow>,
    /// Days still waiting for the roll-up job (figures may lag until it runs).
    pub pending_days: i64,
}

/// A member-statistics month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberMonth {
    /// First day of the month.
    pub month: NaiveDate,
    /// Sign-ups.
    pub signups: i64,
    /// Distinct members who paid.
    pub buyers: i64,
    /// Withdrawals.
    pub withdrawals: i64,
    /// The same month a year before: (sign-ups, buyers, withdrawals).
    pub year_before: (i64, i64, i64),
}

/// The member statistics page.
#[derive(Debug, Clone)]
pub struct MemberReport {
    /// Months shown (oldest first).
    pub months: Vec<MemberMonth>,
    /// Sign-ups and withdrawals over the shown months.
    pub totals: (i64, i64),
    /// The same for the previous period of equal length.
    pub previous_totals: (i64, i64),
    /// Active members per grade: (code, name, members).
    pub grades: Vec<(String, String, i64)>,
    /// Active members now.
    pub active: i64,
    /// Of which dormant (separated personal data).
    pub dormant: i64,
    /// Withdrawn members.
    pub withdrawn: i64,
    /// Days still waiting for the roll-up job.
    pub pending_days: i64,
}

impl App {
    /// Recomputes dirty statistics days, `limit` at most; returns how many were done.
    pub async fn roll_up_statistics_days(&self, limit: i64) -> AppResult<usize> {
        let mut done = 0usize;
        while (done as i64) < limit {
            let mut tx = self.db.begin().await?;
            let days = stats::claim_dirty(&mut tx, DAYS_PER_PASS.min(limit - done as i64)).await?;
            if days.is_empty() {
                break;
            }
            let mut months = BTreeSet::new();
            for day in &days {
                stats::recompute_day(&mut tx, *day).await?;
                months.insert(month_start(*day));
            }
            for month in months {
                stats::recompute_month(&mut tx, month).await?;
            }
            tx.commit().await?;
            done += days.len();
        }
        Ok(done)
    }

    /// The scheduled roll-up: every dirty day.
    pub async fn roll_up_statistics(&self, _now: DateTime<Utc>) -> AppResult<usize> {
        self.roll_up_statistics_days(i64::MAX).await
    }

    /// Marks every day since the first sale or sign-up dirty and recomputes them all
    /// (`jangteo stats rebuild`; after restoring a backup or editing orders by hand).
    pub async fn rebuild_statistics(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let Some(first) = stats::first_day(&self.db).await? else {
            return Ok(0);
        };
        let mut tx = self.db.begin().await?;
        stats::mark_days(&mut tx, first, business_date(now), now).await?;
        tx.commit().await?;
        self.roll_up_statistics_days(i64::MAX).await
    }

    /// The days still waiting for the roll-up job. Pages read roll-ups only; they recompute
    /// (bounded) themselves only when marks have waited longer than the job's period allows, i.e.
    /// when no job worker runs (`serve --no-worker` and no `worker`).
    async fn statistics_current(&self) -> AppResult<i64> {
        let Some(oldest) = stats::oldest_mark(&self.db).await? else {
            return Ok(0);
        };
        if self.now() - oldest > chrono::Duration::seconds(JOB_GRACE_SECONDS) {
            self.roll_up_statistics_days(DAYS_BEFORE_READ).await?;
        }
        Ok(stats::dirty_count(&self.db).await?)
    }

    /// Member statistics: the last `months` months (ending with the month of `today`) beside the
    /// same months a year before, grades and dormancy now.
    pub async fn member_report(
        &self,
        actor: &StaffActor,
        months: u32,
        today: NaiveDate,
    ) -> AppResult<MemberReport> {
        actor.require(Area::Statistics, Access::Read)?;
        let pending_days = self.statistics_current().await?;
        let months = months.clamp(1, 60);
        let mut starts = vec![month_start(today)];
        for _ in 1..months * 2 + 12 {
            let last = starts[starts.len() - 1];
            starts.push(month_start(last - chrono::Duration::days(1)));
        }
        starts.reverse();
        let first = starts[0];
        let rows = stats::members_months(&self.db, first, today).await?;
        let by_month: HashMap<String, &stats::MembersMonthRow> =
            rows.iter().map(|r| (r.month.clone(), r)).collect();
        let figures = |m: NaiveDate| {
            by_month
                .get(&stats::month_key(m))
                .map_or((0, 0, 0), |r| (r.signups, r.buyers, r.withdrawals))
        };
        let n = months as usize;
        let shown = &starts[starts.len() - n..];
        let before = &starts[starts.len() - 2 * n..starts.len() - n];
        let month_rows: Vec<MemberMonth> = shown
            .iter()
            .map(|m| {
                let (signups, buyers, withdrawals) = figures(*m);
                let year_ago = month_start(*m - chrono::Duration::days(360));
                MemberMonth {
                    month: *m,
                    signups,
                    buyers,
                    withdrawals,
                    year_before: figures(year_ago),
                }
            })
            .collect();
        let total = |ms: &[NaiveDate]| {
            ms.iter().fold((0, 0), |(s, w), m| {
                let f = figures(*m);
                (s + f.0, w + f.2)
            })
        };
        let (active, dormant, withdrawn) = stats::member_counts(&self.db).await?;
        Ok(MemberReport {
            totals: total(shown),
            previous_totals: total(before),
            months: month_rows,
            grades: stats::grade_distribution(&self.db).await?,
            active,
            dormant,
            withdrawn,
            pending_days,
        })
    }
}
