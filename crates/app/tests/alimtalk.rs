//! AlimTalk approved templates (issue 17) through the Solapi fake, on both backends: a registered
//! template goes with its code, its text filled in and the variables Solapi takes; a template
//! with a variable the shop cannot fill is refused when saved, and one whose variable the event
//! lacks sends that message by SMS.

use jangteo_app::auth::StaffActor;
use jangteo_app::config::ProviderChoice;
use jangteo_app::notify::{Channel, Notification};
use jangteo_app::{App, AppError};
use jangteo_db::messages;
use jangteo_providers::messaging::SolapiConfig;
use jangteo_testkit::{Backend, TestDb, fakes, on_both_backends, server::test_config};
use serde_json::json;

const DEPOSIT: &str = "#{고객명}님, 주문 #{주문번호}의 입금 안내입니다.\n#{은행} #{계좌번호} (#{예금주})\n#{입금액}을 #{입금기한}까지 입금해 주세요.";

fn order_placed(dedupe: &str) -> Notification {
    Notification {
        event: "order_placed".into(),
        channel: Channel::AlimTalk,
        to: "01012345678".into(),
        recipient_name: "김구매".into(),
        context: json!({
            "order": {"number": "20261122-8F3K2Q", "url": "http://127.0.0.1/orders/20261122-8F3K2Q",
                "placed_at": "2026-11-22T05:00:00Z",
                "items": [{"name": "반팔티셔츠", "option": "블랙 / L", "quantity": 2, "total": 39_800}],
                "items_total": 39_800, "discount": 0, "shipping_fee": 3_000, "total": 42_800, "payment_method": "가상계좌"},
            "virtual_account": {"bank": "신한은행", "account": "56211234567890", "holder": "장터데모",
                "amount": 42_800, "deadline": "2026-11-25T14:59:59Z"}
        }),
        advertising: false,
        dedupe_key: Some(dedupe.into()),
    }
}

async fn sent(app: &App, n: &Notification) -> i64 {
    let mut tx = app.db.begin().await.unwrap();
    let id = app.notify(&mut tx, n).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    app.deliver_message(id, false).await.unwrap();
    id
}

async fn approved_templates_go_filled_and_checked(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let solapi = fakes::solapi().await;
    let mut config = test_config(t.dir.path(), "127.0.0.1:0", &t.url);
    config.notifications.alimtalk = ProviderChoice::Solapi;
    config.notifications.sms = ProviderChoice::Solapi;
    config.notifications.kakao_channel_id = "KA01PF2026".into();
    config.notifications.solapi = Some(SolapiConfig {
        base_url: solapi.base_url.clone(),
        api_key: fakes::SOLAPI_KEY.into(),
        api_secret: fakes::SOLAPI_SECRET.into(),
    });
    let app = App::new(t.db.clone(), config).unwrap();
    let owner = StaffActor::system("alimtalk-test");

    let unknown = app
        .save_alimtalk_template(
            &owner,
            "order_placed",
            "ORDER_V2",
            "#{고객명}님 #{쿠폰코드}",
        )
        .await;
    assert!(
        matches!(&unknown, Err(AppError::Form(f)) if f.contains(&("alimtalk_text", "alimtalk_unknown_variable"))),
        "{unknown:?}"
    );
    app.save_alimtalk_template(&owner, "order_placed", "ORDER_V2", DEPOSIT)
        .await
        .unwrap();
    let preview = app.alimtalk_preview("order_placed", DEPOSIT).unwrap();
    assert!(
        preview.starts_with("김구매님, 주문 20261122-8F3K2Q"),
        "{preview}"
    );

    let id = sent(&app, &order_placed("deposit:1")).await;
    let body = solapi.received().last().unwrap().json();
    let message = &body["message"];
    assert_eq!(message["type"], "ATA");
    assert_eq!(message["kakaoOptions"]["templateId"], "ORDER_V2");
    assert_eq!(message["kakaoOptions"]["variables"]["#{고객명}"], "김구매");
    assert_eq!(
        message["kakaoOptions"]["variables"]["#{입금액}"],
        "42,800원"
    );
    let text = message["text"].as_str().unwrap();
    assert!(
        text.contains("신한은행 56211234567890 (장터데모)"),
        "{text}"
    );
    assert!(text.contains("42,800원을 2026-11-25 23:59"), "{text}");
    let row = messages::find(&t.db, id).await.unwrap().unwrap();
    assert_eq!(
        (row.channel.as_str(), row.state.as_str()),
        ("alimtalk", "sent")
    );

    // The event has no waybill: a template asking for one cannot be filled, so this message
    // goes by SMS with the shop's own text rather than as an AlimTalk Kakao would refuse.
    app.save_alimtalk_template(
        &owner,
        "order_placed",
        "ORDER_V3",
        "#{고객명}님 #{송장번호}",
    )
    .await
    .unwrap();
    let id = sent(&app, &order_placed("deposit:2")).await;
    let row = messages::find(&t.db, id).await.unwrap().unwrap();
    assert_eq!(row.channel, "sms");
    let kind = solapi.received().last().unwrap().json()["message"]["type"].clone();
    assert!(kind == "SMS" || kind == "LMS", "{kind}");

    // Both empty: registration removed.
    app.save_alimtalk_template(&owner, "order_placed", "", "")
        .await
        .unwrap();
    let view = app
        .alimtalk_for_editing(&owner, "order_placed")
        .await
        .unwrap();
    assert!(view.code.is_empty());
}

on_both_backends!(approved_templates_go_filled_and_checked);
