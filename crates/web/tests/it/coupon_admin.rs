//! Coupons made in the back office (issue 17), on SQLite and PostgreSQL: only a role with
//! marketing rights makes them; a refused form names every problem; a saved coupon applies at
//! checkout to its scope less its excluded products; stopping it ends its use; every change is
//! in the audit log.

use crate::checkout::{add, pay, place, shop, sign_up};
use jangteo_app::AppError;
use jangteo_app::admin::coupons::CouponForm;
use jangteo_app::auth::StaffActor;
use jangteo_core::Won;
use jangteo_core::staff::Role;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, on_both_backends};

fn ten_percent_off() -> CouponForm {
    let today = jangteo_core::time::business_date(chrono::Utc::now());
    CouponForm {
        code: "tenoff".into(),
        name: "10% 할인".into(),
        kind: "percent".into(),
        percent: "10".into(),
        max_discount: "5,000".into(),
        scope: "all".into(),
        excluded: "jeans".into(),
        starts_on: Some(today),
        ends_on: Some(today),
        per_member_limit: "1".into(),
        combines_with_grade: true,
        ..CouponForm::default()
    }
}

async fn coupons_are_made_checked_applied_and_stopped(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let owner = StaffActor::system("coupon-test");
    let warehouse = StaffActor {
        role: Role::Warehouse,
        ..StaffActor::system("warehouse-test")
    };
    let denied = t
        .app
        .save_coupon(&warehouse, None, &ten_percent_off())
        .await;
    assert!(matches!(denied, Err(AppError::Forbidden)), "{denied:?}");

    let wrong = CouponForm {
        percent: "0".into(),
        scope: "products".into(),
        excluded: "no-such-product".into(),
        per_member_limit: "".into(),
        ..ten_percent_off()
    };
    let Err(AppError::Form(problems)) = t.app.save_coupon(&owner, None, &wrong).await else {
        panic!("refused");
    };
    for expected in [
        ("excluded", "coupon_unknown_product"),
        ("percent", "coupon_percent"),
        ("per_member_limit", "coupon_uses"),
        ("scope", "coupon_scope_empty"),
    ] {
        assert!(problems.contains(&expected), "{expected:?} in {problems:?}");
    }

    let id = t
        .app
        .save_coupon(&owner, None, &ten_percent_off())
        .await
        .unwrap();
    let again = t.app.save_coupon(&owner, None, &ten_percent_off()).await;
    assert!(matches!(again, Err(AppError::Form(p)) if p.contains(&("code", "coupon_code_taken"))));

    // A member buys the T-shirt and the jeans with the code: only the T-shirt is discounted.
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "tenoff@example.com").await;
    let jeans = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "JEANS")
        .await
        .unwrap()
        .unwrap();
    add(&buyer, tshirt, 1).await;
    add(&buyer, jeans, 1).await;
    let code = [("payment_method", "card"), ("coupon_code", "TENOFF")];
    let number = pay(&buyer, &place(&buyer, &code).await).await;
    let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap();
    let lines = jangteo_db::orders::lines(&t.app.db, order.id)
        .await
        .unwrap();
    let shirt_total = lines
        .iter()
        .find(|l| l.product_slug == "tshirt")
        .unwrap()
        .subtotal;
    assert_eq!(order.coupon_discount, Won(shirt_total.get() / 10));
    let detail = t.app.admin_coupon(&owner, id).await.unwrap();
    assert_eq!(
        (detail.usage.used, detail.usage.discount),
        (1, order.coupon_discount.get())
    );
    assert_eq!(detail.redemptions[0].order_number, number);
    assert_eq!(detail.product_refs.1, "jeans");

    // Stopped: the code is unknown from now on.
    t.app.set_coupon_active(&owner, id, false).await.unwrap();
    assert!(
        jangteo_db::promotions::by_code(&t.app.db, "TENOFF")
            .await
            .unwrap()
            .is_none()
    );
    let (entries, _) = jangteo_db::audit::search(&t.app.db, &Default::default(), 50, 0)
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"coupons.save") && actions.contains(&"coupons.stop"));
}

