//! Staff-edited notification templates: the events that have one, previews with sample values,
//! saving (checked to render within budget and free of active content) and restoring.

use crate::auth::StaffActor;
use crate::notify::render::Templates;
use crate::notify::{Channel, Notification};
use crate::{App, AppError, AppResult};
use chrono::Utc;
use jangteo_core::staff::{Access, Area};

/// A rendered preview of a template.
#[derive(Debug, Clone)]
pub struct TemplatePreview {
    /// E-mail subject.
    pub subject: String,
    /// E-mail HTML (layout applied, CSS inlined).
    pub html: String,
    /// E-mail text part.
    pub text: String,
    /// SMS / AlimTalk text.
    pub sms: String,
}

/// Sample values for every variable the event templates use (previews and the save check).
pub fn sample_context() -> serde_json::Value {
    let mut sample = serde_json::json!({
        "order": {
            "number": "20261122-8F3K2Q", "url": "https://shop.example.com/orders/20261122-8F3K2Q",
            "placed_at": "2026-11-22T05:00:00Z",
            "items": [{"name": "반팔티셔츠 오버핏 코튼", "option": "블랙 / L", "quantity": 2, "total": 39_800}],
            "items_total": 39_800, "discount": 0, "shipping_fee": 3_000, "total": 42_800, "payment_method": "가상계좌"
        },
        "virtual_account": {"bank": "신한은행", "account": "562-112345-67890", "holder": "장터데모", "amount": 42_800, "deadline": "2026-11-25T14:59:59Z"},
        "member": {"name": "김구매", "email": "buyer@example.com"},
        "login_url": "https://shop.example.com/account/login", "reset_url": "https://shop.example.com/account/password-reset/abc",
        "expires_minutes": 30,
        "pins_in_message": false, "pins_list": "- 문화상품권 1만원권: 1234-5678-9012-3456",
        "shipment": {"carrier_name": "CJ대한통운", "waybill": "123456789012", "tracking_url": "https://trace.cjlogistics.com/next/tracking.html?wblNo=123456789012"},
        "review_url": "https://shop.example.com/orders/20261122-8F3K2Q", "confirm_days": 7,
        "pool": {"product": "문화상품권 1만원권", "available": 3, "sold": 97, "url": "https://shop.example.com/admin/products/7/pins"},
        "refund": {"amount": 42_800, "method": "가상계좌 환불", "expected": "영업일 기준 1~2일", "points": 1_000},
        "alert": {"kind": "paid_order", "title": "새 결제 주문 20261122-8F3K2Q (42,800원)", "lines": ["카드 · 상품 2개"], "url": "https://shop.example.com/admin/orders/20261122-8F3K2Q"},
        "claim": {"kind_label": "반품", "status_label": "환불 완료", "reason": ""},
        "inquiry": {"title": "배송 문의", "answer_excerpt": "내일 출고됩니다.", "url": "https://shop.example.com/inquiries/1"},
        "grade": {"old": "실버", "new": "골드", "discount_percent": 3, "point_percent": 3},
        "dormant_on": "2026-12-23T00:00:00Z", "consent": {"given_on": "2024-11-23T00:00:00Z"},
        "points": {"amount": 1_500, "expires_on": "2026-12-23", "balance": 4_200, "url": "https://shop.example.com/account/points"},
        "product": {"name": "반팔티셔츠 오버핏 코튼", "option": "블랙 / L", "url": "https://shop.example.com/products/tshirt"},
        "manage_url": "https://shop.example.com/unsubscribe?m=1&t=x", "cart_url": "https://shop.example.com/cart",
        "unsubscribe_url": "https://shop.example.com/unsubscribe?m=1&t=x",
        "items": [{"name": "제주 감귤 5kg", "price": 15_900}],
        "announcement": {"title": "겨울 세일", "body": "전 상품 10% 할인", "paragraphs": ["전 상품 10% 할인"]},
        "report": {"date": "2026-11-22", "sales": 1_234_000, "orders": 31, "average_order_value": 39_806,
            "sales_prev_day": 1_000_000, "sales_same_weekday_last_week": 1_500_000, "orders_prev_day": 25,
            "reconciliation": {"checked": 30, "differences": 1, "url": "https://shop.example.com/admin/payments/reconciliation?date=2026-11-22"},
            "top_products": [{"name": "제주 감귤 5kg", "quantity": 12, "sales": 190_800}]}
    });
    // Apart: one literal that large runs past the json! macro's recursion limit.
    sample["cancelled_items"] = serde_json::json!([
        {"name": "반팔티셔츠 오버핏 코튼", "option": "블랙 / L", "quantity": 1, "total": 19_900}
    ]);
    sample
}

