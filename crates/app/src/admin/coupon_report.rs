//! The coupon usage report (issue 17): for a period, every coupon issued or used with its
//! issues, uses, members, discount and the sales of the orders that used it; as a page and a
//! spreadsheet.

use crate::auth::StaffActor;
use crate::sheets::{self, Cell, SheetFormat};
use crate::statistics::SalesQuery;
use crate::{App, AppResult};
use chrono::{Duration, NaiveDate};
use jangteo_core::staff::{Access, Area};
use jangteo_core::stats::Period;
use jangteo_core::time::start_of_business_day;
use jangteo_db::coupon_admin;
pub use jangteo_db::coupon_admin::CouponReportRow;

/// The report over a period.
#[derive(Debug, Clone)]
pub struct CouponReport {
    /// KST days covered.
    pub period: Period,
    /// One row per coupon issued or used, the largest discount first.
    pub rows: Vec<CouponReportRow>,
    /// The column sums (members counted per coupon).
    pub totals: CouponReportRow,
}

impl App {
    /// Coupon use over KST days `from..=to` (typed; up to a year; the last 30 days when left
    /// out); marketing, read.
    pub async fn coupon_usage_report(
        &self,
        actor: &StaffActor,
        from: Option<&str>,
        to: Option<&str>,
    ) -> AppResult<CouponReport> {
        actor.require(Area::Marketing, Access::Read)?;
        let today = jangteo_core::time::business_date(self.now());
        let period = SalesQuery::parse(Some("day"), from, to, today)?.period;
        let rows = coupon_admin::usage_report(
            &self.db,
            start_of_business_day(period.from),
            start_of_business_day(period.to + Duration::days(1)),
        )
        .await?;
        let totals = rows.iter().fold(
            CouponReportRow {
                id: 0,
                name: String::new(),
                code: None,
                issued: 0,
                used: 0,
                members: 0,
                discount: 0,
                sales: 0,
                released: 0,
            },
            |mut sum, row| {
                sum.issued += row.issued;
                sum.used += row.used;
                sum.members += row.members;
                sum.discount += row.discount;
                sum.sales += row.sales;
                sum.released += row.released;
                sum
            },
        );
        Ok(CouponReport {
            period,
            rows,
            totals,
        })
    }

    /// The report as a CSV sheet (marketing, read).
    pub async fn coupon_usage_sheet(
        &self,
        actor: &StaffActor,
        from: Option<&str>,
        to: Option<&str>,
    ) -> AppResult<(Period, Vec<u8>)> {
        let report = self.coupon_usage_report(actor, from, to).await?;
        let cells = |r: &CouponReportRow| {
            vec![
                sheets::text(&r.name),
                sheets::text(r.code.as_deref().unwrap_or("")),
                Cell::Number(r.issued),
                Cell::Number(r.used),
                Cell::Number(r.members),
                Cell::Number(r.discount),
                Cell::Number(r.sales),
                Cell::Number(r.released),
            ]
        };
        let mut rows: Vec<Vec<Cell>> = report.rows.iter().map(cells).collect();
        let mut total = cells(&report.totals);
        total[0] = sheets::text("합계");
        rows.push(total);
        let headers = [
            "쿠폰",
            "코드",
            "발급",
            "사용 주문",
            "사용 회원",
            "할인액",
            "사용 주문 매출",
            "취소로 반환",
        ];
        let bytes = sheets::write(SheetFormat::Csv, "coupons", &headers, &rows)?;
        Ok((report.period, bytes))
    }
}

/// The report's file name for a period.
pub fn sheet_name(period: &Period) -> String {
    let day = |d: NaiveDate| d.format("%Y%m%d").to_string();
    format!("coupon-usage-{}-{}.csv", day(period.from), day(period.to))
}
