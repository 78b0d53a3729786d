//! The back office: staff login with TOTP 2FA, throttling and lock, the permission matrix and the
//! IP allow-list; on SQLite and PostgreSQL.

use chrono::{Duration, Utc};
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
    // Logged in after enrolment: the dashboard with the role's menu.
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

    // The second login asks for a code; the password alone is not enough.
    let id = staff_id(&t, email).await;
    let step = s
        .post("/admin/login", &[("email", email), ("password", &password)])
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
    s.post("/admin/login", &[("email", email), ("password", &password)])
        .await;
    let replay = s.post("/admin/login/code", &[("code", &code)]).await;
    assert_eq!(replay.status, 422, "a code works once");
    assert_eq!(s.get("/admin").await.status, 303);

    // A recovery code works once, then never again.
    let other = "cs@example.com";
    let cs_password = t.app.create_staff(other, "상담", "cs").await.unwrap();
    let c = Shopper::new(&t.url(""));
    c.post(
        "/admin/login",
        &[("email", other), ("password", &cs_password)],
    )
    .await;
    c.get("/admin/login/enrol").await;
    let cs_id = staff_id(&t, other).await;
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

    // Every step is in the audit log.
    let actions = actions_for(&t, email).await;
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

    // A deactivated account's session ends at its next request.
    let mut tx = t.app.db.begin().await.unwrap();
    jangteo_db::staff::set_role(&mut tx, id, "owner", false, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(s.get("/admin").await.status, 303);
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

async fn every_role_gets_exactly_its_areas(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    for role in Role::ALL {
        let email = format!("{}@example.com", role.as_str());
        let (s, _) = staff_session(&t, &email, role.as_str()).await;
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
        // Changes need write access: refused ones are 403 and change nothing.
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
    // A new account: its first password is shown once and works for the first login.
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
    // The manager may look but not change.
    assert_eq!(manager.get("/admin/staff").await.status, 200);
    let new_id = staff_id(&t, "new@example.com").await;
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
    // Role change and deactivation, each audited with before and after.
    let manager_id = staff_id(&t, "manager@example.com").await;
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
    // Nobody changes their own account; the last owner stays.
    let owner_id = staff_id(&t, "owner@example.com").await;
    let own = owner
        .post(
            &format!("/admin/staff/{owner_id}"),
            &[("role", "cs"), ("active", "true")],
        )
        .await;
    assert_eq!(own.status, 409);
    assert!(
        actions_for(&t, "owner@example.com")
            .await
            .contains(&"staff.create".to_owned())
    );
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
