//! 본인인증 through PortOne (its fake follows docs/PROVIDERS.md §13.1), on SQLite and
//! PostgreSQL: an attempt is started under an id the shop generates, completed once with what
//! PortOne verified (the CI kept only as a keyed hash), never by another buyer, and a given-up
//! window records nothing.

use crate::checkout::sign_up;
use jangteo_app::AppError;
use jangteo_testkit::fake_portone::*;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, on_both_backends};

const CI: &str = "Q0ktZmFrZS1raW0taW5qZXVuZy0xOTkw";
const RETURN: &str = "http://127.0.0.1/identity/return";

async fn members_are_verified_once_by_portone(backend: Backend) {
    let Some((t, _, fake, owner)) = crate::portone_payments::portone_shop(backend).await else {
        return;
    };
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "verify@example.com").await;
    let member = jangteo_db::members::find_by_email(&t.app.db, "verify@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert!(t.app.member_identity(member).await.unwrap().is_none());
    let start = t
        .app
        .start_identity_verification(Some(member), RETURN)
        .await
        .unwrap();
    let id = start.proof.verification_id.as_str();
    let proof = &start.proof;
    assert!(id.starts_with("iv-"));
    let early = t
        .app
        .complete_identity_verification(proof, Some(member), &[])
        .await;
    assert!(
        matches!(early, Err(AppError::Conflict("identity_pending"))),
        "{early:?}"
    );
    let person = FakePerson {
        name: "김인증".into(),
        birth_date: "2008-03-02".into(),
        phone: "01055556666".into(),
        ci: CI.into(),
    };
    fake.verify_identity(id, &person);
    let stranger = t.app.complete_identity_verification(proof, None, &[]).await;
    assert!(
        matches!(stranger, Err(AppError::NotFound)),
        "only its buyer completes it"
    );
    let other_session = jangteo_app::identity::IdentityProof {
        secret: "another-browser".into(),
        ..proof.clone()
    };
    let elsewhere = t
        .app
        .complete_identity_verification(&other_session, Some(member), &[])
        .await;
    assert!(
        matches!(elsewhere, Err(AppError::NotFound)),
        "only the session that started it completes it"
    );
    let verified = t
        .app
        .complete_identity_verification(proof, Some(member), &[])
        .await
        .unwrap();
    assert_eq!(verified.name, "김인증");
    assert_eq!(verified.mobile.as_deref(), Some("01055556666"));
    let new_year = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    let eve = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    assert!(
        verified.adult_on(new_year) && !verified.adult_on(eve),
        "19세 by the year"
    );
    let again = t
        .app
        .complete_identity_verification(proof, Some(member), &[])
        .await;
    assert!(
        matches!(again, Err(AppError::Conflict("identity_used"))),
        "once"
    );
    let row = jangteo_db::identity::find(&t.app.db, id)
        .await
        .unwrap()
        .unwrap();
    let ci_hash = row.ci_hash.unwrap();
    assert!(
        !ci_hash.contains(CI) && ci_hash.len() >= 32,
        "the CI only as a keyed hash"
    );
    let kept = t.app.member_identity(member).await.unwrap().unwrap();
    assert_eq!(kept.birth_date, verified.birth_date);

    // A window the buyer gave up records a failure and nothing else.
    let left = t
        .app
        .start_identity_verification(Some(member), RETURN)
        .await
        .unwrap();
    fake.fail_identity(&left.proof.verification_id);
    let failed = t
        .app
        .complete_identity_verification(&left.proof, Some(member), &[])
        .await;
    assert!(matches!(failed, Err(AppError::Conflict("identity_failed"))));
    let row = jangteo_db::identity::find(&t.app.db, &left.proof.verification_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.status.as_str(), row.name), ("failed", None));

    // Once the owner runs PortOne live, a verification on a test channel proves nobody.
    let live = [
        ("provider", "portone"),
        ("portone_store_id", PORTONE_STORE_ID),
        ("portone_channel_key", PORTONE_CHANNEL_KEY),
        ("portone_naverpay_channel_key", PORTONE_NAVERPAY_CHANNEL_KEY),
        ("portone_identity_channel_key", PORTONE_IDENTITY_CHANNEL_KEY),
        ("portone_api_secret", PORTONE_API_SECRET),
        ("portone_webhook_secret", PORTONE_WEBHOOK_SECRET),
        ("portone_virtual_account_bank", "88"),
        ("portone_live", "on"),
    ];
    let saved = owner.post("/admin/settings/payments", &live).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let test_channel = t
        .app
        .start_identity_verification(Some(member), RETURN)
        .await
        .unwrap();
    fake.verify_identity(&test_channel.proof.verification_id, &person);
    let refused = t
        .app
        .complete_identity_verification(&test_channel.proof, Some(member), &[])
        .await;
    assert!(
        matches!(refused, Err(AppError::Conflict("identity_failed"))),
        "{refused:?}"
    );

    // Withdrawal erases what was verified with the rest of the member's personal data.
    t.app
        .withdraw(member, crate::checkout::PASSWORD)
        .await
        .unwrap();
    assert!(
        jangteo_db::identity::find(&t.app.db, id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(t.app.member_identity(member).await.unwrap().is_none());
}

on_both_backends!(members_are_verified_once_by_portone);
