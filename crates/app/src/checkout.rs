//! Checkout: price the cart with the member's grade, a coupon and points (the pure
//! `core::pricing::price`), then place the order in one transaction that reserves stock with
//! conditional updates, snapshots the lines, redeems the coupon and spends the points.

use crate::cart::{CartLine, CartLineView};
use crate::catalog::CategoryTree;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use jangteo_core::Won;
use jangteo_core::digital::Contents;
use jangteo_core::ids::{CategoryId, ProductId, SkuId};
use jangteo_core::pricing::{
    self, Breakdown, Coupon, CouponScope, CouponValue, GiftCondition, GiftRule, GradeBenefits,
    PointsPolicy, PricingInput, PricingLine, Rate,
};
use jangteo_db::members::{GradeRow, MemberRow};
use jangteo_db::promotions::{self, CouponRow, GiftRuleRow};

/// What the shopper chose for discounts.
#[derive(Debug, Clone, Default)]
pub struct DiscountChoice {
    /// An issued coupon.
    pub coupon_id: Option<i64>,
    /// A typed coupon code (wins over `coupon_id` when both are given).
    pub coupon_code: Option<String>,
    /// Points to use.
    pub points: i64,
}

/// A priced cart.
#[derive(Debug, Clone)]
pub struct Quote {
    /// Every line with its problems (unorderable ones included, for display).
    pub lines: Vec<CartLineView>,
    /// The breakdown of the orderable lines (`None`: nothing orderable).
    pub breakdown: Option<Breakdown>,
    /// The coupon applied, if any.
    pub coupon: Option<CouponRow>,
    /// A typed code that matched no coupon.
    pub coupon_code_unknown: bool,
    /// Gifts added by the rules, as they will be ordered.
    pub gifts: Vec<GiftLine>,
    /// The member's grade.
    pub grade: Option<GradeRow>,
    /// Points balance.
    pub points_balance: i64,
    /// What the orderable lines hold: gift-card codes need no address and are bought alone.
    pub contents: Contents,
}

/// A free gift added to the order.
#[derive(Debug, Clone)]
pub struct GiftLine {
    /// The rule.
    pub rule_id: i64,
    /// The gift's SKU.
    pub sku_id: i64,
    /// Its SKU code.
    pub sku_code: String,
    /// Its product.
    pub product_id: i64,
    /// Product slug.
    pub product_slug: String,
    /// Product name.
    pub name: String,
    /// Option label.
    pub option_label: String,
}

