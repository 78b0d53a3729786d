//! The account a virtual-account or bank-deposit payment is refunded to (환불 계좌): which
//! payments need one, and what a well-formed one is.

use crate::gateway::toss_bank_name;
use crate::payment::PaymentMethod;

/// A refund account as typed, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundAccount {
    /// Bank code.
    pub bank: String,
    /// Account number, digits only.
    pub number: String,
    /// Holder's name.
    pub holder: String,
}

impl RefundAccount {
    /// The number's last four digits, to show ("…6789").
    pub fn hint(&self) -> String {
        let start = self.number.len().saturating_sub(4);
        format!("…{}", &self.number[start..])
    }
}

/// Whether money paid with `method` goes back to an account the buyer names (a card payment is
/// refunded to the card, an easy pay to its wallet).
pub fn refunds_to_an_account(method: PaymentMethod) -> bool {
    matches!(
        method,
        PaymentMethod::VirtualAccount | PaymentMethod::BankDeposit
    )
}

/// Checks a typed refund account: a known bank, 6–20 digits (hyphens and spaces dropped), a
/// holder of at most 60 characters. Errors are (field, message code) pairs, all at once.
pub fn parse_refund_account(
    bank: &str,
    number: &str,
    holder: &str,
) -> Result<RefundAccount, Vec<(&'static str, &'static str)>> {
    let mut errors = Vec::new();
    let bank = bank.trim();
    if toss_bank_name(bank).is_none() {
        errors.push(("refund_bank", "refund_bank_unknown"));
    }
    let digits: String = number.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    if !(6..=20).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        errors.push(("refund_number", "refund_number_format"));
    }
    let holder = holder.trim();
    if holder.is_empty() || holder.chars().count() > 60 {
        errors.push(("refund_holder", "refund_holder_required"));
    }
    if errors.is_empty() {
        Ok(RefundAccount {
            bank: bank.to_owned(),
            number: digits,
            holder: holder.to_owned(),
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_account_is_cleaned_and_checked() {
        let ok = parse_refund_account("20", "1002-123-456789", " 김장터 ").unwrap();
        assert_eq!(
            (ok.number.as_str(), ok.holder.as_str()),
            ("1002123456789", "김장터")
        );
        assert_eq!(ok.hint(), "…6789");
        let errors = parse_refund_account("99", "12-34", "").unwrap_err();
        assert_eq!(
            errors,
            vec![
                ("refund_bank", "refund_bank_unknown"),
                ("refund_number", "refund_number_format"),
                ("refund_holder", "refund_holder_required"),
            ]
        );
        assert!(parse_refund_account("88", "12345a7890", "김").is_err());
    }

    #[test]
    fn only_cash_payments_need_an_account() {
        assert!(refunds_to_an_account(PaymentMethod::VirtualAccount));
        assert!(refunds_to_an_account(PaymentMethod::BankDeposit));
        assert!(!refunds_to_an_account(PaymentMethod::Card));
        assert!(!refunds_to_an_account(PaymentMethod::EasyPay));
    }
}
