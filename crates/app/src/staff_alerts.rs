//! Staff alerts (issue 18): the shop's flows raise them as things happen; each goes to the staff
//! Slack channel and/or the alert e-mail addresses as the owner set on 직원 알림 (core
//! `alerts::AlertRules`). An alert carries no buyer's personal data.

use crate::auth::StaffActor;
use crate::notify::{Channel, Notification};
use crate::{App, AppError, AppResult};
use jangteo_core::alerts::{AlertRules, STAFF_ALERTS};
use jangteo_core::member::Email;
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::{Reader, Tx, settings};

/// Where the rules are kept.
const RULES_KEY: &str = "alerts.staff";

/// One alert.
#[derive(Debug, Clone)]
pub struct StaffAlert {
    /// Which (one of `core::alerts::STAFF_ALERTS`).
    pub kind: &'static str,
    /// What happened, in a line.
    pub title: String,
    /// Details.
    pub lines: Vec<String>,
    /// The amount it is about (a paid order's total: the owner's minimum applies).
    pub amount: Option<i64>,
    /// Where to look in the back office (a path under the shop's address).
    pub path: String,
    /// At most one alert per key.
    pub key: String,
}

impl App {
    /// The owner's alert rules, read in `conn`.
    pub(crate) async fn alert_rules(&self, conn: impl Into<Reader<'_>>) -> AppResult<AlertRules> {
        Ok(settings::get(conn, RULES_KEY)
            .await?
            .and_then(|stored| serde_json::from_str(&stored).ok())
            .unwrap_or_default())
    }

    /// Queues `alert` inside `tx` by the channels its rule names.
    pub(crate) async fn alert_staff(&self, tx: &mut Tx, alert: &StaffAlert) -> AppResult<()> {
        let rules = self.alert_rules(&mut *tx).await?;
        let route = rules.route_for(alert.kind, alert.amount);
        let mut to: Vec<(Channel, String)> = Vec::new();
        if route.slack {
            let channel = rules.slack_channel(alert.kind).unwrap_or("staff");
            to.push((Channel::Slack, channel.to_owned()));
        }
        if route.email {
            let business = self.config.shop.business.email.trim().to_owned();
            let emails = if rules.emails.is_empty() {
                vec![business]
            } else {
                rules.emails.clone()
            };
            to.extend(
                emails
                    .into_iter()
                    .filter(|e| !e.is_empty())
                    .map(|e| (Channel::Email, e)),
            );
        }
        let context = serde_json::json!({ "alert": {
            "kind": alert.kind, "title": alert.title, "lines": alert.lines,
            "url": format!("{}{}", self.config.base_url(), alert.path),
        }});
        for (channel, recipient) in to {
            let dedupe = format!("staff_alert:{}:{}:{recipient}", alert.key, channel.as_str());
            let notice = Notification {
                event: "staff_alert".into(),
                channel,
                to: recipient,
                recipient_name: String::new(),
                context: context.clone(),
                advertising: false,
                dedupe_key: Some(dedupe),
            };
            self.notify(tx, &notice).await?;
        }
        Ok(())
    }

    /// [`App::alert_staff`] in a transaction of its own; a failure is logged, never passed on
    /// (an alert must not cost the order, the claim or the request that raised it).
    pub(crate) async fn alert_staff_now(&self, alert: &StaffAlert) {
        let sent = async {
            let mut tx = self.db.begin().await?;
            self.alert_staff(&mut tx, alert).await?;
            tx.commit().await.map_err(AppError::from)
        };
        if let Err(e) = sent.await {
            tracing::error!(alert = alert.kind, error = %e, "staff alert not queued");
        }
    }

    /// The rules for the settings page (notifications, read).
    pub async fn admin_alert_rules(&self, actor: &StaffActor) -> AppResult<AlertRules> {
        actor.require(Area::Notifications, Access::Read)?;
        self.alert_rules(&self.db).await
    }

    /// Sets the rules from the ticked `(alert, channel)` pairs, the paid-order minimum, the
    /// e-mail addresses (comma or line separated) and the `(alert, Slack channel)` pairs
    /// (notifications, write); audited.
    pub async fn set_alert_rules(
        &self,
        actor: &StaffActor,
        ticked: &[(String, String)],
        (paid_order_min, emails): (&str, &str),
        slack_channels: &[(String, String)],
    ) -> AppResult<()> {
        actor.require(Area::Notifications, Access::Write)?;
        let mut errors = crate::field_errors::FieldErrors::default();
        let min = match jangteo_core::money::parse_typed_amount(paid_order_min) {
            Ok(amount) => amount.unwrap_or(0),
            Err(_) => {
                errors.add("paid_order_min", "invalid_amount");
                0
            }
        };
        let mut addresses = Vec::new();
        for raw in emails
            .split([',', '\n'])
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            match Email::parse(raw) {
                Ok(email) => addresses.push(email.as_str().to_owned()),
                Err(_) => errors.add("emails", "invalid_email"),
            }
        }
        let mut channels = std::collections::BTreeMap::new();
        for (kind, raw) in slack_channels {
            match jangteo_core::alerts::slack_channel(raw) {
                Ok(Some(channel)) if STAFF_ALERTS.contains(&kind.as_str()) => {
                    channels.insert(kind.clone(), channel);
                }
                Ok(_) => {}
                Err(_) => errors.add("slack_channels", "invalid_slack_channel"),
            }
        }
        errors.finish()?;
        let mut rules = AlertRules::ticked(
            ticked.iter().map(|(k, c)| (k.as_str(), c.as_str())),
            min,
            addresses,
        );
        rules.slack_channels = channels;
        let before = self.alert_rules(&self.db).await?;
        let json = serde_json::to_string(&rules).map_err(|e| AppError::Other(e.to_string()))?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        settings::set(&mut tx, RULES_KEY, &json, now).await?;
        let entry = NewAudit {
            before: serde_json::to_string(&before).ok(),
            after: Some(json),
            ..actor.entry("alerts.rules", "settings", RULES_KEY)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await.map_err(AppError::from)
    }
}

