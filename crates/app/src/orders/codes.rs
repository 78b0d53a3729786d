//! Gift-card orders: the paying transaction gives each unit its PIN and, as nothing ships,
//! delivers the order at once (issue 16); a withdrawal holds them while the gateway refunds.

use super::Actor;
use super::lifecycle::move_order;
use crate::{AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::order::{OrderEvent, OrderStatus};
use jangteo_db::Tx;
use jangteo_db::orders::{self, OrderRow};
use jangteo_db::pin_holds;
use jangteo_db::pins::{self, PinRow};

/// Issues the PINs of `order`, just moved to paid in `tx`; an order of codes only is delivered
/// with them. Says whether codes were issued.
pub(crate) async fn issue_codes(
    tx: &mut Tx,
    order: &OrderRow,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let pin_lines = crate::pins::allocate_for_order(tx, order.id, now).await?;
    if pin_lines == 0 {
        return Ok(false);
    }
    // Checkout refuses to mix codes with goods; should an order hold goods anyway, it ships as
    // usual and its codes wait on the order page.
    if orders::lines(&mut *tx, order.id).await?.len() == pin_lines {
        let paid = OrderRow {
            status: OrderStatus::Paid,
            ..order.clone()
        };
        move_order(tx, &paid, &OrderEvent::CodesIssued, &Actor::System, "", now).await?;
    }
    Ok(true)
}

/// How long a withdrawal may hold an order's PINs: far longer than any gateway call, short
/// enough that a hold a crash left behind does not lock the buyer out for long.
const WITHDRAWAL_HOLD_MINUTES: i64 = 10;

impl crate::App {
    /// Before a withdrawal asks the gateway for money back: under the order's lock, checks
    /// with `still_allowed` that the order and its PINs (as they are now) still allow it, and
    /// holds the PINs so no reveal and no second withdrawal slips in before the order moves.
    /// Whether a hold was taken (an order without PINs needs none).
    pub(crate) async fn hold_codes(
        &self,
        number: &str,
        still_allowed: impl FnOnce(&OrderRow, &[PinRow]) -> AppResult<()>,
    ) -> AppResult<bool> {
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let locked = orders::lock_by_number(&mut tx, number)
            .await?
            .ok_or(AppError::NotFound)?;
        let sold = pins::of_order(&mut tx, locked.id.get()).await?;
        if sold.is_empty() {
            return Ok(false);
        }
        still_allowed(&locked, &sold)?;
        let until = now + chrono::Duration::minutes(WITHDRAWAL_HOLD_MINUTES);
        if !pin_holds::hold(&mut tx, locked.id.get(), now, until).await? {
            return Err(AppError::Conflict("codes_withdrawing"));
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Runs a withdrawal's `refund` with the PINs `held`: when it fails the hold is lifted or
    /// kept as the outcome says; once money left (`money_left`) the hold stays until the order
    /// moves.
    pub(crate) async fn refund_while_held<T>(
        &self,
        order: &OrderRow,
        held: bool,
        refund: impl std::future::Future<Output = AppResult<T>>,
        money_left: impl Fn(&T) -> bool,
    ) -> AppResult<T> {
        match refund.await {
            Ok(done) => {
                if held && money_left(&done) {
                    self.keep_codes_held(order).await;
                }
                Ok(done)
            }
            Err(e) => {
                if held {
                    self.after_failed_refund(order, &e).await;
                }
                Err(e)
            }
        }
    }

    /// After a withdrawal's refund failed: lifts the hold when nothing changed (the gateway
    /// said no, or the refund was never asked); keeps it, made permanent, when the outcome is
    /// unknown (a timeout may have refunded) so staff settle it first.
    async fn after_failed_refund(&self, order: &OrderRow, error: &AppError) {
        let unknown = matches!(
            error,
            AppError::Gateway { source, .. }
                if !matches!(source, jangteo_providers::payments::PaymentError::Rejected { .. })
        );
        if unknown {
            self.keep_codes_held(order).await;
        } else {
            self.lift_codes_hold(order).await;
        }
    }

    /// Makes the hold permanent (the money may have left; only staff may settle the order).
    async fn keep_codes_held(&self, order: &OrderRow) {
        let kept = async {
            let mut tx = self.db.begin().await?;
            let forever = self.now() + chrono::Duration::days(36_500);
            pin_holds::extend(&mut tx, order.id.get(), forever).await?;
            tx.commit().await?;
            AppResult::Ok(())
        };
        if let Err(e) = kept.await {
            tracing::error!(order.number = %order.number, error = %e, "could not keep a PIN hold");
        }
    }

    /// Lifts a hold when nothing changed (the gateway refused the refund, or it was never asked).
    pub(super) async fn lift_codes_hold(&self, order: &OrderRow) {
        let lifted = async {
            let mut tx = self.db.begin().await?;
            pin_holds::release(&mut tx, order.id.get()).await?;
            tx.commit().await?;
            AppResult::Ok(())
        };
        // It lapses on its own; a failure here only delays the buyer's next look.
        if let Err(e) = lifted.await {
            tracing::warn!(order.number = %order.number, error = %e, "could not lift a PIN hold");
        }
    }
}
