//! Members, sessions, carts, promotions, orders and payments repositories.

use chrono::{DateTime, Duration, Utc};
use jangteo_core::Won;
use jangteo_core::ids::OrderId;
use jangteo_core::order::OrderStatus;
use jangteo_core::order::PaymentStatus::{Done, Ready};
use jangteo_core::payment::PaymentMethod;
use jangteo_db::catalog::stock;
use jangteo_db::members::{self, NewMember};
use jangteo_db::orders::{self, NewOrder, NewOrderEvent, NewOrderLine};
use jangteo_db::payments::{self, PaymentUpdate};
use jangteo_db::{Db, Tx, promotions};
use jangteo_testkit::{Backend, TestDb, app_on, fixtures, on_both_backends};

pub(crate) async fn member(t: &TestDb, email: &str) -> i64 {
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

pub(crate) fn new_order<'a>(number: &'a str, token: &'a str, member: Option<i64>) -> NewOrder<'a> {
    NewOrder {
        number,
        member_id: member,
        guest_password_hash: None,
        checkout_token: token,
        status: OrderStatus::PendingPayment,
        payment_method: PaymentMethod::Card,
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
        items_subtotal: Won(10_000),
        grade_discount: Won(0),
        coupon_discount: Won(0),
        shipping_fee: Won(3_000),
        remote_surcharge: Won(0),
        points_used: 0,
        total: Won(13_000),
        points_to_earn: 100,
        coupon_id: None,
        grade_code: None,
        deposit_deadline: None,
        channel: "pc",
        tax_free_amount: Won(0),
    }
}

/// A line of `quantity` T-shirts at `unit` each, no discount.
pub(crate) fn tshirt_line(
    sku: i64,
    product: i64,
    unit: i64,
    quantity: i64,
) -> NewOrderLine<'static> {
    NewOrderLine {
        sku_id: sku,
        product_id: product,
        product_name: "티셔츠",
        product_slug: "tshirt",
        option_label: "",
        sku_code: "TSHIRT",
        unit_price: Won(unit),
        quantity,
        subtotal: Won(unit * quantity),
        grade_discount: Won(0),
        coupon_discount: Won(0),
        points: 0,
        total: Won(unit * quantity),
        is_gift: false,
        gift_rule_id: None,
        is_tax_free: false,
    }
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
    reserve_and_release_stock(&mut tx, sku).await;
    earn_and_spend_points(&mut tx, id, now).await;
    let (order, coupon) = redeem_coupon_on_order(&mut tx, id, now).await;
    tx.commit().await.unwrap();
    check_stock_points_and_coupon_use(&t.db, sku, id, coupon).await;
    check_released_coupon_use_counts_no_more(&t.db, id, order, coupon, now).await;
}

/// Reserves all ten T-shirts, is refused one more and releases four.
async fn reserve_and_release_stock(tx: &mut Tx, sku: i64) {
    assert!(stock::reserve(tx, sku, 10).await.unwrap());
    assert!(!stock::reserve(tx, sku, 1).await.unwrap(), "sold out");
    stock::release(tx, sku, 4).await.unwrap();
}

/// Earns points once per key and spends them, never below zero.
async fn earn_and_spend_points(tx: &mut Tx, id: i64, now: DateTime<Utc>) {
    assert!(
        promotions::add_points(tx, id, 1_000, "signup", None, Some("k1"), now)
            .await
            .unwrap()
    );
    assert!(
        !promotions::add_points(tx, id, 1_000, "signup", None, Some("k1"), now)
            .await
            .unwrap(),
        "dedupe"
    );
    assert!(
        !promotions::add_points(tx, id, -1_001, "order_use", None, None, now)
            .await
            .unwrap(),
        "no negative balance"
    );
    assert!(
        promotions::add_points(tx, id, -400, "order_use", None, None, now)
            .await
            .unwrap()
    );
}

