//! Messages to the orderer about their order (placed, paid, shipped, delivered, cancelled), with
//! the figures the templates show.

use crate::notify::{Channel, Notification};
use crate::{App, AppError, AppResult};
use jangteo_core::Won;
use jangteo_core::claims::{ClaimResolution, ClaimStatus};
use jangteo_core::order::OrderStatus;
use jangteo_db::Tx;
use jangteo_db::orders::{self, OrderRow};
use jangteo_db::payments as payment_rows;

/// What a claim's message tells the orderer.
pub(crate) struct ClaimNews<'a> {
    /// Return or exchange.
    pub(crate) resolution: ClaimResolution,
    /// The step it reached.
    pub(crate) status: ClaimStatus,
    /// A rejection's reason.
    pub(crate) reason: Option<&'a str>,
    /// The amount refunded.
    pub(crate) refund: Option<Won>,
    /// An exchange's replacement: (carrier code, waybill).
    pub(crate) reship: Option<(&'a str, &'a str)>,
}

/// The orderer as a customer message addresses them.
pub(super) fn orderer(order: &OrderRow) -> crate::notify_settings::Addressee<'_> {
    crate::notify_settings::Addressee {
        email: Some(&order.orderer_email),
        mobile: Some(&order.orderer_mobile),
        name: &order.orderer_name,
    }
}

/// A claim step as customer messages name it.
fn claim_step_name(status: ClaimStatus) -> &'static str {
    match status {
        ClaimStatus::Requested => "접수",
        ClaimStatus::Approved => "승인",
        ClaimStatus::Collected => "회수 완료",
        ClaimStatus::Refunded => "환불 완료",
        ClaimStatus::Exchanged => "교환 상품 발송",
        ClaimStatus::Rejected => "거절",
    }
}

impl App {
    /// After payment or deposit request: message the buyer, take the lines out of a member's cart.
    pub(crate) async fn after_order_settled(&self, number: &str, event: &str) -> AppResult<()> {
        let order = orders::find_by_number(&self.db, number)
            .await?
            .ok_or(AppError::NotFound)?;
        let codes_issued = event == "payment_completed"
            && order.status == OrderStatus::Delivered
            && self.pin_summary(&order).await?.issued > 0;
        let channels = self.gift_card_notice().await?;
        let mut tx = self.db.begin().await?;
        if codes_issued {
            // A gift card: the notice of its codes instead of "we will ship it".
            self.notify_codes_issued(&mut tx, &order, channels, 0)
                .await?;
        } else {
            self.notify_order(&mut tx, &order, event, None).await?;
        }
        if event == "payment_completed" {
            let data = crate::webhooks::order_data(&order, "paid");
            self.emit_webhook(&mut tx, "order.paid", &order.number, data)
                .await?;
            super::cash_receipts::queue_cash_receipt_sync(&mut tx, order.id).await?;
            if let Some(member) = order.member_id
                && orders::paid_count(&mut tx, member).await? == 1
            {
                let now = self.now();
                jangteo_db::promotions::issue_first_purchase_coupons(&mut tx, member, now).await?;
            }
        }
        tx.commit().await?;
        if event == "payment_completed" {
            self.alert_paid_order(&order).await;
        }
        if codes_issued {
            // A staff alert that cannot be queued must not fail the buyer's paid order.
            if let Err(e) = self.alert_low_pools(&order).await {
                tracing::error!(order.number = %order.number, error = %e, "low PIN pool alert not queued");
            }
        }
        if let Some(member) = order.member_id {
            let skus: Vec<i64> = orders::lines(&self.db, order.id)
                .await?
                .iter()
                .filter(|l| !l.is_gift)
                .filter_map(|l| l.sku_id)
                .collect();
            self.clear_member_cart_lines(member, &skus).await?;
        }
        Ok(())
    }

    /// Records an order message for the orderer.
    pub(crate) async fn notify_order(
        &self,
        tx: &mut Tx,
        order: &OrderRow,
        event: &str,
        refund: Option<Won>,
    ) -> AppResult<()> {
        // A marketplace tells its own buyer (the shop has no address of theirs to write to).
        if order.payment_method == jangteo_core::payment::PaymentMethod::Marketplace {
            return Ok(());
        }
        // By the channels the owner chose for the event (e-mail until they chose).
        // The figures once, for every channel.
        let context = self.order_message_context(tx, order, event, refund).await?;
        let key = format!("{event}:{}", order.number);
        self.notify_by_chosen_channels(tx, event, &orderer(order), &context, &key)
            .await?;
        Ok(())
    }

    /// Tells the orderer that some units of their order were cancelled and refunded
    /// (`refunded`), once per partial cancellation (`key` is its refund's key).
    pub(crate) async fn notify_partial_refund(
        &self,
        tx: &mut Tx,
        order: &OrderRow,
        lines: &[orders::OrderLineRow],
        chosen: &[jangteo_core::refund::UnitsRefund],
        key: &str,
    ) -> AppResult<()> {
        if order.payment_method == jangteo_core::payment::PaymentMethod::Marketplace {
            return Ok(());
        }
        let (amount, points) = jangteo_core::refund::total_of(chosen);
        let event = "refunded";
        let mut context = self
            .order_message_context(tx, order, event, Some(amount))
            .await?;
        context["refund"]["points"] = serde_json::json!(points);
        context["cancelled_items"] = chosen
            .iter()
            .filter_map(|r| {
                let line = lines.iter().find(|l| l.id == r.line_id)?;
                Some(serde_json::json!({
                    "name": line.product_name, "option": line.option_label,
                    "quantity": r.units, "total": r.amount,
                }))
            })
            .collect();
        let key = format!("{event}:{key}");
        self.notify_by_chosen_channels(tx, event, &orderer(order), &context, &key)
            .await?;
        Ok(())
    }

