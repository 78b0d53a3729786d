//! Kakao and Naver login (issue 17) against fakes that follow the documented contracts
//! (`KOREAN-COMMERCE.md` §2), on SQLite and PostgreSQL: a first login joins once the missing
//! consents are given, a second logs straight in; a forged `state`, a replayed `nonce` and a
//! cancelled consent log nobody in; an e-mail already in use is linked only after its password;
//! members link and unlink on My page; 카카오싱크 joins at once with the shared address; withdrawal
//! unlinks at the provider.

use jangteo_testkit::fake_kakao_login::{FakeKakaoLogin, KakaoAccount, KakaoShippingAddress};
use jangteo_testkit::fake_naver_login::FakeNaverLogin;
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::{Page, Shopper};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

struct Shop {
    t: TestApp,
    kakao: FakeKakaoLogin,
    naver: FakeNaverLogin,
}

async fn shop(backend: Backend, kakao_sync: bool) -> Option<Shop> {
    let kakao = FakeKakaoLogin::start().await;
    let naver = FakeNaverLogin::start().await;
    kakao.approve_next_automatically(true);
    naver.approve_next_automatically(true);
    let options = TestOptions {
        kakao_login_base: Some(kakao.base_url.clone()),
        kakao_sync,
        naver_login_base: Some(naver.base_url.clone()),
        ..TestOptions::default()
    };
    let t = TestApp::spawn_with(backend, options).await?;
    Some(Shop { t, kakao, naver })
}

/// Starts at the shop, goes through the provider, and lands back on the shop's callback;
/// returns the callback's answer and the `state` the shop sent.
async fn through(s: &Shopper, start: &str) -> (Page, String) {
    let started = if start.contains("/link") {
        s.post(start, &[]).await
    } else {
        s.get(start).await
    };
    assert_eq!(started.status, 303, "{}", started.body);
    let authorize = started.location.unwrap();
    let url = reqwest::Url::parse(&authorize).unwrap();
    let state = url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let at_provider = s.get(&authorize).await;
    assert_eq!(at_provider.status, 302, "{}", at_provider.body);
    let back = at_provider.location.unwrap();
    assert!(back.starts_with("/account/login/"), "{back}");
    (s.get(&back).await, state)
}

async fn first_kakao_login_joins_after_the_consents(backend: Backend) {
    let Some(shop) = shop(backend, false).await else {
        return;
    };
    let s = Shopper::new(&shop.t.base_url);
    let login = s.get("/account/login").await;
    assert!(
        login.body.contains("href=\"/account/login/kakao\""),
        "{}",
        login.body
    );
    assert!(login.body.contains("href=\"/account/login/naver\""));
    let policy = s.get("/pages/privacy").await.body;
    assert!(
        policy.contains("카카오 로그인") && policy.contains("네이버 로그인"),
        "{policy}"
    );

    let (back, _) = through(&s, "/account/login/kakao?next=/cart").await;
    assert_eq!(back.location.as_deref(), Some("/account/social/join"));
    let join = s.get("/account/social/join").await;
    assert_eq!(
        join.input_value("email").as_deref(),
        Some("kakao.member@example.com")
    );
    assert_eq!(join.input_value("name").as_deref(), Some("김카카오"));
    assert_eq!(join.input_value("mobile").as_deref(), Some("01023456789"));
    // Kakao shared an age range of 20~29: 만 14세 is not asked again.
    assert!(!join.body.contains("name=\"confirm_age\""), "{}", join.body);

    let missing = s
        .post(
            "/account/social/join",
            &[
                ("email", "kakao.member@example.com"),
                ("name", "김카카오"),
                ("mobile", "010-2345-6789"),
            ],
        )
        .await;
    assert_eq!(missing.status, 422, "{}", missing.body);
    assert!(missing.body.contains("동의"), "{}", missing.body);
    assert_eq!(missing.input_value("name").as_deref(), Some("김카카오"));

    let joined = s
        .post(
            "/account/social/join",
            &[
                ("email", "kakao.member@example.com"),
                ("name", "김카카오"),
                ("mobile", "010-2345-6789"),
                ("agree_terms", "true"),
                ("agree_privacy", "true"),
            ],
        )
        .await;
    assert_eq!(joined.status, 303, "{}", joined.body);
    assert_eq!(joined.location.as_deref(), Some("/cart"));
    let linked = s.get("/account/social").await;
    assert_eq!(linked.status, 200);
    assert!(linked.body.contains("연결됨"), "{}", linked.body);
    // No password yet: unlinking the only way in is refused.
    let refused = s.post("/account/social/kakao/unlink", &[]).await;
    assert_eq!(refused.status, 303);
    assert!(
        s.get("/account/social")
            .await
            .body
            .contains("비밀번호를 먼저 설정")
    );

    // A second login goes straight in (the link, not the e-mail, finds the member).
    let again = Shopper::new(&shop.t.base_url);
    let (back, _) = through(&again, "/account/login/kakao").await;
    assert_eq!(back.status, 303, "{}", back.body);
    assert_eq!(back.location.as_deref(), Some("/account"));

    // An account left dormant comes back at a Kakao login, as at a password login.
    let db = &shop.t.app.db;
    let email = "kakao.member@example.com";
    let member = jangteo_db::members::find_by_email(db, email).await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let now = chrono::Utc::now();
    assert!(
        jangteo_db::members::make_dormant(&mut tx, member.unwrap().id, now)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let again = Shopper::new(&shop.t.base_url);
    let (back, _) = through(&again, "/account/login/kakao").await;
    assert_eq!(back.location.as_deref(), Some("/account"));
    let profile = again.get("/account/profile").await;
    assert_eq!(profile.input_value("name").as_deref(), Some("김카카오"));
    assert_eq!(
        shop.kakao.key_requests(),
        1,
        "Kakao's keys are kept, not fetched per login"
    );

    // Withdrawal without a password unlinks the account at Kakao.
    let withdrawn = again
        .post("/account/withdraw", &[("confirm", "true")])
        .await;
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.body);
    assert_eq!(shop.kakao.unlinked(), vec![KakaoAccount::sample().id]);
}

