//! Failed logins throttle the attacker, not the account's owner: a browser or address that
//! logged in before keeps its own allowance while strangers are refused; the owner unlocks staff
//! and member accounts from the back office and `jangteo admin create-user` clears the counters;
//! guest order lookups are counted apart from logins and per order.

use crate::admin::staff_id;
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

const STRANGER: (&str, &str) = ("x-forwarded-for", "203.0.113.9");

async fn behind_a_proxy(backend: Backend) -> Option<TestApp> {
    TestApp::spawn_with(
        backend,
        TestOptions {
            configure: Some(|c| c.members.trusted_proxies = 1),
            ..TestOptions::default()
        },
    )
    .await
}

/// Staff login attempts from a stranger's address: `n` wrong ones, the statuses answered.
async fn guess_staff(s: &Shopper, email: &str, n: usize) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..n {
        let form = [("email", email), ("password", "wrong-password")];
        statuses.push(s.post_with("/admin/login", &form, &[STRANGER]).await.status);
    }
    statuses
}

/// The row of the back office's staff list for `email`.
fn staff_row(body: &str, email: &str) -> String {
    let row = body
        .split(&format!("data-staff=\"{email}\""))
        .nth(1)
        .unwrap();
    row.split("</tr>").next().unwrap().to_owned()
}

async fn an_attacker_cannot_lock_the_owner_out(backend: Backend) {
    let Some(t) = behind_a_proxy(backend).await else {
        return;
    };
    let email = "owner@example.com";
    let (owner, password) = staff_session(&t, email, "owner").await;
    owner.post("/admin/logout", &[]).await;
    let attacker = Shopper::new(&t.url(""));
    strangers_are_refused_after_five_guesses(&attacker, email, &password).await;
    let id = the_owners_browser_keeps_its_allowance(&t, &owner, email, &password).await;
    let colleague = "manager@example.com";
    the_owner_unlocks_a_locked_colleague(&t, &owner, &attacker, email, colleague).await;
    // A manager may not unlock (staff write is the owner's).
    let (manager, _) = staff_session(&t, "other-manager@example.com", "manager").await;
    let refused = manager
        .post(&format!("/admin/staff/{id}/unlock"), &[])
        .await;
    assert_eq!(refused.status, 403);
    admin_commands_lift_the_lock(&t, &attacker, colleague).await;
}

/// 30 guesses from elsewhere: the first five are checked, then the stranger is refused, the
/// right password included.
async fn strangers_are_refused_after_five_guesses(attacker: &Shopper, email: &str, password: &str) {
    let statuses = guess_staff(attacker, email, 30).await;
    assert_eq!(&statuses[..5], &[422; 5]);
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    let right = [("email", email), ("password", password)];
    let refused = attacker
        .post_with("/admin/login", &right, &[STRANGER])
        .await;
    assert_eq!(refused.status, 429);
}

/// Someone else at the owner's own address (no device cookie) uses up that address's
/// allowance; the owner's browser still has its own and logs in. Returns the owner's id.
async fn the_owners_browser_keeps_its_allowance(
    t: &TestApp,
    owner: &Shopper,
    email: &str,
    password: &str,
) -> i64 {
    let right = [("email", email), ("password", password)];
    let neighbour = Shopper::new(&t.url(""));
    for _ in 0..6 {
        let wrong = [("email", email), ("password", "wrong-password")];
        neighbour.post("/admin/login", &wrong).await;
    }
    assert_eq!(neighbour.post("/admin/login", &right).await.status, 429);
    let step = owner.post("/admin/login", &right).await;
    assert_eq!(
        step.location.as_deref(),
        Some("/admin/login/code"),
        "{}",
        step.body
    );
    let id = staff_id(t, email).await;
    let next_step = chrono::Utc::now() + chrono::Duration::seconds(30);
    let code = t.app.current_totp_code(id, next_step).await.unwrap();
    let done = owner.post("/admin/login/code", &[("code", &code)]).await;
    assert_eq!(done.location.as_deref(), Some("/admin"), "{}", done.body);
    id
}

/// A locked colleague: the owner sees it and unlocks it; the audit log says so.
async fn the_owner_unlocks_a_locked_colleague(
    t: &TestApp,
    owner: &Shopper,
    attacker: &Shopper,
    email: &str,
    colleague: &str,
) {
    let colleague_password = t
        .app
        .create_staff(colleague, "매니저", "manager")
        .await
        .unwrap();
    guess_staff(attacker, colleague, 5).await;
    let row = staff_row(&owner.get("/admin/staff").await.body, colleague);
    assert!(
        row.contains("data-locked") && row.contains("잠금 해제"),
        "{row}"
    );
    let colleague_id = staff_id(t, colleague).await;
    let unlocked = owner
        .post(&format!("/admin/staff/{colleague_id}/unlock"), &[])
        .await;
    assert_eq!(unlocked.status, 303);
    let page = owner.get("/admin/staff").await;
    assert!(!staff_row(&page.body, colleague).contains("data-locked"));
    assert!(
        staff_row(&page.body, email).contains("data-locked"),
        "the owner's own login leaves strangers locked out"
    );
    let in_again = Shopper::new(&t.url(""));
    let form = [
        ("email", colleague),
        ("password", colleague_password.as_str()),
    ];
    let step = in_again.post_with("/admin/login", &form, &[STRANGER]).await;
    assert_eq!(step.status, 303, "unlocked: {}", step.body);
    let actions = crate::admin::actions_for(t, email).await;
    assert!(actions.iter().any(|a| a == "staff.unlocked"), "{actions:?}");
}

