//! Steps of the back-office login and staff-account tests: logging in with a password and a
//! one-time code, recovery codes, and the owner managing accounts.

use crate::admin::{actions_for, staff_id};
use chrono::{Duration, Utc};
use jangteo_db::audit::AuditFilter;
use jangteo_testkit::TestApp;
use jangteo_testkit::shopper::Shopper;

/// Logged in after enrolment: the dashboard with the role's menu; logout ends the session.
pub(crate) async fn dashboard_then_logout(s: &Shopper) {
    let dashboard = s.get("/admin").await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.body);
    assert!(dashboard.body.contains("id=\"today-sales\""));
    assert!(
        dashboard.body.contains("/admin/audit"),
        "owner sees the audit log"
    );
    // Logout ends the session.
    assert_eq!(s.post("/admin/logout", &[]).await.status, 303);
    assert_eq!(s.get("/admin").await.status, 303);
}

/// The second login asks for a code; the password alone is not enough, and each code works
/// once. Returns the staff member's id.
pub(crate) async fn second_login_needs_a_fresh_code(
    t: &TestApp,
    s: &Shopper,
    email: &str,
    password: &str,
) -> i64 {
    let id = staff_id(t, email).await;
    let step = s
        .post("/admin/login", &[("email", email), ("password", password)])
        .await;
    assert_eq!(step.location.as_deref(), Some("/admin/login/code"));
    assert_eq!(s.get("/admin").await.status, 303, "not logged in yet");
    let wrong = s.post("/admin/login/code", &[("code", "000000")]).await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("인증 코드가 올바르지 않습니다"));
    // A code of the next step (the app accepts one step of clock drift) logs in; the same code
    // is refused afterwards (each code works once).
    let code = t
        .app
        .current_totp_code(id, Utc::now() + Duration::seconds(30))
        .await
        .unwrap();
    let ok = s.post("/admin/login/code", &[("code", &code)]).await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(ok.location.as_deref(), Some("/admin"));
    assert_eq!(s.get("/admin").await.status, 200);
    s.post("/admin/logout", &[]).await;
    s.post("/admin/login", &[("email", email), ("password", password)])
        .await;
    let replay = s.post("/admin/login/code", &[("code", &code)]).await;
    assert_eq!(replay.status, 422, "a code works once");
    assert_eq!(s.get("/admin").await.status, 303);
    id
}

/// A recovery code works once, then never again.
pub(crate) async fn recovery_code_works_once(t: &TestApp) {
    let other = "cs@example.com";
    let cs_password = t.app.create_staff(other, "상담", "cs").await.unwrap();
    let c = Shopper::new(&t.url(""));
    c.post(
        "/admin/login",
        &[("email", other), ("password", &cs_password)],
    )
    .await;
    c.get("/admin/login/enrol").await;
    let cs_id = staff_id(t, other).await;
    let code = t.app.current_totp_code(cs_id, Utc::now()).await.unwrap();
    let codes_page = c.post("/admin/login/enrol", &[("code", &code)]).await;
    let recovery: Vec<String> = codes_page
        .body
        .split("<li><code>")
        .skip(1)
        .filter_map(|rest| rest.split("</code>").next())
        .map(str::to_owned)
        .collect();
    assert_eq!(recovery.len(), 10, "{}", codes_page.body);
    c.post("/admin/logout", &[]).await;
    for (attempt, expected) in [(1, 303), (2, 422)] {
        c.post(
            "/admin/login",
            &[("email", other), ("password", &cs_password)],
        )
        .await;
        let used = c
            .post(
                "/admin/login/code",
                &[("code", &recovery[0].to_uppercase())],
            )
            .await;
        assert_eq!(used.status, expected, "recovery code use {attempt}");
        c.post("/admin/logout", &[]).await;
    }
}

/// Every step is in the audit log.
pub(crate) async fn login_steps_audited(t: &TestApp, email: &str) {
    let actions = actions_for(t, email).await;
    for action in [
        "staff.2fa_enrolled",
        "staff.login",
        "staff.logout",
        "staff.code_failed",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}

/// A deactivated account's session ends at its next request.
pub(crate) async fn deactivated_session_ends(t: &TestApp, s: &Shopper, id: i64) {
    let mut tx = t.app.db.begin().await.unwrap();
    jangteo_db::staff::set_role(&mut tx, id, "owner", false, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(s.get("/admin").await.status, 303);
}

/// A new account: its first password is shown once and works for the first login; the same
/// e-mail cannot be used twice.
pub(crate) async fn new_account_with_a_first_password(t: &TestApp, owner: &Shopper) {
    let created = owner
        .post(
            "/admin/staff",
            &[
                ("email", "New@Example.com"),
                ("name", "신입"),
                ("role", "cs"),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let password = created
        .body
        .split("id=\"first-password\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap()
        .to_owned();
    let newcomer = Shopper::new(&t.url(""));
    let step = newcomer
        .post(
            "/admin/login",
            &[("email", "new@example.com"), ("password", &password)],
        )
        .await;
    assert_eq!(step.location.as_deref(), Some("/admin/login/enrol"));
    let taken = owner
        .post(
            "/admin/staff",
            &[
                ("email", "new@example.com"),
                ("name", "중복"),
                ("role", "cs"),
            ],
        )
        .await;
    assert_eq!(taken.status, 422);
}

/// The manager may look but not change.
pub(crate) async fn manager_may_look_but_not_change(t: &TestApp, manager: &Shopper) {
    assert_eq!(manager.get("/admin/staff").await.status, 200);
    let new_id = staff_id(t, "new@example.com").await;
    assert_eq!(
        manager
            .post(
                &format!("/admin/staff/{new_id}"),
                &[("role", "owner"), ("active", "true")]
            )
            .await
            .status,
        403
    );
}

/// Role change and deactivation, each audited with before and after.
pub(crate) async fn role_change_and_deactivation_audited(
    t: &TestApp,
    owner: &Shopper,
    manager: &Shopper,
) {
    let manager_id = staff_id(t, "manager@example.com").await;
    let demoted = owner
        .post(&format!("/admin/staff/{manager_id}"), &[("role", "cs")])
        .await;
    assert_eq!(demoted.status, 303);
    assert_eq!(
        manager.get("/admin/staff").await.status,
        303,
        "the changed account logs in again"
    );
    let entry = jangteo_db::audit::search(
        &t.app.db,
        &AuditFilter {
            action_prefix: "staff.role".into(),
            ..Default::default()
        },
        5,
        0,
    )
    .await
    .unwrap()
    .0
    .remove(0);
    assert!(entry.before_data.unwrap().contains("manager"));
    assert!(entry.after_data.unwrap().contains("\"active\":false"));
}

/// Nobody changes their own account; the last owner stays. Creating the account was audited.
pub(crate) async fn own_account_unchangeable(t: &TestApp, owner: &Shopper) {
    let owner_id = staff_id(t, "owner@example.com").await;
    let own = owner
        .post(
            &format!("/admin/staff/{owner_id}"),
            &[("role", "cs"), ("active", "true")],
        )
        .await;
    assert_eq!(own.status, 409);
    assert!(
        actions_for(t, "owner@example.com")
            .await
            .contains(&"staff.create".to_owned())
    );
}
