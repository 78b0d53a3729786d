//! Points expiry (적립금 소멸, issue 17): the daily chore that tells members 30 days ahead and takes
//! away the points whose day has come (core::points_expiry plans, oldest first), and what My page
//! shows of it.

use crate::notify_settings::Addressee;
use crate::{App, AppResult};
use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use jangteo_core::points_expiry::{
    ExpiryPlan, LedgerEntry, Lot, NOTICE_DAYS, nominal_expiry, open_lots, plan,
};
use jangteo_core::time::{business_date, start_of_business_day};
use jangteo_db::{Tx, point_expiry, promotions};
use std::collections::BTreeMap;

/// Points of a member that expire on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiringPoints {
    /// The KST day.
    pub on: NaiveDate,
    /// How many.
    pub amount: i64,
    /// The member was told (the day is fixed).
    pub noticed: bool,
}

impl App {
    /// Daily: members whose points reach their expiry within 30 days are told (once per
    /// credit), and told points whose day has come are taken away; (notices, points taken).
    /// Nothing happens while the shop's points never expire.
    pub async fn expire_points(&self, now: DateTime<Utc>) -> AppResult<(usize, i64)> {
        let months = self.points_terms().await?.expiry_months;
        if months == 0 {
            return Ok((0, 0));
        }
        let today = business_date(now);
        let notice_by = today + Duration::days(NOTICE_DAYS);
        // Credits earned after this day cannot reach their expiry by `notice_by` (a few days'
        // margin: a month's last day takes the expiry of several days).
        let earned_by = notice_by
            .checked_sub_months(Months::new(months))
            .unwrap_or(NaiveDate::MIN)
            + Duration::days(4);
        let (mut notices, mut taken) = (0, 0);
        let members =
            point_expiry::members_with_old_points(&self.db, start_of_business_day(earned_by))
                .await?;
        for member_id in members {
            let (told, expired) = self
                .expire_member_points(member_id, months, today, now)
                .await?;
            notices += usize::from(told);
            taken += expired;
        }
        if taken > 0 {
            tracing::info!(points = taken, "points expired");
        }
        Ok((notices, taken))
    }

    /// One member's part of the chore, in one transaction holding their points.
    async fn expire_member_points(
        &self,
        member_id: i64,
        months: u32,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> AppResult<(bool, i64)> {
        let member = self.active_member(member_id).await?;
        let mut tx = self.db.begin().await?;
        point_expiry::lock_member(&mut tx, member_id).await?;
        let (lots, scheduled) = member_lots(&mut tx, member_id).await?;
        let ExpiryPlan {
            expire,
            expired_lots,
            schedule,
            notice_amount,
            notice_expires_on,
        } = plan(&lots, &scheduled, months, today);
        let key = format!("points_expired:{member_id}:{today}");
        let expired = expire > 0
            && promotions::add_points(
                &mut tx,
                member_id,
                -expire,
                "expired",
                None,
                Some(&key),
                now,
            )
            .await?;
        for entry_id in expired_lots {
            point_expiry::close(&mut tx, entry_id, now).await?;
        }
        for (entry_id, day) in &schedule {
            point_expiry::schedule(&mut tx, member_id, *entry_id, &day.to_string(), now).await?;
        }
        let mut told = false;
        if let Some(expires_on) = notice_expires_on {
            let balance = promotions::points_balance(&mut tx, member_id).await?;
            let context = serde_json::json!({ "points": {
                "amount": notice_amount, "expires_on": expires_on.to_string(), "balance": balance,
                "url": format!("{}/account/points", self.config.base_url()),
            }});
            let to = Addressee {
                email: member.email.as_deref(),
                mobile: member.mobile.as_deref(),
                name: &member.name,
            };
            let key = format!("points_expiring:{member_id}:{today}");
            told = self
                .notify_by_chosen_channels(&mut tx, "points_expiring", &to, &context, &key)
                .await?;
        }
        tx.commit().await?;
        Ok((told, if expired { expire } else { 0 }))
    }

    /// The member's points that expire within the next months, by day: told ones on their fixed
    /// day, the others on their own expiry day (empty while points never expire).
    pub async fn expiring_points(&self, member_id: i64) -> AppResult<Vec<ExpiringPoints>> {
        let months = self.points_terms().await?.expiry_months;
        if months == 0 {
            return Ok(Vec::new());
        }
        let mut tx = self.db.begin().await?;
        let (lots, scheduled) = member_lots(&mut tx, member_id).await?;
        tx.commit().await?;
        let horizon = business_date(self.now()) + Duration::days(90);
        let mut by_day: BTreeMap<NaiveDate, (i64, bool)> = BTreeMap::new();
        for lot in lots {
            let (day, noticed) = match scheduled.get(&lot.entry_id) {
                Some(day) => (*day, true),
                None => (nominal_expiry(lot.earned_on, months), false),
            };
            if day <= horizon {
                let slot = by_day.entry(day).or_default();
                slot.0 += lot.remaining;
                slot.1 |= noticed;
            }
        }
        Ok(by_day
            .into_iter()
            .map(|(on, (amount, noticed))| ExpiringPoints {
                on,
                amount,
                noticed,
            })
            .collect())
    }
}

/// The member's open lots and open schedule, read in `tx`.
async fn member_lots(
    tx: &mut Tx,
    member_id: i64,
) -> AppResult<(Vec<Lot>, BTreeMap<i64, NaiveDate>)> {
    let entries: Vec<LedgerEntry> = point_expiry::ledger(&mut *tx, member_id)
        .await?
        .into_iter()
        .map(|(id, amount, at)| LedgerEntry {
            id,
            amount,
            on: business_date(at),
        })
        .collect();
    let scheduled = point_expiry::scheduled(&mut *tx, member_id)
        .await?
        .into_iter()
        .filter_map(|(id, day)| day.parse().ok().map(|day| (id, day)))
        .collect();
    Ok((open_lots(&entries), scheduled))
}
