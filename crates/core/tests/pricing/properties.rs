//! Properties of pricing over generated carts, coupons and points.

use super::*;
use jangteo_core::Won;
use jangteo_core::ids::{CategoryId, ProductId, SkuId};
use jangteo_core::pricing::*;
use proptest::prelude::*;

fn arb_line() -> impl Strategy<Value = PricingLine> {
    (
        1i64..50,
        0i64..500_000,
        1u32..20,
        0i64..6,
        0i64..8_000,
        2i64..5,
        proptest::bool::ANY,
    )
        .prop_map(
            |(sku, unit, qty, profile, _fee, category, tax_free)| PricingLine {
                tax_free,
                sku_id: SkuId(sku),
                product_id: ProductId(sku % 7),
                category_ids: vec![CategoryId(category), CategoryId(1)],
                unit_price: Won(unit),
                quantity: qty,
                // None (default), 1–4, or 5: a profile that no longer exists.
                shipping_profile: (profile > 0).then_some(profile),
                ships: true,
            },
        )
}

fn arb_coupon() -> impl Strategy<Value = Option<Coupon>> {
    proptest::option::of(
        (
            0u8..2,
            0i64..200_000,
            0u32..12_000,
            proptest::option::of(0i64..50_000),
            0i64..100_000,
            0u8..3,
        )
            .prop_map(|(kind, amount, rate, cap, min, scope)| {
                let value = if kind == 0 {
                    CouponValue::Fixed(Won(amount))
                } else {
                    CouponValue::Percent {
                        rate: Rate(rate),
                        cap: cap.map(Won),
                    }
                };
                let scope = match scope {
                    0 => CouponScope::All,
                    1 => CouponScope::Products(vec![ProductId(1), ProductId(3)]),
                    _ => CouponScope::Categories(vec![CategoryId(2)]),
                };
                coupon(value, min, scope)
            }),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn invariants_hold_for_any_cart(
        lines in proptest::collection::vec(arb_line(), 1..8),
        grade in proptest::option::of((0u32..3_000, 0u32..1_000)),
        coupon in arb_coupon(),
        requested in 0i64..300_000,
        balance in 0i64..300_000,
        postcode in proptest::option::of(prop_oneof![Just("63100"), Just("06236"), Just("23110")]),
    ) {
        let policy = shipping();
        let mut i = input(&lines, &policy);
        i.grade = grade.map(|(d, p)| GradeBenefits { discount: Rate(d), point_rate: Rate(p), free_shipping: false });
        i.coupon = coupon.as_ref();
        i.points_requested = Won(requested);
        i.points_balance = Won(balance);
        i.postcode = postcode;
        let b = price(&i).unwrap();

        // No total below zero; no discount above its base.
        prop_assert!(b.total >= Won::ZERO);
        for (l, t) in lines.iter().zip(&b.lines) {
            prop_assert!(t.total >= Won::ZERO);
            prop_assert!(t.grade_discount <= t.subtotal);
            prop_assert!(t.coupon_discount <= t.subtotal - t.grade_discount);
            prop_assert!(t.points <= t.subtotal - t.grade_discount - t.coupon_discount);
            // Won rounding: the grade discount is the floored rate of the line, exactly.
            let rate = i.grade.map_or(0, |g| i64::from(g.discount.0));
            prop_assert_eq!(t.grade_discount.get(), t.subtotal.get() * rate / 10_000);
            prop_assert_eq!(t.subtotal, Won(l.unit_price.get() * i64::from(l.quantity)));
        }
        prop_assert!(b.points_used <= Won(balance) && b.points_used <= Won(requested));

        // Totals equal the sum of their lines.
        let s = |f: fn(&LineTotal) -> Won| Won(b.lines.iter().map(|l| f(l).get()).sum());
        prop_assert_eq!(b.items_subtotal, s(|l| l.subtotal));
        prop_assert_eq!(b.grade_discount, s(|l| l.grade_discount));
        prop_assert_eq!(b.coupon_discount, s(|l| l.coupon_discount));
        prop_assert_eq!(b.points_used, s(|l| l.points));
        prop_assert_eq!(b.total, s(|l| l.total) + b.shipping_fee + b.remote_surcharge);
        // The tax-free part is exactly the tax-free lines' totals, never the shipping.
        let tax_free: i64 = lines
            .iter()
            .zip(&b.lines)
            .filter(|(l, _)| l.tax_free)
            .map(|(_, t)| t.total.get())
            .sum();
        prop_assert_eq!(b.tax_free_amount, Won(tax_free));
        prop_assert!(b.tax_free_amount <= b.total - b.shipping_fee - b.remote_surcharge);
        // One parcel per profile; fees add up; the surcharge is per box.
        let mut ids: Vec<i64> = b.parcels.iter().map(|p| p.profile_id).collect();
        ids.sort_unstable();
        ids.dedup();
        prop_assert_eq!(ids.len(), b.parcels.len());
        prop_assert_eq!(b.shipping_fee, Won(b.parcels.iter().map(|p| p.fee.get()).sum()));
        let boxes: i64 = b.parcels.iter().map(|p| i64::from(p.boxes)).sum();
        let per_box = match postcode {
            Some("63100") => 3_000,
            Some("23110") => 5_000,
            _ => 0,
        };
        prop_assert_eq!(b.remote_surcharge, Won(per_box * boxes));
        prop_assert!(b.parcels.iter().all(|p| p.profile_id != 2 || p.fee == Won::ZERO));
        prop_assert_eq!(
            s(|l| l.total),
            b.items_subtotal - b.grade_discount - b.coupon_discount - b.points_used
        );
        // The coupon never exceeds its own cap or fixed amount.
        if let Some(c) = &coupon {
            match c.value {
                CouponValue::Fixed(a) => prop_assert!(b.coupon_discount <= a),
                CouponValue::Percent { cap: Some(cap), .. } => prop_assert!(b.coupon_discount <= cap),
                CouponValue::Percent { .. } => {}
            }
        }
        // Same input, same output.
        prop_assert_eq!(price(&i).unwrap(), b);
    }
}
