//! Catalog, media, content, settings and staff repositories.

use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::catalog::{Price, ProductSort};
use jangteo_core::ids::CategoryId;
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_db::catalog::{ProductCardRow, ProductFilter, categories, products};
use jangteo_db::{Db, Tx, content, media, settings, staff};
use jangteo_testkit::fixtures::Catalog;
use jangteo_testkit::{Backend, TestDb, app_on, fixtures, on_both_backends};

fn slugs(rows: &[jangteo_db::catalog::ProductCardRow]) -> Vec<&str> {
    rows.iter().map(|r| r.slug.as_str()).collect()
}

async fn lists_sorts_and_pages_products(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let app = app_on(&t);
    let c = fixtures::catalog(&app).await;
    let db = &t.db;
    let newest = check_newest_first(db).await;
    check_price_and_popularity_sorts(db).await;
    check_second_page(db).await;
    check_category_filters(db, &c).await;
    check_featured_top_cards(db).await;
    check_card_stock_prices_and_images(&newest.items);
}

/// Lists every visible product newest first; the hidden one never shows.
async fn check_newest_first(db: &Db) -> Paged<ProductCardRow> {
    let all = ProductFilter::default();
    let newest = products::list_cards(db, &all, ProductSort::New, PageRequest::new(1, 50))
        .await
        .unwrap();
    assert_eq!(newest.total, 6, "the hidden product is never listed");
    assert_eq!(
        slugs(&newest.items),
        [
            "short-sleeve",
            "tangerines",
            "striped-shirt",
            "sold-out-set",
            "tshirt",
            "jeans"
        ]
    );
    newest
}

/// Sorts by the price the shopper pays, both ways, and by popularity.
async fn check_price_and_popularity_sorts(db: &Db) {
    let all = ProductFilter::default();
    let cheap = products::list_cards(db, &all, ProductSort::PriceAsc, PageRequest::new(1, 50))
        .await
        .unwrap();
    // Sorted by what the shopper pays: the tangerines' sale price (15,900) beats 19,000.
    assert_eq!(
        slugs(&cheap.items),
        [
            "tshirt",
            "tangerines",
            "short-sleeve",
            "sold-out-set",
            "striped-shirt",
            "jeans"
        ]
    );
    let dear = products::list_cards(db, &all, ProductSort::PriceDesc, PageRequest::new(1, 50))
        .await
        .unwrap();
    assert_eq!(slugs(&dear.items).first(), Some(&"jeans"));
    let popular = products::list_cards(db, &all, ProductSort::Popular, PageRequest::new(1, 50))
        .await
        .unwrap();
    assert_eq!(slugs(&popular.items)[..2], ["striped-shirt", "tangerines"]);
}

/// Pages through the list four at a time.
async fn check_second_page(db: &Db) {
    let all = ProductFilter::default();
    let page2 = products::list_cards(db, &all, ProductSort::New, PageRequest::new(2, 4))
        .await
        .unwrap();
    assert_eq!((page2.total, page2.total_pages()), (6, 2));
    assert_eq!(slugs(&page2.items), ["tshirt", "jeans"]);
}

/// Filters by one category, by a category tree and by an empty category list.
async fn check_category_filters(db: &Db, c: &Catalog) {
    let tshirts = ProductFilter {
        category_ids: Some(vec![c.tshirts]),
        featured_only: false,
    };
    let in_tshirts = products::list_cards(db, &tshirts, ProductSort::New, PageRequest::new(1, 50))
        .await
        .unwrap();
    assert_eq!(
        slugs(&in_tshirts.items),
        ["short-sleeve", "sold-out-set", "tshirt"]
    );
    let clothes_tree = ProductFilter {
        category_ids: Some(vec![c.clothes, c.tshirts]),
        featured_only: false,
    };
    assert_eq!(
        products::list_cards(db, &clothes_tree, ProductSort::New, PageRequest::new(1, 50))
            .await
            .unwrap()
            .total,
        5
    );
    let none = ProductFilter {
        category_ids: Some(vec![]),
        featured_only: false,
    };
    assert_eq!(
        products::list_cards(db, &none, ProductSort::New, PageRequest::new(1, 50))
            .await
            .unwrap()
            .total,
        0
    );
}

/// Takes the most popular featured products.
async fn check_featured_top_cards(db: &Db) {
    let featured = ProductFilter {
        featured_only: true,
        ..Default::default()
    };
    let top = products::top_cards(db, &featured, ProductSort::Popular, 10)
        .await
        .unwrap();
    assert_eq!(slugs(&top), ["striped-shirt", "tangerines"]);
}

