//! Gift-card PINs in the issue notice (issue 16), on SQLite and PostgreSQL: with the owner's
//! setting on, the PINs reach the buyer by e-mail (SMTP) and by text (Solapi's SMS, no AlimTalk
//! template) as the messages leave, the message log never holds one, and sending ends the
//! buyer's right to cancel; an order withdrawn before its notice leaves sends none; a notice
//! that fails for good gives the PINs back; with the setting off the notice carries the link
//! only.

use crate::checkout::{add, pay, sign_up, status_of, timeline_of};
use crate::escrow_payments::run_jobs;
use crate::gift_checkout::{checkout_token, gift_card, post_codes};
use jangteo_app::auth::StaffActor;
use jangteo_app::pins_notice::NoticeChannels;
use jangteo_db::messages::MessageRow;
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::smtp_sink::{SmtpSink, decoded_parts};
use jangteo_testkit::{Backend, TestApp, fakes, on_both_backends};

/// The PINs the gift card's pool holds (`gift_checkout::PINS`).
const SOLD: [&str; 3] = [
    "1111-2222-3333-4444",
    "5555-6666-7777-8888",
    "9999-0000-1111-2222",
];

/// Sets the notice: e-mail and text, with or without the PINs.
async fn notice_with_pins(t: &TestApp, pins: bool) {
    let channels = NoticeChannels {
        email: true,
        text: true,
        pins,
    };
    let owner = StaffActor::system("pins-message-test");
    t.app.set_gift_card_notice(&owner, channels).await.unwrap();
}

/// A member buys one gift card by card; the order number.
async fn buy_one(t: &TestApp, sku: i64, email: &str) -> (Shopper, String) {
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, email).await;
    add(&buyer, sku, 1).await;
    let token = checkout_token(&buyer).await;
    let card = [("payment_method", "card")];
    let placed = post_codes(&buyer, &token, email, &card).await;
    let number = pay(&buyer, &placed).await;
    (buyer, number)
}

/// The PINs a text holds.
fn pins_in(text: &str) -> Vec<&'static str> {
    SOLD.iter().copied().filter(|p| text.contains(p)).collect()
}

async fn stored_notices(t: &TestApp, number: &str) -> Vec<MessageRow> {
    let all = jangteo_db::messages::recent(&t.app.db, 200).await.unwrap();
    all.into_iter()
        .filter(|m| m.event == "codes_issued" && m.body_text.contains(number))
        .collect()
}

