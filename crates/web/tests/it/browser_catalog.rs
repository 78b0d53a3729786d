//! The owner's catalogue in headless Chromium, clicked as an owner would: 상품 관리 → 새 상품,
//! a summary typed and then options saved (the summary is kept), the product's one SKU becoming
//! the first option's, stock typed per option in the SKU table, the editor toolbar showing bold,
//! and 재고 관리 listing option names and keeping the search after 적용 (screenshots
//! `admin-product-skus.png` and `admin-stock-options.png` are looked at).

use crate::browser_checkout::fill;
use jangteo_core::ids::ProductId;
use jangteo_db::catalog::product_admin::AdminSkuRow;
use jangteo_db::catalog::product_rows::ProductRow;
use jangteo_testkit::TestApp;
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

/// Clicks what `css` finds, scrolled to the middle of the screen (the admin's top bar stays
/// over the top of the page).
pub(crate) async fn click(d: &WebDriver, css: &str) {
    let element = d.find(By::Css(css)).await.unwrap();
    d.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![element.to_json().unwrap()],
    )
    .await
    .unwrap();
    element.click().await.unwrap();
}

/// The linen shirt as stored, with its SKUs.
async fn the_shirt(t: &TestApp) -> (ProductRow, Vec<AdminSkuRow>) {
    let product = jangteo_db::catalog::products::find_by_slug(&t.app.db, "linen-shirt")
        .await
        .unwrap()
        .unwrap();
    let skus = jangteo_db::catalog::product_admin::admin_skus(&t.app.db, ProductId(product.id))
        .await
        .unwrap();
    (product, skus)
}

/// Presses OK on the "are you sure" dialog once it is up.
pub(crate) async fn accept_the_confirmation(d: &WebDriver) {
    for _ in 0..50 {
        if d.accept_alert().await.is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no confirmation dialog");
}

#[tokio::test]
async fn the_owner_creates_an_option_product_and_sets_its_stock() {
    let Some((t, browser)) = crate::browser_admin::owner_on_the_dashboard().await else {
        return;
    };
    let d = &browser.driver;
    click(d, "nav.admin-nav a[href='/admin/products']").await;
    // Both the menu and the list lead to a new product.
    let in_menu = d
        .find(By::Css("nav.admin-nav a[href='/admin/products/new']"))
        .await
        .unwrap();
    assert!(in_menu.is_displayed().await.unwrap());
    click(d, ".admin-list-head a[href='/admin/products/new']").await;
    let active = d.find(By::Css("nav.admin-nav a.is-active")).await.unwrap();
    assert_eq!(
        active.attr("href").await.unwrap().as_deref(),
        Some("/admin/products/new")
    );
    let category = d.find(By::Name("category_id")).await.unwrap();
    SelectElement::new(&category)
        .await
        .unwrap()
        .select_by_index(1)
        .await
        .unwrap();
    fill(d, "name", "린넨 셔츠").await;
    fill(d, "price", "39000").await;
    fill(d, "slug", "linen-shirt").await;
    click(d, "#product-new-form button[type='submit']").await;

    // A summary typed, then the options saved without saving the fields first: the summary
    // is saved along with them, nothing typed is lost.
    fill(d, "summary", "여름용 린넨 100%").await;
    fill(d, "group_0", "색상").await;
    fill(d, "values_0", "화이트, 네이비").await;
    let options_button = d
        .find(By::Css("#options-form button[type='submit']"))
        .await
        .unwrap();
    options_button.click().await.unwrap();
    accept_the_confirmation(d).await;
    options_button.wait_until().stale().await.unwrap();
    let summary = d.find(By::Name("summary")).await.unwrap();
    assert_eq!(summary.value().await.unwrap().unwrap(), "여름용 린넨 100%");

    // Two options, two SKUs: the product's first SKU became 화이트's, none left greyed.
    let rows = d
        .find_all(By::Css("#skus-form tr[data-sku]"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    let stock_inputs = d
        .find_all(By::Css("#skus-form input.admin-sku-stock"))
        .await
        .unwrap();
    for (input, units) in stock_inputs.iter().zip(["12", "7"]) {
        input.clear().await.unwrap();
        input.send_keys(units).await.unwrap();
    }
    browser.screenshot("admin-product-skus").await;
    click(d, "#skus-form button[type='submit']").await;
    stock_inputs[0].wait_until().stale().await.unwrap();
    let (product, skus) = the_shirt(&t).await;
    let stock: Vec<(i64, bool)> = skus.iter().map(|s| (s.stock, s.is_active)).collect();
    assert_eq!(stock, [(12, true), (7, true)]);
    assert_eq!(product.summary, "여름용 린넨 100%");

    // The toolbar shows bold where the caret is.
    click(d, "[data-area]").await;
    click(d, ".rte__toolbar button[data-cmd='bold']").await;
    let bold = d
        .find(By::Css(".rte__toolbar button[data-cmd='bold']"))
        .await
        .unwrap();
    assert_eq!(
        bold.attr("aria-pressed").await.unwrap().as_deref(),
        Some("true")
    );
    // Typed in bold, then saved before leaving (leaving unsaved would ask first).
    let area = d.find(By::Css("[data-area]")).await.unwrap();
    area.send_keys("린넨 원단").await.unwrap();
    click(d, "#product-form button[type='submit']").await;
    area.wait_until().stale().await.unwrap();
    let (saved, _) = the_shirt(&t).await;
    assert!(
        saved.description_html.contains("린넨 원단"),
        "{}",
        saved.description_html
    );

    stock_page_lists_options_and_keeps_the_search(d, &t).await;
    browser.screenshot("admin-stock-options").await;
    browser.quit().await;
}

/// 재고 관리 from the menu: the shirt's options by name, 적용 keeps the search.
async fn stock_page_lists_options_and_keeps_the_search(
    d: &WebDriver,
    t: &jangteo_testkit::TestApp,
) {
    click(d, "nav.admin-nav a[href='/admin/stock']").await;
    d.find(By::Css("form.admin-filters input[name='q']"))
        .await
        .unwrap()
        .send_keys("린넨")
        .await
        .unwrap();
    let search = d.find(By::Css("form.admin-filters")).await.unwrap();
    click(d, "form.admin-filters button[type='submit']").await;
    // The unfiltered list has the shirt's rows too: read the found page, not the old one.
    search.wait_until().stale().await.unwrap();
    let navy = d
        .find(By::XPath(
            "//table[@id='stock']//tr[td[contains(., '네이비')]]",
        ))
        .await
        .unwrap();
    for (name, typed) in [("delta", "3"), ("note", "입고")] {
        let input = navy.find(By::Name(name)).await.unwrap();
        input.send_keys(typed).await.unwrap();
    }
    navy.find(By::Css("button[type='submit']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    navy.wait_until().stale().await.unwrap();
    let url = d.current_url().await.unwrap();
    assert!(url.as_str().contains("q=%EB%A6%B0%EB%84%A8"), "{url}");
    let rows = d
        .find_all(By::Css("#stock tbody tr[data-sku]"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2, "the search is kept");
    let (_, skus) = the_shirt(t).await;
    assert_eq!(skus[1].stock, 10);
}
