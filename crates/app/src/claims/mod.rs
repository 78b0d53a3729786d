//! Claims after delivery (반품/교환). The buyer sees the windows before filing (`core::claims`),
//! files a claim for some units of some lines with a reason, a discovery date where the law asks
//! for one, and photos; staff approve or reject it (with a reason), mark the goods collected,
//! then refund the units through the gateway (return shipping kept when the buyer pays it) or
//! send a replacement. Staff may file a claim outside its window with a recorded reason. Every
//! step writes the order's timeline and, for staff, the audit log.

mod action;
mod form;
pub(crate) mod handling;
use crate::auth::StaffActor;
use crate::orders::{Actor, record_event};
use crate::{App, AppError, AppResult};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use jangteo_core::claims::{ClaimKind, ClaimPolicy, claim_deadline};
use jangteo_core::ids::OrderId;
use jangteo_core::order::OrderStatus;
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::claims::{self, ClaimRow, NewClaim};
use jangteo_db::orders::{self, OrderLineRow, OrderRow};

pub use crate::claims::action::ClaimAction;
use crate::claims::form::{CheckedClaim, check_claim};
pub use crate::claims::handling::ClaimDetail;
use crate::claims::handling::quote_for;
use jangteo_core::Won;
use jangteo_core::refund::ReturnQuote;
use jangteo_db::refunds::{self, RefundRow};

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

impl ClaimChoices {
    /// What returning `picks` (line id, units) would give back. No reason chosen yet (`kind`
    /// none): quoted as a change of mind, the case where the buyer pays the return.
    pub fn quote(&self, kind: Option<ClaimKind>, picks: &[(i64, i64)]) -> Option<ReturnQuote> {
        let lines: Vec<OrderLineRow> = self.lines.iter().map(|c| c.line.clone()).collect();
        let buyer_pays = kind.is_none_or(ClaimKind::buyer_pays_return);
        quote_for(&self.order, &lines, picks, buyer_pays, Won(self.return_fee)).ok()
    }
}

/// Units of a line still open to a claim.
pub(crate) fn units_left(line: &OrderLineRow) -> i64 {
    line.units().left()
}

impl App {
    fn claim_policy(&self) -> ClaimPolicy {
        ClaimPolicy::new(self.config.checkout.change_of_mind_days)
    }

    /// The claims of an order, newest first, with the refund that settled each (the caller has
    /// checked who may see the order).
    pub async fn claims_of_order(
        &self,
        order_id: OrderId,
    ) -> AppResult<Vec<(ClaimRow, Option<RefundRow>)>> {
        let mut refunds = refunds::of_order(&self.db, order_id).await?;
        Ok(claims::for_order(&self.db, order_id)
            .await?
            .into_iter()
            .map(|c| {
                let refund = c
                    .refund_id
                    .and_then(|id| refunds.iter().position(|r| r.id == id))
                    .map(|i| refunds.swap_remove(i));
                (c, refund)
            })
            .collect())
    }

    /// What the buyer (or staff) may claim on an order.
    pub async fn claim_choices(&self, number: &str, actor: &Actor) -> AppResult<ClaimChoices> {
        let order = self.order_to_refund(number, actor).await?;
        let status: OrderStatus = order.status;
        let codes = self.pin_summary(&order).await?;
        if codes.issued > 0 {
            // Gift-card codes are withdrawn by cancelling the order, never returned.
            return Err(AppError::Conflict("codes_no_claims"));
        }
        let received_at = if jangteo_core::digital::may_file_claim(status, codes) {
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

    /// What staff may claim on an order for its buyer (the filing form and its quote: those
    /// who may file, orders write).
    pub async fn staff_claim_choices(
        &self,
        staff: &StaffActor,
        number: &str,
    ) -> AppResult<ClaimChoices> {
        staff.require(Area::Orders, Access::Write)?;
        let actor = Actor::Staff(staff.email.clone());
        self.claim_choices(number, &actor).await
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
        let now = self.now();
        let claim = check_claim(
            form,
            &choices,
            self.claim_policy(),
            staff_actor.is_some(),
            now,
        )?;
        let CheckedClaim {
            kind,
            resolution,
            reason,
            discovered,
            deadline,
            override_reason,
            ref picked,
        } = claim;
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
        still_claimable(&mut tx, &choices, picked).await?;
        let id = claims::insert(
            &mut tx,
            &NewClaim {
                order_id: locked.id,
                kind,
                resolution,
                reason,
                discovered_at: discovered,
                deadline_at: deadline,
                override_reason,
                filed_by: &actor.label(),
                lines: picked,
            },
            now,
        )
        .await?;
        for s in &stored {
            let media = self.record_original(&mut tx, s).await?;
            claims::add_evidence(&mut tx, id, media.get()).await?;
        }
        let event = "claim_requested";
        record_event(&mut tx, &locked, event, locked.status, actor, reason, now).await?;
        if let Some(staff) = staff_actor {
            let after =
                serde_json::json!({ "order": number, "kind": kind.as_str(), "lines": picked });
            let target = id.to_string();
            let entry = NewAudit {
                after: Some(after.to_string()),
                reason: override_reason.unwrap_or_default(),
                ..staff.entry("claims.file", "claim", &target)
            };
            audit::record(&mut tx, &entry, now).await?;
        }
        let data =
            serde_json::json!({"claim": {"id": id, "order_number": number, "kind": kind.as_str()}});
        self.emit_webhook(&mut tx, "claim.created", &id.to_string(), data)
            .await?;
        tx.commit().await?;
        tracing::info!(order.number = %number, claim = id, kind = kind.as_str(), "claim filed");
        self.alert_claim_filed(number, id, reason).await;
        Ok(id)
    }
}

/// Checks, with the order locked, that the picked units are still open to a claim (another
/// claim may have been filed meanwhile).
async fn still_claimable(
    tx: &mut jangteo_db::Tx,
    choices: &ClaimChoices,
    picked: &[(i64, i64)],
) -> AppResult<()> {
    for &(line, units) in picked {
        let open = claims::claimed_units(&mut *tx, line).await?;
        let left = choices
            .lines
            .iter()
            .find(|c| c.line.id == line)
            .map_or(0, |c| units_left(&c.line));
        if units > left - open {
            return Err(AppError::field("units", "claim_invalid_units"));
        }
    }
    Ok(())
}
