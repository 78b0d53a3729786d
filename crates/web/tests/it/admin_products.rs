//! Back-office products beyond the editor's fields: creating a product, option groups and the
//! SKUs they make, the SKU table, the image gallery (several uploads at once, reorder, remove)
//! and timed sales; each audited and shown in the shop; on SQLite and PostgreSQL.

use crate::checkout::shop;
use chrono::{Duration, Utc};
use jangteo_core::time::format_kst_input;
use jangteo_db::catalog::product_admin;
use jangteo_db::catalog::stock;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

async fn product_id(t: &TestApp, slug: &str) -> i64 {
    jangteo_db::catalog::products::find_by_slug(&t.app.db, slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn audit_actions(t: &TestApp, prefix: &str) -> Vec<String> {
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
async fn skus(t: &TestApp, id: i64) -> Vec<(String, bool, i64, String)> {
    let pid = jangteo_core::ids::ProductId(id);
    let labels = product_admin::sku_labels(&t.app.db, pid).await.unwrap();
    product_admin::admin_skus(&t.app.db, pid)
        .await
        .unwrap()
        .into_iter()
        .map(|s| {
            let label = labels
                .iter()
                .filter(|(sku, _)| *sku == s.id)
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join(" / ");
            (s.code, s.is_active, s.stock, label)
        })
        .collect()
}

async fn staff_create_products_and_shape_their_options(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    let (marketer, _) = staff_session(&t, "mkt@example.com", "marketing").await;
    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    let visitor = Shopper::new(&t.url(""));
    let clothes = jangteo_db::catalog::categories::list_all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.slug == "clothes")
        .unwrap()
        .id
        .to_string();

    // Creating: the form, its refusals, then a hidden product with one SKU.
    let form = marketer.get("/admin/products/new").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("새 상품"));
    assert_eq!(
        cs.post(
            "/admin/products/new",
            &[
                ("category_id", &clothes),
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
                ("category_id", &clothes),
                ("name", "울 니트"),
                ("price", "39,000"),
                ("slug", "tshirt"),
            ],
        )
        .await;
    assert_eq!(taken.status, 422);
    assert!(taken.body.contains("이미 쓰고 있는 주소"));
    let created = marketer
        .post(
            "/admin/products/new",
            &[
                ("category_id", &clothes),
                ("name", "울 니트"),
                ("price", "39,000"),
                ("slug", "wool-knit"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let id = product_id(&t, "wool-knit").await;
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
        skus(&t, id).await,
        vec![("WOOL-KNIT-1".into(), true, 0, String::new())]
    );

    // Options: 2 × 2 combinations; the option-less SKU gives way.
    let options = |c: &'static str, s: &'static str| {
        vec![
            ("group_0", "색상"),
            ("values_0", c),
            ("group_1", "사이즈"),
            ("values_1", s),
            ("group_2", ""),
            ("values_2", ""),
        ]
    };
    let path = format!("/admin/products/{id}/options");
    let saved = marketer.post(&path, &options("블랙, 화이트", "S, M")).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let now = skus(&t, id).await;
    let labels: Vec<&str> = now.iter().filter(|s| s.1).map(|s| s.3.as_str()).collect();
    assert_eq!(labels, ["블랙 / S", "블랙 / M", "화이트 / S", "화이트 / M"]);
    assert!(
        now.iter().any(|s| s.0 == "WOOL-KNIT-1" && !s.1),
        "kept, off sale"
    );

    // Stock on one SKU survives the next change; a new colour adds two SKUs with no stock.
    let black_m = now.iter().find(|s| s.3 == "블랙 / M").unwrap().0.clone();
    let black_m_id = stock::sku_id_by_code(&t.app.db, &black_m)
        .await
        .unwrap()
        .unwrap();
    let mut tx = t.app.db.begin().await.unwrap();
    stock::set_stock(&mut tx, black_m_id, 7).await.unwrap();
    tx.commit().await.unwrap();
    marketer.post(&path, &options("블랙, 네이비", "S, M")).await;
    let after = skus(&t, id).await;
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
        3,
        "화이트 ×2 and the first SKU off sale"
    );

    // Refusals keep what was typed and change nothing.
    let bad = marketer.post(&path, &options("블랙, 블랙", "S")).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("같은 옵션값이 두 번"));
    assert!(bad.body.contains("value=\"블랙, 블랙\""));
    assert_eq!(skus(&t, id).await, after);
    assert_eq!(cs.post(&path, &options("레드", "L")).await.status, 403);

    // The SKU table: codes, extra prices, on/off; a duplicate code is refused whole.
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
    assert_eq!(skus(&t, id).await, after, "nothing saved");
    let ok = marketer
        .post_pairs(&sku_path, &table("KNIT-NVY-S", "2,000"))
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let table_now = skus(&t, id).await;
    assert!(
        table_now
            .iter()
            .any(|s| s.0 == "KNIT-BLK-M" && s.1 && s.2 == 7)
    );
    assert!(
        table_now.iter().any(|s| s.0 == "KNIT-NVY-S" && !s.1),
        "unticked: off sale"
    );

    // Shown in the shop once on sale: the options and the extra price.
    let mut shown: Vec<(String, String)> = [
        ("name", "울 니트"),
        ("price", "37700"),
        ("state", "on_sale"),
        ("body_html", "<p>따뜻</p>"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    shown.extend(crate::shown_product_fields(&t, id).await);
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

    let actions = audit_actions(&t, "catalog.").await;
    for action in ["catalog.product_create", "catalog.options", "catalog.skus"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} audited: {actions:?}"
        );
    }
}

/// A multipart body with several files in the field `files`.
fn files_body(files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "jangteofiles9";
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(t: &TestApp, staff: &Shopper, id: i64, files: &[(&str, &[u8])]) -> (u16, String) {
    let (content_type, body) = files_body(files);
    let path = format!("/admin/products/{id}/images");
    crate::post_multipart(t, staff, &path, &content_type, body).await
}

async fn staff_manage_the_gallery(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    let (marketer, _) = staff_session(&t, "mkt@example.com", "marketing").await;
    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    let id = product_id(&t, "jeans").await;
    let gallery = |t: &TestApp| {
        let db = t.app.db.clone();
        async move {
            product_admin::admin_images(&db, jangteo_core::ids::ProductId(id))
                .await
                .unwrap()
        }
    };
    let before = gallery(&t).await.len();
    let red = jangteo_media::demo_banner([200, 30, 30], 1);
    let blue = jangteo_media::demo_banner([30, 30, 200], 2);

    // One bad file in a batch adds nothing.
    let (status, body) = upload(
        &t,
        &marketer,
        id,
        &[("red.png", &red), ("notes.txt", b"hello")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("아무것도 추가하지 않았습니다"));
    assert_eq!(gallery(&t).await.len(), before);
    assert_eq!(upload(&t, &cs, id, &[("red.png", &red)]).await.0, 403);
    let (status, _) = upload(&t, &marketer, id, &[]).await;
    assert_eq!(status, 422, "nothing chosen");

    // Two at once, appended in order.
    let (status, body) = upload(&t, &marketer, id, &[("red.png", &red), ("blue.png", &blue)]).await;
    assert_eq!(status, 303, "{body}");
    let images = gallery(&t).await;
    assert_eq!(images.len(), before + 2);
    let red_hash = jangteo_media::content_hash(&red);
    let blue_hash = jangteo_media::content_hash(&blue);
    assert_eq!(images[before].content_hash, red_hash);
    assert_eq!(images[before + 1].content_hash, blue_hash);

    // Blue to the front: it becomes the picture lists show.
    for _ in 0..=before {
        let moved = marketer
            .post(
                &format!("/admin/products/{id}/images/{}/move", images[before + 1].id),
                &[("dir", "up")],
            )
            .await;
        assert_eq!(moved.status, 303);
    }
    assert_eq!(gallery(&t).await[0].content_hash, blue_hash);
    let listing = Shopper::new(&t.url(""))
        .get("/categories/clothes")
        .await
        .body;
    assert!(
        listing.contains(&blue_hash),
        "the first image is the list picture"
    );

    // Removing one, with its own id only.
    let other = product_id(&t, "tangerines").await;
    assert_eq!(
        marketer
            .post(
                &format!(
                    "/admin/products/{other}/images/{}/delete",
                    images[before].id
                ),
                &[]
            )
            .await
            .status,
        404,
        "an image of another product"
    );
    let removed = marketer
        .post(
            &format!("/admin/products/{id}/images/{}/delete", images[before].id),
            &[],
        )
        .await;
    assert_eq!(removed.status, 303);
    let left = gallery(&t).await;
    assert_eq!(left.len(), before + 1);
    assert!(left.iter().all(|i| i.content_hash != red_hash));

    let editor = marketer.get(&format!("/admin/products/{id}")).await;
    assert!(editor.body.contains("data-image="));
    let actions = audit_actions(&t, "catalog.image").await;
    assert!(actions.contains(&"catalog.images".to_owned()));
    assert!(actions.contains(&"catalog.image_move".to_owned()));
    assert!(actions.contains(&"catalog.image_delete".to_owned()));
}

async fn timed_sales_start_and_end_by_themselves(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    let (marketer, _) = staff_session(&t, "mkt@example.com", "marketing").await;
    let visitor = Shopper::new(&t.url(""));
    let id = product_id(&t, "jeans").await;
    let path = format!("/admin/products/{id}");
    let start = Utc::now() + Duration::hours(2);
    let end = start + Duration::days(3);
    let (start_typed, end_typed) = (format_kst_input(start), format_kst_input(end));
    let facts = crate::shown_product_fields(&t, id).await;
    let form = |s: &str, e: &str, sale: &str| {
        let mut fields = vec![
            ("name".to_owned(), "청바지".to_owned()),
            ("price".to_owned(), "50000".to_owned()),
            ("sale_price".to_owned(), sale.to_owned()),
            ("sale_starts".to_owned(), s.to_owned()),
            ("sale_ends".to_owned(), e.to_owned()),
            ("state".to_owned(), "on_sale".to_owned()),
        ];
        fields.extend(facts.iter().cloned());
        fields
    };

    let backwards = marketer
        .post_pairs(&path, &form(&end_typed, &start_typed, "37700"))
        .await;
    assert_eq!(backwards.status, 422);
    assert!(backwards.body.contains("종료일은 시작일과 같거나 뒤여야"));
    let no_price = marketer
        .post_pairs(&path, &form(&start_typed, "", ""))
        .await;
    assert_eq!(no_price.status, 422);
    assert!(no_price.body.contains("할인가를 입력해 주세요"));

    let saved = marketer
        .post_pairs(&path, &form(&start_typed, &end_typed, "37700"))
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = visitor.get("/products/jeans").await.body;
    assert!(
        page.contains("50,000원") && !page.contains("37,700원"),
        "not yet"
    );
    let editor = marketer.get(&path).await.body;
    assert!(
        editor.contains(&start_typed),
        "the period is shown as typed"
    );
    assert!(editor.contains("할인 기간이 아니어서"));

    // The every-minute chore puts the sale in force inside the period and ends it after.
    assert_eq!(t.app.apply_sale_periods(Utc::now()).await.unwrap(), 0);
    assert_eq!(t.app.apply_sale_periods(start).await.unwrap(), 1);
    assert_eq!(
        t.app
            .apply_sale_periods(start + Duration::minutes(1))
            .await
            .unwrap(),
        0,
        "idempotent"
    );
    let page = visitor.get("/products/jeans").await.body;
    assert!(page.contains("37,700원"), "started");
    let plan = product_admin::sale_plan(&t.app.db, jangteo_core::ids::ProductId(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(plan.sale_price, Some(37_700));
    assert_eq!(t.app.apply_sale_periods(end).await.unwrap(), 1);
    let page = visitor.get("/products/jeans").await.body;
    assert!(!page.contains("37,700원"), "ended");

    // A running open-ended sale is in force at once.
    marketer.post_pairs(&path, &form("", "", "45500")).await;
    assert!(
        visitor
            .get("/products/jeans")
            .await
            .body
            .contains("45,500원")
    );
}

on_both_backends!(
    staff_create_products_and_shape_their_options,
    staff_manage_the_gallery,
    timed_sales_start_and_end_by_themselves
);
