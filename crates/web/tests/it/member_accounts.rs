//! Members' own accounts through HTTP: password reset, withdrawal, profile and password changes, sessions and carts shared by every instance.

use crate::checkout::*;
use jangteo_app::AppError;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, TestApp, on_both_backends};

async fn password_reset_and_withdrawal(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    sign_up(&s, "reset@example.com").await;
    add(&s, tshirt, 1).await;
    let number = pay(&s, &place(&s, &[("payment_method", "card")]).await).await;
    let _ = s.post("/account/logout", &[]).await;
    reset_is_mailed_once_without_hints(&t, &s).await;
    let link = reset_link_in_the_mail(&t).await;
    reset_link_sets_the_password_once(&s, &link).await;
    withdrawal_erases_personal_data_and_keeps_orders(&t, &s, &number).await;
}

/// A reset is asked for a member and a stranger alike; asking again at once sends nothing more.
async fn reset_is_mailed_once_without_hints(t: &TestApp, s: &Shopper) {
    assert_eq!(
        s.post("/account/password-reset", &[("email", "reset@example.com")])
            .await
            .status,
        200
    );
    assert_eq!(
        s.post(
            "/account/password-reset",
            &[("email", "nobody@example.com")]
        )
        .await
        .status,
        200,
        "no hint"
    );
    // Asking again at once sends nothing more (no mailbox flooding), and says the same.
    for _ in 0..3 {
        assert_eq!(
            s.post("/account/password-reset", &[("email", "reset@example.com")])
                .await
                .status,
            200
        );
    }
    let resets = t
        .app
        .recent_messages(50)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.event == "password_reset")
        .count();
    assert_eq!(resets, 1, "one mail per address per few minutes");
}

/// The reset link in the mail.
async fn reset_link_in_the_mail(t: &TestApp) -> String {
    let mail = t
        .app
        .recent_messages(10)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.event == "password_reset")
        .unwrap();
    let at = mail.body_text.find("/account/password-reset/").unwrap();
    let link: String = mail.body_text[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    link
}

