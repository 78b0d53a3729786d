//! Queue semantics on SQLite and PostgreSQL.

use chrono::TimeZone;
use chrono::{Duration as ChronoDuration, Utc};
use jangteo_db::{Db, jobs, settings};
use jangteo_jobs::{Handlers, JobSpec, Schedule, Scheduler, Worker, WorkerConfig, enqueue};
use jangteo_testkit::{Backend, TestDb, on_both_backends};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn config(id: &str) -> WorkerConfig {
    WorkerConfig {
        worker_id: id.into(),
        poll_interval: Duration::from_millis(20),
        ..WorkerConfig::new("default")
    }
}

async fn add(db: &Db, spec: JobSpec) -> Option<i64> {
    let mut tx = db.begin().await.unwrap();
    let id = enqueue(&mut tx, &spec).await.unwrap();
    tx.commit().await.unwrap();
    id
}

/// Test-only clock travel: makes every waiting job due now.
async fn make_due(db: &Db) {
    let sql = "UPDATE jobs SET run_at = $1 WHERE state = 'ready'";
    match db {
        Db::Sqlite(s) => sqlx::query(sql)
            .bind(Utc::now())
            .execute(&s.write)
            .await
            .map(|_| ()),
        Db::Postgres(p) => sqlx::query(sql)
            .bind(Utc::now())
            .execute(p)
            .await
            .map(|_| ()),
    }
    .unwrap();
}

type Log = Arc<Mutex<Vec<(String, serde_json::Value)>>>;

fn recording(kinds: &[&str]) -> (Handlers, Log) {
    let log: Log = Arc::default();
    let mut handlers = Handlers::new();
    for kind in kinds {
        let log = log.clone();
        let name = kind.to_string();
        handlers.register(*kind, move |job| {
            let log = log.clone();
            let name = name.clone();
            async move {
                log.lock().unwrap().push((name, job.payload));
                Ok(())
            }
        });
    }
    (handlers, log)
}

async fn enqueues_in_transactions_and_deduplicates(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let spec = JobSpec::new("mail", json!({"to": "a@b.example"})).dedupe("order-1-placed");
    assert!(add(&t.db, spec.clone()).await.is_some());
    assert_eq!(
        add(&t.db, spec).await,
        None,
        "the same key is enqueued once"
    );
    {
        let mut tx = t.db.begin().await.unwrap();
        enqueue(&mut tx, &JobSpec::new("mail", json!({"rolled": "back"})))
            .await
            .unwrap();
        // Dropped: the caller's change failed, so the job never existed.
    }
    let (handlers, log) = recording(&["mail"]);
    let worker = Worker::new(t.db.clone(), handlers, config("w1"));
    assert_eq!(worker.run_due().await.unwrap(), 1);
    assert_eq!(
        log.lock().unwrap().as_slice(),
        [("mail".to_owned(), json!({"to": "a@b.example"}))]
    );
    assert_eq!(
        jobs::count_by_state(&t.db).await.unwrap(),
        [("done".to_owned(), 1)]
    );
}

async fn runs_by_priority_and_not_before_time(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    add(&t.db, JobSpec::new("k", json!("low")).priority(5)).await;
    add(
        &t.db,
        JobSpec::new("k", json!("later")).at(Utc::now() + ChronoDuration::hours(1)),
    )
    .await;
    add(&t.db, JobSpec::new("k", json!("high")).priority(0)).await;
    add(&t.db, JobSpec::new("k", json!("other queue")).queue("bulk")).await;
    let (handlers, log) = recording(&["k"]);
    let mut c = config("w1");
    c.concurrency = 1;
    let worker = Worker::new(t.db.clone(), handlers, c);
    assert_eq!(worker.run_due().await.unwrap(), 2);
    let order: Vec<serde_json::Value> =
        log.lock().unwrap().iter().map(|(_, p)| p.clone()).collect();
    assert_eq!(order, [json!("high"), json!("low")]);
}

async fn retries_with_backoff_then_buries(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let id = add(&t.db, JobSpec::new("flaky", json!({})).max_attempts(2))
        .await
        .unwrap();
    add(&t.db, JobSpec::new("nobody-handles-this", json!({})))
        .await
        .unwrap();
    let mut handlers = Handlers::new();
    handlers.register("flaky", |_| async { Err("gateway timed out".to_owned()) });
    let worker = Worker::new(t.db.clone(), handlers, config("w1"));
    let before = Utc::now();
    assert_eq!(worker.run_due().await.unwrap(), 2);
    let job = jobs::find(&t.db, id).await.unwrap().unwrap();
    assert_eq!((job.state.as_str(), job.attempts), ("ready", 1));
    assert_eq!(job.last_error.as_deref(), Some("gateway timed out"));
    assert!(
        job.run_at >= before + ChronoDuration::seconds(8),
        "backoff of about 10 s: {}",
        job.run_at - before
    );
    assert_eq!(worker.run_due().await.unwrap(), 0, "not due yet");
    make_due(&t.db).await;
    assert_eq!(worker.run_due().await.unwrap(), 1);
    let job = jobs::find(&t.db, id).await.unwrap().unwrap();
    assert_eq!(
        (job.state.as_str(), job.attempts),
        ("dead", 2),
        "dead after the last attempt"
    );
    let counts: HashMap<String, i64> = jobs::count_by_state(&t.db)
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(
        counts.get("dead"),
        Some(&2),
        "a job nobody handles is dead at once"
    );
}

