//! Birthday coupons: members who gave a birth date get the shop's birthday coupons once a year.

use crate::{App, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::birthday::birthdays_due;
use jangteo_db::promotions;

impl App {
    /// Issues the birthday coupons due today (KST), catching up the days the worker missed; how
    /// many coupons went out. Running it again the same year issues nothing more.
    pub async fn issue_birthday_coupons(&self, now: DateTime<Utc>) -> AppResult<u64> {
        let today = jangteo_core::time::business_date(now);
        let mut tx = self.db.begin().await?;
        let mut issued = 0;
        for due in birthdays_due(today) {
            issued +=
                promotions::issue_birthday_coupons(&mut tx, &due.month_day, due.year, now).await?;
        }
        tx.commit().await?;
        if issued > 0 {
            tracing::info!(issued, "birthday coupons issued");
        }
        Ok(issued)
    }
}
