//! Notifications end to end: render → message log → job → provider (fakes and an SMTP sink).

use chrono::{TimeZone, Utc};
use jangteo_app::config::ProviderChoice;
use jangteo_app::notify::{Channel, Notification};
use jangteo_app::{App, Config};
use jangteo_db::{Db, jobs, messages};
use jangteo_jobs::{Worker, WorkerConfig};
use jangteo_providers::messaging::{AligoConfig, SmtpConfig, SmtpSecurity, SolapiConfig};
use jangteo_testkit::fakes::Fake;
use jangteo_testkit::smtp_sink::{SmtpSink, decoded_parts};
use jangteo_testkit::{Backend, TestDb, fakes, on_both_backends, server::test_config};
use serde_json::json;

fn app_with(t: &TestDb, configure: impl FnOnce(&mut Config)) -> App {
    let mut config = test_config(t.dir.path(), "127.0.0.1:0", &t.url);
    configure(&mut config);
    App::new(t.db.clone(), config).unwrap()
}

fn order_context() -> serde_json::Value {
    json!({
        "order": {
            "number": "20261122-8F3K2Q", "url": "http://127.0.0.1/orders/20261122-8F3K2Q",
            "placed_at": "2026-11-22T05:00:00Z",
            "items": [{"name": "반팔티셔츠 오버핏 코튼", "option": "블랙 / L", "quantity": 2, "total": 39_800}],
            "items_total": 39_800, "discount": 0, "shipping_fee": 3_000, "total": 42_800, "payment_method": "가상계좌"
        },
        "virtual_account": {"bank": "신한은행", "account": "56211234567890", "holder": "장터데모", "amount": 42_800, "deadline": "2026-11-25T14:59:59Z"}
    })
}

fn order_placed(channel: Channel, to: &str) -> Notification {
    Notification {
        event: "order_placed".into(),
        channel,
        to: to.into(),
        recipient_name: "김구매".into(),
        context: order_context(),
        advertising: false,
        dedupe_key: Some(format!("order_placed:20261122-8F3K2Q:{}", channel.as_str())),
    }
}

