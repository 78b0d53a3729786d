//! Partial cancellation (staff): some units of some lines of a paid order that has not shipped.
//! Their share of the money is refunded through the gateway (a bank deposit is refunded by staff
//! and recorded), their stock and their share of spent points come back, and the refund is
//! recorded with its lines (statistics count it on its day). Cancelling every unit left is a full
//! cancellation.

use crate::orders::{Actor, record_event};
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::order::{OrderStatus, PaymentEvent, PaymentStatus};
use jangteo_core::stats::share_of_units;
use jangteo_db::catalog::stock;
use jangteo_db::orders::{self, OrderLineRow};
use jangteo_db::payments::{self, PaymentRow, PaymentUpdate};
use jangteo_db::{promotions, refunds};

/// A refund the gateway has made (or, for a bank deposit, that staff make by hand), to be
/// recorded in the transaction of the change it belongs to.
#[derive(Debug, Clone)]
pub(crate) struct GatewayRefund {
    payment: PaymentRow,
    key: String,
    raw: String,
    next: PaymentStatus,
}

/// Records a gateway refund on its payment (the message, the new status, the amount cancelled).
pub(crate) async fn record_gateway_refund(
    tx: &mut jangteo_db::Tx,
    refund: &GatewayRefund,
    amount: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let payment = &refund.payment;
    payments::record_event(
        tx,
        &payment.provider,
        &refund.key,
        Some(payment.id),
        "cancel",
        &refund.raw,
        now,
    )
    .await?;
    payments::update(
        tx,
        payment.id,
        &payment.status,
        &PaymentUpdate {
            status: refund.next.as_str(),
            cancelled_amount: Some(payment.cancelled_amount + amount),
            ..Default::default()
        },
        now,
    )
    .await?;
    Ok(())
}

impl App {
    /// Refunds `amount` of an order's payment through the gateway with an idempotency key (a
    /// bank deposit is refunded by staff and only recorded). Writes nothing: record the result
    /// with [`record_gateway_refund`] in the change's transaction, so that a refused refund
    /// changes nothing.
    pub(crate) async fn refund_at_gateway(
        &self,
        order_id: i64,
        amount: i64,
        reason: &str,
        key: &str,
    ) -> AppResult<GatewayRefund> {
        let payment = payments::latest_for_order(&self.db, order_id)
            .await?
            .ok_or(AppError::Conflict("cannot_cancel"))?;
        let p_status: PaymentStatus = payment.status.parse()?;
        if !matches!(
            p_status,
            PaymentStatus::Done | PaymentStatus::PartiallyCancelled
        ) || amount > payment.approved_amount - payment.cancelled_amount
        {
            return Err(AppError::Conflict("cannot_cancel"));
        }
        let (raw, next) = if amount == 0 {
            ("{}".to_owned(), p_status)
        } else if payment.method == "bank_deposit" {
            (
                "{\"manual_refund\":true}".to_owned(),
                PaymentStatus::PartiallyCancelled,
            )
        } else {
            let payment_key = payment
                .payment_key
                .clone()
                .ok_or_else(|| AppError::Other("paid without a key".into()))?;
            let reply = self
                .gateway
                .cancel(&jangteo_providers::payments::CancelRequest {
                    payment_key,
                    reason: reason.to_owned(),
                    amount: Some(Won(amount)),
                    idempotency_key: key.to_owned(),
                })
                .await
                .map_err(|e| AppError::Other(format!("refund failed: {e}")))?;
            let next = p_status
                .apply(PaymentEvent::Refunded {
                    remaining_after: reply.balance_amount.get(),
                })
                .map_err(|e| AppError::Other(e.to_string()))?;
            (reply.raw, next)
        };
        Ok(GatewayRefund {
            payment,
            key: key.to_owned(),
            raw,
            next,
        })
    }
}

/// Goods leaving an order (cancelled units, returned units): what was kept before, the goods'
/// share of the money, and the share of the points spent on them.
pub(crate) struct GoodsRemoved {
    /// Goods kept before (after earlier cancellations and returns).
    pub kept_before: i64,
    /// Their share of the money.
    pub amount: i64,
    /// Their share of the points spent.
    pub spent_points: i64,
}

/// The goods an order still holds: each line's total less the share of its units cancelled or
/// returned.
pub(crate) fn kept_goods(lines: &[OrderLineRow]) -> i64 {
    lines
        .iter()
        .filter(|l| !l.is_gift)
        .map(|l| {
            l.total
                - share_of_units(
                    l.total,
                    l.quantity,
                    0,
                    l.quantity_cancelled + l.quantity_returned,
                )
        })
        .sum()
}

/// Points after goods left an order: the points spent on them come back; the points the order
/// earns shrink in proportion to the goods kept; points already granted (purchase confirmed)
/// are taken back for the goods that left, as far as the member's balance goes. `key` makes
/// each movement happen once.
pub(crate) async fn points_follow_goods(
    tx: &mut jangteo_db::Tx,
    order: &jangteo_db::orders::OrderRow,
    status: OrderStatus,
    goods: &GoodsRemoved,
    key: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if let Some(member) = order.member_id
        && goods.spent_points > 0
    {
        promotions::add_points(
            tx,
            member,
            goods.spent_points,
            "order_refund",
            Some(order.id),
            Some(&format!("refund:{key}")),
            now,
        )
        .await?;
    }
    if order.points_to_earn <= 0 || goods.kept_before <= 0 {
        return Ok(());
    }
    let kept_after = (goods.kept_before - goods.amount).max(0);
    let earn = i64::try_from(
        i128::from(order.points_to_earn) * i128::from(kept_after) / i128::from(goods.kept_before),
    )
    .unwrap_or(0);
    orders::set_points_to_earn(tx, order.id, earn).await?;
    let owed = order.points_to_earn - earn;
    if let (OrderStatus::Completed, Some(member)) = (status, order.member_id)
        && owed > 0
    {
        let take = owed.min(promotions::points_balance_in(tx, member).await?);
        if take > 0 {
            promotions::add_points(
                tx,
                member,
                -take,
                "order_return",
                Some(order.id),
                Some(&format!("return:{key}")),
                now,
            )
            .await?;
        }
    }
    Ok(())
}

