//! 본인인증 through NICE's window (its fake follows docs/PROVIDERS.md §13.2), on SQLite and
//! PostgreSQL: the shop's page posts the sealed request to the window, the window's sealed
//! answer is read with the key kept (sealed) for the attempt, and a touched answer or a closed
//! window verifies nobody.

use jangteo_testkit::fake_nice::FakeNice;
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, TestApp, fixtures, on_both_backends};

/// The hidden fields and action of the shop's window page.
fn window_form(body: &str) -> (String, Vec<(String, String)>) {
    let action = crate::attr_after(body, "id=\"identity-form\"", "action").unwrap();
    let fields = body
        .split("<input type=\"hidden\" name=\"")
        .skip(1)
        .map(|rest| {
            let name = rest.split('"').next().unwrap().to_owned();
            let value = rest
                .split("value=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            (
                name,
                value
                    .replace("&#x2f;", "/")
                    .replace("&#x3d;", "=")
                    .replace("&#43;", "+")
                    .replace("&#x2b;", "+"),
            )
        })
        .filter(|(name, _)| name != "csrf_token")
        .collect();
    (action, fields)
}

/// The buyer opens the window and presses `button` in it; where the window sends them back.
async fn through_nice(fake: &FakeNice, buyer: &Shopper, button: &str) -> String {
    let opened = buyer.post("/identity", &[("next", "/checkout")]).await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let (action, fields) = window_form(&opened.body);
    assert_eq!(action, fake.window_url());
    let person = [
        ("name", "홍길동"),
        ("birthdate", "19900517"),
        ("mobileno", "01098765432"),
    ];
    let location = fake.press(&fields, button, &person).await;
    let url = reqwest::Url::parse(&location).unwrap();
    assert_eq!(url.path(), "/identity/return");
    format!("/identity/return?{}", url.query().unwrap_or_default())
}

async fn nice_shop(backend: Backend) -> Option<(TestApp, FakeNice)> {
    let fake = FakeNice::start().await;
    let options = TestOptions {
        nice_base: Some(fake.base_url.clone()),
        ..Default::default()
    };
    let t = TestApp::spawn_with(backend, options).await?;
    fixtures::catalog(&t.app).await;
    Some((t, fake))
}

async fn buyers_verify_through_nice(backend: Backend) {
    let Some((t, fake)) = nice_shop(backend).await else {
        return;
    };
    let buyer = Shopper::new(&t.url(""));
    crate::checkout::sign_up(&buyer, "nice@example.com").await;
    let page = buyer.get("/identity").await;
    assert!(
        page.body.contains("id=\"identity-start\""),
        "NICE makes 본인인증 available"
    );

    // A touched answer: nothing verified, the buyer is told and may start again.
    let back = through_nice(&fake, &buyer, "approve").await;
    let touched = back.replacen("enc_data=", "enc_data=A", 1);
    let refused = buyer.get(&touched).await;
    assert_eq!(
        refused.location.as_deref(),
        Some("/identity?next=%2Fcheckout")
    );
    assert!(
        buyer
            .get("/identity")
            .await
            .body
            .contains("id=\"identity-start\"")
    );

    // A closed window: nobody verified.
    let closed = through_nice(&fake, &buyer, "close").await;
    let after_close = buyer.get(&closed).await;
    assert_eq!(
        after_close.location.as_deref(),
        Some("/identity?next=%2Fcheckout")
    );

    let back = through_nice(&fake, &buyer, "approve").await;
    let done = buyer.get(&back).await;
    assert_eq!(done.location.as_deref(), Some("/checkout"));
    let verified = buyer.get("/identity").await.body;
    assert!(verified.contains("id=\"identity-verified\"") && verified.contains("홍*동"));
    let member = jangteo_db::members::find_by_email(&t.app.db, "nice@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    let row = jangteo_db::identity::latest_of_member(&t.app.db, member)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.provider, "nice");
    let kept = row.provider_state.unwrap();
    assert!(
        !kept.contains("tokenval"),
        "the key material is sealed at rest"
    );
}

on_both_backends!(buyers_verify_through_nice);
