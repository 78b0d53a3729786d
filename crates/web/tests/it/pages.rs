//! Every storefront page on both backends.

use crate::{attr_after, fixture_app, json_ld};
use jangteo_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;
use reqwest::header;

async fn home_lists_sections_and_never_hidden_products(backend: Backend) {
    let Some((t, _)) = fixture_app(backend).await else {
        return;
    };
    let (status, html) = t.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<html lang=\"ko\""));
    assert!(html.contains("장터 데모샵"), "shop name in the header");
    assert!(html.contains("반팔티셔츠"));
    assert!(html.contains("class=\"category-shortcuts"));
    assert!(html.contains("href=\"/categories/clothes\""));
    assert!(!html.contains("숨김 티셔츠"));
    assert!(html.contains("/pages/terms"), "footer links CMS pages");
    assert!(
        html.contains("data-legal-footer"),
        "seller disclosure block"
    );
    assert!(
        html.contains("help@shop.example.com"),
        "seller information in the footer"
    );
    assert!(
        html.contains("<strong>개인정보처리방침</strong>"),
        "the privacy policy link is bold"
    );
}

async fn category_pages_sort_paginate_and_404(backend: Backend) {
    let Some((t, _)) = fixture_app(backend).await else {
        return;
    };
    let (status, html) = t.get("/categories/clothes").await;
    assert_eq!(status, StatusCode::OK);
    // The top-level category shows its subcategories' products too.
    for name in [
        "반팔티셔츠",
        "티셔츠",
        "스트라이프 셔츠 반팔",
        "청바지 와이드",
        "품절 티셔츠 세트",
    ] {
        assert!(html.contains(name), "{name} listed");
    }
    assert!(!html.contains("제주 감귤"));
    assert!(
        html.contains("href=\"/categories/clothes?sort=price_asc\""),
        "sort tabs"
    );
    assert!(html.contains("rel=\"canonical\" href=\"http://127.0.0.1:"));

    let (_, cheap) = t.get("/categories/clothes?sort=price_asc").await;
    let pos = |n: &str| cheap.find(n).unwrap_or_else(|| panic!("{n} missing"));
    assert!(pos("티셔츠</") < pos("반팔티셔츠</") && pos("반팔티셔츠</") < pos("청바지 와이드</"));
    let (_, dear) = t.get("/categories/clothes?sort=price_desc").await;
    assert!(dear.find("청바지 와이드").unwrap() < dear.find("반팔티셔츠").unwrap());

    let (status, _) = t.get("/categories/tshirts?sort=popular&page=1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        t.get("/categories/clothes?page=2").await.0,
        StatusCode::NOT_FOUND,
        "past the last page"
    );
    assert_eq!(
        t.get("/categories/clothes?page=abc&sort=%27").await.0,
        StatusCode::OK,
        "junk falls back to defaults"
    );
    let (status, html) = t.get("/categories/no-such-category").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("장터 데모샵"), "404 page in the shop's look");
}

async fn product_page_shows_options_skus_and_structured_data(backend: Backend) {
    let Some((t, _)) = fixture_app(backend).await else {
        return;
    };
    let (status, html) = t.get("/products/short-sleeve").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches("class=\"option-select\"").count(), 2);
    assert!(html.contains("id=\"selected-price\""));
    assert!(html.contains("id=\"selected-stock\""));
    assert!(html.contains("sku-table"));
    assert!(html.contains("화이트 / M"));
    assert!(html.contains("21,000원"), "the L SKUs cost more");
    assert!(
        html.contains("og:type\" content=\"product\"")
            || html.contains("og:type\" content=\"product")
    );
    assert_eq!(
        attr_after(&html, "rel=\"canonical\"", "href").as_deref(),
        Some(t.url("/products/short-sleeve").as_str())
    );
    let ld = json_ld(&html);
    let product = ld
        .iter()
        .find(|v| v["@type"] == "Product")
        .expect("Product JSON-LD");
    assert_eq!(product["name"], "반팔티셔츠");
    assert_eq!(product["offers"]["@type"], "AggregateOffer");
    assert_eq!(product["offers"]["priceCurrency"], "KRW");
    assert_eq!(product["offers"]["lowPrice"], 19_000);
    assert_eq!(product["offers"]["highPrice"], 21_000);
    assert_eq!(
        product["offers"]["availability"],
        "https://schema.org/InStock"
    );
    assert!(
        product["image"][0]
            .as_str()
            .unwrap()
            .ends_with("/zoom.webp")
    );

    let (_, sale) = t.get("/products/tangerines").await;
    let ld = json_ld(&sale);
    let offer = &ld.iter().find(|v| v["@type"] == "Product").unwrap()["offers"];
    assert_eq!(
        (offer["@type"].as_str(), offer["price"].as_i64()),
        (Some("Offer"), Some(15_900))
    );
    assert!(sale.contains("19,900원") && sale.contains("15,900원"));

    let (status, sold_out) = t.get("/products/sold-out-set").await;
    assert_eq!(status, StatusCode::OK);
    assert!(sold_out.contains("품절"));
    let ld = json_ld(&sold_out);
    assert_eq!(
        ld.iter().find(|v| v["@type"] == "Product").unwrap()["offers"]["availability"],
        "https://schema.org/OutOfStock"
    );

    assert_eq!(
        t.get("/products/hidden-tee").await.0,
        StatusCode::NOT_FOUND,
        "hidden products are not found"
    );
    assert_eq!(t.get("/products/nope").await.0, StatusCode::NOT_FOUND);
}