async fn the_pins_leave_in_the_notice_and_are_never_kept(backend: Backend) {
    let sink = SmtpSink::start().await;
    let solapi = fakes::solapi().await;
    let options = TestOptions {
        smtp_port: Some(sink.port),
        solapi_base: Some(solapi.base_url.clone()),
        ..TestOptions::default()
    };
    let Some(t) = TestApp::spawn_with(backend, options).await else {
        return;
    };
    jangteo_testkit::fixtures::catalog(&t.app).await;
    let sku = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    gift_card(&t, sku).await;
    notice_with_pins(&t, true).await;
    let product = Shopper::new(&t.url("")).get("/products/tshirt").await.body;
    assert!(product.contains("핀번호를 바로 보내 드립니다(이메일·알림톡·문자)"));

    let (buyer, number) = buy_one(&t, sku, "sent@example.com").await;
    // Queued: the log holds the placeholder, never a PIN.
    let queued = stored_notices(&t, &number).await;
    assert_eq!(queued.len(), 2, "e-mail and text");
    assert!(queued.iter().all(|m| m.body_text.contains("[[핀번호]]")));
    run_jobs(&t).await;

    let mail = sink
        .mails()
        .into_iter()
        .find(|m| {
            m.data.contains(&number)
                || decoded_parts(&m.data)
                    .iter()
                    .any(|(_, b)| b.contains(&number))
        })
        .expect("the notice by e-mail");
    let parts = decoded_parts(&mail.data);
    let sent_pin = {
        let text = &parts.iter().find(|(ct, _)| ct == "text/plain").unwrap().1;
        let html = &parts.iter().find(|(ct, _)| ct == "text/html").unwrap().1;
        let pins = pins_in(text);
        assert_eq!(pins.len(), 1, "the order's one PIN: {text}");
        assert_eq!(pins_in(html), pins, "in both parts");
        pins[0]
    };
    let texts: Vec<_> = solapi.received().iter().map(|r| r.json()).collect();
    let text = texts
        .iter()
        .filter_map(|j| j["message"]["text"].as_str())
        .find(|s| s.contains(&number))
        .expect("the notice by text");
    assert_eq!(pins_in(text), [sent_pin]);
    for m in stored_notices(&t, &number).await {
        assert_eq!(m.state, "sent");
        let kept = format!("{}{}{:?}", m.body_text, m.body_html, m.provider_reply);
        assert!(pins_in(&kept).is_empty(), "no PIN kept in the log");
    }
    // Sending provided them: seen, on the timeline, and the buyer can no longer cancel.
    assert!(
        timeline_of(&t, &number)
            .await
            .contains(&"pins_sent".to_owned())
    );
    let counts = jangteo_db::pins::counts(&t.app.db, sku).await.unwrap();
    assert!(counts.contains(&("revealed".to_owned(), 1)), "{counts:?}");
    let page = buyer.get(&format!("/orders/{number}")).await.body;
    assert!(page.contains("상품권 핀번호 발송") && !page.contains("class=\"order-cancel\""));
    buyer.post(&format!("/orders/{number}/cancel"), &[]).await;
    assert_eq!(status_of(&t, &number).await, "delivered");

    // An order withdrawn before its notice leaves sends no PIN, and its PIN is for sale again.
    let (late, number) = buy_one(&t, sku, "late@example.com").await;
    late.post(&format!("/orders/{number}/cancel"), &[]).await;
    assert_eq!(status_of(&t, &number).await, "cancelled");
    run_jobs(&t).await;
    let withdrawn = texts_and_mails_of(&sink, &solapi, &number);
    assert!(
        withdrawn
            .iter()
            .all(|b| !b.contains("핀번호를 보내") && pins_in(b).is_empty()),
        "only the cancellation left: {withdrawn:#?}"
    );
    for m in stored_notices(&t, &number).await {
        assert_eq!(m.state, "failed");
        assert!(m.last_error.unwrap_or_default().contains("withdrawn"));
    }

    // Off: the link only, and the buyer may still cancel.
    notice_with_pins(&t, false).await;
    let (linked, number) = buy_one(&t, sku, "link@example.com").await;
    run_jobs(&t).await;
    let notices = texts_and_mails_of(&sink, &solapi, &number);
    assert_eq!(notices.len(), 2, "{notices:#?}");
    assert!(
        notices
            .iter()
            .all(|b| pins_in(b).is_empty() && b.contains(&format!("/orders/{number}")))
    );
    linked.post(&format!("/orders/{number}/cancel"), &[]).await;
    assert_eq!(status_of(&t, &number).await, "cancelled");
    a_failed_notice_gives_the_pins_back(&t, sku, &solapi).await;
}

/// A notice carrying PINs that fails for good (its only channel) leaves them unseen: the buyer
/// may still cancel.
async fn a_failed_notice_gives_the_pins_back(t: &TestApp, sku: i64, solapi: &fakes::Fake) {
    let text_only = NoticeChannels {
        email: false,
        text: true,
        pins: true,
    };
    let owner = StaffActor::system("pins-message-test");
    t.app.set_gift_card_notice(&owner, text_only).await.unwrap();
    let (buyer, number) = buy_one(t, sku, "failed@example.com").await;
    let notice = stored_notices(t, &number).await.remove(0);
    solapi.fail_next(1);
    let last_attempt = t.app.deliver_message(notice.id, true).await;
    assert!(last_attempt.is_err(), "the provider was down");
    assert!(
        timeline_of(t, &number)
            .await
            .contains(&"pins_send_failed".to_owned())
    );
    let counts = jangteo_db::pins::counts(&t.app.db, sku).await.unwrap();
    assert!(
        counts.contains(&("revealed".to_owned(), 1)),
        "the first order's only: {counts:?}"
    );
    buyer.post(&format!("/orders/{number}/cancel"), &[]).await;
    assert_eq!(status_of(t, &number).await, "cancelled");
}

/// What left for order `number`: the decoded mails and the texts.
fn texts_and_mails_of(sink: &SmtpSink, solapi: &fakes::Fake, number: &str) -> Vec<String> {
    let mails = sink.mails().into_iter().flat_map(|m| {
        decoded_parts(&m.data)
            .into_iter()
            .filter(|(ct, _)| ct == "text/plain")
            .map(|(_, body)| body)
            .collect::<Vec<_>>()
    });
    let texts = solapi
        .received()
        .iter()
        .filter_map(|r| r.json()["message"]["text"].as_str().map(str::to_owned))
        .collect::<Vec<_>>();
    mails
        .chain(texts)
        .filter(|body| body.contains(number))
        .collect()
}

on_both_backends!(the_pins_leave_in_the_notice_and_are_never_kept);
