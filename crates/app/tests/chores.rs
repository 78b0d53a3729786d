//! Order and member chores on both backends: automatic purchase confirmation, deposit reminders,
//! abandoned-cart reminders with consent and unsubscribe, grade evaluation, the daily report.
//! Each runs twice to show a second run changes nothing.

use chrono::{DateTime, Duration, Utc};
use jangteo_app::App;
use jangteo_app::cart::CartOwner;
use jangteo_app::orders::{Actor, PlaceOrderInput};
use jangteo_core::order::OrderEvent;
use jangteo_db::catalog::stock;
use jangteo_db::{carts, messages, orders};
use jangteo_testkit::fixtures::{member, paid_order};
use jangteo_testkit::{Backend, TestDb, app_on, fixtures, on_both_backends};

#[path = "chores/dormancy.rs"]
mod dormancy;
#[path = "chores/points.rs"]
mod points;

async fn events(app: &App, event: &str) -> Vec<messages::MessageRow> {
    app.recent_messages(100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.event == event)
        .collect()
}

async fn setup(backend: Backend) -> Option<(TestDb, App, i64)> {
    let t = TestDb::migrated(backend).await?;
    let app = app_on(&t);
    let c = fixtures::catalog(&app).await;
    app.update_product_price(
        c.tshirt,
        jangteo_core::catalog::Price::new(jangteo_core::Won(40_000), None),
    )
    .await
    .unwrap();
    let sku = stock::sku_id_by_code(&app.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    Some((t, app, sku))
}

async fn purchases_confirm_themselves_and_deposits_are_reminded(backend: Backend) {
    let Some((_t, app, sku)) = setup(backend).await else {
        return;
    };
    let m = member(&app, "auto@example.com", false).await;
    let now = deliver_and_confirm_purchase_once(&app, m, sku).await;
    remind_unpaid_deposit_once(&app, m, sku, now).await;
}

/// Ships and delivers a paid order, which confirms itself (and earns its points) after 7 days.
async fn deliver_and_confirm_purchase_once(app: &App, m: i64, sku: i64) -> DateTime<Utc> {
    let number = paid_order(app, m, sku, 1, "token-auto-confirm-0001").await;
    let staff = Actor::Staff("staff@example.com".into());
    app.advance_order(
        &number,
        OrderEvent::Shipped {
            carrier: "cj".into(),
            waybill: "123".into(),
        },
        &staff,
    )
    .await
    .unwrap();
    app.advance_order(&number, OrderEvent::Delivered, &staff)
        .await
        .unwrap();
    let now = Utc::now();
    assert_eq!(
        app.auto_confirm_purchases(now).await.unwrap(),
        0,
        "not before 7 days"
    );
    let order = orders::find_by_number(&app.db, &number)
        .await
        .unwrap()
        .unwrap();
    let before = app.active_member(m).await.unwrap().points_balance;
    let week_later = now + Duration::days(8);
    assert_eq!(app.auto_confirm_purchases(week_later).await.unwrap(), 1);
    assert_eq!(
        app.auto_confirm_purchases(week_later).await.unwrap(),
        0,
        "once"
    );
    assert_eq!(
        orders::find_by_number(&app.db, &number)
            .await
            .unwrap()
            .unwrap()
            .status
            .as_str(),
        "completed"
    );
    assert_eq!(
        app.active_member(m).await.unwrap().points_balance - before,
        order.points_to_earn
    );
    now
}

/// An unpaid deposit order is reminded once, a day before its deadline.
async fn remind_unpaid_deposit_once(app: &App, m: i64, sku: i64, now: DateTime<Utc>) {
    app.add_to_cart(CartOwner::Member(m), sku, 1).await.unwrap();
    let lines = app.cart_lines(&CartOwner::Member(m)).await.unwrap();
    let waiting = app
        .place_order(
            Some(m),
            &lines,
            &PlaceOrderInput {
                checkout_token: "token-deposit-reminder-1".into(),
                orderer_name: "김".into(),
                orderer_mobile: "01012345678".into(),
                orderer_email: "buyer@example.com".into(),
                recipient_name: "김".into(),
                recipient_mobile: "01012345678".into(),
                postcode: "06236".into(),
                address1: "서울".into(),
                payment_method: "bank_deposit".into(),
                depositor_name: "김".into(),
                agree: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        app.send_deposit_reminders(now).await.unwrap(),
        0,
        "72 hours left"
    );
    let order = orders::find_by_number(&app.db, &waiting.number)
        .await
        .unwrap()
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    orders::set_deposit_deadline(&mut tx, order.id, now + Duration::hours(3))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    app.send_deposit_reminders(now).await.unwrap();
    app.send_deposit_reminders(now).await.unwrap();
    let reminders = events(app, "deposit_reminder").await;
    assert_eq!(reminders.len(), 1, "once per order");
    assert!(reminders[0].body_text.contains(&waiting.number));
}

async fn abandoned_carts_respect_consent_and_unsubscribe(backend: Backend) {
    let Some((_t, app, sku)) = setup(backend).await else {
        return;
    };
    let yes = member(&app, "yes@example.com", true).await;
    let no = member(&app, "no@example.com", false).await;
    for m in [yes, no] {
        app.add_to_cart(CartOwner::Member(m), sku, 1).await.unwrap();
    }
    let now = Utc::now();
    assert_eq!(
        app.send_abandoned_cart_reminders(now).await.unwrap(),
        0,
        "too fresh"
    );
    let mut tx = app.db.begin().await.unwrap();
    for m in [yes, no] {
        carts::set_added_at(&mut tx, m, now - Duration::days(2))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(
        app.send_abandoned_cart_reminders(now).await.unwrap(),
        1,
        "only the consenting member"
    );
    assert_eq!(
        app.send_abandoned_cart_reminders(now).await.unwrap(),
        0,
        "once a week"
    );
    let mail = events(&app, "abandoned_cart").await.pop().unwrap();
    assert_eq!(mail.recipient, "yes@example.com");
    assert!(mail.is_advertising);
    assert!(mail.subject.starts_with("(광고)"), "{}", mail.subject);
    // The link in the mail withdraws the consent; a forged one does nothing.
    let at = mail.body_text.find("/unsubscribe?").unwrap();
    let link: String = mail.body_text[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let token = link.split("t=").nth(1).unwrap().to_owned();
    assert!(
        !app.unsubscribe(no, &token).await.unwrap(),
        "the token is the member's own"
    );
    assert!(app.unsubscribe(yes, &token).await.unwrap());
    assert!(
        app.active_member(yes)
            .await
            .unwrap()
            .marketing_agreed_at
            .is_none()
    );
    assert_eq!(
        app.send_abandoned_cart_reminders(now + Duration::days(7))
            .await
            .unwrap(),
        0,
        "no consent, no reminder"
    );
}

async fn grades_follow_spend_and_staff_get_a_daily_report(backend: Backend) {
    let Some((_t, app, sku)) = setup(backend).await else {
        return;
    };
    let big = member(&app, "big@example.com", false).await;
    let small = member(&app, "small@example.com", false).await;
    paid_order(&app, big, sku, 8, "token-grades-big-00001").await;
    // A day later (the shop's clock moves on) the small order comes in.
    app.clock.travel(Duration::days(1));
    paid_order(&app, small, sku, 1, "token-grades-small-0001").await;
    let now = app.now();
    assert_eq!(
        app.evaluate_grades(now).await.unwrap(),
        1,
        "320,000원 paid → gold"
    );
    assert_eq!(
        app.evaluate_grades(now).await.unwrap(),
        0,
        "nothing changes the second time"
    );
    let grade = app
        .grade_of(&app.active_member(big).await.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(grade.code, "gold");
    let notice = events(&app, "grade_changed").await;
    assert_eq!(notice.len(), 1);
    assert!(notice[0].body_text.contains("골드"));

    // Yesterday's sales (KST: the big order alone) reach staff on Slack and by e-mail.
    app.send_daily_report(now).await.unwrap();
    app.send_daily_report(now).await.unwrap();
    let reports = events(&app, "daily_report").await;
    let channels: Vec<&str> = reports.iter().map(|m| m.channel.as_str()).collect();
    assert_eq!(reports.len(), 2, "{channels:?}");
    assert!(channels.contains(&"slack") && channels.contains(&"email"));
    let slack = reports.iter().find(|m| m.channel == "slack").unwrap();
    assert!(slack.body_text.contains("320,000"), "{}", slack.body_text);
}

async fn parcels_are_tracked_reviews_asked_and_consents_reconfirmed(backend: Backend) {
    let Some((_t, app, sku)) = setup(backend).await else {
        return;
    };
    let m = member(&app, "track@example.com", true).await;
    let number = paid_order(&app, m, sku, 1, "token-tracking-000001").await;
    let staff = Actor::Staff("staff@example.com".into());
    app.advance_order(
        &number,
        OrderEvent::Shipped {
            carrier: "cj".into(),
            waybill: "654321098765".into(),
        },
        &staff,
    )
    .await
    .unwrap();
    let now = Utc::now();
    assert_eq!(app.pull_tracking(now).await.unwrap(), 0, "still in transit");
    app.test_tracker.deliver("cj", "654321098765");
    assert_eq!(app.pull_tracking(now).await.unwrap(), 1);
    assert_eq!(app.pull_tracking(now).await.unwrap(), 0, "once");
    assert_eq!(
        orders::find_by_number(&app.db, &number)
            .await
            .unwrap()
            .unwrap()
            .status
            .as_str(),
        "delivered"
    );
    let delivered = events(&app, "delivered").await;
    assert_eq!(delivered.len(), 1, "the buyer is told");
    assert!(delivered[0].body_text.contains(&number));

    // Three days after delivery the buyer is asked for a review, once.
    assert_eq!(app.send_review_requests(now).await.unwrap(), 0);
    let later = now + Duration::days(3) + Duration::hours(1);
    app.send_review_requests(later).await.unwrap();
    app.send_review_requests(later).await.unwrap();
    assert_eq!(events(&app, "review_request").await.len(), 1);

    // A two-year-old marketing consent is re-confirmed once per two years, with the date.
    assert_eq!(app.send_marketing_reconfirmations(now).await.unwrap(), 0);
    let mut tx = app.db.begin().await.unwrap();
    jangteo_db::members::set_marketing_agreed_at(&mut tx, m, now - Duration::days(731))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(app.send_marketing_reconfirmations(now).await.unwrap(), 1);
    assert_eq!(
        app.send_marketing_reconfirmations(now + Duration::days(30))
            .await
            .unwrap(),
        0
    );
    let notice = events(&app, "marketing_reconfirm").await.pop().unwrap();
    assert!(
        notice.body_text.contains("/unsubscribe?m="),
        "how to withdraw"
    );
    assert!(
        !notice.subject.contains("(광고)"),
        "the notice itself is not advertising"
    );
}

on_both_backends!(
    parcels_are_tracked_reviews_asked_and_consents_reconfirmed,
    purchases_confirm_themselves_and_deposits_are_reminded,
    abandoned_carts_respect_consent_and_unsubscribe,
    grades_follow_spend_and_staff_get_a_daily_report,
);

/// Inserts `n` members directly (sign-up's argon2 would dominate the test), every third without
/// marketing consent.
async fn many_members(app: &App, n: usize) {
    let now = Utc::now();
    let mut tx = app.db.begin().await.unwrap();
    for i in 0..n {
        let email = format!("bulk{i}@example.com");
        jangteo_db::members::insert(
            &mut tx,
            &jangteo_db::members::NewMember {
                email: &email,
                password_hash: "x",
                name: "회원",
                mobile: "01012345678",
                marketing: i % 3 != 0,
            },
            now,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn bulk_sends_resume_without_duplicates(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let app = app_on(&t);
    many_members(&app, 1_200).await;
    let consenting = 800;
    let id = app
        .start_bulk_send(
            &jangteo_app::auth::StaffActor::system("test"),
            "겨울 세일",
            "email",
            "marketing",
            "겨울 세일 시작",
            "전 상품 10% 할인\n\n12월 31일까지",
        )
        .await
        .unwrap();
    assert_eq!(app.bulk_send(id).await.unwrap().total, consenting);
    // The worker runs the chunk jobs (each enqueues the next); then the first chunk is replayed,
    // as after a worker killed between its commit and acknowledging the job: nobody gets the
    // message twice.
    let worker = jangteo_jobs::Worker::new(
        app.db.clone(),
        app.job_handlers(),
        jangteo_jobs::WorkerConfig::new("default"),
    );
    worker.run_due().await.unwrap();
    app.process_bulk_chunk(id, 0, 0).await.unwrap();
    worker.run_due().await.unwrap();
    let campaign = app.bulk_send(id).await.unwrap();
    assert_eq!(
        (campaign.status.as_str(), campaign.queued),
        ("done", consenting)
    );
    assert_eq!(
        jangteo_db::bulk::messages_recorded(&app.db, id)
            .await
            .unwrap(),
        consenting
    );
    let sample = app.recent_messages(1).await.unwrap().pop().unwrap();
    assert!(sample.subject.starts_with("(광고)") && sample.body_text.contains("/unsubscribe?m="));
    // Deliveries are spread at the provider's rate (50/s): the last is ~16 s after the first.
    let spread = jangteo_db::messages::send_after_span(&app.db, "announcement")
        .await
        .unwrap();
    assert!(spread >= 15, "spread {spread} s");
}
async fn dormant_accounts_are_noticed_separated_and_restored_at_login(backend: Backend) {
    let Some((_t, app, _)) = setup(backend).await else {
        return;
    };
    let m = member(&app, "sleepy@example.com", true).await;
    let now = Utc::now();
    dormancy::notice_and_separate(&app, m, now).await;
    dormancy::keep_address_and_refuse_wrong_password(&app, m).await;
    dormancy::restore_at_login(&app, m).await;
}

async fn points_expire_after_a_notice(backend: Backend) {
    let Some((_t, app, _)) = setup(backend).await else {
        return;
    };
    points::the_owner_sets_the_rules(&app).await;
    let signed_up = app.now();
    let m = member(&app, "saver@example.com", false).await;
    points::points_are_told_then_expire(&app, m, signed_up).await;
}

on_both_backends!(
    bulk_sends_resume_without_duplicates,
    dormant_accounts_are_noticed_separated_and_restored_at_login,
    points_expire_after_a_notice
);
