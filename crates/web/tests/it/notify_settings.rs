//! 알림 설정 on SQLite and PostgreSQL: the owner picks each customer event's channels (the page
//! warns where no provider sends); a paid order's message goes by exactly those; only the
//! notifications role may change them; audited.

use crate::checkout::{add, pay, place, shop, sign_up};
use jangteo_app::auth::StaffActor;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, on_both_backends};

async fn customer_messages_go_by_the_chosen_channels(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let page = owner.get("/admin/notifications").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("발송 수단이 설정되지 않아"),
        "the test shop sends no texts"
    );
    let saved = owner
        .post(
            "/admin/notifications",
            &[
                ("ch", "payment_completed:email"),
                ("ch", "payment_completed:alimtalk"),
                ("ch", "order_placed:email"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    let warehouse = StaffActor {
        role: jangteo_core::staff::Role::Warehouse,
        ..StaffActor::system("warehouse-test")
    };
    let refused = t.app.set_event_channels(&warehouse, &[]).await;
    assert!(matches!(refused, Err(jangteo_app::AppError::Forbidden)));

    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "channels@example.com").await;
    add(&buyer, tshirt, 1).await;
    let number = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    let sent: Vec<(String, String)> = t
        .app
        .recent_messages(50)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.event == "payment_completed")
        .map(|m| (m.channel, m.recipient))
        .collect();
    assert_eq!(sent.len(), 2, "{sent:?} for {number}");
    assert!(sent.iter().any(|(c, to)| c == "email" && to.contains('@')));
    assert!(
        sent.iter()
            .any(|(c, to)| c == "alimtalk" && to.starts_with("010"))
    );
    let (entries, _) = jangteo_db::audit::search(&t.app.db, &Default::default(), 50, 0)
        .await
        .unwrap();
    assert!(entries.iter().any(|e| e.action == "notify.channels"));
}

on_both_backends!(customer_messages_go_by_the_chosen_channels);
