//! Order pricing: one pure function from cart lines, membership grade, coupon, points, shipping
//! policy and address to an itemised breakdown. Every discount is allocated to lines (won by won,
//! remainders to the largest lines), so a partial cancellation can refund exactly.
//!
//! Order of application: unit prices (sale price and option extras already included) → grade
//! discount per line → one coupon on its eligible lines → shipping on what ships → points on the
//! items. Every rate rounds down to the won (floor): no discount and no points grant ever exceeds
//! its rate.

use crate::Won;
use crate::ids::{CategoryId, ProductId, SkuId};
use chrono::{DateTime, Utc};
use serde::Serialize;

mod coupon;
mod shipping;

pub use coupon::{Coupon, CouponScope, CouponValue};
use shipping::remote_surcharge;
pub use shipping::{
    Parcel, RemoteArea, ShippingPolicy, ShippingProfileRule, ShippingRule, parcels,
};

/// A rate in basis points: 100 = 1 %, 10,000 = 100 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
pub struct Rate(pub u32);

impl Rate {
    /// `amount × rate`, rounded down to the won. Rates above 100 % count as 100 %.
    pub fn of(self, amount: Won) -> Won {
        let bp = i128::from(self.0.min(10_000));
        Won(i64::try_from(i128::from(amount.get().max(0)) * bp / 10_000).unwrap_or(i64::MAX))
    }
}

/// One cart line as priced now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricingLine {
    /// The SKU.
    pub sku_id: SkuId,
    /// Its product.
    pub product_id: ProductId,
    /// The product's category and its ancestors (coupon scopes match any of them).
    pub category_ids: Vec<CategoryId>,
    /// What one unit costs now (sale price and option extra included).
    pub unit_price: Won,
    /// Units (at least 1).
    pub quantity: u32,
    /// Its shipping profile (`None`: the shop's default profile).
    pub shipping_profile: Option<i64>,
    /// Tax-free goods (면세): the line's total counts toward the order's tax-free amount.
    pub tax_free: bool,
    /// The line needs a parcel (gift-card codes do not: no shipping, no remote surcharge).
    pub ships: bool,
}

/// A membership grade's benefits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GradeBenefits {
    /// Discount on every line.
    pub discount: Rate,
    /// Points earned on what is paid for items.
    pub point_rate: Rate,
    /// Every parcel ships free (the remote-area surcharge still applies).
    pub free_shipping: bool,
}

/// Points (적립금) rules of the shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PointsPolicy {
    /// Points can be used only once the balance reaches this.
    pub min_balance: Won,
    /// The smallest use.
    pub min_use: Won,
    /// At most this share of the items' amount (after discounts) may be paid with points.
    pub max_share: Rate,
    /// Uses are rounded down to a multiple of this (e.g. 10 won); 0 or 1 for none.
    pub step: Won,
}

/// When a free gift is added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GiftCondition {
    /// The items (after discounts) reach this amount.
    MinSpend(Won),
    /// The cart holds this product.
    BuysProduct(ProductId),
}

/// A free-gift rule (사은품).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftRule {
    /// Rule id.
    pub id: i64,
    /// The gift's SKU.
    pub gift_sku: SkuId,
    /// Gift units left.
    pub gift_stock: i64,
    /// When it applies.
    pub condition: GiftCondition,
}

/// Everything pricing needs.
#[derive(Debug, Clone)]
pub struct PricingInput<'a> {
    /// Cart lines.
    pub lines: &'a [PricingLine],
    /// The member's grade benefits (`None` for guests).
    pub grade: Option<GradeBenefits>,
    /// The coupon the shopper chose.
    pub coupon: Option<&'a Coupon>,
    /// Points the shopper asks to use.
    pub points_requested: Won,
    /// The member's points balance.
    pub points_balance: Won,
    /// Points rules.
    pub points_policy: PointsPolicy,
    /// Shipping rules.
    pub shipping: &'a ShippingPolicy,
    /// Delivery postcode (5 digits), when known.
    pub postcode: Option<&'a str>,
    /// Free-gift rules in force.
    pub gift_rules: &'a [GiftRule],
    /// Now (coupon periods).
    pub now: DateTime<Utc>,
}

/// One priced line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineTotal {
    /// The SKU.
    pub sku_id: SkuId,
    /// Unit price × quantity.
    pub subtotal: Won,
    /// Grade discount on this line.
    pub grade_discount: Won,
    /// This line's share of the coupon discount.
    pub coupon_discount: Won,
    /// This line's share of the points used.
    pub points: Won,
    /// What the shopper pays for this line (before shipping).
    pub total: Won,
}

