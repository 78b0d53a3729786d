//! Staff move a claim on: approve or reject, mark collected, refund through the gateway or send
//! a replacement; every step on the order's timeline and in the audit log. A refund goes
//! through the gateway first: if it is refused, nothing changes.

use super::handling::ClaimDetail;
use crate::admin::orders::normalise_waybill;
use crate::auth::StaffActor;
use crate::orders::lifecycle::{move_claim, move_order};
use crate::orders::refunds::{GatewayRefund, points_follow_goods, record_gateway_refund};
use crate::orders::{Actor, ClaimNews, record_event, units_left};
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::claims::ClaimStatus;
use jangteo_core::loyalty::GoodsLeaving;
use jangteo_core::order::OrderEvent;
use jangteo_core::refund::{UnitsRefund, kept_goods, total_of};
use jangteo_core::staff::{Access, Area};
use jangteo_db::Tx;
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::catalog::stock;
use jangteo_db::claims::ClaimFacts;
use jangteo_db::orders::{self, OrderRow};
use jangteo_db::refunds;

/// What the order's timeline says of a claim step: the rejection's reason, the refund, or the
/// replacement's waybill.
fn timeline_note(action: &ClaimAction, refund: Option<Won>) -> String {
    match (action, refund) {
        (ClaimAction::Reject(reason), _) => reason.trim().to_owned(),
        (
            ClaimAction::Exchange {
                carrier, waybill, ..
            },
            _,
        ) => {
            let name = jangteo_core::carrier::carrier(carrier).map_or("", |c| c.name);
            format!("{name} {waybill}")
        }
        (_, Some(amount)) => format!("{}원", amount.grouped()),
        _ => String::new(),
    }
}

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
        /// Return shipping kept.
        deduction: Won,
        /// Returned units go back on sale.
        restock: bool,
    },
    /// Send the same SKUs again (taken from stock) with its own carrier and waybill; `restock`
    /// as for a refund.
    Exchange {
        /// Returned units go back on sale.
        restock: bool,
        /// The replacement's carrier code.
        carrier: String,
        /// Its waybill.
        waybill: String,
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

    /// Whether the claimed units come back to the shop (refund or replacement).
    fn takes_goods_back(&self) -> bool {
        matches!(
            self,
            ClaimAction::Refund { .. } | ClaimAction::Exchange { .. }
        )
    }

    /// Whether returned units go back on sale.
    fn restocks(&self) -> bool {
        match self {
            ClaimAction::Refund { restock, .. } | ClaimAction::Exchange { restock, .. } => *restock,
            _ => false,
        }
    }

    /// An exchange's replacement: (carrier, waybill).
    fn reship(&self) -> Option<(&str, &str)> {
        match self {
            ClaimAction::Exchange {
                carrier, waybill, ..
            } => Some((carrier, waybill)),
            _ => None,
        }
    }

    /// The reason a rejection gives the buyer.
    fn reject_reason(&self) -> Option<&str> {
        match self {
            ClaimAction::Reject(reason) => Some(reason.trim()),
            _ => None,
        }
    }

    /// Checks the action against the claim: its move, a rejection's reason, and a refund or a
    /// replacement only for what the buyer asked. Returns the claim's move.
    fn check(&self, detail: &ClaimDetail) -> AppResult<(ClaimStatus, ClaimStatus)> {
        let from = detail.claim.status;
        let to = self.target();
        if !from.can_become(to) {
            return Err(AppError::Conflict("claim_state"));
        }
        if self.reject_reason().is_some_and(str::is_empty) {
            return Err(AppError::field("reject_reason", "required"));
        }
        if let ClaimAction::Exchange {
            carrier, waybill, ..
        } = self
        {
            if jangteo_core::carrier::carrier(carrier).is_none() {
                return Err(AppError::field("carrier", "required"));
            }
            if normalise_waybill(waybill).as_deref() != Some(waybill.as_str()) {
                return Err(AppError::field("waybill", "invalid_waybill"));
            }
        }
        if !detail.claim.resolution.allows(to) {
            return Err(AppError::Conflict("claim_state"));
        }
        Ok((from, to))
    }
}

/// A claim's refund: made at the gateway, to be recorded with the claim's move.
struct ClaimRefund {
    gateway: GatewayRefund,
    /// The units' money (and the outbound shipping when it comes back) less the return
    /// shipping kept.
    amount: Won,
    /// Outbound shipping refunded less the return shipping kept (the refund's shipping part).
    shipping: Won,
    units: Vec<UnitsRefund>,
}

