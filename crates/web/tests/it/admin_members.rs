//! Back-office members: masked list and search, personal data shown only with a logged reason,
//! points, grade (with history) and coupons, and the audited export; on SQLite and PostgreSQL.

use crate::checkout::{shop, sign_up};
use jangteo_db::audit::AuditFilter;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

async fn audited(t: &TestApp, action: &str) -> Vec<jangteo_db::audit::AuditRow> {
    jangteo_db::audit::search(
        &t.app.db,
        &AuditFilter {
            action_prefix: action.into(),
            ..Default::default()
        },
        20,
        0,
    )
    .await
    .unwrap()
    .0
}

/// Two signed-up members; returns the id of `member@example.com`.
async fn two_members(t: &TestApp) -> i64 {
    let member = Shopper::new(&t.url(""));
    sign_up(&member, "member@example.com").await;
    let other = Shopper::new(&t.url(""));
    sign_up(&other, "other@example.com").await;
    jangteo_db::members::find_by_email(&t.app.db, "member@example.com")
        .await
        .unwrap()
        .unwrap()
        .id
}

/// The list masks; search finds by e-mail part and phone digits.
async fn list_masks_and_search_finds(cs: &Shopper) {
    let list = cs.get("/admin/members").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("me***@example.com") && list.body.contains("010-****-5678"));
    assert!(!list.body.contains("member@example.com"));
    let found = cs.get("/admin/members?q=other").await.body;
    assert!(found.contains("ot***@example.com") && !found.contains("me***@example.com"));
    assert!(
        cs.get("/admin/members?q=5678")
            .await
            .body
            .contains("me***@example.com")
    );
}

/// The page is masked until a reason is given; the reason is logged. Marketing may read the
/// masked page but never reveal.
async fn reveal_needs_a_logged_reason(t: &TestApp, cs: &Shopper, marketer: &Shopper, id: i64) {
    let page = cs.get(&format!("/admin/members/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("member@example.com"));
    let no_reason = cs
        .post(&format!("/admin/members/{id}/reveal"), &[("reason", " ")])
        .await;
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.body.contains("사유를 2자 이상"));
    let revealed = cs
        .post(
            &format!("/admin/members/{id}/reveal"),
            &[("reason", "배송지 변경 문의 응대")],
        )
        .await;
    assert_eq!(revealed.status, 200);
    assert!(
        revealed.body.contains("member@example.com") && revealed.body.contains("010-1234-5678")
    );
    let views = audited(t, "member.view_personal").await;
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].reason, "배송지 변경 문의 응대");
    assert_eq!(views[0].staff_email, "cs@example.com");
    // Marketing may read the masked page but never reveal.
    assert_eq!(
        marketer.get(&format!("/admin/members/{id}")).await.status,
        200
    );
    let refused = marketer
        .post(
            &format!("/admin/members/{id}/reveal"),
            &[("reason", "궁금해서")],
        )
        .await;
    assert_eq!(refused.status, 403);
}

/// Points: grant, refuse taking back more than there is, take back.
async fn grant_points(t: &TestApp, cs: &Shopper, id: i64) {
    let before = jangteo_db::members::find(&t.app.db, id)
        .await
        .unwrap()
        .unwrap()
        .points_balance;
    let granted = cs
        .post(
            &format!("/admin/members/{id}/points"),
            &[("amount", "1,000"), ("reason", "배송 지연 보상")],
        )
        .await;
    assert_eq!(granted.status, 303, "{}", granted.body);
    let too_much = cs
        .post(
            &format!("/admin/members/{id}/points"),
            &[("amount", "-99999999"), ("reason", "회수")],
        )
        .await;
    assert_eq!(too_much.status, 422);
    let after = jangteo_db::members::find(&t.app.db, id)
        .await
        .unwrap()
        .unwrap()
        .points_balance;
    assert_eq!(after, before + 1_000);
    let entry = &audited(t, "member.points").await[0];
    assert_eq!(entry.reason, "배송 지연 보상");
    assert!(entry.after_data.as_deref().unwrap().contains("1000"));
}

