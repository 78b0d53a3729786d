//! Claims after delivery (반품/교환). The buyer sees the windows before filing (`core::claims`),
//! files a claim for some units of some lines with a reason, a discovery date where the law asks
//! for one, and photos; staff approve or reject it (with a reason), mark the goods collected,
//! then refund the units through the gateway (return shipping kept when the buyer pays it) or
//! send a replacement. Staff may file a claim outside its window with a recorded reason. Every
//! step writes the order's timeline and, for staff, the audit log.

use crate::members::FieldErrors;
use crate::orders::{Actor, record_event};
use crate::partial_cancel::{GoodsRemoved, kept_goods, points_follow_goods, record_gateway_refund};
use crate::staff::StaffActor;
use crate::{App, AppError, AppResult};
use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use jangteo_core::Won;
use jangteo_core::claims::{
    ClaimKind, ClaimPolicy, ClaimRefusal, ClaimStatus, claim_deadline, may_file_claim,
};
use jangteo_core::order::OrderStatus;
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_core::staff::{Access, Area};
use jangteo_core::stats::share_of_units;
use jangteo_core::time::start_of_business_day;
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::catalog::stock;
use jangteo_db::claims::{self, ClaimRow, NewClaim};
use jangteo_db::orders::{self, OrderLineRow, OrderRow};
use jangteo_db::refunds;

/// Most photos one claim may carry.
pub const MAX_CLAIM_PHOTOS: usize = 5;

/// A claim as typed.
#[derive(Debug, Clone, Default)]
pub struct ClaimForm {
    /// `change_of_mind`, `not_as_described`, `defect`.
    pub kind: String,
    /// `return` or `exchange`.
    pub resolution: String,
    /// The buyer's words.
    pub reason: String,
    /// The day the problem was found, `YYYY-MM-DD` (Korean calendar).
    pub discovered_on: String,
    /// (order line id, units).
    pub units: Vec<(i64, i64)>,
    /// Photos of the problem.
    pub photos: Vec<Bytes>,
    /// Staff only: why a claim outside its window is accepted.
    pub override_reason: String,
}

/// A line the buyer may claim units of.
#[derive(Debug, Clone)]
pub struct ClaimableLine {
    /// The order line.
    pub line: OrderLineRow,
    /// Units neither cancelled, returned nor in an open claim.
    pub available: i64,
}

/// What the claim form offers.
#[derive(Debug, Clone)]
pub struct ClaimChoices {
    /// The order.
    pub order: OrderRow,
    /// When the goods arrived (none: not delivered).
    pub received_at: Option<DateTime<Utc>>,
    /// Lines with units left to claim.
    pub lines: Vec<ClaimableLine>,
    /// Until when a change of mind may be filed (exclusive).
    pub change_of_mind_until: Option<DateTime<Utc>>,
    /// Days of the change-of-mind window.
    pub change_of_mind_days: u32,
    /// Return shipping kept when the buyer pays it.
    pub return_fee: i64,
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

/// Units of a line still open to a claim.
fn units_left(line: &OrderLineRow) -> i64 {
    line.quantity - line.quantity_cancelled - line.quantity_returned
}

impl App {
    fn claim_policy(&self) -> ClaimPolicy {
        ClaimPolicy::new(self.config.checkout.change_of_mind_days)
    }

    /// The claims of an order, newest first (the caller has checked who may see the order).
    pub async fn claims_of_order(&self, order_id: i64) -> AppResult<Vec<ClaimRow>> {
        Ok(claims::for_order(&self.db, order_id).await?)
    }

    /// What the buyer (or staff) may claim on an order.
    pub async fn claim_choices(&self, number: &str, actor: &Actor) -> AppResult<ClaimChoices> {
        let order = self.order_for(number, actor).await?;
        let status: OrderStatus = order.status.parse()?;
        let received_at = if matches!(status, OrderStatus::Delivered | OrderStatus::Completed) {
            orders::delivered_at(&self.db, order.id).await?
        } else {
            None
        };
        let all = orders::lines(&self.db, order.id).await?;
        let open = claims::open_units(&self.db, order.id).await?;
        let lines = all
            .into_iter()
            .filter(|l| !l.is_gift)
            .map(|line| {
                let claimed: i64 = open
                    .iter()
                    .filter(|(l, _)| *l == line.id)
                    .map(|(_, u)| *u)
                    .sum();
                let available = (units_left(&line) - claimed).max(0);
                ClaimableLine { line, available }
            })
            .collect();
        let policy = self.claim_policy();
        Ok(ClaimChoices {
            change_of_mind_until: received_at
                .and_then(|r| claim_deadline(ClaimKind::ChangeOfMind, policy, r, None)),
            change_of_mind_days: policy.change_of_mind_days,
            return_fee: self.config.checkout.return_shipping_fee.max(0),
            received_at,
            lines,
            order,
        })
    }

    /// Files a buyer's claim, held to the windows; returns its id.
    pub async fn file_claim(
        &self,
        number: &str,
        actor: &Actor,
        form: &ClaimForm,
    ) -> AppResult<i64> {
        self.file_claim_as(number, actor, None, form).await
    }

    /// Files a claim for the buyer (staff): outside its window only with a recorded reason.
    pub async fn staff_file_claim(
        &self,
        staff: &StaffActor,
        number: &str,
        form: &ClaimForm,
    ) -> AppResult<i64> {
        staff.require(Area::Orders, Access::Write)?;
        let actor = Actor::Staff(staff.email.clone());
        self.file_claim_as(number, &actor, Some(staff), form).await
    }