/// `jangteo admin create-user` (a new password) lifts the lock as well; so does
/// `jangteo admin reset-2fa`.
async fn admin_commands_lift_the_lock(t: &TestApp, attacker: &Shopper, colleague: &str) {
    guess_staff(attacker, colleague, 5).await;
    let new_password = t
        .app
        .create_staff(colleague, "매니저", "manager")
        .await
        .unwrap();
    let form = [("email", colleague), ("password", new_password.as_str())];
    let step = Shopper::new(&t.url(""))
        .post_with("/admin/login", &form, &[STRANGER])
        .await;
    assert_eq!(step.status, 303, "{}", step.body);

    // So does `jangteo admin reset-2fa`.
    guess_staff(attacker, colleague, 5).await;
    t.app.reset_staff_2fa(colleague).await.unwrap();
    let step = Shopper::new(&t.url(""))
        .post_with("/admin/login", &form, &[STRANGER])
        .await;
    assert_eq!(step.location.as_deref(), Some("/admin/login/enrol"));
}

async fn members_keep_their_own_browser_and_the_owner_unlocks(backend: Backend) {
    let Some(t) = behind_a_proxy(backend).await else {
        return;
    };
    let email = "member@example.com";
    let member = Shopper::new(&t.url(""));
    crate::checkout::sign_up(&member, email).await;
    member.post("/account/logout", &[]).await;
    let right = [("email", email), ("password", crate::checkout::PASSWORD)];
    assert_eq!(member.post("/account/login", &right).await.status, 303);
    member.post("/account/logout", &[]).await;

    let attacker = Shopper::new(&t.url(""));
    for _ in 0..10 {
        let wrong = [("email", email), ("password", "wrong-password1")];
        attacker
            .post_with("/account/login", &wrong, &[STRANGER])
            .await;
    }
    let refused = attacker
        .post_with("/account/login", &right, &[STRANGER])
        .await;
    assert_eq!(refused.status, 429);
    assert_eq!(
        member.post("/account/login", &right).await.status,
        303,
        "own browser"
    );

    // The owner sees the lock on the member's page and lifts it.
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let id = jangteo_db::members::find_by_email(&t.app.db, email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let page = owner.get(&format!("/admin/members/{id}")).await;
    assert!(page.body.contains("id=\"unlock-login\""), "{}", page.body);
    let unlocked = owner
        .post(&format!("/admin/members/{id}/unlock"), &[])
        .await;
    assert_eq!(unlocked.status, 303);
    let again = attacker
        .post_with("/account/login", &right, &[STRANGER])
        .await;
    assert_eq!(again.status, 303, "unlocked");

    // Support staff without members write cannot.
    let (warehouse, _) = staff_session(&t, "wh@example.com", "warehouse").await;
    let refused = warehouse
        .post(&format!("/admin/members/{id}/unlock"), &[])
        .await;
    assert_eq!(refused.status, 403);
}

async fn guest_lookups_are_counted_apart_and_per_order(backend: Backend) {
    let Some((t, tshirt)) = crate::checkout::shop(backend).await else {
        return;
    };
    let guest = Shopper::new(&t.url(""));
    crate::checkout::add(&guest, tshirt, 1).await;
    let placed = crate::checkout::place(
        &guest,
        &[
            ("payment_method", "card"),
            ("guest_password", "guest1234"),
            ("guest_password_confirm", "guest1234"),
        ],
    )
    .await;
    let number = crate::checkout::pay(&guest, &placed).await;
    let lookup = |password: &'static str| {
        let number = number.clone();
        let s = Shopper::new(&t.url(""));
        async move {
            let form = [
                ("number", number.as_str()),
                ("mobile", "01012345678"),
                ("password", password),
            ];
            s.post("/orders/lookup", &form).await.status
        }
    };
    for _ in 0..5 {
        assert_eq!(lookup("wrong1234").await, 422);
    }
    assert_eq!(
        lookup("guest1234").await,
        429,
        "five wrong passwords lock this order's lookup"
    );

    // 30 mistyped lookups of unknown orders from one address do not lock its member logins.
    let member = Shopper::new(&t.url(""));
    crate::checkout::sign_up(&member, "shared-ip@example.com").await;
    member.post("/account/logout", &[]).await;
    for i in 0..30 {
        let number = format!("20261201-{i:06}");
        let form = [
            ("number", number.as_str()),
            ("mobile", "01012345678"),
            ("password", "x1234567"),
        ];
        Shopper::new(&t.url("")).post("/orders/lookup", &form).await;
    }
    let form = [
        ("number", "20261201-999999"),
        ("mobile", "01012345678"),
        ("password", "x"),
    ];
    assert_eq!(
        Shopper::new(&t.url(""))
            .post("/orders/lookup", &form)
            .await
            .status,
        429
    );
    let right = [
        ("email", "shared-ip@example.com"),
        ("password", crate::checkout::PASSWORD),
    ];
    assert_eq!(member.post("/account/login", &right).await.status, 303);
}

on_both_backends!(
    an_attacker_cannot_lock_the_owner_out,
    members_keep_their_own_browser_and_the_owner_unlocks,
    guest_lookups_are_counted_apart_and_per_order,
);
