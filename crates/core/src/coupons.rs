//! What makes a coupon the owner types a valid one (issue 17): a fixed amount or a percentage
//! with an optional cap, a minimum order, a per-member limit, a period of whole days in KST, and
//! a scope that names at least one category or product when it is not the whole shop.

use crate::money::parse_typed_amount;
use chrono::NaiveDate;

/// The largest fixed discount or minimum order a coupon may name.
pub const MAX_AMOUNT: i64 = 10_000_000;

/// The most uses per member a coupon may allow.
pub const MAX_USES_PER_MEMBER: i64 = 100;

/// A coupon as typed in the back office.
#[derive(Debug, Clone, Default)]
pub struct CouponDraft<'a> {
    /// `fixed` or `percent`.
    pub kind: &'a str,
    /// The fixed amount as typed ("5,000").
    pub amount: &'a str,
    /// The percentage as typed ("10").
    pub percent: &'a str,
    /// The cap of a percentage as typed (empty: none).
    pub max_discount: &'a str,
    /// The minimum order as typed (empty: none).
    pub min_order: &'a str,
    /// Uses per member as typed.
    pub per_member_limit: &'a str,
    /// First day (KST).
    pub starts_on: Option<NaiveDate>,
    /// Last day (KST).
    pub ends_on: Option<NaiveDate>,
    /// `all`, `categories` or `products`.
    pub scope: &'a str,
    /// How many categories or products the scope names.
    pub scope_count: usize,
}

/// The terms of a valid draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CouponTerms {
    /// `fixed` or `percent`.
    pub kind: &'static str,
    /// Fixed amount (0 for a percentage).
    pub amount: i64,
    /// Rate in basis points (0 for a fixed amount).
    pub rate_bp: i64,
    /// Cap of a percentage.
    pub max_discount: Option<i64>,
    /// Minimum eligible amount.
    pub min_order: i64,
    /// Uses per member.
    pub per_member_limit: i64,
    /// First day (KST).
    pub starts_on: NaiveDate,
    /// Last day (KST).
    pub ends_on: NaiveDate,
}

/// A field and what is wrong with it (message code).
pub type Problem = (&'static str, &'static str);

/// An amount typed in `field`: `Ok(None)` when empty, else within 1..=[`MAX_AMOUNT`].
fn amount(raw: &str, field: &'static str, min: i64) -> Result<Option<i64>, Problem> {
    match parse_typed_amount(raw) {
        Ok(None) => Ok(None),
        Ok(Some(n)) if (min..=MAX_AMOUNT).contains(&n) => Ok(Some(n)),
        _ => Err((field, "coupon_amount")),
    }
}

impl CouponDraft<'_> {
    /// The draft's terms, or every problem with it.
    pub fn terms(&self) -> Result<CouponTerms, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut keep = |r: Result<Option<i64>, Problem>| r.map_err(|p| problems.push(p)).ok();
        let (kind, amount_won, rate_bp, cap) = if self.kind == "percent" {
            let percent = keep(match parse_typed_amount(self.percent) {
                Ok(Some(p)) if (1..=100).contains(&p) => Ok(Some(p)),
                _ => Err(("percent", "coupon_percent")),
            });
            let cap = keep(amount(self.max_discount, "max_discount", 1)).flatten();
            ("percent", 0, percent.flatten().unwrap_or(0) * 100, cap)
        } else {
            let fixed = keep(
                amount(self.amount, "amount", 1)
                    .and_then(|a| a.map(Some).ok_or(("amount", "coupon_amount"))),
            );
            ("fixed", fixed.flatten().unwrap_or(0), 0, None)
        };
        let min_order = keep(amount(self.min_order, "min_order", 0)).flatten();
        let uses = match parse_typed_amount(self.per_member_limit) {
            Ok(Some(n)) if (1..=MAX_USES_PER_MEMBER).contains(&n) => n,
            _ => {
                problems.push(("per_member_limit", "coupon_uses"));
                0
            }
        };
        match (self.starts_on, self.ends_on) {
            (Some(s), Some(e)) if s > e => problems.push(("ends_on", "period_order")),
            (None, _) => problems.push(("starts_on", "required")),
            (_, None) => problems.push(("ends_on", "required")),
            _ => {}
        }
        if self.scope != "all" && self.scope_count == 0 {
            problems.push(("scope", "coupon_scope_empty"));
        }
        match (self.starts_on, self.ends_on) {
            (Some(starts_on), Some(ends_on)) if problems.is_empty() => Ok(CouponTerms {
                kind,
                amount: amount_won,
                rate_bp,
                max_discount: cap,
                min_order: min_order.unwrap_or(0),
                per_member_limit: uses,
                starts_on,
                ends_on,
            }),
            _ => Err(problems),
        }
    }
}