async fn two_workers_never_run_the_same_job(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    for n in 0..200 {
        add(&t.db, JobSpec::new("count", json!(n))).await;
    }
    let runs: Arc<Mutex<HashMap<i64, u32>>> = Arc::default();
    let make = |name: &str| {
        let runs = runs.clone();
        let mut handlers = Handlers::new();
        handlers.register("count", move |job| {
            let runs = runs.clone();
            async move {
                *runs.lock().unwrap().entry(job.id).or_default() += 1;
                tokio::time::sleep(Duration::from_millis(1)).await;
                Ok(())
            }
        });
        Worker::new(
            t.db.clone(),
            handlers,
            WorkerConfig {
                concurrency: 8,
                ..config(name)
            },
        )
    };
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut tasks = Vec::new();
    for name in ["a", "b"] {
        let worker = make(name);
        let mut rx = stop_rx.clone();
        tasks.push(tokio::spawn(worker.run(
            async move {
                let _ = rx.wait_for(|s| *s).await;
            },
            Duration::from_secs(5),
        )));
    }
    for _ in 0..600 {
        if runs.lock().unwrap().len() == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop_tx.send(true).unwrap();
    for task in tasks {
        task.await.unwrap();
    }
    let runs = runs.lock().unwrap().clone();
    assert_eq!(runs.len(), 200, "every job ran");
    assert!(
        runs.values().all(|n| *n == 1),
        "no job ran twice: {:?}",
        runs.iter().filter(|(_, n)| **n > 1).collect::<Vec<_>>()
    );
    assert_eq!(
        jobs::count_by_state(&t.db).await.unwrap(),
        [("done".to_owned(), 200)]
    );
}

async fn a_killed_workers_job_runs_again_with_one_effect(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let id = add(
        &t.db,
        JobSpec::new("grant", json!({"key": "points:order-7"})),
    )
    .await
    .unwrap();
    // A worker claims the job with a short lease and dies without finishing it.
    let now = Utc::now();
    let claimed = jobs::claim(
        &t.db,
        "default",
        "dead-worker",
        10,
        now,
        now + ChronoDuration::milliseconds(100),
    )
    .await
    .unwrap();
    assert_eq!(claimed.len(), 1);
    let (stranger, _) = recording(&["grant"]);
    assert_eq!(
        Worker::new(t.db.clone(), stranger, config("w2"))
            .run_due()
            .await
            .unwrap(),
        0,
        "still leased"
    );
    tokio::time::sleep(Duration::from_millis(150)).await;

    // The effect is idempotent (an upsert keyed by the payload), as handlers must be.
    let db = t.db.clone();
    let mut handlers = Handlers::new();
    handlers.register("grant", move |job| {
        let db = db.clone();
        async move {
            let key = job.payload["key"].as_str().unwrap_or_default().to_owned();
            let mut tx = db.begin().await.map_err(|e| e.to_string())?;
            settings::set(&mut tx, &key, "granted", Utc::now())
                .await
                .map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())
        }
    });
    let worker = Worker::new(t.db.clone(), handlers, config("w3"));
    assert_eq!(
        worker.run_due().await.unwrap(),
        1,
        "the expired lease was recovered"
    );
    let job = jobs::find(&t.db, id).await.unwrap().unwrap();
    assert_eq!((job.state.as_str(), job.attempts), ("done", 2));
    assert_eq!(
        settings::get(&t.db, "points:order-7")
            .await
            .unwrap()
            .as_deref(),
        Some("granted")
    );
    // The dead worker's late completion changes nothing.
    assert!(
        !jobs::complete(&t.db, id, "dead-worker", Utc::now())
            .await
            .unwrap()
    );
}

async fn shutdown_returns_unfinished_jobs_and_old_ones_are_pruned(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let slow = add(&t.db, JobSpec::new("slow", json!({}))).await.unwrap();
    let mut handlers = Handlers::new();
    handlers.register("slow", |_| async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok(())
    });
    let worker = Worker::new(t.db.clone(), handlers, config("w1"));
    let run = tokio::spawn(worker.run(
        tokio::time::sleep(Duration::from_millis(300)),
        Duration::from_millis(100),
    ));
    run.await.unwrap();
    let job = jobs::find(&t.db, slow).await.unwrap().unwrap();
    assert_eq!(
        (job.state.as_str(), job.attempts),
        ("ready", 0),
        "released for another worker, attempt not counted"
    );

    let quick = add(&t.db, JobSpec::new("quick", json!({}))).await.unwrap();
    let (handlers, _) = recording(&["quick", "slow"]);
    let mut c = config("w2");
    c.concurrency = 4;
    Worker::new(t.db.clone(), handlers, c)
        .run_due()
        .await
        .unwrap();
    let later = Utc::now() + ChronoDuration::seconds(1);
    assert_eq!(
        jobs::prune(&t.db, later, Utc::now() - ChronoDuration::days(30))
            .await
            .unwrap(),
        2
    );
    assert!(jobs::find(&t.db, quick).await.unwrap().is_none());
}

