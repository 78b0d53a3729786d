//! Digital goods: what a product sells (goods that ship, or gift-card PIN codes issued on
//! payment), the rule that gift cards are bought on their own, and how an order whose codes
//! were issued is cancelled.

use crate::order::{OrderEvent, OrderStatus, UnknownState};
use serde::Serialize;

/// What a product sells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    /// Goods that ship.
    Goods,
    /// Gift-card PIN codes from the product's pool, issued when the order is paid.
    PinCodes,
}

impl ProductKind {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            ProductKind::Goods => "physical",
            ProductKind::PinCodes => "digital_pin",
        }
    }

    /// Whether a line of it needs a parcel (and so shipping and an address).
    pub fn ships(self) -> bool {
        self == ProductKind::Goods
    }
}

impl std::str::FromStr for ProductKind {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [ProductKind::Goods, ProductKind::PinCodes]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownState(s.to_owned()))
    }
}

/// Stored values decode straight into the type.
impl TryFrom<String> for ProductKind {
    type Error = UnknownState;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// What a cart or an order holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Contents {
    /// Nothing.
    Empty,
    /// Goods only.
    Goods,
    /// Gift-card codes only: no shipping, no address, no escrow.
    Codes,
    /// Both, which is refused: gift cards are bought on their own (their delivery, refund and
    /// fraud rules differ from those of goods, and one payment must not mix them).
    Mixed,
}

impl Contents {
    /// What lines of these kinds make.
    pub fn of(kinds: impl IntoIterator<Item = ProductKind>) -> Contents {
        kinds.into_iter().fold(Contents::Empty, Contents::with)
    }

    /// Whether a line of `kind` may join: gift cards only with gift cards.
    pub fn may_add(self, kind: ProductKind) -> bool {
        self.with(kind) != Contents::Mixed
    }

    /// What it holds once a line of `kind` joins.
    pub fn with(self, kind: ProductKind) -> Contents {
        match (self, kind) {
            (Contents::Empty | Contents::Goods, ProductKind::Goods) => Contents::Goods,
            (Contents::Empty | Contents::Codes, ProductKind::PinCodes) => Contents::Codes,
            _ => Contents::Mixed,
        }
    }

    /// Whether something ships (shipping is charged and an address asked).
    pub fn ships(self) -> bool {
        matches!(self, Contents::Goods | Contents::Mixed)
    }

    /// Whether member benefits apply (grade discount, coupons, points spent or earned): not to
    /// gift cards, which sell near face value and are as good as cash, so a coupon or points
    /// spent on them would leave the shop as cash (상품권깡).
    pub fn takes_member_benefits(self) -> bool {
        self != Contents::Codes
    }
}

/// The code an order's status is shown by: an order that ships no goods (gift-card codes
/// only) was issued, not delivered, so it reads "발급완료" rather than "배송완료".
pub fn shown_status_code(status: OrderStatus, ships_goods: bool) -> &'static str {
    match (status, ships_goods) {
        (OrderStatus::Delivered, false) => "codes_issued",
        _ => status.as_str(),
    }
}

/// The Korean name likewise (order sheets).
pub fn shown_status_name(status: OrderStatus, ships_goods: bool) -> &'static str {
    match (status, ships_goods) {
        (OrderStatus::Delivered, false) => "발급완료",
        _ => status.korean_name(),
    }
}

/// An order's issued codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IssuedCodes {
    /// Codes allocated to its lines.
    pub issued: i64,
    /// Of them, those the buyer has seen.
    pub seen: i64,
}

/// Why a cancellation is refused before the state machine is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelRefusal {
    /// The buyer saw a code: 전자상거래법 제17조②5호 ends withdrawal once the code is provided;
    /// staff decide.
    CodesSeen,
}

impl CancelRefusal {
    /// The error code shown.
    pub fn code(self) -> &'static str {
        match self {
            CancelRefusal::CodesSeen => "pins_revealed",
        }
    }
}