/// Why something the shopper asked for was not (fully) applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Notice {
    /// The coupon is outside its validity period.
    CouponExpired,
    /// The member already used the coupon as often as allowed.
    CouponUsedUp,
    /// No line is in the coupon's scope.
    CouponNotApplicable,
    /// The eligible lines do not reach the coupon's minimum.
    CouponBelowMinimum,
    /// The coupon does not combine with the grade discount, so it replaced it.
    CouponReplacesGrade,
    /// The balance is below the minimum for using points.
    PointsBalanceTooLow,
    /// Fewer points than requested were used (balance, share limit or step).
    PointsReduced,
    /// The use fell below the smallest use and was dropped.
    PointsBelowMinimum,
}

/// A free gift added to the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GiftGranted {
    /// Rule id.
    pub rule_id: i64,
    /// Gift SKU.
    pub gift_sku: SkuId,
}

/// The itemised result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    /// Per line.
    pub lines: Vec<LineTotal>,
    /// Σ line subtotals.
    pub items_subtotal: Won,
    /// Σ grade discounts.
    pub grade_discount: Won,
    /// Σ coupon discounts.
    pub coupon_discount: Won,
    /// Σ parcel fees.
    pub shipping_fee: Won,
    /// Remote-area surcharge (per box).
    pub remote_surcharge: Won,
    /// Points used.
    pub points_used: Won,
    /// What the shopper pays: Σ line totals + shipping + surcharge.
    pub total: Won,
    /// The tax-free part of `total`: Σ totals of tax-free lines (shipping is taxable). Gateways
    /// and receipts take it as `taxFreeAmount`.
    pub tax_free_amount: Won,
    /// The parcels (one per shipping profile in the order).
    pub parcels: Vec<Parcel>,
    /// Points earned when the purchase is confirmed.
    pub points_to_earn: Won,
    /// Gifts added.
    pub gifts: Vec<GiftGranted>,
    /// What was not applied as asked, and why.
    pub notices: Vec<Notice>,
}

/// Input pricing refuses outright.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    /// Nothing to buy.
    #[error("the cart is empty")]
    EmptyCart,
    /// A line with no units or a negative price.
    #[error("invalid line for SKU {0}")]
    InvalidLine(SkuId),
    /// Amounts beyond any real order.
    #[error("amounts overflow")]
    Overflow,
}

/// Splits `amount` over `weights` in proportion, floored, with the remainder going one won at a
/// time to the largest weights; never gives a line more than its weight. Σ result = amount when
/// amount ≤ Σ weights.
pub fn allocate(amount: Won, weights: &[Won]) -> Vec<Won> {
    let total: i128 = weights.iter().map(|w| i128::from(w.get().max(0))).sum();
    let amount = i128::from(amount.get().max(0)).min(total);
    if total == 0 || amount == 0 {
        return vec![Won::ZERO; weights.len()];
    }
    let mut shares: Vec<i128> = weights
        .iter()
        .map(|w| i128::from(w.get().max(0)) * amount / total)
        .collect();
    let mut left = amount - shares.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weights[i].get()));
    while left > 0 {
        let before = left;
        for &i in &order {
            if left == 0 {
                break;
            }
            if shares[i] < i128::from(weights[i].get().max(0)) {
                shares[i] += 1;
                left -= 1;
            }
        }
        if left == before {
            break;
        }
    }
    shares
        .into_iter()
        .map(|s| Won(i64::try_from(s).unwrap_or(i64::MAX)))
        .collect()
}

/// `amounts` less `discounts`, line by line.
fn less(amounts: &[Won], discounts: &[Won]) -> Vec<Won> {
    amounts
        .iter()
        .zip(discounts)
        .map(|(a, d)| *a - *d)
        .collect()
}

fn sum(values: impl IntoIterator<Item = Won>) -> Result<Won, PricingError> {
    values
        .into_iter()
        .try_fold(Won::ZERO, |acc, v| acc.checked_add(v))
        .ok_or(PricingError::Overflow)
}

