//! A member on a phone returns everything bought: from the order page to the claim form, whose
//! expected refund follows the reason and units chosen; staff refund it and the order ends as
//! 반품완료 with the refund shown; the staff claim page shows the refund as made (screenshots
//! `claim-quote.png`, `order-returned-top.png`, `order-returned.png` and `admin-claim-refunded.png` are looked at).

use crate::browser::{as_shopper, as_staff};
use crate::browser_toss::click;
use jangteo_core::Won;
use jangteo_core::refund::share_of_units;
use jangteo_testkit::Backend;
use jangteo_testkit::browser::Browser;
use std::time::Duration;
use thirtyfour::prelude::*;

/// Waits until the quote's amount reads `expected` (the box is replaced on every change).
async fn quote_reads(d: &WebDriver, expected: &str) {
    let mut seen = String::new();
    for _ in 0..50 {
        if let Ok(amount) = d.find(By::Id("refund-quote-amount")).await {
            seen = amount.text().await.unwrap_or_default();
            if seen == expected {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the quote reads {seen}, not {expected}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_returns_everything_and_sees_the_refund() {
    let Some((t, tshirt)) = crate::checkout::shop(Backend::Sqlite).await else {
        return;
    };
    let (buyer, number, order, line) =
        crate::claim_steps::bought(&t, tshirt, "phone-returner@example.com", 2).await;
    let (staff, _) =
        jangteo_testkit::shopper::staff_session(&t, "owner@example.com", "owner").await;
    crate::claim_steps::deliver(&staff, &number).await;
    let Some(browser) = Browser::phone().await else {
        return;
    };
    let d = &browser.driver;
    as_shopper(d, &t, &buyer).await;
    d.goto(t.url(&format!("/orders/{number}"))).await.unwrap();
    click(d, "#claim-link").await;

    // One unit by change of mind: its share less the return shipping.
    click(d, "#claim-form input[value=change_of_mind]").await;
    click(
        d,
        &format!("select[name='units_{}'] option[value='1']", line.id),
    )
    .await;
    let half = share_of_units(line.total.get(), 2, 0, 1);
    quote_reads(d, &format!("{}원", Won(half - 3_000).grouped())).await;
    // A defect returning both: everything paid comes back, shipping included.
    click(d, "#claim-form input[value=defect]").await;
    click(
        d,
        &format!("select[name='units_{}'] option[value='2']", line.id),
    )
    .await;
    quote_reads(d, &format!("{}원", order.total.grouped())).await;
    // Both by change of mind: the delivery stays paid, and the box says so.
    click(d, "#claim-form input[value=change_of_mind]").await;
    let both = line.total.get() - 3_000;
    quote_reads(d, &format!("{}원", Won(both).grouped())).await;
    d.find(By::Id("refund-quote-shipping-kept")).await.unwrap();
    d.find(By::Id("refund-quote"))
        .await
        .unwrap()
        .scroll_into_view()
        .await
        .unwrap();
    browser.screenshot("claim-quote").await;
    d.find(By::Id("f-reason"))
        .await
        .unwrap()
        .send_keys("생각했던 색과 달라서 반품합니다.")
        .await
        .unwrap();
    click(d, "#claim-form button[type=submit]").await;
    d.find(By::Css("#claims [data-claim]")).await.unwrap();

    let claim = jangteo_db::claims::for_order(&t.app.db, order.id)
        .await
        .unwrap()[0]
        .id;
    let path = format!("/admin/claims/{claim}");
    for form in [
        vec![("action", "approve")],
        vec![("action", "collected")],
        vec![
            ("action", "refund"),
            ("deduction", "3000"),
            ("restock", "true"),
        ],
    ] {
        assert_eq!(staff.post(&path, &form).await.status, 303);
    }
    d.goto(t.url(&format!("/orders/{number}"))).await.unwrap();
    let status = d.find(By::Id("order-status")).await.unwrap();
    assert_eq!(status.text().await.unwrap(), "반품완료");
    browser.screenshot("order-returned-top").await;
    let refunded = d
        .find(By::Css("#claims .refund-settled__amount"))
        .await
        .unwrap();
    assert_eq!(
        refunded.text().await.unwrap(),
        format!("{}원", Won(both).grouped())
    );
    assert!(
        !d.source().await.unwrap().contains("id=\"claim-link\""),
        "nothing left to claim"
    );
    refunded.scroll_into_view().await.unwrap();
    browser.screenshot("order-returned").await;
    browser.quit().await;

    let Some(office) = Browser::start(1280, 1000, false).await else {
        return;
    };
    office
        .driver
        .set_implicit_wait_timeout(Duration::from_secs(10))
        .await
        .unwrap();
    as_staff(&office.driver, &t, &staff).await;
    office.driver.goto(t.url(&path)).await.unwrap();
    let restock = office
        .driver
        .find(By::Css(".refund-settled__restock"))
        .await
        .unwrap();
    assert_eq!(restock.text().await.unwrap(), "다시 판매 (재고에 더함)");
    restock.scroll_into_view().await.unwrap();
    office.screenshot("admin-claim-refunded").await;
    office.quit().await;
}