/// Places an order and redeems a one-per-member coupon on it.
async fn redeem_coupon_on_order(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> (OrderId, i64) {
    let order = orders::insert(
        tx,
        &new_order("20261123-AAAAAA", "token-aaaaaaaaaaaaaaaa", Some(id)),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    let coupon = promotions::upsert_coupon(
        tx,
        &promotions::CouponInput {
            code: Some("C1"),
            name: "c",
            kind: "fixed",
            amount: 1_000,
            rate_bp: 0,
            max_discount: None,
            min_order: 0,
            scope: "all",
            scope_ids: "",
            excluded_product_ids: "",
            valid_from: now - Duration::days(1),
            valid_until: now + Duration::days(1),
            per_member_limit: 1,
            issue_on_signup: false,
            combines_with_grade: true,
            issue_after_first_purchase: false,
            issue_on_birthday: false,
        },
        now,
    )
    .await
    .unwrap();
    assert!(
        promotions::redeem(tx, coupon, id, order, Won(1_000), 1, now)
            .await
            .unwrap()
    );
    (order, coupon)
}

/// Reads back the stock, the points balance and ledger and the coupon's uses.
async fn check_stock_points_and_coupon_use(db: &Db, sku: i64, id: i64, coupon: i64) {
    assert_eq!(stock::stock_of(db, sku).await.unwrap(), Some(4));
    assert_eq!(
        members::find(db, id).await.unwrap().unwrap().points_balance,
        600
    );
    let ledger = promotions::point_entries(db, id, 10, 0).await.unwrap();
    assert_eq!(
        ledger
            .iter()
            .map(|e| (e.amount, e.balance_after))
            .collect::<Vec<_>>(),
        [(-400, 600), (1_000, 1_000)]
    );
    assert_eq!(promotions::uses(db, coupon, id).await.unwrap(), 1);
}

/// A second order hits the coupon's limit until the first order's use is released.
async fn check_released_coupon_use_counts_no_more(
    db: &Db,
    id: i64,
    order: OrderId,
    coupon: i64,
    now: DateTime<Utc>,
) {
    let mut tx = db.begin().await.unwrap();
    let other = orders::insert(
        &mut tx,
        &new_order("20261123-BBBBBB", "token-bbbbbbbbbbbbbbbb", Some(id)),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    assert!(
        !promotions::redeem(&mut tx, coupon, id, other, Won(1_000), 1, now)
            .await
            .unwrap(),
        "limit reached"
    );
    promotions::release_redemption(&mut tx, order, now)
        .await
        .unwrap();
    assert!(
        promotions::redeem(&mut tx, coupon, id, other, Won(1_000), 1, now)
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
    let id = place_order_once_per_token(&mut tx, now).await;
    let payment = pay_once_and_record_events_once(&mut tx, id, now).await;
    tx.commit().await.unwrap();
    check_paid_order_and_payment(&t.db, id, payment).await;
}

/// Places an order (one per checkout token), logs its event and pays it once.
async fn place_order_once_per_token(tx: &mut Tx, now: DateTime<Utc>) -> OrderId {
    let id = orders::insert(
        tx,
        &new_order("20261123-CCCCCC", "token-cccccccccccccccc", None),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        orders::insert(
            tx,
            &new_order("20261123-DDDDDD", "token-cccccccccccccccc", None),
            now
        )
        .await
        .unwrap(),
        None,
        "one order per token"
    );
    orders::add_event(
        tx,
        id,
        &NewOrderEvent {
            event: "placed",
            from: None,
            to: OrderStatus::PendingPayment,
            actor: "buyer",
            note: "",
        },
        now,
    )
    .await
    .unwrap();
    assert!(
        orders::transition(tx, id, OrderStatus::PendingPayment, OrderStatus::Paid, now)
            .await
            .unwrap()
    );
    assert!(
        !orders::transition(
            tx,
            id,
            OrderStatus::PendingPayment,
            OrderStatus::Cancelled,
            now
        )
        .await
        .unwrap(),
        "not in that state any more"
    );
    id
}

/// Starts a payment, records its confirm event once and completes it once.
async fn pay_once_and_record_events_once(tx: &mut Tx, id: OrderId, now: DateTime<Utc>) -> i64 {
    let new = payments::NewPayment {
        order_id: id,
        provider: "test",
        method: PaymentMethod::Card,
        attempt_id: "20261123-CCCCCC-1",
        amount: Won(13_000),
        escrow: false,
    };
    let payment = payments::insert(tx, &new, now).await.unwrap();
    assert!(
        payments::record_event(tx, "test", "confirm:1", Some(payment), "confirm", "{}", now)
            .await
            .unwrap()
    );
    assert!(
        !payments::record_event(tx, "test", "confirm:1", Some(payment), "confirm", "{}", now)
            .await
            .unwrap(),
        "replay"
    );
    let done = PaymentUpdate {
        payment_key: Some("pk"),
        approved_amount: Some(Won(13_000)),
        ..Default::default()
    };
    assert!(
        payments::update(tx, payment, (Ready, Done), &done, now)
            .await
            .unwrap()
    );
    assert!(
        !payments::update(tx, payment, (Ready, Done), &done, now)
            .await
            .unwrap()
    );
    payment
}

/// Reads back the paid order, the done payment and the one event of each.
async fn check_paid_order_and_payment(db: &Db, id: OrderId, payment: i64) {
    let o = orders::find_by_number(db, "20261123-CCCCCC")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(o.status, jangteo_core::order::OrderStatus::Paid);
    assert!(o.paid_at.is_some());
    let p = payments::find_by_key(db, "test", "pk")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (p.status.as_str(), p.approved_amount),
        ("done", Won(13_000))
    );
    assert_eq!(payments::count_events(db, payment).await.unwrap(), 1);
    assert_eq!(orders::events(db, id).await.unwrap().len(), 1);
}

on_both_backends!(
    stock_points_and_coupons_never_go_below_zero,
    orders_and_payments_change_state_once,
);
