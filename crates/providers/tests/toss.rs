//! The Toss Payments adapter against the fake Toss, which follows docs/PROVIDERS.md §1 strictly.

use chrono::{Duration, Utc};
use jangteo_core::Won;
use jangteo_providers::messaging::http_client;
use jangteo_providers::payments::*;
use jangteo_testkit::fake_toss::{FakeToss, TOSS_CLIENT_KEY, TOSS_SECRET_KEY};

fn toss(fake: &FakeToss, secret: &str) -> TossPayments {
    TossPayments::new(
        http_client(),
        TossConfig {
            api_base: fake.base_url.clone(),
            sdk_url: fake.sdk_url(),
            client_key: TOSS_CLIENT_KEY.into(),
            secret_key: secret.into(),
            virtual_account_bank: "88".into(),
            account_holder: "장터 데모샵".into(),
        },
    )
}

fn request(attempt: &str, method: PayMethod) -> PaymentRequest {
    PaymentRequest {
        attempt_id: attempt.into(),
        order_name: "니트 카디건 외 1건".into(),
        amount: Won(39_800),
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

fn confirming(key: &str, attempt: &str, amount: i64) -> ConfirmRequest {
    ConfirmRequest {
        payment_key: key.to_owned(),
        attempt_id: attempt.to_owned(),
        amount: Won(amount),
        approval_token: None,
    }
}

fn code_of(e: PaymentError) -> String {
    match e {
        PaymentError::Rejected { code, .. } => code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn card_window_then_confirm_with_basic_auth_and_idempotency() {
    let fake = FakeToss::start().await;
    let gateway = toss(&fake, TOSS_SECRET_KEY);
    let PaymentStart::Widget {
        sdk_url,
        client_key,
        method,
        params,
        ..
    } = gateway
        .start(&request("att-card-0001", PayMethod::Card))
        .await
        .unwrap()
    else {
        panic!("a card payment opens the window");
    };
    assert_eq!(
        (sdk_url, client_key, method.as_str()),
        (fake.sdk_url(), TOSS_CLIENT_KEY.to_owned(), "카드")
    );
    assert_eq!(params["amount"], 39_800);
    assert_eq!(params["orderId"], "att-card-0001");
    let key = fake.authenticate("att-card-0001", "니트 카디건 외 1건", 39_800, "카드");

    let paid = gateway
        .confirm(&confirming(&key, "att-card-0001", 39_800))
        .await
        .unwrap();
    assert_eq!(paid.status, GatewayStatus::Done);
    assert_eq!(paid.total_amount, Won(39_800));
    assert_eq!(paid.card_company.as_deref(), Some("신한카드"));
    assert!(paid.approved_at.is_some());
    let (method, path, headers, _) = fake.requests().last().cloned().unwrap();
    assert_eq!(
        (method.as_str(), path.as_str()),
        ("POST", "/v1/payments/confirm")
    );
    assert_eq!(
        headers["authorization"],
        "Basic dGVzdF9za196WExrS0V5cE5BcldtbzUwblgzbG1lYXhZRzVSOg=="
    );
    assert_eq!(headers["idempotency-key"], "confirm-att-card-0001");
    // A retry of the same confirm replays the first answer; the payment is approved once.
    let again = gateway
        .confirm(&confirming(&key, "att-card-0001", 39_800))
        .await
        .unwrap();
    assert_eq!(
        (again.status, fake.confirms_executed()),
        (GatewayStatus::Done, 1)
    );
    let looked_up = gateway
        .lookup(&PaymentRef::attempt("att-card-0001"))
        .await
        .unwrap();
    assert_eq!(
        (looked_up.payment_key, looked_up.status),
        (key, GatewayStatus::Done)
    );
}

#[tokio::test]
async fn refusals_carry_the_gateway_code() {
    let fake = FakeToss::start().await;
    let key = fake.authenticate("att-refuse-01", "니트", 10_000, "카드");
    let wrong_key = toss(&fake, "test_sk_wrong");
    let e = wrong_key
        .confirm(&confirming(&key, "att-refuse-01", 10_000))
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "UNAUTHORIZED_KEY");
    let gateway = toss(&fake, TOSS_SECRET_KEY);
    let e = gateway
        .confirm(&confirming(&key, "att-refuse-01", 9_000))
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "INVALID_REQUEST");
    let e = gateway
        .lookup(&PaymentRef::attempt("att-nobody-01"))
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "NOT_FOUND_PAYMENT");
}

#[tokio::test]
async fn partial_then_full_cancel_and_duplicate_cancel_replayed() {
    let fake = FakeToss::start().await;
    let gateway = toss(&fake, TOSS_SECRET_KEY);
    let key = fake.authenticate("att-cancel-01", "니트", 30_000, "카드");
    gateway
        .confirm(&confirming(&key, "att-cancel-01", 30_000))
        .await
        .unwrap();
    let cancel = |amount: Option<i64>, idem: &str| CancelRequest {
        payment_key: key.clone(),
        reason: "고객 변심".into(),
        amount: amount.map(Won),
        idempotency_key: idem.into(),
        refund_account: None,
        captured: None,
    };
    let part = gateway
        .cancel(&cancel(Some(10_000), "refund-1"))
        .await
        .unwrap();
    assert_eq!(
        (part.status, part.balance_amount),
        (GatewayStatus::PartiallyCancelled, Won(20_000))
    );
    // The same logical cancel sent again is replayed, not executed twice.
    let replay = gateway
        .cancel(&cancel(Some(10_000), "refund-1"))
        .await
        .unwrap();
    assert_eq!(replay.balance_amount, Won(20_000));
    let e = gateway
        .cancel(&cancel(Some(50_000), "refund-2"))
        .await
        .unwrap_err();
    assert_eq!(
        code_of(e),
        "ALREADY_PROCESSED_PAYMENT",
        "second cancel within a second"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let e = gateway
        .cancel(&cancel(Some(50_000), "refund-3"))
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "NOT_CANCELABLE_AMOUNT");
    let rest = gateway.cancel(&cancel(None, "refund-4")).await.unwrap();
    assert_eq!(
        (rest.status, rest.balance_amount),
        (GatewayStatus::Cancelled, Won::ZERO)
    );
    let (_, path, _, body) = fake.requests().last().cloned().unwrap();
    assert_eq!(path, format!("/v1/payments/{key}/cancel"));
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(
        body.get("cancelAmount").is_none(),
        "a full cancel omits the amount"
    );
}

#[tokio::test]
async fn virtual_account_deposit_notice_and_refund_account() {
    let fake = FakeToss::start().await;
    let gateway = toss(&fake, TOSS_SECRET_KEY);
    let PaymentStart::VirtualAccount {
        payment_key,
        account,
        webhook_secret,
        ..
    } = gateway
        .start(&request("att-va-00001", PayMethod::VirtualAccount))
        .await
        .unwrap()
    else {
        panic!("a virtual account is issued server-side");
    };
    assert_eq!(
        (account.bank.as_str(), account.holder.as_str()),
        ("신한은행", "장터 데모샵")
    );
    assert!(!account.account.is_empty());
    let secret = webhook_secret.expect("the payment's secret");
    let body = fake.deposit("att-va-00001", Utc::now()).unwrap();
    let notice = gateway
        .parse_webhook(&HeaderMap::new(), body.as_bytes())
        .unwrap();
    assert_eq!(
        (notice.kind, notice.status),
        (NoticeKind::Deposit, GatewayStatus::Done)
    );
    assert!(secrets_match(notice.secret.as_deref().unwrap(), &secret));
    // The `data`-wrapped shape of the same notice is read alike.
    let wrapped = format!(r#"{{"eventType":"DEPOSIT_CALLBACK","data":{body}}}"#);
    assert_eq!(
        gateway
            .parse_webhook(&HeaderMap::new(), wrapped.as_bytes())
            .unwrap()
            .attempt_id,
        "att-va-00001"
    );

    let mut refund = CancelRequest {
        payment_key,
        reason: "품절".into(),
        amount: None,
        idempotency_key: "va-refund-1".into(),
        refund_account: None,
        captured: None,
    };
    let e = gateway.cancel(&refund).await.unwrap_err();
    assert_eq!(
        code_of(e),
        "INVALID_REQUEST",
        "a deposit is refunded to an account"
    );
    refund.idempotency_key = "va-refund-2".into();
    refund.refund_account = Some(RefundAccount {
        bank: "20".into(),
        number: "1002123456789".into(),
        holder: "김장터".into(),
    });
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let done = gateway.cancel(&refund).await.unwrap();
    assert_eq!(done.status, GatewayStatus::Cancelled);
}

#[tokio::test]
async fn status_change_notice_is_unsigned_and_named_by_its_transaction() {
    let fake = FakeToss::start().await;
    let gateway = toss(&fake, TOSS_SECRET_KEY);
    let key = fake.authenticate("att-status-1", "니트", 5_000, "토스페이");
    gateway
        .confirm(&confirming(&key, "att-status-1", 5_000))
        .await
        .unwrap();
    let body = fake.status_changed("att-status-1", Utc::now()).unwrap();
    let notice = gateway
        .parse_webhook(&HeaderMap::new(), body.as_bytes())
        .unwrap();
    assert_eq!(
        (notice.kind, notice.status),
        (NoticeKind::StatusChanged, GatewayStatus::Done)
    );
    assert!(notice.idempotency_key.starts_with("status:txconf"));
    assert!(
        gateway
            .parse_webhook(&HeaderMap::new(), b"{\"orderId\":1}")
            .is_err()
    );
}

#[tokio::test]
async fn a_confirm_timeout_is_unavailable_and_the_lookup_tells_the_truth() {
    let fake = FakeToss::start().await;
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();
    let gateway = TossPayments::new(
        client,
        TossConfig {
            api_base: fake.base_url.clone(),
            sdk_url: fake.sdk_url(),
            client_key: TOSS_CLIENT_KEY.into(),
            secret_key: TOSS_SECRET_KEY.into(),
            virtual_account_bank: "88".into(),
            account_holder: "장터".into(),
        },
    );
    let key = fake.authenticate("att-slow-001", "니트", 7_000, "카드");
    fake.delay_confirms(std::time::Duration::from_secs(2));
    let e = gateway
        .confirm(&confirming(&key, "att-slow-001", 7_000))
        .await
        .unwrap_err();
    assert!(matches!(e, PaymentError::Unavailable { .. }), "{e:?}");
    let truth = gateway
        .lookup(&PaymentRef::attempt("att-slow-001"))
        .await
        .unwrap();
    assert_eq!(
        truth.status,
        GatewayStatus::Done,
        "charged although the reply was lost"
    );
}

#[tokio::test]
async fn cash_receipts_are_issued_reduced_and_cancelled() {
    let fake = FakeToss::start().await;
    let gateway = toss(&fake, TOSS_SECRET_KEY);
    let request = CashReceiptRequest {
        receipt_id: "20261206-ABCDEF-1234abcd-cr0".into(),
        order_name: "주문 20261206-ABCDEF".into(),
        amount: Won(30_000),
        business: false,
        identity: "01012345678".into(),
    };
    let issued = gateway.issue_cash_receipt(&request).await.unwrap();
    let held = fake.cash_receipt(&request.receipt_id).unwrap();
    assert_eq!(held["type"], "소득공제");
    assert_eq!(held["receiptKey"], issued.receipt_key.as_str());
    assert!(issued.receipt_url.is_some());
    // The same issue again (an answer lost on the way) is replayed, not issued twice.
    let replayed = gateway.issue_cash_receipt(&request).await.unwrap();
    assert_eq!(replayed.receipt_key, issued.receipt_key);
    gateway
        .cancel_cash_receipt(&issued.receipt_key, Some(Won(10_000)))
        .await
        .unwrap();
    assert_eq!(
        fake.cash_receipt(&request.receipt_id).unwrap()["amount"],
        20_000
    );
    gateway
        .cancel_cash_receipt(&issued.receipt_key, None)
        .await
        .unwrap();
    let cancelled = fake.cash_receipt(&request.receipt_id).unwrap();
    assert_eq!(cancelled["transactionType"], "CANCEL");
    let mut wrong = request.clone();
    wrong.receipt_id = "x".into();
    assert!(gateway.issue_cash_receipt(&wrong).await.is_err());
}
