//! Coupons in pricing: what one takes off, which lines it covers (its scope less its excluded
//! products), and whether it adds to the grade discount or replaces it.

use super::{Notice, PricingLine, Rate, allocate};
use crate::Won;
use crate::ids::{CategoryId, ProductId};
use chrono::{DateTime, Utc};

/// What a coupon takes off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CouponValue {
    /// A fixed amount (never more than the eligible amount).
    Fixed(Won),
    /// A percentage, optionally capped.
    Percent {
        /// The rate.
        rate: Rate,
        /// The largest discount.
        cap: Option<Won>,
    },
}

/// Which lines a coupon applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CouponScope {
    /// Every line.
    All,
    /// Lines of these products.
    Products(Vec<ProductId>),
    /// Lines in these categories (or below them).
    Categories(Vec<CategoryId>),
}

impl CouponScope {
    pub(super) fn covers(&self, line: &PricingLine) -> bool {
        match self {
            CouponScope::All => true,
            CouponScope::Products(ids) => ids.contains(&line.product_id),
            CouponScope::Categories(ids) => line.category_ids.iter().any(|c| ids.contains(c)),
        }
    }
}

/// A coupon the shopper chose, with what the rules need to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coupon {
    /// The value.
    pub value: CouponValue,
    /// Eligible lines must add up to at least this (after the grade discount).
    pub min_order: Won,
    /// Which lines it applies to.
    pub scope: CouponScope,
    /// Usable from.
    pub valid_from: DateTime<Utc>,
    /// Usable until (exclusive).
    pub valid_until: DateTime<Utc>,
    /// How many more times this member may use it (0: used up).
    pub uses_left: u32,
    /// Products it never applies to, whatever its scope.
    pub excluded_products: Vec<ProductId>,
    /// Whether it adds to the member's grade discount (otherwise it replaces it).
    pub combines_with_grade: bool,
}

impl Coupon {
    /// Its discount on each line, given the lines' amounts before it (`base`), or why it does
    /// not apply.
    pub(super) fn discounts(
        &self,
        lines: &[PricingLine],
        base: &[Won],
        now: DateTime<Utc>,
    ) -> Result<Vec<Won>, Notice> {
        let eligible: Vec<Won> = lines
            .iter()
            .zip(base)
            .map(|(line, amount)| {
                let covered =
                    self.scope.covers(line) && !self.excluded_products.contains(&line.product_id);
                if covered { *amount } else { Won::ZERO }
            })
            .collect();
        let total = eligible
            .iter()
            .try_fold(Won::ZERO, |acc, v| acc.checked_add(*v))
            .unwrap_or(Won(i64::MAX));
        if now < self.valid_from || now >= self.valid_until {
            return Err(Notice::CouponExpired);
        }
        if self.uses_left == 0 {
            return Err(Notice::CouponUsedUp);
        }
        if total == Won::ZERO {
            return Err(Notice::CouponNotApplicable);
        }
        if total < self.min_order {
            return Err(Notice::CouponBelowMinimum);
        }
        let discount = match self.value {
            CouponValue::Fixed(amount) => amount.max(Won::ZERO).min(total),
            CouponValue::Percent { rate, cap } => {
                let d = rate.of(total);
                cap.map_or(d, |c| d.min(c.max(Won::ZERO)))
            }
        };
        Ok(allocate(discount, &eligible))
    }
}
