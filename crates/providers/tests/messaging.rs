//! The real messaging adapters against fake servers speaking the providers' contracts.

use jangteo_providers::messaging::*;
use jangteo_testkit::fakes;

fn email() -> Email {
    Email {
        from: "장터 데모샵 <shop@mg.jangteo.example>".into(),
        to: "buyer@example.com".into(),
        subject: "[장터] 주문이 접수되었습니다".into(),
        html: "<p style=\"color:#111\">주문번호 <strong>20261122-8F3K2Q</strong></p>".into(),
        text: "주문번호 20261122-8F3K2Q".into(),
    }
}

#[tokio::test]
async fn mailgun_sends_with_basic_auth_and_all_parts() {
    let fake = fakes::mailgun().await;
    let config = |key: &str, domain: &str| MailgunConfig {
        base_url: fake.base_url.clone(),
        domain: domain.into(),
        api_key: key.into(),
    };
    let mailgun = Mailgun::new(
        http_client(),
        config(fakes::MAILGUN_KEY, fakes::MAILGUN_DOMAIN),
    );
    let accepted = mailgun.send(&email()).await.unwrap();
    assert!(
        accepted
            .provider_id
            .unwrap()
            .ends_with("@mg.jangteo.example>")
    );
    let form = fake.received()[0].form();
    assert_eq!(form["subject"], "[장터] 주문이 접수되었습니다");
    assert!(form["html"].contains("<strong>20261122-8F3K2Q</strong>"));
    assert_eq!(form["text"], "주문번호 20261122-8F3K2Q");

    let wrong_key = Mailgun::new(http_client(), config("nope", fakes::MAILGUN_DOMAIN));
    let err = wrong_key.send(&email()).await.unwrap_err();
    assert!(
        !err.is_retryable(),
        "a bad key is not fixed by retrying: {err}"
    );
    let wrong_domain = Mailgun::new(http_client(), config(fakes::MAILGUN_KEY, "other.example"));
    assert!(matches!(
        wrong_domain.send(&email()).await,
        Err(SendError::Rejected { .. })
    ));

    fake.fail_next(1);
    let err = mailgun.send(&email()).await.unwrap_err();
    assert!(err.is_retryable(), "a 503 is retried: {err}");
    assert!(mailgun.send(&email()).await.is_ok());
}