/// Reads stock, sale price and main image off the listed cards.
fn check_card_stock_prices_and_images(items: &[ProductCardRow]) {
    let card = items.iter().find(|r| r.slug == "short-sleeve").unwrap();
    assert!(card.has_stock);
    assert!(card.image_hash.as_deref().is_some_and(|h| h.len() == 20));
    let sold_out = items.iter().find(|r| r.slug == "sold-out-set").unwrap();
    assert!(!sold_out.has_stock);
    let tangerines = items.iter().find(|r| r.slug == "tangerines").unwrap();
    assert_eq!(
        tangerines.price(),
        Price::new(Won(19_900), Some(Won(15_900)))
    );
    assert_eq!(tangerines.image_hash, None);
}

async fn loads_a_product_with_options_skus_and_images(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let app = app_on(&t);
    let c = fixtures::catalog(&app).await;
    let db = &t.db;
    check_product_lookups(db, &c).await;
    check_options_and_skus(db, &c).await;
    check_images_price_update_and_sitemap(db, &c).await;
}

/// Finds a product by slug and by id; an unknown slug finds nothing.
async fn check_product_lookups(db: &Db, c: &Catalog) {
    let row = products::find_by_slug(db, "short-sleeve")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.id, c.short_sleeve.get());
    assert_eq!(row.name, "반팔티셔츠");
    assert!(products::find_by_slug(db, "nope").await.unwrap().is_none());
    assert_eq!(
        products::find_by_id(db, c.short_sleeve)
            .await
            .unwrap()
            .unwrap()
            .slug,
        "short-sleeve"
    );
}

/// Loads option groups, values, SKUs and which values each SKU combines.
async fn check_options_and_skus(db: &Db, c: &Catalog) {
    let groups = products::option_groups(db, c.short_sleeve).await.unwrap();
    assert_eq!(
        groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
        ["색상", "사이즈"]
    );
    let values = products::option_values(db, c.short_sleeve).await.unwrap();
    assert_eq!(
        values.iter().map(|v| v.value.as_str()).collect::<Vec<_>>(),
        ["블랙", "화이트", "M", "L"]
    );
    let skus = products::skus(db, c.short_sleeve).await.unwrap();
    assert_eq!(
        skus.iter()
            .map(|s| (s.code.as_str(), s.extra_price, s.stock))
            .collect::<Vec<_>>(),
        [
            ("SS-BK-M", 0, 5),
            ("SS-BK-L", 2_000, 3),
            ("SS-WH-M", 0, 0),
            ("SS-WH-L", 2_000, 7)
        ]
    );
    let links = products::sku_options(db, c.short_sleeve).await.unwrap();
    assert_eq!(links.len(), 8);
    let white = values.iter().find(|v| v.value == "화이트").unwrap().id;
    let m = values.iter().find(|v| v.value == "M").unwrap().id;
    let white_m = skus.iter().find(|s| s.code == "SS-WH-M").unwrap().id;
    let mut of_white_m: Vec<i64> = links
        .iter()
        .filter(|l| l.sku_id == white_m)
        .map(|l| l.option_value_id)
        .collect();
    of_white_m.sort_unstable();
    let mut expected = vec![white, m];
    expected.sort_unstable();
    assert_eq!(of_white_m, expected);
}

/// Loads images, updates a price and slices the sitemap.
async fn check_images_price_update_and_sitemap(db: &Db, c: &Catalog) {
    let images = products::images(db, c.short_sleeve).await.unwrap();
    assert_eq!(images.len(), 1);
    assert_eq!((images[0].width, images[0].height), (1000, 1000));
    assert!(products::images(db, c.jeans).await.unwrap().is_empty());

    let now = Utc::now();
    let mut tx = db.begin().await.unwrap();
    assert!(
        products::update_price(
            &mut tx,
            c.jeans,
            Price::new(Won(50_000), Some(Won(45_000))),
            now
        )
        .await
        .unwrap()
    );
    tx.commit().await.unwrap();
    let jeans = products::find_by_id(db, c.jeans).await.unwrap().unwrap();
    assert_eq!((jeans.price, jeans.sale_price), (50_000, Some(45_000)));

    assert_eq!(products::count_listed(db).await.unwrap(), 6);
    let sitemap = products::sitemap_slice(db, 0, 4).await.unwrap();
    assert_eq!(sitemap.len(), 4);
    assert_eq!(products::sitemap_slice(db, 4, 4).await.unwrap().len(), 2);
}

async fn keeps_categories_media_content_settings_and_staff(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let db = &t.db;
    let now = Utc::now();
    let mut tx = db.begin().await.unwrap();
    write_and_rename_categories(&mut tx, now).await;
    write_media_banner_and_page(&mut tx, now).await;
    write_settings_and_staff(&mut tx, now).await;
    tx.commit().await.unwrap();

    check_categories_and_media(db).await;
    check_content_settings_and_staff(db, now).await;
}

