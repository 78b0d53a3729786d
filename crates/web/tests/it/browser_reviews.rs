//! A member writes a photo review on a phone from the delivered order's page, sees it on the
//! product page with the rewarded-review badge, gets the points after the hold and loses them
//! when the item is returned (screenshots `review-write-phone.png`, `product-reviews-phone.png`
//! and `points-review-phone.png` are looked at); the owner replies to it and hides it.

use crate::browser_catalog::click;
use crate::browser_checkout::fill;
use crate::checkout::shop;
use crate::claim_steps::{bought, deliver, staff_files_a_defect};
use jangteo_testkit::Backend;
use jangteo_testkit::shopper::staff_session;
use thirtyfour::prelude::*;

#[tokio::test]
async fn a_member_writes_a_photo_review_and_loses_its_points_on_return() {
    let Some((t, tshirt)) = shop(Backend::Sqlite).await else {
        return;
    };
    let (buyer, number, _, line) = bought(&t, tshirt, "photo-review@example.com", 1).await;
    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    deliver(&cs, &number).await;
    let photo = std::env::temp_dir().join(format!("review-{}.png", std::process::id()));
    std::fs::write(&photo, jangteo_media::demo_banner([90, 150, 110], 3)).unwrap();

    let Some(browser) = jangteo_testkit::browser::Browser::phone().await else {
        return;
    };
    let d = &browser.driver;
    crate::browser::as_shopper(d, &t, &buyer).await;
    d.goto(t.url(&format!("/orders/{number}"))).await.unwrap();
    click(d, "#review-link").await;
    click(d, "input[name=stars][value='5']").await;
    fill(
        d,
        "text",
        "도톰하고 부드러워요. 세탁해도 늘어나지 않고 색도 그대로입니다.",
    )
    .await;
    let file = d.find(By::Css("input[name=photos]")).await.unwrap();
    file.send_keys(photo.to_str().unwrap()).await.unwrap();
    browser.screenshot("review-write-phone").await;
    click(d, "[data-review-form] button[type=submit]").await;
    let flash = d.find(By::Css(".flash")).await.unwrap();
    assert!(flash.text().await.unwrap().contains("후기를 등록했습니다"));
    d.find(By::Css(format!("#line-{} .review-line__done", line.id)))
        .await
        .unwrap();

    // The product page: rating at the top, the review with its photo and the badge.
    d.goto(t.url("/products/tshirt")).await.unwrap();
    let rating = d.find(By::Css(".buy-box__rating")).await.unwrap();
    assert!(rating.text().await.unwrap().contains("5.0"));
    let review = d.find(By::Css("#product-reviews .review")).await.unwrap();
    review.scroll_into_view().await.unwrap();
    review.find(By::Css("[data-rewarded]")).await.unwrap();
    let img = review.find(By::Css(".review__photos img")).await.unwrap();
    // The thumbnail really loads (generated on first request).
    let mut loaded = 0;
    for _ in 0..50 {
        let width = d
            .execute(
                "return arguments[0].complete ? arguments[0].naturalWidth : 0;",
                vec![img.to_json().unwrap()],
            )
            .await
            .unwrap();
        loaded = width.json().as_i64().unwrap_or(0);
        if loaded > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(loaded > 0, "the review photo's thumbnail loads");
    browser.screenshot("product-reviews-phone").await;

    // After the hold the points come; the item goes back and so do they.
    t.app.clock.travel(chrono::Duration::days(8));
    assert_eq!(t.app.grant_review_rewards(t.app.now()).await.unwrap(), 1);
    let claim = staff_files_a_defect(&t, &number, line.id, 1).await;
    let claim_path = format!("/admin/claims/{claim}");
    for form in [
        vec![("action", "approve")],
        vec![("action", "collected")],
        vec![
            ("action", "refund"),
            ("deduction", "0"),
            ("restock", "true"),
        ],
    ] {
        assert_eq!(cs.post(&claim_path, &form).await.status, 303);
    }
    d.goto(t.url("/account/points")).await.unwrap();
    let ledger = d.find(By::Css(".points-table")).await.unwrap();
    let ledger = ledger.text().await.unwrap();
    assert!(
        ledger.contains("후기 작성 적립") && ledger.contains("반품으로 후기 적립금 회수"),
        "{ledger}"
    );
    browser.screenshot("points-review-phone").await;
    browser.quit().await;
    let _ = std::fs::remove_file(photo);
    the_owner_replies_and_hides_it(&t).await;
}

/// The owner finds the review from the menu, replies, then hides it with a reason after a
/// confirmation; the product page loses it (screenshot `admin-review.png` is looked at).
async fn the_owner_replies_and_hides_it(t: &jangteo_testkit::TestApp) {
    let Some(browser) = crate::browser_admin::owner_browser(t, 1280, 1000).await else {
        return;
    };
    let d = &browser.driver;
    d.goto(t.url("/admin")).await.unwrap();
    click(d, "nav.admin-nav a[href='/admin/reviews']").await;
    click(d, "#reviews tr[data-review] a").await;
    fill(
        d,
        "reply",
        "소중한 후기 감사합니다. 불편을 드려 죄송합니다.",
    )
    .await;
    click(d, "#review-reply button[type=submit]").await;
    d.find(By::Css(".flash")).await.unwrap();
    let visitor = jangteo_testkit::shopper::Shopper::new(&t.url(""));
    assert!(
        visitor
            .get("/products/tshirt")
            .await
            .body
            .contains("불편을 드려 죄송합니다")
    );
    // Hiding needs a reason and a confirmation.
    fill(d, "reason", "다른 상품 광고가 들어 있음").await;
    click(d, "#review-visibility button[type=submit]").await;
    crate::browser_catalog::accept_the_confirmation(d).await;
    let note = d.find(By::Id("review-hidden-note")).await.unwrap();
    assert!(note.text().await.unwrap().contains("다른 상품 광고"));
    browser.screenshot("admin-review").await;
    let page = visitor.get("/products/tshirt").await.body;
    assert!(!page.contains("도톰하고 부드러워요") && page.contains("상품후기 (0)"));
    browser.quit().await;
}
