//! The NICE 본인확인 adapter against the fake NICE (docs/PROVIDERS.md §13.2): the sealed request
//! is accepted by the window, the sealed answer is read back whole, and an answer that was
//! touched, belongs to another attempt or comes back empty verifies nobody; wrong credentials
//! are refused.

use jangteo_providers::identity::nice::{Nice, NiceConfig};
use jangteo_providers::identity::{IdentityError, IdentityVerifier, IdentityWindow, Verification};
use jangteo_providers::messaging::http_client;
use jangteo_testkit::fake_nice::{FakeNice, NICE_CLIENT_ID, NICE_CLIENT_SECRET};

const RETURN: &str = "http://127.0.0.1:9/identity/return";

fn nice(fake: &FakeNice, secret: &str) -> Nice {
    Nice::new(
        http_client(),
        NiceConfig {
            api_base: fake.base_url.clone(),
            window_url: fake.window_url(),
            client_id: NICE_CLIENT_ID.into(),
            client_secret: secret.into(),
        },
    )
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Opens attempt `id`, posts its form to the window as a browser would, and presses `button`;
/// the kept state and the query the window sends back to the shop.
async fn through_the_window(
    fake: &FakeNice,
    nice: &Nice,
    id: &str,
    button: &str,
    person: &[(&str, &str)],
) -> (Option<String>, Vec<(String, String)>) {
    let opening = nice.start(id, RETURN).await.unwrap();
    let IdentityWindow::FormPost { action, fields } = opening.window else {
        panic!("a posted form");
    };
    assert_eq!(action, fake.window_url());
    let location = fake.press(&fields, button, person).await;
    assert!(location.starts_with(RETURN), "{location}");
    let url = reqwest::Url::parse(&location).unwrap();
    let pairs = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    (opening.state, pairs)
}

#[tokio::test]
async fn a_sealed_answer_is_read_back_and_nothing_else_counts() {
    let fake = FakeNice::start().await;
    let nice = nice(&fake, NICE_CLIENT_SECRET);
    let person = [
        ("name", "홍길동"),
        ("birthdate", "20071231"),
        ("mobileno", "01098765432"),
    ];
    let id = "iv-0123456789abcdefABCDEF01";
    let (state, answer) = through_the_window(&fake, &nice, id, "approve", &person).await;
    let Ok(Verification::Verified(found)) = nice.finish(id, state.as_deref(), &answer).await else {
        panic!("verified");
    };
    assert_eq!(found.name, "홍길동");
    assert_eq!(found.birth_date.unwrap().to_string(), "2007-12-31");
    assert_eq!(found.mobile.as_deref(), Some("01098765432"));
    assert!(found.ci.is_some() && !found.test_channel);

    // One character of the sealed answer changed: its integrity value no longer matches.
    let mut touched = answer.clone();
    for (k, v) in &mut touched {
        if k == "enc_data" {
            let flipped = if v.starts_with('A') { "B" } else { "A" };
            v.replace_range(0..1, flipped);
        }
    }
    assert!(nice.finish(id, state.as_deref(), &touched).await.is_err());
    // Another attempt's key cannot read it.
    let other = "iv-zzzzzzzzzzzzzzzzzzzzzzzz";
    let (other_state, _) = through_the_window(&fake, &nice, other, "close", &[]).await;
    assert!(
        nice.finish(id, other_state.as_deref(), &answer)
            .await
            .is_err()
    );
    // Without the kept key nothing is read.
    assert!(nice.finish(id, None, &answer).await.is_err());
}

#[tokio::test]
async fn a_closed_window_verifies_nobody_and_bad_credentials_are_refused() {
    let fake = FakeNice::start().await;
    let nice_ok = nice(&fake, NICE_CLIENT_SECRET);
    let id = "iv-closedwindow0000000000000";
    let (state, answer) = through_the_window(&fake, &nice_ok, id, "close", &[]).await;
    assert!(matches!(
        nice_ok.finish(id, state.as_deref(), &answer).await,
        Ok(Verification::Failed(_))
    ));
    // The window refuses a request someone edited on the way.
    let opening = nice_ok.start("iv-edited", RETURN).await.unwrap();
    let IdentityWindow::FormPost { action, mut fields } = opening.window else {
        panic!("a posted form");
    };
    for (k, v) in &mut fields {
        if k == "enc_data" {
            v.insert(0, 'A');
        }
    }
    let refused = browser().post(&action).form(&fields).send().await.unwrap();
    assert_eq!(refused.status(), 400);
    let wrong = nice(&fake, "not-the-secret");
    assert!(matches!(
        wrong.start("iv-wrong", RETURN).await,
        Err(IdentityError::Rejected { .. })
    ));
}