async fn search_page_handles_korean_and_empty_queries(backend: Backend) {
    let Some((t, _)) = fixture_app(backend).await else {
        return;
    };
    let (status, html) = t.get("/search?q=%E3%85%8C%E3%85%85%E3%85%8A").await; // ㅌㅅㅊ
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("반팔티셔츠") && html.contains("품절 티셔츠 세트"));
    assert!(!html.contains("청바지 와이드"));
    assert!(html.contains("noindex"), "search results are not indexed");
    assert!(
        html.contains("value=\"ㅌㅅㅊ\""),
        "the query stays in the search box"
    );
    let (_, spaced) = t
        .get("/search?q=%EB%B0%98%ED%8C%94+%ED%8B%B0%EC%85%94%EC%B8%A0")
        .await; // 반팔 티셔츠
    assert!(spaced.contains("반팔티셔츠"));
    let (status, empty) = t.get("/search").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !empty.contains("class=\"product-card\""),
        "no results for an empty query"
    );
    let (status, nothing) = t.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !nothing.contains("<script>alert(1)"),
        "the query is escaped"
    );
}

async fn cms_pages_render_and_unknown_ones_404(backend: Backend) {
    let Some((t, _)) = fixture_app(backend).await else {
        return;
    };
    let (status, html) = t.get("/pages/terms").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h3>제1조</h3>"));
    assert_eq!(t.get("/pages/missing").await.0, StatusCode::NOT_FOUND);
}

