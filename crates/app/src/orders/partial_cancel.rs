//! Partial cancellation (staff): some units of some lines of a paid order that has not shipped.
//! Their share of the money is refunded through the gateway (a bank deposit is refunded by staff
//! and recorded), their stock and their share of spent points come back, and the refund is
//! recorded with its lines (statistics count it on its day). Cancelling every unit left is a full
//! cancellation.

use super::lifecycle::record_event;
use super::refunds::{points_follow_goods, record_gateway_refund};
use crate::orders::Actor;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::ids::OrderId;
use jangteo_core::loyalty::GoodsLeaving;
use jangteo_core::pins::PinStatus;
use jangteo_core::refund::{UnitsRefund, kept_goods, pick_units, total_of, units_left_after};
use jangteo_db::Tx;
use jangteo_db::catalog::stock;
use jangteo_db::orders::{self, OrderLineRow, OrderRow};
use jangteo_db::pins::PinRow;
use jangteo_db::refunds;

/// What a partial cancellation gave back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PartialRefund {
    /// Money refunded.
    pub amount: Won,
    /// Points given back.
    pub points: i64,
    /// Whether it cancelled everything left (then it was a full cancellation).
    pub whole_order: bool,
}

/// The gateway's idempotency key of a partial cancel: the order, how many refunds it had, and
/// the units leaving. Two partial cancels of different units at once (a goods order holds no
/// lock until it moves) get different keys, so neither replays the other's refund; the same
/// request twice gets the same key, so the gateway refunds once.
fn refund_key(number: &str, sequence: usize, chosen: &[UnitsRefund]) -> String {
    use sha2::Digest;
    let units: Vec<String> = chosen
        .iter()
        .map(|r| format!("{}x{}", r.line_id, r.units))
        .collect();
    let digest = sha2::Sha256::digest(units.join(",").as_bytes());
    format!("partial:{number}:{sequence}:{}", &hex::encode(digest)[..12])
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
        let order = self.order_to_refund(number, actor).await?;
        let status = order.status;
        let codes = self.pin_summary(&order).await?;
        if !jangteo_core::digital::may_cancel_partially(status, codes) {
            return Err(AppError::Conflict("cannot_cancel"));
        }
        let lines = orders::lines(&self.db, order.id).await?;
        let units = orders::line_units(&lines);
        let chosen = self.units_to_cancel(&order, &units, picks).await?;
        if units_left_after(&units, &chosen) == 0 {
            return self
                .cancel_everything_left(number, actor, reason, order.id)
                .await;
        }
        let (amount, points) = total_of(&chosen);
        // Asked under the lock before any money moves, the PINs then held until the units
        // leave: seen PINs cannot be cancelled by part either.
        let held = self
            .hold_codes(number, |locked, sold| {
                if locked.status != status {
                    return Err(AppError::Conflict("cannot_cancel"));
                }
                enough_unseen(sold, &chosen)
            })
            .await?;
        // Counted once held, so two partial cancels of one order never share a refund key; a
        // failed count lifts the hold (the refund then lifts or keeps it).
        let sequence = match refunds::of_order(&self.db, order.id).await {
            Ok(done) => done.len() + 1,
            Err(e) => {
                if held {
                    self.lift_codes_hold(&order).await;
                }
                return Err(e.into());
            }
        };
        let key = refund_key(number, sequence, &chosen);
        let refund = self.refund_at_gateway(order.id, Some(amount), reason, &key);
        let refund = self
            .refund_while_held(&order, held, refund, |_| true)
            .await?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let Some(locked) = orders::lock_by_number(&mut tx, number).await? else {
            return Err(AppError::NotFound);
        };
        if locked.status != order.status {
            return Err(AppError::Conflict("cannot_cancel"));
        }
        cancel_units(&mut tx, &lines, &chosen, now).await?;
        let goods = GoodsLeaving {
            kept_before: kept_goods(&units),
            amount,
            spent_points: points,
        };
        points_follow_goods(&mut tx, &locked, status, &goods, &key, now).await?;
        record_gateway_refund(&mut tx, &refund, now).await?;
        record_units_refund(&mut tx, &locked, &chosen, (reason, actor), now).await?;
        let note = format!("{reason} ({}원)", amount.grouped());
        let event = "partially_cancelled";
        record_event(&mut tx, &locked, event, status, actor, &note, now).await?;
        self.notify_partial_refund(&mut tx, &locked, &lines, &chosen, &key)
            .await?;
        jangteo_db::pin_holds::release(&mut tx, locked.id.get()).await?;
        tx.commit().await?;
        tracing::info!(order.number = %number, refund = amount.get(), "order partially cancelled");
        Ok(PartialRefund {
            amount,
            points,
            whole_order: false,
        })
    }

    /// The units picked, refused when any left in a parcel already.
    async fn units_to_cancel(
        &self,
        order: &OrderRow,
        units: &[jangteo_core::refund::LineUnits],
        picks: &[(i64, i64)],
    ) -> AppResult<Vec<UnitsRefund>> {
        let chosen = pick_units(units, picks).map_err(|e| AppError::field("units", e.code()))?;
        let shipped = jangteo_db::shipments::shipped_lines(&self.db, order.id.get()).await?;
        if chosen
            .iter()
            .any(|c| shipped.iter().any(|(line, _)| *line == c.line_id))
        {
            return Err(AppError::field("units", "line_shipped"));
        }
        Ok(chosen)
    }

    /// Cancels the whole rest of an order (its last units chosen): a full cancellation, whose
    /// refund is reported as this one's.
    async fn cancel_everything_left(
        &self,
        number: &str,
        actor: &Actor,
        reason: &str,
        order_id: OrderId,
    ) -> AppResult<PartialRefund> {
        let before = refunds::of_order(&self.db, order_id).await?.len();
        self.cancel_order(number, actor, reason).await?;
        let all = refunds::of_order(&self.db, order_id).await?;
        let last = all.get(before);
        Ok(PartialRefund {
            amount: last.map_or(Won::ZERO, |r| r.amount),
            points: last.map_or(0, |r| r.points_restored),
            whole_order: true,
        })
    }
}

