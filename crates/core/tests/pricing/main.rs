//! Pricing rules by example, and their invariants over generated carts.

mod properties;

use chrono::{Duration, TimeZone, Utc};
use jangteo_core::Won;
use jangteo_core::ids::{CategoryId, ProductId, SkuId};
use jangteo_core::pricing::*;

pub(crate) fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap()
}

pub(crate) fn line(sku: i64, product: i64, category: i64, unit: i64, qty: u32) -> PricingLine {
    PricingLine {
        sku_id: SkuId(sku),
        product_id: ProductId(product),
        category_ids: vec![CategoryId(category), CategoryId(1)],
        unit_price: Won(unit),
        quantity: qty,
        shipping_profile: None,
        tax_free: false,
        ships: true,
    }
}

/// Profiles: 1 default (3,000원, free from 50,000원), 2 free, 3 fixed 5,000원, 4 2,500원 per
/// two units.
pub(crate) fn shipping() -> ShippingPolicy {
    let default_rule = ShippingRule::FreeOver {
        fee: Won(3_000),
        threshold: Won(50_000),
    };
    let rule = |id, rule| ShippingProfileRule { id, rule };
    ShippingPolicy {
        profiles: vec![
            rule(1, default_rule),
            rule(2, ShippingRule::Free),
            rule(3, ShippingRule::Fixed { fee: Won(5_000) }),
            rule(
                4,
                ShippingRule::PerQuantity {
                    fee: Won(2_500),
                    units: 2,
                },
            ),
        ],
        default_rule,
        default_profile: 1,
        remote_areas: vec![
            RemoteArea {
                from: 63000,
                to: 63644,
                surcharge: Won(3_000),
            }, // 제주
            RemoteArea {
                from: 23100,
                to: 23116,
                surcharge: Won(5_000),
            }, // 옹진 islands
        ],
    }
}

pub(crate) fn points_policy() -> PointsPolicy {
    PointsPolicy {
        min_balance: Won(1_000),
        min_use: Won(1_000),
        max_share: Rate(5_000),
        step: Won(10),
    }
}

pub(crate) fn input<'a>(lines: &'a [PricingLine], policy: &'a ShippingPolicy) -> PricingInput<'a> {
    PricingInput {
        lines,
        grade: None,
        coupon: None,
        points_requested: Won::ZERO,
        points_balance: Won::ZERO,
        points_policy: points_policy(),
        shipping: policy,
        postcode: None,
        gift_rules: &[],
        now: now(),
    }
}

pub(crate) fn coupon(value: CouponValue, min_order: i64, scope: CouponScope) -> Coupon {
    Coupon {
        value,
        min_order: Won(min_order),
        scope,
        valid_from: now() - Duration::days(1),
        valid_until: now() + Duration::days(1),
        uses_left: 1,
        excluded_products: Vec::new(),
        combines_with_grade: true,
    }
}

#[test]
fn a_plain_cart_pays_items_plus_the_base_fee_below_the_threshold() {
    let policy = shipping();
    let lines = [line(1, 10, 2, 19_900, 2)];
    let b = price(&input(&lines, &policy)).unwrap();
    assert_eq!(
        (b.items_subtotal, b.shipping_fee, b.total),
        (Won(39_800), Won(3_000), Won(42_800))
    );
    let lines = [line(1, 10, 2, 25_000, 2)];
    assert_eq!(
        price(&input(&lines, &policy)).unwrap().shipping_fee,
        Won::ZERO,
        "50,000 ships free"
    );
}

#[test]
fn grade_discount_is_floored_per_line_and_points_are_earned_on_what_is_paid() {
    let policy = shipping();
    let lines = [line(1, 10, 2, 19_990, 1), line(2, 11, 2, 33_333, 1)];
    let mut i = input(&lines, &policy);
    i.grade = Some(GradeBenefits {
        discount: Rate(300),
        point_rate: Rate(100),
        free_shipping: false,
    });
    let b = price(&i).unwrap();
    // 3 % of 19,990 = 599.7 → 599; of 33,333 = 999.99 → 999.
    assert_eq!(b.lines[0].grade_discount, Won(599));
    assert_eq!(b.lines[1].grade_discount, Won(999));
    assert_eq!(b.grade_discount, Won(1_598));
    assert_eq!(b.points_to_earn, Won((19_990 + 33_333 - 1_598) / 100));
}

