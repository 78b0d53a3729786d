//! A visitor on a phone logs in with Kakao through the fake's consent screen, gives the consents
//! Kakao did not collect, and finds the link under My page › SNS 연결 (screenshots
//! `social-login-phone.png`, `kakao-consent-phone.png`, `social-join-phone.png` and
//! `social-links-phone.png` are looked at). The owner links a Slack user to a staff account on
//! 직원 계정 for `/장터` (`admin-staff-slack.png`).

use crate::browser_catalog::click;
use jangteo_testkit::fake_kakao_login::FakeKakaoLogin;
use jangteo_testkit::fake_naver_login::FakeNaverLogin;
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::{Backend, TestApp};
use thirtyfour::prelude::*;

#[tokio::test]
async fn a_visitor_joins_with_kakao_on_a_phone() {
    let kakao = FakeKakaoLogin::start().await;
    let naver = FakeNaverLogin::start().await;
    let options = TestOptions {
        kakao_login_base: Some(kakao.base_url.clone()),
        naver_login_base: Some(naver.base_url.clone()),
        ..TestOptions::default()
    };
    let Some(t) = TestApp::spawn_with(Backend::Sqlite, options).await else {
        return;
    };
    let Some(browser) = jangteo_testkit::browser::Browser::phone().await else {
        return;
    };
    let d = &browser.driver;
    d.goto(t.url("/account/login")).await.unwrap();
    browser.screenshot("social-login-phone").await;
    click(d, "a[data-social='kakao']").await;
    d.find(By::Id("kakao-agree")).await.unwrap();
    browser.screenshot("kakao-consent-phone").await;
    click(d, "#kakao-agree").await;

    // Back at the shop: Kakao's details are filled in, the consents it did not collect asked.
    let email = d.find(By::Name("email")).await.unwrap();
    assert_eq!(
        email.value().await.unwrap().as_deref(),
        Some("kakao.member@example.com")
    );
    click(d, "input[name='agree_terms']").await;
    click(d, "input[name='agree_privacy']").await;
    browser.screenshot("social-join-phone").await;
    click(
        d,
        "form[action='/account/social/join'] button[type='submit']",
    )
    .await;
    let flash = d.find(By::Css(".flash")).await.unwrap();
    assert!(flash.text().await.unwrap().contains("회원가입이 완료"));

    click(d, ".account-nav a[href='/account/social']").await;
    let kakao_row = d
        .find(By::Css(".social-links__row[data-provider='kakao']"))
        .await
        .unwrap();
    assert!(kakao_row.text().await.unwrap().contains("연결됨"));
    let naver_row = d
        .find(By::Css(".social-links__row[data-provider='naver']"))
        .await
        .unwrap();
    assert!(naver_row.text().await.unwrap().contains("연결하기"));
    browser.screenshot("social-links-phone").await;
    browser.quit().await;
}

#[tokio::test]
async fn the_owner_links_a_slack_user_to_a_staff_account() {
    let Some((t, browser)) = crate::browser_admin::owner_on_the_dashboard().await else {
        return;
    };
    let d = &browser.driver;
    click(d, "nav.admin-nav a[href='/admin/staff']").await;
    d.find(By::Id("slack-help")).await.unwrap();
    let form = d.find(By::Css("form[data-slack-link]")).await.unwrap();
    let input = form.find(By::Name("slack_user_id")).await.unwrap();
    input.send_keys("u0owner01").await.unwrap();
    form.find(By::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    d.find(By::Css(".flash")).await.unwrap();
    let linked = t
        .app
        .staff_slack_users(&jangteo_app::auth::StaffActor::system("check"))
        .await
        .unwrap();
    assert!(linked.values().any(|s| s == "U0OWNER01"), "{linked:?}");
    browser.screenshot("admin-staff-slack").await;
    browser.quit().await;
}
