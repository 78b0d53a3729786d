//! CMS: pages, notices and events saved through the back office come out clean (XSS payloads
//! harmless), show in the shop, and every save is audited; the editor's image upload stores the
//! image; on SQLite and PostgreSQL.

use crate::fixture_app;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

const PAYLOAD: &str = "<h2>배송 안내</h2>\
    <p style=\"text-align:center;font-family:Comic Sans MS;position:fixed\" onclick=\"alert(1)\">평일 2시 이전 주문은 당일 출고</p>\
    <script>alert('xss')</script><img src=x onerror=alert(1)>\
    <a href=\"javascript:alert(1)\">클릭</a><a href=\"https://example.com/guide\">안내</a>\
    <iframe src=\"https://evil.example/\"></iframe>\
    <iframe src=\"https://www.youtube.com/embed/abc123\"></iframe>";

fn assert_harmless(html: &str) {
    let lower = html.to_lowercase();
    for bad in [
        "<script",
        "onerror",
        "onclick",
        "javascript:",
        "evil.example",
        "position:fixed",
        "font-family",
    ] {
        assert!(!lower.contains(bad), "{bad} survived in {html}");
    }
}

fn picture() -> Vec<u8> {
    jangteo_media::demo_banner([200, 30, 30], 1)
}

/// A new page with a hostile body: saved clean, shown in the shop at its address.
async fn hostile_page_saved_clean(t: &TestApp, marketer: &Shopper, visitor: &Shopper) {
    let saved = marketer
        .post(
            "/admin/pages",
            &[
                ("title", "배송 안내"),
                ("slug", "shipping-guide"),
                ("body_html", PAYLOAD),
                ("published", "true"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = visitor.get("/pages/shipping-guide").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("평일 2시 이전 주문은 당일 출고"));
    assert!(page.body.contains("text-align:center"));
    assert!(page.body.contains("https://www.youtube.com/embed/abc123"));
    assert!(page.body.contains("rel=\"noopener noreferrer\""));
    let body = page
        .body
        .split("cms-page__body\">")
        .nth(1)
        .unwrap()
        .split("</article>")
        .next()
        .unwrap();
    assert_harmless(body);
    // The stored body is the clean one too.
    let stored = jangteo_db::content::published_page(&t.app.db, "shipping-guide")
        .await
        .unwrap()
        .unwrap();
    assert_harmless(&stored.body_html);
}

/// A taken or malformed address is refused with the typed title kept.
async fn bad_page_addresses_refused(marketer: &Shopper) {
    let taken = marketer
        .post(
            "/admin/pages",
            &[
                ("title", "다른 페이지"),
                ("slug", "shipping-guide"),
                ("body_html", ""),
            ],
        )
        .await;
    assert_eq!(taken.status, 422);
    assert!(taken.body.contains("이미 쓰고 있는 주소입니다") && taken.body.contains("다른 페이지"));
    let bad = marketer
        .post(
            "/admin/pages",
            &[("title", "x"), ("slug", "배송 안내"), ("body_html", "")],
        )
        .await;
    assert_eq!(bad.status, 422);
}

/// CS may not edit content.
async fn cs_may_not_edit_content(cs: &Shopper) {
    assert_eq!(cs.get("/admin/content").await.status, 403);
    assert_eq!(
        cs.post(
            "/admin/pages",
            &[("title", "t"), ("slug", "t"), ("body_html", "")]
        )
        .await
        .status,
        403
    );
}

/// A notice: listed and readable; a draft stays hidden.
async fn notice_listed_and_draft_hidden(marketer: &Shopper, visitor: &Shopper) {
    let notice = marketer
        .post(
            "/admin/posts/notice",
            &[
                ("title", "설 연휴 배송 안내"),
                (
                    "body_html",
                    "<p>연휴 기간에는 출고가 쉽니다.</p><script>x</script>",
                ),
                ("pinned", "true"),
                ("published", "true"),
            ],
        )
        .await;
    assert_eq!(notice.status, 303);
    let notice_id: i64 = notice
        .location
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    marketer
        .post(
            "/admin/posts/notice",
            &[("title", "작성 중인 공지"), ("body_html", "<p>초안</p>")],
        )
        .await;
    let notices = visitor.get("/notices").await;
    assert_eq!(notices.status, 200);
    assert!(notices.body.contains("설 연휴 배송 안내") && !notices.body.contains("작성 중인 공지"));
    let one = visitor.get(&format!("/notices/{notice_id}")).await;
    assert!(one.body.contains("연휴 기간에는 출고가 쉽니다.") && !one.body.contains("<script>x"));
    assert_eq!(
        visitor.get(&format!("/events/{notice_id}")).await.status,
        404
    );
}

/// An event needs a sensible period: one ending before it starts is refused.
async fn backwards_event_period_refused(marketer: &Shopper) {
    let wrong = marketer
        .post(
            "/admin/posts/event",
            &[
                ("title", "겨울 세일"),
                ("starts_on", "2026-12-10"),
                ("ends_on", "2026-12-01"),
                ("body_html", ""),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(
        wrong
            .body
            .contains("종료일은 시작일과 같거나 뒤여야 합니다")
    );
}

/// The editor's upload: an image in, its media URL out; not an image is refused. Returns the
/// image's (hash, URL).
async fn editor_uploads_an_image(t: &TestApp, marketer: &Shopper) -> (String, String) {
    let (content_type, upload) = crate::multipart("a.jpg", "image/jpeg", &picture());
    let uploaded = jangteo_testkit::server::client()
        .post(t.url("/admin/media"))
        .header("cookie", marketer.admin_cookie().unwrap())
        .header("origin", t.url("").trim_end_matches('/'))
        .header("sec-fetch-site", "same-origin")
        .header("content-type", content_type)
        .body(upload)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 200);
    let json: serde_json::Value = uploaded.json().await.unwrap();
    let hash = json["hash"].as_str().unwrap().to_owned();
    assert!(json["url"].as_str().unwrap().contains(&hash));
    let (content_type, not_image) = crate::multipart("a.jpg", "image/jpeg", b"not an image");
    let refused = jangteo_testkit::server::client()
        .post(t.url("/admin/media"))
        .header("cookie", marketer.admin_cookie().unwrap())
        .header("content-type", content_type)
        .body(not_image)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    (hash, json["url"].as_str().unwrap().to_owned())
}

/// With a sensible period an event shows the period and its banner.
async fn event_shows_period_and_banner(
    marketer: &Shopper,
    visitor: &Shopper,
    hash: &str,
    url: &str,
) {
    let event = marketer
        .post(
            "/admin/posts/event",
            &[
                ("title", "겨울 세일"),
                ("starts_on", "2026-12-01"),
                ("ends_on", "2026-12-10"),
                ("banner_hash", hash),
                ("body_html", &format!("<p>최대 50%</p><img src=\"{url}\">")),
                ("published", "true"),
            ],
        )
        .await;
    assert_eq!(event.status, 303, "{}", event.body);
    let events = visitor.get("/events").await.body;
    assert!(events.contains("겨울 세일") && events.contains("2026-12-01 ~ 2026-12-10"));
    assert!(events.contains(hash), "banner shown");
}

/// Home banners: an image is required, links stay inside the shop or on https.
async fn banner_refusals(marketer: &Shopper, hash: &str) {
    let no_image = marketer
        .post(
            "/admin/banners",
            &[
                ("title", "겨울 세일 배너"),
                ("link_url", "/events"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(no_image.status, 422);
    assert!(no_image.body.contains("배너 이미지를 올려 주세요"));
    let bad_link = marketer
        .post(
            "/admin/banners",
            &[
                ("title", "겨울 세일 배너"),
                ("link_url", "javascript:alert(1)"),
                ("image_hash", hash),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(bad_link.status, 422);
}

/// A saved banner is on the home page at once, and gone once deleted.
async fn banner_shown_then_deleted(marketer: &Shopper, visitor: &Shopper, hash: &str) {
    let banner = marketer
        .post(
            "/admin/banners",
            &[
                ("title", "겨울 세일 배너"),
                ("subtitle", "최대 50%"),
                ("link_url", "/events"),
                ("image_hash", hash),
                ("position", "-1"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(banner.status, 303, "{}", banner.body);
    let home = visitor.get("/").await.body;
    assert!(
        home.contains("겨울 세일 배너"),
        "the home page shows the new banner at once"
    );
    let listed = marketer.get("/admin/content?tab=banners").await.body;
    let banner_url = listed
        .split("<a href=\"/admin/banners/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(|id| format!("/admin/banners/{id}"))
        .unwrap();
    let deleted = marketer.post(&format!("{banner_url}/delete"), &[]).await;
    assert_eq!(deleted.status, 303);
    assert!(!visitor.get("/").await.body.contains("겨울 세일 배너"));
}

/// Every save is in the audit log with the cleaned body.
async fn every_save_audited_clean(t: &TestApp) {
    let (entries, _) = jangteo_db::audit::search(
        &t.app.db,
        &jangteo_db::audit::AuditFilter {
            action_prefix: "content.".into(),
            ..Default::default()
        },
        20,
        0,
    )
    .await
    .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for action in [
        "content.page",
        "content.notice",
        "content.event",
        "content.image",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    let page_entry = entries.iter().find(|e| e.action == "content.page").unwrap();
    assert_harmless(page_entry.after_data.as_deref().unwrap());
}

async fn staff_edit_pages_notices_and_events(backend: Backend) {
    let Some((t, _)) = fixture_app(backend).await else {
        return;
    };
    let (marketer, _) = staff_session(&t, "mkt@example.com", "marketing").await;
    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    let visitor = Shopper::new(&t.url(""));

    hostile_page_saved_clean(&t, &marketer, &visitor).await;
    bad_page_addresses_refused(&marketer).await;
    cs_may_not_edit_content(&cs).await;
    notice_listed_and_draft_hidden(&marketer, &visitor).await;
    backwards_event_period_refused(&marketer).await;
    let (hash, url) = editor_uploads_an_image(&t, &marketer).await;
    event_shows_period_and_banner(&marketer, &visitor, &hash, &url).await;
    banner_refusals(&marketer, &hash).await;
    banner_shown_then_deleted(&marketer, &visitor, &hash).await;
    every_save_audited_clean(&t).await;
}

on_both_backends!(staff_edit_pages_notices_and_events);
