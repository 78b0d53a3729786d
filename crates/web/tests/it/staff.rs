//! The staff jobs page and outbox (HTTP Basic staff login until the back office adopts them).

use chrono::Utc;
use jangteo_jobs::{Handlers, JobSpec, Worker, WorkerConfig};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

async fn staff_see_jobs_and_retry_or_discard_dead_ones(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let hash = jangteo_app::demo::hash_password("staffpass123".into())
        .await
        .unwrap();
    let mut tx = t.app.db.begin().await.unwrap();
    jangteo_db::staff::upsert(
        &mut tx,
        "staff@example.com",
        "직원",
        &hash,
        "manager",
        Utc::now(),
    )
    .await
    .unwrap();
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

    let client = jangteo_testkit::server::client();
    let anonymous = client.get(t.url("/staff/jobs")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(
        anonymous.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic")
    );
    let wrong = client
        .get(t.url("/staff/jobs"))
        .basic_auth("staff@example.com", Some("nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let page = client
        .get(t.url("/staff/jobs?state=dead"))
        .basic_auth("staff@example.com", Some("staffpass123"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let body = page.text().await.unwrap();
    assert!(body.contains("the provider said no"), "last error shown");
    assert!(
        body.contains("test.broken") && body.contains("&quot;i&quot;"),
        "kind and payload shown"
    );

    let dead = jangteo_db::jobs::list(&t.app.db, Some("dead"), 10, 0)
        .await
        .unwrap();
    assert_eq!(dead.len(), 2);
    let post = |path: String| {
        client
            .post(t.url(&path))
            .basic_auth("staff@example.com", Some("staffpass123"))
            .header("origin", t.base_url.clone())
            .send()
    };
    assert_eq!(
        post(format!("/staff/jobs/{}/retry", dead[0].id))
            .await
            .unwrap()
            .status(),
        303
    );
    assert_eq!(
        post(format!("/staff/jobs/{}/discard", dead[1].id))
            .await
            .unwrap()
            .status(),
        303
    );
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
    // A cross-site form cannot do it even with the browser's cached credentials.
    let forged = client
        .post(t.url(&format!("/staff/jobs/{}/discard", dead[0].id)))
        .basic_auth("staff@example.com", Some("staffpass123"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);

    let outbox = client
        .get(t.url("/staff/outbox"))
        .basic_auth("staff@example.com", Some("staffpass123"))
        .send()
        .await
        .unwrap();
    assert_eq!(outbox.status(), 200);
}

async fn staff_edit_preview_and_reset_notification_templates(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let hash = jangteo_app::demo::hash_password("staffpass123".into())
        .await
        .unwrap();
    let mut tx = t.app.db.begin().await.unwrap();
    jangteo_db::staff::upsert(
        &mut tx,
        "staff@example.com",
        "직원",
        &hash,
        "marketing",
        Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let client = jangteo_testkit::server::client();
    let auth = |rb: reqwest::RequestBuilder| {
        rb.basic_auth("staff@example.com", Some("staffpass123"))
            .header("origin", t.base_url.clone())
    };
    assert_eq!(
        client
            .get(t.url("/staff/templates"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let list = auth(client.get(t.url("/staff/templates")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("/staff/templates/welcome") && list.contains("/staff/templates/order_placed")
    );
    let editor = auth(client.get(t.url("/staff/templates/welcome")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        editor.contains("template-preview"),
        "the built-in template previews with sample values"
    );

    // A broken edit is refused with the reason and not saved.
    let broken = "{% block subject %}{{ oops( }}{% endblock %}";
    let r = auth(client.post(t.url("/staff/templates/welcome")))
        .form(&[("source", broken), ("action", "save")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("template-error"));
    assert!(t.app.edited_templates().await.unwrap().is_empty());

    // A good edit previews, saves, and is what the next welcome mail uses.
    let (builtin, _) = t.app.template_source("welcome").await.unwrap();
    let edited = builtin.replace(
        "회원가입을 환영합니다{% endautoescape %}",
        "가입 축하 쿠폰이 도착했어요{% endautoescape %}",
    );
    assert_ne!(edited, builtin);
    let preview = auth(client.post(t.url("/staff/templates/welcome")))
        .form(&[("source", edited.as_str()), ("action", "preview")])
        .send()
        .await
        .unwrap();
    assert!(
        preview
            .text()
            .await
            .unwrap()
            .contains("가입 축하 쿠폰이 도착했어요")
    );
    let saved = auth(client.post(t.url("/staff/templates/welcome")))
        .form(&[("source", edited.as_str()), ("action", "save")])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 303);
    t.app
        .sign_up(jangteo_app::members::SignupInput {
            email: "new@example.com".into(),
            password: "secret1234".into(),
            password_confirm: "secret1234".into(),
            name: "신규".into(),
            mobile: "010-1234-5678".into(),
            agree_terms: true,
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

    // Reset: the built-in template applies again.
    let reset = auth(client.post(t.url("/staff/templates/welcome")))
        .form(&[("source", ""), ("action", "reset")])
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 303);
    assert_eq!(
        t.app.template_source("welcome").await.unwrap(),
        (builtin, false)
    );
    assert_eq!(
        auth(client.get(t.url("/staff/templates/nope")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

on_both_backends!(
    staff_see_jobs_and_retry_or_discard_dead_ones,
    staff_edit_preview_and_reset_notification_templates
);
