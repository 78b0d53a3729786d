//! Journeys in headless Chromium: home → category → product → pick options → that SKU's price.

use jangteo_testkit::browser::Browser;
use jangteo_testkit::server::SharedServer;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, shared_demo};
use std::time::Duration;
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

fn won(n: i64) -> String {
    format!("{}원", jangteo_core::money::group_thousands(n))
}

/// The shared SQLite demo shop and a browser of that size waiting up to 10 s for elements;
/// `None` without a browser.
pub(crate) async fn demo_browser(
    width: u32,
    height: u32,
    mobile: bool,
) -> Option<(&'static SharedServer, Browser)> {
    let demo = shared_demo(Backend::Sqlite)?;
    let browser = Browser::start(width, height, mobile).await?;
    browser
        .driver
        .set_implicit_wait_timeout(Duration::from_secs(10))
        .await
        .unwrap();
    Some((demo, browser))
}

async fn browse_and_pick_an_option(width: u32, height: u32, mobile: bool, name: &str) {
    let Some((demo, browser)) = demo_browser(width, height, mobile).await else {
        return;
    };
    let d = &browser.driver;
    home_then_the_first_category(&browser, demo, name).await;
    // Open products in turn until one with options is found.
    let mut found = false;
    for href in product_links(d).await {
        let card = d
            .find(By::Css(format!("a.product-card[href='{href}']")))
            .await
            .unwrap();
        card.scroll_into_view().await.unwrap();
        card.click().await.unwrap();
        d.find(By::Css("#selected-price")).await.unwrap();
        let selects = d.find_all(By::Css("select.option-select")).await.unwrap();
        if selects.len() < 2 {
            d.back().await.unwrap();
            d.find(By::Css("a.product-card")).await.unwrap();
            continue;
        }
        let chosen = pick_the_last_value_of_every_group(&selects).await;
        let sku = sku_with_values(d, &chosen).await;
        price_and_stock_follow_the_sku(&browser, &sku, name).await;
        if mobile {
            buy_bar_stays_on_screen(&browser, &sku).await;
        }
        found = true;
        break;
    }
    assert!(
        found,
        "no product with two option groups in the first category"
    );
    browser.quit().await;
}

/// The home page, then the first category from the shortcuts (shown on desktop and mobile).
async fn home_then_the_first_category(browser: &Browser, demo: &SharedServer, name: &str) {
    let d = &browser.driver;
    d.goto(demo.url("/")).await.unwrap();
    assert!(d.title().await.unwrap().contains("장터 데모샵"));
    browser.screenshot(&format!("{name}-home")).await;
    let shortcut = d.find(By::Css(".category-shortcuts a")).await.unwrap();
    assert!(shortcut.is_displayed().await.unwrap());
    // The shortcut shows an initial badge above the name: the name is the last line.
    let category_name = shortcut
        .text()
        .await
        .unwrap()
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned();
    shortcut.click().await.unwrap();
    d.find(By::Css("a.product-card")).await.unwrap();
    assert!(
        d.current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/categories/")
    );
    assert!(d.source().await.unwrap().contains(category_name.trim()));
    browser.screenshot(&format!("{name}-category")).await;
}

/// The links of the product cards on the page.
async fn product_links(d: &WebDriver) -> Vec<String> {
    let mut v = Vec::new();
    for card in d.find_all(By::Css("a.product-card")).await.unwrap() {
        v.push(card.attr("href").await.unwrap().unwrap());
    }
    v
}

/// Picks the last value of every group (often the size with a surcharge). Returns the value ids.
async fn pick_the_last_value_of_every_group(selects: &[WebElement]) -> Vec<i64> {
    let mut chosen = Vec::new();
    for select in selects {
        let options = select.find_all(By::Css("option")).await.unwrap();
        let last = options.last().unwrap();
        chosen.push(last.value().await.unwrap().unwrap().parse::<i64>().unwrap());
        select.scroll_into_view().await.unwrap();
        SelectElement::new(select)
            .await
            .unwrap()
            .select_by_index(u32::try_from(options.len() - 1).unwrap())
            .await
            .unwrap();
    }
    chosen
}

