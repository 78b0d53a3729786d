//! Payments: the state machine of one payment attempt ([`PaymentStatus::apply`]) and the
//! methods a shop offers ([`PaymentMethod`]), with the rules that hang on a method (paid later by
//! deposit, refunded by staff by hand).

use crate::order::{IllegalTransition, UnknownState};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How a buyer pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Credit or debit card. 신용/체크카드
    Card,
    /// Real-time account transfer. 실시간 계좌이체
    Transfer,
    /// Easy pay through the main gateway's window (토스페이 …). 간편결제
    EasyPay,
    /// KakaoPay, through KakaoPay itself. 카카오페이
    KakaoPay,
    /// NaverPay, through PortOne's NaverPay channel. 네이버페이
    NaverPay,
    /// A virtual account the gateway issues; paid later by deposit. 가상계좌
    VirtualAccount,
    /// A deposit to the shop's own bank account. 무통장입금
    BankDeposit,
    /// Paid at a marketplace (SmartStore, Coupang, …) whose order the shop imported: the
    /// marketplace holds the money and refunds its buyer. 판매 채널 결제
    Marketplace,
}

impl PaymentMethod {
    /// Every method, in the order checkout lists them.
    pub const ALL: [PaymentMethod; 7] = [
        PaymentMethod::Card,
        PaymentMethod::Transfer,
        PaymentMethod::KakaoPay,
        PaymentMethod::NaverPay,
        PaymentMethod::EasyPay,
        PaymentMethod::VirtualAccount,
        PaymentMethod::BankDeposit,
    ];

    /// The stored code.
    pub const fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Card => "card",
            PaymentMethod::Transfer => "transfer",
            PaymentMethod::EasyPay => "easy_pay",
            PaymentMethod::KakaoPay => "kakao_pay",
            PaymentMethod::NaverPay => "naver_pay",
            PaymentMethod::VirtualAccount => "virtual_account",
            PaymentMethod::BankDeposit => "bank_deposit",
            PaymentMethod::Marketplace => "marketplace",
        }
    }

    /// The Korean name buyers know.
    pub fn korean_name(self) -> &'static str {
        match self {
            PaymentMethod::Card => "신용/체크카드",
            PaymentMethod::Transfer => "실시간 계좌이체",
            PaymentMethod::EasyPay => "간편결제",
            PaymentMethod::KakaoPay => "카카오페이",
            PaymentMethod::NaverPay => "네이버페이",
            PaymentMethod::VirtualAccount => "가상계좌",
            PaymentMethod::BankDeposit => "무통장입금",
            PaymentMethod::Marketplace => "판매 채널 결제",
        }
    }

    /// Paid later by a deposit before a deadline (the order waits, its stock held).
    pub fn is_deferred(self) -> bool {
        matches!(
            self,
            PaymentMethod::VirtualAccount | PaymentMethod::BankDeposit
        )
    }

    /// Paid in cash (transfer, virtual account, bank deposit): 구매안전서비스 must be offered
    /// (전자상거래법 제13조②10호) and a 현금영수증 can be asked for.
    pub fn is_cash(self) -> bool {
        matches!(
            self,
            PaymentMethod::Transfer | PaymentMethod::VirtualAccount | PaymentMethod::BankDeposit
        )
    }

    /// Paid outside any gateway: staff confirm the deposit and refund by hand.
    pub fn is_manual(self) -> bool {
        self == PaymentMethod::BankDeposit
    }

    /// When a refund reaches the buyer, as shops tell them.
    pub fn refund_expectation(self) -> &'static str {
        match self {
            PaymentMethod::Card => "카드사 사정에 따라 3~7 영업일",
            _ => "영업일 기준 1~3일",
        }
    }
}

impl fmt::Display for PaymentMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for PaymentMethod {
    type Error = UnknownState;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl FromStr for PaymentMethod {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Checkout never offers a marketplace payment, so it is not among `ALL`.
        Self::ALL
            .into_iter()
            .chain([PaymentMethod::Marketplace])
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

impl TryFrom<String> for PaymentStatus {
    type Error = UnknownState;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn methods_round_trip_and_know_how_they_are_paid() {
        for method in PaymentMethod::ALL {
            assert_eq!(method.as_str().parse::<PaymentMethod>(), Ok(method));
        }
        assert!("cash".parse::<PaymentMethod>().is_err());
        let deferred: Vec<_> = PaymentMethod::ALL
            .into_iter()
            .filter(|m| m.is_deferred())
            .collect();
        assert_eq!(
            deferred,
            [PaymentMethod::VirtualAccount, PaymentMethod::BankDeposit]
        );
        assert!(PaymentMethod::BankDeposit.is_manual());
        assert!(!PaymentMethod::VirtualAccount.is_manual());
        assert_eq!(PaymentMethod::EasyPay.korean_name(), "간편결제");
    }
}