async fn forged_or_cancelled_logins_log_nobody_in(backend: Backend) {
    let Some(shop) = shop(backend, false).await else {
        return;
    };
    let s = Shopper::new(&shop.t.base_url);
    // A state this session never sent.
    let started = s.get("/account/login/kakao").await;
    assert_eq!(started.status, 303);
    let forged = s
        .get("/account/login/kakao/callback?code=whatever&state=forged")
        .await;
    assert_eq!(forged.location.as_deref(), Some("/account/login"));
    assert!(
        s.get("/account/login")
            .await
            .body
            .contains("로그인 요청을 확인할 수 없습니다")
    );

    // The shopper cancels at Kakao.
    let started = s.get("/account/login/kakao").await;
    let state = reqwest::Url::parse(started.location.as_deref().unwrap())
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let cancelled = s
        .get(&format!(
            "/account/login/kakao/callback?error=access_denied&error_description=User%20denied%20access&state={state}"
        ))
        .await;
    assert_eq!(cancelled.location.as_deref(), Some("/account/login"));
    assert!(s.get("/account/login").await.body.contains("취소"));

    // An id_token with another nonce (a replayed login) is refused.
    shop.kakao.forge_id_token_nonce("someone-elses-nonce");
    let (back, _) = through(&s, "/account/login/kakao").await;
    assert_eq!(back.location.as_deref(), Some("/account/login"));
    assert!(
        s.get("/account/login")
            .await
            .body
            .contains("SNS 로그인을 완료하지 못했습니다")
    );
    assert!(!s.get("/account").await.body.contains("김카카오"));
}

async fn an_email_in_use_is_linked_only_with_its_password(backend: Backend) {
    let Some(shop) = shop(backend, false).await else {
        return;
    };
    let member = Shopper::new(&shop.t.base_url);
    crate::checkout::sign_up(&member, "naver.member@example.com").await;
    let s = Shopper::new(&shop.t.base_url);
    let (back, _) = through(&s, "/account/login/naver").await;
    assert_eq!(back.location.as_deref(), Some("/account/social/connect"));
    let wrong = s
        .post(
            "/account/social/connect",
            &[("password", "not-the-password")],
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    let right = s
        .post(
            "/account/social/connect",
            &[("password", crate::checkout::PASSWORD)],
        )
        .await;
    assert_eq!(right.status, 303, "{}", right.body);
    let links = s.get("/account/social").await;
    assert!(links.body.contains("data-provider=\"naver\""));
    // Linking Kakao from My page goes through Kakao and back.
    let (back, _) = through(&s, "/account/social/kakao/link").await;
    assert_eq!(back.location.as_deref(), Some("/account/social"));
    let both = s.get("/account/social").await.body;
    assert_eq!(both.matches("연결 해제").count(), 2, "{both}");
    // With a password, a link can go; Naver is told.
    let unlinked = s.post("/account/social/naver/unlink", &[]).await;
    assert_eq!(unlinked.status, 303);
    assert_eq!(shop.naver.unlinked().len(), 1);
    assert_eq!(
        s.get("/account/social")
            .await
            .body
            .matches("연결 해제")
            .count(),
        1
    );
}

async fn kakao_sync_joins_at_once_with_the_shared_address(backend: Backend) {
    let Some(shop) = shop(backend, true).await else {
        return;
    };
    shop.kakao.set_account(KakaoAccount {
        agreed_terms: vec!["terms".into(), "privacy".into(), "age14".into()],
        shipping_address: Some(KakaoShippingAddress {
            receiver_name: "김카카오".into(),
            receiver_phone_number1: "010-2345-6789".into(),
            zone_number: "06236".into(),
            base_address: "서울 강남구 테헤란로 152".into(),
            detail_address: "12층".into(),
        }),
        ..KakaoAccount::sample()
    });
    let s = Shopper::new(&shop.t.base_url);
    let (back, _) = through(&s, "/account/login/kakao").await;
    assert_eq!(back.location.as_deref(), Some("/account"), "{}", back.body);
    let book = s.get("/account/addresses").await;
    assert!(book.body.contains("테헤란로 152"), "{}", book.body);
}

on_both_backends!(
    first_kakao_login_joins_after_the_consents,
    forged_or_cancelled_logins_log_nobody_in,
    an_email_in_use_is_linked_only_with_its_password,
    kakao_sync_joins_at_once_with_the_shared_address,
);