    async fn file_claim_as(
        &self,
        number: &str,
        actor: &Actor,
        staff_actor: Option<&StaffActor>,
        form: &ClaimForm,
    ) -> AppResult<i64> {
        let choices = self.claim_choices(number, actor).await?;
        let Some(received) = choices.received_at else {
            return Err(AppError::Conflict("claim_not_delivered"));
        };
        let mut errors = FieldErrors::default();
        let kind: Option<ClaimKind> = form.kind.parse().ok();
        if kind.is_none() {
            errors.add("kind", "required");
        }
        if !matches!(form.resolution.as_str(), "return" | "exchange") {
            errors.add("resolution", "required");
        }
        let reason = form.reason.trim();
        if reason.is_empty() {
            errors.add("reason", "required");
        } else if reason.chars().count() > 1_000 {
            errors.add("reason", "too_long");
        }
        let discovered = match form.discovered_on.trim() {
            "" => None,
            raw => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(day) => Some(start_of_business_day(day)),
                Err(_) => {
                    errors.add("discovered_on", "invalid_date");
                    None
                }
            },
        };
        let mut picked: Vec<(i64, i64)> = Vec::new();
        for &(line_id, units) in form.units.iter().filter(|u| u.1 != 0) {
            let fits = choices
                .lines
                .iter()
                .any(|c| c.line.id == line_id && units > 0 && units <= c.available);
            if !fits || picked.iter().any(|p| p.0 == line_id) {
                errors.add("units", "claim_invalid_units");
            } else {
                picked.push((line_id, units));
            }
        }
        if picked.is_empty() {
            errors.add("units", "claim_choose_units");
        }
        if form.photos.len() > MAX_CLAIM_PHOTOS {
            errors.add("photos", "too_many_photos");
        }
        let staff = staff_actor.is_some();
        let override_reason = form.override_reason.trim();
        let now = Utc::now();
        let mut deadline = None;
        if let Some(kind) = kind {
            match may_file_claim(kind, self.claim_policy(), Some(received), discovered, now) {
                Ok(d) => deadline = Some(d),
                Err(ClaimRefusal::WindowClosed) if staff && !override_reason.is_empty() => {
                    deadline = claim_deadline(kind, self.claim_policy(), received, discovered);
                }
                Err(ClaimRefusal::WindowClosed) => errors.add("kind", "claim_window_closed"),
                Err(ClaimRefusal::DiscoveryDateRequired) => {
                    errors.add("discovered_on", "discovery_date_required");
                }
                Err(ClaimRefusal::DiscoveryInFuture) => {
                    errors.add("discovered_on", "date_in_future");
                }
                Err(ClaimRefusal::NotDelivered) => {
                    return Err(AppError::Conflict("claim_not_delivered"));
                }
            }
        }
        errors.finish()?;
        let (Some(kind), Some(deadline)) = (kind, deadline) else {
            return Err(AppError::Other("validated claim went missing".into()));
        };
        // Store every photo before anything is recorded: one bad file files nothing.
        let mut stored = Vec::with_capacity(form.photos.len());
        for photo in &form.photos {
            stored.push(
                self.store_original(photo.clone())
                    .await
                    .map_err(|e| crate::media::upload_refusal("photos", e))?,
            );
        }
        let mut tx = self.db.begin().await?;
        let Some(locked) = orders::lock_by_number(&mut tx, number).await? else {
            return Err(AppError::NotFound);
        };
        for &(line, units) in &picked {
            let open = claims::claimed_units(&mut tx, line).await?;
            let left = choices
                .lines
                .iter()
                .find(|c| c.line.id == line)
                .map_or(0, |c| units_left(&c.line));
            if units > left - open {
                return Err(AppError::field("units", "claim_invalid_units"));
            }
        }
        let id = claims::insert(
            &mut tx,
            &NewClaim {
                order_id: locked.id,
                kind,
                resolution: &form.resolution,
                reason,
                discovered_at: discovered,
                deadline_at: deadline,
                override_reason: (staff && !override_reason.is_empty()).then_some(override_reason),
                filed_by: &actor.label(),
                lines: &picked,
            },
            now,
        )
        .await?;
        for s in &stored {
            let media = self.record_original(&mut tx, s).await?;
            claims::add_evidence(&mut tx, id, media.get()).await?;
        }
        let status: OrderStatus = locked.status.parse()?;
        record_event(
            &mut tx,
            &locked,
            "claim_requested",
            status,
            actor,
            reason,
            now,
        )
        .await?;
        if let Some(staff) = staff_actor {
            audit::record(
                &mut tx,
                &NewAudit {
                    after: Some(
                        serde_json::json!({ "order": number, "kind": kind.as_str(), "lines": picked })
                            .to_string(),
                    ),
                    reason: override_reason,
                    ..staff.entry("claims.file", "claim", &id.to_string())
                },
                now,
            )
            .await?;
        }
        tx.commit().await?;
        tracing::info!(order.number = %number, claim = id, kind = kind.as_str(), "claim filed");
        Ok(id)
    }

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
                self.refund_at_gateway(detail.order.id, amount, "반품 환불", &key)
                    .await?,
            );
        }
        let now = Utc::now();
        let mut tx = self.db.begin().await?;
        let Some(locked) = orders::lock_by_number(&mut tx, &number).await? else {
            return Err(AppError::NotFound);
        };
        let order_status: OrderStatus = locked.status.parse()?;
        // What was kept before this claim (for the points earned on it).
        let kept_before = kept_goods(&orders::lines_in(&mut tx, locked.id).await?);
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
            record_gateway_refund(&mut tx, refund, amount, now).await?;
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
        if !claims::transition(&mut tx, id, from, to, reject_reason, refund_id, now).await? {
            return Err(AppError::Conflict("claim_state"));
        }
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