fn nightly(db: &Db) -> Scheduler {
    Scheduler::new(
        db.clone(),
        vec![Schedule {
            name: "nightly".into(),
            cron: "0 0 * * *".into(),
            job: JobSpec::new("report", json!({})),
        }],
    )
    .unwrap()
}

/// A UTC instant written as Korean wall time.
fn kst(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> chrono::DateTime<Utc> {
    chrono_tz::Asia::Seoul
        .with_ymd_and_hms(y, m, d, h, min, s)
        .unwrap()
        .with_timezone(&Utc)
}

async fn schedules_fire_once_per_tick_in_korean_time(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let scheduler = nightly(&t.db);
    scheduler
        .register(kst(2026, 11, 22, 19, 0, 0))
        .await
        .unwrap();
    assert!(
        scheduler
            .tick(kst(2026, 11, 22, 23, 59, 59))
            .await
            .unwrap()
            .is_empty(),
        "not yet midnight in Seoul"
    );
    let fired = scheduler.tick(kst(2026, 11, 23, 0, 0, 30)).await.unwrap();
    assert_eq!(fired.len(), 1);
    // Midnight KST is 15:00 UTC the day before.
    assert_eq!(
        fired[0].tick,
        Utc.with_ymd_and_hms(2026, 11, 22, 15, 0, 0).unwrap()
    );
    let job = jobs::find(&t.db, fired[0].job_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        job.dedupe_key.as_deref(),
        Some("cron:nightly:2026-11-22T15:00:00+00:00")
    );
    assert!(job.payload.contains("scheduled_for"));
    assert!(
        scheduler
            .tick(kst(2026, 11, 23, 0, 5, 0))
            .await
            .unwrap()
            .is_empty(),
        "each tick once"
    );

    let rows = jobs::list_schedules(&t.db).await.unwrap();
    assert_eq!(rows[0].last_fire_at, Some(kst(2026, 11, 23, 0, 0, 0)));
    assert_eq!(
        rows[0].next_fire_at,
        Some(kst(2026, 11, 24, 0, 0, 0)),
        "staff see the next run"
    );
}

async fn racing_schedulers_fire_a_tick_once(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let a = nightly(&t.db);
    let b = nightly(&t.db);
    a.register(kst(2026, 11, 22, 19, 0, 0)).await.unwrap();
    b.register(kst(2026, 11, 22, 19, 0, 0)).await.unwrap();
    // Two workers, clocks a few seconds apart, both past midnight.
    let (fa, fb) = tokio::join!(
        a.tick(kst(2026, 11, 23, 0, 0, 30)),
        b.tick(kst(2026, 11, 23, 0, 0, 2))
    );
    assert_eq!(fa.unwrap().len() + fb.unwrap().len(), 1);
    assert_eq!(
        jobs::count_by_state(&t.db).await.unwrap(),
        [("ready".to_owned(), 1)]
    );
}

async fn missed_ticks_run_once_after_downtime(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let scheduler = nightly(&t.db);
    scheduler
        .register(kst(2026, 11, 18, 12, 0, 0))
        .await
        .unwrap();
    // Down for five nights; back at 10:00 on the 23rd.
    let fired = scheduler.tick(kst(2026, 11, 23, 10, 0, 0)).await.unwrap();
    assert_eq!(fired.len(), 1, "one catch-up run, not five");
    assert_eq!(fired[0].tick, kst(2026, 11, 23, 0, 0, 0));
    assert!(
        scheduler
            .tick(kst(2026, 11, 23, 10, 1, 0))
            .await
            .unwrap()
            .is_empty()
    );
    // Registering again (a restart) keeps the history.
    scheduler
        .register(kst(2026, 11, 23, 11, 0, 0))
        .await
        .unwrap();
    assert!(
        scheduler
            .tick(kst(2026, 11, 23, 11, 0, 0))
            .await
            .unwrap()
            .is_empty()
    );
}

#[test]
fn invalid_cron_expressions_are_named() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let Some(t) = TestDb::migrated(Backend::Sqlite).await else {
            return;
        };
        let err = Scheduler::new(
            t.db.clone(),
            vec![Schedule {
                name: "broken".into(),
                cron: "every night".into(),
                job: JobSpec::new("x", json!({})),
            }],
        )
        .err()
        .expect("an invalid expression is refused");
        assert!(err.to_string().contains("broken"));
    });
}

on_both_backends!(
    schedules_fire_once_per_tick_in_korean_time,
    racing_schedulers_fire_a_tick_once,
    missed_ticks_run_once_after_downtime,
);

on_both_backends!(
    enqueues_in_transactions_and_deduplicates,
    runs_by_priority_and_not_before_time,
    retries_with_backoff_then_buries,
    two_workers_never_run_the_same_job,
    a_killed_workers_job_runs_again_with_one_effect,
    shutdown_returns_unfinished_jobs_and_old_ones_are_pruned,
);
