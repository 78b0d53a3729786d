//! Chores over orders and members that the scheduler runs (docs/ARCHITECTURE.md §5): automatic
//! purchase confirmation, deposit reminders, abandoned-cart reminders (marketing consent only,
//! with an unsubscribe link), the monthly grade evaluation and the daily sales report. Each is
//! idempotent: message de-duplication keys and conditional state changes make a second run a no-op.

use crate::notify::{Channel, Notification};
use crate::orders::Actor;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Datelike, Duration, Utc};
use hmac::{Hmac, Mac};
use jangteo_db::{carts, members, orders, settings};
use sha2::Sha256;

fn unsubscribe_token_with(key: &str, member_id: i64) -> AppResult<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes())
        .map_err(|e| AppError::Other(e.to_string()))?;
    mac.update(format!("unsubscribe:{member_id}").as_bytes());
    Ok(hex::encode(&mac.finalize().into_bytes()[..16]))
}

impl App {
    /// The key that signs unsubscribe links: created once and kept in the database, sealed with
    /// the shop's secret key like the staff TOTP seeds, so every instance and restart uses the
    /// same one and a copy of the database cannot forge links.
    pub async fn signing_key(&self) -> AppResult<String> {
        const CONTEXT: &str = "settings.signing_key";
        let now = self.now();
        let fresh = self
            .secrets
            .seal(crate::auth::tokens::random_token()?.as_bytes(), CONTEXT)?;
        let mut tx = self.db.begin().await?;
        let stored = settings::get_or_insert(&mut tx, "signing_key", &fresh, now).await?;
        let key = if stored.starts_with("v1.") {
            String::from_utf8(self.secrets.open(&stored, CONTEXT)?)
                .map_err(|e| AppError::Other(format!("signing key: {e}")))?
        } else {
            // Kept in plain by an earlier version: the same key, sealed from now on.
            let sealed = self.secrets.seal(stored.as_bytes(), CONTEXT)?;
            settings::set(&mut tx, "signing_key", &sealed, now).await?;
            stored
        };
        tx.commit().await?;
        Ok(key)
    }

    /// `/unsubscribe?m=…&t=…` for a member (no login needed, cannot be forged for another member).
    pub async fn unsubscribe_url(&self, member_id: i64) -> AppResult<String> {
        let token = self.unsubscribe_token(member_id).await?;
        Ok(format!(
            "{}/unsubscribe?m={member_id}&t={token}",
            self.config.base_url()
        ))
    }

    async fn unsubscribe_token(&self, member_id: i64) -> AppResult<String> {
        unsubscribe_token_with(&self.signing_key().await?, member_id)
    }

    /// `/unsubscribe?…` for a member with an already loaded signing key (inside a transaction,
    /// where loading the key would need a second connection: SQLite has one writer).
    pub fn unsubscribe_url_with(&self, key: &str, member_id: i64) -> AppResult<String> {
        let token = unsubscribe_token_with(key, member_id)?;
        Ok(format!(
            "{}/unsubscribe?m={member_id}&t={token}",
            self.config.base_url()
        ))
    }

    /// Withdraws the member's marketing consent if the token is theirs; false otherwise.
    pub async fn unsubscribe(&self, member_id: i64, token: &str) -> AppResult<bool> {
        let expected = self.unsubscribe_token(member_id).await?;
        if !jangteo_providers::payments::secrets_match(&expected, token) {
            return Ok(false);
        }
        let Ok(member) = self.active_member(member_id).await else {
            return Ok(false);
        };
        let mut tx = self.db.begin().await?;
        let profile = members::ProfileUpdate {
            name: &member.name,
            mobile: member.mobile.as_deref().unwrap_or(""),
            marketing: false,
            birth_date: member.birth_date.as_deref(),
        };
        members::update_profile(&mut tx, member_id, &profile, self.now()).await?;
        tx.commit().await?;
        tracing::info!(member.id = member_id, "marketing consent withdrawn by link");
        Ok(true)
    }

