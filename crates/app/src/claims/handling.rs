//! Staff handling of claims: the list and one claim with its refund figures, then approve or
//! reject, mark collected, refund through the gateway or send a replacement; every step on the
//! order's timeline and in the audit log.

use crate::auth::StaffActor;
use crate::claims::units_left;
use crate::orders::lifecycle::{ClaimFacts, move_claim};
use crate::orders::refunds::{
    GoodsRemoved, kept_goods, points_follow_goods, record_gateway_refund,
};
use crate::orders::{Actor, record_event};
use crate::{App, AppError, AppResult};
use chrono::Utc;
use jangteo_core::Won;
use jangteo_core::claims::ClaimStatus;
use jangteo_core::order::OrderStatus;
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_core::staff::{Access, Area};
use jangteo_core::stats::share_of_units;
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::catalog::stock;
use jangteo_db::claims::{self, ClaimRow};
use jangteo_db::orders::{self, OrderLineRow, OrderRow};
use jangteo_db::refunds;

/// What staff do with a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimAction {
    /// Accept: the goods are to be collected.
    Approve,
    /// Refuse, with a reason the buyer sees.
    Reject(String),
    /// The goods are back.
    Collected,
    /// Refund the claimed units, keeping `deduction` won of return shipping; `restock` puts the
    /// returned units back in stock.
    Refund {
        /// Return shipping kept (won).
        deduction: i64,
        /// Returned units go back on sale.
        restock: bool,
    },
    /// Send the same SKUs again (taken from stock); `restock` as for a refund.
    Exchange {
        /// Returned units go back on sale.
        restock: bool,
    },
}

impl ClaimAction {
    fn target(&self) -> ClaimStatus {
        match self {
            ClaimAction::Approve => ClaimStatus::Approved,
            ClaimAction::Reject(_) => ClaimStatus::Rejected,
            ClaimAction::Collected => ClaimStatus::Collected,
            ClaimAction::Refund { .. } => ClaimStatus::Refunded,
            ClaimAction::Exchange { .. } => ClaimStatus::Exchanged,
        }
    }
}

/// A claim with what the staff page shows.
#[derive(Debug, Clone)]
pub struct ClaimDetail {
    /// The claim.
    pub claim: ClaimRow,
    /// Its order.
    pub order: OrderRow,
    /// (order line, units claimed).
    pub lines: Vec<(OrderLineRow, i64)>,
    /// Content hashes of the photos.
    pub photos: Vec<String>,
    /// The refund the goods would get now (before return shipping).
    pub refundable: i64,
    /// Return shipping suggested for the refund.
    pub suggested_deduction: i64,
}