/// Grade: changed, with history and audit.
async fn change_grade(t: &TestApp, cs: &Shopper, id: i64) {
    let graded = cs
        .post(&format!("/admin/members/{id}/grade"), &[("grade", "gold")])
        .await;
    assert_eq!(graded.status, 303);
    let page = cs.get(&format!("/admin/members/{id}")).await.body;
    assert!(page.contains("관리자 변경") && page.contains("cs@example.com"));
    assert_eq!(audited(t, "member.grade").await.len(), 1);
}

/// Coupons: issued once, shown on the page. Marketing cannot change members' points.
async fn issue_a_coupon(t: &TestApp, cs: &Shopper, marketer: &Shopper, id: i64) {
    let coupon = jangteo_db::member_admin::issuable_coupons(&t.app.db, chrono::Utc::now())
        .await
        .unwrap();
    if let Some((coupon_id, name)) = coupon.first() {
        let issued = cs
            .post(
                &format!("/admin/members/{id}/coupons"),
                &[("coupon_id", &coupon_id.to_string())],
            )
            .await;
        assert_eq!(issued.status, 303);
        assert!(
            cs.get(&format!("/admin/members/{id}"))
                .await
                .body
                .contains(name.as_str())
        );
    }
    // Marketing cannot change members' points.
    assert_eq!(
        marketer
            .post(
                &format!("/admin/members/{id}/points"),
                &[("amount", "100"), ("reason", "x")]
            )
            .await
            .status,
        403
    );
}

/// Export: needs a reason and personal-data access; logged with the row count.
async fn export_needs_a_reason_and_is_logged(t: &TestApp, cs: &Shopper, marketer: &Shopper) {
    let no_reason = cs.get("/admin/members.csv").await;
    assert_eq!(no_reason.status, 303, "back to the list with a notice");
    let csv = cs
        .get("/admin/members.csv?reason=%EC%9D%B4%EB%B2%A4%ED%8A%B8+%EB%B0%9C%EC%86%A1")
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains("member@example.com") && csv.body.contains("other@example.com"));
    assert!(csv.body.contains("회원번호,이름,이메일") && csv.body.contains(",정상,"));
    let xlsx = cs
        .get("/admin/members.xlsx?reason=%EC%9D%B4%EB%B2%A4%ED%8A%B8+%EB%B0%9C%EC%86%A1")
        .await;
    assert_eq!(xlsx.status, 200);
    let export = &audited(t, "member.export").await[0];
    assert_eq!(export.reason, "이벤트 발송");
    assert!(export.after_data.as_deref().unwrap().contains("\"rows\":2"));
    assert_eq!(
        marketer.get("/admin/members.csv?reason=x1").await.status,
        403
    );
}

async fn staff_look_after_members_and_every_look_is_logged(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    let id = two_members(&t).await;
    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    let (marketer, _) = staff_session(&t, "mkt@example.com", "marketing").await;

    list_masks_and_search_finds(&cs).await;
    reveal_needs_a_logged_reason(&t, &cs, &marketer, id).await;
    grant_points(&t, &cs, id).await;
    change_grade(&t, &cs, id).await;
    issue_a_coupon(&t, &cs, &marketer, id).await;
    export_needs_a_reason_and_is_logged(&t, &cs, &marketer).await;
}

/// A name typed as a spreadsheet formula stays text in every export (CSV formula injection).
async fn a_formula_name_stays_text_in_the_export(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    let visitor = Shopper::new(&t.url(""));
    let signed = visitor
        .post(
            "/account/signup",
            &[
                ("email", "formula@example.com"),
                ("password", "secret1234"),
                ("password_confirm", "secret1234"),
                ("name", "=HYPERLINK(\"http://x\")"),
                ("mobile", "010-1234-5678"),
                ("confirm_age", "true"),
                ("agree_terms", "true"),
                ("agree_privacy", "true"),
            ],
        )
        .await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let csv = owner
        .get("/admin/members.csv?reason=%EC%A0%90%EA%B2%80")
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.body.contains("\"'=HYPERLINK(\"\"http://x\"\")\""),
        "{}",
        csv.body
    );
    assert!(!csv.body.contains(",=HYPERLINK"));
}

on_both_backends!(
    staff_look_after_members_and_every_look_is_logged,
    a_formula_name_stays_text_in_the_export
);
