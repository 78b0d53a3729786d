//! The refund-account block of the buyer's and the staff's order pages (환불 계좌): shown for
//! orders paid by virtual account or bank deposit once money was taken; the stored account is
//! shown by bank, holder and last digits only.

use crate::state::AppState;
use jangteo_app::AppError;
use jangteo_app::orders::RefundAccountInput;
use jangteo_app::read_models::OrderRow;
use jangteo_core::gateway::TOSS_BANKS;
use jangteo_core::order::OrderStatus;
use jangteo_core::refund_account::refunds_to_an_account;
use minijinja::{Value, context};

/// The block for order `o` posting to `url` (`None` when the order needs no refund account).
pub async fn refund_account_block(
    state: &AppState,
    o: &OrderRow,
    url: String,
) -> Result<Option<Value>, AppError> {
    let paid = matches!(
        o.status,
        OrderStatus::Paid
            | OrderStatus::Preparing
            | OrderStatus::Shipped
            | OrderStatus::Delivered
            | OrderStatus::Completed
    );
    if !paid || !refunds_to_an_account(o.payment_method) {
        return Ok(None);
    }
    let stored = state.app.refund_account_view(o.id).await?;
    let banks: Vec<Value> = TOSS_BANKS
        .iter()
        .map(|&(code, name)| {
            let on = stored.as_ref().is_some_and(|s| s.bank == code);
            context! { code => code, name => name, on => on }
        })
        .collect();
    Ok(Some(context! {
        url => url,
        banks => banks,
        stored => stored.map(|s| context! {
            bank_name => s.bank_name, number_hint => s.number_hint, holder => s.holder,
        }),
    }))
}

/// The refund account as posted.
#[derive(Debug, Default, serde::Deserialize)]
pub struct RefundAccountForm {
    #[serde(default)]
    pub refund_bank: String,
    #[serde(default)]
    pub refund_number: String,
    #[serde(default)]
    pub refund_holder: String,
}

impl RefundAccountForm {
    /// The app's input.
    pub fn input(&self) -> RefundAccountInput {
        RefundAccountInput {
            bank: self.refund_bank.clone(),
            number: self.refund_number.clone(),
            holder: self.refund_holder.clone(),
        }
    }
}
