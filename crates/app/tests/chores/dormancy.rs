//! Steps of the dormancy test: notice, separation and restoration at login.

use super::events;
use chrono::{DateTime, Duration, Utc};
use jangteo_app::App;
use jangteo_app::auth::login_guard::LoginPlace;
use jangteo_app::members::SignupInput;

/// Notices a member inactive for 340 days once, then separates the personal data after a year.
/// The member verified once (name, birth date, mobile, CI hash kept with the attempt).
async fn verified_once(app: &App, m: i64, now: DateTime<Utc>) {
    use jangteo_db::identity::{Started, Verified, start, verify};
    let mut tx = app.db.begin().await.unwrap();
    let attempt = Started {
        verification_id: "identity-sleepy",
        provider: "portone",
        member_id: Some(m),
        session_hash: "h",
        provider_state: None,
    };
    start(&mut tx, attempt, now).await.unwrap();
    let person = Verified {
        name: "김잠꾸러기",
        birth_date: Some("1990-01-01"),
        mobile: Some("01012345678"),
        ci_hash: Some("ci"),
    };
    assert!(
        verify(&mut tx, "identity-sleepy", person, now)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
}

pub(super) async fn notice_and_separate(app: &App, m: i64, now: DateTime<Utc>) {
    assert_eq!(
        app.apply_dormancy(now).await.unwrap(),
        (0, 0),
        "recently active"
    );
    jangteo_db::members::touch_login(&app.db, m, now - Duration::days(340))
        .await
        .unwrap();
    assert_eq!(
        app.apply_dormancy(now).await.unwrap(),
        (1, 0),
        "notice 30 days before"
    );
    assert_eq!(app.apply_dormancy(now).await.unwrap(), (0, 0), "once");
    let notice = events(app, "dormancy_notice").await.pop().unwrap();
    assert_eq!(notice.recipient, "sleepy@example.com");

    verified_once(app, m, now).await;
    assert_eq!(
        app.apply_dormancy(now + Duration::days(26)).await.unwrap(),
        (0, 1),
        "separated after a year"
    );
    let identity = jangteo_db::identity::latest_of_member(&app.db, m).await;
    assert!(identity.unwrap().is_none(), "the 본인인증 is not kept");
    let row = jangteo_db::members::find(&app.db, m)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.email, row.mobile, row.name.as_str()),
        (None, None, ""),
        "personal data moved out"
    );
    assert!(
        jangteo_db::members::find_by_email(&app.db, "sleepy@example.com")
            .await
            .unwrap()
            .is_none()
    );
}

/// Nobody else can take the address meanwhile; a wrong password restores nothing.
pub(super) async fn keep_address_and_refuse_wrong_password(app: &App, m: i64) {
    let again = app
        .sign_up(SignupInput {
            email: "sleepy@example.com".into(),
            password: "secret1234".into(),
            password_confirm: "secret1234".into(),
            name: "다른사람".into(),
            mobile: "010-0000-0000".into(),
            agree_terms: true,
            confirm_age: true,
            agree_privacy: true,
            agree_marketing: false,
        })
        .await;
    assert!(matches!(again, Err(jangteo_app::AppError::Form(_))));
    assert!(
        app.log_in(
            "sleepy@example.com",
            "wrong-pass1",
            &LoginPlace::ip("127.0.0.1")
        )
        .await
        .is_err()
    );
    assert!(
        jangteo_db::members::find(&app.db, m)
            .await
            .unwrap()
            .unwrap()
            .email
            .is_none()
    );
}

/// Logging in with the right password brings everything back.
pub(super) async fn restore_at_login(app: &App, m: i64) {
    let back = app
        .log_in(
            "sleepy@example.com",
            "secret1234",
            &LoginPlace::ip("127.0.0.1"),
        )
        .await
        .unwrap();
    assert_eq!(
        (back.id, back.name.as_str(), back.mobile.as_deref()),
        (m, "김장터", Some("01012345678"))
    );
    assert!(
        back.marketing_agreed_at.is_some(),
        "consent restored with the rest"
    );
}
