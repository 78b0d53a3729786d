//! Returns and exchanges: the buyer files from a delivered order within the windows (shown
//! first), staff approve, collect and refund through the gateway (or exchange from stock), a
//! closed window needs a staff exception with a reason; the dashboard counts what waits; on
//! SQLite and PostgreSQL.

use crate::checkout::{shop, sign_up};
use crate::claim_steps::*;
use chrono::{Duration, Utc};
use jangteo_core::Won;
use jangteo_core::time::business_date;
use jangteo_db::catalog::stock;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, on_both_backends};

async fn buyers_return_goods_and_staff_refund_them(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let (buyer, number, order, line) = bought(&t, tshirt, "buyer@example.com", 4).await;
    let units = format!("units_{}", line.id);
    let new_path = format!("/orders/{number}/claims/new");
    let post_path = format!("/orders/{number}/claims");

    // Not delivered yet: no form, back to the order.
    let early = buyer.get(&new_path).await;
    assert_eq!(early.status, 303);
    assert!(
        !buyer
            .get(&format!("/orders/{number}"))
            .await
            .body
            .contains("id=\"claim-link\"")
    );

    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    deliver(&cs, &number).await;

    // The form shows each kind with its window.
    assert!(
        buyer
            .get(&format!("/orders/{number}"))
            .await
            .body
            .contains("id=\"claim-link\"")
    );
    let form = buyer.get(&new_path).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("받은 날부터 7일 이내"));
    assert!(form.body.contains("하자를 안 날부터 6개월"));
    assert!(form.body.contains(&format!("name=\"{units}\"")));

    // Refusals: no discovery date for a defect, more units than bought, a file that is no image.
    let today = business_date(Utc::now()).to_string();
    let base = |n: &'static str, date: &str| -> Vec<(String, String)> {
        vec![
            ("kind".into(), "defect".into()),
            ("resolution".into(), "return".into()),
            ("reason".into(), "솔기가 터져서 왔어요".into()),
            ("discovered_on".into(), date.to_owned()),
            (units.clone(), n.into()),
        ]
    };
    let as_refs = |v: &[(String, String)]| -> Vec<(String, String)> { v.to_vec() };
    let send = |fields: Vec<(String, String)>, photos: Vec<Vec<u8>>| {
        let t = &t;
        let buyer = &buyer;
        let post_path = post_path.clone();
        async move {
            let refs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let photo_refs: Vec<&[u8]> = photos.iter().map(Vec::as_slice).collect();
            post_claim(t, buyer, &post_path, &refs, &photo_refs).await
        }
    };
    let (status, _, body) = send(as_refs(&base("2", "")), vec![]).await;
    assert_eq!(status, 422);
    assert!(body.contains("문제를 안 날을 입력해 주세요"));
    assert!(body.contains("솔기가 터져서 왔어요"), "typed reason kept");
    let (status, _, body) = send(as_refs(&base("5", &today)), vec![]).await;
    assert_eq!(status, 422);
    assert!(body.contains("신청 수량은 남은 수량까지"));
    let (status, _, _) = send(as_refs(&base("2", &today)), vec![b"not a picture".to_vec()]).await;
    assert_eq!(status, 422);
    // A decompression bomb (a small file claiming 10,841 × 10,841 pixels) is refused unread.
    let bomb = jangteo_testkit::fixtures::png_bomb(10_841, 10_841);
    assert!(bomb.len() < 1024 * 1024);
    let (status, _, body) = send(as_refs(&base("2", &today)), vec![bomb]).await;
    assert_eq!(status, 422);
    assert!(body.contains("이미지가 너무 큽니다"), "{body}");
    assert!(body.contains("솔기가 터져서 왔어요"), "typed reason kept");
    assert!(
        jangteo_db::claims::for_order(&t.app.db, order.id)
            .await
            .unwrap()
            .is_empty()
    );

    // Filed with a photo; the units it holds are no longer offered.
    let photo = jangteo_media::demo_banner([200, 30, 30], 1);
    let (status, location, body) = send(as_refs(&base("2", &today)), vec![photo.clone()]).await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(
        location.as_deref(),
        Some(format!("/orders/{number}#claims").as_str())
    );
    let claims = jangteo_db::claims::for_order(&t.app.db, order.id)
        .await
        .unwrap();
    assert_eq!(claims.len(), 1);
    let claim = claims[0].id;
    assert_eq!(
        jangteo_db::claims::evidence(&t.app.db, claim)
            .await
            .unwrap()
            .len(),
        1
    );
    let (status, _, _) = send(as_refs(&base("3", &today)), vec![]).await;
    assert_eq!(status, 422, "only two units left to claim");
    let page = buyer.get(&format!("/orders/{number}")).await.body;
    assert!(page.contains("반품/교환 신청") && page.contains("신청됨"));

    // Someone else's order does not exist for them.
    let other = Shopper::new(&t.url(""));
    sign_up(&other, "other@example.com").await;
    assert_eq!(other.get(&new_path).await.status, 404);

    // The dashboard counts it and links the queue.
    let dashboard = cs.get("/admin").await.body;
    assert!(dashboard.contains("/admin/claims?status=waiting"));
    let queue = cs.get("/admin/claims").await;
    assert_eq!(queue.status, 200);
    assert!(queue.body.contains(&format!("data-claim=\"{claim}\"")));

    // Staff: no refund before the goods are back; approve, collected, refund with restock.
    let claim_path = format!("/admin/claims/{claim}");
    let detail = cs.get(&claim_path).await;
    assert!(detail.body.contains("판매자 부담") && detail.body.contains("솔기가 터져서"));
    let early_refund = cs
        .post(&claim_path, &[("action", "refund"), ("deduction", "0")])
        .await;
    assert_eq!(early_refund.status, 303);
    assert_eq!(
        jangteo_db::claims::find(&t.app.db, claim)
            .await
            .unwrap()
            .unwrap()
            .status
            .as_str(),
        "requested"
    );
    let empty_reject = cs
        .post(&claim_path, &[("action", "reject"), ("reject_reason", " ")])
        .await;
    assert_eq!(empty_reject.status, 422, "a rejection needs a reason");
    let stock_before = stock::stock_of(&t.app.db, tshirt).await.unwrap().unwrap();
    assert_eq!(
        cs.post(&claim_path, &[("action", "approve")]).await.status,
        303
    );
    assert_eq!(
        cs.post(&claim_path, &[("action", "collected")])
            .await
            .status,
        303
    );
    let refunded = cs
        .post(
            &claim_path,
            &[
                ("action", "refund"),
                ("deduction", "0"),
                ("restock", "true"),
            ],
        )
        .await;
    assert_eq!(refunded.status, 303, "{}", refunded.body);
    let row = jangteo_db::claims::find(&t.app.db, claim)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status.as_str(), "refunded");
    let share = Won(jangteo_core::refund::share_of_units(
        line.total.get(),
        4,
        0,
        2,
    ));
    let refunds = jangteo_db::refunds::of_order(&t.app.db, order.id)
        .await
        .unwrap();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].amount, share);
    assert_eq!(row.refund_id, Some(refunds[0].id));
    let payment = jangteo_db::payments::latest_for_order(&t.app.db, order.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (payment.status.as_str(), payment.cancelled_amount),
        ("partially_cancelled", share)
    );
    assert_eq!(
        stock::stock_of(&t.app.db, tshirt).await.unwrap().unwrap(),
        stock_before + 2
    );
    let earns = jangteo_db::orders::find_by_id(&t.app.db, order.id)
        .await
        .unwrap()
        .unwrap()
        .points_to_earn;
    assert_eq!(
        earns,
        order.points_to_earn * (line.total - share).get() / line.total.get(),
        "points earned at confirmation follow the goods kept"
    );
    let returned = jangteo_db::orders::lines(&t.app.db, order.id)
        .await
        .unwrap();
    assert_eq!(
        returned
            .iter()
            .find(|l| l.id == line.id)
            .unwrap()
            .quantity_returned,
        2
    );
    let again = cs
        .post(&claim_path, &[("action", "refund"), ("deduction", "0")])
        .await;
    assert_eq!(again.status, 303);
    assert_eq!(
        jangteo_db::refunds::of_order(&t.app.db, order.id)
            .await
            .unwrap()
            .len(),
        1,
        "refunded once"
    );
    assert!(
        buyer
            .get(&format!("/orders/{number}"))
            .await
            .body
            .contains("환불 완료")
    );
    assert_eq!(
        jangteo_db::claims::count_waiting(&t.app.db).await.unwrap(),
        0
    );

    // The buyer confirms the purchase: the points left to earn are granted.
    assert_eq!(
        buyer
            .post(&format!("/orders/{number}/confirm"), &[])
            .await
            .status,
        303
    );
    let points = || async {
        jangteo_db::members::find_by_email(&t.app.db, "buyer@example.com")
            .await
            .unwrap()
            .unwrap()
            .points_balance
    };
    let balance_confirmed = points().await;

    // A week and more later: a change of mind is refused to the buyer…
    t.app.clock.travel(Duration::days(10));
    let late = vec![
        ("kind".to_owned(), "change_of_mind".to_owned()),
        ("resolution".to_owned(), "exchange".to_owned()),
        ("reason".to_owned(), "색이 마음에 안 들어요".to_owned()),
        (units.clone(), "1".to_owned()),
    ];
    let (status, _, body) = send(late.clone(), vec![]).await;
    assert_eq!(status, 422);
    assert!(body.contains("신청 기간이 지났습니다"));
    // …and staff accept it only with a recorded exception, then exchange it from stock.
    let refs: Vec<(&str, &str)> = late.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let admin_path = format!("/admin/orders/{number}/claims");
    let (content_type, body) = claim_body(&refs, &[]);
    let (status, _) = crate::post_multipart(&t, &cs, &admin_path, &content_type, body).await;
    assert_eq!(status, 422);
    let mut with_reason = refs.clone();
    with_reason.push(("override_reason", "VIP 고객 요청, 팀장 승인"));
    let (content_type, body) = claim_body(&with_reason, &[]);
    let (status, body) = crate::post_multipart(&t, &cs, &admin_path, &content_type, body).await;
    assert_eq!(status, 303, "{body}");
    let exchange = jangteo_db::claims::for_order(&t.app.db, order.id)
        .await
        .unwrap()[0]
        .clone();
    assert_eq!(
        exchange.override_reason.as_deref(),
        Some("VIP 고객 요청, 팀장 승인")
    );
    assert!(exchange.buyer_pays_return);
    let path = format!("/admin/claims/{}", exchange.id);
    let stock_now = stock::stock_of(&t.app.db, tshirt).await.unwrap().unwrap();
    for step in ["approve", "collected", "exchange"] {
        assert_eq!(
            cs.post(&path, &[("action", step)]).await.status,
            303,
            "{step}"
        );
    }
    assert_eq!(
        jangteo_db::claims::find(&t.app.db, exchange.id)
            .await
            .unwrap()
            .unwrap()
            .status
            .as_str(),
        "exchanged"
    );
    assert_eq!(
        stock::stock_of(&t.app.db, tshirt).await.unwrap().unwrap(),
        stock_now - 1,
        "the replacement leaves stock; the returned unit was not put back"
    );

    // A return after the purchase was confirmed: return shipping kept, earned points taken back.
    let last = [
        ("kind", "change_of_mind"),
        ("resolution", "return"),
        ("reason", "사이즈가 안 맞아요"),
        (units.as_str(), "1"),
        ("override_reason", "VIP 고객 요청, 팀장 승인"),
    ];
    let (content_type, body) = claim_body(&last, &[]);
    let (status, body) = crate::post_multipart(&t, &cs, &admin_path, &content_type, body).await;
    assert_eq!(status, 303, "{body}");
    let back = jangteo_db::claims::for_order(&t.app.db, order.id)
        .await
        .unwrap()[0]
        .id;
    let path = format!("/admin/claims/{back}");
    for step in ["approve", "collected"] {
        assert_eq!(cs.post(&path, &[("action", step)]).await.status, 303);
    }
    assert!(
        cs.get(&path).await.body.contains("value=\"3000\""),
        "buyer pays: the return fee is suggested"
    );
    let too_much = cs
        .post(&path, &[("action", "refund"), ("deduction", "999999")])
        .await;
    assert_eq!(too_much.status, 422);
    let refunded = cs
        .post(&path, &[("action", "refund"), ("deduction", "3,000")])
        .await;
    assert_eq!(refunded.status, 303, "{}", refunded.body);
    let last_share = Won(jangteo_core::refund::share_of_units(
        line.total.get(),
        4,
        3,
        1,
    ));
    let refunds = jangteo_db::refunds::of_order(&t.app.db, order.id)
        .await
        .unwrap();
    assert_eq!(refunds.len(), 2);
    assert_eq!(refunds[1].amount, last_share - Won(3_000));
    assert_eq!(
        points().await,
        balance_confirmed - earns.min(balance_confirmed),
        "the points earned on goods sent back are taken back"
    );

    let (entries, _) = jangteo_db::audit::search(
        &t.app.db,
        &jangteo_db::audit::AuditFilter {
            action_prefix: "claims.".into(),
            ..Default::default()
        },
        20,
        0,
    )
    .await
    .unwrap();
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.action == "claims.action")
            .count(),
        9
    );
    let filed = entries.iter().find(|e| e.action == "claims.file").unwrap();
    assert_eq!(filed.reason, "VIP 고객 요청, 팀장 승인");
    let timeline = jangteo_db::orders::events(&t.app.db, order.id)
        .await
        .unwrap();
    assert!(timeline.iter().any(|e| e.event == "claim_refunded"));
    assert!(timeline.iter().any(|e| e.event == "claim_exchanged"));
}

on_both_backends!(buyers_return_goods_and_staff_refund_them);