#[tokio::test]
async fn aligo_sends_sms_and_long_texts_as_lms() {
    let fake = fakes::aligo().await;
    let aligo = Aligo::new(
        http_client(),
        AligoConfig {
            base_url: fake.base_url.clone(),
            api_key: fakes::ALIGO_KEY.into(),
            user_id: fakes::ALIGO_USER.into(),
            test_mode: true,
        },
    );
    let short = Sms {
        from: "15880000".into(),
        to: "01012345678".into(),
        title: None,
        text: "[장터] 배송이 시작되었습니다.".into(),
    };
    let accepted = aligo.send(&short).await.unwrap();
    assert_eq!(
        accepted.provider_id.as_deref(),
        Some("123456789"),
        "result_code arrived as a string"
    );
    let form = fake.received()[0].form();
    assert_eq!(
        (form["msg_type"].as_str(), form["testmode_yn"].as_str()),
        ("SMS", "Y")
    );
    assert_eq!(form["receiver"], "01012345678");

    let long = Sms {
        title: Some("[장터] 주문 안내".into()),
        text: "가".repeat(60),
        ..short.clone()
    };
    aligo.send(&long).await.unwrap();
    let form = fake.received()[1].form();
    assert_eq!(
        (form["msg_type"].as_str(), form["title"].as_str()),
        ("LMS", "[장터] 주문 안내")
    );

    let bad = Aligo::new(
        http_client(),
        AligoConfig {
            base_url: fake.base_url.clone(),
            api_key: "wrong".into(),
            user_id: fakes::ALIGO_USER.into(),
            test_mode: false,
        },
    );
    match bad.send(&short).await {
        Err(SendError::Rejected { code, .. }) => assert_eq!(code, "-101"),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[tokio::test]
async fn solapi_signs_every_request_and_sends_alimtalk_with_fallback() {
    let fake = fakes::solapi().await;
    let solapi = Solapi::new(
        http_client(),
        SolapiConfig {
            base_url: fake.base_url.clone(),
            api_key: fakes::SOLAPI_KEY.into(),
            api_secret: fakes::SOLAPI_SECRET.into(),
        },
    );
    let message = AlimTalk {
        from: "15880000".into(),
        to: "01012345678".into(),
        channel_id: "KA01PF2026".into(),
        template_id: "ORDER_PLACED".into(),
        variables: vec![("#{주문번호}".into(), "20261122-8F3K2Q".into())],
        text: "[장터] 주문번호 20261122-8F3K2Q 주문이 접수되었습니다.".into(),
    };
    let accepted = solapi.send_alimtalk(&message, true).await.unwrap();
    assert!(accepted.provider_id.unwrap().starts_with("M4V"));
    let sent = fake.received()[0].json();
    assert_eq!(sent["message"]["type"], "ATA");
    assert_eq!(
        sent["message"]["kakaoOptions"]["templateId"],
        "ORDER_PLACED"
    );
    assert_eq!(
        sent["message"]["kakaoOptions"]["variables"]["#{주문번호}"],
        "20261122-8F3K2Q"
    );
    assert_eq!(
        sent["message"]["kakaoOptions"]["disableSms"], false,
        "SMS fallback on"
    );

    // Two requests in the same second still carry different salts (the fake refuses reuse).
    solapi
        .send_sms(&Sms {
            from: "15880000".into(),
            to: "01012345678".into(),
            title: None,
            text: "짧은 문자".into(),
        })
        .await
        .unwrap();
    assert_eq!(fake.received()[1].json()["message"]["type"], "SMS");

    let wrong = Solapi::new(
        http_client(),
        SolapiConfig {
            base_url: fake.base_url.clone(),
            api_key: fakes::SOLAPI_KEY.into(),
            api_secret: "guess".into(),
        },
    );
    match wrong.send_alimtalk(&message, false).await {
        Err(SendError::Rejected { code, .. }) => assert_eq!(code, "SignatureDoesNotMatch"),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[tokio::test]
async fn slack_webhook_posts_text_and_blocks() {
    let fake = fakes::slack().await;
    let slack = SlackWebhook::new(http_client(), fakes::slack_url(&fake));
    let blocks = serde_json::json!([{"type": "section", "text": {"type": "mrkdwn", "text": "*어제 매출* 1,234,000원"}}]);
    let accepted = slack
        .post("어제 매출 1,234,000원", Some(blocks))
        .await
        .unwrap();
    assert_eq!(accepted.raw, "ok");
    assert_eq!(fake.received()[0].json()["blocks"][0]["type"], "section");
    assert!(
        matches!(slack.post("", None).await, Err(SendError::Rejected { code, .. }) if code == "no_text")
    );
    let gone = SlackWebhook::new(
        http_client(),
        format!("{}/services/T000/B000/GONE", fake.base_url),
    );
    assert!(!gone.post("x", None).await.unwrap_err().is_retryable());
    assert_eq!(
        format!("{slack:?}"),
        "SlackWebhook(***)",
        "the URL is a secret"
    );
}

#[tokio::test]
async fn smtp_delivers_inlined_html_and_plain_text_to_a_local_sink() {
    use jangteo_testkit::smtp_sink::{SmtpSink, decoded_parts};
    let sink = SmtpSink::start().await;
    let smtp = Smtp::new(&SmtpConfig {
        host: sink.host.clone(),
        port: sink.port,
        username: None,
        password: None,
        security: SmtpSecurity::None,
    })
    .unwrap();
    let html = inline_css(
        "<html><head><style>.total { color: #e11d48; font-weight: 700; }</style></head>\
         <body><p>주문해 주셔서 감사합니다.</p><p class=\"total\">결제금액 42,800원</p></body></html>",
    )
    .unwrap();
    let mail = Email {
        from: "장터 데모샵 <shop@jangteo.example>".into(),
        to: "구매자 <buyer@example.com>".into(),
        subject: "[장터] 주문이 접수되었습니다".into(),
        html,
        text: "주문해 주셔서 감사합니다.\n결제금액 42,800원".into(),
    };
    smtp.send(&mail).await.unwrap();
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].from, "shop@jangteo.example");
    assert_eq!(mails[0].to, ["buyer@example.com"]);
    assert!(mails[0].data.contains("multipart/alternative"));
    let parts = decoded_parts(&mails[0].data);
    let html = &parts
        .iter()
        .find(|(ct, _)| ct == "text/html")
        .expect("an HTML part")
        .1;
    let text = &parts
        .iter()
        .find(|(ct, _)| ct == "text/plain")
        .expect("a plain-text part")
        .1;
    assert!(
        html.contains("color: #e11d48") && html.contains("font-weight: 700"),
        "styles inlined: {html}"
    );
    assert!(!html.contains("<style"), "CSS inlined, style block gone");
    assert!(html.contains("결제금액 42,800원"));
    assert!(text.contains("결제금액 42,800원"));

    let bad = Email {
        to: "not an address".into(),
        ..mail
    };
    assert!(!smtp.send(&bad).await.unwrap_err().is_retryable());
    let closed = Smtp::new(&SmtpConfig {
        host: "127.0.0.1".into(),
        port: 1,
        username: None,
        password: None,
        security: SmtpSecurity::None,
    })
    .unwrap();
    assert!(
        closed
            .send(&Email {
                to: "buyer@example.com".into(),
                ..bad
            })
            .await
            .unwrap_err()
            .is_retryable(),
        "no server: try later"
    );
}
