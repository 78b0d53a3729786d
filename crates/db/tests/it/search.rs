//! Korean search on both backends: partial words, spacing variants, initial consonants, ranking.

use jangteo_core::paging::PageRequest;
use jangteo_core::search::{SearchKeys, SearchQuery, rank};
use jangteo_db::catalog::products;
use jangteo_testkit::{Backend, TestDb, app_on, fixtures, on_both_backends};

async fn found(db: &jangteo_db::Db, q: &str) -> Vec<String> {
    products::search_cards(db, &SearchQuery::parse(q), PageRequest::new(1, 50))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|r| r.name)
        .collect()
}

async fn searches_korean_as_shoppers_type(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let app = app_on(&t);
    fixtures::catalog(&app).await;
    let db = &t.db;

    // Partial words: "셔츠" is inside "반팔티셔츠".
    let shirts = found(db, "셔츠").await;
    assert!(shirts.contains(&"반팔티셔츠".to_owned()), "{shirts:?}");
    assert!(shirts.contains(&"스트라이프 셔츠 반팔".to_owned()));
    assert!(!shirts.contains(&"청바지 와이드".to_owned()));
    assert!(
        !shirts.contains(&"숨김 티셔츠".to_owned()),
        "hidden products never appear"
    );

    // Spacing variants: "반팔 티셔츠" finds "반팔티셔츠", exact name first.
    assert_eq!(
        found(db, "반팔 티셔츠").await.first().map(String::as_str),
        Some("반팔티셔츠")
    );
    assert_eq!(
        found(db, "반팔티셔츠").await.first().map(String::as_str),
        Some("반팔티셔츠")
    );
    assert_eq!(found(db, "감귤5kg").await, ["제주 감귤 5kg"]);
    assert_eq!(found(db, "제주감귤 5KG").await, ["제주 감귤 5kg"]);

    // Initial consonants: "ㅌㅅㅊ" finds "티셔츠" (exact initials first), then names containing it.
    let initials = found(db, "ㅌㅅㅊ").await;
    assert_eq!(initials.first().map(String::as_str), Some("티셔츠"));
    assert!(initials.contains(&"반팔티셔츠".to_owned()));
    assert!(initials.contains(&"품절 티셔츠 세트".to_owned()));
    assert!(!initials.contains(&"청바지 와이드".to_owned()));
    assert_eq!(found(db, "ㅊㅂㅈ").await, ["청바지 와이드"]);
    // A half-typed word mixes syllables and a lone consonant.
    assert!(found(db, "티셔ㅊ").await.contains(&"반팔티셔츠".to_owned()));

    // Words in another order, and words spread over name and category.
    assert_eq!(found(db, "반팔 스트라이프").await, ["스트라이프 셔츠 반팔"]);
    assert_eq!(found(db, "식품 감귤").await, ["제주 감귤 5kg"]);

    // Name matches rank above matches in other fields: "티셔츠" is the category of 반팔티셔츠
    // and of the set, and the name of 티셔츠.
    let tees = found(db, "티셔츠").await;
    assert_eq!(tees.first().map(String::as_str), Some("티셔츠"));

    // Nothing, and nothing silly.
    assert!(found(db, "노트북").await.is_empty());
    assert!(found(db, "").await.is_empty());
    assert!(found(db, "%").await.is_empty());
    assert!(found(db, "' OR 1=1 --").await.is_empty());
}

async fn matches_the_reference_ranking(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let app = app_on(&t);
    fixtures::catalog(&app).await;
    let names = [
        "반팔티셔츠",
        "티셔츠",
        "스트라이프 셔츠 반팔",
        "청바지 와이드",
        "제주 감귤 5kg",
        "품절 티셔츠 세트",
    ];
    let category = |n: &str| {
        if n.contains("감귤") {
            "식품"
        } else {
            "의류"
        }
    };
    for q in [
        "셔츠",
        "반팔",
        "ㅌㅅㅊ",
        "ㅅㅊ",
        "티 셔 츠",
        "테스트브랜드",
        "의류 반팔",
        "5kg",
        "ㅈㅈ",
    ] {
        let query = SearchQuery::parse(q);
        // The reference: rank each fixture product in Rust, order by (rank, popularity).
        let popularity = |n: &str| match n {
            "반팔티셔츠" => 50,
            "티셔츠" => 10,
            "스트라이프 셔츠 반팔" => 90,
            "청바지 와이드" => 5,
            "제주 감귤 5kg" => 70,
            _ => 1,
        };
        let mut expected: Vec<(u8, i64, &str)> = names
            .iter()
            .filter_map(|n| {
                rank(
                    &SearchKeys::for_product(n, [category(n), "테스트브랜드"]),
                    &query,
                )
                .map(|r| (r, -popularity(n), *n))
            })
            .collect();
        expected.sort();
        let expected: Vec<&str> = expected.into_iter().map(|(_, _, n)| n).collect();
        assert_eq!(found(&t.db, q).await, expected, "query {q:?}");
    }
}

on_both_backends!(
    searches_korean_as_shoppers_type,
    matches_the_reference_ranking
);
