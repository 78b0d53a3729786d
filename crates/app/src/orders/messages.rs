//! Messages to the orderer about their order (placed, paid, shipped, delivered, cancelled), with
//! the figures the templates show.

use crate::notify::{Channel, Notification};
use crate::{App, AppResult};
use jangteo_core::Won;
use jangteo_db::Tx;
use jangteo_db::orders::{self, OrderRow};
use jangteo_db::payments as payment_rows;

impl App {
    /// Records an order message for the orderer.
    pub(crate) async fn notify_order(
        &self,
        tx: &mut Tx,
        order: &OrderRow,
        event: &str,
        refund: Option<Won>,
    ) -> AppResult<()> {
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
            // Reviews come later: the order page is where the buyer confirms and will review.
            context["review_url"] = serde_json::json!(format!(
                "{}/orders/{}",
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
        self.notify(
            tx,
            &Notification {
                event: event.to_owned(),
                channel: Channel::Email,
                to: order.orderer_email.clone(),
                recipient_name: order.orderer_name.clone(),
                context,
                advertising: false,
                dedupe_key: Some(format!("{event}:{}:email", order.number)),
            },
        )
        .await?;
        Ok(())
    }
}
