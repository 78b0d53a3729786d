//! The PortOne 본인인증 adapter against the fake PortOne (docs/PROVIDERS.md §13.1): a verified
//! person is read back whole, a given-up window is a failure, an unknown id is not found, and a
//! wrong secret or store is refused.

use jangteo_providers::identity::portone::{PortOneIdentity, PortOneIdentityConfig};
use jangteo_providers::identity::{IdentityError, Verification};
use jangteo_providers::messaging::http_client;
use jangteo_testkit::fake_portone::{
    FakePerson, FakePortOne, PORTONE_API_SECRET, PORTONE_IDENTITY_CHANNEL_KEY, PORTONE_STORE_ID,
};

fn verifier(fake: &FakePortOne, secret: &str, store: &str) -> PortOneIdentity {
    PortOneIdentity::new(
        http_client(),
        PortOneIdentityConfig {
            api_base: fake.base_url.clone(),
            store_id: store.into(),
            api_secret: secret.into(),
            sdk_url: fake.sdk_url(),
            channel_key: PORTONE_IDENTITY_CHANNEL_KEY.into(),
        },
    )
}

#[tokio::test]
async fn verified_people_are_read_back_and_nothing_else_counts() {
    let fake = FakePortOne::start().await;
    let portone = verifier(&fake, PORTONE_API_SECRET, PORTONE_STORE_ID);
    let person = FakePerson {
        name: "김인증".into(),
        birth_date: "1990-05-17".into(),
        phone: "01055556666".into(),
        ci: "Q0ktZmFrZS0xMjM0NTY3ODkw".into(),
    };
    // An id with characters that must be encoded in the path.
    let id = "iv-20261206/abc def";
    fake.verify_identity(id, &person);
    let Ok(Verification::Verified(found)) = portone.lookup(id).await else {
        panic!("verified");
    };
    assert_eq!(found.name, "김인증");
    assert_eq!(found.mobile.as_deref(), Some("01055556666"));
    assert_eq!(
        found.birth_date.map(|d| d.to_string()).as_deref(),
        Some("1990-05-17")
    );
    assert_eq!(found.ci.as_deref(), Some("Q0ktZmFrZS0xMjM0NTY3ODkw"));
    assert!(found.test_channel);

    fake.fail_identity("iv-left");
    assert!(matches!(
        portone.lookup("iv-left").await,
        Ok(Verification::Failed(_))
    ));
    assert_eq!(
        portone.lookup("iv-never").await,
        Err(IdentityError::NotFound {
            provider: "portone"
        })
    );
    let wrong_secret = verifier(&fake, "not-the-secret", PORTONE_STORE_ID);
    assert!(matches!(
        wrong_secret.lookup(id).await,
        Err(IdentityError::Rejected { code, .. }) if code == "UNAUTHORIZED"
    ));
    let wrong_store = verifier(&fake, PORTONE_API_SECRET, "store-other");
    assert!(matches!(
        wrong_store.lookup(id).await,
        Err(IdentityError::Rejected { code, .. }) if code == "FORBIDDEN"
    ));
}
