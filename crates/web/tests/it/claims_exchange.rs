//! Staff exchange a claim filed late, with a recorded exception, and send the replacement with
//! its own carrier and waybill (split from `claims` for size).

use crate::claim_steps::*;
use crate::claims::Case;
use jangteo_testkit::shopper::Shopper;

/// …and staff accept it only with a recorded exception, then exchange it from stock.
pub(crate) async fn staff_exchange_with_recorded_exception(
    c: &Case,
    cs: &Shopper,
    late: &[(String, String)],
) {
    let refs: Vec<(&str, &str)> = late.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let admin_path = c.admin_path();
    let (content_type, body) = claim_body(&refs, &[]);
    let (status, _) = crate::post_multipart(&c.t, cs, &admin_path, &content_type, body).await;
    assert_eq!(status, 422);
    let mut with_reason = refs.clone();
    with_reason.push(("override_reason", "VIP 고객 요청, 팀장 승인"));
    let (content_type, body) = claim_body(&with_reason, &[]);
    let (status, body) = crate::post_multipart(&c.t, cs, &admin_path, &content_type, body).await;
    assert_eq!(status, 303, "{body}");
    let exchange = c.newest_claim().await;
    assert_eq!(
        exchange.override_reason.as_deref(),
        Some("VIP 고객 요청, 팀장 승인")
    );
    assert!(exchange.buyer_pays_return);
    let path = format!("/admin/claims/{}", exchange.id);
    let stock_now = c.stock().await;
    for step in ["approve", "collected"] {
        assert_eq!(
            cs.post(&path, &[("action", step)]).await.status,
            303,
            "{step}"
        );
    }
    // The replacement ships with its own carrier and waybill: without one it is refused.
    let unsent = cs
        .post(&path, &[("action", "exchange"), ("carrier", "cj")])
        .await;
    assert_eq!(unsent.status, 422, "{}", unsent.body);
    let reship = [
        ("action", "exchange"),
        ("carrier", "hanjin"),
        ("waybill", "4200-1234-5678"),
    ];
    assert_eq!(cs.post(&path, &reship).await.status, 303);
    let claim = jangteo_db::claims::find(&c.t.app.db, exchange.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claim.reship_carrier.as_deref(), Some("hanjin"));
    assert_eq!(claim.reship_waybill.as_deref(), Some("420012345678"));
    let told = c.t.app.recent_messages(20).await.unwrap();
    assert!(
        told.iter().any(|m| m.event == "claim_status"
            && m.body_text
                .contains("[교환 상품 발송] 한진택배 420012345678")),
        "the buyer is told the replacement's waybill"
    );
    assert_eq!(
        jangteo_db::claims::find(&c.t.app.db, exchange.id)
            .await
            .unwrap()
            .unwrap()
            .status
            .as_str(),
        "exchanged"
    );
    assert_eq!(
        c.stock().await,
        stock_now - 1,
        "the replacement leaves stock; the returned unit was not put back"
    );
    let line = jangteo_db::orders::lines(&c.t.app.db, c.order.id)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.id == c.line.id)
        .unwrap();
    assert_eq!(
        line.quantity_returned, 2,
        "the replacement is the buyer's: open to a later claim, not counted as returned"
    );
    // The replacement is tracked like any parcel: delivered, it says so on the order.
    let now = c.t.app.now();
    assert_eq!(c.t.app.pull_tracking(now).await.unwrap(), 0);
    c.t.app.test_tracker.deliver("hanjin", "420012345678");
    assert_eq!(c.t.app.pull_tracking(now).await.unwrap(), 1);
    assert_eq!(c.t.app.pull_tracking(now).await.unwrap(), 0, "once");
    let claim = jangteo_db::claims::find(&c.t.app.db, exchange.id).await;
    assert!(claim.unwrap().unwrap().reship_delivered_at.is_some());
    let events = crate::checkout::timeline_of(&c.t, &c.number).await;
    assert!(
        events.contains(&"replacement_delivered".to_owned()),
        "{events:?}"
    );
}