    /// The figures an order message about `event` shows (the order, its shipment, its virtual
    /// account, the refund).
    pub(crate) async fn order_message_context(
        &self,
        tx: &mut Tx,
        order: &OrderRow,
        event: &str,
        refund: Option<Won>,
    ) -> AppResult<serde_json::Value> {
        let lines = orders::lines(&mut *tx, order.id).await?;
        let payment = payment_rows::latest_for_order(&mut *tx, order.id).await?;
        let discount = order.grade_discount + order.coupon_discount + Won(order.points_used);
        let mut context = serde_json::json!({
            "order": {
                "number": order.number,
                "url": format!("{}/orders/{}", self.config.base_url(), order.number),
                "placed_at": order.placed_at.to_rfc3339(),
                "items": lines.iter().map(|l| serde_json::json!({
                    "name": l.product_name, "option": l.option_label, "quantity": l.quantity, "total": l.total,
                })).collect::<Vec<_>>(),
                "items_total": order.items_subtotal,
                "discount": discount,
                "shipping_fee": order.shipping_fee + order.remote_surcharge,
                "total": order.total,
                "payment_method": order.payment_method.korean_name(),
                "carrier": order.carrier.as_deref().and_then(jangteo_core::carrier::carrier).map(|c| c.name),
                "waybill": order.waybill,
                "tracking_url": match (&order.carrier, &order.waybill) {
                    (Some(c), Some(w)) => jangteo_core::carrier::tracking_url(c, w),
                    _ => None,
                },
            },
        });
        if let (Some(c), Some(w)) = (&order.carrier, &order.waybill) {
            context["shipment"] = serde_json::json!({
                "carrier_name": jangteo_core::carrier::carrier(c).map_or(c.as_str(), |x| x.name),
                "waybill": w,
                "tracking_url": jangteo_core::carrier::tracking_url(c, w),
            });
        }
        if let Some(p) = &payment
            && let (Some(bank), Some(account), Some(holder), Some(deadline)) =
                (&p.va_bank, &p.va_account, &p.va_holder, p.va_deadline)
        {
            context["virtual_account"] = serde_json::json!({
                "bank": bank, "account": account, "holder": holder, "amount": p.amount, "deadline": deadline.to_rfc3339(),
            });
        }
        if matches!(event, "delivered" | "review_request") {
            // Straight to the review form (a guest's order has none: its page instead).
            let review_path = if order.member_id.is_some() {
                "/review"
            } else {
                ""
            };
            context["review_url"] = serde_json::json!(format!(
                "{}/orders/{}{review_path}",
                self.config.base_url(),
                order.number
            ));
            context["confirm_days"] = serde_json::json!(self.config.checkout.auto_confirm_days);
        }
        if let Some(amount) = refund {
            context["refund"] = serde_json::json!({
                "amount": amount,
                "method": order.payment_method.korean_name(),
                "expected": order.payment_method.refund_expectation(),
            });
        }
        Ok(context)
    }

    /// Tells the orderer where their return or exchange stands (`claim_status`), by the
    /// channels the owner chose.
    pub(crate) async fn notify_claim(
        &self,
        tx: &mut Tx,
        order: &OrderRow,
        claim_id: i64,
        news: &ClaimNews<'_>,
    ) -> AppResult<()> {
        let event = "claim_status";
        let mut context = self
            .order_message_context(tx, order, event, news.refund)
            .await?;
        context["claim"] = serde_json::json!({
            "kind_label": match news.resolution {
                ClaimResolution::Return => "반품",
                ClaimResolution::Exchange => "교환",
            },
            "status_label": claim_step_name(news.status),
            "reason": news.reason.unwrap_or_default(),
            "reship": news.reship.map(|(carrier, waybill)| serde_json::json!({
                "carrier": jangteo_core::carrier::carrier(carrier).map_or(carrier, |c| c.name),
                "waybill": waybill,
                "tracking_url": jangteo_core::carrier::tracking_url(carrier, waybill),
            })),
        });
        let key = format!("{event}:{claim_id}:{}", news.status.as_str());
        self.notify_by_chosen_channels(tx, event, &orderer(order), &context, &key)
            .await?;
        Ok(())
    }

    /// Queues `event` to the orderer on `channel` (e-mail to their address, a text to their
    /// mobile) with `context`; false when a message with `dedupe_key` exists.
    pub(crate) async fn notify_orderer(
        &self,
        tx: &mut Tx,
        order: &OrderRow,
        (event, channel): (&str, Channel),
        context: serde_json::Value,
        dedupe_key: String,
    ) -> AppResult<bool> {
        let queued = self
            .notify(
                tx,
                &Notification {
                    event: event.to_owned(),
                    channel,
                    to: match channel {
                        Channel::Email => order.orderer_email.clone(),
                        _ => order.orderer_mobile.clone(),
                    },
                    recipient_name: order.orderer_name.clone(),
                    context,
                    advertising: false,
                    dedupe_key: Some(dedupe_key),
                },
            )
            .await?;
        Ok(queued.is_some())
    }
}
