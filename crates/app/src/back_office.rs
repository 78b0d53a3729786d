//! Back-office read models: the dashboard.

use crate::auth::StaffActor;
use crate::{App, AppResult};
use chrono::{DateTime, Duration, Utc};
use jangteo_core::staff::{Access, Area};
use jangteo_db::catalog::stock::{self, LowStockRow};
use jangteo_db::orders;

/// SKUs at or below this many units count as low stock.
pub const LOW_STOCK_THRESHOLD: i64 = 5;

/// Sales of one KST day so far.
#[derive(Debug, Clone, Copy, Default)]
pub struct DaySales {
    /// Paid orders.
    pub orders: i64,
    /// Their total, won.
    pub sales: i64,
}

/// What the dashboard shows.
#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    /// Today (KST) until now.
    pub today: DaySales,
    /// Yesterday until the same time of day (a fair comparison mid-day).
    pub yesterday_same_time: DaySales,
    /// All of yesterday.
    pub yesterday: DaySales,
    /// Orders waiting for a deposit.
    pub awaiting_deposit: i64,
    /// Paid orders not yet being prepared.
    pub to_prepare: i64,
    /// Orders being prepared (waiting for a waybill).
    pub to_ship: i64,
    /// Inquiries waiting for an answer.
    pub open_inquiries: i64,
    /// Return/exchange claims staff still act on.
    pub open_claims: i64,
    /// Returns of cash payments whose refund account nobody entered (order numbers).
    pub missing_refund_accounts: Vec<String>,
    /// SKUs running low.
    pub low_stock: Vec<LowStockRow>,
}

impl App {
    /// The dashboard as of `now`.
    pub async fn dashboard(&self, actor: &StaffActor, now: DateTime<Utc>) -> AppResult<Dashboard> {
        actor.require(Area::Dashboard, Access::Read)?;
        let today =
            jangteo_core::time::start_of_business_day(jangteo_core::time::business_date(now));
        let yesterday = today - Duration::days(1);
        let day = |(orders, sales): (i64, i64)| DaySales { orders, sales };
        Ok(Dashboard {
            today: day(orders::sales_between(&self.db, today, now).await?),
            yesterday_same_time: day(orders::sales_between(
                &self.db,
                yesterday,
                now - Duration::days(1),
            )
            .await?),
            yesterday: day(orders::sales_between(&self.db, yesterday, today).await?),
            awaiting_deposit: orders::count_in_status(&self.db, "awaiting_deposit").await?,
            to_prepare: orders::count_in_status(&self.db, "paid").await?,
            to_ship: orders::count_in_status(&self.db, "preparing").await?,
            open_inquiries: jangteo_db::inquiries::count_open(&self.db).await?,
            open_claims: jangteo_db::claims::count_waiting(&self.db).await?,
            missing_refund_accounts: self.returns_missing_refund_account().await?,
            low_stock: stock::low_stock(&self.db, LOW_STOCK_THRESHOLD, 10).await?,
        })
    }
}