impl App {
    /// Claims for staff: `waiting` (what staff still act on), one status, or all.
    pub async fn admin_claims(
        &self,
        actor: &StaffActor,
        status: &str,
        page: u32,
    ) -> AppResult<(Paged<(ClaimRow, String)>, i64)> {
        actor.require(Area::Orders, Access::Read)?;
        let request = PageRequest::new(page, 30);
        let (rows, total) = if status == "waiting" {
            claims::list_waiting(&self.db, request.limit(), request.offset()).await?
        } else {
            claims::list(
                &self.db,
                status.parse().ok(),
                request.limit(),
                request.offset(),
            )
            .await?
        };
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let number = orders::number_by_id(&self.db, row.order_id).await?;
            items.push((row, number));
        }
        let waiting = claims::count_waiting(&self.db).await?;
        Ok((Paged::counted(items, total, request), waiting))
    }

    /// One claim for staff.
    pub async fn admin_claim(&self, actor: &StaffActor, id: i64) -> AppResult<ClaimDetail> {
        actor.require(Area::Orders, Access::Read)?;
        let claim = claims::find(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let order = orders::find_by_id(&self.db, claim.order_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let all = orders::lines(&self.db, order.id).await?;
        let lines: Vec<(OrderLineRow, i64)> = claims::lines(&self.db, id)
            .await?
            .into_iter()
            .filter_map(|(line, units)| {
                all.iter()
                    .find(|l| l.id == line)
                    .map(|l| (l.clone(), units))
            })
            .collect();
        let refundable = lines
            .iter()
            .map(|(l, units)| {
                share_of_units(
                    l.total,
                    l.quantity,
                    l.quantity_cancelled + l.quantity_returned,
                    (*units).min(units_left(l)),
                )
            })
            .sum();
        let buyer_pays = claim.buyer_pays_return;
        Ok(ClaimDetail {
            photos: claims::evidence(&self.db, id).await?,
            suggested_deduction: if buyer_pays {
                self.config.checkout.return_shipping_fee.max(0)
            } else {
                0
            },
            refundable,
            lines,
            order,
            claim,
        })
    }

    /// Moves a claim on (staff). A refund goes through the gateway first: if it is refused,
    /// nothing changes.
    pub async fn claim_action(
        &self,
        actor: &StaffActor,
        id: i64,
        action: &ClaimAction,
    ) -> AppResult<()> {
        actor.require(Area::Orders, Access::Write)?;
        let detail = self.admin_claim(actor, id).await?;
        let from: ClaimStatus = detail
            .claim
            .status
            .parse()
            .map_err(|e: jangteo_core::claims::UnknownClaimValue| AppError::Other(e.to_string()))?;
        let to = action.target();
        if !from.can_become(to) {
            return Err(AppError::Conflict("claim_state"));
        }
        if let ClaimAction::Reject(reason) = action
            && reason.trim().is_empty()
        {
            return Err(AppError::field("reject_reason", "required"));
        }
        if matches!(action, ClaimAction::Refund { .. }) && detail.claim.resolution != "return"
            || matches!(action, ClaimAction::Exchange { .. })
                && detail.claim.resolution != "exchange"
        {
            return Err(AppError::Conflict("claim_state"));
        }
        let number = detail.order.number.clone();
        let staff_actor = Actor::Staff(actor.email.clone());
        // The money first (outside the transaction; idempotent per claim).
        let mut refund = None;
        let mut amount = 0;
        if let ClaimAction::Refund { deduction, .. } = action {
            if *deduction < 0 || *deduction > detail.refundable {
                return Err(AppError::field("deduction", "invalid_deduction"));
            }
            amount = detail.refundable - deduction;
            let key = format!("claim:{number}:{id}");
            refund = Some(
                self.refund_at_gateway(detail.order.id, Some(amount), "반품 환불", &key)
                    .await?,
            );
        }
        let now = Utc::now();
        let mut tx = self.db.begin().await?;
        let Some(locked) = orders::lock_by_number(&mut tx, &number).await? else {
            return Err(AppError::NotFound);
        };
        let order_status: OrderStatus = locked.status;
        // What was kept before this claim (for the points earned on it).
        let kept_before = kept_goods(&orders::lines(&mut tx, locked.id).await?);
        let mut refund_id = None;
        let restock = match action {
            ClaimAction::Refund { restock, .. } | ClaimAction::Exchange { restock } => *restock,
            _ => false,
        };
        if matches!(
            action,
            ClaimAction::Refund { .. } | ClaimAction::Exchange { .. }
        ) {
            for (line, units) in &detail.lines {
                if !orders::return_units(&mut tx, line.id, *units).await? {
                    return Err(AppError::Conflict("claim_state"));
                }
                let Some(sku) = line.sku_id else { continue };
                if restock {
                    stock::release(&mut tx, sku, *units).await?;
                }
                if matches!(action, ClaimAction::Exchange { .. })
                    && !stock::reserve(&mut tx, sku, *units).await?
                {
                    return Err(AppError::Conflict("exchange_out_of_stock"));
                }
            }
        }
        if let (Some(refund), ClaimAction::Refund { deduction, .. }) = (&refund, action) {
            record_gateway_refund(&mut tx, refund, now).await?;
            let shares: Vec<(i64, i64, i64)> = detail
                .lines
                .iter()
                .map(|(l, units)| {
                    (
                        l.id,
                        *units,
                        share_of_units(
                            l.total,
                            l.quantity,
                            l.quantity_cancelled + l.quantity_returned,
                            *units,
                        ),
                    )
                })
                .collect();
            let points: i64 = detail
                .lines
                .iter()
                .map(|(l, units)| {
                    share_of_units(
                        l.points,
                        l.quantity,
                        l.quantity_cancelled + l.quantity_returned,
                        *units,
                    )
                })
                .sum();
            let goods = GoodsRemoved {
                kept_before,
                amount: shares.iter().map(|s| s.2).sum(),
                spent_points: points,
            };
            points_follow_goods(
                &mut tx,
                &locked,
                order_status,
                &goods,
                &format!("claim:{id}"),
                now,
            )
            .await?;
            refund_id = Some(
                refunds::insert(
                    &mut tx,
                    &refunds::NewRefund {
                        order_id: locked.id,
                        amount,
                        // Return shipping kept from the goods' refund.
                        shipping_amount: -deduction,
                        points_restored: points,
                        reason: "반품 환불",
                        actor: &staff_actor.label(),
                        lines: &shares,
                    },
                    now,
                )
                .await?,
            );
        }
        let reject_reason = match action {
            ClaimAction::Reject(reason) => Some(reason.trim()),
            _ => None,
        };
        let facts = ClaimFacts {
            reject_reason,
            refund_id,
        };
        move_claim(&mut tx, id, from, to, facts, now).await?;
        let note = match action {
            ClaimAction::Reject(reason) => reason.trim().to_owned(),
            ClaimAction::Refund { .. } => format!("{}원", Won(amount).grouped()),
            _ => String::new(),
        };
        record_event(
            &mut tx,
            &locked,
            &format!("claim_{}", to.as_str()),
            order_status,
            &staff_actor,
            &note,
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            &NewAudit {
                before: Some(serde_json::json!({ "status": from.as_str() }).to_string()),
                after: Some(
                    serde_json::json!({
                        "status": to.as_str(), "refund": amount, "restock": restock,
                        "reason": reject_reason,
                    })
                    .to_string(),
                ),
                ..actor.entry("claims.action", "claim", &id.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        if restock || matches!(action, ClaimAction::Exchange { .. }) {
            self.catalog_changed().await;
        }
        Ok(())
    }
}