/// Refuses when a chosen gift-card line has fewer unseen PINs than the units chosen.
fn enough_unseen(sold: &[PinRow], chosen: &[UnitsRefund]) -> AppResult<()> {
    for pick in chosen {
        let on_line: Vec<_> = sold
            .iter()
            .filter(|p| p.order_line_id == Some(pick.line_id))
            .collect();
        let unseen = on_line
            .iter()
            .filter(|p| p.status() == Some(PinStatus::Allocated))
            .count();
        if !on_line.is_empty() && i64::try_from(unseen).unwrap_or(0) < pick.units {
            return Err(AppError::Conflict("pins_revealed"));
        }
    }
    Ok(())
}

/// Takes the chosen units off their lines and puts them back in stock.
/// The refund of the chosen units, with its lines.
async fn record_units_refund(
    tx: &mut Tx,
    order: &OrderRow,
    chosen: &[UnitsRefund],
    (reason, actor): (&str, &Actor),
    now: DateTime<Utc>,
) -> AppResult<()> {
    let (amount, points) = total_of(chosen);
    let refund_lines: Vec<(i64, i64, Won)> = chosen
        .iter()
        .map(|r| (r.line_id, r.units, r.amount))
        .collect();
    let new = refunds::NewRefund {
        order_id: order.id,
        amount,
        shipping_amount: Won::ZERO,
        points_restored: points,
        reason,
        actor: &actor.label(),
        lines: &refund_lines,
    };
    refunds::insert(tx, &new, now).await?;
    Ok(())
}

async fn cancel_units(
    tx: &mut Tx,
    lines: &[OrderLineRow],
    chosen: &[UnitsRefund],
    now: DateTime<Utc>,
) -> AppResult<()> {
    for pick in chosen {
        if !orders::cancel_units(tx, pick.line_id, pick.units).await? {
            return Err(AppError::Conflict("cannot_cancel"));
        }
        let sku = lines
            .iter()
            .find(|l| l.id == pick.line_id)
            .and_then(|l| l.sku_id);
        // A gift-card line gives back unseen PINs, and only those units go back in stock.
        let (held, back) =
            jangteo_db::pins::release_line(tx, pick.line_id, pick.units, now).await?;
        if held > 0 && back < pick.units {
            return Err(AppError::Conflict("pins_revealed"));
        }
        if let Some(sku) = sku {
            stock::release(tx, sku, pick.units).await?;
        }
    }
    Ok(())
}
