//! Members on both backends: grades, password resets, login throttling records, sessions and carts.

use crate::orders::*;
use chrono::{DateTime, Duration, Utc};
use jangteo_db::catalog::stock;
use jangteo_db::members::{self, NewMember};
use jangteo_db::{Db, carts, login_attempts, sessions};
use jangteo_testkit::{Backend, TestDb, app_on, fixtures, on_both_backends};

async fn members_grades_resets_and_throttling_records(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let id = check_grades_and_default_grade(&t).await;
    let now = change_grade_and_spend_resets(&t.db, id).await;
    let since = now - Duration::minutes(15);
    check_failures_count_per_scope(&t.db, now, since).await;
    check_clearing_and_pruning(&t.db, now, since).await;
    anonymise_and_reuse_email(&t, id).await;
}

/// Lists the grades; a new member starts on the first one.
async fn check_grades_and_default_grade(t: &TestDb) -> i64 {
    let grades = members::grades(&t.db).await.unwrap();
    assert_eq!(
        grades.iter().map(|g| g.code.as_str()).collect::<Vec<_>>(),
        ["basic", "silver", "gold", "vip"]
    );
    let id = member(t, "a@example.com").await;
    let m = members::find(&t.db, id).await.unwrap().unwrap();
    assert_eq!(m.grade_id, grades[0].id, "default grade");
    id
}

/// Refuses a second account per e-mail, sets a grade and spends reset tokens once.
async fn change_grade_and_spend_resets(db: &Db, id: i64) -> DateTime<Utc> {
    let mut tx = db.begin().await.unwrap();
    let dup = members::insert(
        &mut tx,
        &NewMember {
            email: "a@example.com",
            password_hash: "y",
            name: "",
            mobile: "",
            marketing: true,
        },
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(dup, None, "one account per e-mail");
    assert!(
        members::set_grade(&mut tx, id, "gold", "staff", "a@example.com", Utc::now())
            .await
            .unwrap()
    );
    assert!(
        !members::set_grade(&mut tx, id, "nope", "staff", "", Utc::now())
            .await
            .unwrap()
    );
    let now = Utc::now();
    members::insert_reset(&mut tx, id, "hash1", now + Duration::minutes(30), now)
        .await
        .unwrap();
    members::insert_reset(&mut tx, id, "hash2", now + Duration::minutes(30), now)
        .await
        .unwrap();
    assert_eq!(
        members::consume_reset(&mut tx, "hash1", now).await.unwrap(),
        Some(id)
    );
    assert_eq!(
        members::consume_reset(&mut tx, "hash1", now).await.unwrap(),
        None,
        "once"
    );
    assert_eq!(
        members::consume_reset(&mut tx, "hash2", now).await.unwrap(),
        None,
        "others spent too"
    );
    tx.commit().await.unwrap();
    now
}

/// Counts login failures per scope; a success resets only the account.
async fn check_failures_count_per_scope(db: &Db, now: DateTime<Utc>, since: DateTime<Utc>) {
    login_attempts::record(db, "email:a", &["email:a", "ip:1"], false, now)
        .await
        .unwrap();
    login_attempts::record(
        db,
        "email:a",
        &["email:a", "ip:1"],
        false,
        now + Duration::seconds(1),
    )
    .await
    .unwrap();
    assert_eq!(
        login_attempts::recent_failures(db, "email:a", since)
            .await
            .unwrap(),
        2
    );
    login_attempts::record(
        db,
        "email:a",
        &["email:a"],
        true,
        now + Duration::seconds(2),
    )
    .await
    .unwrap();
    assert_eq!(
        login_attempts::recent_failures(db, "email:a", since)
            .await
            .unwrap(),
        0,
        "a success resets the account"
    );
    assert_eq!(
        login_attempts::recent_failures(db, "ip:1", since)
            .await
            .unwrap(),
        2,
        "not the IP"
    );
}

/// Clears the account's failures and prunes old failures but not successes.
async fn check_clearing_and_pruning(db: &Db, now: DateTime<Utc>, since: DateTime<Utc>) {
    // A success makes its scope known; the owner's clearing removes only the account's failures.
    assert!(
        login_attempts::has_succeeded(db, "email:a", since)
            .await
            .unwrap()
    );
    assert!(
        !login_attempts::has_succeeded(db, "ip:1", since)
            .await
            .unwrap()
    );
    login_attempts::record(db, "email:b", &["ip:1"], false, now)
        .await
        .unwrap();
    assert_eq!(
        login_attempts::clear_failures(db, "email:a").await.unwrap(),
        4
    );
    assert_eq!(
        login_attempts::recent_failures(db, "ip:1", since)
            .await
            .unwrap(),
        1,
        "another account's failures stay"
    );
    let later = now + Duration::days(40);
    login_attempts::prune(db, later, now - Duration::days(1))
        .await
        .unwrap();
    assert!(
        login_attempts::has_succeeded(db, "email:a", since)
            .await
            .unwrap(),
        "successes outlive failures"
    );
    assert_eq!(
        login_attempts::recent_failures(db, "ip:1", since)
            .await
            .unwrap(),
        0
    );
}

/// Anonymises the member; the e-mail is free to sign up again.
async fn anonymise_and_reuse_email(t: &TestDb, id: i64) {
    let mut tx = t.db.begin().await.unwrap();
    members::anonymise(&mut tx, id, Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    assert!(
        members::find_by_email(&t.db, "a@example.com")
            .await
            .unwrap()
            .is_none()
    );
    member(t, "a@example.com").await;
}

async fn sessions_expire_and_carts_keep_lines(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let now = Utc::now();
    assert!(
        sessions::create(&t.db, "s1", "{}", now + Duration::hours(1))
            .await
            .unwrap()
    );
    assert!(
        !sessions::create(&t.db, "s1", "{}", now + Duration::hours(1))
            .await
            .unwrap()
    );
    sessions::save(&t.db, "s1", "{\"a\":1}", now + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(
        sessions::load(&t.db, "s1", now).await.unwrap().as_deref(),
        Some("{\"a\":1}")
    );
    assert_eq!(
        sessions::load(&t.db, "s1", now + Duration::hours(2))
            .await
            .unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        sessions::delete_expired(&t.db, now + Duration::hours(2))
            .await
            .unwrap(),
        1
    );

    let app = app_on(&t);
    fixtures::catalog(&app).await;
    let sku = stock::sku_id_by_code(&t.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    let id = member(&t, "c@example.com").await;
    let mut tx = t.db.begin().await.unwrap();
    carts::put(&mut tx, id, sku, 2, 9_000, false, now)
        .await
        .unwrap();
    carts::put(&mut tx, id, sku, 3, 8_000, false, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let items = carts::items(&t.db, id).await.unwrap();
    assert_eq!(
        (items[0].quantity, items[0].seen_unit_price),
        (3, 9_000),
        "the first seen price is kept"
    );
    let snap = stock::snapshots(&t.db, &[sku, 999_999]).await.unwrap();
    assert_eq!(snap.len(), 1);
    assert_eq!(snap[0].stock, 10);
}

on_both_backends!(
    members_grades_resets_and_throttling_records,
    sessions_expire_and_carts_keep_lines,
);
