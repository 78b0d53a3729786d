//! Order and payment state machines (docs/ARCHITECTURE.md §4). Every change of state goes through
//! [`OrderStatus::apply`] or [`PaymentStatus::apply`]; an event that is not allowed in the current
//! state is an error, never a silent write.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

pub use crate::payment::{PaymentEvent, PaymentStatus};

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Placed; an immediate payment (card, transfer, easy pay) is under way. 결제대기
    PendingPayment,
    /// Waiting for a virtual-account or bank deposit. 입금대기
    AwaitingDeposit,
    /// Paid in full. 결제완료
    Paid,
    /// Being packed. 상품준비중
    Preparing,
    /// Handed to the carrier with a waybill. 배송중
    Shipped,
    /// Delivered. 배송완료
    Delivered,
    /// Purchase confirmed (points are granted now). 구매확정
    Completed,
    /// Cancelled before shipping (stock released, payment refunded). 취소
    Cancelled,
    /// Every unit came back through returns and was refunded (less any return shipping the
    /// buyer pays). 반품완료
    Returned,
}

/// What happens to an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderEvent {
    /// The gateway approved an immediate payment for the full amount.
    PaymentApproved,
    /// The immediate payment failed or was abandoned.
    PaymentFailed,
    /// A virtual account was issued, or bank deposit was chosen.
    DepositRequested,
    /// The deposit arrived (gateway notice or staff confirmation).
    DepositReceived,
    /// The deposit deadline passed.
    DepositExpired,
    /// The buyer cancels (allowed before paying, while awaiting deposit, or paid).
    CancelledByBuyer,
    /// Staff cancel (allowed until the order ships).
    CancelledByStaff,
    /// Staff start packing.
    PreparationStarted,
    /// The parcel left with a carrier and waybill number.
    Shipped {
        /// Carrier code.
        carrier: String,
        /// Waybill number.
        waybill: String,
    },
    /// The carrier (or staff) reports delivery.
    Delivered,
    /// The buyer, or the automatic rule N days after delivery, confirms the purchase.
    PurchaseConfirmed,
    /// A return's refund left no unit in the order.
    EverythingReturned,
    /// The order's electronic codes (gift-card PINs) were issued to the buyer as it was paid:
    /// nothing ships, so it is delivered at once.
    CodesIssued,
    /// An order whose codes were issued is withdrawn and refunded (the buyer before seeing any
    /// code, or staff; [`crate::digital::withdrawal_allowed`] says who may).
    CodesWithdrawn,
}

impl OrderEvent {
    /// A short name for logs and errors.
    pub fn name(&self) -> &'static str {
        match self {
            OrderEvent::PaymentApproved => "payment_approved",
            OrderEvent::PaymentFailed => "payment_failed",
            OrderEvent::DepositRequested => "deposit_requested",
            OrderEvent::DepositReceived => "deposit_received",
            OrderEvent::DepositExpired => "deposit_expired",
            OrderEvent::CancelledByBuyer => "cancelled_by_buyer",
            OrderEvent::CancelledByStaff => "cancelled_by_staff",
            OrderEvent::PreparationStarted => "preparation_started",
            OrderEvent::Shipped { .. } => "shipped",
            OrderEvent::Delivered => "delivered",
            OrderEvent::PurchaseConfirmed => "purchase_confirmed",
            OrderEvent::EverythingReturned => "everything_returned",
            OrderEvent::CodesIssued => "codes_issued",
            OrderEvent::CodesWithdrawn => "codes_withdrawn",
        }
    }
}

/// An event that the current state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{event} is not allowed while the {machine} is {from}")]
pub struct IllegalTransition {
    /// `order` or `payment`.
    pub machine: &'static str,
    /// The state it was in.
    pub from: &'static str,
    /// The refused event.
    pub event: &'static str,
}

