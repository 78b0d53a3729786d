//! 현금영수증 (KOREAN-COMMERCE.md §1.5): the buyer's request kept with the order (the number
//! sealed), issued through the gateway once the cash payment is in, 자진발급 for ₩100,000 or more
//! without a request, and cancelled or reduced as refunds go out. One idempotent step
//! ([`App::sync_cash_receipt`]) brings the receipt to what the payment holds now; a job runs it
//! after the payment and after every refund.

use crate::{App, AppError, AppResult};
use jangteo_core::Won;
use jangteo_core::cash_receipt::{
    ReceiptChange, ReceiptKind, SELF_ISSUE_NUMBER, change_after_refund, identity_hint, receipt_due,
};
use jangteo_core::ids::OrderId;
use jangteo_db::cash_receipts::{self, CashReceiptRow, Issued};
use jangteo_db::{Tx, orders, payments};
use jangteo_providers::payments::{CashReceiptRequest, PaymentError, PaymentGateway};

/// What the receipt's identity is sealed for (the AEAD context).
const IDENTITY_CONTEXT: &str = "cash_receipt.identity";

/// A receipt as the buyer's and the staff's order pages show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CashReceiptView {
    /// `personal`, `business`, `self`.
    pub kind: String,
    /// `requested`, `issued`, `cancelled`, `failed`.
    pub status: String,
    /// The identity's last digits.
    pub identity_hint: String,
    /// Amount covered now.
    pub amount: i64,
    /// 승인번호.
    pub issue_number: Option<String>,
    /// The receipt's page at the gateway.
    pub receipt_url: Option<String>,
    /// Why the gateway refused it.
    pub failure: Option<String>,
}

impl App {
    /// Keeps the buyer's request with a new order (inside the placing transaction).
    pub(crate) fn seal_receipt_identity(&self, digits: &str) -> AppResult<(String, String)> {
        let sealed = self.secrets.seal(digits.as_bytes(), IDENTITY_CONTEXT)?;
        Ok((sealed, identity_hint(digits)))
    }

    /// The receipt of an order, for its pages.
    pub async fn cash_receipt_of(&self, order_id: OrderId) -> AppResult<Option<CashReceiptView>> {
        Ok(cash_receipts::of_order(&self.db, order_id)
            .await?
            .map(|r| CashReceiptView {
                kind: r.kind,
                status: r.status,
                identity_hint: r.identity_hint,
                amount: r.amount,
                issue_number: r.issue_number,
                receipt_url: r.receipt_url,
                failure: r.failure,
            }))
    }

    /// Brings the order's receipt to what its cash payment holds now: issued once paid (or
    /// self-issued), reduced or cancelled after refunds. A refusal is recorded and final; an
    /// unreachable gateway is an error (the job tries again).
    pub(crate) async fn sync_cash_receipt(&self, order_id: OrderId) -> AppResult<()> {
        let Some(payment) = payments::latest_for_order(&self.db, order_id).await? else {
            return Ok(());
        };
        if !payment.method.is_cash() || payment.approved_amount <= Won::ZERO {
            return Ok(());
        }
        let captured = payment.approved_amount - payment.cancelled_amount;
        let row = cash_receipts::of_order(&self.db, order_id).await?;
        let requested = row
            .as_ref()
            .and_then(|r| ReceiptKind::parse(&r.kind))
            .filter(|k| *k != ReceiptKind::SelfIssued);
        let Some(kind) = receipt_due(payment.method, requested, payment.approved_amount) else {
            return Ok(());
        };
        let row = match row {
            Some(row) => row,
            None => {
                let mut tx = self.db.begin().await?;
                cash_receipts::request(&mut tx, order_id, kind.as_str(), None, self.now()).await?;
                tx.commit().await?;
                cash_receipts::of_order(&self.db, order_id)
                    .await?
                    .ok_or(AppError::NotFound)?
            }
        };
        let gateway = self.gateway_named(&payment.provider).await?;
        match row.status.as_str() {
            "requested" if captured > Won::ZERO => {
                self.issue_receipt(gateway.as_ref(), &payment, &row, kind, captured)
                    .await
            }
            "issued" => {
                self.follow_refunds(gateway.as_ref(), &payment, &row, kind, captured)
                    .await
            }
            _ => Ok(()),
        }
    }

