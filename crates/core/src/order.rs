//! Order and payment state machines (ARCHITECTURE.md §4). Every change of state goes through
//! [`OrderStatus::apply`] or [`PaymentStatus::apply`]; an event that is not allowed in the current
//! state is an error, never a silent write.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

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
    pub const ALL: [OrderStatus; 8] = [
        OrderStatus::PendingPayment,
        OrderStatus::AwaitingDeposit,
        OrderStatus::Paid,
        OrderStatus::Preparing,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
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
        }
    }

    /// No event leaves this state.
    pub fn is_final(self) -> bool {
        matches!(self, OrderStatus::Completed | OrderStatus::Cancelled)
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

    /// Whether money was taken, so that a cancellation must refund it.
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

impl FromStr for OrderStatus {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnknownState(s.to_owned()))
    }
}

/// Where one payment attempt stands (an order may have several attempts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Created, not yet confirmed by the gateway.
    Ready,
    /// Approved and captured.
    Done,
    /// A virtual account was issued; waiting for the deposit.
    WaitingForDeposit,
    /// The deposit deadline passed.
    Expired,
    /// Part of the amount was refunded.
    PartiallyCancelled,
    /// Fully refunded or voided.
    Cancelled,
    /// Declined or abandoned.
    Failed,
}

/// What happens to a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentEvent {
    /// The gateway approved it.
    Approved,
    /// The gateway issued a virtual account.
    VirtualAccountIssued,
    /// The deposit arrived.
    Deposited,
    /// The deposit deadline passed.
    DepositExpired,
    /// The gateway declined it, or the buyer gave up.
    Declined,
    /// Given up before any money moved (an unpaid virtual account or bank deposit cancelled).
    Voided,
    /// A refund of `remaining_after` won left of the captured amount (0: fully cancelled).
    Refunded {
        /// Amount still captured after this refund.
        remaining_after: i64,
    },
}

impl PaymentEvent {
    fn name(self) -> &'static str {
        match self {
            PaymentEvent::Approved => "approved",
            PaymentEvent::VirtualAccountIssued => "virtual_account_issued",
            PaymentEvent::Deposited => "deposited",
            PaymentEvent::DepositExpired => "deposit_expired",
            PaymentEvent::Declined => "declined",
            PaymentEvent::Voided => "voided",
            PaymentEvent::Refunded { .. } => "refunded",
        }
    }
}

impl PaymentStatus {
    /// Every state.
    pub const ALL: [PaymentStatus; 7] = [
        PaymentStatus::Ready,
        PaymentStatus::Done,
        PaymentStatus::WaitingForDeposit,
        PaymentStatus::Expired,
        PaymentStatus::PartiallyCancelled,
        PaymentStatus::Cancelled,
        PaymentStatus::Failed,
    ];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Ready => "ready",
            PaymentStatus::Done => "done",
            PaymentStatus::WaitingForDeposit => "waiting_for_deposit",
            PaymentStatus::Expired => "expired",
            PaymentStatus::PartiallyCancelled => "partially_cancelled",
            PaymentStatus::Cancelled => "cancelled",
            PaymentStatus::Failed => "failed",
        }
    }

    /// The state after `event`, or why it is refused.
    pub fn apply(self, event: PaymentEvent) -> Result<PaymentStatus, IllegalTransition> {
        use PaymentEvent as E;
        use PaymentStatus as S;
        let next = match (self, event) {
            (S::Ready, E::Approved) => S::Done,
            (S::Ready, E::VirtualAccountIssued) => S::WaitingForDeposit,
            (S::Ready, E::Declined) => S::Failed,
            (S::WaitingForDeposit, E::Deposited) => S::Done,
            (S::WaitingForDeposit, E::DepositExpired) => S::Expired,
            (S::Ready | S::WaitingForDeposit, E::Voided) => S::Cancelled,
            (S::Done | S::PartiallyCancelled, E::Refunded { remaining_after })
                if remaining_after > 0 =>
            {
                S::PartiallyCancelled
            }
            (S::Done | S::PartiallyCancelled, E::Refunded { remaining_after: 0 }) => S::Cancelled,
            (from, event) => {
                return Err(IllegalTransition {
                    machine: "payment",
                    from: from.as_str(),
                    event: event.name(),
                });
            }
        };
        Ok(next)
    }
}

impl FromStr for PaymentStatus {
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
        ];
        for s in [S::Completed, S::Cancelled] {
            assert!(events.iter().all(|e| s.apply(e).is_err()), "{s}");
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
    fn payments_refund_partially_then_fully() {
        use PaymentEvent as P;
        use PaymentStatus as PS;
        let done = PS::Ready.apply(P::Approved).unwrap();
        let partial = done
            .apply(P::Refunded {
                remaining_after: 5_000,
            })
            .unwrap();
        assert_eq!(partial, PS::PartiallyCancelled);
        assert_eq!(
            partial.apply(P::Refunded { remaining_after: 0 }),
            Ok(PS::Cancelled)
        );
        assert!(
            PS::Cancelled
                .apply(P::Refunded { remaining_after: 0 })
                .is_err()
        );
        assert!(
            done.apply(P::Refunded {
                remaining_after: -1
            })
            .is_err()
        );
        let va = PS::Ready.apply(P::VirtualAccountIssued).unwrap();
        assert_eq!(va.apply(P::Deposited), Ok(PS::Done));
        assert_eq!(va.apply(P::DepositExpired), Ok(PS::Expired));
        assert!(
            PS::Expired.apply(P::Deposited).is_err(),
            "a late deposit notice changes nothing"
        );
        assert_eq!(PS::Ready.apply(P::Declined), Ok(PS::Failed));
        for s in PS::ALL {
            assert_eq!(s.as_str().parse::<PS>(), Ok(s));
        }
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