/// The event that cancels an order in `status` for the buyer (`by_staff` false) or staff,
/// given its codes: an order whose codes were issued is withdrawn (the buyer only before
/// seeing any); every other order is cancelled as usual. The state machine still has the last
/// word on whether the event applies.
pub fn cancel_event(
    status: OrderStatus,
    by_staff: bool,
    codes: IssuedCodes,
) -> Result<OrderEvent, CancelRefusal> {
    if !by_staff && codes.seen > 0 {
        return Err(CancelRefusal::CodesSeen);
    }
    Ok(match (status, by_staff) {
        (OrderStatus::Delivered, _) | (OrderStatus::Completed, true) if codes.issued > 0 => {
            OrderEvent::CodesWithdrawn
        }
        (_, true) => OrderEvent::CancelledByStaff,
        (_, false) => OrderEvent::CancelledByBuyer,
    })
}

/// Whether the order may be cancelled now by the buyer or staff.
pub fn may_cancel(status: OrderStatus, by_staff: bool, codes: IssuedCodes) -> bool {
    cancel_event(status, by_staff, codes).is_ok_and(|event| status.apply(&event).is_ok())
}

/// Whether a return or exchange may be filed: goods that arrived, never issued codes (they are
/// withdrawn by cancelling, [`cancel_event`]).
pub fn may_file_claim(status: OrderStatus, codes: IssuedCodes) -> bool {
    codes.issued == 0 && status.can_file_claim()
}

/// Whether staff may cancel some units: goods before they ship, or the unseen codes of an order
/// whose codes were issued, even after a confirmed purchase (each unit's PIN goes back to the
/// pool).
pub fn may_cancel_partially(status: OrderStatus, codes: IssuedCodes) -> bool {
    status.can_cancel_partially()
        || (matches!(status, OrderStatus::Delivered | OrderStatus::Completed) && codes.issued > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus as S;

    #[test]
    fn gift_cards_are_bought_on_their_own() {
        use ProductKind::{Goods, PinCodes};
        assert_eq!(Contents::of([]), Contents::Empty);
        assert_eq!(Contents::of([Goods, Goods]), Contents::Goods);
        assert_eq!(Contents::of([PinCodes, PinCodes]), Contents::Codes);
        assert_eq!(Contents::of([Goods, PinCodes]), Contents::Mixed);
        assert!(Contents::Empty.may_add(PinCodes) && Contents::Codes.may_add(PinCodes));
        assert!(!Contents::Goods.may_add(PinCodes) && !Contents::Codes.may_add(Goods));
        assert!(!Contents::Codes.ships() && Contents::Goods.ships() && Contents::Mixed.ships());
        assert!(
            !Contents::Codes.takes_member_benefits() && Contents::Goods.takes_member_benefits()
        );
        for kind in [Goods, PinCodes] {
            assert_eq!(kind.as_str().parse::<ProductKind>(), Ok(kind));
        }
    }

    #[test]
    fn issued_codes_are_withdrawn_by_the_buyer_only_unseen() {
        let unseen = IssuedCodes { issued: 2, seen: 0 };
        let seen = IssuedCodes { issued: 2, seen: 1 };
        assert_eq!(
            cancel_event(S::Delivered, false, unseen),
            Ok(OrderEvent::CodesWithdrawn)
        );
        assert!(may_cancel(S::Delivered, false, unseen));
        assert_eq!(
            cancel_event(S::Delivered, false, seen),
            Err(CancelRefusal::CodesSeen)
        );
        assert!(!may_cancel(S::Delivered, false, seen));
        assert!(may_cancel(S::Delivered, true, seen));
        // Goods that arrived are returned, never cancelled.
        assert!(!may_cancel(S::Delivered, false, IssuedCodes::default()));
        assert!(!may_cancel(S::Delivered, true, IssuedCodes::default()));
        assert!(may_cancel(S::Paid, false, IssuedCodes::default()));
        // After a confirmed purchase only staff withdraw codes (a PIN the issuer refuses).
        assert!(may_cancel(S::Completed, true, seen));
        assert!(!may_cancel(S::Completed, false, unseen));
        assert!(!may_cancel(S::Completed, true, IssuedCodes::default()));
        assert!(may_cancel_partially(S::Completed, unseen));
        assert!(may_cancel_partially(S::Delivered, unseen));
        assert!(!may_cancel_partially(S::Delivered, IssuedCodes::default()));
        // Codes are never returned or exchanged.
        assert!(!may_file_claim(S::Delivered, unseen));
        assert!(may_file_claim(S::Delivered, IssuedCodes::default()));
    }
}
