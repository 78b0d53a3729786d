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

/// A return's steps and an inquiry's answer reach the member by the channels chosen for them.
async fn claims_and_answers_go_by_their_channels(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let owner = StaffActor::system("channels-test");
    let ticked = [
        ("claim_status", "email"),
        ("claim_status", "sms"),
        ("inquiry_answered", "alimtalk"),
    ]
    .map(|(e, c)| (e.to_owned(), c.to_owned()));
    t.app.set_event_channels(&owner, &ticked).await.unwrap();
    let (staff, _) = staff_session(&t, "owner@example.com", "owner").await;
    let (buyer, number, _, line) =
        crate::claim_steps::bought(&t, tshirt, "claim-news@example.com", 1).await;
    crate::claim_steps::deliver(&staff, &number).await;
    let claim = crate::claim_steps::staff_files_a_defect(&t, &number, line.id, 1).await;
    let action =
        jangteo_app::claims::ClaimAction::Reject("사진으로는 하자가 확인되지 않습니다.".into());
    t.app.claim_action(&owner, claim, &action).await.unwrap();
    let news: Vec<(String, String)> = t
        .app
        .recent_messages(50)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.event == "claim_status")
        .map(|m| (m.channel, m.body_text))
        .collect();
    assert_eq!(news.len(), 2, "{news:?}");
    assert!(
        news.iter()
            .any(|(c, text)| c == "email" && text.contains("하자가 확인되지 않습니다"))
    );
    assert!(
        news.iter()
            .any(|(c, text)| c == "sms" && text.contains("반품 신청: 거절"))
    );

    let asked = buyer
        .post(
            "/account/inquiries",
            &[
                ("category", "delivery"),
                ("title", "배송 문의"),
                ("body", "언제 오나요?"),
            ],
        )
        .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    let inquiry: i64 = asked
        .location
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    t.app
        .answer_inquiry(&owner, inquiry, "오늘 출고됩니다.")
        .await
        .unwrap();
    let answered: Vec<(String, String)> = t
        .app
        .recent_messages(50)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.event == "inquiry_answered")
        .map(|m| (m.channel, m.recipient))
        .collect();
    assert_eq!(
        answered,
        [("alimtalk".to_owned(), "01012345678".to_owned())]
    );
}

on_both_backends!(
    customer_messages_go_by_the_chosen_channels,
    claims_and_answers_go_by_their_channels,
);