/// The link sets a new password once; the old password no longer logs in, the new one does.
async fn reset_link_sets_the_password_once(s: &Shopper, link: &str) {
    assert_eq!(s.get(link).await.status, 200);
    let r = s
        .post(
            link,
            &[
                ("password", "newsecret99"),
                ("password_confirm", "newsecret99"),
            ],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/account/login"));
    let reused = s
        .post(
            link,
            &[
                ("password", "another999"),
                ("password_confirm", "another999"),
            ],
        )
        .await;
    assert_eq!(reused.status, 200);
    assert!(
        s.post(
            "/account/login",
            &[("email", "reset@example.com"), ("password", PASSWORD)]
        )
        .await
        .status
            == 422
    );
    assert_eq!(
        s.post(
            "/account/login",
            &[("email", "reset@example.com"), ("password", "newsecret99")]
        )
        .await
        .status,
        303
    );
}

/// Withdrawal erases the personal data and keeps the order.
async fn withdrawal_erases_personal_data_and_keeps_orders(t: &TestApp, s: &Shopper, number: &str) {
    let wrong = s
        .post(
            "/account/withdraw",
            &[("password", "bad-password1"), ("confirm", "true")],
        )
        .await;
    assert_eq!(wrong.status, 422);
    let r = s
        .post(
            "/account/withdraw",
            &[("password", "newsecret99"), ("confirm", "true")],
        )
        .await;
    assert_eq!(r.status, 303);
    let member = jangteo_db::members::find(&t.app.db, 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (member.email, member.mobile, member.status.as_str()),
        (None, None, "withdrawn")
    );
    assert!(member.name.is_empty());
    assert_eq!(status_of(t, number).await, "paid", "orders are kept");
    assert_eq!(
        s.post(
            "/account/login",
            &[("email", "reset@example.com"), ("password", "newsecret99")]
        )
        .await
        .status,
        422
    );
    assert!(matches!(
        t.app.active_member(1).await,
        Err(AppError::NotFound)
    ));
}

async fn profile_password_change_and_outbox(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    sign_up(&s, "profile@example.com").await;
    profile_changes_are_saved(&t, &s).await;
    password_change_ends_other_sessions(&t, &s).await;
    mail_is_recorded_but_the_outbox_hidden(&t, &s).await;
    unsubscribing_needs_a_confirmation_and_a_valid_token(&t).await;
    // English pages translate the payment method names too.
    assert!(s.get("/lang/en?next=/").await.status == 303);
}

/// The member changes name, mobile and marketing consent.
async fn profile_changes_are_saved(t: &TestApp, s: &Shopper) {
    let r = s
        .post(
            "/account/profile",
            &[
                ("name", "김바뀜"),
                ("mobile", "010-5555-6666"),
                ("agree_marketing", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let m = t.app.active_member(1).await.unwrap();
    assert_eq!(
        (m.name.as_str(), m.mobile.as_deref()),
        ("김바뀜", Some("01055556666"))
    );
    assert!(m.marketing_agreed_at.is_some());
    assert!(s.get("/account").await.body.contains("김바뀜"));
}

/// Another device stays logged in until the password changes.
async fn password_change_ends_other_sessions(t: &TestApp, s: &Shopper) {
    let other_device = Shopper::new(&t.base_url);
    assert_eq!(
        other_device
            .post(
                "/account/login",
                &[("email", "profile@example.com"), ("password", PASSWORD)]
            )
            .await
            .status,
        303
    );
    assert_eq!(other_device.get("/account").await.status, 200);
    let wrong = s
        .post(
            "/account/password",
            &[
                ("current_password", "nope12345"),
                ("password", "changed123"),
                ("password_confirm", "changed123"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    let ok = s
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", "changed123"),
                ("password_confirm", "changed123"),
            ],
        )
        .await;
    assert_eq!(ok.location.as_deref(), Some("/account"));
    assert_eq!(
        s.get("/account").await.status,
        200,
        "this session continues"
    );
    assert_eq!(
        other_device
            .get("/account")
            .await
            .location
            .as_deref()
            .map(|l| l.starts_with("/account/login")),
        Some(true),
        "other sessions end"
    );
}

/// The test adapter recorded the mail; outside demo mode nobody but staff may read it.
async fn mail_is_recorded_but_the_outbox_hidden(t: &TestApp, s: &Shopper) {
    let recorded = t.app.recent_messages(50).await.unwrap();
    assert!(
        recorded
            .iter()
            .any(|m| m.recipient == "profile@example.com")
    );
    assert_eq!(s.get("/dev/outbox").await.status, 404);
}

/// An unsubscribe link needs no login; opening it changes nothing until confirmed.
async fn unsubscribing_needs_a_confirmation_and_a_valid_token(t: &TestApp) {
    let link = t.app.unsubscribe_url(1).await.unwrap();
    let visitor = Shopper::new(&t.base_url);
    assert_eq!(visitor.get(&link).await.status, 200);
    assert!(
        t.app
            .active_member(1)
            .await
            .unwrap()
            .marketing_agreed_at
            .is_some()
    );
    let token = link.split("t=").nth(1).unwrap();
    let done = visitor
        .post("/unsubscribe", &[("m", "1"), ("t", token)])
        .await;
    assert!(done.body.contains("unsubscribe-done"));
    assert!(
        t.app
            .active_member(1)
            .await
            .unwrap()
            .marketing_agreed_at
            .is_none()
    );
    let forged = visitor
        .post("/unsubscribe", &[("m", "2"), ("t", token)])
        .await;
    assert!(!forged.body.contains("unsubscribe-done"));
}

async fn sessions_and_carts_are_shared_by_every_instance(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let second = t.second_instance().await;
    let s = Shopper::new(&t.base_url);
    add(&s, tshirt, 2).await;
    sign_up(&s, "multi@example.com").await;
    // The same browser behind a load balancer lands on the other instance.
    let elsewhere = s.at(&second.base_url);
    let account = elsewhere.get("/account").await;
    assert_eq!(account.status, 200, "logged in on the other instance");
    assert!(
        elsewhere.get("/cart").await.body.contains("data-sku-id"),
        "the merged cart is there too"
    );
    let number = pay(
        &elsewhere,
        &place(&elsewhere, &[("payment_method", "card")]).await,
    )
    .await;
    assert_eq!(s.get(&format!("/orders/{number}")).await.status, 200);
    assert_eq!(elsewhere.post("/account/logout", &[]).await.status, 303);
    assert_ne!(s.get("/account").await.status, 200, "logged out everywhere");
}

on_both_backends!(
    password_reset_and_withdrawal,
    profile_password_change_and_outbox,
    sessions_and_carts_are_shared_by_every_instance,
);
