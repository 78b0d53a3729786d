//! What a return gives back, and the end of an order whose every unit came back; on SQLite and
//! PostgreSQL.
//! - The buyer's claim form quotes the refund with each deduction (return shipping, the
//!   outbound shipping kept on a change of mind) and requotes as the choice changes.
//! - Staff see the quote before refunding; the claim shows the refund as made.
//! - A defect return of everything gives back the whole payment, shipping included, and the
//!   order ends as 반품완료 in the shop, the back-office list and the export, with nothing left
//!   to confirm or claim.

use crate::checkout::shop;
use crate::claim_steps::{bought, deliver};
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

async fn a_return_is_quoted_then_shown_as_made(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let (buyer, number, order, line) = bought(&t, tshirt, "quoted@example.com", 2).await;
    let (staff, _) = staff_session(&t, "owner@example.com", "owner").await;
    deliver(&staff, &number).await;
    assert!(
        order.shipping_fee.get() > 0,
        "the fixture order pays shipping"
    );

    // The form starts with both units chosen: a change of mind keeps the delivery paid.
    let form = buyer
        .get(&format!("/orders/{number}/claims/new"))
        .await
        .body;
    assert!(form.contains("예상 환불 금액") && form.contains("data-quote-url"));
    assert!(form.contains("id=\"refund-quote-shipping-kept\""), "{form}");
    let half = jangteo_core::refund::share_of_units(line.total.get(), 2, 0, 1);
    let quote = buyer
        .get(&format!(
            "/orders/{number}/claims/quote?kind=change_of_mind&resolution=return&units_{}=1",
            line.id
        ))
        .await;
    assert_eq!(quote.status, 200);
    let expected = jangteo_core::Won(half - 3_000).grouped();
    assert!(
        quote.body.contains("반품 배송비 (고객 부담)"),
        "{}",
        quote.body
    );
    assert!(
        quote
            .body
            .contains(&format!("id=\"refund-quote-amount\">{expected}원")),
        "{}",
        quote.body
    );
    assert!(
        !quote.body.contains("refund-quote-shipping-kept"),
        "one unit stays: nothing to say about the delivery"
    );
    let stranger = Shopper::new(&t.url(""));
    let refused = stranger
        .get(&format!(
            "/orders/{number}/claims/quote?units_{}=1",
            line.id
        ))
        .await;
    assert_ne!(refused.status, 200, "only the buyer sees the quote");
    let (marketing, _) = staff_session(&t, "marketing@example.com", "marketing").await;
    for path in ["quote", "new"] {
        let page = marketing
            .get(&format!("/admin/orders/{number}/claims/{path}"))
            .await;
        assert_eq!(page.status, 403, "marketing only reads orders: {path}");
    }

    // Staff file it, see the same figures, and refund with the return fee kept.
    let claim = file_change_of_mind(&t, &number, line.id).await;
    let path = format!("/admin/claims/{claim}");
    for step in ["approve", "collected"] {
        assert_eq!(staff.post(&path, &[("action", step)]).await.status, 303);
    }
    let screen = staff.get(&path).await.body;
    assert!(screen.contains(&format!("id=\"refund-quote-amount\">{expected}원")));
    let refunded = staff
        .post(&path, &[("action", "refund"), ("deduction", "3000")])
        .await;
    assert_eq!(refunded.status, 303, "{}", refunded.body);
    let made = staff.get(&path).await.body;
    assert!(made.contains("id=\"claim-refund\"") && made.contains("반품 배송비 차감"));
    assert!(made.contains("다시 판매 (재고에 더함)") || made.contains("재고에 더하지 않음"));
    let page = buyer.get(&format!("/orders/{number}")).await.body;
    assert!(page.contains(&format!("refund-settled__amount\">{expected}원")));
    assert!(page.contains("반품 배송비 차감"));
    assert!(page.contains("class=\"order-confirm\""), "one unit left");
}

/// A change of mind for one unit, filed by staff for the buyer.
async fn file_change_of_mind(t: &TestApp, number: &str, line: i64) -> i64 {
    t.app
        .staff_file_claim(
            &jangteo_app::auth::StaffActor::system("test"),
            number,
            &jangteo_app::claims::ClaimForm {
                kind: "change_of_mind".into(),
                resolution: "return".into(),
                reason: "생각보다 색이 어두워요".into(),
                units: vec![(line, 1)],
                ..Default::default()
            },
        )
        .await
        .unwrap()
}

async fn a_fully_returned_order_ends_as_returned(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let (buyer, number, order, line) = bought(&t, tshirt, "returner@example.com", 1).await;
    let (staff, _) = staff_session(&t, "owner@example.com", "owner").await;
    deliver(&staff, &number).await;
    let claim = crate::claim_steps::staff_files_a_defect(&t, &number, line.id, 1).await;
    let claim_path = format!("/admin/claims/{claim}");
    for step in ["approve", "collected"] {
        assert_eq!(
            staff.post(&claim_path, &[("action", step)]).await.status,
            303
        );
    }
    let whole = order.total.grouped();
    let screen = staff.get(&claim_path).await.body;
    assert!(
        screen.contains("배송비 환불"),
        "the shop's fault: shipping back too"
    );
    assert!(screen.contains(&format!("id=\"refund-quote-amount\">{whole}원")));
    let refund = [("action", "refund"), ("deduction", "0")];
    assert_eq!(staff.post(&claim_path, &refund).await.status, 303);

    let payment = jangteo_db::payments::latest_for_order(&t.app.db, order.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(payment.cancelled_amount, order.total, "the whole payment");
    let page = buyer.get(&format!("/orders/{number}")).await.body;
    assert!(page.contains("id=\"order-status\">반품완료"), "{page}");
    assert!(page.contains("환불 완료") && page.contains("1개 반품됨"));
    assert!(!page.contains("class=\"order-confirm\"") && !page.contains("id=\"claim-link\""));
    let confirm = buyer.post(&format!("/orders/{number}/confirm"), &[]).await;
    assert_eq!(confirm.status, 303);
    assert!(
        !buyer
            .get(&format!("/orders/{number}"))
            .await
            .body
            .contains("적립금이 지급되었습니다")
    );
    back_office_shows_it_returned(&staff, &number).await;
}

/// The owner's list filters 반품완료 and the export says it.
async fn back_office_shows_it_returned(staff: &Shopper, number: &str) {
    let list = staff.get("/admin/orders?status=returned").await.body;
    assert!(list.contains(number) && list.contains("status-badge--returned"));
    assert!(
        !staff
            .get("/admin/orders?status=delivered")
            .await
            .body
            .contains(number)
    );
    let csv = staff.get("/admin/orders.csv?status=returned").await.body;
    let row = csv.lines().find(|l| l.contains(number)).expect("exported");
    assert!(row.contains("반품완료"), "{row}");
}

on_both_backends!(a_return_is_quoted_then_shown_as_made);
on_both_backends!(a_fully_returned_order_ends_as_returned);
