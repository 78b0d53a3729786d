//! Product reviews on SQLite and PostgreSQL: a member reviews a delivered order line with
//! photos from the order page (refused before delivery, a bad form kept), the product page shows
//! it with the rewarded-review badge and its rating, the reward is granted after its hold and
//! taken back when the line is returned.

use crate::checkout::shop;
use crate::claim_steps::{bought, deliver, post_claim, staff_files_a_defect};
use jangteo_db::members;
use jangteo_db::promotions::points_balance;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, on_both_backends};

const TEXT: &str = "두께가 적당하고 세탁 후에도 줄지 않아서 만족합니다. 색도 사진과 같아요.";

async fn a_member_reviews_with_photos_and_the_reward_follows_the_goods(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let (buyer, number, _, line) = bought(&t, tshirt, "reviewer@example.com", 1).await;
    let form = format!("/orders/{number}/review");
    let post_path = format!("/orders/{number}/review/{}", line.id);
    let good = [("stars", "5"), ("text", TEXT)];

    // Before delivery the form says why and a post is refused.
    let early = buyer.get(&form).await;
    assert_eq!(early.status, 200);
    assert!(early.body.contains("배송이 완료된 뒤에"), "{}", early.body);
    let (status, _, _) = post_claim(&t, &buyer, &post_path, &good, &[]).await;
    assert_eq!(status, 409);

    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    deliver(&cs, &number).await;
    let order_page = buyer.get(&format!("/orders/{number}")).await;
    assert!(
        order_page.body.contains(&form),
        "the order page links to the form"
    );
    // No stars and too short: every problem, what was typed kept.
    let (status, _, body) = post_claim(&t, &buyer, &post_path, &[("text", "좋아요")], &[]).await;
    assert_eq!(status, 422);
    assert!(
        body.contains("별점을 골라") && body.contains("너무 짧습니다") && body.contains("좋아요")
    );
    // Someone else cannot review the member's order.
    let stranger = Shopper::new(&t.url(""));
    crate::checkout::sign_up(&stranger, "stranger@example.com").await;
    let (status, _, _) = post_claim(&t, &stranger, &post_path, &good, &[]).await;
    assert_eq!(status, 404);

    let photos = [
        jangteo_media::demo_banner([200, 120, 80], 1),
        jangteo_media::demo_banner([80, 120, 200], 2),
    ];
    let refs: Vec<&[u8]> = photos.iter().map(Vec::as_slice).collect();
    let (status, location, _) = post_claim(&t, &buyer, &post_path, &good, &refs).await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some(format!("{form}#line-{}", line.id).as_str())
    );
    let (status, _, _) = post_claim(&t, &buyer, &post_path, &good, &[]).await;
    assert_eq!(status, 409, "one review per line");

    // The product page: the rating, the review with its photos and the disclosure badge.
    let visitor = Shopper::new(&t.url(""));
    let product = visitor.get("/products/tshirt").await.body;
    assert!(product.contains(TEXT) && product.contains("적립금 지급 후기"));
    assert!(product.contains("5.0") && product.contains("상품후기 (1)"));
    assert_eq!(product.matches("class=\"review__photos\"").count(), 1);
    assert!(product.contains("\"aggregateRating\""));
    let all = visitor.get("/products/tshirt/reviews").await;
    assert_eq!(all.status, 200);
    assert!(all.body.contains(TEXT));

    // The reward (photo review, the product's first): held, then granted once.
    let member = members::find_by_email(&t.app.db, "reviewer@example.com")
        .await
        .unwrap()
        .unwrap();
    let before = points_balance(&t.app.db, member.id).await.unwrap();
    let now = chrono::Utc::now();
    assert_eq!(t.app.grant_review_rewards(now).await.unwrap(), 0, "held");
    let later = now + chrono::Duration::days(8);
    assert_eq!(t.app.grant_review_rewards(later).await.unwrap(), 1);
    assert_eq!(t.app.grant_review_rewards(later).await.unwrap(), 0);
    let granted = points_balance(&t.app.db, member.id).await.unwrap();
    assert_eq!(granted, before + 2_000);

    // The line is returned and refunded: the reward goes back.
    let claim = staff_files_a_defect(&t, &number, line.id, 1).await;
    let claim_path = format!("/admin/claims/{claim}");
    for form in [
        vec![("action", "approve")],
        vec![("action", "collected")],
        vec![
            ("action", "refund"),
            ("deduction", "0"),
            ("restock", "true"),
        ],
    ] {
        assert_eq!(cs.post(&claim_path, &form).await.status, 303);
    }
    assert_eq!(
        points_balance(&t.app.db, member.id).await.unwrap(),
        before,
        "the reward is taken back"
    );
    let ledger = jangteo_db::promotions::point_entries(&t.app.db, member.id, 5, 0)
        .await
        .unwrap();
    assert!(
        ledger
            .iter()
            .any(|e| e.reason == "review_reward_back" && e.amount == -2_000)
    );
}