/// The SKU that has exactly these values, read from the page's own data.
async fn sku_with_values(d: &WebDriver, chosen: &[i64]) -> serde_json::Value {
    let data = d
        .find(By::Id("sku-data"))
        .await
        .unwrap()
        .inner_html()
        .await
        .unwrap();
    let skus: Vec<serde_json::Value> = serde_json::from_str(data.trim()).unwrap();
    skus.iter()
        .find(|s| {
            let mut ids: Vec<i64> = s["option_value_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_i64().unwrap())
                .collect();
            ids.sort_unstable();
            let mut want = chosen.to_vec();
            want.sort_unstable();
            ids == want
        })
        .expect("a SKU for the chosen options")
        .clone()
}

/// The price, the SKU and the stock level shown follow the chosen SKU.
async fn price_and_stock_follow_the_sku(browser: &Browser, sku: &serde_json::Value, name: &str) {
    let d = &browser.driver;
    let price = d.find(By::Id("selected-price")).await.unwrap();
    let expected = won(sku["final_price"].as_i64().unwrap());
    // The script updates on change; wait briefly for it.
    let mut shown = String::new();
    for _ in 0..50 {
        shown = price.text().await.unwrap();
        if shown.contains(&expected) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        shown.contains(&expected),
        "selected price {shown:?}, expected {expected}"
    );
    let sku_id = d
        .find(By::Id("selected-sku"))
        .await
        .unwrap()
        .value()
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(sku_id, sku["id"].as_i64().unwrap().to_string());
    let stock = d
        .find(By::Id("selected-stock"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // A level, never the count (the page's data carries none either).
    assert!(sku.get("stock").is_none(), "{sku}");
    let expected = match sku["level"].as_str().unwrap() {
        "sold_out" => "품절",
        "low" => "품절 임박",
        _ => "구매 가능",
    };
    assert_eq!(stock.trim(), expected);
    d.find(By::Id("selected-price"))
        .await
        .unwrap()
        .scroll_into_view()
        .await
        .unwrap();
    browser.screenshot(&format!("{name}-product")).await;
}

/// Whether the element with this id is wholly on screen.
pub(crate) async fn in_view(d: &WebDriver, id: &str) -> bool {
    let seen = d
        .execute(
            "var r = document.getElementById(arguments[0]).getBoundingClientRect();
             return r.top >= 0 && r.bottom <= window.innerHeight;",
            vec![serde_json::Value::from(id)],
        )
        .await
        .unwrap();
    seen.json() == &serde_json::Value::Bool(true)
}

/// On a phone the buy buttons and the chosen SKU's price stay at the bottom of the screen,
/// even at the top of the page (the buttons are two screens below the photo).
async fn buy_bar_stays_on_screen(browser: &Browser, sku: &serde_json::Value) {
    let d = &browser.driver;
    d.execute("window.scrollTo(0, 0);", Vec::new())
        .await
        .unwrap();
    assert!(in_view(d, "buy-now").await, "the buy button is on screen");
    let bar = d
        .find(By::Css("[data-bar-price]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        bar.contains(&won(sku["final_price"].as_i64().unwrap())),
        "{bar}"
    );
    browser.screenshot("mobile-product-buy-bar").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desktop_journey_picks_an_option_and_sees_its_price() {
    browse_and_pick_an_option(1366, 900, false, "desktop").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mobile_journey_picks_an_option_and_sees_its_price() {
    browse_and_pick_an_option(390, 844, true, "mobile").await;
}

/// Puts `who`'s shop session into the browser (waiting up to 10 s for elements from then on).
pub(crate) async fn as_shopper(d: &WebDriver, t: &jangteo_testkit::TestApp, who: &Shopper) {
    d.set_implicit_wait_timeout(Duration::from_secs(10))
        .await
        .unwrap();
    d.goto(t.url("/")).await.unwrap();
    for pair in who.cookie_header().split("; ") {
        let (name, value) = pair.split_once('=').unwrap();
        d.add_cookie(Cookie::new(name.to_owned(), value.to_owned()))
            .await
            .unwrap();
    }
}

/// Puts `staff`'s back-office session into the browser instead of any shop session.
pub(crate) async fn as_staff(d: &WebDriver, t: &jangteo_testkit::TestApp, staff: &Shopper) {
    d.goto(t.url("/admin/login")).await.unwrap();
    d.delete_all_cookies().await.unwrap();
    let cookie = staff.admin_cookie().unwrap();
    let (name, value) = cookie.split_once('=').unwrap();
    d.add_cookie(Cookie::new(name.to_owned(), value.to_owned()))
        .await
        .unwrap();
}