/// A coupon issued at a member's first paid order, and one issued to a segment at once.
async fn coupons_reach_members_by_first_purchase_and_segment(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let owner = StaffActor::system("coupon-test");
    let thanks = CouponForm {
        code: String::new(),
        name: "첫 구매 감사".into(),
        issue_after_first_purchase: true,
        ..ten_percent_off()
    };
    let thanks = t.app.save_coupon(&owner, None, &thanks).await.unwrap();
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "first@example.com").await;
    let member = jangteo_db::members::find_by_email(&t.app.db, "first@example.com")
        .await
        .unwrap()
        .unwrap();
    let holds =
        |coupons: Vec<jangteo_db::promotions::CouponRow>, id| coupons.iter().any(|c| c.id == id);
    let before = jangteo_db::promotions::issued_to(&t.app.db, member.id)
        .await
        .unwrap();
    assert!(!holds(before, thanks), "not before paying");
    add(&buyer, tshirt, 1).await;
    pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    let after = jangteo_db::promotions::issued_to(&t.app.db, member.id)
        .await
        .unwrap();
    assert!(holds(after, thanks), "issued with the first paid order");

    // To every active member at once; those who have it are skipped; audited with the count.
    let winter = CouponForm {
        code: String::new(),
        name: "겨울 감사".into(),
        ..ten_percent_off()
    };
    let winter = t.app.save_coupon(&owner, None, &winter).await.unwrap();
    let all = jangteo_app::admin::coupons::Segment::All;
    assert_eq!(
        t.app
            .issue_coupon_to_segment(&owner, winter, all)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        t.app
            .issue_coupon_to_segment(&owner, winter, all)
            .await
            .unwrap(),
        0
    );
    let marketing = jangteo_app::admin::coupons::Segment::MarketingAgreed;
    assert_eq!(
        t.app
            .issue_coupon_to_segment(&owner, thanks, marketing)
            .await
            .unwrap(),
        0
    );
    t.app
        .set_coupon_active(&owner, winter, false)
        .await
        .unwrap();
    let stopped = t.app.issue_coupon_to_segment(&owner, winter, all).await;
    assert!(matches!(
        stopped,
        Err(AppError::Conflict("coupon_not_usable"))
    ));
}

/// Unique codes (난수 쿠폰): made in a batch, each registered by one member on My page or at
/// checkout, downloaded by staff with their state.
async fn unique_codes_go_to_one_member_each(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let owner = StaffActor::system("coupon-test");
    let partner = CouponForm {
        code: String::new(),
        name: "제휴 쿠폰".into(),
        ..ten_percent_off()
    };
    let id = t.app.save_coupon(&owner, None, &partner).await.unwrap();
    let zero = t.app.generate_coupon_codes(&owner, id, "0").await;
    assert!(matches!(zero, Err(AppError::Form(_))), "{zero:?}");
    assert_eq!(
        t.app
            .generate_coupon_codes(&owner, id, "1,000")
            .await
            .unwrap(),
        1_000
    );
    let sheet = t.app.coupon_codes_sheet(&owner, id).await.unwrap();
    let sheet = String::from_utf8(sheet).unwrap();
    let codes: Vec<String> = sheet
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect();
    let distinct: std::collections::HashSet<&String> = codes.iter().collect();
    assert_eq!((codes.len(), distinct.len()), (1_000, 1_000));

    // One member registers a code on My page, typed loosely; another cannot take it.
    let first = Shopper::new(&t.url(""));
    sign_up(&first, "first-code@example.com").await;
    let typed = codes[0].replace('-', " ").to_lowercase();
    let registered = first.post("/account/coupons", &[("code", &typed)]).await;
    assert_eq!(registered.location.as_deref(), Some("/account#my-coupons"));
    let second = Shopper::new(&t.url(""));
    sign_up(&second, "second-code@example.com").await;
    let taken = second
        .post("/account/coupons", &[("code", &codes[0])])
        .await;
    assert!(
        taken.location.unwrap().contains("coupon_code="),
        "kept to type again"
    );
    let member = |email: &'static str| {
        let db = t.app.db.clone();
        async move {
            let m = jangteo_db::members::find_by_email(&db, email)
                .await
                .unwrap();
            m.unwrap().id
        }
    };
    let (first_id, second_id) = (
        member("first-code@example.com").await,
        member("second-code@example.com").await,
    );
    let held = jangteo_db::promotions::issued_to(&t.app.db, second_id)
        .await
        .unwrap();
    assert!(
        held.iter().all(|c| c.id != id),
        "the taken code gave nothing"
    );
    let again = t.app.register_coupon_code(first_id, &codes[2]).await;
    assert!(
        matches!(&again, Err(AppError::Form(p)) if p == &[("coupon_code", "coupon_code_held")]),
        "{again:?}"
    );

    // The second member types another code at checkout and the order uses it.
    add(&second, tshirt, 1).await;
    let placed = place(
        &second,
        &[("payment_method", "card"), ("coupon_code", &codes[1])],
    )
    .await;
    let number = pay(&second, &placed).await;
    let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap();
    assert!(order.unwrap().coupon_discount > Won::ZERO);
    assert_eq!(
        t.app.coupon_code_counts(&owner, id).await.unwrap(),
        (1_000, 2)
    );
}

