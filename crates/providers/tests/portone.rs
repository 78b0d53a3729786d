//! The PortOne V2 adapter against the fake PortOne, which follows docs/PROVIDERS.md §3.1
//! strictly: the window's parameters, the payment read back, cancels guarded by the balance,
//! virtual accounts issued and closed, escrow shipments, and Standard Webhooks signatures.

use chrono::{Duration, Utc};
use jangteo_core::Won;
use jangteo_providers::messaging::http_client;
use jangteo_providers::payments::*;
use jangteo_testkit::fake_portone::*;

fn portone(fake: &FakePortOne, secret: &str) -> PortOne {
    PortOne::new(
        http_client(),
        PortOneConfig {
            api_base: fake.base_url.clone(),
            sdk_url: fake.sdk_url(),
            store_id: PORTONE_STORE_ID.into(),
            channel_key: PORTONE_CHANNEL_KEY.into(),
            naverpay_channel_key: Some(PORTONE_NAVERPAY_CHANNEL_KEY.into()),
            identity_channel_key: None,
            api_secret: secret.into(),
            webhook_secret: PORTONE_WEBHOOK_SECRET.into(),
            virtual_account_bank: "88".into(),
            account_holder: "장터".into(),
        },
    )
}

fn request(attempt: &str, method: PayMethod) -> PaymentRequest {
    PaymentRequest {
        attempt_id: attempt.into(),
        order_name: "니트 카디건 외 1건".into(),
        amount: Won(45_000),
        method,
        customer_name: "김장터".into(),
        customer_email: "buyer@example.com".into(),
        customer_mobile: "01012345678".into(),
        success_url: "http://127.0.0.1:1/checkout/success".into(),
        approval_url: format!("http://127.0.0.1:1/checkout/approve/{attempt}"),
        fail_url: "http://127.0.0.1:1/checkout/fail".into(),
        deposit_deadline: Utc::now() + Duration::days(3),
        mobile: false,
        escrow: false,
    }
}

