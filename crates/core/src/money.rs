//! Money in Korean won: integers only, VAT included.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

/// An amount in Korean won. KRW has no minor unit, so an `i64` is exact.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Won(pub i64);

impl Won {
    /// Zero won.
    pub const ZERO: Won = Won(0);

    /// The raw number of won.
    pub fn get(self) -> i64 {
        self.0
    }

    /// `self × qty`, or `None` on overflow.
    pub fn checked_mul(self, qty: i64) -> Option<Won> {
        self.0.checked_mul(qty).map(Won)
    }

    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: Won) -> Option<Won> {
        self.0.checked_add(other.0).map(Won)
    }

    /// The discount of `sale` against `list` in whole percent, rounded down, when `sale` is lower.
    pub fn discount_percent(list: Won, sale: Won) -> Option<u8> {
        if list.0 <= 0 || sale.0 >= list.0 || sale.0 < 0 {
            return None;
        }
        let pct = (list.0 - sale.0) * 100 / list.0;
        u8::try_from(pct).ok().filter(|p| *p > 0)
    }

    /// Digits grouped by thousands: `12900` → `"12,900"`.
    pub fn grouped(self) -> String {
        group_thousands(self.0)
    }
}

/// Formats an integer with thousands separators: `-1234567` → `"-1,234,567"`.
pub fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

// Lets the database layer decode a stored amount straight into `Won`.
impl From<i64> for Won {
    fn from(raw: i64) -> Self {
        Won(raw)
    }
}

impl fmt::Display for Won {
    /// Korean notation: `12,900원`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}원", self.grouped())
    }
}

impl Add for Won {
    type Output = Won;
    fn add(self, rhs: Won) -> Won {
        Won(self.0 + rhs.0)
    }
}

impl Sub for Won {
    type Output = Won;
    fn sub(self, rhs: Won) -> Won {
        Won(self.0 - rhs.0)
    }
}

impl Neg for Won {
    type Output = Won;
    fn neg(self) -> Won {
        Won(-self.0)
    }
}

impl AddAssign for Won {
    fn add_assign(&mut self, rhs: Won) {
        self.0 += rhs.0;
    }
}

impl SubAssign for Won {
    fn sub_assign(&mut self, rhs: Won) {
        self.0 -= rhs.0;
    }
}

impl Sum for Won {
    fn sum<I: Iterator<Item = Won>>(iter: I) -> Won {
        Won(iter.map(Won::get).sum())
    }
}

/// A typed amount that is not a whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a whole number")]
pub struct NotANumber;

/// A whole-won amount as staff type it ("1,200", "1200원", "-500"): `Ok(None)` when empty.
pub fn parse_typed_amount(raw: &str) -> Result<Option<i64>, NotANumber> {
    let cleaned: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '원' | ' ' | '+'))
        .collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    cleaned.parse::<i64>().map(Some).map_err(|_| NotANumber)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(Won(0).to_string(), "0원");
        assert_eq!(Won(900).to_string(), "900원");
        assert_eq!(Won(12_900).to_string(), "12,900원");
        assert_eq!(Won(1_234_567).to_string(), "1,234,567원");
        assert_eq!(group_thousands(-1_000), "-1,000");
        assert_eq!(group_thousands(i64::MIN), "-9,223,372,036,854,775,808");
    }

    #[test]
    fn discount_is_floored_and_only_for_real_discounts() {
        assert_eq!(Won::discount_percent(Won(29_000), Won(19_900)), Some(31));
        assert_eq!(Won::discount_percent(Won(10_000), Won(10_000)), None);
        assert_eq!(Won::discount_percent(Won(10_000), Won(12_000)), None);
        assert_eq!(Won::discount_percent(Won(0), Won(0)), None);
        // 0.5% rounds down to nothing: no "0%" badge.
        assert_eq!(Won::discount_percent(Won(20_000), Won(19_900)), None);
    }

    #[test]
    fn typed_amounts_allow_separators_signs_and_won() {
        assert_eq!(parse_typed_amount("1,200원"), Ok(Some(1200)));
        assert_eq!(parse_typed_amount("+10"), Ok(Some(10)));
        assert_eq!(parse_typed_amount("-500"), Ok(Some(-500)));
        assert_eq!(parse_typed_amount(" "), Ok(None));
        assert_eq!(parse_typed_amount("12개"), Err(NotANumber));
    }
}
