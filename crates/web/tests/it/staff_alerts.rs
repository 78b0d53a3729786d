//! 직원 알림 (issue 18) on SQLite and PostgreSQL: the owner routes each alert to Slack and/or
//! e-mail (a refused form keeps what was typed); a paid order above the minimum, a return filed
//! and low stock reach staff as chosen, once each; an alert carries no buyer's personal data.

use crate::checkout::{add, pay, place, shop, sign_up};
use jangteo_app::auth::StaffActor;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, on_both_backends};

/// The staff alerts queued so far: (channel, recipient, text).
async fn alerts(t: &jangteo_testkit::TestApp) -> Vec<(String, String, String)> {
    t.app
        .recent_messages(100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.event == "staff_alert")
        .map(|m| (m.channel, m.recipient, m.body_text))
        .collect()
}

async fn alerts_reach_staff_as_the_owner_chose(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let page = owner.get("/admin/alerts").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("data-alert=\"server_error\""));
    let refused = owner
        .post(
            "/admin/alerts",
            &[
                ("on", "paid_order:slack"),
                ("paid_order_min", "1000000"),
                ("emails", "ops@example.com, not-an-address"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(
        refused.input_value("emails").as_deref(),
        Some("ops@example.com, not-an-address")
    );
    let saved = owner
        .post(
            "/admin/alerts",
            &[
                ("on", "paid_order:slack"),
                ("on", "claim_filed:email"),
                ("on", "low_stock:slack"),
                ("paid_order_min", "1,000,000"),
                ("emails", "ops@example.com"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);

    // Below the minimum: no alert.
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "alerted@example.com").await;
    add(&buyer, tshirt, 1).await;
    pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    assert!(alerts(&t).await.is_empty(), "{:?}", alerts(&t).await);
    // Every order, now.
    let owner_actor = StaffActor::system("alerts-test");
    let every = [
        ("paid_order", "slack"),
        ("claim_filed", "email"),
        ("low_stock", "slack"),
        ("server_error", "slack"),
    ]
    .map(|(k, c)| (k.to_owned(), c.to_owned()));
    t.app
        .set_alert_rules(&owner_actor, &every, ("0", "ops@example.com"), &[])
        .await
        .unwrap();
    add(&buyer, tshirt, 1).await;
    let number = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    let sent = alerts(&t).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (channel, to, text) = &sent[0];
    assert_eq!((channel.as_str(), to.as_str()), ("slack", "staff"));
    assert!(
        text.contains(&number) && text.contains("새 결제 주문"),
        "{text}"
    );
    assert!(
        !text.contains("김장터") && !text.contains("5678"),
        "no personal data: {text}"
    );

    // A return filed: by e-mail to the addresses given.
    crate::claim_steps::deliver(&owner, &number).await;
    let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap();
    let line = jangteo_db::orders::lines(&t.app.db, order.id)
        .await
        .unwrap()[0]
        .id;
    crate::claim_steps::staff_files_a_defect(&t, &number, line, 1).await;
    assert!(
        alerts(&t).await.iter().any(|(c, to, text)| c == "email"
            && to == "ops@example.com"
            && text.contains("교환·반품 신청")),
        "{:?}",
        alerts(&t).await
    );

    // Low stock: once a day per SKU, however often the sweep runs.
    let left = jangteo_db::catalog::stock::stock_of(&t.app.db, tshirt)
        .await
        .unwrap()
        .unwrap();
    t.app
        .adjust_stock(&owner_actor, tshirt, 2 - left, "재고 실사")
        .await
        .unwrap();
    t.app.send_staff_alert_sweep(t.app.now()).await.unwrap();
    t.app.send_staff_alert_sweep(t.app.now()).await.unwrap();
    let low: Vec<_> = alerts(&t)
        .await
        .into_iter()
        .filter(|(_, _, text)| text.contains("품절 임박 티셔츠 (2개 남음)"))
        .collect();
    assert_eq!(low.len(), 1, "{low:?}");

    // A server error is told once a minute per route.
    t.app.alert_server_error("/orders/{number}", "req-1").await;
    t.app.alert_server_error("/orders/{number}", "req-2").await;
    let errors: Vec<_> = alerts(&t)
        .await
        .into_iter()
        .filter(|(_, _, text)| text.contains("서버 오류"))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (entries, _) = jangteo_db::audit::search(&t.app.db, &Default::default(), 50, 0)
        .await
        .unwrap();
    assert!(entries.iter().any(|e| e.action == "alerts.rules"));
}

on_both_backends!(alerts_reach_staff_as_the_owner_chose);

/// With the app's bot token, an alert goes to the Slack channel the owner gave it (a channel
/// that is no channel is refused with what was typed kept), posted by chat.postMessage.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_go_to_the_slack_channel_given_them() {
    let slack = jangteo_testkit::fakes::slack().await;
    let options = jangteo_testkit::server::TestOptions {
        slack_base: Some(slack.base_url.clone()),
        ..Default::default()
    };
    let Some((t, tshirt)) = crate::checkout::shop_with(Backend::Sqlite, options).await else {
        return;
    };
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let form = |channel: &'static str| {
        vec![
            ("on", "paid_order:slack"),
            ("channel.paid_order", channel),
            ("paid_order_min", "0"),
            ("emails", ""),
        ]
    };
    let refused = owner.post("/admin/alerts", &form("orders channel")).await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.input_value("channel.paid_order").as_deref(),
        Some("orders channel")
    );
    assert_eq!(
        owner.post("/admin/alerts", &form("#주문알림")).await.status,
        303
    );

    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "channel-alert@example.com").await;
    add(&buyer, tshirt, 1).await;
    let number = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    let queued = alerts(&t).await;
    assert!(
        queued
            .iter()
            .any(|(c, to, _)| c == "slack" && to == "#주문알림"),
        "{queued:?}"
    );
    crate::escrow_payments::run_jobs(&t).await;
    let posted: Vec<_> = slack
        .received()
        .into_iter()
        .filter(|r| r.path == "/api/chat.postMessage")
        .collect();
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert_eq!(posted[0].json()["channel"], "#주문알림");
    assert!(posted[0].json()["text"].as_str().unwrap().contains(&number));
}
