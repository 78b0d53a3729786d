//! Back-office product editor: prices, display state, featured, a cleaned description, search
//! keys that follow a new name, and the audit entry; on SQLite and PostgreSQL.

use crate::checkout::shop;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

/// The product editor's form: the given name, prices and state, a hostile description, and the
/// product's other shown fields.
fn editor_form(
    facts: &[(String, String)],
    (name, price, sale, state): (&str, &str, &str, &str),
) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        ("name", name),
        ("summary", "여름용"),
        ("price", price),
        ("sale_price", sale),
        ("state", state),
        ("featured", "true"),
        (
            "body_html",
            "<h2>소재</h2><p onclick=\"x()\">면 100%</p><script>alert(1)</script>",
        ),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    fields.extend(facts.iter().cloned());
    fields
}

/// The T-shirt's product id.
async fn tshirt_id(t: &TestApp) -> i64 {
    t.app
        .product_detail("tshirt")
        .await
        .unwrap()
        .unwrap()
        .summary
        .id
        .0
}

/// The product list finds the T-shirt by name.
async fn list_finds_the_tshirt(marketer: &Shopper, id: i64) {
    let list = marketer
        .get("/admin/products?q=%ED%8B%B0%EC%85%94%EC%B8%A0")
        .await; // "티셔츠"
    assert_eq!(list.status, 200);
    assert!(list.body.contains(&format!("/admin/products/{id}")));
}

/// A sale price not below the list price and an edit by CS are refused; a good edit saves.
async fn refusals_then_a_save(
    marketer: &Shopper,
    cs: &Shopper,
    path: &str,
    facts: &[(String, String)],
) {
    let not_lower = marketer
        .post_pairs(
            path,
            &editor_form(facts, ("린넨 셔츠", "20000", "25000", "on_sale")),
        )
        .await;
    assert_eq!(not_lower.status, 422);
    assert!(not_lower.body.contains("할인가는 정가보다 낮아야 합니다"));
    assert_eq!(
        cs.post_pairs(
            path,
            &editor_form(facts, ("린넨 셔츠", "20000", "15000", "on_sale"))
        )
        .await
        .status,
        403
    );
    let saved = marketer
        .post_pairs(
            path,
            &editor_form(facts, ("린넨 셔츠", "20,000", "15000", "on_sale")),
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
}

/// The shop shows the new name, the sale price and the cleaned description; search follows
/// the new name.
async fn shop_follows_the_edit(visitor: &Shopper) {
    let page = visitor.get("/products/tshirt").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("린넨 셔츠") && page.body.contains("15,000원"));
    assert!(
        page.body.contains("면 100%")
            && !page.body.contains("alert(1)")
            && !page.body.contains("onclick")
    );
    let found = visitor.get("/search?q=%EB%A6%B0%EB%84%A8").await.body; // "린넨"
    assert!(
        found.contains("/products/tshirt"),
        "search follows the new name"
    );
}

/// Both edits are audited with the old and new data.
async fn product_edits_audited(t: &TestApp) {
    let (entries, _) = jangteo_db::audit::search(
        &t.app.db,
        &jangteo_db::audit::AuditFilter {
            action_prefix: "catalog.product".into(),
            ..Default::default()
        },
        5,
        0,
    )
    .await
    .unwrap();
    assert_eq!(entries.len(), 2);
    assert!(
        entries[1]
            .before_data
            .as_deref()
            .unwrap()
            .contains("티셔츠")
    );
    assert!(
        entries[1]
            .after_data
            .as_deref()
            .unwrap()
            .contains("린넨 셔츠")
    );
}

async fn staff_edit_products_and_the_shop_follows(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    let id = tshirt_id(&t).await;
    let (marketer, _) = staff_session(&t, "mkt@example.com", "marketing").await;
    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    let visitor = Shopper::new(&t.url(""));

    list_finds_the_tshirt(&marketer, id).await;
    let path = format!("/admin/products/{id}");
    let facts = crate::shown_product_fields(&t, id).await;
    refusals_then_a_save(&marketer, &cs, &path, &facts).await;
    shop_follows_the_edit(&visitor).await;

    let hidden = marketer
        .post_pairs(
            &path,
            &editor_form(&facts, ("린넨 셔츠", "20000", "", "hidden")),
        )
        .await;
    assert_eq!(hidden.status, 303);
    assert_eq!(visitor.get("/products/tshirt").await.status, 404);
    product_edits_audited(&t).await;
}