/// A member who gives a birth date gets the birthday coupon on the day, once a year, their uses
/// starting afresh each year; the usage report counts issues and uses over a period.
async fn birthday_coupons_come_yearly_and_the_report_counts_them(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let owner = StaffActor::system("coupon-test");
    let today = jangteo_core::time::business_date(chrono::Utc::now());
    let birthday = CouponForm {
        code: String::new(),
        name: "생일 축하".into(),
        ends_on: Some(today + chrono::Duration::days(800)),
        issue_on_birthday: true,
        ..ten_percent_off()
    };
    let id = t.app.save_coupon(&owner, None, &birthday).await.unwrap();
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "birthday@example.com").await;
    let profile = |birth: String| {
        vec![
            ("name".to_owned(), "생일자".to_owned()),
            ("mobile".to_owned(), "010-1234-5678".to_owned()),
            ("birth_date".to_owned(), birth),
        ]
    };
    let post = |fields: Vec<(String, String)>| {
        let buyer = &buyer;
        async move {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            buyer.post("/account/profile", &fields).await
        }
    };
    // A date in the future is refused with what was typed kept.
    let refused = post(profile("2999-01-01".into())).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("생년월일을 확인해 주세요"));
    assert!(refused.body.contains("2999-01-01"));
    // Born on this day in 1992 (a leap year, should today be 29 February).
    let born = format!("1992-{}", today.format("%m-%d"));
    assert_eq!(post(profile(born.clone())).await.status, 303);
    assert!(buyer.get("/account/profile").await.body.contains(&born));
    let member = jangteo_db::members::find_by_email(&t.app.db, "birthday@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(member.birth_date.as_deref(), Some(born.as_str()));

    let now = chrono::Utc::now();
    assert_eq!(t.app.issue_birthday_coupons(now).await.unwrap(), 1);
    assert_eq!(
        t.app.issue_birthday_coupons(now).await.unwrap(),
        0,
        "once a year"
    );
    add(&buyer, tshirt, 1).await;
    let coupon = id.to_string();
    let fields = [("payment_method", "card"), ("coupon_id", coupon.as_str())];
    let number = pay(&buyer, &place(&buyer, &fields).await).await;
    let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap();
    assert!(order.coupon_discount > Won::ZERO);
    let uses = || jangteo_db::promotions::uses(&t.app.db, id, member.id);
    assert_eq!(uses().await.unwrap(), 1);

    // The report over the last 30 days: issued once, used once by one member.
    let report = t.app.coupon_usage_report(&owner, None, None).await.unwrap();
    let row = report.rows.iter().find(|r| r.id == id).unwrap();
    assert_eq!(
        (row.issued, row.used, row.members, row.discount, row.sales),
        (1, 1, 1, order.coupon_discount.get(), order.total.get())
    );
    assert_eq!(report.totals.discount, order.coupon_discount.get());
    let reversed = t
        .app
        .coupon_usage_report(&owner, Some("2026-12-31"), Some("2026-01-01"))
        .await;
    assert!(matches!(reversed, Err(AppError::Form(_))), "{reversed:?}");
    let (_, sheet) = t.app.coupon_usage_sheet(&owner, None, None).await.unwrap();
    let sheet = String::from_utf8(sheet).unwrap();
    assert!(
        sheet.contains("생일 축하") && sheet.contains("합계"),
        "{sheet}"
    );
    let warehouse = StaffActor {
        role: Role::Warehouse,
        ..StaffActor::system("warehouse-test")
    };
    let refused = t.app.coupon_usage_report(&warehouse, None, None).await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");

    // A year on, the coupon comes again and the member may use it again.
    let next_year = now + chrono::Duration::days(366);
    assert_eq!(t.app.issue_birthday_coupons(next_year).await.unwrap(), 1);
    assert_eq!(t.app.issue_birthday_coupons(next_year).await.unwrap(), 0);
    assert_eq!(uses().await.unwrap(), 0);
}

on_both_backends!(birthday_coupons_come_yearly_and_the_report_counts_them);
on_both_backends!(coupons_are_made_checked_applied_and_stopped);
on_both_backends!(unique_codes_go_to_one_member_each);
on_both_backends!(coupons_reach_members_by_first_purchase_and_segment);
