//! Staff API tokens through the back office: issued once, used, revoked.

use crate::admin::*;
use jangteo_testkit::shopper::{Page, Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

/// The status of a staff API call with `token` (a grade change to an unknown grade).
async fn api(t: &TestApp, token: &str, path: &str) -> u16 {
    jangteo_testkit::server::client()
        .post(t.url(path))
        .bearer_auth(token)
        .json(&serde_json::json!({"grade": "nope"}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The owner issues a token named `name` for staff member `id`: the resulting page.
async fn issue(owner: &Shopper, id: i64, name: &str) -> Page {
    owner
        .post(
            "/admin/staff/tokens",
            &[("staff_id", &id.to_string()), ("token_name", name)],
        )
        .await
}

/// A token needs a name; it is shown once, the list keeps only its first characters, and the
/// issue is audited. Returns the token.
async fn issue_a_cs_token(t: &TestApp, owner: &Shopper, cs_id: i64) -> String {
    let empty = issue(owner, cs_id, " ").await;
    assert_eq!(empty.status, 422);
    let page = issue(owner, cs_id, "물류 연동").await;
    assert_eq!(page.status, 200);
    let token = issued_token(&page.body);
    assert!(token.starts_with("jt_"));
    // Shown once: the list keeps only its first characters.
    let list = owner.get("/admin/staff").await.body;
    assert!(!list.contains(&token) && list.contains(&token[..9]));
    assert!(
        actions_for(t, "owner@example.com")
            .await
            .contains(&"staff.token_issue".to_owned())
    );
    token
}

/// The token acts as the CS account; a marketing token may not move orders. Returns the
/// marketing token.
async fn tokens_act_with_their_role(
    t: &TestApp,
    owner: &Shopper,
    token: &str,
    mkt_id: i64,
) -> String {
    // The token acts as the CS account: members may be changed (the grade is unknown: 404)…
    assert_eq!(api(t, token, "/api/v1/staff/members/1/grade").await, 404);
    assert_eq!(
        api(t, "jt_unknown", "/api/v1/staff/members/1/grade").await,
        401
    );
    // …a marketing token may not move orders.
    let mkt_page = issue(owner, mkt_id, "리포트").await;
    let mkt_token = issued_token(&mkt_page.body);
    let refused = jangteo_testkit::server::client()
        .post(t.url("/api/v1/staff/orders/20260101-ABCDEF/prepare"))
        .bearer_auth(&mkt_token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    assert!(refused == 403 || refused == 404, "{refused}");
    mkt_token
}

/// CS staff cannot issue tokens; the owner revokes one and it stops at once.
async fn revoked_token_stops_at_once(
    t: &TestApp,
    (owner, cs): (&Shopper, &Shopper),
    cs_id: i64,
    token: &str,
) {
    assert_eq!(
        cs.post(
            "/admin/staff/tokens",
            &[("staff_id", &cs_id.to_string()), ("token_name", "x")]
        )
        .await
        .status,
        403
    );
    let token_id = jangteo_db::staff_tokens::of_staff(&t.app.db, cs_id)
        .await
        .unwrap()[0]
        .id;
    let revoked = owner
        .post(
            &format!("/admin/staff/{cs_id}/tokens/{token_id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(revoked.status, 303);
    assert_eq!(api(t, token, "/api/v1/staff/members/1/grade").await, 401);
    assert!(
        actions_for(t, "owner@example.com")
            .await
            .contains(&"staff.token_revoke".to_owned())
    );
}

/// The staff API takes bearer tokens the owner issues on the staff page: shown once, acting with
/// the account's role, stopped by revocation or deactivation, every issue and revocation audited.
async fn staff_api_tokens_are_issued_used_and_revoked(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    t.app
        .create_staff("mkt@example.com", "마케터", "marketing")
        .await
        .unwrap();
    let cs_id = staff_id(&t, "cs@example.com").await;
    let mkt_id = staff_id(&t, "mkt@example.com").await;

    let token = issue_a_cs_token(&t, &owner, cs_id).await;
    let mkt_token = tokens_act_with_their_role(&t, &owner, &token, mkt_id).await;
    revoked_token_stops_at_once(&t, (&owner, &cs), cs_id, &token).await;

    // Deactivating the account stops its tokens too.
    owner
        .post(&format!("/admin/staff/{mkt_id}"), &[("role", "marketing")])
        .await;
    assert_eq!(
        api(&t, &mkt_token, "/api/v1/staff/members/1/grade").await,
        401
    );
}

/// The token shown once on the staff page.
fn issued_token(page: &str) -> String {
    page.split("id=\"api-token\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned()
}

on_both_backends!(staff_api_tokens_are_issued_used_and_revoked,);
