//! The KakaoPay adapter against the fake KakaoPay, which follows docs/PROVIDERS.md §2 strictly.

use chrono::{Duration, Utc};
use jangteo_core::Won;
use jangteo_providers::messaging::http_client;
use jangteo_providers::payments::*;
use jangteo_testkit::fake_kakaopay::{FakeKakaoPay, KAKAOPAY_CID, KAKAOPAY_SECRET};

fn kakaopay(fake: &FakeKakaoPay, secret: &str) -> KakaoPay {
    let config = KakaoPayConfig {
        api_base: fake.base_url.clone(),
        cid: KAKAOPAY_CID.into(),
        secret_key: secret.into(),
    };
    KakaoPay::new(http_client(), config)
}

fn request(attempt: &str, mobile: bool) -> PaymentRequest {
    PaymentRequest {
        attempt_id: attempt.into(),
        order_name: "니트 카디건".into(),
        amount: Won(30_000),
        method: PayMethod::KakaoPay,
        customer_name: "김장터".into(),
        customer_email: String::new(),
        customer_mobile: String::new(),
        success_url: "http://127.0.0.1:1/checkout/success".into(),
        approval_url: format!("http://127.0.0.1:1/checkout/approve/{attempt}"),
        fail_url: "http://127.0.0.1:1/checkout/fail".into(),
        deposit_deadline: Utc::now() + Duration::days(3),
        mobile,
        escrow: false,
    }
}

fn code_of(e: PaymentError) -> String {
    match e {
        PaymentError::Rejected { code, .. } => code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Starts a payment and approves it in the fake's window: (tid, pg_token).
async fn approved(fake: &FakeKakaoPay, gateway: &KakaoPay, attempt: &str) -> (String, String) {
    let PaymentStart::Redirect { url, payment_key } =
        gateway.start(&request(attempt, true)).await.unwrap()
    else {
        panic!("KakaoPay redirects to its window");
    };
    assert!(
        url.contains("device=mobile"),
        "a phone gets the mobile window: {url}"
    );
    let tid = payment_key.expect("the tid is kept from ready");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let back = client
        .post(format!("{}/window/{tid}/approve", fake.base_url))
        .send()
        .await
        .unwrap();
    let location = back.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&format!(
        "http://127.0.0.1:1/checkout/approve/{attempt}?pg_token="
    )));
    (tid, location.split("pg_token=").nth(1).unwrap().to_owned())
}

#[tokio::test]
async fn ready_window_approve_with_the_same_partner_ids_then_partial_and_full_cancel() {
    let fake = FakeKakaoPay::start().await;
    let gateway = kakaopay(&fake, KAKAOPAY_SECRET);
    let (tid, token) = approved(&fake, &gateway, "att-kakao-01").await;
    let mut confirm = ConfirmRequest {
        payment_key: tid.clone(),
        attempt_id: "att-kakao-01".into(),
        amount: Won(30_000),
        approval_token: Some("wrong".into()),
    };
    assert_eq!(
        code_of(gateway.confirm(&confirm).await.unwrap_err()),
        "-708"
    );
    confirm.approval_token = Some(token);
    let paid = gateway.confirm(&confirm).await.unwrap();
    assert_eq!(
        (paid.status, paid.total_amount),
        (GatewayStatus::Done, Won(30_000))
    );
    assert_eq!(
        code_of(gateway.confirm(&confirm).await.unwrap_err()),
        "-702",
        "approved once"
    );

    let cancel = |amount: Option<i64>| CancelRequest {
        payment_key: tid.clone(),
        reason: "고객 변심".into(),
        amount: amount.map(Won),
        idempotency_key: "k".into(),
        refund_account: None,
        captured: None,
    };
    let part = gateway.cancel(&cancel(Some(10_000))).await.unwrap();
    assert_eq!(
        (part.status, part.balance_amount),
        (GatewayStatus::PartiallyCancelled, Won(20_000))
    );
    assert_eq!(
        code_of(gateway.cancel(&cancel(Some(50_000))).await.unwrap_err()),
        "-710"
    );
    let rest = gateway.cancel(&cancel(None)).await.unwrap();
    assert_eq!(
        (rest.status, rest.balance_amount),
        (GatewayStatus::Cancelled, Won::ZERO)
    );
    let looked = gateway
        .lookup(&PaymentRef {
            attempt_id: "att-kakao-01".into(),
            payment_key: Some(tid),
        })
        .await
        .unwrap();
    assert_eq!(looked.status, GatewayStatus::Cancelled);
}

#[tokio::test]
async fn wrong_keys_and_unknown_payments_are_refused() {
    let fake = FakeKakaoPay::start().await;
    let wrong = kakaopay(&fake, "DEVWRONGKEY00000");
    assert_eq!(
        code_of(
            wrong
                .start(&request("att-kakao-02", false))
                .await
                .unwrap_err()
        ),
        "-401"
    );
    let gateway = kakaopay(&fake, KAKAOPAY_SECRET);
    let unknown = PaymentRef {
        attempt_id: "att".into(),
        payment_key: Some("T404".into()),
    };
    assert_eq!(code_of(gateway.lookup(&unknown).await.unwrap_err()), "-721");
    assert_eq!(
        code_of(
            gateway
                .lookup(&PaymentRef::attempt("att"))
                .await
                .unwrap_err()
        ),
        "-721"
    );
    assert!(
        gateway.parse_webhook(&HeaderMap::new(), b"{}").is_err(),
        "KakaoPay sends no webhooks"
    );
}
