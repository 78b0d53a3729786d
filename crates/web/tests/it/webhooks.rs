//! Outgoing webhooks (issue 19) on SQLite and PostgreSQL: the owner adds an endpoint (the secret
//! shown once), a paid order and its shipment reach a receiver that verifies every delivery per
//! Standard Webhooks on its own, a refused delivery is scheduled again, staff redeliver from the
//! log with the same webhook-id, and roles and typed values hold.

use crate::checkout::{add, pay, place, sign_up};
use crate::escrow_payments::run_jobs;
use jangteo_testkit::fake_webhook_receiver::FakeWebhookReceiver;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, on_both_backends};

/// The owner adds the receiver for paid and shipped orders; the secret it is shown.
async fn owner_adds_an_endpoint(owner: &Shopper, receiver: &FakeWebhookReceiver) -> String {
    let empty = owner.get("/admin/webhooks").await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("data-empty"));
    let bad = owner
        .post(
            "/admin/webhooks",
            &[("url", "ftp://x"), ("event", "order.paid")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("http:// 또는 https://"));
    assert_eq!(bad.input_value("url").as_deref(), Some("ftp://x"));
    let none = owner
        .post("/admin/webhooks", &[("url", &receiver.url)])
        .await;
    assert_eq!(none.status, 422);
    assert!(none.body.contains("받을 이벤트를 하나 이상"));
    let form = [
        ("url", receiver.url.as_str()),
        ("event", "order.paid"),
        ("event", "order.shipped"),
    ];
    assert_eq!(owner.post("/admin/webhooks", &form).await.status, 303);
    let page = owner.get("/admin/webhooks").await.body;
    let secret = page
        .split("data-secret>")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the secret is shown")
        .to_owned();
    assert!(secret.starts_with("whsec_"));
    let again = owner.get("/admin/webhooks").await.body;
    assert!(!again.contains(&secret), "shown once");
    secret
}

async fn integrations_hear_of_orders_by_signed_webhooks(backend: Backend) {
    let Some((t, tshirt)) = crate::checkout::shop(backend).await else {
        return;
    };
    let receiver = FakeWebhookReceiver::start().await;
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    let refused = cs
        .post(
            "/admin/webhooks",
            &[("url", &receiver.url), ("event", "order.paid")],
        )
        .await;
    assert_eq!(refused.status, 403);
    receiver.set_secret(&owner_adds_an_endpoint(&owner, &receiver).await);

    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "hooked@example.com").await;
    add(&buyer, tshirt, 1).await;
    let number = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    run_jobs(&t).await;
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    assert!(got[0].verified, "signed per Standard Webhooks");
    assert_eq!(got[0].body["type"], "order.paid");
    assert_eq!(got[0].body["data"]["order"]["number"], number.as_str());
    assert!(got[0].body["data"]["order"].get("orderer_name").is_none());

    // Refused: recorded, and retried later with backoff (the worker's clock is the real one).
    receiver.fail_next(1);
    let action = format!("/admin/orders/{number}/action");
    owner.post(&action, &[("action", "prepare")]).await;
    let ship = [
        ("action", "ship"),
        ("carrier", "cj"),
        ("waybill", "123456789012"),
    ];
    assert_eq!(owner.post(&action, &ship).await.status, 303);
    run_jobs(&t).await;
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].body["type"], "order.shipped");
    let log = owner.get("/admin/webhooks").await.body;
    assert!(log.contains("HTTP 500"), "{log}");
    let waiting = jangteo_db::jobs::list(&t.app.db, Some("ready"), 50, 0)
        .await
        .unwrap();
    let retry = waiting
        .iter()
        .find(|j| j.kind == "webhooks.deliver")
        .expect("a retry");
    assert_eq!(retry.attempts, 1);
    assert!(retry.run_at > chrono::Utc::now());

    // The paid order's delivery sent again from the log, with the same webhook-id; audited.
    let delivered = log
        .split("<tr data-delivery=\"")
        .find(|row| row.contains("data-state=\"delivered\""))
        .unwrap();
    let delivery = delivered.split('"').next().unwrap().to_owned();
    let path = format!("/admin/webhooks/deliveries/{delivery}/redeliver");
    assert_eq!(owner.post(&path, &[]).await.status, 303);
    run_jobs(&t).await;
    let got = receiver.received();
    assert_eq!(got.len(), 3);
    assert_eq!(got[2].id, got[0].id);
    assert!(got[2].verified);
    let filter = jangteo_db::audit::AuditFilter {
        action_prefix: "webhooks.".into(),
        ..Default::default()
    };
    let (audit, _) = jangteo_db::audit::search(&t.app.db, &filter, 20, 0)
        .await
        .unwrap();
    assert!(audit.iter().any(|a| a.action == "webhooks.redeliver"));
    assert!(audit.iter().any(|a| a.action == "webhooks.add"));
}

/// Low stock (once a day per SKU, however often the sweep runs), a cancellation and a claim are
/// recorded for an endpoint taking every event.
async fn every_event_reaches_an_endpoint_that_takes_it(backend: Backend) {
    let Some((t, tshirt)) = crate::checkout::shop(backend).await else {
        return;
    };
    let receiver = FakeWebhookReceiver::start().await;
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let mut form = vec![("url", receiver.url.as_str())];
    form.extend(jangteo_core::webhooks::WEBHOOK_EVENTS.map(|e| ("event", e)));
    assert_eq!(owner.post("/admin/webhooks", &form).await.status, 303);

    crate::checkout::set_stock(&t, tshirt, 1).await;
    let now = t.app.now();
    let low = || async {
        let all = jangteo_db::webhooks::recent_deliveries(&t.app.db, 50)
            .await
            .unwrap();
        all.into_iter()
            .filter(|d| d.event == "stock.low")
            .collect::<Vec<_>>()
    };
    t.app.send_staff_alert_sweep(now).await.unwrap();
    let first = low().await;
    assert!(first.iter().any(|d| d.payload.contains("\"TSHIRT\"")));
    t.app.send_staff_alert_sweep(now).await.unwrap();
    assert_eq!(low().await.len(), first.len(), "once a day per SKU");
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "events@example.com").await;
    crate::checkout::set_stock(&t, tshirt, 10).await;
    add(&buyer, tshirt, 1).await;
    let number = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    let action = format!("/admin/orders/{number}/action");
    let cancel = owner
        .post(&action, &[("action", "cancel"), ("reason", "품절")])
        .await;
    assert_eq!(cancel.status, 303, "{}", cancel.body);
    // Another order delivered, then a return filed.
    let (_, other, _, line) = crate::claim_steps::bought(&t, tshirt, "claims@example.com", 1).await;
    crate::claim_steps::deliver(&owner, &other).await;
    crate::claim_steps::staff_files_a_defect(&t, &other, line.id, 1).await;
    let deliveries = jangteo_db::webhooks::recent_deliveries(&t.app.db, 50)
        .await
        .unwrap();
    let mut events: Vec<&str> = deliveries.iter().map(|d| d.event.as_str()).collect();
    events.retain(|e| *e != "stock.low");
    events.sort_unstable();
    let expected = [
        "claim.created",
        "order.cancelled",
        "order.delivered",
        "order.paid",
        "order.paid",
        "order.shipped",
    ];
    assert_eq!(events, expected);
}

on_both_backends!(
    integrations_hear_of_orders_by_signed_webhooks,
    every_event_reaches_an_endpoint_that_takes_it
);
