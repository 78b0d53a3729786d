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

on_both_backends!(staff_see_jobs_and_retry_or_discard_dead_ones);
