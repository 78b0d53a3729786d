//! Membership grades set in the back office (issue 17), on SQLite and PostgreSQL: a refused
//! form names every problem; the preview counts who would move and changes nothing; the
//! evaluation follows the owner's thresholds and runs on the owner's day; a free-shipping grade
//! pays no shipping; a grade in use is not deleted; every change is in the audit log.

use crate::checkout::{add, pay, place, shop, sign_up};
use chrono::Datelike;
use jangteo_app::AppError;
use jangteo_app::admin::grades::{GradeForm, GradeMove};
use jangteo_app::auth::StaffActor;
use jangteo_core::Won;
use jangteo_core::staff::Role;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, on_both_backends};

async fn grade_id(t: &jangteo_testkit::TestApp, name: &str) -> i64 {
    let owner = StaffActor::system("grade-test");
    let (grades, _) = t.app.admin_grades(&owner).await.unwrap();
    grades.iter().find(|g| g.name == name).expect(name).id
}

async fn shipping_of(t: &jangteo_testkit::TestApp, number: &str) -> Won {
    let order = jangteo_db::orders::find_by_number(&t.app.db, number)
        .await
        .unwrap();
    order.expect("the order").shipping_fee
}

async fn grades_are_set_previewed_and_followed(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let owner = StaffActor::system("grade-test");
    let warehouse = StaffActor {
        role: Role::Warehouse,
        ..StaffActor::system("warehouse-test")
    };
    let gold = grade_id(&t, "골드").await;
    let cheap_gold = GradeForm {
        name: "골드".into(),
        discount_percent: "3".into(),
        point_percent: "3".into(),
        min_spend: "10,000".into(),
        free_shipping: true,
    };
    let denied = t.app.save_grade(&warehouse, Some(gold), &cheap_gold).await;
    assert!(matches!(denied, Err(AppError::Forbidden)), "{denied:?}");
    let wrong = GradeForm {
        name: "실버".into(),
        discount_percent: "60".into(),
        point_percent: "1.234".into(),
        min_spend: "열만원".into(),
        free_shipping: false,
    };
    let Err(AppError::Form(problems)) = t.app.save_grade(&owner, None, &wrong).await else {
        panic!("refused");
    };
    for expected in [
        ("discount_percent", "grade_discount"),
        ("point_percent", "grade_points"),
        ("min_spend", "grade_threshold"),
    ] {
        assert!(problems.contains(&expected), "{problems:?}");
    }
    let taken = GradeForm {
        name: "실버".into(),
        ..cheap_gold.clone()
    };
    let Err(AppError::Form(problems)) = t.app.save_grade(&owner, None, &taken).await else {
        panic!("a second 실버 is refused");
    };
    assert!(
        problems.contains(&("name", "grade_name_taken")),
        "{problems:?}"
    );

    // A member's first order pays shipping; gold now starts at 10,000원 and ships free.
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "grade@example.com").await;
    add(&buyer, tshirt, 1).await;
    let first = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    assert!(shipping_of(&t, &first).await > Won::ZERO);
    t.app
        .save_grade(&owner, Some(gold), &cheap_gold)
        .await
        .unwrap();
    let preview = t.app.preview_grade_moves(&owner).await.unwrap();
    let expected = GradeMove {
        from: "일반".into(),
        to: "골드".into(),
        members: 1,
    };
    assert_eq!(preview, vec![expected]);
    assert_eq!(
        t.app.preview_grade_moves(&owner).await.unwrap().len(),
        1,
        "the preview changes nothing"
    );

    // The evaluation runs on the owner's day only.
    let refused = t.app.set_grade_schedule(&owner, "0", "31").await;
    let Err(AppError::Form(problems)) = refused else {
        panic!("refused schedule");
    };
    assert_eq!(problems.len(), 2, "{problems:?}");
    let now = t.app.now();
    let today = jangteo_core::time::business_date(now).day();
    let other_day = if today == 1 { "2" } else { "1" };
    t.app
        .set_grade_schedule(&owner, "3", other_day)
        .await
        .unwrap();
    assert_eq!(t.app.evaluate_grades_when_due(now).await.unwrap(), None);
    if today <= 28 {
        let day = today.to_string();
        t.app.set_grade_schedule(&owner, "3", &day).await.unwrap();
        assert_eq!(t.app.evaluate_grades_when_due(now).await.unwrap(), Some(1));
    } else {
        assert_eq!(t.app.evaluate_grades(now).await.unwrap(), 1);
    }
    assert!(t.app.preview_grade_moves(&owner).await.unwrap().is_empty());

    // Gold ships free: the next order pays no shipping.
    add(&buyer, tshirt, 1).await;
    let second = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    assert_eq!(shipping_of(&t, &second).await, Won::ZERO);

    // A new grade nobody held goes; gold, held, stays.
    let diamond = GradeForm {
        name: "다이아".into(),
        min_spend: "5,000,000".into(),
        ..cheap_gold.clone()
    };
    let diamond = t.app.save_grade(&owner, None, &diamond).await.unwrap();
    let (grades, _) = t.app.admin_grades(&owner).await.unwrap();
    assert_eq!(
        grades.last().map(|g| g.id),
        Some(diamond),
        "ordered by threshold"
    );
    t.app.delete_grade(&owner, diamond).await.unwrap();
    let held = t.app.delete_grade(&owner, gold).await;
    assert!(
        matches!(held, Err(AppError::Conflict("grade_in_use"))),
        "{held:?}"
    );
    let (entries, _) = jangteo_db::audit::search(&t.app.db, &Default::default(), 50, 0)
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for action in ["grades.save", "grades.schedule", "grades.delete"] {
        assert!(actions.contains(&action), "{actions:?}");
    }
}

on_both_backends!(grades_are_set_previewed_and_followed);