impl App {
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
        let (from, to) = action.check(&detail)?;
        let number = detail.order.number.clone();
        let refund = match action {
            ClaimAction::Refund { deduction, .. } => {
                Some(self.refund_claim(&detail, id, *deduction).await?)
            }
            _ => None,
        };
        let staff_actor = Actor::Staff(actor.email.clone());
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let Some(locked) = orders::lock_by_number(&mut tx, &number).await? else {
            return Err(AppError::NotFound);
        };
        // What was kept before this claim (for the points earned on it).
        let kept_before = kept_goods(&orders::line_units(
            &orders::lines(&mut tx, locked.id).await?,
        ));
        if action.takes_goods_back() {
            take_goods_back(&mut tx, &detail, action).await?;
        }
        let mut refund_id = None;
        if let Some(refund) = &refund {
            let goods = refund.goods(kept_before);
            refund_id = Some(
                record_claim_refund(&mut tx, &locked, refund, &goods, id, &staff_actor, now)
                    .await?,
            );
        }
        let reject_reason = action.reject_reason();
        let facts = ClaimFacts {
            reject_reason,
            refund_id,
            restocked: action.takes_goods_back().then(|| action.restocks()),
            reship: action.reship(),
        };
        move_claim(&mut tx, id, from, to, facts, now).await?;
        let note = timeline_note(action, refund.as_ref().map(|r| r.amount));
        let event = format!("claim_{}", to.as_str());
        record_event(
            &mut tx,
            &locked,
            &event,
            locked.status,
            &staff_actor,
            &note,
            now,
        )
        .await?;
        let claim_news = ClaimNews {
            resolution: detail.claim.resolution,
            status: to,
            reason: reject_reason,
            refund: refund.as_ref().map(|r| r.amount),
            reship: action.reship(),
        };
        self.notify_claim(&mut tx, &locked, id, &claim_news).await?;
        // The last units refunded: the order is over (반품완료).
        if refund.is_some() && units_left(&orders::lines(&mut tx, locked.id).await?) == 0 {
            let last = OrderEvent::EverythingReturned;
            move_order(&mut tx, &locked, &last, &staff_actor, "", now).await?;
        }
        let after = serde_json::json!({
            "status": to.as_str(), "refund": refund.as_ref().map_or(Won::ZERO, |r| r.amount),
            "restock": action.restocks(), "reason": reject_reason,
        });
        let target = id.to_string();
        let entry = NewAudit {
            before: Some(serde_json::json!({ "status": from.as_str() }).to_string()),
            after: Some(after.to_string()),
            ..actor.entry("claims.action", "claim", &target)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        if action.restocks() || matches!(action, ClaimAction::Exchange { .. }) {
            self.catalog_changed().await;
        }
        Ok(())
    }

    /// Refunds the claimed units at the gateway, keeping `deduction` won of return shipping
    /// (idempotent per claim).
    async fn refund_claim(
        &self,
        detail: &ClaimDetail,
        id: i64,
        deduction: Won,
    ) -> AppResult<ClaimRefund> {
        if deduction < Won::ZERO || deduction > detail.quote.max_deduction() {
            return Err(AppError::field("deduction", "invalid_deduction"));
        }
        let amount = detail.quote.refund_with(deduction);
        let key = format!("claim:{}:{id}", detail.order.number);
        let gateway = self
            .refund_at_gateway(detail.order.id, Some(amount), "반품 환불", &key)
            .await?;
        let units = detail
            .lines
            .iter()
            .map(|(line, units)| line.units().refund_of(*units))
            .collect();
        Ok(ClaimRefund {
            gateway,
            amount,
            shipping: detail.quote.shipping_refunded - deduction,
            units,
        })
    }
}

impl ClaimRefund {
    /// The goods leaving with the claim, out of `kept_before` the order kept until now.
    fn goods(&self, kept_before: Won) -> GoodsLeaving {
        let (amount, spent_points) = total_of(&self.units);
        GoodsLeaving {
            kept_before,
            amount,
            spent_points,
        }
    }
}

/// The claimed units come back: returned on their lines when refunded (a replacement stays
/// the buyer's, open to a later claim), back on sale when asked, and taken from stock again for
/// a replacement.
async fn take_goods_back(tx: &mut Tx, detail: &ClaimDetail, action: &ClaimAction) -> AppResult<()> {
    let refunded = matches!(action, ClaimAction::Refund { .. });
    for (line, units) in &detail.lines {
        if refunded && !orders::return_units(tx, line.id, *units).await? {
            return Err(AppError::Conflict("claim_state"));
        }
        let Some(sku) = line.sku_id else { continue };
        if action.restocks() {
            stock::release(tx, sku, *units).await?;
        }
        if matches!(action, ClaimAction::Exchange { .. })
            && !stock::reserve(tx, sku, *units).await?
        {
            return Err(AppError::Conflict("exchange_out_of_stock"));
        }
    }
    Ok(())
}

/// Records a claim's refund with its order: the gateway's refund, the points that follow the
/// goods, and the refund with its lines (outbound shipping refunded less the return shipping
/// kept as its shipping amount).
async fn record_claim_refund(
    tx: &mut Tx,
    order: &OrderRow,
    refund: &ClaimRefund,
    goods: &GoodsLeaving,
    claim_id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    record_gateway_refund(tx, &refund.gateway, now).await?;
    let key = format!("claim:{claim_id}");
    points_follow_goods(tx, order, order.status, goods, &key, now).await?;
    let lines: Vec<(i64, i64, Won)> = refund
        .units
        .iter()
        .map(|r| (r.line_id, r.units, r.amount))
        .collect();
    let new = refunds::NewRefund {
        order_id: order.id,
        amount: refund.amount,
        shipping_amount: refund.shipping,
        points_restored: goods.spent_points,
        reason: "반품 환불",
        actor: &actor.label(),
        lines: &lines,
    };
    Ok(refunds::insert(tx, &new, now).await?)
}