impl OrderStatus {
    /// Every state.
    pub const ALL: [OrderStatus; 9] = [
        OrderStatus::PendingPayment,
        OrderStatus::AwaitingDeposit,
        OrderStatus::Paid,
        OrderStatus::Preparing,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
        OrderStatus::Returned,
    ];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "pending_payment",
            OrderStatus::AwaitingDeposit => "awaiting_deposit",
            OrderStatus::Paid => "paid",
            OrderStatus::Preparing => "preparing",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Completed => "completed",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Returned => "returned",
        }
    }

    /// No event leaves this state.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            OrderStatus::Completed | OrderStatus::Cancelled | OrderStatus::Returned
        )
    }

    /// Whether reserved stock must be released when leaving this state by cancellation
    /// (stock is reserved from placement until shipping).
    pub fn holds_stock(self) -> bool {
        matches!(
            self,
            OrderStatus::PendingPayment
                | OrderStatus::AwaitingDeposit
                | OrderStatus::Paid
                | OrderStatus::Preparing
        )
    }

    /// Whether money was taken and is kept, so that a cancellation must refund it (a returned
    /// order gave its money back: sales and grade spend leave it out).
    pub fn is_paid(self) -> bool {
        matches!(
            self,
            OrderStatus::Paid
                | OrderStatus::Preparing
                | OrderStatus::Shipped
                | OrderStatus::Delivered
                | OrderStatus::Completed
        )
    }

    /// Whether the buyer (or staff for them) may file a return or exchange: the goods arrived.
    pub fn can_file_claim(self) -> bool {
        matches!(self, OrderStatus::Delivered | OrderStatus::Completed)
    }

    /// Whether staff may cancel some units: paid and not yet handed to a carrier.
    pub fn can_cancel_partially(self) -> bool {
        matches!(self, OrderStatus::Paid | OrderStatus::Preparing)
    }

    /// The states in which money was taken ([`OrderStatus::is_paid`]), as stored: queries
    /// bind these instead of retyping them.
    pub const PAID: [&'static str; 5] = ["paid", "preparing", "shipped", "delivered", "completed"];

    /// The state after `event`, or why it is refused.
    pub fn apply(self, event: &OrderEvent) -> Result<OrderStatus, IllegalTransition> {
        use OrderEvent as E;
        use OrderStatus as S;
        let next = match (self, event) {
            (S::PendingPayment, E::PaymentApproved) => S::Paid,
            (S::PendingPayment, E::PaymentFailed) => S::Cancelled,
            (S::PendingPayment, E::DepositRequested) => S::AwaitingDeposit,
            (S::PendingPayment, E::CancelledByBuyer | E::CancelledByStaff) => S::Cancelled,
            (S::AwaitingDeposit, E::DepositReceived) => S::Paid,
            (S::AwaitingDeposit, E::DepositExpired | E::CancelledByBuyer | E::CancelledByStaff) => {
                S::Cancelled
            }
            (S::Paid, E::PreparationStarted) => S::Preparing,
            (S::Paid, E::CancelledByBuyer | E::CancelledByStaff) => S::Cancelled,
            // Shipping straight from "paid" is allowed: small shops skip the packing step.
            (S::Paid | S::Preparing, E::Shipped { carrier, waybill })
                if !carrier.trim().is_empty() && !waybill.trim().is_empty() =>
            {
                S::Shipped
            }
            (S::Preparing, E::CancelledByStaff) => S::Cancelled,
            (S::Shipped, E::Delivered) => S::Delivered,
            (S::Delivered, E::PurchaseConfirmed) => S::Completed,
            // Returns may follow a confirmed purchase too (a defect found later).
            (S::Delivered | S::Completed, E::EverythingReturned) => S::Returned,
            (S::Paid, E::CodesIssued) => S::Delivered,
            // Staff may still withdraw codes after a confirmed purchase (a PIN the issuer
            // refuses); core::digital keeps the buyer to delivered orders.
            (S::Delivered | S::Completed, E::CodesWithdrawn) => S::Cancelled,
            (from, event) => {
                return Err(IllegalTransition {
                    machine: "order",
                    from: from.as_str(),
                    event: event.name(),
                });
            }
        };
        Ok(next)
    }
}

