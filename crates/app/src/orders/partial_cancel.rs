//! Partial cancellation (staff): some units of some lines of a paid order that has not shipped.
//! Their share of the money is refunded through the gateway (a bank deposit is refunded by staff
//! and recorded), their stock and their share of spent points come back, and the refund is
//! recorded with its lines (statistics count it on its day). Cancelling every unit left is a full
//! cancellation.

use super::lifecycle::record_event;
use super::refunds::{GoodsRemoved, kept_goods, points_follow_goods, record_gateway_refund};
use crate::orders::Actor;
use crate::{App, AppError, AppResult};
use chrono::Utc;
use jangteo_core::Won;
use jangteo_core::stats::share_of_units;
use jangteo_db::catalog::stock;
use jangteo_db::orders::{self, OrderLineRow};
use jangteo_db::refunds;

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
        let status = order.status;
        if !status.can_cancel_partially() {
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
            .refund_at_gateway(order.id, Some(amount), reason, &key)
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
        record_gateway_refund(&mut tx, &refund, now).await?;
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