#[test]
fn a_coupon_skips_excluded_products_and_may_replace_the_grade_discount() {
    let policy = shipping();
    let lines = [line(1, 10, 2, 30_000, 1), line(2, 11, 2, 20_000, 1)];
    let mut i = input(&lines, &policy);
    i.grade = Some(GradeBenefits {
        discount: Rate(500),
        point_rate: Rate(0),
        free_shipping: false,
    });
    let mut ten_percent = coupon(
        CouponValue::Percent {
            rate: Rate(1_000),
            cap: None,
        },
        0,
        CouponScope::All,
    );
    ten_percent.excluded_products = vec![ProductId(11)];
    i.coupon = Some(&ten_percent);
    let b = price(&i).unwrap();
    // The grade's 5 % on both, then 10 % of 28,500 on the first only.
    assert_eq!(b.grade_discount, Won(1_500 + 1_000));
    assert_eq!(
        (b.lines[0].coupon_discount, b.lines[1].coupon_discount),
        (Won(2_850), Won::ZERO)
    );
    assert!(b.notices.is_empty());

    // Not with the grade discount: 10 % of the full 30,000, and no grade discount at all.
    let alone = Coupon {
        combines_with_grade: false,
        ..ten_percent.clone()
    };
    i.coupon = Some(&alone);
    let b = price(&i).unwrap();
    assert_eq!(
        (b.grade_discount, b.coupon_discount),
        (Won::ZERO, Won(3_000))
    );
    assert_eq!(b.notices, [Notice::CouponReplacesGrade]);

    // A coupon that does not apply leaves the grade discount alone.
    let nothing_left = Coupon {
        excluded_products: vec![ProductId(10), ProductId(11)],
        ..alone.clone()
    };
    i.coupon = Some(&nothing_left);
    let b = price(&i).unwrap();
    assert_eq!(
        (b.grade_discount, b.coupon_discount),
        (Won(2_500), Won::ZERO)
    );
    assert_eq!(b.notices, [Notice::CouponNotApplicable]);
}

#[test]
fn coupons_respect_scope_minimum_cap_period_and_uses() {
    let policy = shipping();
    let lines = [line(1, 10, 2, 30_000, 1), line(2, 11, 3, 20_000, 1)];
    let mut i = input(&lines, &policy);

    let only_category_2 = coupon(
        CouponValue::Percent {
            rate: Rate(1_000),
            cap: Some(Won(2_500)),
        },
        10_000,
        CouponScope::Categories(vec![CategoryId(2)]),
    );
    i.coupon = Some(&only_category_2);
    let b = price(&i).unwrap();
    assert_eq!(
        (b.lines[0].coupon_discount, b.lines[1].coupon_discount),
        (Won(2_500), Won::ZERO),
        "10 % of 30,000 capped at 2,500"
    );

    let fixed = coupon(CouponValue::Fixed(Won(5_000)), 0, CouponScope::All);
    i.coupon = Some(&fixed);
    let b = price(&i).unwrap();
    assert_eq!(b.coupon_discount, Won(5_000));
    assert_eq!(
        b.lines[0].coupon_discount + b.lines[1].coupon_discount,
        Won(5_000)
    );
    assert_eq!(
        b.lines[0].coupon_discount,
        Won(3_000),
        "allocated in proportion"
    );

    let too_big_minimum = coupon(CouponValue::Fixed(Won(5_000)), 60_000, CouponScope::All);
    i.coupon = Some(&too_big_minimum);
    let b = price(&i).unwrap();
    assert_eq!(
        (b.coupon_discount, b.notices.as_slice()),
        (Won::ZERO, [Notice::CouponBelowMinimum].as_slice())
    );

    let mut expired = fixed.clone();
    expired.valid_until = now();
    i.coupon = Some(&expired);
    assert_eq!(price(&i).unwrap().notices, [Notice::CouponExpired]);
    let mut used = fixed.clone();
    used.uses_left = 0;
    i.coupon = Some(&used);
    assert_eq!(price(&i).unwrap().notices, [Notice::CouponUsedUp]);
    let elsewhere = coupon(
        CouponValue::Fixed(Won(1_000)),
        0,
        CouponScope::Products(vec![ProductId(99)]),
    );
    i.coupon = Some(&elsewhere);
    assert_eq!(price(&i).unwrap().notices, [Notice::CouponNotApplicable]);

    let huge = coupon(CouponValue::Fixed(Won(1_000_000)), 0, CouponScope::All);
    i.coupon = Some(&huge);
    let b = price(&i).unwrap();
    assert_eq!(
        b.coupon_discount,
        Won(50_000),
        "never more than the eligible amount"
    );
    assert_eq!(
        b.total,
        Won(3_000),
        "the discount drops the order below the free-shipping threshold"
    );
}

