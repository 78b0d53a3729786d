//! Everything bought came back: the buyer's order shows the units as returned and offers no 구매
//! 확정, which is refused anyway (nothing is left to confirm); a confirmation that grants points
//! says so, one that grants none does not; on SQLite and PostgreSQL.

use crate::checkout::shop;
use crate::claim_steps::{bought, deliver};
use jangteo_testkit::shopper::staff_session;
use jangteo_testkit::{Backend, on_both_backends};

async fn a_fully_returned_order_has_nothing_to_confirm(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let (buyer, number, _, line) = bought(&t, tshirt, "returner@example.com", 1).await;
    let (staff, _) = staff_session(&t, "owner@example.com", "owner").await;
    deliver(&staff, &number).await;
    let claim = crate::claim_steps::staff_files_a_defect(&t, &number, line.id, 1).await;
    let claim_path = format!("/admin/claims/{claim}");
    for form in [
        vec![("action", "approve")],
        vec![("action", "collected")],
        vec![("action", "refund"), ("deduction", "0")],
    ] {
        assert_eq!(staff.post(&claim_path, &form).await.status, 303);
    }

    let page = buyer.get(&format!("/orders/{number}")).await.body;
    assert!(page.contains("data-returned=\"1\"") && page.contains("1개 반품됨"));
    assert!(
        !page.contains("class=\"order-confirm\""),
        "no 구매 확정 to press"
    );
    let confirm = buyer.post(&format!("/orders/{number}/confirm"), &[]).await;
    assert_eq!(confirm.status, 303);
    let after = buyer.get(&format!("/orders/{number}")).await.body;
    assert!(
        after.contains("구매 확정할 상품이 없습니다"),
        "refused, said so"
    );
    assert!(!after.contains("적립금이 지급되었습니다"));
}

on_both_backends!(a_fully_returned_order_has_nothing_to_confirm);
