//! Steps the back-office product tests share: looking products, SKUs and audit entries up, and
//! the stages of creating a product and shaping its options and SKU table.

use jangteo_db::catalog::product_admin;
use jangteo_db::catalog::stock;
use jangteo_testkit::TestApp;
use jangteo_testkit::shopper::Shopper;

/// One SKU as the tests see it: (code, active, stock, label).
pub(crate) type Sku = (String, bool, i64, String);

/// The id of the product at `slug`.
pub(crate) async fn product_id(t: &TestApp, slug: &str) -> i64 {
    jangteo_db::catalog::products::find_by_slug(&t.app.db, slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// The actions of the audit entries whose action starts with `prefix`.
pub(crate) async fn audit_actions(t: &TestApp, prefix: &str) -> Vec<String> {
    let (entries, _) = jangteo_db::audit::search(
        &t.app.db,
        &jangteo_db::audit::AuditFilter {
            action_prefix: prefix.into(),
            ..Default::default()
        },
        50,
        0,
    )
    .await
    .unwrap();
    entries.into_iter().map(|e| e.action).collect()
}

/// A product's SKUs as (code, active, stock, label), active first.
pub(crate) async fn skus(t: &TestApp, id: i64) -> Vec<Sku> {
    let pid = jangteo_core::ids::ProductId(id);
    let rows = product_admin::admin_skus(&t.app.db, pid).await.unwrap();
    let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
    let labels = stock::labels(&t.app.db, &ids).await.unwrap();
    rows.into_iter()
        .map(|s| {
            let label = labels
                .iter()
                .filter(|part| part.sku_id == s.id)
                .map(|part| part.value.as_str())
                .collect::<Vec<_>>()
                .join(" / ");
            (s.code, s.is_active, s.stock, label)
        })
        .collect()
}

/// The id of the "clothes" category, as the product form sends it.
pub(crate) async fn clothes_category(t: &TestApp) -> String {
    jangteo_db::catalog::categories::list_all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.slug == "clothes")
        .unwrap()
        .id
        .to_string()
}

/// Creating: the form, then its refusals (CS may not, bad price and address, a taken address).
pub(crate) async fn new_product_refusals(marketer: &Shopper, cs: &Shopper, clothes: &str) {
    let form = marketer.get("/admin/products/new").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("새 상품"));
    assert_eq!(
        cs.post(
            "/admin/products/new",
            &[
                ("category_id", clothes),
                ("name", "니트"),
                ("price", "37700")
            ]
        )
        .await
        .status,
        403
    );
    let refused = marketer
        .post(
            "/admin/products/new",
            &[
                ("category_id", ""),
                ("name", "울 니트"),
                ("price", "3만원"),
                ("slug", "Wool Knit"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("가격은 0 이상의 숫자로"));
    assert!(refused.body.contains("영문 소문자, 숫자"));
    assert!(refused.body.contains("울 니트"), "typed name kept");
    let taken = marketer
        .post(
            "/admin/products/new",
            &[
                ("category_id", clothes),
                ("name", "울 니트"),
                ("price", "39,000"),
                ("slug", "tshirt"),
            ],
        )
        .await;
    assert_eq!(taken.status, 422);
    assert!(taken.body.contains("이미 쓰고 있는 주소"));
}

/// Creates the wool knit: a hidden product with one SKU; returns its id.
pub(crate) async fn create_hidden_wool_knit(
    t: &TestApp,
    marketer: &Shopper,
    visitor: &Shopper,
    clothes: &str,
) -> i64 {
    let created = marketer
        .post(
            "/admin/products/new",
            &[
                ("category_id", clothes),
                ("name", "울 니트"),
                ("price", "39,000"),
                ("slug", "wool-knit"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let id = product_id(t, "wool-knit").await;
    assert_eq!(
        created.location.as_deref(),
        Some(format!("/admin/products/{id}").as_str())
    );
    assert_eq!(
        visitor.get("/products/wool-knit").await.status,
        404,
        "starts hidden"
    );
    assert_eq!(
        skus(t, id).await,
        vec![("WOOL-KNIT-1".into(), true, 0, String::new())]
    );
    id
}

/// The option form with a colour group and a size group.
pub(crate) fn options(
    colours: &'static str,
    sizes: &'static str,
) -> Vec<(&'static str, &'static str)> {
    vec![
        ("group_0", "색상"),
        ("values_0", colours),
        ("group_1", "사이즈"),
        ("values_1", sizes),
        ("group_2", ""),
        ("values_2", ""),
    ]
}

/// Options: 2 × 2 combinations; the option-less SKU becomes the first one's (nothing ordered
/// it), none left off sale. Returns the SKUs.
pub(crate) async fn two_by_two_options(t: &TestApp, marketer: &Shopper, id: i64) -> Vec<Sku> {
    let path = format!("/admin/products/{id}/options");
    let saved = marketer.post(&path, &options("블랙, 화이트", "S, M")).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let now = skus(t, id).await;
    let labels: Vec<&str> = now.iter().filter(|s| s.1).map(|s| s.3.as_str()).collect();
    assert_eq!(labels, ["블랙 / S", "블랙 / M", "화이트 / S", "화이트 / M"]);
    assert_eq!(now[0].0, "WOOL-KNIT-1", "the first SKU is 블랙 / S now");
    assert!(now.iter().all(|s| s.1), "none left behind off sale");
    now
}

/// Stock on one SKU survives the next change; a new colour adds two SKUs with no stock.
/// Returns the SKUs after the change and the id of the black M SKU.
pub(crate) async fn stock_survives_a_new_colour(
    t: &TestApp,
    marketer: &Shopper,
    id: i64,
    now: &[Sku],
) -> (Vec<Sku>, i64) {
    let path = format!("/admin/products/{id}/options");
    let black_m = now.iter().find(|s| s.3 == "블랙 / M").unwrap().0.clone();
    let black_m_id = stock::sku_id_by_code(&t.app.db, &black_m)
        .await
        .unwrap()
        .unwrap();
    let mut tx = t.app.db.begin().await.unwrap();
    stock::set_stock(&mut tx, black_m_id, 7).await.unwrap();
    tx.commit().await.unwrap();
    marketer.post(&path, &options("블랙, 네이비", "S, M")).await;
    let after = skus(t, id).await;
    let active: Vec<(&str, i64)> = after
        .iter()
        .filter(|s| s.1)
        .map(|s| (s.3.as_str(), s.2))
        .collect();
    assert_eq!(
        active,
        [
            ("블랙 / S", 0),
            ("블랙 / M", 7),
            ("네이비 / S", 0),
            ("네이비 / M", 0)
        ]
    );
    assert_eq!(
        stock::sku_id_by_code(&t.app.db, &black_m).await.unwrap(),
        Some(black_m_id),
        "same SKU, same code"
    );
    assert_eq!(
        after.iter().filter(|s| !s.1).count(),
        2,
        "화이트 ×2 off sale"
    );
    (after, black_m_id)
}

/// Refusals keep what was typed and change nothing.
pub(crate) async fn option_refusals_change_nothing(
    t: &TestApp,
    marketer: &Shopper,
    cs: &Shopper,
    id: i64,
    after: &[Sku],
) {
    let path = format!("/admin/products/{id}/options");
    let bad = marketer.post(&path, &options("블랙, 블랙", "S")).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("같은 옵션값이 두 번"));
    assert!(bad.body.contains("value=\"블랙, 블랙\""));
    assert_eq!(skus(t, id).await, after);
    assert_eq!(cs.post(&path, &options("레드", "L")).await.status, 403);
}

/// The SKU table: codes, extra prices, on/off; a duplicate code is refused whole.
pub(crate) async fn edit_the_sku_table(
    t: &TestApp,
    marketer: &Shopper,
    id: i64,
    after: &[Sku],
    black_m_id: i64,
) {
    let sku_path = format!("/admin/products/{id}/skus");
    let navy_s = stock::sku_id_by_code(&t.app.db, &after[2].0)
        .await
        .unwrap()
        .unwrap();
    let table = |code: &'static str, extra: &'static str| {
        vec![
            (format!("code_{black_m_id}"), "KNIT-BLK-M".to_owned()),
            (format!("extra_{black_m_id}"), "0".to_owned()),
            (format!("active_{black_m_id}"), "true".to_owned()),
            (format!("code_{navy_s}"), code.to_owned()),
            (format!("extra_{navy_s}"), extra.to_owned()),
        ]
    };
    let dup = marketer
        .post_pairs(&sku_path, &table("KNIT-BLK-M", "2000"))
        .await;
    assert_eq!(dup.status, 422);
    assert!(dup.body.contains("이미 쓰고 있는 SKU 코드"));
    assert_eq!(skus(t, id).await, after, "nothing saved");
    let ok = marketer
        .post_pairs(&sku_path, &table("KNIT-NVY-S", "2,000"))
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let table_now = skus(t, id).await;
    assert!(
        table_now
            .iter()
            .any(|s| s.0 == "KNIT-BLK-M" && s.1 && s.2 == 7)
    );
    assert!(
        table_now.iter().any(|s| s.0 == "KNIT-NVY-S" && !s.1),
        "unticked: off sale"
    );
    stock_in_the_sku_table(t, marketer, id, black_m_id).await;
}

/// Stock typed in the SKU table: only for staff who may change stock, into the ledger; a stock
/// left as shown is not touched (orders may have taken units since the page was loaded).
async fn stock_in_the_sku_table(t: &TestApp, marketer: &Shopper, id: i64, black_m_id: i64) {
    let sku_path = format!("/admin/products/{id}/skus");
    let row = |stock: &str, shown: &str| {
        vec![
            (format!("code_{black_m_id}"), "KNIT-BLK-M".to_owned()),
            (format!("extra_{black_m_id}"), "0".to_owned()),
            (format!("active_{black_m_id}"), "true".to_owned()),
            (format!("stock_{black_m_id}"), stock.to_owned()),
            (format!("stock_shown_{black_m_id}"), shown.to_owned()),
        ]
    };
    let stock_now = || async {
        stock::stock_of(&t.app.db, black_m_id)
            .await
            .unwrap()
            .unwrap()
    };
    assert_eq!(
        marketer.post_pairs(&sku_path, &row("20", "7")).await.status,
        403
    );
    assert_eq!(
        marketer.post_pairs(&sku_path, &row("7", "7")).await.status,
        303
    );
    let (manager, _) =
        jangteo_testkit::shopper::staff_session(t, "mgr@example.com", "manager").await;
    let bad = manager.post_pairs(&sku_path, &row("스무 개", "7")).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("재고는 0 이상의 숫자로"));
    assert!(bad.body.contains("value=\"스무 개\""), "typed stock kept");
    assert_eq!(stock_now().await, 7);
    // An order took 2 units after the page showed 7; the manager's 20 is what counts.
    let mut tx = t.app.db.begin().await.unwrap();
    stock::set_stock(&mut tx, black_m_id, 5).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        manager.post_pairs(&sku_path, &row("20", "7")).await.status,
        303
    );
    assert_eq!(stock_now().await, 20);
    let ledger = manager
        .get(&format!("/admin/stock?sku={black_m_id}"))
        .await
        .body;
    assert!(
        ledger.contains("상품 편집") && ledger.contains("+15"),
        "in the ledger"
    );
}

/// Shown in the shop once on sale: the options and the extra price.
pub(crate) async fn shown_once_on_sale(
    t: &TestApp,
    marketer: &Shopper,
    visitor: &Shopper,
    id: i64,
) {
    let mut shown: Vec<(String, String)> = [
        ("name", "울 니트"),
        ("price", "37700"),
        ("state", "on_sale"),
        ("body_html", "<p>따뜻</p>"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    shown.extend(crate::shown_product_fields(t, id).await);
    let saved = marketer
        .post_pairs(&format!("/admin/products/{id}"), &shown)
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = visitor.get("/products/wool-knit").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("네이비") && page.body.contains("블랙"));
    assert!(!page.body.contains("화이트"));
    assert!(
        !page.body.contains("KNIT-NVY-S"),
        "off-sale SKU not offered"
    );
}

/// Creating the product, its options and its SKU table are all audited.
pub(crate) async fn product_shaping_audited(t: &TestApp) {
    let actions = audit_actions(t, "catalog.").await;
    for action in ["catalog.product_create", "catalog.options", "catalog.skus"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} audited: {actions:?}"
        );
    }
}