    /// Confirms purchases delivered `checkout.auto_confirm_days` ago (points granted). Returns how
    /// many.
    pub async fn auto_confirm_purchases(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let before = now - Duration::days(self.config.checkout.auto_confirm_days.max(1));
        let mut done = 0;
        for number in orders::delivered_before(&self.db, before).await? {
            match self.confirm_purchase(&number, &Actor::System).await {
                Ok(_) => done += 1,
                Err(e) if e.conflict_code().is_some() => {}
                Err(e) => return Err(e),
            }
        }
        Ok(done)
    }

    /// Reminds buyers whose deposit deadline falls within the next 24 hours (once per order).
    pub async fn send_deposit_reminders(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let mut sent = 0;
        for number in orders::deadlines_between(&self.db, now, now + Duration::hours(24)).await? {
            let Some(order) = orders::find_by_number(&self.db, &number).await? else {
                continue;
            };
            let mut tx = self.db.begin().await?;
            self.notify_order(&mut tx, &order, "deposit_reminder", None)
                .await?;
            tx.commit().await?;
            sent += 1;
        }
        Ok(sent)
    }

    /// Reminds consenting members of carts left alone for `members.abandoned_cart_hours` (once per
    /// member per week).
    pub async fn send_abandoned_cart_reminders(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let stale = {
            // Untouched for the configured hours, and not older than a week (or a day past it).
            let hours = self.config.members.abandoned_cart_hours.max(1);
            let oldest = now - Duration::days(7).max(Duration::hours(hours + 24));
            carts::stale_carts(&self.db, oldest, now - Duration::hours(hours)).await?
        };
        let week = now.iso_week();
        let mut sent = 0;
        for m in stale {
            let lines = self
                .cart_lines(&crate::cart::CartOwner::Member(m.member_id))
                .await?;
            let views = self.view_cart_lines(&lines).await?;
            let items: Vec<serde_json::Value> = views
                .iter()
                .filter(|v| v.orderable)
                .map(|v| serde_json::json!({ "name": v.product_name, "price": v.unit_price }))
                .collect();
            if items.is_empty() {
                continue;
            }
            let unsubscribe_url = self.unsubscribe_url(m.member_id).await?;
            let mut tx = self.db.begin().await?;
            let recorded = self
                .notify(
                    &mut tx,
                    &Notification {
                        event: "abandoned_cart".into(),
                        channel: Channel::Email,
                        to: m.email.clone(),
                        recipient_name: m.name.clone(),
                        context: serde_json::json!({
                            "items": items,
                            "cart_url": format!("{}/cart", self.config.base_url()),
                            "unsubscribe_url": unsubscribe_url,
                        }),
                        advertising: true,
                        dedupe_key: Some(format!(
                            "abandoned_cart:{}:{}-{}",
                            m.member_id,
                            week.year(),
                            week.week()
                        )),
                    },
                )
                .await?;
            tx.commit().await?;
            sent += usize::from(recorded.is_some());
        }
        Ok(sent)
    }

    /// Evaluates grades when `now` is the owner's evaluation day (KST); the scheduler asks
    /// every day at 03:00. `None` on other days.
    pub async fn evaluate_grades_when_due(&self, now: DateTime<Utc>) -> AppResult<Option<usize>> {
        let today = jangteo_core::time::business_date(now);
        if !self.grade_schedule().await?.runs_on(today) {
            return Ok(None);
        }
        self.evaluate_grades(now).await.map(Some)
    }

