//! 현금영수증 (KOREAN-COMMERCE.md §1.5) through Toss Payments and PortOne (their fakes): the buyer
//! asks at checkout for a cash payment, the receipt is issued once paid and shown on the order
//! pages; ₩100,000 or more in cash is self-issued unasked; refunds reduce the receipt (PortOne,
//! which cancels receipts only whole, gets it cancelled and issued anew); a card never gets one.

use crate::checkout::{add, place, status_of};
use crate::escrow_payments::run_jobs;
use crate::portone_payments::portone_shop;
use crate::toss_payments::{order_and_payment, payment_page, toss_shop};
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, on_both_backends};

const GUEST: [(&str, &str); 2] = [
    ("guest_password", "guest1234"),
    ("guest_password_confirm", "guest1234"),
];

fn with_bank_account(c: &mut jangteo_app::Config) {
    c.checkout.bank_account.bank = "신한은행".into();
    c.checkout.bank_account.account = "110-123-456789".into();
    c.checkout.bank_account.holder = "장터".into();
}

async fn a_transfer_receipt_is_issued_then_reduced_by_a_refund(backend: Backend) {
    let Some((t, tshirt, fake, owner)) = toss_shop(backend, Some(with_bank_account)).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    add(&s, tshirt, 3).await;
    // A wrong number is refused in Korean and what was typed stays.
    let mut fields = vec![
        ("payment_method", "transfer"),
        ("cash_receipt", "business"),
        ("cash_receipt_number", "010-1234-5678"),
    ];
    fields.extend_from_slice(&GUEST);
    let refused = place(&s, &fields).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("사업자등록번호 10자리"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"010-1234-5678\""));

    fields[1] = ("cash_receipt", "personal");
    let placed = place(&s, &fields).await;
    let (number, attempt, amount) = payment_page(&s, &placed).await;
    let key = fake.authenticate(&attempt, "티셔츠", amount, "계좌이체");
    s.get(&format!(
        "/checkout/success?paymentKey={key}&orderId={attempt}&amount={amount}"
    ))
    .await;
    assert_eq!(status_of(&t, &number).await, "paid");
    run_jobs(&t).await;
    let receipt = fake.cash_receipt(&format!("{attempt}-cr0")).unwrap();
    assert_eq!(receipt["type"], "소득공제");
    assert_eq!(receipt["customerIdentityNumber"], "01012345678");
    assert_eq!(receipt["amount"], amount);
    let page = s.get(&format!("/orders/{number}")).await;
    assert!(
        page.body.contains("data-cash-receipt=\"issued\"") && page.body.contains("****5678"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("01012345678"), "the number is masked");

    // Staff cancel one of the three: the receipt shrinks by that share.
    let (order, _) = order_and_payment(&t, &number).await;
    let line = jangteo_db::orders::lines(&t.app.db, order.id)
        .await
        .unwrap()[0]
        .clone();
    let path = format!("/admin/orders/{number}/partial-cancel");
    let field = format!("units.{}", line.id);
    let one = owner
        .post(&path, &[(&field, "1"), ("reason", "품절")])
        .await;
    assert_eq!(one.status, 303, "{}", one.body);
    run_jobs(&t).await;
    let (_, payment) = order_and_payment(&t, &number).await;
    let receipt = fake.cash_receipt(&format!("{attempt}-cr0")).unwrap();
    assert_eq!(
        receipt["amount"],
        (payment.approved_amount - payment.cancelled_amount).get()
    );
    let admin = owner.get(&format!("/admin/orders/{number}")).await;
    assert!(
        admin.body.contains("id=\"order-cash-receipt\""),
        "{}",
        admin.body
    );
}

