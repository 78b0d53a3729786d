//! Members, sessions, carts, promotions, orders and payments repositories.

use chrono::{Duration, Utc};
use jangteo_db::catalog::stock;
use jangteo_db::members::{self, NewMember};
use jangteo_db::orders::{self, NewOrder, NewOrderEvent};
use jangteo_db::payments::{self, PaymentUpdate};
use jangteo_db::{carts, login_attempts, promotions, sessions};
use jangteo_testkit::{Backend, TestDb, app_on, fixtures, on_both_backends};

async fn member(t: &TestDb, email: &str) -> i64 {
    let mut tx = t.db.begin().await.unwrap();
    let id = members::insert(
        &mut tx,
        &NewMember {
            email,
            password_hash: "x",
            name: "김",
            mobile: "01012345678",
            marketing: false,
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    id
}

fn new_order<'a>(number: &'a str, token: &'a str, member: Option<i64>) -> NewOrder<'a> {
    NewOrder {
        number,
        member_id: member,
        guest_password_hash: None,
        checkout_token: token,
        status: "pending_payment",
        payment_method: "card",
        orderer_name: "김",
        orderer_mobile: "01012345678",
        orderer_email: "a@b.c",
        recipient_name: "김",
        recipient_mobile: "01012345678",
        postcode: "06236",
        address1: "서울",
        address2: "",
        delivery_memo: "",
        depositor_name: None,
        items_subtotal: 10_000,
        grade_discount: 0,
        coupon_discount: 0,
        shipping_fee: 3_000,
        remote_surcharge: 0,
        points_used: 0,
        total: 13_000,
        points_to_earn: 100,
        coupon_id: None,
        grade_code: None,
        deposit_deadline: None,
        channel: "pc",
        tax_free_amount: 0,
    }
}

async fn members_grades_resets_and_throttling_records(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let grades = members::grades(&t.db).await.unwrap();
    assert_eq!(
        grades.iter().map(|g| g.code.as_str()).collect::<Vec<_>>(),
        ["basic", "silver", "gold", "vip"]
    );
    let id = member(&t, "a@example.com").await;
    let m = members::find(&t.db, id).await.unwrap().unwrap();
    assert_eq!(m.grade_id, grades[0].id, "default grade");
    let mut tx = t.db.begin().await.unwrap();
    let dup = members::insert(
        &mut tx,
        &NewMember {
            email: "a@example.com",
            password_hash: "y",
            name: "",
            mobile: "",
            marketing: true,
        },
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(dup, None, "one account per e-mail");
    assert!(
        members::set_grade(&mut tx, id, "gold", "staff", "a@example.com", Utc::now())
            .await
            .unwrap()
    );
    assert!(
        !members::set_grade(&mut tx, id, "nope", "staff", "", Utc::now())
            .await
            .unwrap()
    );
    let now = Utc::now();
    members::insert_reset(&mut tx, id, "hash1", now + Duration::minutes(30), now)
        .await
        .unwrap();
    members::insert_reset(&mut tx, id, "hash2", now + Duration::minutes(30), now)
        .await
        .unwrap();
    assert_eq!(
        members::consume_reset(&mut tx, "hash1", now).await.unwrap(),
        Some(id)
    );
    assert_eq!(
        members::consume_reset(&mut tx, "hash1", now).await.unwrap(),
        None,
        "once"
    );
    assert_eq!(
        members::consume_reset(&mut tx, "hash2", now).await.unwrap(),
        None,
        "others spent too"
    );
    tx.commit().await.unwrap();

    let since = now - Duration::minutes(15);
    login_attempts::record(&t.db, "email:a", &["email:a", "ip:1"], false, now)
        .await
        .unwrap();
    login_attempts::record(
        &t.db,
        "email:a",
        &["email:a", "ip:1"],
        false,
        now + Duration::seconds(1),
    )
    .await
    .unwrap();
    assert_eq!(
        login_attempts::recent_failures(&t.db, "email:a", since)
            .await
            .unwrap(),
        2
    );
    login_attempts::record(
        &t.db,
        "email:a",
        &["email:a"],
        true,
        now + Duration::seconds(2),
    )
    .await
    .unwrap();
    assert_eq!(
        login_attempts::recent_failures(&t.db, "email:a", since)
            .await
            .unwrap(),
        0,
        "a success resets the account"
    );
    assert_eq!(
        login_attempts::recent_failures(&t.db, "ip:1", since)
            .await
            .unwrap(),
        2,
        "not the IP"
    );
    // A success makes its scope known; the owner's clearing removes only the account's failures.
    assert!(
        login_attempts::has_succeeded(&t.db, "email:a", since)
            .await
            .unwrap()
    );
    assert!(
        !login_attempts::has_succeeded(&t.db, "ip:1", since)
            .await
            .unwrap()
    );
    login_attempts::record(&t.db, "email:b", &["ip:1"], false, now)
        .await
        .unwrap();
    assert_eq!(
        login_attempts::clear_failures(&t.db, "email:a")
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        login_attempts::recent_failures(&t.db, "ip:1", since)
            .await
            .unwrap(),
        1,
        "another account's failures stay"
    );
    let later = now + Duration::days(40);
    login_attempts::prune(&t.db, later, now - Duration::days(1))
        .await
        .unwrap();
    assert!(
        login_attempts::has_succeeded(&t.db, "email:a", since)
            .await
            .unwrap(),
        "successes outlive failures"
    );
    assert_eq!(
        login_attempts::recent_failures(&t.db, "ip:1", since)
            .await
            .unwrap(),
        0
    );

    let mut tx = t.db.begin().await.unwrap();
    members::anonymise(&mut tx, id, Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    assert!(
        members::find_by_email(&t.db, "a@example.com")
            .await
            .unwrap()
            .is_none()
    );
    member(&t, "a@example.com").await;
}

async fn sessions_expire_and_carts_keep_lines(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let now = Utc::now();
    assert!(
        sessions::create(&t.db, "s1", "{}", now + Duration::hours(1))
            .await
            .unwrap()
    );
    assert!(
        !sessions::create(&t.db, "s1", "{}", now + Duration::hours(1))
            .await
            .unwrap()
    );
    sessions::save(&t.db, "s1", "{\"a\":1}", now + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(
        sessions::load(&t.db, "s1", now).await.unwrap().as_deref(),
        Some("{\"a\":1}")
    );
    assert_eq!(
        sessions::load(&t.db, "s1", now + Duration::hours(2))
            .await
            .unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        sessions::delete_expired(&t.db, now + Duration::hours(2))
            .await
            .unwrap(),
        1
    );

    let app = app_on(&t);
    fixtures::catalog(&app).await;
    let sku = stock::sku_id_by_code(&t.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    let id = member(&t, "c@example.com").await;
    let mut tx = t.db.begin().await.unwrap();
    carts::put(&mut tx, id, sku, 2, 9_000, false, now)
        .await
        .unwrap();
    carts::put(&mut tx, id, sku, 3, 8_000, false, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let items = carts::items(&t.db, id).await.unwrap();
    assert_eq!(
        (items[0].quantity, items[0].seen_unit_price),
        (3, 9_000),
        "the first seen price is kept"
    );
    let snap = stock::snapshots(&t.db, &[sku, 999_999]).await.unwrap();
    assert_eq!(snap.len(), 1);
    assert_eq!(snap[0].stock, 10);
}

async fn stock_points_and_coupons_never_go_below_zero(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let app = app_on(&t);
    fixtures::catalog(&app).await;
    let sku = stock::sku_id_by_code(&t.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    let now = Utc::now();
    let id = member(&t, "p@example.com").await;
    let mut tx = t.db.begin().await.unwrap();
    assert!(stock::reserve(&mut tx, sku, 10).await.unwrap());
    assert!(!stock::reserve(&mut tx, sku, 1).await.unwrap(), "sold out");
    stock::release(&mut tx, sku, 4).await.unwrap();
    assert!(
        promotions::add_points(&mut tx, id, 1_000, "signup", None, Some("k1"), now)
            .await
            .unwrap()
    );
    assert!(
        !promotions::add_points(&mut tx, id, 1_000, "signup", None, Some("k1"), now)
            .await
            .unwrap(),
        "dedupe"
    );
    assert!(
        !promotions::add_points(&mut tx, id, -1_001, "order_use", None, None, now)
            .await
            .unwrap(),
        "no negative balance"
    );
    assert!(
        promotions::add_points(&mut tx, id, -400, "order_use", None, None, now)
            .await
            .unwrap()
    );
    let order = orders::insert(
        &mut tx,
        &new_order("20261123-AAAAAA", "token-aaaaaaaaaaaaaaaa", Some(id)),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    let coupon = promotions::upsert_coupon(
        &mut tx,
        &promotions::NewCoupon {
            code: Some("C1"),
            name: "c",
            kind: "fixed",
            amount: 1_000,
            rate_bp: 0,
            max_discount: None,
            min_order: 0,
            scope: "all",
            scope_ids: "",
            valid_from: now - Duration::days(1),
            valid_until: now + Duration::days(1),
            per_member_limit: 1,
            issue_on_signup: false,
        },
        now,
    )
    .await
    .unwrap();
    assert!(
        promotions::redeem(&mut tx, coupon, id, order, 1_000, 1, now)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    assert_eq!(stock::stock_of(&t.db, sku).await.unwrap(), Some(4));
    assert_eq!(
        members::find(&t.db, id)
            .await
            .unwrap()
            .unwrap()
            .points_balance,
        600
    );
    let ledger = promotions::point_entries(&t.db, id, 10, 0).await.unwrap();
    assert_eq!(
        ledger
            .iter()
            .map(|e| (e.amount, e.balance_after))
            .collect::<Vec<_>>(),
        [(-400, 600), (1_000, 1_000)]
    );
    assert_eq!(promotions::uses(&t.db, coupon, id).await.unwrap(), 1);
    let mut tx = t.db.begin().await.unwrap();
    let other = orders::insert(
        &mut tx,
        &new_order("20261123-BBBBBB", "token-bbbbbbbbbbbbbbbb", Some(id)),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    assert!(
        !promotions::redeem(&mut tx, coupon, id, other, 1_000, 1, now)
            .await
            .unwrap(),
        "limit reached"
    );
    promotions::release_redemption(&mut tx, order, now)
        .await
        .unwrap();
    assert!(
        promotions::redeem(&mut tx, coupon, id, other, 1_000, 1, now)
            .await
            .unwrap(),
        "released use counts no more"
    );
    tx.commit().await.unwrap();
}

async fn orders_and_payments_change_state_once(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let now = Utc::now();
    let mut tx = t.db.begin().await.unwrap();
    let id = orders::insert(
        &mut tx,
        &new_order("20261123-CCCCCC", "token-cccccccccccccccc", None),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        orders::insert(
            &mut tx,
            &new_order("20261123-DDDDDD", "token-cccccccccccccccc", None),
            now
        )
        .await
        .unwrap(),
        None,
        "one order per token"
    );
    orders::add_event(
        &mut tx,
        id,
        &NewOrderEvent {
            event: "placed",
            from: None,
            to: "pending_payment",
            actor: "buyer",
            note: "",
        },
        now,
    )
    .await
    .unwrap();
    assert!(
        orders::transition(&mut tx, id, "pending_payment", "paid", now)
            .await
            .unwrap()
    );
    assert!(
        !orders::transition(&mut tx, id, "pending_payment", "cancelled", now)
            .await
            .unwrap(),
        "not in that state any more"
    );
    let payment = payments::insert(
        &mut tx,
        id,
        "test",
        "card",
        "20261123-CCCCCC-1",
        13_000,
        now,
    )
    .await
    .unwrap();
    assert!(
        payments::record_event(
            &mut tx,
            "test",
            "confirm:1",
            Some(payment),
            "confirm",
            "{}",
            now
        )
        .await
        .unwrap()
    );
    assert!(
        !payments::record_event(
            &mut tx,
            "test",
            "confirm:1",
            Some(payment),
            "confirm",
            "{}",
            now
        )
        .await
        .unwrap(),
        "replay"
    );
    let done = PaymentUpdate {
        status: "done",
        payment_key: Some("pk"),
        approved_amount: Some(13_000),
        ..Default::default()
    };
    assert!(
        payments::update(&mut tx, payment, "ready", &done, now)
            .await
            .unwrap()
    );
    assert!(
        !payments::update(&mut tx, payment, "ready", &done, now)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let o = orders::find_by_number(&t.db, "20261123-CCCCCC")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(o.status, "paid");
    assert!(o.paid_at.is_some());
    let p = payments::find_by_key(&t.db, "test", "pk")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((p.status.as_str(), p.approved_amount), ("done", 13_000));
    assert_eq!(payments::count_events(&t.db, payment).await.unwrap(), 1);
    assert_eq!(orders::events(&t.db, id).await.unwrap().len(), 1);
}

on_both_backends!(
    members_grades_resets_and_throttling_records,
    sessions_expire_and_carts_keep_lines,
    stock_points_and_coupons_never_go_below_zero,
    orders_and_payments_change_state_once,
    claims_are_filed_counted_and_move_once
);

async fn claims_are_filed_counted_and_move_once(backend: Backend) {
    use jangteo_core::claims::{ClaimKind, ClaimStatus};
    use jangteo_db::claims::{self, NewClaim};
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let app = app_on(&t);
    let catalog = fixtures::catalog(&app).await;
    let sku = stock::sku_id_by_code(&t.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    let now = Utc::now();
    let mut tx = t.db.begin().await.unwrap();
    let order = orders::insert(
        &mut tx,
        &new_order("20261203-CLAIM1", "token-claim-111111111", None),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    orders::insert_line(
        &mut tx,
        order,
        &orders::NewOrderLine {
            sku_id: sku,
            product_id: catalog.tshirt.get(),
            product_name: "티셔츠",
            product_slug: "tshirt",
            option_label: "",
            sku_code: "TSHIRT",
            unit_price: 5_000,
            quantity: 2,
            subtotal: 10_000,
            grade_discount: 0,
            coupon_discount: 0,
            points: 0,
            total: 10_000,
            is_gift: false,
            gift_rule_id: None,
            is_tax_free: false,
        },
    )
    .await
    .unwrap();
    let line = orders::lines_in(&mut tx, order).await.unwrap()[0].id;
    let claim = claims::insert(
        &mut tx,
        &NewClaim {
            order_id: order,
            kind: ClaimKind::Defect,
            resolution: "return",
            reason: "솔기가 터져 왔어요",
            discovered_at: Some(now - Duration::days(1)),
            deadline_at: now + Duration::days(180),
            override_reason: None,
            filed_by: "buyer",
            lines: &[(line, 1)],
        },
        now,
    )
    .await
    .unwrap();
    assert_eq!(claims::claimed_units(&mut tx, line).await.unwrap(), 1);
    tx.commit().await.unwrap();

    let row = claims::find(&t.db, claim).await.unwrap().unwrap();
    assert_eq!(
        (row.status.as_str(), row.kind.as_str()),
        ("requested", "defect")
    );
    assert!(!row.buyer_pays_return, "the seller pays for a defect");
    assert_eq!(claims::lines(&t.db, claim).await.unwrap(), vec![(line, 1)]);
    assert_eq!(claims::for_order(&t.db, order).await.unwrap().len(), 1);
    assert_eq!(claims::count_waiting(&t.db).await.unwrap(), 1);
    let (requested, total) = claims::list(&t.db, Some(ClaimStatus::Requested), 10, 0)
        .await
        .unwrap();
    assert_eq!((requested.len(), total), (1, 1));
    assert_eq!(
        claims::list(&t.db, Some(ClaimStatus::Refunded), 10, 0)
            .await
            .unwrap()
            .1,
        0
    );

    let mut tx = t.db.begin().await.unwrap();
    assert!(
        !claims::transition(
            &mut tx,
            claim,
            ClaimStatus::Requested,
            ClaimStatus::Refunded,
            None,
            None,
            now
        )
        .await
        .unwrap(),
        "the state machine refuses a refund before collection"
    );
    assert!(
        claims::transition(
            &mut tx,
            claim,
            ClaimStatus::Requested,
            ClaimStatus::Rejected,
            Some("사용 흔적"),
            None,
            now
        )
        .await
        .unwrap()
    );
    assert!(
        !claims::transition(
            &mut tx,
            claim,
            ClaimStatus::Requested,
            ClaimStatus::Approved,
            None,
            None,
            now
        )
        .await
        .unwrap(),
        "moved once"
    );
    assert_eq!(
        claims::claimed_units(&mut tx, line).await.unwrap(),
        0,
        "rejected claims free the units"
    );
    tx.commit().await.unwrap();
    let row = claims::find(&t.db, claim).await.unwrap().unwrap();
    assert_eq!(row.status, "rejected");
    assert_eq!(row.reject_reason.as_deref(), Some("사용 흔적"));
    assert_eq!(claims::count_waiting(&t.db).await.unwrap(), 0);
}
