//! 찜 and 최근 본 상품 on SQLite and PostgreSQL: a visitor is sent to log in and back to the
//! product; a member keeps a product once, sees it on My page and lets it go; only shop product
//! pages are gone back to; My page shows the products the member looked at last, newest first.

use crate::checkout::{shop, sign_up};
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, on_both_backends};

async fn members_keep_products_and_see_what_they_viewed(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    let product = |slug: &'static str| {
        let db = t.app.db.clone();
        async move {
            jangteo_db::catalog::products::find_by_slug(&db, slug)
                .await
                .unwrap()
                .unwrap()
                .id
                .to_string()
        }
    };
    let tshirt = product("tshirt").await;
    let keep = |id: &str, next: &str| {
        vec![
            ("product_id".to_owned(), id.to_owned()),
            ("next".to_owned(), next.to_owned()),
        ]
    };

    let guest = Shopper::new(&t.url(""));
    let sent = guest
        .post_pairs("/wishlist", &keep(&tshirt, "/products/tshirt"))
        .await;
    assert_eq!(sent.status, 303);
    assert_eq!(
        sent.location.as_deref(),
        Some("/account/login?next=%2Fproducts%2Ftshirt")
    );

    let member = Shopper::new(&t.url(""));
    sign_up(&member, "keeper@example.com").await;
    let kept = member
        .post_pairs("/wishlist", &keep(&tshirt, "/products/tshirt"))
        .await;
    assert_eq!(kept.location.as_deref(), Some("/products/tshirt"));
    let again = member
        .post_pairs("/wishlist", &keep(&tshirt, "https://evil.example/x"))
        .await;
    assert_eq!(again.location.as_deref(), Some("/account/wishlist"));
    let list = member.get("/account/wishlist").await;
    assert!(list.body.contains("이미 찜한 상품입니다"));
    assert!(list.body.contains("href=\"/products/tshirt\""));
    let missing = member
        .post_pairs("/wishlist", &keep("999999", "/products/x"))
        .await;
    assert_eq!(missing.status, 404);
    let removed = member
        .post(&format!("/account/wishlist/{tshirt}/remove"), &[])
        .await;
    assert_eq!(removed.status, 303);
    assert!(
        member
            .get("/account/wishlist")
            .await
            .body
            .contains("찜한 상품이 없습니다")
    );

    // Recently viewed: the member's session keeps the last products, newest first.
    assert_eq!(member.get("/products/tshirt").await.status, 200);
    assert_eq!(member.get("/products/jeans").await.status, 200);
    let home = member.get("/account").await.body;
    let section = home
        .split("id=\"recently-viewed\"")
        .nth(1)
        .expect("recently viewed");
    let (first, second) = (
        section.find("/products/jeans").unwrap(),
        section.find("/products/tshirt").unwrap(),
    );
    assert!(first < second, "newest first");
}

on_both_backends!(members_keep_products_and_see_what_they_viewed);
