//! A return of a virtual-account order: staff see a to-do until the refund account is entered,
//! and enter it on the order page as the buyer told them (audited without the number). The
//! refund itself goes the one refund path, whose account hand-over `toss_payments` checks.

use crate::checkout::order_number_in;
use crate::claim_steps::{deliver, post_claim};
use crate::toss_payments::{deposit_arrives, guest_order, order_and_payment, toss_shop};
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, on_both_backends};

async fn staff_enter_the_refund_account_of_a_return(backend: Backend) {
    let Some((t, tshirt, fake, owner)) = toss_shop(backend, None).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    let placed = guest_order(&s, tshirt, "virtual_account").await;
    let number = order_number_in(&placed.location.clone().unwrap());
    let (order, _) = order_and_payment(&t, &number).await;
    assert_eq!(deposit_arrives(&t, &fake, &number).await, 200);
    deliver(&owner, &number).await;
    let line = jangteo_db::orders::lines(&t.app.db, order.id)
        .await
        .unwrap()[0]
        .id;
    let units = format!("units_{line}");
    let fields = [
        ("kind", "change_of_mind"),
        ("resolution", "return"),
        ("reason", "사이즈가 맞지 않아요"),
        (units.as_str(), "1"),
    ];
    let (status, _, body) =
        post_claim(&t, &s, &format!("/orders/{number}/claims"), &fields, &[]).await;
    assert_eq!(status, 303, "{body}");

    // The dashboard's to-do leads to the order.
    let dashboard = owner.get("/admin").await;
    assert!(
        dashboard
            .body
            .contains(&format!("/admin/orders/{number}#refund-account")),
        "{}",
        dashboard.body
    );
    let action = format!("/admin/orders/{number}/action");
    let saved = owner
        .post(
            &action,
            &[
                ("action", "refund_account"),
                ("refund_bank", "88"),
                ("refund_number", "110-123-456789"),
                ("refund_holder", "김장터"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = owner.get(&format!("/admin/orders/{number}")).await;
    assert!(page.body.contains("…6789") && page.body.contains("신한은행"));
    assert!(
        !owner.get("/admin").await.body.contains("#refund-account"),
        "the to-do is done"
    );
    let (entries, _) = jangteo_db::audit::search(&t.app.db, &Default::default(), 50, 0)
        .await
        .unwrap();
    let entry = entries
        .iter()
        .find(|e| e.action == "order.refund_account")
        .expect("audited");
    assert!(
        !format!("{entry:?}").contains("110123456789"),
        "the audit keeps no number"
    );
    assert!(!format!("{entries:?}").contains("110123456789"));
}

on_both_backends!(staff_enter_the_refund_account_of_a_return);
