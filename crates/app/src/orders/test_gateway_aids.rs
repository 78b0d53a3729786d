//! The built-in test gateway's demo aids: its payment window and the "deposit" button. They work
//! only while the test gateway is the live one, and only for payments made through it.

use crate::{App, AppError, AppResult};
use jangteo_core::gateway::GatewayProvider;
use jangteo_core::order::{OrderStatus, PaymentStatus};
use jangteo_core::payment::PaymentMethod;
use jangteo_db::orders::{self, OrderRow};
use jangteo_db::payments::{self, PaymentRow};
use jangteo_providers::payments::PaymentGateway;

impl App {
    /// Test gateway only: the payment window's details for an attempt (`None`: not a payable
    /// attempt).
    pub async fn test_payment_window(
        &self,
        attempt_id: &str,
    ) -> AppResult<Option<(PaymentRow, OrderRow)>> {
        if self.live_test_gateway().await?.is_none() {
            return Ok(None);
        }
        let Some(payment) = payments::find_by_attempt(&self.db, attempt_id).await? else {
            return Ok(None);
        };
        if payment.provider != GatewayProvider::Test.as_str() {
            return Ok(None);
        }
        let order = orders::find_by_id(&self.db, payment.order_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((payment.status == PaymentStatus::Ready).then_some((payment, order)))
    }

    /// Test gateway only: the window's "pay" button; returns the success redirect.
    pub async fn test_gateway_approve(&self, attempt_id: &str) -> AppResult<String> {
        let gateway = self.live_test_gateway().await?.ok_or(AppError::NotFound)?;
        let (payment, _) = self
            .test_payment_window(attempt_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let key = gateway.authorize(attempt_id, payment.amount);
        Ok(format!(
            "/checkout/success?paymentKey={key}&orderId={attempt_id}&amount={}",
            payment.amount.get()
        ))
    }

    /// Test gateway only: the demo "deposit" button: the gateway marks the virtual account paid
    /// and delivers its notice through the same verification as a real webhook.
    pub async fn test_gateway_deposit(&self, number: &str) -> AppResult<bool> {
        let gateway = self.live_test_gateway().await?.ok_or(AppError::NotFound)?;
        let (order, payment) = self.order_and_payment(number).await?;
        if payment.provider != gateway.name()
            || payment.method != PaymentMethod::VirtualAccount
            || order.status != OrderStatus::AwaitingDeposit
        {
            return Ok(false);
        }
        let body = gateway
            .simulate_deposit(&payment.attempt_id, self.now())
            .map_err(AppError::gateway("simulating a deposit"))?;
        self.handle_payment_webhook(gateway.name(), &Default::default(), body.as_bytes())
            .await
    }
}