/// Prices an order. Pure: same input, same breakdown.
pub fn price(input: &PricingInput<'_>) -> Result<Breakdown, PricingError> {
    if input.lines.is_empty() {
        return Err(PricingError::EmptyCart);
    }
    let mut notices = Vec::new();
    let grade = input.grade.unwrap_or_default();

    let mut subtotals = Vec::with_capacity(input.lines.len());
    for line in input.lines {
        if line.quantity == 0 || line.unit_price.get() < 0 {
            return Err(PricingError::InvalidLine(line.sku_id));
        }
        subtotals.push(
            line.unit_price
                .checked_mul(i64::from(line.quantity))
                .ok_or(PricingError::Overflow)?,
        );
    }
    // The grade discount on every line, then one coupon on the lines in its scope; a coupon
    // that does not combine with the grade discount replaces it when it applies.
    let plain_grade: Vec<Won> = subtotals.iter().map(|s| grade.discount.of(*s)).collect();
    let no_discount = vec![Won::ZERO; input.lines.len()];
    let (grade_discounts, coupon_discounts) = match input.coupon {
        None => (plain_grade, no_discount),
        Some(coupon) => {
            let (grade_kept, base) = if coupon.combines_with_grade {
                (plain_grade.clone(), less(&subtotals, &plain_grade))
            } else {
                (no_discount.clone(), subtotals.clone())
            };
            match coupon.discounts(input.lines, &base, input.now) {
                Ok(discounts) => {
                    if !coupon.combines_with_grade && plain_grade.iter().any(|g| *g > Won::ZERO) {
                        notices.push(Notice::CouponReplacesGrade);
                    }
                    (grade_kept, discounts)
                }
                Err(notice) => {
                    notices.push(notice);
                    (plain_grade, no_discount)
                }
            }
        }
    };
    let after_discounts = less(&less(&subtotals, &grade_discounts), &coupon_discounts);
    let items_after_discounts = sum(after_discounts.iter().copied())?;

    // Shipping: one parcel group per profile, each with its fee; the remote-area surcharge per
    // box, free parcels included (a free-shipping promise never covers the island leg).
    let mut parcels = parcels(input.shipping, input.lines, &after_discounts);
    if grade.free_shipping {
        for parcel in &mut parcels {
            parcel.fee = Won::ZERO;
            parcel.free_left = None;
        }
    }
    let shipping_fee = sum(parcels.iter().map(|p| p.fee))?;
    let boxes: i64 = parcels.iter().map(|p| i64::from(p.boxes)).sum();
    let remote = remote_surcharge(input.shipping, input.postcode)
        .get()
        .checked_mul(boxes)
        .map(Won)
        .ok_or(PricingError::Overflow)?;

    // Points: within the balance, the share limit and the step; only on items.
    let policy = input.points_policy;
    let requested = input.points_requested.max(Won::ZERO);
    let mut points_used = Won::ZERO;
    if requested > Won::ZERO {
        if input.points_balance < policy.min_balance {
            notices.push(Notice::PointsBalanceTooLow);
        } else {
            let mut usable = requested
                .min(input.points_balance)
                .min(policy.max_share.of(items_after_discounts));
            if policy.step.get() > 1 {
                usable = Won(usable.get() - usable.get() % policy.step.get());
            }
            if usable < policy.min_use || usable == Won::ZERO {
                notices.push(Notice::PointsBelowMinimum);
            } else {
                if usable < requested {
                    notices.push(Notice::PointsReduced);
                }
                points_used = usable;
            }
        }
    }
    let points_shares = allocate(points_used, &after_discounts);

    let lines: Vec<LineTotal> = input
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| LineTotal {
            sku_id: l.sku_id,
            subtotal: subtotals[i],
            grade_discount: grade_discounts[i],
            coupon_discount: coupon_discounts[i],
            points: points_shares[i],
            total: after_discounts[i] - points_shares[i],
        })
        .collect();
    let paid_for_items = sum(lines.iter().map(|l| l.total))?;
    let total = paid_for_items
        .checked_add(shipping_fee)
        .and_then(|t| t.checked_add(remote))
        .ok_or(PricingError::Overflow)?;

    let gifts = input
        .gift_rules
        .iter()
        .filter(|r| r.gift_stock > 0)
        .filter(|r| match &r.condition {
            GiftCondition::MinSpend(min) => items_after_discounts >= *min,
            GiftCondition::BuysProduct(p) => input.lines.iter().any(|l| l.product_id == *p),
        })
        .map(|r| GiftGranted {
            rule_id: r.id,
            gift_sku: r.gift_sku,
        })
        .collect();

    let tax_free_amount = sum(input
        .lines
        .iter()
        .zip(&lines)
        .filter(|(l, _)| l.tax_free)
        .map(|(_, t)| t.total))?;
    Ok(Breakdown {
        tax_free_amount,
        parcels,
        items_subtotal: sum(subtotals.iter().copied())?,
        grade_discount: sum(grade_discounts.iter().copied())?,
        coupon_discount: sum(coupon_discounts.iter().copied())?,
        points_to_earn: grade.point_rate.of(paid_for_items),
        lines,
        shipping_fee,
        remote_surcharge: remote,
        points_used,
        total,
        gifts,
        notices,
    })
}
