//! In a real browser: a mail body carrying script (stored before bodies were cleaned) and a
//! template edited to carry script do nothing when the owner opens them, and the confirmation
//! before a destructive action still asks (now from a script file, not an inline handler); the
//! owner unlocks a colleague locked out by failed logins.

use chrono::Utc;
use jangteo_testkit::Backend;
use std::time::Duration;
use thirtyfour::prelude::*;

const PAYLOAD: &str = "<script>document.title='pwned'</script>\
    <img src=x onerror=\"document.title='pwned'\"><p id=mail-text>안녕하세요</p>";

#[tokio::test]
async fn script_in_mails_and_templates_never_runs_for_the_owner() {
    let Some((t, _)) = crate::checkout::shop(Backend::Sqlite).await else {
        return;
    };
    let mut tx = t.app.db.begin().await.unwrap();
    jangteo_db::messages::insert(
        &mut tx,
        &jangteo_db::messages::NewMessage {
            event: "welcome",
            channel: "email",
            recipient: "buyer@example.com",
            subject: "환영합니다",
            body_html: PAYLOAD,
            body_text: "안녕하세요",
            is_advertising: false,
            dedupe_key: None,
            send_after: Utc::now(),
            template_code: None,
            template_variables: None,
        },
        Utc::now(),
    )
    .await
    .unwrap();
    let (builtin, _) = t.app.template_source("welcome").await.unwrap();
    let edited = builtin.replace("{% block html %}", &format!("{{% block html %}}{PAYLOAD}"));
    jangteo_db::message_templates::save(&mut tx, "welcome", &edited, "legacy", Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let Some(browser) = crate::browser_admin::owner_browser(&t, 1280, 1000).await else {
        return;
    };
    let d = &browser.driver;
    d.goto(t.url("/admin/outbox")).await.unwrap();
    d.find(By::Css(".outbox-msg__summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    d.find(By::Css("iframe.mail-frame")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_ne!(
        d.title().await.unwrap(),
        "pwned",
        "script in a stored mail ran"
    );
    browser.screenshot("admin-outbox-frame").await;

    d.goto(t.url("/admin/templates/welcome")).await.unwrap();
    d.find(By::Id("preview-frame")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_ne!(
        d.title().await.unwrap(),
        "pwned",
        "script in a template ran"
    );
    browser.screenshot("admin-template-preview").await;

    // Reset asks first: dismissing keeps the edit, accepting restores the built-in template.
    let reset = By::Css("button[name='action'][value='reset']");
    d.find(reset.clone()).await.unwrap().click().await.unwrap();
    assert!(d.get_alert_text().await.unwrap().contains("기본"));
    d.dismiss_alert().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        t.app.template_source("welcome").await.unwrap().1,
        "still edited"
    );
    d.find(reset).await.unwrap().click().await.unwrap();
    d.accept_alert().await.unwrap();
    d.find(By::Id("template-source")).await.unwrap();
    for _ in 0..50 {
        if !t.app.template_source("welcome").await.unwrap().1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        t.app.template_source("welcome").await.unwrap(),
        (builtin, false)
    );
    browser.quit().await;
}

/// The owner finds a colleague locked out by failed logins from the staff menu and unlocks it,
/// confirming first.
#[tokio::test]
async fn the_owner_unlocks_a_locked_colleague_from_the_menu() {
    let Some((t, _)) = crate::checkout::shop(Backend::Sqlite).await else {
        return;
    };
    let colleague = "cs@example.com";
    t.app.create_staff(colleague, "상담", "cs").await.unwrap();
    let stranger = jangteo_testkit::shopper::Shopper::new(&t.url(""));
    for _ in 0..5 {
        let wrong = [("email", colleague), ("password", "wrong-password")];
        stranger.post("/admin/login", &wrong).await;
    }
    let Some(browser) = crate::browser_admin::owner_browser(&t, 1280, 1000).await else {
        return;
    };
    let d = &browser.driver;
    d.goto(t.url("/admin")).await.unwrap();
    d.find(By::Css("nav.admin-nav a[href='/admin/staff']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let row = By::Css(format!("tr[data-staff='{colleague}']"));
    let locked = d.find(row.clone()).await.unwrap();
    assert!(locked.text().await.unwrap().contains("로그인 잠김"));
    browser.screenshot("admin-staff-locked").await;
    locked
        .find(By::Css("button[data-unlock]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(d.get_alert_text().await.unwrap().contains("잠금을 해제"));
    d.accept_alert().await.unwrap();
    locked.wait_until().stale().await.unwrap();
    let row = d.find(row).await.unwrap();
    assert!(!row.text().await.unwrap().contains("로그인 잠김"));
    assert!(
        d.source()
            .await
            .unwrap()
            .contains("계정 잠금을 해제했습니다")
    );
    browser.quit().await;
}
