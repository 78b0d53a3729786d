//! The product editor's legal and commercial facts: the 상품정보제공고시 a product needs before
//! shoppers see it, brand, moving category, tax-free goods and a per-order limit, all the way to
//! the product page, the cart and the order. SQLite and PostgreSQL.

use jangteo_core::Won;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, fixtures, on_both_backends};

fn editor_form(category_id: i64, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        ("name", "제주 감귤 5kg"),
        ("price", "19900"),
        ("sale_price", "15900"),
        ("state", "on_sale"),
        ("body_html", "<p>새콤달콤</p>"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    fields.push(("category_id".into(), category_id.to_string()));
    fields.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    fields
}

fn fresh_food_facts() -> Vec<(String, String)> {
    jangteo_core::product_notice::category("fresh_food")
        .unwrap()
        .fields
        .iter()
        .map(|f| {
            let value = if f.key == "origin" {
                "제주특별자치도"
            } else {
                "상세 참조"
            };
            (format!("notice__fresh_food__{}", f.key), value.to_owned())
        })
        .collect()
}

async fn the_notice_gates_sale_and_facts_reach_the_order(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let catalog = fixtures::catalog(&t.app).await;
    let id = catalog.tangerines.get();
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let path = format!("/admin/products/{id}");
    editor_asks_for_the_facts(&owner, &path).await;
    incomplete_notice_keeps_the_product_hidden(&owner, &path, &catalog).await;
    complete_facts_are_saved(&owner, &path, &catalog).await;
    let visitor = Shopper::new(&t.base_url);
    product_page_shows_the_facts(&visitor).await;
    order_is_limited_and_its_goods_tax_free(&t, &visitor).await;
}

/// The editor asks for the notice, the category and whether the goods are tax-free.
async fn editor_asks_for_the_facts(owner: &Shopper, path: &str) {
    let editor = owner.get(path).await.body;
    assert!(editor.contains("name=\"notice_category\"") && editor.contains("식품 (농수축산물)"));
    assert!(editor.contains("name=\"category_id\"") && editor.contains("name=\"tax_free\""));
}

/// No notice or a half-filled one: the product cannot be shown; hidden products may wait.
async fn incomplete_notice_keeps_the_product_hidden(
    owner: &Shopper,
    path: &str,
    catalog: &fixtures::Catalog,
) {
    // No notice: the product cannot be shown.
    let none = owner
        .post_pairs(path, &editor_form(catalog.food.0, &[]))
        .await;
    assert_eq!(none.status, 422);
    assert!(none.body.contains("상품정보제공고시 상품군을 골라"));
    // A half-filled notice neither; what was typed stays.
    let half = owner
        .post_pairs(
            path,
            &editor_form(
                catalog.food.0,
                &[
                    ("notice_category", "fresh_food"),
                    ("notice__fresh_food__origin", "제주특별자치도"),
                ],
            ),
        )
        .await;
    assert_eq!(half.status, 422);
    assert!(half.body.contains("빈 항목을 모두 채워야"));
    assert!(half.body.contains("value=\"제주특별자치도\""));
    // Hidden products may wait for their notice.
    let mut hidden = editor_form(catalog.food.0, &[]);
    hidden.retain(|(k, _)| k != "state");
    hidden.push(("state".into(), "hidden".into()));
    assert_eq!(owner.post_pairs(path, &hidden).await.status, 303);
}

/// Complete: shown, moved to 의류 with a brand, tax-free, at most 2 per order.
async fn complete_facts_are_saved(owner: &Shopper, path: &str, catalog: &fixtures::Catalog) {
    let mut full = editor_form(
        catalog.clothes.0,
        &[
            ("notice_category", "fresh_food"),
            ("brand", "제주농원"),
            ("tax_free", "true"),
            ("max_per_order", "2"),
        ],
    );
    full.extend(fresh_food_facts());
    let saved = owner.post_pairs(path, &full).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
}

/// The product page shows the notice, the terms, the limit, the new category and the brand.
async fn product_page_shows_the_facts(visitor: &Shopper) {
    let page = visitor.get("/products/tangerines").await.body;
    assert!(page.contains("id=\"product-notice\""));
    assert!(page.contains("<th scope=\"row\">원산지</th><td>제주특별자치도</td>"));
    for term in [
        "배송 방법·기간",
        "청약철회 가능 여부와 기한",
        "반품 비용",
        "연 15%",
    ] {
        assert!(page.contains(term), "{term}");
    }
    assert!(page.contains("data-max-per-order=\"2\""));
    assert!(page.contains("/categories/clothes"), "moved to 의류");
    assert!(page.contains("제주농원"), "brand");
}

/// Three asked, two ordered; the order's tax-free part is the goods, not the shipping.
async fn order_is_limited_and_its_goods_tax_free(t: &TestApp, visitor: &Shopper) {
    let sku = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "TANGERINES")
        .await
        .unwrap()
        .unwrap();
    crate::checkout::add(visitor, sku, 3).await;
    let cart = visitor.get("/cart").await.body;
    assert!(cart.contains("1회 최대 2개"), "the cart says why");
    let placed = crate::checkout::place(
        visitor,
        &[
            ("payment_method", "card"),
            ("guest_password", "guest1234"),
            ("guest_password_confirm", "guest1234"),
        ],
    )
    .await;
    let number = crate::checkout::pay(visitor, &placed).await;
    let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap();
    let lines = jangteo_db::orders::lines(&t.app.db, order.id)
        .await
        .unwrap();
    assert_eq!(lines[0].quantity, 2);
    assert_eq!(order.total, Won(31_800 + 3_000));
    let tax_free: i64 = jangteo_db::orders::tax_free_amount(&t.app.db, order.id)
        .await
        .unwrap();
    assert_eq!(tax_free, 31_800);
}

on_both_backends!(the_notice_gates_sale_and_facts_reach_the_order);