    /// Sets every member's grade from what they paid over the back office's window and
    /// thresholds (admin::grades) and tells those whose grade changed.
    pub async fn evaluate_grades(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let mut changed = 0;
        for planned in self.planned_grade_moves(now).await? {
            let (member_id, old, new) = (planned.member_id, planned.old, planned.new);
            let member = self.active_member(member_id).await?;
            let mut tx = self.db.begin().await?;
            members::set_grade(&mut tx, member_id, &new.code, "monthly", "", now).await?;
            if let Some(email) = &member.email {
                self.notify(
                    &mut tx,
                    &Notification {
                        event: "grade_changed".into(),
                        channel: Channel::Email,
                        to: email.clone(),
                        recipient_name: member.name.clone(),
                        context: serde_json::json!({ "grade": {
                            "old": old.name, "new": new.name,
                            "discount_percent": new.discount_bp as f64 / 100.0,
                            "point_percent": new.point_bp as f64 / 100.0,
                        }}),
                        advertising: false,
                        dedupe_key: Some(format!(
                            "grade_changed:{member_id}:{}-{:02}:{}",
                            now.year(),
                            now.month(),
                            new.code
                        )),
                    },
                )
                .await?;
            }
            tx.commit().await?;
            changed += 1;
        }
        Ok(changed)
    }

    /// Sends staff the sales of the KST day before `now` (Slack and the shop's e-mail).
    pub async fn send_daily_report(&self, now: DateTime<Utc>) -> AppResult<()> {
        let today = jangteo_core::time::business_date(now);
        let day = today.pred_opt().unwrap_or(today);
        let (from, to) = (
            jangteo_core::time::start_of_business_day(day),
            jangteo_core::time::start_of_business_day(today),
        );
        let (orders_count, sales) = orders::sales_between(&self.db, from, to).await?;
        let (prev_orders, prev_sales) =
            orders::sales_between(&self.db, from - Duration::days(1), from).await?;
        let (_, week_sales) =
            orders::sales_between(&self.db, from - Duration::days(7), to - Duration::days(7))
                .await?;
        let top = orders::top_products_between(&self.db, from, to, 5).await?;
        let reconciled = self.reconciliation_of(day).await?;
        let context = serde_json::json!({ "report": {
            "date": day.format("%Y-%m-%d").to_string(),
            "sales": sales, "orders": orders_count,
            "average_order_value": if orders_count > 0 { sales / orders_count } else { 0 },
            "sales_prev_day": prev_sales, "orders_prev_day": prev_orders,
            "sales_same_weekday_last_week": week_sales,
            "reconciliation": {
                "checked": reconciled.checked,
                "differences": reconciled.differences.len(),
                "url": format!("{}/admin/payments/reconciliation?date={day}", self.config.base_url()),
            },
            "top_products": top.iter().map(|(name, quantity, sales)| serde_json::json!({
                "name": name, "quantity": quantity, "sales": sales,
            })).collect::<Vec<_>>(),
        }});
        let mut tx = self.db.begin().await?;
        for (channel, to) in [
            (Channel::Slack, "staff".to_owned()),
            (Channel::Email, self.config.shop.business.email.clone()),
        ] {
            if to.is_empty() {
                continue;
            }
            self.notify(
                &mut tx,
                &Notification {
                    event: "daily_report".into(),
                    channel,
                    to,
                    recipient_name: String::new(),
                    context: context.clone(),
                    advertising: false,
                    dedupe_key: Some(format!("daily_report:{day}:{}", channel.as_str())),
                },
            )
            .await?;
        }
        tx.commit().await?;
        self.alert_reconciliation(day, reconciled.differences.len())
            .await;
        Ok(())
    }

    /// Asks for a review `checkout.review_request_days` after delivery (once per order).
    pub async fn send_review_requests(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let days = self.config.checkout.review_request_days.max(1);
        let to = now - Duration::days(days);
        let mut sent = 0;
        for number in orders::delivered_between(&self.db, to - Duration::days(1), to).await? {
            let Some(order) = orders::find_by_number(&self.db, &number).await? else {
                continue;
            };
            let mut tx = self.db.begin().await?;
            self.notify_order(&mut tx, &order, "review_request", None)
                .await?;
            tx.commit().await?;
            sent += 1;
        }
        Ok(sent)
    }

