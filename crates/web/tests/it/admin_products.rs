//! Back-office products beyond the editor's fields: creating a product, option groups and the
//! SKUs they make, the SKU table, the image gallery (several uploads at once, reorder, remove)
//! and timed sales; each audited and shown in the shop; on SQLite and PostgreSQL.

use crate::admin_products_steps::{
    audit_actions, clothes_category, create_hidden_wool_knit, edit_the_sku_table,
    new_product_refusals, option_refusals_change_nothing, product_id, product_shaping_audited,
    shown_once_on_sale, stock_survives_a_new_colour, two_by_two_options,
};
use crate::checkout::shop;
use chrono::{DateTime, Duration, Utc};
use jangteo_core::time::format_kst_input;
use jangteo_db::catalog::product_admin;
use jangteo_db::catalog::product_admin::AdminImageRow;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

async fn staff_create_products_and_shape_their_options(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    let (marketer, _) = staff_session(&t, "mkt@example.com", "marketing").await;
    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    let visitor = Shopper::new(&t.url(""));
    let clothes = clothes_category(&t).await;

    new_product_refusals(&marketer, &cs, &clothes).await;
    let id = create_hidden_wool_knit(&t, &marketer, &visitor, &clothes).await;
    let now = two_by_two_options(&t, &marketer, id).await;
    let (after, black_m_id) = stock_survives_a_new_colour(&t, &marketer, id, &now).await;
    option_refusals_change_nothing(&t, &marketer, &cs, id, &after).await;
    edit_the_sku_table(&t, &marketer, id, &after, black_m_id).await;
    shown_once_on_sale(&t, &marketer, &visitor, id).await;
    product_shaping_audited(&t).await;
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

/// The gallery of product `id`, in order.
async fn gallery(t: &TestApp, id: i64) -> Vec<AdminImageRow> {
    product_admin::admin_images(&t.app.db, jangteo_core::ids::ProductId(id))
        .await
        .unwrap()
}

/// One bad file in a batch adds nothing; CS may not upload; an empty batch is refused.
async fn bad_batches_add_nothing(
    t: &TestApp,
    marketer: &Shopper,
    cs: &Shopper,
    id: i64,
    before: usize,
    red: &[u8],
) {
    let (status, body) = upload(
        t,
        marketer,
        id,
        &[("red.png", red), ("notes.txt", b"hello")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("아무것도 추가하지 않았습니다"));
    assert_eq!(gallery(t, id).await.len(), before);
    assert_eq!(upload(t, cs, id, &[("red.png", red)]).await.0, 403);
    let (status, _) = upload(t, marketer, id, &[]).await;
    assert_eq!(status, 422, "nothing chosen");
}

/// Two at once, appended in order; returns the gallery after.
async fn two_uploads_appended_in_order(
    t: &TestApp,
    marketer: &Shopper,
    id: i64,
    before: usize,
    (red, blue): (&[u8], &[u8]),
    (red_hash, blue_hash): (&str, &str),
) -> Vec<AdminImageRow> {
    let (status, body) = upload(t, marketer, id, &[("red.png", red), ("blue.png", blue)]).await;
    assert_eq!(status, 303, "{body}");
    let images = gallery(t, id).await;
    assert_eq!(images.len(), before + 2);
    assert_eq!(images[before].content_hash, red_hash);
    assert_eq!(images[before + 1].content_hash, blue_hash);
    images
}

/// Blue to the front: it becomes the picture lists show.
async fn move_blue_to_the_front(
    t: &TestApp,
    marketer: &Shopper,
    id: i64,
    images: &[AdminImageRow],
    before: usize,
    blue_hash: &str,
) {
    for _ in 0..=before {
        let moved = marketer
            .post(
                &format!("/admin/products/{id}/images/{}/move", images[before + 1].id),
                &[("dir", "up")],
            )
            .await;
        assert_eq!(moved.status, 303);
    }
    assert_eq!(gallery(t, id).await[0].content_hash, blue_hash);
    let listing = Shopper::new(&t.url(""))
        .get("/categories/clothes")
        .await
        .body;
    assert!(
        listing.contains(blue_hash),
        "the first image is the list picture"
    );
}

/// Removing one, with its own id only.
async fn remove_red_by_its_own_id(
    t: &TestApp,
    marketer: &Shopper,
    id: i64,
    images: &[AdminImageRow],
    before: usize,
    red_hash: &str,
) {
    let other = product_id(t, "tangerines").await;
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
    let left = gallery(t, id).await;
    assert_eq!(left.len(), before + 1);
    assert!(left.iter().all(|i| i.content_hash != red_hash));
}

/// The editor shows the gallery, and every gallery change is audited.
async fn gallery_shown_and_audited(t: &TestApp, marketer: &Shopper, id: i64) {
    let editor = marketer.get(&format!("/admin/products/{id}")).await;
    assert!(editor.body.contains("data-image="));
    let actions = audit_actions(t, "catalog.image").await;
    assert!(actions.contains(&"catalog.images".to_owned()));
    assert!(actions.contains(&"catalog.image_move".to_owned()));
    assert!(actions.contains(&"catalog.image_delete".to_owned()));
}

async fn staff_manage_the_gallery(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    let (marketer, _) = staff_session(&t, "mkt@example.com", "marketing").await;
    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    let id = product_id(&t, "jeans").await;
    let before = gallery(&t, id).await.len();
    let red = jangteo_media::demo_banner([200, 30, 30], 1);
    let blue = jangteo_media::demo_banner([30, 30, 200], 2);

    bad_batches_add_nothing(&t, &marketer, &cs, id, before, &red).await;
    let red_hash = jangteo_media::content_hash(&red);
    let blue_hash = jangteo_media::content_hash(&blue);
    let images = two_uploads_appended_in_order(
        &t,
        &marketer,
        id,
        before,
        (&red, &blue),
        (&red_hash, &blue_hash),
    )
    .await;
    move_blue_to_the_front(&t, &marketer, id, &images, before, &blue_hash).await;
    remove_red_by_its_own_id(&t, &marketer, id, &images, before, &red_hash).await;
    gallery_shown_and_audited(&t, &marketer, id).await;
}

/// The jeans' editor form with the given sale period and sale price, on sale.
fn sale_form(facts: &[(String, String)], s: &str, e: &str, sale: &str) -> Vec<(String, String)> {
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
}

/// A period ending before it starts, or one without a sale price, is refused.
async fn bad_sale_periods_refused(
    marketer: &Shopper,
    path: &str,
    facts: &[(String, String)],
    (start_typed, end_typed): (&str, &str),
) {
    let backwards = marketer
        .post_pairs(path, &sale_form(facts, end_typed, start_typed, "37700"))
        .await;
    assert_eq!(backwards.status, 422);
    assert!(backwards.body.contains("종료일은 시작일과 같거나 뒤여야"));
    let no_price = marketer
        .post_pairs(path, &sale_form(facts, start_typed, "", ""))
        .await;
    assert_eq!(no_price.status, 422);
    assert!(no_price.body.contains("할인가를 입력해 주세요"));
}

/// A future sale saves, is not in force yet, and the editor shows the period as typed.
async fn future_sale_saved_not_yet_in_force(
    (marketer, visitor): (&Shopper, &Shopper),
    path: &str,
    facts: &[(String, String)],
    (start_typed, end_typed): (&str, &str),
) {
    let saved = marketer
        .post_pairs(path, &sale_form(facts, start_typed, end_typed, "37700"))
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = visitor.get("/products/jeans").await.body;
    assert!(
        page.contains("50,000원") && !page.contains("37,700원"),
        "not yet"
    );
    let editor = marketer.get(path).await.body;
    assert!(editor.contains(start_typed), "the period is shown as typed");
    assert!(editor.contains("할인 기간이 아니어서"));
}

/// The every-minute chore puts the sale in force inside the period and ends it after.
async fn chore_starts_and_ends_the_sale(
    t: &TestApp,
    visitor: &Shopper,
    id: i64,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) {
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
    let typed = (start_typed.as_str(), end_typed.as_str());

    bad_sale_periods_refused(&marketer, &path, &facts, typed).await;
    future_sale_saved_not_yet_in_force((&marketer, &visitor), &path, &facts, typed).await;
    chore_starts_and_ends_the_sale(&t, &visitor, id, (start, end)).await;

    // A running open-ended sale is in force at once.
    marketer
        .post_pairs(&path, &sale_form(&facts, "", "", "45500"))
        .await;
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
