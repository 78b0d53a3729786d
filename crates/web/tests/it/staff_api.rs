//! The staff API under every role: each endpoint goes through its back-office twin's permission
//! check and leaves the same audit entry; a refused call changes nothing. SQLite and PostgreSQL.

use crate::checkout::{shop, sign_up};
use jangteo_app::auth::StaffActor;
use jangteo_core::staff::{Access, Area, Role};
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, TestApp, on_both_backends};

async fn token_for(t: &TestApp, role: Role) -> (String, String) {
    let email = format!("api-{}@example.com", role.as_str());
    t.app
        .create_staff(&email, "직원", role.as_str())
        .await
        .unwrap();
    let id = jangteo_db::staff::find_by_email(&t.app.db, &email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let token = t
        .app
        .issue_staff_api_token(&StaffActor::system("test"), id, "연동")
        .await
        .unwrap();
    (email, token)
}

async fn audited_by(t: &TestApp, email: &str, action: &str) -> usize {
    jangteo_db::audit::search(
        &t.app.db,
        &jangteo_db::audit::AuditFilter {
            staff_email: email.into(),
            action_prefix: action.into(),
            ..Default::default()
        },
        50,
        0,
    )
    .await
    .unwrap()
    .0
    .len()
}

/// One role's token on each endpoint: allowed or refused as its role says, audited when allowed.
async fn calls_follow_the_role(t: &TestApp, client: &reqwest::Client, role: Role, member_id: i64) {
    let (email, token) = token_for(t, role).await;
    let post = |path: String, body: serde_json::Value| {
        client
            .post(t.url(&path))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };

    let grade = post(
        format!("/api/v1/staff/members/{member_id}/grade"),
        serde_json::json!({ "grade": "gold" }),
    )
    .await
    .unwrap();
    let may_grade = jangteo_core::staff::allows(role, Area::Members, Access::Write);
    assert_eq!(
        grade.status().as_u16(),
        if may_grade { 200 } else { 403 },
        "{email} grade"
    );
    assert_eq!(
        audited_by(t, &email, "member.grade").await,
        usize::from(may_grade)
    );

    let started = post(
        "/api/v1/staff/bulk-sends".into(),
        serde_json::json!({ "name": "세일", "title": "세일", "body": "할인" }),
    )
    .await
    .unwrap();
    let may_send = jangteo_core::staff::allows(role, Area::Marketing, Access::Write);
    assert_eq!(
        started.status().as_u16(),
        if may_send { 201 } else { 403 },
        "{email} bulk"
    );
    assert_eq!(
        audited_by(t, &email, "marketing.bulk_send").await,
        usize::from(may_send)
    );

    let shown = client
        .get(t.url("/api/v1/staff/bulk-sends/1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let may_read = jangteo_core::staff::allows(role, Area::Marketing, Access::Read);
    assert_eq!(
        shown.status().as_u16(),
        if may_read { 200 } else { 403 },
        "{email} bulk status"
    );
}

/// Exactly the roles allowed to start a campaign started one.
async fn only_allowed_roles_started_campaigns(t: &TestApp) {
    let senders = Role::ALL
        .iter()
        .filter(|r| jangteo_core::staff::allows(**r, Area::Marketing, Access::Write))
        .count() as i64;
    for id in 1..=senders {
        assert!(
            jangteo_db::bulk::find(&t.app.db, id)
                .await
                .unwrap()
                .is_some()
        );
    }
    assert!(
        jangteo_db::bulk::find(&t.app.db, senders + 1)
            .await
            .unwrap()
            .is_none()
    );
}

async fn every_api_endpoint_checks_the_tokens_role(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    let member = Shopper::new(&t.base_url);
    sign_up(&member, "graded@example.com").await;
    let member_id = jangteo_db::members::find_by_email(&t.app.db, "graded@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    let client = jangteo_testkit::server::client();
    for role in Role::ALL {
        calls_follow_the_role(&t, &client, role, member_id).await;
    }
    only_allowed_roles_started_campaigns(&t).await;
    // No token: 401 with the realm.
    let anonymous = client
        .post(t.url(&format!("/api/v1/staff/members/{member_id}/grade")))
        .json(&serde_json::json!({ "grade": "vip" }))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
}

on_both_backends!(every_api_endpoint_checks_the_tokens_role);