fn code_of(e: PaymentError) -> String {
    match e {
        PaymentError::Rejected { code, .. } => code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Opens the fake's window with `params` and presses 결제하기: the redirect's address.
async fn pay_in_window(fake: &FakePortOne, params: &serde_json::Value) -> String {
    let window = client()
        .get(format!("{}/window", fake.base_url))
        .query(&[("params", params.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(window.status(), 200, "the window accepts the parameters");
    let id = params["paymentId"].as_str().unwrap();
    let back = client()
        .post(format!("{}/window/{id}/approve", fake.base_url))
        .form(&[("ok", "1")])
        .send()
        .await
        .unwrap();
    back.headers()["location"].to_str().unwrap().to_owned()
}

fn confirm(attempt: &str, amount: i64) -> ConfirmRequest {
    ConfirmRequest {
        payment_key: attempt.into(),
        attempt_id: attempt.into(),
        amount: Won(amount),
        approval_token: None,
    }
}

fn cancel(attempt: &str, amount: Option<i64>, captured: i64) -> CancelRequest {
    CancelRequest {
        payment_key: attempt.into(),
        reason: "고객 요청".into(),
        amount: amount.map(Won),
        idempotency_key: format!("refund-{attempt}-{captured}"),
        refund_account: None,
        captured: Some(Won(captured)),
    }
}

#[tokio::test]
async fn card_window_read_back_and_cancels_guarded_by_the_balance() {
    let fake = FakePortOne::start().await;
    let gateway = portone(&fake, PORTONE_API_SECRET);
    let PaymentStart::Widget {
        sdk,
        params,
        sdk_url,
        ..
    } = gateway
        .start(&request("pay-card-1", PayMethod::Card))
        .await
        .unwrap()
    else {
        panic!("cards open PortOne's window");
    };
    assert_eq!(sdk, WindowSdk::PortOne);
    assert_eq!(sdk_url, fake.sdk_url());
    assert_eq!(params["payMethod"], "CARD");
    let back = pay_in_window(&fake, &params).await;
    assert!(
        back.starts_with("http://127.0.0.1:1/checkout/approve/pay-card-1?paymentId=pay-card-1"),
        "PortOne adds the paymentId to the redirect address: {back}"
    );
    let paid = gateway
        .confirm(&confirm("pay-card-1", 45_000))
        .await
        .unwrap();
    assert!(paid.is_paid(Won(45_000)));
    assert_eq!(paid.card_company.as_deref(), Some("SHINHAN_CARD"));

    // A partial refund, then its retry after a lost answer: the balance guard refuses the
    // repeat instead of refunding twice.
    let once = gateway
        .cancel(&cancel("pay-card-1", Some(5_000), 45_000))
        .await
        .unwrap();
    assert_eq!(once.balance_amount, Won(40_000));
    assert_eq!(once.status, GatewayStatus::PartiallyCancelled);
    let again = gateway
        .cancel(&cancel("pay-card-1", Some(5_000), 45_000))
        .await
        .unwrap_err();
    assert_eq!(code_of(again), "CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN");
    let rest = gateway
        .cancel(&cancel("pay-card-1", None, 40_000))
        .await
        .unwrap();
    assert_eq!(rest.status, GatewayStatus::Cancelled);
    assert_eq!(rest.balance_amount, Won::ZERO);

    let wrong_secret = portone(&fake, "wrong-secret");
    let refused = wrong_secret
        .lookup(&PaymentRef::attempt("pay-card-1"))
        .await
        .unwrap_err();
    assert_eq!(code_of(refused), "UNAUTHORIZED");
    let missing = gateway
        .lookup(&PaymentRef::attempt("no-such-payment"))
        .await
        .unwrap_err();
    assert_eq!(code_of(missing), "PAYMENT_NOT_FOUND");
}

#[tokio::test]
async fn naverpay_goes_through_its_own_channel_and_a_cancelled_window_fails() {
    let fake = FakePortOne::start().await;
    let gateway = portone(&fake, PORTONE_API_SECRET);
    let PaymentStart::Widget { params, .. } = gateway
        .start(&request("pay-naver-1", PayMethod::NaverPay))
        .await
        .unwrap()
    else {
        panic!("NaverPay opens PortOne's window");
    };
    assert_eq!(params["channelKey"], PORTONE_NAVERPAY_CHANNEL_KEY);
    assert_eq!(params["easyPay"]["easyPayProvider"], "NAVERPAY");
    pay_in_window(&fake, &params).await;
    let paid = gateway
        .confirm(&confirm("pay-naver-1", 45_000))
        .await
        .unwrap();
    assert_eq!(paid.status, GatewayStatus::Done);
    assert_eq!(
        fake.payment("pay-naver-1")
            .unwrap()
            .easy_pay_provider
            .as_deref(),
        Some("NAVERPAY")
    );

    // The shopper closes the window: back with a code, and the payment reads as failed.
    let PaymentStart::Widget { params, .. } = gateway
        .start(&request("pay-card-2", PayMethod::Card))
        .await
        .unwrap()
    else {
        panic!("a window");
    };
    client()
        .get(format!("{}/window", fake.base_url))
        .query(&[("params", params.to_string())])
        .send()
        .await
        .unwrap();
    let back = client()
        .post(format!("{}/window/pay-card-2/cancel", fake.base_url))
        .send()
        .await
        .unwrap();
    let location = back.headers()["location"].to_str().unwrap();
    assert!(location.contains("code=FAILURE_TYPE_PG"), "{location}");
    let failed = gateway
        .confirm(&confirm("pay-card-2", 45_000))
        .await
        .unwrap_err();
    assert_eq!(code_of(failed), "PAY_PROCESS_CANCELED");
}

#[tokio::test]
async fn virtual_account_issued_closed_and_refunded_to_an_account() {
    let fake = FakePortOne::start().await;
    let gateway = portone(&fake, PORTONE_API_SECRET);
    let PaymentStart::VirtualAccount {
        payment_key,
        account,
        ..
    } = gateway
        .start(&request("pay-va-1", PayMethod::VirtualAccount))
        .await
        .unwrap()
    else {
        panic!("a virtual account is issued server-side");
    };
    assert_eq!(payment_key, "pay-va-1");
    assert_eq!(
        account.bank, "신한은행",
        "PortOne's SHINHAN shown by its name"
    );
    assert!(account.account.starts_with("5630"));
    assert_eq!(
        fake.payment("pay-va-1").unwrap().virtual_account.unwrap().0,
        "SHINHAN"
    );

    // Cancelling before the deposit closes the account.
    let closed = gateway
        .cancel(&cancel("pay-va-1", None, 45_000))
        .await
        .unwrap();
    assert_eq!(closed.status, GatewayStatus::Cancelled);

    // Another, deposited: its refund needs the buyer's account, sent in PortOne's bank enum.
    gateway
        .start(&request("pay-va-2", PayMethod::VirtualAccount))
        .await
        .unwrap();
    fake.deposit("pay-va-2").unwrap();
    let refused = gateway
        .cancel(&cancel("pay-va-2", None, 45_000))
        .await
        .unwrap_err();
    assert_eq!(code_of(refused), "INVALID_REQUEST");
    let mut refund = cancel("pay-va-2", None, 45_000);
    refund.refund_account = Some(RefundAccount {
        bank: "90".into(),
        number: "3333012345678".into(),
        holder: "김장터".into(),
    });
    gateway.cancel(&refund).await.unwrap();
    let sent = &fake.payment("pay-va-2").unwrap().refund_accounts[0];
    assert_eq!(sent["bank"], "KAKAO");
    assert_eq!(sent["holderName"], "김장터");
}

#[tokio::test]
async fn escrow_shipment_registered_then_completed() {
    let fake = FakePortOne::start().await;
    let gateway = portone(&fake, PORTONE_API_SECRET);
    assert!(gateway.supports_escrow());
    let mut transfer = request("pay-escrow-1", PayMethod::Transfer);
    transfer.escrow = true;
    let PaymentStart::Widget { params, .. } = gateway.start(&transfer).await.unwrap() else {
        panic!("a window");
    };
    assert_eq!(params["isEscrow"], true);
    pay_in_window(&fake, &params).await;
    let reference = PaymentRef {
        attempt_id: "pay-escrow-1".into(),
        payment_key: Some("pay-escrow-1".into()),
    };
    let early = gateway.complete_escrow(&reference).await.unwrap_err();
    assert_eq!(code_of(early), "INVALID_REQUEST", "nothing shipped yet");
    let shipment = EscrowShipment {
        payment_key: "pay-escrow-1".into(),
        attempt_id: "pay-escrow-1".into(),
        carrier: "cj".into(),
        waybill: "654321098765".into(),
        sent_at: Utc::now(),
        receiver_name: "김장터".into(),
        receiver_mobile: "01012345678".into(),
    };
    gateway.register_escrow_shipment(&shipment).await.unwrap();
    let held = fake.payment("pay-escrow-1").unwrap().escrow.unwrap();
    assert_eq!(
        held,
        ("REGISTERED".into(), "CJ".into(), "654321098765".into())
    );
    gateway.complete_escrow(&reference).await.unwrap();
    assert_eq!(
        fake.payment("pay-escrow-1").unwrap().escrow.unwrap().0,
        "CONFIRMED"
    );
}

fn headers_of(signed: &SignedWebhook) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in &signed.headers {
        headers.insert(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    headers
}

#[tokio::test]
async fn webhooks_count_only_with_a_valid_recent_signature() {
    let fake = FakePortOne::start().await;
    let gateway = portone(&fake, PORTONE_API_SECRET);
    let signed = fake.webhook("pay-va-9", "Transaction.Paid");
    let notice = gateway
        .parse_webhook(&headers_of(&signed), signed.body.as_bytes())
        .unwrap();
    assert_eq!(notice.attempt_id, "pay-va-9");
    assert_eq!(notice.status, GatewayStatus::Done);
    assert_eq!(notice.kind, NoticeKind::StatusChanged);

    // A body changed after signing, a stale timestamp, missing headers: all refused.
    let tampered = signed.body.replace("pay-va-9", "pay-va-8");
    assert!(
        gateway
            .parse_webhook(&headers_of(&signed), tampered.as_bytes())
            .is_err()
    );
    let old = sign_webhook("msg_old", Utc::now().timestamp() - 6 * 60, &signed.body);
    let stale = gateway
        .parse_webhook(&headers_of(&old), old.body.as_bytes())
        .unwrap_err();
    assert!(stale.to_string().contains("TIMESTAMP_TOO_OLD"), "{stale}");
    let unsigned = gateway
        .parse_webhook(&HeaderMap::new(), signed.body.as_bytes())
        .unwrap_err();
    assert!(unsigned.to_string().contains("MISSING_REQUIRED_HEADERS"));
}

#[tokio::test]
async fn cash_receipts_are_issued_and_cancelled_only_whole() {
    let fake = FakePortOne::start().await;
    let gateway = portone(&fake, PORTONE_API_SECRET);
    let request = CashReceiptRequest {
        receipt_id: "pay-va-1-cr0".into(),
        order_name: "주문 1".into(),
        amount: Won(45_000),
        business: true,
        identity: "1234567890".into(),
    };
    let issued = gateway.issue_cash_receipt(&request).await.unwrap();
    assert_eq!(issued.receipt_key, "pay-va-1-cr0");
    assert!(!issued.issue_number.is_empty());
    let held = fake.cash_receipt("pay-va-1-cr0").unwrap();
    assert_eq!(held["type"], "CORPORATE");
    assert_eq!(held["channelKey"], PORTONE_CHANNEL_KEY);
    let again = gateway.issue_cash_receipt(&request).await.unwrap_err();
    assert_eq!(code_of(again), "CASH_RECEIPT_ALREADY_ISSUED");
    let partial = gateway
        .cancel_cash_receipt(&issued.receipt_key, Some(Won(5_000)))
        .await
        .unwrap_err();
    assert_eq!(code_of(partial), "PARTIAL_CANCEL_UNSUPPORTED");
    gateway
        .cancel_cash_receipt(&issued.receipt_key, None)
        .await
        .unwrap();
    assert_eq!(
        fake.cash_receipt("pay-va-1-cr0").unwrap()["status"],
        "CANCELLED"
    );
}
