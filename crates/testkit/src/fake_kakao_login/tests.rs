//! Drives the fake as the shop and a browser would: authorize → consent → token → user info.

use super::*;
use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

const REDIRECT: &str = "http://shop.test/auth/kakao/callback";

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

fn authorize_params<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut params = vec![
        ("client_id", KAKAO_REST_KEY),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
    ];
    params.extend_from_slice(extra);
    params
}

async fn exchange(c: &reqwest::Client, fake: &FakeKakaoLogin, code: &str) -> reqwest::Response {
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", KAKAO_REST_KEY),
        ("redirect_uri", REDIRECT),
        ("code", code),
        ("client_secret", KAKAO_CLIENT_SECRET),
    ];
    let url = format!("{}/oauth/token", fake.base_url);
    c.post(url).form(&form).send().await.unwrap()
}

/// Signs in with auto-approval on and returns the token response.
async fn auto_sign_in(c: &reqwest::Client, fake: &FakeKakaoLogin, extra: &[(&str, &str)]) -> Value {
    fake.approve_next_automatically(true);
    let url = format!("{}/oauth/authorize", fake.base_url);
    let r = c
        .get(url)
        .query(&authorize_params(extra))
        .send()
        .await
        .unwrap();
    let code = back_to_shop(&r)["code"].clone();
    let r = exchange(c, fake, &code).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn get_json(c: &reqwest::Client, url: String, token: &Value) -> (u16, Value) {
    let r = c
        .get(url)
        .bearer_auth(token.as_str().unwrap())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

/// Checks the ID token's RS256 signature against the JWKS, and returns its claims.
async fn verified_claims(c: &reqwest::Client, fake: &FakeKakaoLogin, id_token: &str) -> Value {
    let url = format!("{}/.well-known/jwks.json", fake.base_url);
    let jwks: Value = c.get(url).send().await.unwrap().json().await.unwrap();
    let key = &jwks["keys"][0];
    assert_eq!(
        (&key["kid"], &key["kty"]),
        (&json!("fake-kid-1"), &json!("RSA"))
    );
    let decode = |v: &str| URL_SAFE_NO_PAD.decode(v).unwrap();
    let n = decode(key["n"].as_str().unwrap());
    let e = decode(key["e"].as_str().unwrap());
    assert_eq!((n.len(), e.as_slice()), (256, &[1, 0, 1][..]));
    let (input, signature) = id_token.rsplit_once('.').unwrap();
    RsaPublicKeyComponents { n, e }
        .verify(
            &RSA_PKCS1_2048_8192_SHA256,
            input.as_bytes(),
            &decode(signature),
        )
        .expect("a valid RS256 signature");
    let (header, claims) = input.split_once('.').unwrap();
    let header: Value = serde_json::from_slice(&decode(header)).unwrap();
    assert_eq!(
        header,
        json!({"alg": "RS256", "typ": "JWT", "kid": "fake-kid-1"})
    );
    serde_json::from_slice(&decode(claims)).unwrap()
}

#[tokio::test]
async fn consent_page_code_token_and_user_info() {
    let fake = FakeKakaoLogin::start().await;
    let (c, base) = (client(), fake.base_url.clone());
    let params = authorize_params(&[
        ("state", "st 1/2"),
        ("nonce", "n-123"),
        ("scope", "openid,account_email"),
    ]);
    let page = c.get(format!("{base}/oauth/authorize")).query(&params);
    let page = page.send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<title>카카오계정으로 로그인</title>") && html.contains("카카오회원"));
    assert!(html.contains(r#"id="kakao-agree""#) && html.contains(r#"id="kakao-cancel""#));
    let mut form = params.clone();
    form.push(("decision", "agree"));
    let back = c.post(format!("{base}/oauth/authorize/decide")).form(&form);
    let q = back_to_shop(&back.send().await.unwrap());
    assert_eq!(q["state"], "st 1/2");

    let r = exchange(&c, &fake, &q["code"]).await;
    assert_eq!(r.status(), 200);
    let tokens: Value = r.json().await.unwrap();
    assert_eq!(
        (&tokens["token_type"], &tokens["expires_in"]),
        (&json!("bearer"), &json!(21599))
    );
    let claims = verified_claims(&c, &fake, tokens["id_token"].as_str().unwrap()).await;
    assert_eq!(claims["iss"], base.as_str());
    assert_eq!(
        (&claims["aud"], &claims["sub"]),
        (&json!(KAKAO_REST_KEY), &json!("4200000001"))
    );
    assert_eq!(
        (&claims["nonce"], &claims["email"]),
        (&json!("n-123"), &json!("kakao.member@example.com"))
    );
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        21599
    );

    let again: Value = exchange(&c, &fake, &q["code"]).await.json().await.unwrap();
    assert_eq!(
        (&again["error"], &again["error_code"]),
        (&json!("invalid_grant"), &json!("KOE320"))
    );
    let (status, me) = get_json(&c, format!("{base}/v2/user/me"), &tokens["access_token"]).await;
    assert_eq!((status, &me["id"]), (200, &json!(4_200_000_001_i64)));
    let account = &me["kakao_account"];
    assert_eq!(account["profile"]["nickname"], "카카오회원");
    assert_eq!(
        (&account["is_email_verified"], &account["phone_number"]),
        (&json!(true), &json!("+82 10-2345-6789"))
    );
    assert_eq!(
        (&account["name"], &account["age_range"]),
        (&json!("김카카오"), &json!("20~29"))
    );
    assert_eq!(fake.token_requests(), 1);
}

#[tokio::test]
async fn cancel_and_refusals() {
    let fake = FakeKakaoLogin::start().await;
    let (c, base) = (client(), fake.base_url.clone());
    let mut form = authorize_params(&[("state", "s1"), ("decision", "cancel")]);
    let r = c
        .post(format!("{base}/oauth/authorize/decide"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains("error_description=User%20denied%20access"),
        "{location}"
    );
    let q = back_to_shop(&r);
    assert_eq!(
        (q["error"].as_str(), q["state"].as_str()),
        ("access_denied", "s1")
    );

    form[0].1 = "someone-else";
    let r = c
        .get(format!("{base}/oauth/authorize"))
        .query(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().starts_with("KOE101"));
    let bad_secret = [
        ("grant_type", "authorization_code"),
        ("client_id", KAKAO_REST_KEY),
        ("code", "x"),
        ("client_secret", "wrong"),
    ];
    let r = c
        .post(format!("{base}/oauth/token"))
        .form(&bad_secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["error_code"], "KOE010");
    let (status, body) = get_json(&c, format!("{base}/v2/user/me"), &json!("nope")).await;
    assert_eq!((status, &body["code"]), (401, &json!(-401)));
    assert_eq!(fake.token_requests(), 0);
}

#[tokio::test]
async fn plain_oauth_forged_nonce_sync_and_unlink() {
    let fake = FakeKakaoLogin::start().await;
    let (c, base) = (client(), fake.base_url.clone());
    let plain = auto_sign_in(&c, &fake, &[]).await;
    assert!(plain.get("id_token").is_none() && plain["refresh_token"].is_string());

    fake.forge_id_token_nonce("forged");
    let oidc = auto_sign_in(&c, &fake, &[("nonce", "real")]).await;
    let claims = verified_claims(&c, &fake, oidc["id_token"].as_str().unwrap()).await;
    assert_eq!(claims["nonce"], "forged");

    let mut account = KakaoAccount::sample();
    account.agreed_terms = vec!["terms".into(), "privacy".into()];
    account.shipping_address = Some(KakaoShippingAddress {
        receiver_name: "김카카오".into(),
        receiver_phone_number1: "010-2345-6789".into(),
        zone_number: "06236".into(),
        base_address: "서울 강남구 테헤란로 152".into(),
        detail_address: "12층".into(),
    });
    fake.set_account(account);
    let sync = auto_sign_in(&c, &fake, &[]).await;
    let token = &sync["access_token"];
    let (_, terms) = get_json(&c, format!("{base}/v1/user/service/terms"), token).await;
    assert_eq!(terms["allowed_service_terms"][1]["tag"], "privacy");
    let (_, shipping) = get_json(&c, format!("{base}/v1/user/shipping_address"), token).await;
    assert_eq!(shipping["shipping_addresses"][0]["zone_number"], "06236");

    let r = c
        .post(format!("{base}/v1/user/unlink"))
        .bearer_auth(token.as_str().unwrap());
    let unlinked: Value = r.send().await.unwrap().json().await.unwrap();
    assert_eq!(unlinked["id"], 4_200_000_001_i64);
    assert_eq!(fake.unlinked(), vec![4_200_000_001]);
    let (status, _) = get_json(&c, format!("{base}/v2/user/me"), &plain["access_token"]).await;
    assert_eq!(status, 401);
    assert_eq!(fake.token_requests(), 3);
}