/// A NUL character in an address, a form or a JSON body is a 400 on both backends (PostgreSQL
/// answered 500, SQLite stored it), before any handler runs.
async fn nul_characters_are_refused_at_the_edge(backend: Backend) {
    let Some((t, _)) = fixture_app(backend).await else {
        return;
    };
    assert_eq!(t.get("/products/%00").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(t.get("/search?q=%00").await.0, StatusCode::BAD_REQUEST);
    let signup = t
        .client
        .post(t.url("/account/signup"))
        .header("origin", t.url(""))
        .form(&[
            ("email", "nul@example.com"),
            ("password", "secret1234"),
            ("password_confirm", "secret1234"),
            ("name", "김\u{0}장터"),
            ("mobile", "010-1234-5678"),
            ("confirm_age", "true"),
            ("agree_terms", "true"),
            ("agree_privacy", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), StatusCode::BAD_REQUEST);
    assert!(
        jangteo_db::members::find_by_email(&t.app.db, "nul@example.com")
            .await
            .unwrap()
            .is_none()
    );
    let json = t
        .client
        .post(t.url("/api/v1/staff/members/1/grade"))
        .header("content-type", "application/json")
        .body(r#"{"grade":"gold\u0000"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), StatusCode::BAD_REQUEST);
    // Ordinary Korean input still passes.
    assert_eq!(
        t.get("/search?q=%ED%8B%B0%EC%85%94%EC%B8%A0").await.0,
        StatusCode::OK
    );
}

on_both_backends!(
    nul_characters_are_refused_at_the_edge,
    home_lists_sections_and_never_hidden_products,
    category_pages_sort_paginate_and_404,
    product_page_shows_options_skus_and_structured_data,
    search_page_handles_korean_and_empty_queries,
    cms_pages_render_and_unknown_ones_404,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_render_as_pages_or_json_with_a_request_id() {
    let Some((t, _)) = fixture_app(Backend::Sqlite).await else {
        return;
    };
    let r = t.client.get(t.url("/no/such/page")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let request_id = r
        .headers()
        .get("x-request-id")
        .expect("request id header")
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = r.text().await.unwrap();
    assert!(
        html.contains("페이지를 찾을 수 없") || html.contains("찾을 수 없"),
        "Korean 404 message"
    );
    assert!(html.contains(&request_id));

    let r = t
        .client
        .get(t.url("/no/such/page"))
        .header(header::ACCEPT, "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "404");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('가'..='힣').contains(&c))
    );

    // Wrong method: still a page, and still the shop's look.
    let r = t
        .client
        .delete(t.url("/"))
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error());
    assert!(r.text().await.unwrap().contains("장터 데모샵"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_state_changes_are_refused() {
    let Some((t, _)) = fixture_app(Backend::Sqlite).await else {
        return;
    };
    let r = t
        .client
        .post(t.url("/search"))
        .header("sec-fetch-site", "cross-site")
        .header(header::ORIGIN, "https://evil.example")
        .form(&[("q", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(
        r.text().await.unwrap().contains("장터 데모샵"),
        "the refusal is a page too"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_locale_is_remembered_by_cookie() {
    let Some((t, _)) = fixture_app(Backend::Sqlite).await else {
        return;
    };
    let r = t
        .client
        .get(t.url("/lang/en?next=%2Fcategories%2Fclothes"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[header::LOCATION], "/categories/clothes");
    let cookie = r.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("lang=en")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("HttpOnly")
    );
    // The Korean page is rendered (and kept) first: the English visitor must not get it.
    assert!(
        t.get("/products/tangerines")
            .await
            .1
            .contains("<html lang=\"ko\"")
    );
    let html = t
        .client
        .get(t.url("/products/tangerines"))
        .header(header::COOKIE, "lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("₩15,900"));
    let r = t
        .client
        .get(t.url("/lang/en?next=//evil.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[header::LOCATION], "/", "no open redirect");
    assert_eq!(t.get("/lang/xx").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_endpoints_and_static_files() {
    let Some((t, _)) = fixture_app(Backend::Sqlite).await else {
        return;
    };
    assert_eq!(t.get("/healthz").await.0, StatusCode::OK);
    let (status, body) = t.get("/readyz").await;
    assert_eq!((status, body.contains("ready")), (StatusCode::OK, true));

    let (_, html) = t.get("/").await;
    let css = attr_after(&html, "css/shop.css", "href").expect("stylesheet link");
    assert!(css.contains("?v="), "hashed asset URL: {css}");
    let r = t.client.get(t.url(&css)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(
        r.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let etag = r.headers()[header::ETAG].clone();
    let r = t
        .client
        .get(t.url(&css))
        .header(header::IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(t.get("/static/js/shop.js").await.0, StatusCode::OK);
    assert_eq!(
        t.get("/static/../Cargo.toml").await.0,
        StatusCode::NOT_FOUND
    );

    // The database going away makes /readyz fail while /healthz stays up.
    t.app.db.close().await;
    assert_eq!(t.get("/readyz").await.0, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(t.get("/healthz").await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_show_a_500_page_in_the_shops_look() {
    let Some(t) = jangteo_testkit::TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    // Nothing is cached yet; with the database gone the home page cannot be built.
    t.app.db.close().await;
    let r = t.client.get(t.url("/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let request_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let html = r.text().await.unwrap();
    assert!(
        html.contains("장터 데모샵"),
        "the shop's header still renders"
    );
    assert!(html.contains("일시적인 오류"), "a Korean explanation");
    assert!(
        html.contains(&request_id),
        "the request id to quote to support"
    );
    assert!(
        !html.contains("sqlx") && !html.contains("pool"),
        "no internals leak"
    );
}

/// Every answer carries the browser security headers (a page, the back office, a static file,
/// an error); HSTS only over https.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_carry_browser_security_headers() {
    let Some((t, _)) = fixture_app(Backend::Sqlite).await else {
        return;
    };
    for path in ["/", "/admin/login", "/static/css/shop.css", "/no/such/page"] {
        let r = t.client.get(t.url(path)).send().await.unwrap();
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "SAMEORIGIN", "{path}");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'self'"),
            "{path}"
        );
        assert_eq!(
            h["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        assert!(
            !h.contains_key("strict-transport-security"),
            "http: no HSTS"
        );
    }
}