#[test]
fn points_obey_balance_share_step_and_minimum() {
    let policy = shipping();
    let lines = [line(1, 10, 2, 40_000, 1)];
    let mut i = input(&lines, &policy);
    i.points_balance = Won(30_000);
    i.points_requested = Won(30_000);
    let b = price(&i).unwrap();
    assert_eq!(b.points_used, Won(20_000), "at most 50 % of the items");
    assert_eq!(b.notices, [Notice::PointsReduced]);
    assert_eq!(b.total, Won(40_000 - 20_000 + 3_000));

    i.points_requested = Won(1_555);
    assert_eq!(
        price(&i).unwrap().points_used,
        Won(1_550),
        "rounded down to the step"
    );
    i.points_requested = Won(900);
    let b = price(&i).unwrap();
    assert_eq!(
        (b.points_used, b.notices.as_slice()),
        (Won::ZERO, [Notice::PointsBelowMinimum].as_slice())
    );
    i.points_balance = Won(999);
    i.points_requested = Won(999);
    assert_eq!(price(&i).unwrap().notices, [Notice::PointsBalanceTooLow]);
}

#[test]
fn shipping_profiles_make_parcels_and_remote_areas_charge_per_box() {
    let policy = shipping();
    let with = |sku, profile, unit, qty| {
        let mut l = line(sku, sku + 10, 2, unit, qty);
        l.shipping_profile = profile;
        l
    };
    let free = with(1, Some(2), 10_000, 1);
    let lines = [free.clone()];
    let mut i = input(&lines, &policy);
    i.postcode = Some("63100");
    let b = price(&i).unwrap();
    assert_eq!(
        (b.shipping_fee, b.remote_surcharge),
        (Won::ZERO, Won(3_000)),
        "free shipping, but the Jeju surcharge still applies to the parcel"
    );

    // The default, the free and the fixed profile: three parcels, two fees, three surcharges.
    let lines = [
        free,
        with(2, Some(3), 10_000, 1),
        with(3, None, 10_000, 1),
        with(5, Some(3), 7_000, 2),
    ];
    let mut i = input(&lines, &policy);
    i.postcode = Some("63100");
    let b = price(&i).unwrap();
    assert_eq!(b.parcels.len(), 3, "lines of one profile ship together");
    assert_eq!(b.shipping_fee, Won(3_000 + 5_000));
    assert_eq!(b.remote_surcharge, Won(3 * 3_000), "제주, per parcel");
    // A grade with free shipping ships every parcel free; the island leg is still charged.
    let mut vip = i.clone();
    vip.grade = Some(GradeBenefits {
        free_shipping: true,
        ..GradeBenefits::default()
    });
    let free_for_vip = price(&vip).unwrap();
    assert_eq!(free_for_vip.shipping_fee, Won::ZERO);
    assert_eq!(free_for_vip.remote_surcharge, Won(3 * 3_000));
    assert!(free_for_vip.parcels.iter().all(|p| p.free_left.is_none()));
    assert_eq!(
        b.parcels
            .iter()
            .find(|p| p.profile_id == 1)
            .unwrap()
            .free_left,
        Some(Won(40_000)),
        "how much more makes the default parcel free"
    );
    i.postcode = Some("23105");
    assert_eq!(price(&i).unwrap().remote_surcharge, Won(3 * 5_000));
    i.postcode = Some("06236");
    assert_eq!(price(&i).unwrap().remote_surcharge, Won::ZERO);
    i.postcode = Some("6310");
    assert_eq!(
        price(&i).unwrap().remote_surcharge,
        Won::ZERO,
        "not a postcode"
    );

    // Per quantity: five units at 2,500원 per two units started ship in three boxes.
    let lines = [with(4, Some(4), 1_000, 3), with(6, Some(4), 1_000, 2)];
    let mut i = input(&lines, &policy);
    i.postcode = Some("23110");
    let b = price(&i).unwrap();
    assert_eq!((b.parcels.len(), b.parcels[0].boxes), (1, 3));
    assert_eq!(b.shipping_fee, Won(7_500));
    assert_eq!(b.remote_surcharge, Won(15_000), "옹진 islands, three boxes");

    // An unknown profile (deleted meanwhile) ships under the default one.
    let lines = [with(7, Some(99), 60_000, 1)];
    let b = price(&input(&lines, &policy)).unwrap();
    assert_eq!((b.parcels[0].profile_id, b.shipping_fee), (1, Won::ZERO));
}

