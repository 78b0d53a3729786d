//! Steps the claim tests share: a buyer with a delivered order, the claim form posted as
//! multipart, time moved past the delivery.

use crate::checkout::{add, pay, place, sign_up};
use jangteo_db::orders::{OrderLineRow, OrderRow};
use jangteo_testkit::TestApp;
use jangteo_testkit::shopper::Shopper;

/// A multipart claim form: text fields, then photo files.
pub(crate) fn claim_body(fields: &[(&str, &str)], photos: &[&[u8]]) -> (String, Vec<u8>) {
    let boundary = "jangteoclaim5";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (i, photo) in photos.iter().enumerate() {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"p{i}.png\"\r\nContent-Type: image/png\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(photo);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts a claim form as a visitor with a shop session (browser-like headers): (status, location, body).
pub(crate) async fn post_claim(
    t: &TestApp,
    who: &Shopper,
    path: &str,
    fields: &[(&str, &str)],
    photos: &[&[u8]],
) -> (u16, Option<String>, String) {
    let (content_type, body) = claim_body(fields, photos);
    let cookie = who.cookie_header();
    let response = jangteo_testkit::server::client()
        .post(t.url(path))
        .header("cookie", cookie)
        .header("origin", t.url(""))
        .header("sec-fetch-site", "same-origin")
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, location, response.text().await.unwrap())
}

/// A member who bought `units` T-shirts by card: (the buyer, the order number, the order, its
/// T-shirt line).
pub(crate) async fn bought(
    t: &TestApp,
    tshirt: i64,
    email: &str,
    units: u32,
) -> (Shopper, String, OrderRow, OrderLineRow) {
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, email).await;
    add(&buyer, tshirt, units).await;
    let number = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap();
    let line = jangteo_db::orders::lines(&t.app.db, order.id)
        .await
        .unwrap()
        .into_iter()
        .find(|l| !l.is_gift)
        .unwrap();
    (buyer, number, order, line)
}

/// Staff move a paid order through preparation and shipping to delivered.
pub(crate) async fn deliver(staff: &Shopper, number: &str) {
    let action = format!("/admin/orders/{number}/action");
    for form in [
        vec![("action", "prepare")],
        vec![
            ("action", "ship"),
            ("carrier", "cj"),
            ("waybill", "654321098765"),
        ],
        vec![("action", "deliver")],
    ] {
        assert_eq!(staff.post(&action, &form).await.status, 303);
    }
}

/// Staff file a defect return of `units` of line `line` for the buyer (with a photo); the
/// claim's id.
pub(crate) async fn staff_files_a_defect(t: &TestApp, number: &str, line: i64, units: i64) -> i64 {
    t.app
        .staff_file_claim(
            &jangteo_app::auth::StaffActor::system("test"),
            number,
            &jangteo_app::claims::ClaimForm {
                kind: "defect".into(),
                resolution: "return".into(),
                reason: "박음질이 풀려 있었습니다. 사진 첨부합니다.".into(),
                discovered_on: jangteo_core::time::business_date(chrono::Utc::now()).to_string(),
                units: vec![(line, units)],
                photos: vec![jangteo_media::demo_banner([120, 120, 160], 2).into()],
                override_reason: String::new(),
            },
        )
        .await
        .unwrap()
}

/// The audit log records every staff action and the exception's reason; the order timeline
/// shows the refund and the exchange.
pub(crate) async fn claims_audited_and_on_the_timeline(
    t: &TestApp,
    order_id: jangteo_core::ids::OrderId,
) {
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
    let timeline = jangteo_db::orders::events(&t.app.db, order_id)
        .await
        .unwrap();
    assert!(timeline.iter().any(|e| e.event == "claim_refunded"));
    assert!(timeline.iter().any(|e| e.event == "claim_exchanged"));
}
