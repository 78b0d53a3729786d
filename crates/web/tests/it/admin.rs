//! The back office: staff login with TOTP 2FA, throttling and lock, the permission matrix and the
//! IP allow-list; on SQLite and PostgreSQL.

use crate::admin_steps::{
    dashboard_then_logout, deactivated_session_ends, login_steps_audited,
    manager_may_look_but_not_change, new_account_with_a_first_password, own_account_unchangeable,
    recovery_code_works_once, role_change_and_deactivation_audited,
    second_login_needs_a_fresh_code,
};
use jangteo_core::staff::{Access, Area, Role};
use jangteo_db::audit::AuditFilter;
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

pub(crate) async fn actions_for(t: &TestApp, email: &str) -> Vec<String> {
    let (rows, _) = jangteo_db::audit::search(
        &t.app.db,
        &AuditFilter {
            staff_email: email.into(),
            ..Default::default()
        },
        100,
        0,
    )
    .await
    .unwrap();
    rows.into_iter().map(|r| r.action).collect()
}

pub(crate) async fn staff_id(t: &TestApp, email: &str) -> i64 {
    jangteo_db::staff::find_by_email(&t.app.db, email)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn login_needs_the_password_then_a_fresh_code(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let email = "owner@example.com";
    let (s, password) = staff_session(&t, email, "owner").await;
    dashboard_then_logout(&s).await;
    let id = second_login_needs_a_fresh_code(&t, &s, email, &password).await;
    recovery_code_works_once(&t).await;
    login_steps_audited(&t, email).await;
    deactivated_session_ends(&t, &s, id).await;
}

async fn repeated_failures_lock_the_account_for_a_while(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let email = "lock@example.com";
    let password = t.app.create_staff(email, "잠금", "manager").await.unwrap();
    let s = Shopper::new(&t.url(""));
    for _ in 0..5 {
        let wrong = s
            .post(
                "/admin/login",
                &[("email", email), ("password", "wrong-password")],
            )
            .await;
        assert_eq!(wrong.status, 422);
        assert!(
            wrong
                .body
                .contains("이메일 또는 비밀번호가 올바르지 않습니다")
        );
    }
    let locked = s
        .post("/admin/login", &[("email", email), ("password", &password)])
        .await;
    assert_eq!(locked.status, 429, "locked even with the right password");
    assert_eq!(s.get("/admin").await.status, 303, "not logged in");
    let failures = actions_for(&t, email)
        .await
        .into_iter()
        .filter(|a| a == "staff.password_failed")
        .count();
    assert_eq!(failures, 5);
    // Unknown accounts fail the same way (no hint which e-mails exist).
    let unknown = s
        .post(
            "/admin/login",
            &[("email", "nobody@example.com"), ("password", "x")],
        )
        .await;
    assert_eq!(unknown.status, 422);
}

/// Pages per area (GET) and one change per writable area (POST), for the matrix.
pub(crate) const PAGES: [(Area, &str); 17] = [
    (Area::Dashboard, "/admin"),
    (Area::Orders, "/admin/orders"),
    (Area::Orders, "/admin/claims"),
    (Area::Members, "/admin/members"),
    (Area::Inquiries, "/admin/inquiries"),
    (Area::Notifications, "/admin/templates"),
    (Area::Notifications, "/admin/outbox"),
    (Area::Jobs, "/admin/jobs"),
    (Area::Audit, "/admin/audit"),
    (Area::Staff, "/admin/staff"),
    (Area::Content, "/admin/content"),
    (Area::Stock, "/admin/stock"),
    (Area::Catalog, "/admin/products"),
    (Area::Catalog, "/admin/categories"),
    (Area::Statistics, "/admin/stats"),
    (Area::Settings, "/admin/settings"),
    (Area::Settings, "/admin/shipping"),
];

/// Every page of the matrix opens for `role` exactly when it may read its area, and the menu
/// links exactly those.
async fn reads_follow_the_role(s: &Shopper, role: Role) {
    let menu = s.get("/admin").await.body;
    for (area, path) in PAGES {
        let allowed = jangteo_core::staff::allows(role, area, Access::Read);
        let page = s.get(path).await;
        let expected = if allowed { 200 } else { 403 };
        assert_eq!(
            page.status,
            expected,
            "{} reading {path} ({area:?})",
            role.as_str()
        );
        if path != "/admin" {
            assert_eq!(
                menu.contains(&format!("href=\"{path}\"")),
                allowed,
                "{} menu entry {path}",
                role.as_str()
            );
        }
    }
}

/// Changes need write access: refused ones are 403 and change nothing.
async fn writes_follow_the_role(s: &Shopper, role: Role) {
    let writes = [
        (Area::Jobs, "/admin/jobs/999999/retry", vec![]),
        (
            Area::Content,
            "/admin/pages",
            vec![("title", ""), ("slug", "x"), ("body_html", "")],
        ),
        (
            Area::Orders,
            "/admin/orders/20200101-AAAAAA/memos",
            vec![("memo", "메모")],
        ),
        (
            Area::Orders,
            "/admin/claims/999999",
            vec![("action", "approve")],
        ),
        (
            Area::Catalog,
            "/admin/products/new",
            vec![("name", ""), ("price", "")],
        ),
        (
            Area::Inquiries,
            "/admin/inquiries/999999/answer",
            vec![("answer", "답변")],
        ),
        (
            Area::Notifications,
            "/admin/templates/welcome",
            vec![("source", "x"), ("action", "preview")],
        ),
        (
            Area::Settings,
            "/admin/settings/payment-methods",
            vec![("method_card", "on")],
        ),
    ];
    for (area, path, form) in writes {
        let response = s.post(path, &form).await;
        let allowed = jangteo_core::staff::allows(role, area, Access::Write);
        if allowed {
            assert_ne!(response.status, 403, "{} writing {path}", role.as_str());
        } else {
            assert_eq!(response.status, 403, "{} writing {path}", role.as_str());
        }
    }
}

async fn every_role_gets_exactly_its_areas(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    for role in Role::ALL {
        let email = format!("{}@example.com", role.as_str());
        let (s, _) = staff_session(&t, &email, role.as_str()).await;
        reads_follow_the_role(&s, role).await;
        writes_follow_the_role(&s, role).await;
    }
}

async fn the_audit_log_is_searchable_and_exports_as_csv(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (owner, _) = staff_session(&t, "boss@example.com", "owner").await;
    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    let page = owner.get("/admin/audit?staff=cs%40example.com").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("staff.2fa_enrolled") && !page.body.contains("boss@example.com</td>")
    );
    let csv = jangteo_testkit::server::client()
        .get(t.url("/admin/audit.csv?action=staff."))
        .header("cookie", owner_cookie(&owner).await)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let body = csv.bytes().await.unwrap();
    assert!(body.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
    let text = String::from_utf8(body[3..].to_vec()).unwrap();
    assert!(text.starts_with("id,at_kst,staff,ip,action"));
    assert_eq!(text.matches("staff.login").count(), 2, "{text}");
    assert!(
        actions_for(&t, "boss@example.com")
            .await
            .contains(&"audit.export".to_owned())
    );
    assert_eq!(cs.get("/admin/audit.csv").await.status, 403);
}

/// The back-office cookie of a logged-in visitor, for a raw request.
pub(crate) async fn owner_cookie(s: &Shopper) -> String {
    s.admin_cookie().expect("logged in")
}

async fn the_owner_manages_staff_accounts(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let (manager, _) = staff_session(&t, "manager@example.com", "manager").await;
    new_account_with_a_first_password(&t, &owner).await;
    manager_may_look_but_not_change(&t, &manager).await;
    role_change_and_deactivation_audited(&t, &owner, &manager).await;
    own_account_unchangeable(&t, &owner).await;
}

async fn staff_outside_the_allow_list_cannot_log_in(backend: Backend) {
    let Some(t) = TestApp::spawn_with(
        backend,
        TestOptions {
            configure: Some(|c| c.admin.allowed_ips = vec!["10.0.0.0/8".into()]),
            ..Default::default()
        },
    )
    .await
    else {
        return;
    };
    let password = t
        .app
        .create_staff("far@example.com", "원격", "owner")
        .await
        .unwrap();
    let s = Shopper::new(&t.url(""));
    let refused = s
        .post(
            "/admin/login",
            &[("email", "far@example.com"), ("password", &password)],
        )
        .await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("허용되지 않은 위치"));
    assert_eq!(s.get("/admin").await.status, 403);
}

on_both_backends!(
    login_needs_the_password_then_a_fresh_code,
    repeated_failures_lock_the_account_for_a_while,
    every_role_gets_exactly_its_areas,
    the_audit_log_is_searchable_and_exports_as_csv,
    the_owner_manages_staff_accounts,
    staff_outside_the_allow_list_cannot_log_in,
);
