//! Back-office jobs page, outbox and notification templates (staff logged in with 2FA).

use jangteo_jobs::{Handlers, JobSpec, Worker, WorkerConfig};
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

/// Two jobs of a broken kind that die on their first attempt.
async fn two_dead_jobs(t: &TestApp) {
    let mut tx = t.app.db.begin().await.unwrap();
    for i in 0..2 {
        jangteo_jobs::enqueue(
            &mut tx,
            &JobSpec::new("test.broken", serde_json::json!({ "i": i })).max_attempts(1),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let mut handlers = Handlers::new();
    handlers.register("test.broken", |_job| async {
        Err("the provider said no".to_owned())
    });
    Worker::new(t.app.db.clone(), handlers, WorkerConfig::new("default"))
        .run_due()
        .await
        .unwrap();
}

/// The jobs page needs a staff login and shows the dead jobs with their last error; returns
/// the logged-in staff member.
async fn jobs_page_shows_dead_jobs(t: &TestApp) -> Shopper {
    let anonymous = Shopper::new(&t.url("")).get("/admin/jobs").await;
    assert_eq!(anonymous.status, 303, "not logged in: to the login page");
    assert!(
        anonymous
            .location
            .unwrap()
            .starts_with("/admin/login?next=")
    );
    let (staff, _) = staff_session(t, "ops@example.com", "manager").await;
    let page = staff.get("/admin/jobs?state=dead").await;
    assert_eq!(page.status, 200);
    let body = page.body;
    assert!(body.contains("the provider said no"), "last error shown");
    assert!(
        body.contains("test.broken") && body.contains("&quot;i&quot;"),
        "kind and payload shown"
    );
    staff
}

/// One dead job retried, the other discarded; a cross-site form cannot do it; both audited.
async fn retry_one_discard_the_other(t: &TestApp, staff: &Shopper) {
    let dead = jangteo_db::jobs::list(&t.app.db, Some("dead"), 10, 0)
        .await
        .unwrap();
    assert_eq!(dead.len(), 2);
    let retry = staff
        .post(&format!("/admin/jobs/{}/retry", dead[0].id), &[])
        .await;
    assert_eq!(retry.status, 303);
    let discard = staff
        .post(&format!("/admin/jobs/{}/discard", dead[1].id), &[])
        .await;
    assert_eq!(discard.status, 303);
    let retried = jangteo_db::jobs::find(&t.app.db, dead[0].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((retried.state.as_str(), retried.attempts), ("ready", 0));
    assert!(
        jangteo_db::jobs::find(&t.app.db, dead[1].id)
            .await
            .unwrap()
            .is_none()
    );
    // A cross-site form cannot do it even with the staff member's session cookie.
    let forged = staff
        .post_with(
            &format!("/admin/jobs/{}/discard", dead[0].id),
            &[],
            &[
                ("origin", "https://evil.example"),
                ("sec-fetch-site", "cross-site"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert!(
        jangteo_db::jobs::find(&t.app.db, dead[0].id)
            .await
            .unwrap()
            .is_some()
    );
    // Both changes are in the audit log.
    let log = staff.get("/admin/audit?action=job.").await.body;
    assert!(
        log.contains("job.retry") && log.contains("job.discard"),
        "{log}"
    );
}

async fn staff_see_jobs_and_retry_or_discard_dead_ones(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    two_dead_jobs(&t).await;
    let staff = jobs_page_shows_dead_jobs(&t).await;
    retry_one_discard_the_other(&t, &staff).await;

    assert_eq!(staff.get("/admin/outbox").await.status, 200);
    // The old staff addresses lead to the back office.
    let moved = Shopper::new(&t.url("")).get("/staff/jobs").await;
    assert_eq!(moved.location.as_deref(), Some("/admin/jobs"));
}

/// The template list and the built-in welcome template's editor, with a preview.
async fn template_list_and_editor(staff: &Shopper) {
    let list = staff.get("/admin/templates").await.body;
    assert!(
        list.contains("/admin/templates/welcome") && list.contains("/admin/templates/order_placed")
    );
    let editor = staff.get("/admin/templates/welcome").await.body;
    assert!(
        editor.contains("template-preview"),
        "the built-in template previews with sample values"
    );
}

/// A broken edit is refused with the reason and not saved.
async fn broken_edit_refused(t: &TestApp, staff: &Shopper) {
    let broken = "{% block subject %}{{ oops( }}{% endblock %}";
    let r = staff
        .post(
            "/admin/templates/welcome",
            &[("source", broken), ("action", "save")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("template-error"));
    assert!(t.app.edited_templates().await.unwrap().is_empty());
}

/// A good edit previews and saves; returns the built-in source.
async fn good_edit_previews_and_saves(t: &TestApp, staff: &Shopper) -> String {
    let (builtin, _) = t.app.template_source("welcome").await.unwrap();
    let edited = builtin.replace(
        "회원가입을 환영합니다{% endautoescape %}",
        "가입 축하 쿠폰이 도착했어요{% endautoescape %}",
    );
    assert_ne!(edited, builtin);
    let preview = staff
        .post(
            "/admin/templates/welcome",
            &[("source", edited.as_str()), ("action", "preview")],
        )
        .await;
    assert!(preview.body.contains("가입 축하 쿠폰이 도착했어요"));
    let saved = staff
        .post(
            "/admin/templates/welcome",
            &[("source", edited.as_str()), ("action", "save")],
        )
        .await;
    assert_eq!(saved.status, 303);
    builtin
}

/// The next welcome mail uses the edited template, and who edited it is kept.
async fn next_welcome_mail_uses_the_edit(t: &TestApp) {
    t.app
        .sign_up(jangteo_app::members::SignupInput {
            email: "new@example.com".into(),
            password: "secret1234".into(),
            password_confirm: "secret1234".into(),
            name: "신규".into(),
            mobile: "010-1234-5678".into(),
            agree_terms: true,
            confirm_age: true,
            agree_privacy: true,
            agree_marketing: false,
        })
        .await
        .unwrap();
    let mail = t
        .app
        .recent_messages(5)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.event == "welcome")
        .unwrap();
    assert!(
        mail.subject.contains("가입 축하 쿠폰이 도착했어요"),
        "{}",
        mail.subject
    );
    assert_eq!(
        t.app.edited_templates().await.unwrap()[0].1,
        "staff@example.com",
        "who edited is kept"
    );
}

/// Reset: the built-in template applies again; an unknown template is not found.
async fn reset_to_builtin(t: &TestApp, staff: &Shopper, builtin: String) {
    let reset = staff
        .post(
            "/admin/templates/welcome",
            &[("source", ""), ("action", "reset")],
        )
        .await;
    assert_eq!(reset.status, 303);
    assert_eq!(
        t.app.template_source("welcome").await.unwrap(),
        (builtin, false)
    );
    assert_eq!(staff.get("/admin/templates/nope").await.status, 404);
}

/// The save and the reset are audited with the old and new source.
async fn template_changes_audited(t: &TestApp) {
    let log = jangteo_db::audit::search(
        &t.app.db,
        &jangteo_db::audit::AuditFilter {
            action_prefix: "template.".into(),
            ..Default::default()
        },
        10,
        0,
    )
    .await
    .unwrap()
    .0;
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["template.reset", "template.save"]);
    assert!(
        log[1]
            .after_data
            .as_deref()
            .unwrap()
            .contains("가입 축하 쿠폰")
    );
}

async fn staff_edit_preview_and_reset_notification_templates(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (staff, _) = staff_session(&t, "staff@example.com", "marketing").await;
    template_list_and_editor(&staff).await;
    broken_edit_refused(&t, &staff).await;
    let builtin = good_edit_previews_and_saves(&t, &staff).await;
    next_welcome_mail_uses_the_edit(&t).await;
    reset_to_builtin(&t, &staff, builtin).await;
    template_changes_audited(&t).await;
}

on_both_backends!(
    staff_see_jobs_and_retry_or_discard_dead_ones,
    staff_edit_preview_and_reset_notification_templates
);