impl App {
    /// The events that have templates.
    pub fn template_events(&self) -> Vec<String> {
        let mut events: Vec<String> = Templates::iter()
            .filter_map(|name| name.strip_suffix(".jinja").map(str::to_owned))
            .collect();
        events.sort();
        events
    }

    /// An event's template source as in force, and whether staff edited it.
    pub async fn template_source(&self, event: &str) -> AppResult<(String, bool)> {
        if let Some(edited) = jangteo_db::message_templates::get(&self.db, event).await? {
            return Ok((edited, true));
        }
        let file = Templates::get(&format!("{event}.jinja")).ok_or(AppError::NotFound)?;
        Ok((String::from_utf8_lossy(&file.data).into_owned(), false))
    }

    /// The template page: the source in force, whether staff edited it, and its preview.
    pub async fn template_for_editing(
        &self,
        actor: &StaffActor,
        event: &str,
    ) -> AppResult<(String, bool, Option<TemplatePreview>)> {
        actor.require(Area::Notifications, Access::Read)?;
        let (source, edited) = self.template_source(event).await?;
        let preview = self.render_preview(event, &source).await.ok();
        Ok((source, edited, preview))
    }

    /// Previews an edit (part of editing: the same permission as saving).
    pub async fn preview_template(
        &self,
        actor: &StaffActor,
        event: &str,
        source: &str,
    ) -> AppResult<TemplatePreview> {
        actor.require(Area::Notifications, Access::Write)?;
        self.render_preview(event, source).await
    }

    /// Renders `source` as `event`'s template with sample values; a broken template is an
    /// `Invalid` error naming the problem.
    async fn render_preview(&self, event: &str, source: &str) -> AppResult<TemplatePreview> {
        if !self.template_events().iter().any(|e| e == event) {
            return Err(AppError::NotFound);
        }
        let notification = |channel| Notification {
            event: event.to_owned(),
            channel,
            to: "buyer@example.com".into(),
            recipient_name: "김구매".into(),
            context: sample_context(),
            advertising: false,
            dedupe_key: None,
        };
        let check = |e: AppError| match e {
            AppError::Invalid(m) | AppError::Other(m) => AppError::Invalid(m),
            other => other,
        };
        let mail = self
            .render_message(&notification(Channel::Email), Some(source))
            .await
            .map_err(check)?;
        // Staff-only reports have no SMS block; check the channels the template has.
        let sms = if source.contains("block sms") {
            self.render_message(&notification(Channel::Sms), Some(source))
                .await
                .map_err(check)?
                .text
        } else {
            String::new()
        };
        if source.contains("block slack") {
            self.render_message(&notification(Channel::Slack), Some(source))
                .await
                .map_err(check)?;
        }
        Ok(TemplatePreview {
            subject: mail.subject,
            html: mail.html,
            text: mail.text,
            sms,
        })
    }

    /// Saves a staff edit after checking it renders.
    pub async fn save_template(
        &self,
        actor: &StaffActor,
        event: &str,
        source: &str,
    ) -> AppResult<()> {
        actor.require(Area::Notifications, Access::Write)?;
        if crate::rich_text::has_active_content(source) {
            return Err(AppError::field("source", "template_active_content"));
        }
        self.render_preview(event, source).await?;
        let before = jangteo_db::message_templates::get(&self.db, event).await?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        jangteo_db::message_templates::save(&mut tx, event, source, &actor.email, now).await?;
        jangteo_db::audit::record(
            &mut tx,
            &jangteo_db::audit::NewAudit {
                before: before.map(|b| serde_json::json!({ "source": b }).to_string()),
                after: Some(serde_json::json!({ "source": source }).to_string()),
                ..actor.entry("template.save", "template", event)
            },
            now,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            template.event = event,
            staff = %actor.email,
            "notification template edited"
        );
        Ok(())
    }

    /// Events whose template staff edited: (event, who, when).
    pub async fn edited_templates(
        &self,
    ) -> AppResult<Vec<(String, String, chrono::DateTime<Utc>)>> {
        Ok(jangteo_db::message_templates::edited(&self.db).await?)
    }

    /// Restores the built-in template.
    pub async fn reset_template(&self, actor: &StaffActor, event: &str) -> AppResult<()> {
        actor.require(Area::Notifications, Access::Write)?;
        jangteo_db::message_templates::reset(&self.db, event).await?;
        self.audit_event(actor, "template.reset", "template", event, "")
            .await
    }
}