/// What a partial cancellation gave back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PartialRefund {
    /// Money refunded (won).
    pub amount: i64,
    /// Points given back.
    pub points: i64,
    /// Whether it cancelled everything left (then it was a full cancellation).
    pub whole_order: bool,
}

/// The chosen lines with their units, checked against what is left of each.
fn chosen<'a>(
    lines: &'a [OrderLineRow],
    picks: &[(i64, i64)],
) -> AppResult<Vec<(&'a OrderLineRow, i64)>> {
    let mut out: Vec<(&OrderLineRow, i64)> = Vec::new();
    for &(line_id, units) in picks.iter().filter(|p| p.1 != 0) {
        let line = lines
            .iter()
            .find(|l| l.id == line_id && !l.is_gift)
            .ok_or_else(|| AppError::field("units", "invalid_units"))?;
        if units < 0
            || units > line.quantity - line.quantity_cancelled
            || out.iter().any(|(l, _)| l.id == line_id)
        {
            return Err(AppError::field("units", "invalid_units"));
        }
        out.push((line, units));
    }
    if out.is_empty() {
        return Err(AppError::field("units", "choose_units"));
    }
    Ok(out)
}

impl App {
    /// Cancels `picks` (order line id, units) of an order that is paid or being prepared.
    pub async fn cancel_partially(
        &self,
        number: &str,
        actor: &Actor,
        reason: &str,
        picks: &[(i64, i64)],
    ) -> AppResult<PartialRefund> {
        let order = self.order_for(number, actor).await?;
        let status: OrderStatus = order.status.parse()?;
        if !matches!(status, OrderStatus::Paid | OrderStatus::Preparing) {
            return Err(AppError::Conflict("cannot_cancel"));
        }
        let lines = orders::lines(&self.db, order.id).await?;
        let chosen = chosen(&lines, picks)?;
        let left_after: i64 = lines
            .iter()
            .filter(|l| !l.is_gift)
            .map(|l| {
                let taking: i64 = chosen
                    .iter()
                    .filter(|(c, _)| c.id == l.id)
                    .map(|(_, u)| *u)
                    .sum();
                l.quantity - l.quantity_cancelled - taking
            })
            .sum();
        if left_after == 0 {
            let before = refunds::of_order(&self.db, order.id).await?.len();
            self.cancel_order(number, actor, reason).await?;
            let all = refunds::of_order(&self.db, order.id).await?;
            let last = all.get(before);
            return Ok(PartialRefund {
                amount: last.map_or(0, |r| r.amount),
                points: last.map_or(0, |r| r.points_restored),
                whole_order: true,
            });
        }
        let shares: Vec<(i64, i64, i64, Option<i64>, i64)> = chosen
            .iter()
            .map(|(l, units)| {
                (
                    l.id,
                    *units,
                    share_of_units(l.total, l.quantity, l.quantity_cancelled, *units),
                    l.sku_id,
                    share_of_units(l.points, l.quantity, l.quantity_cancelled, *units),
                )
            })
            .collect();
        let amount: i64 = shares.iter().map(|s| s.2).sum();
        let points: i64 = shares.iter().map(|s| s.4).sum();
        let sequence = refunds::of_order(&self.db, order.id).await?.len() + 1;
        let key = format!("partial:{number}:{sequence}");
        let refund = self
            .refund_at_gateway(order.id, amount, reason, &key)
            .await?;
        let now = Utc::now();
        let mut tx = self.db.begin().await?;
        let Some(locked) = orders::lock_by_number(&mut tx, number).await? else {
            return Err(AppError::NotFound);
        };
        if locked.status != order.status {
            return Err(AppError::Conflict("cannot_cancel"));
        }
        for &(line_id, units, _, sku, _) in &shares {
            if !orders::cancel_units(&mut tx, line_id, units).await? {
                return Err(AppError::Conflict("cannot_cancel"));
            }
            if let Some(sku) = sku {
                stock::release(&mut tx, sku, units).await?;
            }
        }
        let goods = GoodsRemoved {
            kept_before: kept_goods(&lines),
            amount,
            spent_points: points,
        };
        points_follow_goods(&mut tx, &locked, status, &goods, &key, now).await?;
        record_gateway_refund(&mut tx, &refund, amount, now).await?;
        let refund_lines: Vec<(i64, i64, i64)> = shares.iter().map(|s| (s.0, s.1, s.2)).collect();
        refunds::insert(
            &mut tx,
            &refunds::NewRefund {
                order_id: locked.id,
                amount,
                shipping_amount: 0,
                points_restored: points,
                reason,
                actor: &actor.label(),
                lines: &refund_lines,
            },
            now,
        )
        .await?;
        let note = format!("{reason} ({}원)", Won(amount).grouped());
        record_event(
            &mut tx,
            &locked,
            "partially_cancelled",
            status,
            actor,
            &note,
            now,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(order.number = %number, refund = amount, "order partially cancelled");
        Ok(PartialRefund {
            amount,
            points,
            whole_order: false,
        })
    }
}