    /// Tells members whose marketing consent is two years old (and every two years after) that
    /// they agreed, when, and how to withdraw (정보통신망법 시행령 62조의3). Once per period.
    pub async fn send_marketing_reconfirmations(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let mut sent = 0;
        for (member_id, email, name, agreed_at) in
            members::consents_older_than(&self.db, now - Duration::days(730)).await?
        {
            let period = (now - agreed_at).num_days() / 730;
            let unsubscribe_url = self.unsubscribe_url(member_id).await?;
            let mut tx = self.db.begin().await?;
            let recorded = self
                .notify(
                    &mut tx,
                    &Notification {
                        event: "marketing_reconfirm".into(),
                        channel: Channel::Email,
                        to: email,
                        recipient_name: name,
                        context: serde_json::json!({
                            "consent": {"given_on": agreed_at.to_rfc3339()},
                            "manage_url": unsubscribe_url,
                        }),
                        advertising: false,
                        dedupe_key: Some(format!(
                            "marketing_reconfirm:{member_id}:{}:{period}",
                            agreed_at.timestamp()
                        )),
                    },
                )
                .await?;
            tx.commit().await?;
            sent += usize::from(recorded.is_some());
        }
        Ok(sent)
    }

    /// Asks the tracker about every parcel in transit and marks delivered ones `delivered`.
    pub async fn pull_tracking(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let mut delivered = 0;
        for (number, carrier, waybill) in orders::in_transit(&self.db).await? {
            match self.tracker.status(&carrier, &waybill).await {
                Ok(jangteo_providers::logistics::ParcelStatus::Delivered) => {
                    match self
                        .advance_order(
                            &number,
                            jangteo_core::order::OrderEvent::Delivered,
                            &Actor::System,
                        )
                        .await
                    {
                        Ok(()) => delivered += 1,
                        Err(e) if e.conflict_code().is_some() => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(order.number = %number, error = %e, "tracking unavailable")
                }
            }
        }
        let parts = self.pull_part_tracking(now).await?;
        Ok(delivered + parts + self.pull_replacement_tracking(now).await?)
    }

    /// Shop dormancy policy (`members.dormancy_days`, default 365): members inactive 30 days short
    /// of it are told once; those past it have their personal data moved to the dormant store
    /// (they get it back by logging in). Returns (notices, separations).
    pub async fn apply_dormancy(&self, now: DateTime<Utc>) -> AppResult<(usize, usize)> {
        let days = self.config.members.dormancy_days;
        if days <= 0 {
            return Ok((0, 0));
        }
        let mut notices = 0;
        for (id, email, name, last) in
            members::inactive_since(&self.db, now - Duration::days((days - 30).max(1))).await?
        {
            let dormant_on = last + Duration::days(days);
            if dormant_on <= now {
                continue;
            }
            let mut tx = self.db.begin().await?;
            let recorded = self
                .notify(
                    &mut tx,
                    &Notification {
                        event: "dormancy_notice".into(),
                        channel: Channel::Email,
                        to: email,
                        recipient_name: name,
                        context: serde_json::json!({
                            "dormant_on": dormant_on.to_rfc3339(),
                            "login_url": format!("{}/account/login", self.config.base_url()),
                        }),
                        advertising: false,
                        dedupe_key: Some(format!("dormancy_notice:{id}:{}", last.timestamp())),
                    },
                )
                .await?;
            tx.commit().await?;
            notices += usize::from(recorded.is_some());
        }
        let mut separated = 0;
        for (id, _, _, _) in members::inactive_since(&self.db, now - Duration::days(days)).await? {
            let mut tx = self.db.begin().await?;
            separated += usize::from(members::make_dormant(&mut tx, id, now).await?);
            tx.commit().await?;
        }
        if separated > 0 {
            tracing::info!(members = separated, "members moved to the dormant store");
        }
        Ok((notices, separated))
    }
}