#[test]
fn gift_card_codes_need_no_parcel_nor_surcharge() {
    let policy = shipping();
    let mut code = line(1, 11, 2, 9_500, 2);
    code.ships = false;
    let lines = [code];
    let mut i = input(&lines, &policy);
    i.postcode = Some("63100");
    let b = price(&i).unwrap();
    assert!(b.parcels.is_empty());
    assert_eq!(
        (b.shipping_fee, b.remote_surcharge, b.total),
        (Won::ZERO, Won::ZERO, Won(19_000))
    );
}

#[test]
fn gifts_while_stock_lasts() {
    let policy = shipping();
    let lines = [line(1, 10, 2, 30_000, 2)];
    let rules = [
        GiftRule {
            id: 1,
            gift_sku: SkuId(900),
            gift_stock: 5,
            condition: GiftCondition::MinSpend(Won(50_000)),
        },
        GiftRule {
            id: 2,
            gift_sku: SkuId(901),
            gift_stock: 0,
            condition: GiftCondition::MinSpend(Won(1)),
        },
        GiftRule {
            id: 3,
            gift_sku: SkuId(902),
            gift_stock: 9,
            condition: GiftCondition::BuysProduct(ProductId(10)),
        },
        GiftRule {
            id: 4,
            gift_sku: SkuId(903),
            gift_stock: 9,
            condition: GiftCondition::BuysProduct(ProductId(77)),
        },
    ];
    let mut i = input(&lines, &policy);
    i.gift_rules = &rules;
    let ids: Vec<i64> = price(&i).unwrap().gifts.iter().map(|g| g.rule_id).collect();
    assert_eq!(ids, [1, 3]);
}

#[test]
fn bad_carts_are_refused() {
    let policy = shipping();
    assert_eq!(price(&input(&[], &policy)), Err(PricingError::EmptyCart));
    let lines = [line(1, 10, 2, 1_000, 0)];
    assert_eq!(
        price(&input(&lines, &policy)),
        Err(PricingError::InvalidLine(SkuId(1)))
    );
    let lines = [line(1, 10, 2, i64::MAX / 2, 3)];
    assert_eq!(price(&input(&lines, &policy)), Err(PricingError::Overflow));
}

#[test]
fn allocation_is_exact_and_bounded() {
    assert_eq!(
        allocate(Won(100), &[Won(1), Won(1), Won(1)]),
        [Won(1), Won(1), Won(1)]
    );
    assert_eq!(allocate(Won(10), &[Won(30), Won(10)]), [Won(8), Won(2)]);
    assert_eq!(
        allocate(Won(1), &[Won(5), Won(5)])
            .iter()
            .map(|w| w.get())
            .sum::<i64>(),
        1
    );
    assert_eq!(allocate(Won(5), &[Won(0), Won(0)]), [Won::ZERO, Won::ZERO]);
}
