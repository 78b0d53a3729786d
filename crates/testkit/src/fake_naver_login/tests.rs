//! Drives the fake as the shop and a browser would: authorize → consent → token → profile.

use super::*;
use serde_json::Value;

const REDIRECT: &str = "http://shop.test/auth/naver/callback";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

/// The query of the 302 back to the shop.
fn back_to_shop(r: &reqwest::Response) -> HashMap<String, String> {
    assert_eq!(r.status(), reqwest::StatusCode::FOUND);
    let location = r.headers()["location"].to_str().unwrap();
    assert!(location.starts_with(REDIRECT), "{location}");
    let url = reqwest::Url::parse(location).unwrap();
    url.query_pairs().into_owned().collect()
}

fn authorize_params(state: &str) -> Vec<(&str, &str)> {
    vec![
        ("response_type", "code"),
        ("client_id", NAVER_CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("state", state),
    ]
}

async fn token(c: &reqwest::Client, fake: &FakeNaverLogin, p: &[(&str, &str)]) -> Value {
    let url = format!("{}/oauth2.0/token", fake.base_url);
    let r = c.post(url).form(p).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn me(c: &reqwest::Client, fake: &FakeNaverLogin, token: &Value) -> (u16, Value) {
    let url = format!("{}/v1/nid/me", fake.base_url);
    let r = c
        .get(url)
        .bearer_auth(token.as_str().unwrap())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

const CLIENT_AUTH: [(&str, &str); 2] = [
    ("client_id", NAVER_CLIENT_ID),
    ("client_secret", NAVER_CLIENT_SECRET),
];

/// Signs in with auto-approval on, exchanging the code with a GET (query parameters).
async fn auto_sign_in(c: &reqwest::Client, fake: &FakeNaverLogin) -> Value {
    fake.approve_next_automatically(true);
    let url = format!("{}/oauth2.0/authorize", fake.base_url);
    let r = c.get(url).query(&authorize_params("s2"));
    let q = back_to_shop(&r.send().await.unwrap());
    let mut exchange = CLIENT_AUTH.to_vec();
    let code = [("grant_type", "authorization_code"), ("code", &q["code"])];
    exchange.extend([code[0], code[1], ("state", "s2")]);
    let url = format!("{}/oauth2.0/token", fake.base_url);
    let r = c.get(url).query(&exchange).send().await.unwrap();
    r.json().await.unwrap()
}

#[tokio::test]
async fn consent_page_code_token_and_profile() {
    let fake = FakeNaverLogin::start().await;
    let (c, base) = (client(), fake.base_url.clone());
    let params = authorize_params("xyz 9");
    let page = c.get(format!("{base}/oauth2.0/authorize")).query(&params);
    let html = page.send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<title>네이버 로그인</title>") && html.contains("네이버회원"));
    assert!(html.contains(r#"id="naver-agree""#) && html.contains(r#"id="naver-cancel""#));
    let mut form = params.clone();
    form.push(("decision", "agree"));
    let back = c.post(format!("{base}/oauth2.0/authorize/decide"));
    let q = back_to_shop(&back.form(&form).send().await.unwrap());
    assert_eq!(q["state"], "xyz 9");

    let mut mismatched = CLIENT_AUTH.to_vec();
    let code = ("code", q["code"].as_str());
    mismatched.extend([
        ("grant_type", "authorization_code"),
        code,
        ("state", "other"),
    ]);
    let refused = token(&c, &fake, &mismatched).await;
    assert_eq!(refused["error"], "invalid_request");
    assert_eq!(refused["error_description"], "no valid data in session");
    let right_state = [&mismatched[..4], &[("state", "xyz 9")]].concat();
    let used_up = token(&c, &fake, &right_state).await;
    assert_eq!(used_up["error_description"], "no valid data in session");

    let tokens = auto_sign_in(&c, &fake).await;
    let kind = (&tokens["token_type"], &tokens["expires_in"]);
    assert_eq!(kind, (&json!("bearer"), &json!("3600")));
    let (status, profile) = me(&c, &fake, &tokens["access_token"]).await;
    assert_eq!((status, &profile["resultcode"]), (200, &json!("00")));
    assert_eq!(profile["response"]["id"], "naver-8f2b1c");
    assert_eq!(profile["response"]["mobile"], "010-3456-7890");
    assert_eq!(fake.token_requests(), 1);
}

#[tokio::test]
async fn refresh_and_delete() {
    let fake = FakeNaverLogin::start().await;
    let c = client();
    let mut account = NaverAccount::sample();
    account.email = None;
    fake.set_account(account);
    let tokens = auto_sign_in(&c, &fake).await;
    let (_, profile) = me(&c, &fake, &tokens["access_token"]).await;
    assert!(profile["response"].get("email").is_none());

    let mut refresh = CLIENT_AUTH.to_vec();
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    refresh.extend([
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ]);
    let renewed = token(&c, &fake, &refresh).await;
    assert!(renewed["access_token"].is_string() && renewed.get("refresh_token").is_none());

    let mut delete = CLIENT_AUTH.to_vec();
    let access_token = tokens["access_token"].as_str().unwrap();
    delete.extend([("grant_type", "delete"), ("access_token", access_token)]);
    delete.push(("service_provider", "NAVER"));
    let deleted = token(&c, &fake, &delete).await;
    assert_eq!(
        deleted,
        json!({"access_token": access_token, "result": "success"})
    );
    assert_eq!(fake.unlinked(), vec!["naver-8f2b1c".to_owned()]);
    let (status, body) = me(&c, &fake, &renewed["access_token"]).await;
    assert_eq!((status, &body["resultcode"]), (401, &json!("024")));
    let again = token(&c, &fake, &refresh).await;
    assert_eq!(again["error"], "invalid_request");
}

#[tokio::test]
async fn cancel_and_refusals() {
    let fake = FakeNaverLogin::start().await;
    let (c, base) = (client(), fake.base_url.clone());
    let mut form = authorize_params("s1");
    form.push(("decision", "cancel"));
    let r = c
        .post(format!("{base}/oauth2.0/authorize/decide"))
        .form(&form);
    let r = r.send().await.unwrap();
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains("error_description=Canceled%20By%20User"),
        "{location}"
    );
    let q = back_to_shop(&r);
    assert_eq!(
        (q["error"].as_str(), q["state"].as_str()),
        ("access_denied", "s1")
    );

    let no_state = &authorize_params("")[..3];
    let r = c.get(format!("{base}/oauth2.0/authorize")).query(no_state);
    assert_eq!(r.send().await.unwrap().status(), 400);
    let bad_secret = [
        ("grant_type", "authorization_code"),
        ("client_id", NAVER_CLIENT_ID),
        ("client_secret", "wrong"),
        ("code", "x"),
        ("state", "s1"),
    ];
    let refused = token(&c, &fake, &bad_secret).await;
    assert_eq!(
        refused,
        json!({"error": "invalid_client", "error_description": "client_secret is wrong"})
    );
}
