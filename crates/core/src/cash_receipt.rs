//! 현금영수증 (KOREAN-COMMERCE.md §1.5): for cash-type payments the buyer asks for one for 소득공제
//! (a mobile number) or 지출증빙 (a business number), or none. An online retailer is a 의무발행업종:
//! a cash payment of ₩100,000 or more with no request is self-issued (자진발급) to the National Tax
//! Service's number. Refunds cancel or reduce the receipt. A card payment never gets one.

use crate::Won;
use crate::legal::registration_digits;
use crate::payment::PaymentMethod;

/// Cash payments from this amount get a receipt even unasked (자진발급).
pub const SELF_ISSUE_THRESHOLD: Won = Won(100_000);

/// The identity a self-issued receipt goes to (국세청 자진발급 번호).
pub const SELF_ISSUE_NUMBER: &str = "0100001234";

/// What a receipt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptKind {
    /// 소득공제: an individual's deduction, by mobile number.
    Personal,
    /// 지출증빙: a business's expense proof, by business number.
    Business,
    /// 자진발급: no request, ₩100,000 or more (issued as 소득공제 to the NTS number).
    SelfIssued,
}

impl ReceiptKind {
    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptKind::Personal => "personal",
            ReceiptKind::Business => "business",
            ReceiptKind::SelfIssued => "self",
        }
    }

    /// The stored code's kind.
    pub fn parse(code: &str) -> Option<Self> {
        [
            ReceiptKind::Personal,
            ReceiptKind::Business,
            ReceiptKind::SelfIssued,
        ]
        .into_iter()
        .find(|k| k.as_str() == code)
    }

    /// Whether it proves a business's expense (지출증빙) rather than an income deduction.
    pub fn is_business(self) -> bool {
        self == ReceiptKind::Business
    }
}

/// The buyer's request at checkout: `choice` is `personal`, `business` or `none` (or blank);
/// `number` the mobile number (or 현금영수증 card number) or the business number. `Ok(None)`: no
/// receipt asked for. `Err` is the form error's code.
pub fn parse_request(
    choice: &str,
    number: &str,
) -> Result<Option<(ReceiptKind, String)>, &'static str> {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let only_digits_and_dashes = number
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' '));
    match choice {
        "" | "none" => Ok(None),
        "personal" => {
            let mobile = digits.starts_with("01") && (10..=11).contains(&digits.len());
            let card = (13..=19).contains(&digits.len());
            if only_digits_and_dashes && (mobile || card) {
                Ok(Some((ReceiptKind::Personal, digits)))
            } else {
                Err("cash_receipt_mobile")
            }
        }
        "business" => registration_digits(number)
            .map(|d| Some((ReceiptKind::Business, d)))
            .ok_or("cash_receipt_business_no"),
        _ => Err("cash_receipt_choice"),
    }
}

/// The receipt a paid order gets: the buyer's request, or 자진발급 for an unrequested cash
/// payment of ₩100,000 or more; none for other methods.
pub fn receipt_due(
    method: PaymentMethod,
    requested: Option<ReceiptKind>,
    paid: Won,
) -> Option<ReceiptKind> {
    if !method.is_cash() {
        return None;
    }
    match requested {
        Some(kind) => Some(kind),
        None if paid >= SELF_ISSUE_THRESHOLD => Some(ReceiptKind::SelfIssued),
        None => None,
    }
}

/// What to do to bring an issued receipt of `issued` won to the `captured` won still paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptChange {
    /// Nothing.
    Keep,
    /// Cancel it all (everything refunded).
    CancelAll,
    /// Reduce it by this much (a partial refund).
    Reduce(Won),
}

/// The change a refund makes to an issued receipt.
pub fn change_after_refund(issued: Won, captured: Won) -> ReceiptChange {
    if captured <= Won::ZERO {
        ReceiptChange::CancelAll
    } else if captured < issued {
        ReceiptChange::Reduce(issued - captured)
    } else {
        ReceiptChange::Keep
    }
}

/// The identity as staff and buyers see it: the last four digits only.
pub fn identity_hint(digits: &str) -> String {
    let tail: String = digits
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("****{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked_by_kind() {
        assert_eq!(parse_request("none", "x"), Ok(None));
        assert_eq!(
            parse_request("personal", "010-1234-5678"),
            Ok(Some((ReceiptKind::Personal, "01012345678".into())))
        );
        assert_eq!(
            parse_request("personal", "1234"),
            Err("cash_receipt_mobile")
        );
        assert_eq!(
            parse_request("business", "123-45-67890"),
            Ok(Some((ReceiptKind::Business, "1234567890".into())))
        );
        assert_eq!(
            parse_request("business", "010-1234-5678"),
            Err("cash_receipt_business_no")
        );
        assert_eq!(parse_request("both", ""), Err("cash_receipt_choice"));
    }

    #[test]
    fn cash_of_100000_or_more_is_self_issued_and_cards_never_get_one() {
        use PaymentMethod::*;
        assert_eq!(
            receipt_due(Transfer, None, Won(100_000)),
            Some(ReceiptKind::SelfIssued)
        );
        assert_eq!(receipt_due(BankDeposit, None, Won(99_999)), None);
        assert_eq!(
            receipt_due(VirtualAccount, Some(ReceiptKind::Business), Won(5_000)),
            Some(ReceiptKind::Business)
        );
        assert_eq!(
            receipt_due(Card, Some(ReceiptKind::Personal), Won(500_000)),
            None
        );
    }

    #[test]
    fn refunds_reduce_or_cancel_the_receipt() {
        assert_eq!(
            change_after_refund(Won(50_000), Won(50_000)),
            ReceiptChange::Keep
        );
        assert_eq!(
            change_after_refund(Won(50_000), Won(30_000)),
            ReceiptChange::Reduce(Won(20_000))
        );
        assert_eq!(
            change_after_refund(Won(50_000), Won::ZERO),
            ReceiptChange::CancelAll
        );
        assert_eq!(identity_hint("01012345678"), "****5678");
    }
}