async fn notify(app: &App, n: &Notification) -> Option<i64> {
    let mut tx = app.db.begin().await.unwrap();
    let id = app.notify(&mut tx, n).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn run_jobs(app: &App) -> usize {
    Worker::new(
        app.db.clone(),
        app.job_handlers(),
        WorkerConfig::new("default"),
    )
    .run_due()
    .await
    .unwrap()
}

async fn order_mail_goes_through_smtp_with_inlined_css(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let sink = SmtpSink::start().await;
    let (host, port) = (sink.host.clone(), sink.port);
    let app = app_with(&t, |c| {
        c.notifications.email = ProviderChoice::Smtp;
        c.notifications.smtp = Some(SmtpConfig {
            host,
            port,
            username: None,
            password: None,
            security: SmtpSecurity::None,
        });
    });
    let id = notify(&app, &order_placed(Channel::Email, "buyer@example.com"))
        .await
        .unwrap();
    assert_eq!(
        notify(&app, &order_placed(Channel::Email, "buyer@example.com")).await,
        None,
        "once per order"
    );
    assert_eq!(run_jobs(&app).await, 1);

    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    let parts = decoded_parts(&mails[0].data);
    let html = &parts.iter().find(|(ct, _)| ct == "text/html").unwrap().1;
    let text = &parts.iter().find(|(ct, _)| ct == "text/plain").unwrap().1;
    assert!(!html.contains("<style"), "CSS inlined for mail clients");
    assert!(html.contains("style=\""));
    for needle in ["20261122-8F3K2Q", "42,800원", "신한은행", "56211234567890"] {
        assert!(html.contains(needle), "HTML shows {needle}");
        assert!(text.contains(needle), "text shows {needle}");
    }
    let m = messages::find(&t.db, id).await.unwrap().unwrap();
    assert_eq!(
        (m.state.as_str(), m.provider.as_deref()),
        ("sent", Some("smtp"))
    );
    assert!(
        m.subject.contains("장터 데모샵") && m.subject.contains("20261122-8F3K2Q"),
        "{}",
        m.subject
    );
    assert!(m.provider_reply.unwrap().starts_with("250"));
}

async fn the_test_adapter_keeps_an_outbox(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let app = app_with(&t, |_| {});
    let welcome = Notification {
        event: "welcome".into(),
        channel: Channel::Email,
        to: "new@example.com".into(),
        recipient_name: "새회원".into(),
        context: json!({"member": {"name": "새회원", "email": "new@example.com"}, "login_url": "http://127.0.0.1/login"}),
        advertising: false,
        dedupe_key: None,
    };
    let id = notify(&app, &welcome).await.unwrap();
    run_jobs(&app).await;
    let outbox = messages::recent(&t.db, 10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(
        (
            outbox[0].id,
            outbox[0].state.as_str(),
            outbox[0].provider.as_deref()
        ),
        (id, "sent", Some("test"))
    );
    assert!(outbox[0].body_html.contains("새회원"));
    // A rolled-back change sends nothing.
    {
        let mut tx = app.db.begin().await.unwrap();
        app.notify(&mut tx, &welcome).await.unwrap();
    }
    assert_eq!(messages::recent(&t.db, 10).await.unwrap().len(), 1);
}

async fn advertising_sms_waits_for_the_morning(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let fake = fakes::aligo().await;
    let base = fake.base_url.clone();
    let app = app_with(&t, |c| {
        c.notifications.sms = ProviderChoice::Aligo;
        c.notifications.aligo = Some(AligoConfig {
            base_url: base,
            api_key: fakes::ALIGO_KEY.into(),
            user_id: fakes::ALIGO_USER.into(),
            test_mode: true,
        });
    });
    let ad = Notification {
        event: "abandoned_cart".into(),
        channel: Channel::Sms,
        to: "01012345678".into(),
        recipient_name: "김구매".into(),
        context: json!({"items": [{"name": "제주 감귤 5kg", "price": 15_900}], "cart_url": "http://127.0.0.1/cart", "unsubscribe_url": "http://127.0.0.1/u/x"}),
        advertising: true,
        dedupe_key: None,
    };
    let night = chrono_tz::Asia::Seoul
        .with_ymd_and_hms(2026, 11, 23, 22, 30, 0)
        .unwrap()
        .with_timezone(&Utc);
    let mut tx = app.db.begin().await.unwrap();
    let id = app.notify_at(&mut tx, &ad, night).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    let m = messages::find(&t.db, id).await.unwrap().unwrap();
    let morning = chrono_tz::Asia::Seoul
        .with_ymd_and_hms(2026, 11, 24, 8, 0, 0)
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(m.send_after, morning, "held until 08:00 KST");
    assert!(m.body_text.starts_with("(광고)"), "{}", m.body_text);
    assert!(m.body_text.contains("수신거부"));
    // The job waits for the morning too.
    let claimed = jobs::claim(&t.db, "default", "probe", 10, night, night)
        .await
        .unwrap();
    assert!(claimed.is_empty(), "not due at night");
    assert!(fake.received().is_empty());
    // At 08:00 it goes.
    let claimed = jobs::claim(
        &t.db,
        "default",
        "probe",
        10,
        morning,
        morning + chrono::Duration::minutes(1),
    )
    .await
    .unwrap();
    assert_eq!(claimed.len(), 1);
    app.deliver_message(id, false).await.unwrap();
    assert_eq!(fake.received().len(), 1);
    assert_eq!(
        messages::find(&t.db, id)
            .await
            .unwrap()
            .unwrap()
            .provider
            .as_deref(),
        Some("aligo")
    );
}

async fn alimtalk_and_slack_use_their_providers_and_retry(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let solapi = fakes::solapi().await;
    let slack = fakes::slack().await;
    let app = app_with_solapi_and_slack(&t, &solapi, &slack);
    let report = send_alimtalk_and_retry_slack(&t.db, &app, &solapi, &slack).await;
    give_up_slack_on_the_last_attempt(&t.db, &app, &slack, &report).await;
    send_sms_without_an_alimtalk_template(&app, &solapi).await;
    fail_a_refusal_for_good(&t.db, &app).await;
}

/// An app sending AlimTalk and SMS through the Solapi fake and Slack through the webhook fake.
fn app_with_solapi_and_slack(t: &TestDb, solapi: &Fake, slack: &Fake) -> App {
    let (solapi_url, slack_url) = (solapi.base_url.clone(), fakes::slack_url(slack));
    app_with(t, |c| {
        c.notifications.alimtalk = ProviderChoice::Solapi;
        c.notifications.sms = ProviderChoice::Solapi;
        c.notifications.kakao_channel_id = "KA01PF2026".into();
        c.notifications
            .alimtalk_templates
            .insert("order_placed".into(), "ORDER_PLACED".into());
        c.notifications.solapi = Some(SolapiConfig {
            base_url: solapi_url,
            api_key: fakes::SOLAPI_KEY.into(),
            api_secret: fakes::SOLAPI_SECRET.into(),
        });
        c.notifications.slack = ProviderChoice::Webhook;
        c.notifications.slack_webhook_url = Some(jangteo_app::config::Secret(slack_url));
    })
}

/// Sends an order's AlimTalk; the daily report waits for Slack, down at first, and goes on retry.
async fn send_alimtalk_and_retry_slack(
    db: &Db,
    app: &App,
    solapi: &Fake,
    slack: &Fake,
) -> Notification {
    let kakao = notify(app, &order_placed(Channel::AlimTalk, "01012345678"))
        .await
        .unwrap();
    let report = Notification {
        event: "daily_report".into(),
        channel: Channel::Slack,
        to: "#sales".into(),
        recipient_name: String::new(),
        context: json!({"report": {"date": "2026-11-22", "sales": 1_234_000, "orders": 31, "average_order_value": 39_806,
            "sales_prev_day": 1_000_000, "sales_same_weekday_last_week": 1_500_000, "orders_prev_day": 25,
            "top_products": [{"name": "제주 감귤 5kg", "quantity": 12, "sales": 190_800}]}}),
        advertising: false,
        dedupe_key: Some("daily_report:2026-11-22".into()),
    };
    let slack_message = notify(app, &report).await.unwrap();
    slack.fail_next(1);
    run_jobs(app).await;
    let sent = solapi.received()[0].json();
    assert_eq!(sent["message"]["type"], "ATA");
    assert_eq!(
        sent["message"]["kakaoOptions"]["templateId"],
        "ORDER_PLACED"
    );
    assert_eq!(
        sent["message"]["kakaoOptions"]["disableSms"], false,
        "falls back to SMS"
    );
    assert_eq!(
        messages::find(db, kakao).await.unwrap().unwrap().state,
        "sent"
    );
    let m = messages::find(db, slack_message).await.unwrap().unwrap();
    assert_eq!(m.state, "queued", "Slack was down: the job retries later");
    assert!(m.last_error.unwrap().contains("503"));
    // Retry now (test-only time travel), and it goes through.
    app.deliver_message(slack_message, false).await.unwrap();
    assert_eq!(
        messages::find(db, slack_message)
            .await
            .unwrap()
            .unwrap()
            .state,
        "sent"
    );
    assert!(
        slack.received().last().unwrap().json()["text"]
            .as_str()
            .unwrap()
            .contains("1,234,000원")
    );
    report
}

/// Slack down on the last attempt: the message is given up as failed (the job is dead).
async fn give_up_slack_on_the_last_attempt(
    db: &Db,
    app: &App,
    slack: &Fake,
    report: &Notification,
) {
    let mut last = report.clone();
    last.dedupe_key = Some("daily_report:2026-11-21".into());
    let doomed = notify(app, &last).await.unwrap();
    slack.fail_next(1);
    assert!(
        app.deliver_message(doomed, true).await.is_err(),
        "the job still records the failure"
    );
    let m = messages::find(db, doomed).await.unwrap().unwrap();
    assert_eq!(m.state, "failed");
}

/// An event without an approved AlimTalk template goes as SMS with the same text.
async fn send_sms_without_an_alimtalk_template(app: &App, solapi: &Fake) {
    let mut shipped = order_placed(Channel::AlimTalk, "01099998888");
    shipped.dedupe_key = Some("fallback".into());
    shipped.event = "payment_completed".into();
    let id = notify(app, &shipped).await.unwrap();
    app.deliver_message(id, false).await.unwrap();
    assert_eq!(
        solapi.received().last().unwrap().json()["message"]["type"]
            .as_str()
            .map(|t| t == "SMS" || t == "LMS"),
        Some(true)
    );
}

/// A refusal is final: no retries.
async fn fail_a_refusal_for_good(db: &Db, app: &App) {
    let mut wrong = order_placed(Channel::AlimTalk, "");
    wrong.dedupe_key = None;
    let id = notify(app, &wrong).await.unwrap();
    app.deliver_message(id, false).await.unwrap();
    assert_eq!(
        messages::find(db, id).await.unwrap().unwrap().state,
        "failed"
    );
}

on_both_backends!(
    order_mail_goes_through_smtp_with_inlined_css,
    the_test_adapter_keeps_an_outbox,
    advertising_sms_waits_for_the_morning,
    alimtalk_and_slack_use_their_providers_and_retry,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_template_renders_on_its_channels() {
    let Some(t) = TestDb::migrated(Backend::Sqlite).await else {
        return;
    };
    let app = app_with(&t, |_| {});
    let context = every_event_context();
    let events = [
        "welcome",
        "password_reset",
        "order_placed",
        "payment_completed",
        "deposit_reminder",
        "shipped",
        "delivered",
        "cancelled",
        "claim_status",
        "inquiry_answered",
        "grade_changed",
        "dormancy_notice",
        "points_expiring",
        "restock",
        "marketing_reconfirm",
        "abandoned_cart",
        "review_request",
        "announcement",
    ];
    notify_every_event_and_the_report(&app, &events, &context).await;
    let all = messages::recent(&t.db, 100).await.unwrap();
    assert_eq!(all.len(), events.len() * 2 + 1);
    check_every_message_is_branded_text(&all);
}

/// The order context plus every other event's variables.
fn every_event_context() -> serde_json::Value {
    let mut context = order_context();
    let extra = json!({
        "member": {"name": "김구매", "email": "buyer@example.com"},
        "login_url": "http://127.0.0.1/login", "reset_url": "http://127.0.0.1/reset/abc", "expires_minutes": 30,
        "shipment": {"carrier_name": "CJ대한통운", "waybill": "123456789012", "tracking_url": "http://127.0.0.1/track"},
        "review_url": "http://127.0.0.1/review", "confirm_days": 7,
        "refund": {"amount": 42_800, "method": "가상계좌 환불", "expected": "영업일 기준 1~2일"},
        "inquiry": {"title": "배송 문의", "answer_excerpt": "내일 출고됩니다.", "url": "http://127.0.0.1/inquiries/1"},
        "claim": {"kind_label": "반품", "status_label": "환불 완료", "reason": ""},
        "grade": {"old": "실버", "new": "골드", "discount_percent": 3, "point_percent": 2},
        "dormant_on": "2026-12-23T00:00:00Z", "consent": {"given_on": "2024-11-23T00:00:00Z"},
        "points": {"amount": 1_500, "expires_on": "2026-12-23", "balance": 4_200, "url": "http://127.0.0.1/account/points"},
        "product": {"name": "반팔티셔츠 오버핏 코튼", "option": "블랙 / L", "url": "http://127.0.0.1/products/tshirt"},
        "manage_url": "http://127.0.0.1/account/consents", "cart_url": "http://127.0.0.1/cart",
        "unsubscribe_url": "http://127.0.0.1/u/x",
        "announcement": {"title": "겨울 세일", "body": "전 상품 10% 할인", "paragraphs": ["전 상품 10% 할인"]}, "items": [{"name": "제주 감귤 5kg", "price": 15_900}],
        "report": {"date": "2026-11-22", "sales": 1_234_000, "orders": 31, "average_order_value": 39_806,
            "sales_prev_day": 1_000_000, "sales_same_weekday_last_week": 1_500_000, "orders_prev_day": 25,
            "top_products": [{"name": "제주 감귤 5kg", "quantity": 12, "sales": 190_800}]}
    });
    context
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    context
}

/// Queues every event by e-mail and SMS, and the daily report to Slack, in one transaction.
async fn notify_every_event_and_the_report(
    app: &App,
    events: &[&str],
    context: &serde_json::Value,
) {
    let mut tx = app.db.begin().await.unwrap();
    for &event in events {
        for channel in [Channel::Email, Channel::Sms] {
            let n = Notification {
                event: event.into(),
                channel,
                to: "buyer@example.com".into(),
                recipient_name: "김구매".into(),
                context: context.clone(),
                advertising: event == "abandoned_cart",
                dedupe_key: None,
            };
            let id = app
                .notify(&mut tx, &n)
                .await
                .unwrap_or_else(|e| panic!("{event}/{}: {e}", channel.as_str()))
                .unwrap();
            let _ = id;
        }
    }
    let report = Notification {
        event: "daily_report".into(),
        channel: Channel::Slack,
        to: "#sales".into(),
        recipient_name: String::new(),
        context: context.clone(),
        advertising: false,
        dedupe_key: None,
    };
    app.notify(&mut tx, &report).await.unwrap();
    tx.commit().await.unwrap();
}

/// Every message has text without replacement characters, and the shop's name where it shows.
fn check_every_message_is_branded_text(all: &[messages::MessageRow]) {
    for m in all {
        assert!(
            !m.body_text.is_empty(),
            "{} {} has text",
            m.event,
            m.channel
        );
        assert!(!m.body_text.contains('\u{FFFD}'));
        if m.channel == "email" {
            assert!(
                m.subject.contains("장터 데모샵"),
                "{}: {}",
                m.event,
                m.subject
            );
            assert!(
                m.body_html.contains("<html") && !m.body_html.contains("<style"),
                "{}",
                m.event
            );
        }
        if m.channel == "sms" {
            assert!(
                m.body_text.contains("장터 데모샵"),
                "{}: {}",
                m.event,
                m.body_text
            );
        }
    }
}
