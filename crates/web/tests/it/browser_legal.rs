//! What Korean law asks a shop to show, in a real browser on desktop and phone: the seller
//! disclosure in the footer, a product's 상품정보제공고시 with the trade terms, and the sign-up
//! form's age and consent boxes (none ticked before the shopper ticks them). Screenshots are kept
//! for people to look at.

use thirtyfour::prelude::*;

async fn legal_pages(width: u32, height: u32, mobile: bool, name: &str) {
    let Some((demo, browser)) = crate::browser::demo_browser(width, height, mobile).await else {
        return;
    };
    let d = &browser.driver;

    // The footer: every seller item, the FTC link, the privacy policy in bold.
    d.goto(demo.url("/")).await.unwrap();
    let footer = d.find(By::Css("[data-legal-footer]")).await.unwrap();
    footer.scroll_into_view().await.unwrap();
    let text = footer.text().await.unwrap();
    for item in [
        "상호",
        "대표자",
        "사업자등록번호",
        "통신판매업신고번호",
        "강남구청",
        "호스팅서비스 제공자",
        "개인정보보호책임자",
        "이용약관",
        "개인정보처리방침",
    ] {
        assert!(text.contains(item), "{item} in the footer: {text}");
    }
    let ftc = d.find(By::Css("a.biz-info__verify")).await.unwrap();
    assert!(
        ftc.attr("href")
            .await
            .unwrap()
            .unwrap()
            .contains("ftc.go.kr/bizCommPop.do?wrkr_no=")
    );
    let privacy = d.find(By::Css("a.biz-info__privacy strong")).await.unwrap();
    let weight = privacy.css_value("font-weight").await.unwrap();
    assert!(weight.parse::<u32>().unwrap_or(0) >= 700, "bold: {weight}");
    assert!(
        d.find(By::Css(".test-ribbon"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap()
    );
    browser.screenshot(&format!("{name}-legal-footer")).await;

    // The footer's 공지사항 and 이벤트 lead to the demo's posts.
    d.find(By::Css(".site-footer__links a[href='/notices']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let notices = d.find_all(By::Css(".post-item")).await.unwrap();
    assert!(notices.len() >= 3, "{} notices", notices.len());
    assert!(
        notices[0].text().await.unwrap().contains("배송 안내"),
        "pinned first"
    );
    browser.screenshot(&format!("{name}-notices")).await;
    d.back().await.unwrap();
    let events = d
        .find(By::Css(".site-footer__links a[href='/events']"))
        .await
        .unwrap();
    events.scroll_into_view().await.unwrap();
    events.click().await.unwrap();
    let listed = d.find(By::Css(".post-item")).await.unwrap();
    assert!(listed.text().await.unwrap().contains("할인"));

    // A demo product's notice table, then the trade terms.
    d.goto(demo.url("/products/overfit-cotton-tshirt"))
        .await
        .unwrap();
    let notice = d.find(By::Css("#product-notice")).await.unwrap();
    notice.scroll_into_view().await.unwrap();
    let rows = d.find_all(By::Css("#product-notice tr")).await.unwrap();
    assert!(rows.len() >= 9 + 5, "{} rows", rows.len());
    let table = notice.text().await.unwrap();
    assert!(table.contains("제품 소재") && table.contains("청약철회 가능 여부와 기한"));
    browser.screenshot(&format!("{name}-product-notice")).await;

    // Sign-up: 만 14세 이상 first, nothing ticked.
    d.goto(demo.url("/account/signup")).await.unwrap();
    let boxes = d
        .find_all(By::Css(
            "form[action='/account/signup'] input[type='checkbox']",
        ))
        .await
        .unwrap();
    assert!(boxes.len() >= 4);
    for b in &boxes {
        assert!(!b.is_selected().await.unwrap(), "no box is pre-ticked");
    }
    let age = d.find(By::Name("confirm_age")).await.unwrap();
    age.scroll_into_view().await.unwrap();
    browser.screenshot(&format!("{name}-signup-consents")).await;
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desktop_shows_the_legal_disclosures() {
    legal_pages(1280, 900, false, "desktop").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_shows_the_legal_disclosures() {
    legal_pages(390, 844, true, "mobile").await;
}