/// The ids of a stored comma-separated list.
pub(crate) fn ids_in(stored: &str) -> Vec<i64> {
    stored
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// Converts a stored coupon for pricing.
pub(crate) fn coupon_for_pricing(c: &CouponRow, uses: i64) -> Coupon {
    let ids = ids_in(&c.scope_ids);
    Coupon {
        value: if c.kind == "percent" {
            CouponValue::Percent {
                rate: Rate(u32::try_from(c.rate_bp).unwrap_or(0)),
                cap: c.max_discount.map(Won),
            }
        } else {
            CouponValue::Fixed(Won(c.amount))
        },
        min_order: Won(c.min_order),
        scope: match c.scope.as_str() {
            "products" => CouponScope::Products(ids.into_iter().map(ProductId).collect()),
            "categories" => CouponScope::Categories(ids.into_iter().map(CategoryId).collect()),
            _ => CouponScope::All,
        },
        valid_from: c.valid_from,
        valid_until: c.valid_until,
        uses_left: u32::try_from((c.per_member_limit - uses).max(0)).unwrap_or(0),
        excluded_products: ids_in(&c.excluded_product_ids)
            .into_iter()
            .map(ProductId)
            .collect(),
        combines_with_grade: c.combines_with_grade,
    }
}

/// The lines that will be ordered: pricing, the order's contents and what it asks of the
/// buyer's 본인인증 all read these.
pub(crate) fn ordered_lines(views: &[CartLineView]) -> impl Iterator<Item = &CartLineView> + Clone {
    views.iter().filter(|v| v.orderable && v.order_quantity > 0)
}

/// What the order made of these lines would hold.
pub(crate) fn ordered_contents(views: &[CartLineView]) -> Contents {
    Contents::of(ordered_lines(views).map(|v| v.kind))
}

/// The orderable cart lines as pricing sees them.
fn pricing_lines(views: &[CartLineView], tree: &CategoryTree) -> Vec<PricingLine> {
    ordered_lines(views)
        .map(|v| PricingLine {
            sku_id: SkuId(v.sku_id),
            product_id: ProductId(v.product_id),
            category_ids: tree
                .path(CategoryId(v.category_id))
                .iter()
                .map(|n| n.id)
                .collect(),
            unit_price: Won(v.unit_price),
            quantity: u32::try_from(v.order_quantity).unwrap_or(u32::MAX),
            shipping_profile: v.shipping_profile_id,
            tax_free: v.is_tax_free,
            ships: v.kind.ships(),
        })
        .collect()
}

/// The free-gift rules as pricing sees them (a rule with no condition gives nothing).
fn gift_rules(rows: &[GiftRuleRow]) -> Vec<GiftRule> {
    rows.iter()
        .filter_map(|r| {
            let condition = match (r.min_spend, r.buy_product_id) {
                (Some(min), _) => GiftCondition::MinSpend(Won(min)),
                (None, Some(p)) => GiftCondition::BuysProduct(ProductId(p)),
                (None, None) => return None,
            };
            Some(GiftRule {
                id: r.id,
                gift_sku: SkuId(r.gift_sku_id),
                gift_stock: r.gift_stock,
                condition,
            })
        })
        .collect()
}

impl App {
    /// The shop's points rules.
    pub fn points_policy(&self) -> PointsPolicy {
        let c = &self.config.checkout;
        PointsPolicy {
            min_balance: Won(c.points_min_balance),
            min_use: Won(c.points_min_use),
            max_share: Rate(c.points_max_percent.min(100) * 100),
            step: Won(c.points_step),
        }
    }

    /// The member's grade.
    pub async fn grade_of(&self, member: &MemberRow) -> AppResult<Option<GradeRow>> {
        Ok(jangteo_db::members::grades(&self.db)
            .await?
            .into_iter()
            .find(|g| g.id == member.grade_id))
    }

    /// Coupons issued to the member that pricing could apply now (validity and uses checked).
    pub async fn usable_coupons(&self, member_id: i64) -> AppResult<Vec<CouponRow>> {
        let now = self.now();
        let mut out = Vec::new();
        for c in promotions::issued_to(&self.db, member_id).await? {
            let uses = promotions::uses(&self.db, c.id, member_id).await?;
            if c.valid_from <= now && now < c.valid_until && uses < c.per_member_limit {
                out.push(c);
            }
        }
        Ok(out)
    }

    async fn resolve_coupon(
        &self,
        member: Option<&MemberRow>,
        choice: &DiscountChoice,
    ) -> AppResult<(Option<CouponRow>, bool)> {
        let Some(member) = member else {
            return Ok((None, false));
        };
        if let Some(code) = choice
            .coupon_code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let found = match promotions::by_code(&self.db, &code.to_uppercase()).await? {
                Some(shared) => Some(shared),
                // A unique code is registered to the member as it is used.
                None => match self.register_coupon_code(member.id, code).await {
                    Ok(registered) => registered,
                    Err(AppError::Form(_)) => None,
                    Err(e) => return Err(e),
                },
            };
            let unknown = found.is_none();
            return Ok((found, unknown));
        }
        if let Some(id) = choice.coupon_id {
            let issued = promotions::issued_to(&self.db, member.id).await?;
            return Ok((issued.into_iter().find(|c| c.id == id), false));
        }
        Ok((None, false))
    }

    /// The gifts a breakdown earned, as the checkout shows them.
    async fn gift_lines(&self, b: &Breakdown) -> AppResult<Vec<GiftLine>> {
        let ids: Vec<i64> = b.gifts.iter().map(|g| g.gift_sku.get()).collect();
        let snaps = jangteo_db::catalog::stock::snapshots(&self.db, &ids).await?;
        let labels = crate::cart::sku_labels(self, &ids).await?;
        let mut gifts = Vec::new();
        for g in &b.gifts {
            if let Some(s) = snaps.iter().find(|s| s.sku_id == g.gift_sku.get()) {
                gifts.push(GiftLine {
                    rule_id: g.rule_id,
                    sku_id: s.sku_id,
                    sku_code: s.sku_code.clone(),
                    product_id: s.product_id,
                    product_slug: s.slug.clone(),
                    name: s.name.clone(),
                    option_label: labels.get(&s.sku_id).cloned().unwrap_or_default(),
                });
            }
        }
        Ok(gifts)
    }

    /// Prices the cart for checkout.
    pub async fn quote(
        &self,
        member: Option<&MemberRow>,
        lines: &[CartLine],
        choice: &DiscountChoice,
        postcode: Option<&str>,
        now: DateTime<Utc>,
    ) -> AppResult<Quote> {
        let views = self.view_cart_lines(lines).await?;
        let tree = self.category_tree().await?;
        let grade = match member {
            Some(m) => self.grade_of(m).await?,
            None => None,
        };
        let (coupon, coupon_code_unknown) = self.resolve_coupon(member, choice).await?;
        let core_coupon = match (&coupon, member) {
            (Some(c), Some(m)) => Some(coupon_for_pricing(
                c,
                promotions::uses(&self.db, c.id, m.id).await?,
            )),
            _ => None,
        };
        let pricing_lines = pricing_lines(&views, &tree);
        let contents = ordered_contents(&views);
        // Free gifts are goods that ship: a gift-card order (or a refused mix) gets none.
        let gift_rules = if contents == Contents::Goods {
            gift_rules(&promotions::gift_rules(&self.db).await?)
        } else {
            Vec::new()
        };
        let shipping = self.shipping_policy().await?;
        let points_balance = member.map_or(0, |m| m.points_balance);
        let benefits = contents.takes_member_benefits();
        let grade = grade.filter(|_| benefits);
        let core_coupon = core_coupon.filter(|_| benefits);
        let breakdown = if pricing_lines.is_empty() {
            None
        } else {
            let input = PricingInput {
                lines: &pricing_lines,
                grade: grade.as_ref().map(|g| GradeBenefits {
                    discount: Rate(u32::try_from(g.discount_bp).unwrap_or(0)),
                    point_rate: Rate(u32::try_from(g.point_bp).unwrap_or(0)),
                    free_shipping: g.free_shipping,
                }),
                coupon: core_coupon.as_ref(),
                points_requested: Won(if member.is_some() && benefits {
                    choice.points.max(0)
                } else {
                    0
                }),
                points_balance: Won(points_balance),
                points_policy: self.points_policy(),
                shipping: &shipping,
                postcode,
                gift_rules: &gift_rules,
                now,
            };
            Some(pricing::price(&input).map_err(|e| AppError::Invalid(e.to_string()))?)
        };
        let gifts = match &breakdown {
            Some(b) => self.gift_lines(b).await?,
            None => Vec::new(),
        };
        Ok(Quote {
            lines: views,
            breakdown,
            coupon: if core_coupon.is_some() { coupon } else { None },
            coupon_code_unknown,
            gifts,
            grade,
            points_balance,
            contents,
        })
    }

    /// When a deposit placed now must arrive.
    pub fn deposit_deadline(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + Duration::hours(self.config.checkout.deposit_hours.max(1))
    }
}
