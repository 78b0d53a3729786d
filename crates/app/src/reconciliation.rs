//! Payment reconciliation (결제 대사): a KST day's gateway payments, totalled per gateway and
//! method as the shop recorded them, each looked up at its gateway; where the gateway's status or
//! remaining amount differs from ours, the difference is listed (a refund made in the gateway's
//! console, a lost notice, a payment the shop never recorded as refunded).

use crate::auth::StaffActor;
use crate::{App, AppResult};
use chrono::NaiveDate;
use jangteo_core::Won;
use jangteo_core::order::PaymentStatus;
use jangteo_core::payment::PaymentMethod;
use jangteo_core::staff::{Access, Area};
use jangteo_core::time::start_of_business_day;
use jangteo_db::payments::{self, PaymentRow};
use jangteo_providers::payments::{GatewayPayment, GatewayStatus};

/// Lookups in flight at once (gateways limit request rates).
const LOOKUPS_AT_ONCE: usize = 8;

/// The day's payments of one gateway and method, as the shop recorded them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconciliationLine {
    /// Gateway.
    pub provider: String,
    /// Method.
    pub method: PaymentMethod,
    /// Payments.
    pub count: i64,
    /// Approved.
    pub approved: Won,
    /// Refunded since.
    pub refunded: Won,
}

/// A payment whose gateway says something else than the shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Order number.
    pub order_number: String,
    /// Gateway.
    pub provider: String,
    /// The shop's status.
    pub ours: PaymentStatus,
    /// What the shop holds of it (approved − refunded).
    pub ours_balance: Won,
    /// The gateway's status and balance; `None`: it could not be asked or does not know it.
    pub theirs: Option<(GatewayStatus, Won)>,
}

/// A day's reconciliation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    /// The KST day.
    pub day: NaiveDate,
    /// Totals per gateway and method.
    pub lines: Vec<ReconciliationLine>,
    /// Payments looked up.
    pub checked: usize,
    /// Those that differ.
    pub differences: Vec<Difference>,
}

/// Whether the gateway's answer agrees with the shop's record.
fn agrees(ours: &PaymentRow, theirs: &GatewayPayment) -> bool {
    let expected = match ours.status {
        PaymentStatus::Done => GatewayStatus::Done,
        PaymentStatus::PartiallyCancelled => GatewayStatus::PartiallyCancelled,
        PaymentStatus::Cancelled => GatewayStatus::Cancelled,
        _ => return false,
    };
    theirs.status == expected
        && theirs.balance_amount == ours.approved_amount - ours.cancelled_amount
}

fn totals(rows: &[PaymentRow]) -> Vec<ReconciliationLine> {
    let mut lines: Vec<ReconciliationLine> = Vec::new();
    for p in rows {
        match lines
            .iter_mut()
            .find(|l| l.provider == p.provider && l.method == p.method)
        {
            Some(line) => {
                line.count += 1;
                line.approved += p.approved_amount;
                line.refunded += p.cancelled_amount;
            }
            None => lines.push(ReconciliationLine {
                provider: p.provider.clone(),
                method: p.method,
                count: 1,
                approved: p.approved_amount,
                refunded: p.cancelled_amount,
            }),
        }
    }
    lines
}

impl App {
    /// The reconciliation of KST `day` (orders, read).
    pub async fn reconcile_payments(
        &self,
        actor: &StaffActor,
        day: NaiveDate,
    ) -> AppResult<Reconciliation> {
        actor.require(Area::Orders, Access::Read)?;
        self.reconciliation_of(day).await
    }

    /// The reconciliation of KST `day`, for the page and the daily report.
    pub(crate) async fn reconciliation_of(&self, day: NaiveDate) -> AppResult<Reconciliation> {
        let next = day.succ_opt().unwrap_or(day);
        let rows = payments::gateway_payments_approved_between(
            &self.db,
            start_of_business_day(day),
            start_of_business_day(next),
        )
        .await?;
        let mut differences = Vec::new();
        for chunk in rows.chunks(LOOKUPS_AT_ONCE) {
            let mut lookups = tokio::task::JoinSet::new();
            for p in chunk {
                let (app, p) = (self.clone(), p.clone());
                lookups.spawn(async move {
                    let theirs = match app.gateway_named(&p.provider).await {
                        Ok(g) => g
                            .lookup(&crate::orders::payments::payment_ref(&p))
                            .await
                            .ok(),
                        Err(_) => None,
                    };
                    (p, theirs)
                });
            }
            while let Some(done) = lookups.join_next().await {
                let (p, theirs) = done.map_err(|e| crate::AppError::Task(e.to_string()))?;
                if theirs.as_ref().is_some_and(|t| agrees(&p, t)) {
                    continue;
                }
                differences.push(Difference {
                    order_number: jangteo_db::orders::number_by_id(&self.db, p.order_id).await?,
                    provider: p.provider.clone(),
                    ours: p.status,
                    ours_balance: p.approved_amount - p.cancelled_amount,
                    theirs: theirs.map(|t| (t.status, t.balance_amount)),
                });
            }
        }
        differences.sort_by(|a, b| a.order_number.cmp(&b.order_number));
        Ok(Reconciliation {
            day,
            lines: totals(&rows),
            checked: rows.len(),
            differences,
        })
    }
}
