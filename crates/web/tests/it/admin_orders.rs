//! Back-office orders: filters and paging, masked lists, the audited detail view, state changes
//! (and refused ones), staff memos and the packing slip; on SQLite and PostgreSQL.

use crate::checkout::{add, pay, place, shop, sign_up};
use jangteo_db::audit::AuditFilter;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

async fn audited(t: &TestApp, action: &str, target: &str) -> Vec<jangteo_db::audit::AuditRow> {
    jangteo_db::audit::search(
        &t.app.db,
        &AuditFilter {
            action_prefix: action.into(),
            target_id: target.into(),
            ..Default::default()
        },
        20,
        0,
    )
    .await
    .unwrap()
    .0
}

async fn staff_find_process_and_annotate_orders(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "buyer@example.com").await;
    add(&buyer, tshirt, 1).await;
    let paid = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    add(&buyer, tshirt, 2).await;
    let second = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;

    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    let (marketer, _) = staff_session(&t, "mkt@example.com", "marketing").await;

    // The list: both orders, personal data masked; filters narrow it.
    let list = cs.get("/admin/orders").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains(&paid) && list.body.contains(&second));
    assert!(list.body.contains("김*터") && list.body.contains("010-****-5678"));
    assert!(
        !list.body.contains("010-1234-5678"),
        "no full phone in lists"
    );
    let by_number = cs
        .get(&format!("/admin/orders?q={}", &paid[..12]))
        .await
        .body;
    assert!(by_number.contains(&paid) && !by_number.contains(&second));
    let by_phone = cs.get("/admin/orders?q=5678").await.body;
    assert!(by_phone.contains(&paid) && by_phone.contains(&second));
    let by_name = cs.get("/admin/orders?q=%EC%9D%B4%EC%88%98").await.body; // "이수": recipient
    assert!(by_name.contains(&paid));
    let nobody = cs.get("/admin/orders?q=%25").await.body;
    assert!(
        nobody.contains("조건에 맞는 주문이 없습니다"),
        "% is not a wildcard"
    );
    let cancelled = cs.get("/admin/orders?status=cancelled").await.body;
    assert!(!cancelled.contains(&paid));
    let future = cs.get("/admin/orders?from=2099-01-01").await.body;
    assert!(!future.contains(&paid));
    let paged = cs.get("/admin/orders?page=2").await;
    assert_eq!(paged.status, 200);

    // The detail view shows the buyer in full to CS and is logged.
    let detail = cs.get(&format!("/admin/orders/{paid}")).await;
    assert_eq!(detail.status, 200);
    assert!(detail.body.contains("010-1234-5678") && detail.body.contains("buyer@example.com"));
    assert_eq!(audited(&t, "order.view", &paid).await.len(), 1);
    // Marketing reads orders masked and cannot change them.
    let masked = marketer.get(&format!("/admin/orders/{paid}")).await;
    assert_eq!(masked.status, 200);
    assert!(!masked.body.contains("010-1234-5678") && !masked.body.contains("ship-form"));
    let refused = marketer
        .post(
            &format!("/admin/orders/{paid}/action"),
            &[("action", "prepare")],
        )
        .await;
    assert_eq!(refused.status, 403);

    // State changes: an illegal one is refused; a bad waybill names the field; shipping works.
    let early = cs
        .post(
            &format!("/admin/orders/{paid}/action"),
            &[("action", "deliver")],
        )
        .await;
    assert_eq!(early.status, 409);
    let bad = cs
        .post(
            &format!("/admin/orders/{paid}/action"),
            &[("action", "ship"), ("carrier", "cj"), ("waybill", "abc")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("송장번호는 숫자"));
    assert!(bad.body.contains("value=\"abc\""), "typed waybill kept");
    for (action, extra) in [
        ("prepare", vec![]),
        (
            "ship",
            vec![("carrier", "cj"), ("waybill", "6543 2109 8765")],
        ),
        ("deliver", vec![]),
    ] {
        let mut form = vec![("action", action)];
        form.extend(extra);
        let done = cs
            .post(&format!("/admin/orders/{paid}/action"), &form)
            .await;
        assert_eq!(done.status, 303, "{action}: {}", done.body);
    }
    let order = jangteo_db::orders::find_by_number(&t.app.db, &paid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status, "delivered");
    assert_eq!(order.waybill.as_deref(), Some("654321098765"));
    let ship = audited(&t, "order.ship", &paid).await;
    assert_eq!(ship.len(), 1);
    assert!(
        ship[0]
            .before_data
            .as_deref()
            .unwrap()
            .contains("preparing")
    );
    assert!(
        ship[0]
            .after_data
            .as_deref()
            .unwrap()
            .contains("654321098765")
    );

    // Cancelling the other order refunds it and releases the stock.
    let cancel = cs
        .post(
            &format!("/admin/orders/{second}/action"),
            &[("action", "cancel"), ("reason", "재고 부족")],
        )
        .await;
    assert_eq!(cancel.status, 303, "{}", cancel.body);
    let cancelled = audited(&t, "order.cancel", &second).await;
    assert_eq!(cancelled[0].reason, "재고 부족");
    let page = cs.get(&format!("/admin/orders/{second}")).await.body;
    assert!(page.contains("취소"));

    // Memos: only staff see them; each is audited.
    let empty = cs
        .post(&format!("/admin/orders/{paid}/memos"), &[("memo", " ")])
        .await;
    assert_eq!(empty.status, 422);
    let memo = cs
        .post(
            &format!("/admin/orders/{paid}/memos"),
            &[("memo", "고객 요청: 문 앞에 놓아 주세요")],
        )
        .await;
    assert_eq!(memo.status, 303);
    assert!(
        cs.get(&format!("/admin/orders/{paid}"))
            .await
            .body
            .contains("고객 요청: 문 앞에 놓아 주세요")
    );
    assert!(
        !buyer
            .get(&format!("/orders/{paid}"))
            .await
            .body
            .contains("문 앞에 놓아"),
        "the buyer never sees staff memos"
    );
    assert_eq!(audited(&t, "order.memo", &paid).await.len(), 1);

    // The packing slip: recipient, items, no prices.
    let slip = cs.get(&format!("/admin/orders/{paid}/slip")).await;
    assert_eq!(slip.status, 200);
    assert!(slip.body.contains("이수령") && slip.body.contains("티셔츠"));
    assert!(!slip.body.contains("9,900원"), "no prices on the slip");
    assert_eq!(cs.get("/admin/orders/20200101-AAAAAA").await.status, 404);
}

on_both_backends!(staff_find_process_and_annotate_orders);
