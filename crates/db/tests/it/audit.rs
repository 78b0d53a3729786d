//! The audit log: written in the change's transaction, searchable, and append-only in the
//! database itself (UPDATE and DELETE fail), on SQLite and PostgreSQL.

use chrono::{Duration, Utc};
use jangteo_db::audit::{self, AuditFilter, NewAudit};
use jangteo_testkit::{Backend, TestDb, on_both_backends};

async fn write(t: &TestDb, action: &str, target_id: &str, at: chrono::DateTime<Utc>) {
    let mut tx = t.db.begin().await.unwrap();
    audit::record(
        &mut tx,
        &NewAudit {
            staff_email: "a@example.com",
            ip: "127.0.0.1",
            action,
            target_type: "order",
            target_id,
            after: Some("{\"status\":\"shipped\"}".into()),
            ..NewAudit::default()
        },
        at,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn entries_are_searchable_and_cannot_be_changed(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let now = Utc::now();
    write(&t, "order.ship", "20261123-AAAAAA", now - Duration::days(2)).await;
    write(&t, "order.cancel", "20261123-BBBBBB", now).await;
    write(&t, "member.view", "7", now).await;
    // A rolled-back change leaves no entry.
    let mut tx = t.db.begin().await.unwrap();
    audit::record(
        &mut tx,
        &NewAudit {
            staff_email: "a@example.com",
            action: "order.ship",
            ..NewAudit::default()
        },
        now,
    )
    .await
    .unwrap();
    drop(tx);

    let search = |f: AuditFilter| {
        let db = t.db.clone();
        async move { audit::search(&db, &f, 10, 0).await.unwrap() }
    };
    let (all, total) = search(AuditFilter::default()).await;
    assert_eq!(total, 3);
    assert_eq!(all[0].action, "member.view", "newest first");
    let (orders, _) = search(AuditFilter {
        action_prefix: "order.".into(),
        ..Default::default()
    })
    .await;
    assert_eq!(orders.len(), 2);
    let (recent, _) = search(AuditFilter {
        from: Some(now - Duration::days(1)),
        ..Default::default()
    })
    .await;
    assert_eq!(recent.len(), 2);
    let (one, _) = search(AuditFilter {
        target_id: "20261123-AAAAAA".into(),
        ..Default::default()
    })
    .await;
    assert_eq!(
        one[0].after_data.as_deref(),
        Some("{\"status\":\"shipped\"}")
    );
    // Wildcards in the prefix are plain characters.
    let (none, _) = search(AuditFilter {
        action_prefix: "%".into(),
        ..Default::default()
    })
    .await;
    assert!(none.is_empty());

    for sql in [
        "UPDATE audit_log SET action = 'forged'",
        "DELETE FROM audit_log",
    ] {
        let refused = match &t.db {
            jangteo_db::Db::Sqlite(s) => sqlx::query(sql).execute(&s.write).await.map(|_| ()),
            jangteo_db::Db::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        };
        let error = refused.expect_err(sql).to_string();
        assert!(error.contains("append-only"), "{sql}: {error}");
    }
    assert_eq!(search(AuditFilter::default()).await.1, 3);
}

on_both_backends!(entries_are_searchable_and_cannot_be_changed);