impl OrderStatus {
    /// The Korean name shops and buyers use (sheets, mails).
    pub fn korean_name(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "결제대기",
            OrderStatus::AwaitingDeposit => "입금대기",
            OrderStatus::Paid => "결제완료",
            OrderStatus::Preparing => "상품준비중",
            OrderStatus::Shipped => "배송중",
            OrderStatus::Delivered => "배송완료",
            OrderStatus::Completed => "구매확정",
            OrderStatus::Cancelled => "주문취소",
            OrderStatus::Returned => "반품완료",
        }
    }

    /// Whether staff may hand the order to a carrier now (the state machine's answer to a
    /// shipment with a carrier and waybill).
    pub fn can_ship(self) -> bool {
        self.apply(&OrderEvent::Shipped {
            carrier: "carrier".into(),
            waybill: "waybill".into(),
        })
        .is_ok()
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown stored state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown state: {0}")]
pub struct UnknownState(pub String);

/// Stored values decode straight into the type (rows carry `OrderStatus`, never text).
impl TryFrom<String> for OrderStatus {
    type Error = UnknownState;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl FromStr for OrderStatus {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnknownState(s.to_owned()))
    }
}

/// Order channels (statistics by channel).
pub const CHANNELS: [&str; 3] = ["pc", "mobile", "api"];