on_both_backends!(a_member_reviews_with_photos_and_the_reward_follows_the_goods);

/// Staff hide a review with a reason (the rating follows), show it again and reply; only the
/// inquiries role may; the owner sets the rules with every problem told; all audited.
async fn staff_moderate_reviews_and_set_the_rules(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let (buyer, number, _, line) = bought(&t, tshirt, "moderated@example.com", 1).await;
    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    deliver(&cs, &number).await;
    let post_path = format!("/orders/{number}/review/{}", line.id);
    let (status, _, _) = post_claim(
        &t,
        &buyer,
        &post_path,
        &[("stars", "4"), ("text", TEXT)],
        &[],
    )
    .await;
    assert_eq!(status, 303);
    let product = jangteo_db::catalog::products::find_by_slug(&t.app.db, "tshirt")
        .await
        .unwrap()
        .unwrap()
        .id;
    let id = t.app.product_reviews(product, 1).await.unwrap().page.items[0]
        .review
        .id;
    let owner = jangteo_app::auth::StaffActor::system("review-test");
    let warehouse = jangteo_app::auth::StaffActor {
        role: jangteo_core::staff::Role::Warehouse,
        ..jangteo_app::auth::StaffActor::system("warehouse-test")
    };
    let refused = t.app.set_review_hidden(&warehouse, id, Some("광고")).await;
    assert!(matches!(refused, Err(jangteo_app::AppError::Forbidden)));
    let empty = t.app.set_review_hidden(&owner, id, Some("  ")).await;
    assert!(
        matches!(empty, Err(jangteo_app::AppError::Form(_))),
        "{empty:?}"
    );
    t.app
        .set_review_hidden(&owner, id, Some("광고 포함"))
        .await
        .unwrap();
    let shown = t.app.product_reviews(product, 1).await.unwrap();
    assert_eq!((shown.rating.count, shown.page.items.len()), (0, 0));
    t.app.set_review_hidden(&owner, id, None).await.unwrap();
    t.app
        .reply_to_review(&owner, id, "감사합니다!")
        .await
        .unwrap();
    let shown = t.app.product_reviews(product, 1).await.unwrap();
    assert_eq!(shown.rating.average_label(), "4.0");
    assert_eq!(
        shown.page.items[0].review.reply.as_deref(),
        Some("감사합니다!")
    );

    let wrong = jangteo_core::reviews::ReviewPolicyFields {
        window_days: "0",
        min_text_chars: "10",
        reward_text: "abc",
        reward_photo: "1,000",
        reward_first_photo: "0",
        hold_days: "7",
    };
    let refused = t.app.set_review_policy(&owner, &wrong).await;
    assert!(
        matches!(&refused, Err(jangteo_app::AppError::Form(p)) if p.len() == 2),
        "{refused:?}"
    );
    let fields = jangteo_core::reviews::ReviewPolicyFields {
        window_days: "14",
        reward_text: "300",
        ..wrong
    };
    t.app.set_review_policy(&owner, &fields).await.unwrap();
    assert_eq!(t.app.review_policy().await.unwrap().window_days, 14);
    let (audit, _) = jangteo_db::audit::search(&t.app.db, &Default::default(), 50, 0)
        .await
        .unwrap();
    for action in [
        "reviews.hide",
        "reviews.show",
        "reviews.reply",
        "reviews.policy",
    ] {
        assert!(audit.iter().any(|a| a.action == action), "{action}");
    }
}

on_both_backends!(staff_moderate_reviews_and_set_the_rules);