/// The id of the category at `slug`, if there is one.
async fn category_id(t: &TestApp, slug: &str) -> Option<i64> {
    jangteo_db::catalog::categories::list_all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.slug == slug)
        .map(|c| c.id)
}

/// A new top category shows in the shop's menu at once.
async fn new_category_in_the_menu(t: &TestApp, marketer: &Shopper) {
    let created = marketer
        .post(
            "/admin/categories",
            &[
                ("name", "기획전"),
                ("slug", "sale"),
                ("position", "9"),
                ("visible", "true"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    assert!(
        Shopper::new(&t.url(""))
            .get("/")
            .await
            .body
            .contains("/categories/sale")
    );
}

/// No loops: a category cannot move below its own subcategory.
async fn no_loops(marketer: &Shopper, clothes: i64, below: i64) {
    let looped = marketer
        .post(
            &format!("/admin/categories/{clothes}"),
            &[
                ("name", "의류"),
                ("slug", "clothes"),
                ("parent_id", &below.to_string()),
                ("visible", "true"),
            ],
        )
        .await;
    assert_eq!(looped.status, 422);
    assert!(
        looped
            .body
            .contains("하위 카테고리 아래로는 옮길 수 없습니다")
    );
}

/// Renaming a category: its products are found by the new name.
async fn rename_a_category(t: &TestApp, marketer: &Shopper, clothes: i64, below: i64) {
    let renamed = marketer
        .post(
            &format!("/admin/categories/{below}"),
            &[
                ("name", "라운드넥"),
                ("slug", "tshirts"),
                ("parent_id", &clothes.to_string()),
                ("visible", "true"),
            ],
        )
        .await;
    assert_eq!(renamed.status, 303, "{}", renamed.body);
    let found = Shopper::new(&t.url(""))
        .get("/search?q=%EB%9D%BC%EC%9A%B4%EB%93%9C%EB%84%A5") // "라운드넥"
        .await
        .body;
    assert!(
        found.contains("/products/tshirt"),
        "search follows the category's new name"
    );
}

/// Only empty categories can be deleted; the changes are audited.
async fn only_empty_categories_deleted(t: &TestApp, marketer: &Shopper, clothes: i64) {
    marketer
        .post(&format!("/admin/categories/{clothes}/delete"), &[])
        .await;
    assert!(category_id(t, "clothes").await.is_some(), "in use: kept");
    let sale = category_id(t, "sale").await.unwrap();
    marketer
        .post(&format!("/admin/categories/{sale}/delete"), &[])
        .await;
    assert!(category_id(t, "sale").await.is_none());
    let (entries, _) = jangteo_db::audit::search(
        &t.app.db,
        &jangteo_db::audit::AuditFilter {
            action_prefix: "catalog.category".into(),
            ..Default::default()
        },
        10,
        0,
    )
    .await
    .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "catalog.category_delete",
            "catalog.category",
            "catalog.category"
        ]
    );
}

async fn staff_edit_the_category_tree(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    let (marketer, _) = staff_session(&t, "mkt@example.com", "marketing").await;
    let page = marketer.get("/admin/categories").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("data-category=\"clothes\""));

    new_category_in_the_menu(&t, &marketer).await;
    let clothes = category_id(&t, "clothes").await.unwrap();
    let below = category_id(&t, "tshirts").await.unwrap();
    no_loops(&marketer, clothes, below).await;
    rename_a_category(&t, &marketer, clothes, below).await;
    only_empty_categories_deleted(&t, &marketer, clothes).await;
}

on_both_backends!(
    staff_edit_products_and_the_shop_follows,
    staff_edit_the_category_tree
);
