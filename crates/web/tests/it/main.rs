//! HTTP tests through the real router on a real port, against SQLite and PostgreSQL, and
//! browser journeys in headless Chromium.

mod active_content;
mod admin;
mod admin_catalog;
mod admin_content;
mod admin_members;
mod admin_orders;
mod admin_products;
mod admin_products_steps;
mod admin_stats;
mod admin_steps;
mod admin_stock;
mod browser;
mod browser_admin;
mod browser_catalog;
mod browser_channels;
mod browser_checkout;
mod browser_coupons;
mod browser_grades;
mod browser_hardening;
mod browser_identity;
mod browser_legal;
mod browser_parcels;
mod browser_pins;
mod browser_portone;
mod browser_retry;
mod browser_returns;
mod browser_reviews;
mod browser_settings;
mod browser_social;
mod browser_toss;
mod browser_webhooks;
mod browser_wishlist;
mod cache;
mod cash_receipts;
mod channel_orders;
mod channel_scenario;
mod channel_stock;
mod chatops;
mod checkout;
mod checkout_retry;
mod checkout_safety;
mod claim_steps;
mod claims;
mod claims_exchange;
mod claims_full_return;
mod coupon_admin;
mod escrow_payments;
mod gift_admin;
mod gift_checkout;
mod gift_limits;
mod gift_withdrawal;
mod grade_admin;
mod identity;
mod identity_demo;
mod identity_gate;
mod identity_nice;
mod inquiries;
mod kakaopay_payments;
mod limits;
mod lockout;
mod loyalty;
mod media;
mod member_accounts;
mod notify_settings;
mod observability;
mod open_for_business;
mod outage;
mod pages;
mod partial_shipments;
mod pins;
mod pins_message;
mod portone_payments;
mod product_facts;
mod reconciliation;
mod refund_accounts;
mod restock;
mod reviews;
mod secrets_at_rest;
mod seo;
mod shipping;
mod social_login;
mod staff;
mod staff_alerts;
mod staff_api;
mod staff_tokens;
mod stock_display;
mod toss_payments;
mod tracking;
mod webhooks;
mod wishlist;

use jangteo_testkit::{Backend, TestApp, fixtures};

/// An app with the fixture catalog and two CMS pages.
pub async fn fixture_app(backend: Backend) -> Option<(TestApp, fixtures::Catalog)> {
    let t = TestApp::spawn(backend).await?;
    let catalog = fixtures::catalog(&t.app).await;
    let mut tx = t.app.db.begin().await.unwrap();
    let now = chrono::Utc::now();
    jangteo_db::content::upsert_page(
        &mut tx,
        "terms",
        "이용약관",
        "<h3>제1조</h3><p>약관 본문</p>",
        now,
    )
    .await
    .unwrap();
    jangteo_db::content::upsert_page(&mut tx, "privacy", "개인정보처리방침", "<p>방침</p>", now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    t.app.invalidate_catalog();
    Some((t, catalog))
}

/// What the product editor needs beside name and price to show product `id`: its category kept
/// and a complete 상품정보제공고시 (기타 재화).
pub async fn shown_product_fields(t: &TestApp, id: i64) -> Vec<(String, String)> {
    let row =
        jangteo_db::catalog::products::find_by_id(&t.app.db, jangteo_core::ids::ProductId(id))
            .await
            .unwrap()
            .unwrap();
    let mut fields = vec![
        ("category_id".to_owned(), row.category_id.to_string()),
        ("notice_category".to_owned(), "other".to_owned()),
    ];
    let other = jangteo_core::product_notice::category("other").unwrap();
    for field in other.fields {
        fields.push((
            format!("notice__other__{}", field.key),
            "상세페이지 참조".to_owned(),
        ));
    }
    fields
}

/// The value of `attr` in the first tag that contains `marker` (a crude but dependency-free probe).
pub fn attr_after(html: &str, marker: &str, attr: &str) -> Option<String> {
    let start = html.find(marker)?;
    let tag_start = html[..start].rfind('<')?;
    let tag_end = start + html[start..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let key = format!("{attr}=\"");
    let at = tag.find(&key)? + key.len();
    Some(tag[at..at + tag[at..].find('"')?].replace("&amp;", "&"))
}

/// Every `<script type="application/ld+json">` body.
pub fn json_ld(html: &str) -> Vec<serde_json::Value> {
    html.split("<script type=\"application/ld+json\">")
        .skip(1)
        .filter_map(|rest| rest.split("</script>").next())
        .map(|body| serde_json::from_str(body.trim()).expect("JSON-LD parses"))
        .collect()
}

/// A multipart body with one file field `file`: (content type, body).
pub fn multipart(file_name: &str, content_type: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "jangteoboundary7";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts a file to a back-office upload form as `staff`: (status, body).
pub async fn upload_as(
    t: &jangteo_testkit::TestApp,
    staff: &jangteo_testkit::shopper::Shopper,
    path: &str,
    file_name: &str,
    body: &[u8],
) -> (u16, String) {
    let (content_type, body) = multipart(file_name, "application/octet-stream", body);
    post_multipart(t, staff, path, &content_type, body).await
}

/// Posts a multipart body to a back-office form as `staff`: (status, body).
pub async fn post_multipart(
    t: &jangteo_testkit::TestApp,
    staff: &jangteo_testkit::shopper::Shopper,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, String) {
    let response = jangteo_testkit::server::client()
        .post(t.url(path))
        .header("cookie", staff.admin_cookie().unwrap())
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The rows a dry-run page hands to its apply form (the hidden `rows` field, unescaped).
pub fn hidden_rows(page: &str) -> String {
    page.split("name=\"rows\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}