    async fn issue_receipt(
        &self,
        gateway: &dyn PaymentGateway,
        payment: &payments::PaymentRow,
        row: &CashReceiptRow,
        kind: ReceiptKind,
        amount: Won,
    ) -> AppResult<()> {
        let identity = match &row.identity_sealed {
            Some(sealed) => String::from_utf8(self.secrets.open(sealed, IDENTITY_CONTEXT)?)
                .map_err(|e| AppError::Other(format!("receipt identity: {e}")))?,
            None => SELF_ISSUE_NUMBER.to_owned(),
        };
        let number = orders::number_by_id(&self.db, row.order_id).await?;
        let request = CashReceiptRequest {
            receipt_id: format!("{}-cr{}", payment.attempt_id, row.generation),
            order_name: format!("주문 {number}"),
            amount,
            business: kind.is_business(),
            identity,
        };
        let now = self.now();
        match gateway.issue_cash_receipt(&request).await {
            Ok(issued) => {
                let mut tx = self.db.begin().await?;
                let record = Issued {
                    provider: gateway.name(),
                    receipt_key: &issued.receipt_key,
                    issue_number: &issued.issue_number,
                    receipt_url: issued.receipt_url.as_deref(),
                    amount: amount.get(),
                };
                cash_receipts::set_issued(&mut tx, row.order_id, &record, now).await?;
                tx.commit().await?;
                tracing::info!(order.number = %number, kind = kind.as_str(), amount = amount.get(), "cash receipt issued");
                Ok(())
            }
            Err(PaymentError::Rejected { code, message, .. }) => {
                tracing::error!(order.number = %number, code = %code, message = %message, "the gateway refused a cash receipt: issue it by hand");
                let mut tx = self.db.begin().await?;
                let failure = format!("{code}: {message}");
                cash_receipts::set_failed(&mut tx, row.order_id, &failure, now).await?;
                tx.commit().await?;
                Ok(())
            }
            Err(e) => Err(AppError::gateway("issuing a cash receipt")(e)),
        }
    }

    /// Reduces or cancels an issued receipt after refunds; where the gateway cannot reduce one,
    /// it is cancelled and issued anew for what is left.
    async fn follow_refunds(
        &self,
        gateway: &dyn PaymentGateway,
        payment: &payments::PaymentRow,
        row: &CashReceiptRow,
        kind: ReceiptKind,
        captured: Won,
    ) -> AppResult<()> {
        let key = row.receipt_key.clone().unwrap_or_default();
        let now = self.now();
        let cancel_all = |reissue: bool| async move {
            gateway
                .cancel_cash_receipt(&key, None)
                .await
                .map_err(AppError::gateway("cancelling a cash receipt"))?;
            let mut tx = self.db.begin().await?;
            cash_receipts::set_cancelled(&mut tx, row.order_id, reissue, now).await?;
            tx.commit().await?;
            AppResult::Ok(())
        };
        match change_after_refund(Won(row.amount), captured) {
            ReceiptChange::Keep => Ok(()),
            ReceiptChange::CancelAll => cancel_all(false).await,
            ReceiptChange::Reduce(by) => {
                let key = row.receipt_key.clone().unwrap_or_default();
                match gateway.cancel_cash_receipt(&key, Some(by)).await {
                    Ok(()) => {
                        let mut tx = self.db.begin().await?;
                        cash_receipts::set_amount(&mut tx, row.order_id, captured.get(), now)
                            .await?;
                        tx.commit().await.map_err(AppError::from)
                    }
                    Err(PaymentError::Rejected { code, .. })
                        if code == "PARTIAL_CANCEL_UNSUPPORTED" =>
                    {
                        cancel_all(true).await?;
                        let row = cash_receipts::of_order(&self.db, row.order_id)
                            .await?
                            .ok_or(AppError::NotFound)?;
                        self.issue_receipt(gateway, payment, &row, kind, captured)
                            .await
                    }
                    Err(e) => Err(AppError::gateway("reducing a cash receipt")(e)),
                }
            }
        }
    }
}

/// Queues the receipt's sync for an order (in the transaction of the change behind it).
pub(crate) async fn queue_cash_receipt_sync(tx: &mut Tx, order_id: OrderId) -> AppResult<()> {
    let job = crate::jobs::CashReceiptSync { order_id };
    jangteo_jobs::enqueue(tx, &crate::jobs::spec(&job)?).await?;
    Ok(())
}