/// Upserts a category tree (the same slug twice) and renames a category.
async fn write_and_rename_categories(tx: &mut Tx, now: DateTime<Utc>) {
    let top = categories::upsert(
        tx,
        &categories::NewCategory {
            parent_id: None,
            slug: "top",
            name: "상위",
            position: 1,
        },
        now,
    )
    .await
    .unwrap();
    let child = categories::upsert(
        tx,
        &categories::NewCategory {
            parent_id: Some(top),
            slug: "child",
            name: "하위",
            position: 0,
        },
        now,
    )
    .await
    .unwrap();
    // Upserting the same slug updates instead of duplicating.
    let again = categories::upsert(
        tx,
        &categories::NewCategory {
            parent_id: Some(top),
            slug: "child",
            name: "하위2",
            position: 0,
        },
        now,
    )
    .await
    .unwrap();
    assert_eq!(child, again);
    assert!(
        categories::rename(tx, top, "상위 카테고리", now)
            .await
            .unwrap()
    );
    assert!(
        !categories::rename(tx, CategoryId(9_999), "x", now)
            .await
            .unwrap()
    );
}

/// Upserts the same media twice, shows it on a banner and saves a page twice.
async fn write_media_banner_and_page(tx: &mut Tx, now: DateTime<Utc>) {
    let new_media = media::NewMedia {
        content_hash: "0123456789abcdef0123",
        storage_key: "originals/a.jpg",
        mime: "image/jpeg",
        width: 10,
        height: 20,
        byte_size: 99,
    };
    let m1 = media::upsert(tx, &new_media, now).await.unwrap();
    let m2 = media::upsert(tx, &new_media, now).await.unwrap();
    assert_eq!(m1, m2);
    content::save_banner(
        tx,
        None,
        &content::BannerInput {
            title: "배너",
            subtitle: "부제",
            link_url: "/categories/top",
            media_id: Some(m1),
            position: 0,
            is_active: true,
            starts_at: None,
            ends_at: None,
        },
        now,
    )
    .await
    .unwrap();
    content::upsert_page(tx, "terms", "이용약관", "<p>약관</p>", now)
        .await
        .unwrap();
    content::upsert_page(tx, "terms", "이용약관 v2", "<p>약관2</p>", now)
        .await
        .unwrap();
}

/// Overwrites a setting and a staff member's password hash.
async fn write_settings_and_staff(tx: &mut Tx, now: DateTime<Utc>) {
    settings::set(tx, "k", "v1", now).await.unwrap();
    settings::set(tx, "k", "v2", now).await.unwrap();
    assert_eq!(
        settings::get(&mut *tx, "k").await.unwrap().as_deref(),
        Some("v2")
    );
    staff::upsert(tx, "a@b.example", "관리자", "$argon2id$x", "owner", now)
        .await
        .unwrap();
    staff::upsert(tx, "a@b.example", "관리자", "$argon2id$y", "owner", now)
        .await
        .unwrap();
}

/// Reads back the committed categories and media.
async fn check_categories_and_media(db: &Db) {
    let rows = categories::list_all(db).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows.iter().find(|r| r.slug == "child").unwrap().name,
        "하위2"
    );
    assert_eq!(
        rows.iter().find(|r| r.slug == "top").unwrap().name,
        "상위 카테고리"
    );
    assert_eq!(
        media::find_by_hash(db, "0123456789abcdef0123")
            .await
            .unwrap()
            .unwrap()
            .height,
        20
    );
    assert!(
        media::find_by_hash(db, "ffffffffffffffffffff")
            .await
            .unwrap()
            .is_none()
    );
}

/// Reads back the committed banner, page, setting and staff member.
async fn check_content_settings_and_staff(db: &Db, now: DateTime<Utc>) {
    let banners = content::active_banners(db, now).await.unwrap();
    assert_eq!(banners.len(), 1);
    assert_eq!(
        banners[0].image_hash.as_deref(),
        Some("0123456789abcdef0123")
    );
    let pages = content::published_pages(db).await.unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(
        content::published_page(db, "terms")
            .await
            .unwrap()
            .unwrap()
            .title,
        "이용약관 v2"
    );
    assert_eq!(settings::get(db, "k").await.unwrap().as_deref(), Some("v2"));
    assert_eq!(settings::get(db, "missing").await.unwrap(), None);
    assert_eq!(staff::count(db).await.unwrap(), 1);
    assert_eq!(
        staff::find_by_email(db, "a@b.example")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "$argon2id$y"
    );
}

async fn rolls_back_uncommitted_writes(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    {
        let mut tx = t.db.begin().await.unwrap();
        settings::set(&mut tx, "ghost", "1", Utc::now())
            .await
            .unwrap();
        // Dropped without commit.
    }
    assert_eq!(settings::get(&t.db, "ghost").await.unwrap(), None);
    t.db.ping().await.unwrap();
}

on_both_backends!(
    lists_sorts_and_pages_products,
    loads_a_product_with_options_skus_and_images,
    keeps_categories_media_content_settings_and_staff,
    rolls_back_uncommitted_writes,
);
