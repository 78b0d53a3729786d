//! Refund accounts (환불 계좌): a virtual-account or bank-deposit payment goes back to an account
//! the buyer names, entered by the buyer on the order page or by staff. The number is sealed at
//! rest; pages show the bank, the holder and the last digits.

use super::Actor;
use crate::{App, AppError, AppResult};
use jangteo_core::gateway::toss_bank_name;
use jangteo_core::ids::OrderId;
use jangteo_core::refund_account::{RefundAccount, parse_refund_account, refunds_to_an_account};
use jangteo_db::refund_accounts::{self, NewRefundAccount};

/// AEAD context of sealed refund account numbers.
const NUMBER_CONTEXT: &str = "refund_account.number";

/// A refund account as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefundAccountInput {
    /// Bank code.
    pub bank: String,
    /// Account number.
    pub number: String,
    /// Holder.
    pub holder: String,
}

/// A stored refund account as pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundAccountView {
    /// Bank code.
    pub bank: String,
    /// Bank name.
    pub bank_name: String,
    /// Last digits ("…6789").
    pub number_hint: String,
    /// Holder.
    pub holder: String,
}

impl App {
    /// Stores the refund account of an order paid by virtual account or bank deposit (the buyer,
    /// or staff through the audited staff action).
    pub async fn save_refund_account(
        &self,
        number: &str,
        actor: &Actor,
        input: &RefundAccountInput,
    ) -> AppResult<()> {
        let order = self.order_for(number, actor).await?;
        if !refunds_to_an_account(order.payment_method) {
            return Err(AppError::Conflict("refund_account_not_needed"));
        }
        let account = parse_refund_account(&input.bank, &input.number, &input.holder)
            .map_err(AppError::Form)?;
        let sealed = self
            .secrets
            .seal(account.number.as_bytes(), NUMBER_CONTEXT)?;
        let entered_by = match actor {
            Actor::Staff(email) => email.as_str(),
            _ => "buyer",
        };
        let mut tx = self.db.begin().await?;
        let row = NewRefundAccount {
            bank: &account.bank,
            number_sealed: &sealed,
            number_hint: &account.hint(),
            holder: &account.holder,
            entered_by,
        };
        refund_accounts::save(&mut tx, order.id, &row, self.now()).await?;
        tx.commit().await?;
        tracing::info!(order.number = %number, by = entered_by, "refund account saved");
        Ok(())
    }

    /// The refund account of an order as pages show it.
    pub async fn refund_account_view(
        &self,
        order_id: OrderId,
    ) -> AppResult<Option<RefundAccountView>> {
        Ok(refund_accounts::of_order(&self.db, order_id)
            .await?
            .map(|row| RefundAccountView {
                bank_name: toss_bank_name(&row.bank).unwrap_or(&row.bank).to_owned(),
                bank: row.bank,
                number_hint: row.number_hint,
                holder: row.holder,
            }))
    }

    /// The refund account of an order, opened, for the refund itself.
    pub(crate) async fn refund_account(
        &self,
        order_id: OrderId,
    ) -> AppResult<Option<RefundAccount>> {
        let Some(row) = refund_accounts::of_order(&self.db, order_id).await? else {
            return Ok(None);
        };
        let number = String::from_utf8(self.secrets.open(&row.number_sealed, NUMBER_CONTEXT)?)
            .map_err(|e| AppError::Other(format!("refund account number: {e}")))?;
        Ok(Some(RefundAccount {
            bank: row.bank,
            number,
            holder: row.holder,
        }))
    }

    /// Returns under way whose refund account nobody entered (the dashboard's to-do).
    pub async fn returns_missing_refund_account(&self) -> AppResult<Vec<String>> {
        Ok(refund_accounts::missing_for_open_returns(&self.db).await?)
    }
}