async fn cash_of_100000_is_self_issued_and_a_card_gets_none(backend: Backend) {
    let Some((t, tshirt, fake, owner)) = toss_shop(backend, Some(with_bank_account)).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    let short_sleeve = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "SS-WH-L")
        .await
        .unwrap()
        .unwrap();
    add(&s, short_sleeve, 6).await;
    let mut fields = vec![
        ("payment_method", "bank_deposit"),
        ("depositor_name", "김장터"),
        ("cash_receipt", "none"),
    ];
    fields.extend_from_slice(&GUEST);
    let placed = place(&s, &fields).await;
    assert_eq!(placed.status, 303, "{}", placed.body);
    let number = placed
        .location
        .unwrap()
        .trim_start_matches("/orders/")
        .trim_end_matches("/complete")
        .to_owned();
    let (order, payment) = order_and_payment(&t, &number).await;
    assert!(order.total.get() >= 100_000, "{}", order.total.get());
    let confirmed = owner
        .post(
            &format!("/admin/orders/{number}/action"),
            &[("action", "confirm_deposit")],
        )
        .await;
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    run_jobs(&t).await;
    let receipt = fake
        .cash_receipt(&format!("{}-cr0", payment.attempt_id))
        .expect("self-issued");
    assert_eq!(receipt["customerIdentityNumber"], "0100001234");
    let page = s.get(&format!("/orders/{number}")).await;
    assert!(page.body.contains("자진발급"), "{}", page.body);

    // A card payment ignores a receipt request.
    add(&s, tshirt, 2).await;
    let mut fields = vec![
        ("payment_method", "card"),
        ("cash_receipt", "personal"),
        ("cash_receipt_number", "01012345678"),
    ];
    fields.extend_from_slice(&GUEST);
    let placed = place(&s, &fields).await;
    let (number, attempt, amount) = payment_page(&s, &placed).await;
    let key = fake.authenticate(&attempt, "티셔츠", amount, "카드");
    s.get(&format!(
        "/checkout/success?paymentKey={key}&orderId={attempt}&amount={amount}"
    ))
    .await;
    run_jobs(&t).await;
    assert!(fake.cash_receipt(&format!("{attempt}-cr0")).is_none());
    let page = s.get(&format!("/orders/{number}")).await;
    assert!(!page.body.contains("id=\"order-cash-receipt\""));
}

async fn portone_reissues_a_reduced_receipt(backend: Backend) {
    let Some((t, tshirt, fake, owner)) = portone_shop(backend).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    add(&s, tshirt, 3).await;
    let mut fields = vec![
        ("payment_method", "virtual_account"),
        ("cash_receipt", "business"),
        ("cash_receipt_number", "123-45-67890"),
    ];
    fields.extend_from_slice(&GUEST);
    let placed = place(&s, &fields).await;
    assert_eq!(placed.status, 303, "{}", placed.body);
    let number = placed
        .location
        .unwrap()
        .trim_start_matches("/orders/")
        .trim_end_matches("/complete")
        .to_owned();
    let (order, payment) = order_and_payment(&t, &number).await;
    let paid = fake.deposit(&payment.attempt_id).unwrap();
    assert_eq!(crate::portone_payments::post_webhook(&t, &paid).await, 200);
    run_jobs(&t).await;
    let first = fake
        .cash_receipt(&format!("{}-cr0", payment.attempt_id))
        .unwrap();
    assert_eq!(first["type"], "CORPORATE");
    assert_eq!(first["customer"]["identityNumber"], "1234567890");
    assert_eq!(first["amount"]["total"], order.total.get());

    // A partial refund (to the account staff entered): PortOne cancels the receipt whole, and a
    // new one covers what is still paid.
    let action = format!("/admin/orders/{number}/action");
    let account = [
        ("action", "refund_account"),
        ("refund_bank", "88"),
        ("refund_number", "110-123-456789"),
        ("refund_holder", "김장터"),
    ];
    assert_eq!(owner.post(&action, &account).await.status, 303);
    let line = jangteo_db::orders::lines(&t.app.db, order.id)
        .await
        .unwrap()[0]
        .clone();
    let field = format!("units.{}", line.id);
    let one = owner
        .post(
            &format!("/admin/orders/{number}/partial-cancel"),
            &[(&field, "1"), ("reason", "품절")],
        )
        .await;
    assert_eq!(one.status, 303, "{}", one.body);
    run_jobs(&t).await;
    let (_, payment) = order_and_payment(&t, &number).await;
    let cancelled = fake
        .cash_receipt(&format!("{}-cr0", payment.attempt_id))
        .unwrap();
    assert_eq!(cancelled["status"], "CANCELLED");
    let second = fake
        .cash_receipt(&format!("{}-cr1", payment.attempt_id))
        .expect("issued anew");
    assert_eq!(second["status"], "ISSUED");
    assert_eq!(
        second["amount"]["total"],
        (payment.approved_amount - payment.cancelled_amount).get()
    );
}

on_both_backends!(
    a_transfer_receipt_is_issued_then_reduced_by_a_refund,
    cash_of_100000_is_self_issued_and_a_card_gets_none,
    portone_reissues_a_reduced_receipt,
);