/// How long a text from a person may be in an alert.
const EXCERPT: usize = 60;

impl App {
    /// A paid order (above the owner's minimum) or, for deposit methods, the deposit.
    pub(crate) async fn alert_paid_order(&self, order: &jangteo_db::orders::OrderRow) {
        use jangteo_core::payment::PaymentMethod;
        let deposit = matches!(
            order.payment_method,
            PaymentMethod::VirtualAccount | PaymentMethod::BankDeposit
        );
        let (kind, what) = if deposit {
            ("deposit_received", "입금 확인")
        } else {
            ("paid_order", "새 결제 주문")
        };
        let number = &order.number;
        self.alert_staff_now(&StaffAlert {
            kind,
            title: format!("{what} {number} ({})", order.total),
            lines: vec![order.payment_method.korean_name().to_owned()],
            amount: Some(order.total.get()),
            path: format!("/admin/orders/{number}"),
            key: format!("{kind}:{number}"),
        })
        .await;
    }

    /// A return or exchange was filed.
    pub(crate) async fn alert_claim_filed(&self, number: &str, claim: i64, reason: &str) {
        self.alert_staff_now(&StaffAlert {
            kind: "claim_filed",
            title: format!("교환·반품 신청 {number}"),
            lines: vec![jangteo_core::text::excerpt(reason, EXCERPT)],
            amount: None,
            path: format!("/admin/claims/{claim}"),
            key: format!("claim_filed:{claim}"),
        })
        .await;
    }

    /// A member asked something.
    pub(crate) async fn alert_inquiry(&self, inquiry: i64, title: &str) {
        self.alert_staff_now(&StaffAlert {
            kind: "inquiry_received",
            title: "새 문의가 들어왔습니다".into(),
            lines: vec![jangteo_core::text::excerpt(title, EXCERPT)],
            amount: None,
            path: format!("/admin/inquiries/{inquiry}"),
            key: format!("inquiry_received:{inquiry}"),
        })
        .await;
    }

    /// A server error answered a request (`route` as the router matched it; no personal data).
    pub async fn alert_server_error(&self, route: &str, request_id: &str) {
        // At most one alert per route and minute: a failing page must not flood the channel.
        let minute = self.now().format("%Y%m%d%H%M");
        self.alert_staff_now(&StaffAlert {
            kind: "server_error",
            title: format!("서버 오류: {route}"),
            lines: vec![format!("요청 ID {request_id}")],
            amount: None,
            path: "/admin/jobs".into(),
            key: format!("server_error:{route}:{minute}"),
        })
        .await;
    }

    /// Payments of `day` that do not match the gateway's.
    pub(crate) async fn alert_reconciliation(&self, day: chrono::NaiveDate, differences: usize) {
        if differences == 0 {
            return;
        }
        self.alert_staff_now(&StaffAlert {
            kind: "reconciliation",
            title: format!("결제 대사 차이 {differences}건 ({day})"),
            lines: Vec::new(),
            amount: None,
            path: format!("/admin/payments/reconciliation?date={day}"),
            key: format!("reconciliation:{day}"),
        })
        .await;
    }

    /// The chore: SKUs at or below the low-stock level (once a day each) and jobs that gave up
    /// (once each; a message that could not be sent is in the message log instead, so an
    /// alert that cannot reach Slack does not raise another).
    pub async fn send_staff_alert_sweep(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<usize> {
        let today = jangteo_core::time::business_date(now);
        let mut raised = 0;
        let low = jangteo_db::catalog::stock::low_stock(
            &self.db,
            crate::back_office::LOW_STOCK_THRESHOLD,
            50,
        )
        .await?;
        for sku in low {
            self.alert_staff_now(&StaffAlert {
                kind: "low_stock",
                title: format!("품절 임박 {} ({}개 남음)", sku.product_name, sku.stock),
                lines: vec![format!("SKU {}", sku.code)],
                amount: None,
                path: "/admin/stock?low=1".into(),
                key: format!("low_stock:{}:{today}", sku.sku_id),
            })
            .await;
            let data = serde_json::json!({"sku": {"code": sku.code, "product": sku.product_name, "stock": sku.stock}});
            let key = format!("{}_{}", sku.sku_id, today.format("%Y%m%d"));
            self.emit_webhook_now("stock.low", &key, data).await;
            raised += 1;
        }
        for job in jangteo_db::jobs::list(&self.db, Some("dead"), 50, 0).await? {
            if job.kind == <crate::jobs::SendMessage as crate::jobs::Job>::KIND {
                continue;
            }
            let error = job.last_error.as_deref().unwrap_or_default();
            self.alert_staff_now(&StaffAlert {
                kind: "job_dead",
                title: format!("작업이 실패해 멈췄습니다: {}", job.kind),
                lines: vec![jangteo_core::text::excerpt(error, 120)],
                amount: None,
                path: "/admin/jobs?state=dead".into(),
                key: format!("job_dead:{}", job.id),
            })
            .await;
            raised += 1;
        }
        Ok(raised)
    }
}
