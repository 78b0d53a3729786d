//! Steps of the points-expiry test: the owner's rules, the notice 30 days before, the expiry on
//! the day (oldest points first, what was spent not taken), once.

use super::events;
use chrono::{DateTime, Duration, Months, Utc};
use jangteo_app::App;
use jangteo_app::auth::StaffActor;
use jangteo_core::time::{business_date, start_of_business_day};
use jangteo_db::promotions::{add_points, points_balance};

async fn post(app: &App, m: i64, amount: i64, reason: &str, at: DateTime<Utc>) {
    let mut tx = app.db.begin().await.unwrap();
    assert!(
        add_points(&mut tx, m, amount, reason, None, None, at)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
}

/// The owner sets the rules; a refused form names both problems; sign-up follows them.
pub(super) async fn the_owner_sets_the_rules(app: &App) {
    let owner = StaffActor::system("points-test");
    let refused = app.set_points_terms(&owner, "-5", "99").await;
    assert!(
        matches!(&refused, Err(jangteo_app::AppError::Form(p)) if p.len() == 2),
        "{refused:?}"
    );
    let policy = app.set_points_terms(&owner, "0", "12").await.unwrap();
    assert_eq!((policy.signup_points, policy.expiry_months), (0, 12));
    let quiet = jangteo_testkit::fixtures::member(app, "nopoints@example.com", false).await;
    assert_eq!(points_balance(&app.db, quiet).await.unwrap(), 0);
    app.set_points_terms(&owner, "2,000", "12").await.unwrap();
}

/// 2,000 points at sign-up, 500 more later, 300 spent: the 1,700 left of the oldest are told 30
/// days ahead and expire on their day; the 500 stay.
pub(super) async fn points_are_told_then_expire(app: &App, m: i64, signed_up: DateTime<Utc>) {
    post(app, m, 500, "manual", signed_up + Duration::days(200)).await;
    post(app, m, -300, "order_use", signed_up + Duration::days(250)).await;
    let expiry_day = business_date(signed_up)
        .checked_add_months(Months::new(12))
        .unwrap();
    let morning = |day: chrono::NaiveDate| start_of_business_day(day) + Duration::minutes(30);
    let notice_day = expiry_day - Duration::days(30);
    let early = morning(notice_day - Duration::days(1));
    assert_eq!(app.expire_points(early).await.unwrap(), (0, 0));
    assert_eq!(
        app.expire_points(morning(notice_day)).await.unwrap(),
        (1, 0)
    );
    assert_eq!(
        app.expire_points(morning(notice_day)).await.unwrap(),
        (0, 0),
        "once"
    );
    let notice = events(app, "points_expiring").await.pop().unwrap();
    assert!(notice.body_text.contains("1,700원"), "{}", notice.body_text);
    assert!(notice.body_text.contains(&expiry_day.to_string()));

    // My page shows it, told, with its day.
    app.clock.travel(morning(notice_day) - app.now());
    let expiring = app.expiring_points(m).await.unwrap();
    assert_eq!(
        expiring.first().map(|x| (x.on, x.amount, x.noticed)),
        Some((expiry_day, 1_700, true))
    );

    let eve = morning(expiry_day - Duration::days(1));
    assert_eq!(app.expire_points(eve).await.unwrap(), (0, 0));
    assert_eq!(
        app.expire_points(morning(expiry_day)).await.unwrap(),
        (0, 1_700)
    );
    assert_eq!(
        app.expire_points(morning(expiry_day)).await.unwrap(),
        (0, 0)
    );
    assert_eq!(points_balance(&app.db, m).await.unwrap(), 500);
    let ledger = jangteo_db::promotions::point_entries(&app.db, m, 1, 0)
        .await
        .unwrap();
    assert_eq!(
        (ledger[0].reason.as_str(), ledger[0].amount),
        ("expired", -1_700)
    );
}
