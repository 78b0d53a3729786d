//! Jobs benchmark helper. `jobs-load throughput DB_URL JOBS WORKERS` enqueues no-op jobs and
//! drains them with WORKERS workers (each 4 at once), printing jobs/s. `jobs-load seed DB_URL N`
//! adds N consenting members and starts a bulk send to them; `jobs-load check DB_URL` prints the
//! campaign's progress and the number of distinct members messaged (for the kill-and-resume run).

use jangteo_app::{App, Config};
use jangteo_db::Db;
use jangteo_jobs::{Handlers, JobSpec, Worker, WorkerConfig};
use std::time::Instant;

async fn app(url: &str) -> App {
    let db = Db::connect(url).await.expect("database");
    db.migrate().await.expect("migrations");
    let dir = std::env::temp_dir().join("jangteo-jobs-bench");
    let config = Config {
        database_url: Some(url.to_owned()),
        data_dir: dir,
        ..Config::default()
    };
    App::new(db, config).expect("app")
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("throughput") => throughput(&args).await,
        Some("seed") => seed(&args).await,
        Some("check") => check(&args[2]).await,
        _ => {
            eprintln!(
                "usage: jobs-load throughput DB_URL JOBS WORKERS | seed DB_URL N | check DB_URL"
            );
            std::process::exit(2);
        }
    }
}

/// `throughput DB_URL JOBS WORKERS`: enqueues no-op jobs, drains them and prints jobs/s.
async fn throughput(args: &[String]) {
    let (url, jobs, workers): (&str, usize, usize) = (
        &args[2],
        args[3].parse().expect("jobs"),
        args[4].parse().expect("workers"),
    );
    let app = app(url).await;
    let mut tx = app.db.begin().await.unwrap();
    for i in 0..jobs {
        jangteo_jobs::enqueue(
            &mut tx,
            &JobSpec::new("bench.noop", serde_json::json!({ "i": i })),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let db = app.db.clone();
        tasks.push(tokio::spawn(async move {
            let mut handlers = Handlers::new();
            handlers.register("bench.noop", |_job| async { Ok(()) });
            Worker::new(db, handlers, WorkerConfig::new("default"))
                .run_due()
                .await
                .unwrap()
        }));
    }
    let mut ran = 0;
    for t in tasks {
        ran += t.await.unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{{\"jobs\":{ran},\"workers\":{workers},\"seconds\":{secs:.2},\"jobs_per_s\":{:.0},\"per_worker\":{:.0}}}",
        ran as f64 / secs,
        ran as f64 / secs / workers as f64
    );
}

/// `seed DB_URL N`: adds N consenting members and starts a bulk send to them.
async fn seed(args: &[String]) {
    let (url, n): (&str, usize) = (&args[2], args[3].parse().expect("members"));
    let app = app(url).await;
    let now = chrono::Utc::now();
    for batch in 0..n.div_ceil(5_000) {
        let mut tx = app.db.begin().await.unwrap();
        for i in batch * 5_000..((batch + 1) * 5_000).min(n) {
            let email = format!("member{i}@example.com");
            jangteo_db::members::insert(
                &mut tx,
                &jangteo_db::members::NewMember {
                    email: &email,
                    password_hash: "x",
                    name: "회원",
                    mobile: "01012345678",
                    marketing: true,
                },
                now,
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }
    let id = app
        .start_bulk_send(
            &jangteo_app::auth::StaffActor::system("bench"),
            "bench",
            "email",
            "marketing",
            "벤치마크 공지",
            "대량 발송 시험입니다.",
        )
        .await
        .unwrap();
    println!("{{\"bulk_id\":{id}}}");
}

/// `check DB_URL`: prints the campaign's progress and the distinct members messaged.
async fn check(url: &str) {
    let app = app(url).await;
    let b = app.bulk_send(1).await.unwrap();
    let distinct = jangteo_db::bulk::messages_recorded(&app.db, 1)
        .await
        .unwrap();
    println!(
        "{{\"status\":\"{}\",\"total\":{},\"queued\":{},\"messages\":{distinct}}}",
        b.status, b.total, b.queued
    );
}
