//! 구매안전서비스 through PortOne's escrow (its fake follows docs/PROVIDERS.md §3.1): the owner
//! makes escrow the default and enters the 확인증 link (shown in every footer; the dashboard warns
//! while cash methods are on without it); a transfer paid in escrow has its carrier and waybill
//! registered with PortOne when staff ship it, and completes when the buyer confirms the purchase.

use crate::portone_payments::{portone_shop, url_query};
use crate::toss_payments::order_and_payment;
use jangteo_jobs::{Worker, WorkerConfig};
use jangteo_testkit::fake_portone::*;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, TestApp, on_both_backends};

const CERTIFICATE: &str = "https://pg.example.com/escrow/certificate?mid=jangteo";

/// Runs every job that is due (the shop's worker, once).
pub(crate) async fn run_jobs(t: &TestApp) {
    Worker::new(
        t.app.db.clone(),
        t.app.job_handlers(),
        WorkerConfig::new("default"),
    )
    .run_due()
    .await
    .unwrap();
}

/// The owner's escrow settings, keeping PortOne's stored keys (blank secrets keep them).
async fn owner_sets_escrow(owner: &Shopper, certificate: &str) {
    let saved = owner
        .post(
            "/admin/settings/payments",
            &[
                ("provider", "portone"),
                ("portone_store_id", PORTONE_STORE_ID),
                ("portone_channel_key", PORTONE_CHANNEL_KEY),
                ("escrow_default", "on"),
                ("escrow_certificate_url", certificate),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
}

/// A guest pays a T-shirt by transfer in escrow (ticked by the owner's default) through
/// PortOne's window: the order number and its payment.
async fn pay_escrow_transfer(
    t: &TestApp,
    s: &Shopper,
    fake: &FakePortOne,
    tshirt: i64,
) -> (String, jangteo_db::payments::PaymentRow) {
    crate::checkout::add(s, tshirt, 1).await;
    let checkout = s.get("/checkout?guest=1").await;
    assert!(
        checkout
            .body
            .contains("name=\"escrow\" value=\"on\" id=\"escrow\" checked"),
        "escrow ticked by the owner's default: {}",
        checkout.body
    );
    let mut fields = vec![("payment_method", "transfer"), ("escrow", "on")];
    fields.extend_from_slice(&[
        ("guest_password", "guest1234"),
        ("guest_password_confirm", "guest1234"),
    ]);
    let placed = crate::checkout::place(s, &fields).await;
    assert_eq!(placed.status, 303, "{}", placed.body);
    let number = placed
        .location
        .unwrap()
        .trim_start_matches("/checkout/pay/")
        .to_owned();
    let (_, payment) = order_and_payment(t, &number).await;
    assert!(payment.escrow);
    let page = s.get(&format!("/checkout/pay/{number}")).await;
    let params = crate::toss_payments::window_params_of(&page.body);
    assert_eq!(params["isEscrow"], true);
    let query = url_query(&[("params", &params.to_string())]);
    s.get(&format!("{}/window?{query}", fake.base_url)).await;
    let back = s
        .post(
            &format!("{}/window/{}/approve", fake.base_url, payment.attempt_id),
            &[],
        )
        .await
        .location
        .unwrap();
    s.get(&back).await;
    assert_eq!(crate::checkout::status_of(t, &number).await, "paid");
    (number, payment)
}

async fn an_escrow_transfer_is_registered_on_shipping_and_completed_on_confirmation(
    backend: Backend,
) {
    let Some((t, tshirt, fake, owner)) = portone_shop(backend).await else {
        return;
    };
    let dashboard = owner.get("/admin/settings").await;
    assert!(
        dashboard
            .body
            .contains("구매안전서비스 이용확인증이 등록되지 않았습니다"),
        "cash methods without escrow are flagged: {}",
        dashboard.body
    );
    let wrong = owner
        .post(
            "/admin/settings/payments",
            &[
                ("provider", "portone"),
                ("escrow_certificate_url", "javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    owner_sets_escrow(&owner, CERTIFICATE).await;
    let dashboard = owner.get("/admin/settings").await;
    assert!(!dashboard.body.contains("이용확인증이 등록되지 않았습니다"));

    let s = Shopper::new(&t.base_url);
    let home = s.get("/").await;
    assert!(
        home.body.contains("구매안전서비스를 이용하실 수 있습니다")
            && home.body.contains(CERTIFICATE),
        "the footer shows the notice with the certificate link"
    );
    let (number, payment) = pay_escrow_transfer(&t, &s, &fake, tshirt).await;
    let detail = s.get(&format!("/orders/{number}")).await;
    assert!(
        detail.body.contains("data-escrow=\"held\""),
        "{}",
        detail.body
    );

    crate::claim_steps::deliver(&owner, &number).await;
    run_jobs(&t).await;
    let held = fake.payment(&payment.attempt_id).unwrap().escrow;
    assert_eq!(
        held,
        Some(("REGISTERED".into(), "CJ".into(), "654321098765".into())),
        "the carrier and waybill went to PortOne"
    );
    let admin = owner.get(&format!("/admin/orders/{number}")).await;
    assert!(
        admin.body.contains("data-escrow=\"shipped\""),
        "{}",
        admin.body
    );

    let confirmed = s.post(&format!("/orders/{number}/confirm"), &[]).await;
    assert_eq!(confirmed.status, 303);
    run_jobs(&t).await;
    assert_eq!(
        fake.payment(&payment.attempt_id).unwrap().escrow.unwrap().0,
        "CONFIRMED"
    );
    let (_, payment) = order_and_payment(&t, &number).await;
    assert!(payment.escrow_completed_at.is_some());
    run_jobs(&t).await;
    let detail = s.get(&format!("/orders/{number}")).await;
    assert!(detail.body.contains("data-escrow=\"completed\""));
}

on_both_backends!(an_escrow_transfer_is_registered_on_shipping_and_completed_on_confirmation);