/// The shop channel of a browser: `mobile` for phones and tablets, else `pc`.
pub fn channel_of_user_agent(user_agent: &str) -> &'static str {
    if ["Mobi", "Android", "iPhone", "iPad"]
        .iter()
        .any(|m| user_agent.contains(m))
    {
        "mobile"
    } else {
        "pc"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderEvent as E;
    use OrderStatus as S;

    fn ship() -> OrderEvent {
        E::Shipped {
            carrier: "cj".into(),
            waybill: "123456789012".into(),
        }
    }

    #[test]
    fn card_orders_go_from_payment_to_completion() {
        let mut s = S::PendingPayment;
        for event in [
            E::PaymentApproved,
            E::PreparationStarted,
            ship(),
            E::Delivered,
            E::PurchaseConfirmed,
        ] {
            s = s.apply(&event).unwrap();
        }
        assert_eq!(s, S::Completed);
        assert!(s.is_final());
    }

    #[test]
    fn deposits_are_awaited_then_paid_or_expired() {
        let waiting = S::PendingPayment.apply(&E::DepositRequested).unwrap();
        assert_eq!(waiting, S::AwaitingDeposit);
        assert_eq!(waiting.apply(&E::DepositReceived), Ok(S::Paid));
        assert_eq!(waiting.apply(&E::DepositExpired), Ok(S::Cancelled));
        assert!(waiting.holds_stock() && !waiting.is_paid());
    }

    #[test]
    fn buyers_cancel_only_before_shipping_starts() {
        let allowed: Vec<S> = S::ALL
            .into_iter()
            .filter(|s| s.apply(&E::CancelledByBuyer).is_ok())
            .collect();
        assert_eq!(allowed, [S::PendingPayment, S::AwaitingDeposit, S::Paid]);
        let staff: Vec<S> = S::ALL
            .into_iter()
            .filter(|s| s.apply(&E::CancelledByStaff).is_ok())
            .collect();
        assert_eq!(
            staff,
            [S::PendingPayment, S::AwaitingDeposit, S::Paid, S::Preparing]
        );
        // Whatever cancels, it cancelled something that held stock.
        assert!(staff.iter().all(|s| s.holds_stock()));
    }

    #[test]
    fn shipping_needs_a_carrier_and_waybill() {
        let blank = E::Shipped {
            carrier: "cj".into(),
            waybill: " ".into(),
        };
        let err = S::Preparing.apply(&blank).unwrap_err();
        assert_eq!(
            err.to_string(),
            "shipped is not allowed while the order is preparing"
        );
        assert_eq!(S::Paid.apply(&ship()), Ok(S::Shipped));
        assert!(
            S::Shipped.apply(&E::CancelledByStaff).is_err(),
            "after shipping, a claim is needed"
        );
    }

    #[test]
    fn claims_and_partial_cancels_follow_the_goods() {
        for status in S::ALL {
            assert_eq!(
                status.can_file_claim(),
                matches!(status, S::Delivered | S::Completed),
                "{status}"
            );
            // Partial cancellation is for money taken and goods still in the shop.
            assert_eq!(
                status.can_cancel_partially(),
                status.is_paid() && status.holds_stock(),
                "{status}"
            );
            assert_eq!(
                S::PAID.contains(&status.as_str()),
                status.is_paid(),
                "{status}"
            );
        }
    }

    #[test]
    fn final_states_accept_nothing_and_replays_are_refused() {
        let events = [
            E::PaymentApproved,
            E::PaymentFailed,
            E::DepositRequested,
            E::DepositReceived,
            E::DepositExpired,
            E::CancelledByBuyer,
            E::CancelledByStaff,
            E::PreparationStarted,
            ship(),
            E::Delivered,
            E::PurchaseConfirmed,
            E::CodesIssued,
            E::CodesWithdrawn,
        ];
        for s in [S::Cancelled, S::Returned] {
            assert!(s.is_final());
            assert!(s.apply(&E::EverythingReturned).is_err(), "{s}");
        }
        for s in [S::Completed, S::Cancelled, S::Returned] {
            // Only staff's withdrawal of codes follows a confirmed purchase.
            let accepted = |e: &&E| s.apply(e).is_ok();
            let after = events.iter().filter(accepted).collect::<Vec<_>>();
            let expected: &[&E] = if s == S::Completed {
                &[&E::CodesWithdrawn]
            } else {
                &[]
            };
            assert_eq!(after, expected, "{s}");
        }
        // A replayed approval (webhook delivered twice) is refused, not applied twice.
        let paid = S::PendingPayment.apply(&E::PaymentApproved).unwrap();
        assert!(paid.apply(&E::PaymentApproved).is_err());
        // Stored names round-trip.
        for s in S::ALL {
            assert_eq!(s.as_str().parse::<S>(), Ok(s));
        }
    }

    #[test]
    fn returns_end_delivered_or_confirmed_orders() {
        let returnable: Vec<S> = S::ALL
            .into_iter()
            .filter(|s| s.apply(&E::EverythingReturned).is_ok())
            .collect();
        assert_eq!(returnable, [S::Delivered, S::Completed]);
        assert!(returnable.iter().all(|s| s.can_file_claim()));
        let returned = S::Completed.apply(&E::EverythingReturned).unwrap();
        assert_eq!(returned, S::Returned);
        assert!(!returned.can_file_claim() && !returned.is_paid() && !returned.holds_stock());
        assert_eq!(returned.korean_name(), "반품완료");
    }

    #[test]
    fn issued_codes_deliver_at_once_and_only_delivered_codes_are_withdrawn() {
        let delivered = S::Paid.apply(&E::CodesIssued).unwrap();
        assert_eq!(delivered, S::Delivered);
        assert_eq!(delivered.apply(&E::CodesWithdrawn), Ok(S::Cancelled));
        let issuable: Vec<S> = S::ALL
            .into_iter()
            .filter(|s| s.apply(&E::CodesIssued).is_ok())
            .collect();
        assert_eq!(issuable, [S::Paid]);
        assert_eq!(S::Completed.apply(&E::CodesWithdrawn), Ok(S::Cancelled));
        assert!(S::Shipped.apply(&E::CodesWithdrawn).is_err());
    }

    #[test]
    fn browsers_are_told_apart_by_user_agent() {
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";
        assert_eq!(channel_of_user_agent(iphone), "mobile");
        assert_eq!(
            channel_of_user_agent("Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile"),
            "mobile"
        );
        assert_eq!(
            channel_of_user_agent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120"),
            "pc"
        );
        assert_eq!(channel_of_user_agent(""), "pc");
    }
}
