//! 재입고 알림 on SQLite and PostgreSQL: a visitor logs in first; a member asks on a sold-out
//! SKU (refused while it is on sale, or by text without a provider) and is told once by e-mail
//! when staff put stock back.

use crate::checkout::{shop, sign_up};
use jangteo_app::auth::StaffActor;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, on_both_backends};

async fn members_are_told_once_when_a_sku_is_back(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let sku = tshirt.to_string();
    let ask = |channel: &str| {
        vec![
            ("sku_id".to_owned(), sku.clone()),
            ("channel".to_owned(), channel.to_owned()),
            ("next".to_owned(), "/products/tshirt".to_owned()),
        ]
    };
    let guest = Shopper::new(&t.url(""));
    let sent = guest.post_pairs("/restock-alerts", &ask("email")).await;
    assert_eq!(
        sent.location.as_deref(),
        Some("/account/login?next=%2Fproducts%2Ftshirt")
    );
    let member = Shopper::new(&t.url(""));
    sign_up(&member, "waiting@example.com").await;
    // On sale now: nothing to wait for.
    let early = member.post_pairs("/restock-alerts", &ask("email")).await;
    assert_eq!(early.status, 303);
    assert!(
        member
            .get("/products/tshirt")
            .await
            .body
            .contains("지금 구매할 수 있는")
    );

    let staff = StaffActor::system("restock-test");
    let stock = jangteo_db::catalog::stock::stock_of(&t.app.db, tshirt)
        .await
        .unwrap()
        .unwrap();
    t.app
        .adjust_stock(&staff, tshirt, -stock, "품절 테스트")
        .await
        .unwrap();
    let page = member.get("/products/tshirt").await.body;
    assert!(
        page.contains("data-restock"),
        "the sold-out SKU offers the alert"
    );
    // No text provider in the test shop: text is neither offered nor taken.
    assert!(!page.contains("value=\"text\""));
    let text = member.post_pairs("/restock-alerts", &ask("text")).await;
    assert_eq!(text.status, 303);
    assert!(
        member
            .get("/products/tshirt")
            .await
            .body
            .contains("이메일로 신청해")
    );
    let asked = member.post_pairs("/restock-alerts", &ask("email")).await;
    assert_eq!(asked.status, 303);
    assert!(
        member
            .get("/products/tshirt")
            .await
            .body
            .contains("재입고 알림을 신청했습니다")
    );
    // Asking twice keeps one request.
    member.post_pairs("/restock-alerts", &ask("email")).await;

    let now = chrono::Utc::now();
    assert_eq!(
        t.app.send_restock_alerts(now).await.unwrap(),
        0,
        "still sold out"
    );
    t.app.adjust_stock(&staff, tshirt, 5, "입고").await.unwrap();
    assert_eq!(t.app.send_restock_alerts(now).await.unwrap(), 1);
    assert_eq!(t.app.send_restock_alerts(now).await.unwrap(), 0, "once");
    let mails: Vec<_> = t
        .app
        .recent_messages(50)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.event == "restock")
        .collect();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].recipient, "waiting@example.com");
    assert!(mails[0].body_text.contains("/products/tshirt"));
}

on_both_backends!(members_are_told_once_when_a_sku_is_back);