/// Letters and digits of unique codes: no 0/O or 1/I to mistake when typed from a card.
const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// The most unique codes made at once.
pub const MAX_CODES_PER_BATCH: i64 = 10_000;

/// Twelve code characters as `XXXX-XXXX-XXXX`.
fn grouped(chars: impl Iterator<Item = u8>) -> String {
    let mut code = String::with_capacity(14);
    for (i, c) in chars.enumerate() {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        code.push(char::from(c));
    }
    code
}

/// A unique (one-member) coupon code from 12 random bytes: `XXXX-XXXX-XXXX`, 60 bits.
pub fn unique_code(random: [u8; 12]) -> String {
    grouped(random.iter().map(|b| CODE_ALPHABET[usize::from(b % 32)]))
}

/// A unique code as typed (any case, spaces or hyphens anywhere) in its stored form, or
/// `None` when it cannot be one.
pub fn typed_unique_code(typed: &str) -> Option<String> {
    let chars: Vec<u8> = typed
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'-'))
        .map(|b| b.to_ascii_uppercase())
        .collect();
    let valid = chars.len() == 12 && chars.iter().all(|c| CODE_ALPHABET.contains(c));
    valid.then(|| grouped(chars.into_iter()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_codes_read_back_however_typed() {
        let code = unique_code([0, 1, 2, 3, 31, 32, 33, 200, 255, 7, 8, 9]);
        assert_eq!(code, "ABCD-9ABJ-9HJK");
        assert_eq!(typed_unique_code(" abcd 9abj9hjk "), Some(code.clone()));
        assert_eq!(typed_unique_code("ABCD-9ABJ-9HJ"), None, "too short");
        assert_eq!(typed_unique_code("ABCD-9ABJ-9HJ0"), None, "0 is never used");
    }

    fn day(d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2026, 12, d)
    }

    fn draft<'a>() -> CouponDraft<'a> {
        CouponDraft {
            kind: "fixed",
            amount: "5,000",
            per_member_limit: "1",
            starts_on: day(1),
            ends_on: day(31),
            scope: "all",
            ..CouponDraft::default()
        }
    }

    #[test]
    fn a_fixed_coupon_takes_typed_amounts() {
        let terms = CouponDraft {
            min_order: "30,000원",
            ..draft()
        }
        .terms()
        .unwrap();
        assert_eq!(
            (terms.kind, terms.amount, terms.min_order),
            ("fixed", 5_000, 30_000)
        );
    }

    #[test]
    fn a_percentage_is_whole_and_its_cap_optional() {
        let ten = CouponDraft {
            kind: "percent",
            percent: "10",
            max_discount: "3,000",
            ..draft()
        };
        let terms = ten.clone().terms().unwrap();
        assert_eq!(
            (terms.rate_bp, terms.amount, terms.max_discount),
            (1_000, 0, Some(3_000))
        );
        let refused = CouponDraft {
            percent: "150",
            ..ten
        }
        .terms()
        .unwrap_err();
        assert_eq!(refused, [("percent", "coupon_percent")]);
    }

    #[test]
    fn every_problem_is_told_at_once() {
        let refused = CouponDraft {
            amount: "",
            per_member_limit: "0",
            starts_on: day(10),
            ends_on: day(9),
            scope: "products",
            ..draft()
        }
        .terms()
        .unwrap_err();
        assert_eq!(
            refused,
            [
                ("amount", "coupon_amount"),
                ("per_member_limit", "coupon_uses"),
                ("ends_on", "period_order"),
                ("scope", "coupon_scope_empty"),
            ]
        );
    }
}
