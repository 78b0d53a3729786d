//! `jangteo`: the whole shop in one binary.

mod backup;
mod cli;

use anyhow::{Context, Result};
use clap::Parser;
use cli::{Cli, Command};
use jangteo_app::demo::{DemoOptions, DemoReport};
use jangteo_app::{App, Config};
use jangteo_db::{Db, redact_url};
use jangteo_web::{AppState, WebOptions, router, serve, shutdown_signal};
use std::time::{Duration, Instant};

fn init_logging(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&config.log.filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    if config.log.format == "json" {
        builder.json().flatten_event(true).init();
    } else {
        builder.init();
    }
}

async fn open_database(config: &Config) -> Result<Db> {
    let url = config.database_url();
    tracing::info!(db.url = %redact_url(&url), "opening database");
    let db = Db::connect(&url)
        .await
        .with_context(|| format!("opening database {}", redact_url(&url)))?;
    let status = db.migrate().await.context("migrating the database")?;
    tracing::info!(
        schema.version = status.applied,
        "database schema is current"
    );
    Ok(db)
}

/// Starts the worker and scheduler when asked; returns the switch that stops them and their tasks.
fn start_worker(
    app: &App,
    enabled: bool,
) -> Result<(
    tokio::sync::watch::Sender<bool>,
    Vec<tokio::task::JoinHandle<()>>,
)> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let tasks = if enabled {
        let tasks = app
            .start_background_work(stop_rx)
            .map_err(|e| anyhow::anyhow!(e))?;
        tracing::info!("job worker and scheduler running");
        tasks
    } else {
        Vec::new()
    };
    Ok((stop_tx, tasks))
}

async fn stop_worker(
    stop: tokio::sync::watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
) {
    let _ = stop.send(true);
    for task in tasks {
        let _ = task.await;
    }
}

/// Serves `/metrics` on `[metrics] listen` when set (a private address, no token).
async fn spawn_metrics_listener(app: &App) -> Result<Option<tokio::task::JoinHandle<()>>> {
    let Some(addr) = app.config.metrics.listen.clone() else {
        return Ok(None);
    };
    if jangteo_web::install_metrics().is_none() {
        return Ok(None);
    }
    let state = AppState::new(app.clone(), WebOptions::default())
        .map_err(|e| anyhow::anyhow!(e))
        .context("loading templates")?;
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .with_context(|| format!("listening for metrics on {addr}"))?;
    tracing::info!(metrics.addr = %listener.local_addr()?, "metrics: http://{addr}/metrics");
    Ok(Some(tokio::spawn(async move {
        if let Err(e) = jangteo_web::serve_metrics(listener, state).await {
            tracing::error!(error = %e, "metrics listener stopped");
        }
    })))
}

async fn run_server(app: App, started: Instant, with_worker: bool) -> Result<()> {
    let config = app.config.clone();
    let (stop, tasks) = start_worker(&app, with_worker)?;
    if !with_worker {
        tracing::warn!(
            "no job worker in this process (--no-worker): run `jangteo worker` beside it, or no mail is sent and no deadline passes"
        );
    }
    if let Err(e) = app.log_readiness().await {
        tracing::warn!(error = %e, "could not check whether the shop is ready for business");
    }
    // With PostgreSQL, several instances may serve one shop: hear each other's catalog changes.
    let _listener = app.spawn_cache_listener();
    // While PostgreSQL is away, pages say "try again shortly" at once instead of hanging.
    let _watch = app.spawn_database_watch();
    let metrics = spawn_metrics_listener(&app).await?;
    let state = AppState::new(app.clone(), WebOptions::default())
        .map_err(|e| anyhow::anyhow!(e))
        .context("loading templates")?;
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(
        http.addr = %addr,
        startup_ms = started.elapsed().as_millis() as u64,
        "Jangteo is serving: http://{addr}/"
    );
    serve(
        listener,
        router(state),
        shutdown_signal(),
        Duration::from_secs(config.shutdown_grace_seconds),
    )
    .await
    .context("serving HTTP")?;
    metrics.inspect(tokio::task::JoinHandle::abort);
    stop_worker(stop, tasks).await;
    app.db.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn admin_command(app: &App, action: &cli::AdminAction) -> Result<()> {
    match action {
        cli::AdminAction::CreateUser { email, name, role } => {
            let password = app
                .create_staff(email, name, role)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("staff account: {email} ({role})");
            println!("password:      {password}");
            println!(
                "log in at {}/admin and enrol 2FA with an authenticator app.",
                app.config.base_url()
            );
        }
        cli::AdminAction::Reset2fa { email } => {
            app.reset_staff_2fa(email)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("2FA cleared for {email}: the next login enrols again.");
        }
        cli::AdminAction::RebuildStats => {
            let days = app
                .rebuild_statistics(app.now())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("statistics rebuilt: {days} days recomputed.");
        }
    }
    Ok(())
}

/// What the owner needs to try the demo: addresses, logins (new passwords every run), coupons.
fn print_demo_welcome(base: &str, report: &DemoReport) {
    println!();
    println!("  장터 데모샵 / Jangteo demo shop");
    println!("  ─────────────────────────────────────────────");
    println!("  상점 주소 (shop)        {base}/");
    println!(
        "  상품 (products)         {} {}",
        report.listed_products,
        if report.catalog_loaded {
            "(새로 불러옴 / loaded now)"
        } else {
            "(이미 있음 / already loaded)"
        }
    );
    println!(
        "  관리자 화면 (admin)     {base}/admin (첫 로그인 때 OTP 앱 등록 / enrol 2FA at first login)"
    );
    println!("  관리자 (staff login)    {}", report.staff_email);
    println!("  비밀번호 (password)     {}", report.staff_password);
    println!("  데모 회원 (member)      {}", report.member_email);
    println!("  비밀번호 (password)     {}", report.member_password);
    println!("  쿠폰 코드 (coupons)     WELCOME10, JANGTEO3000");
    println!("  테스트 결제 · 메일함     {base}/dev/outbox (결제는 모두 테스트 결제)");
    println!("  (비밀번호는 실행할 때마다 새로 정해집니다 / a new password is set on every run)");
    println!();
}

#[tokio::main]
async fn main() -> Result<()> {
    let started = Instant::now();
    let cli = Cli::parse();
    let mut config = cli::load_config(&cli)?;
    if matches!(cli.command, Command::Demo(_)) {
        config.enter_demo_mode();
    }
    init_logging(&config);
    // Kept until the process ends: dropping it sends what is still queued.
    let _sentry = jangteo_web::init_sentry(&config);

    match &cli.command {
        Command::Migrate(_) => {
            let db = open_database(&config).await?;
            let status = db.migration_status().await?;
            println!(
                "Database schema is at version {} (this jangteo knows up to {}).",
                status.applied, status.known
            );
            db.close().await;
            Ok(())
        }
        Command::Admin(args) => {
            let db = open_database(&config).await?;
            let app = App::new(db, config)?;
            let result = admin_command(&app, &args.action).await;
            app.db.close().await;
            result
        }
        Command::Serve(args) => {
            let db = open_database(&config).await?;
            let app = App::new(db, config)?;
            run_server(app, started, !args.no_worker).await
        }
        Command::Worker(_) => {
            let db = open_database(&config).await?;
            let app = App::new(db, config)?;
            let (stop, tasks) = start_worker(&app, true)?;
            let _listener = app.spawn_cache_listener();
            let metrics = spawn_metrics_listener(&app).await?;
            shutdown_signal().await;
            metrics.inspect(tokio::task::JoinHandle::abort);
            stop_worker(stop, tasks).await;
            app.db.close().await;
            tracing::info!("stopped");
            Ok(())
        }
        Command::Backup(args) => {
            let made = backup::backup(&config, &args.to).await?;
            println!("{made}");
            Ok(())
        }
        Command::Restore(args) => {
            let restored = backup::restore(&config, &args.from, args.yes).await?;
            println!("{restored}");
            Ok(())
        }
        Command::Demo(demo) => {
            let db = open_database(&config).await?;
            let app = App::new(db, config)?;
            println!("데모 상점을 준비하고 있습니다… (preparing the demo shop)");
            let report = app
                .load_demo(&DemoOptions {
                    bulk_products: demo.bulk_products,
                })
                .await
                .context("loading the demo shop")?;
            print_demo_welcome(&app.config.base_url(), &report);
            if demo.no_serve {
                app.db.close().await;
                return Ok(());
            }
            run_server(app, started, true).await
        }
    }
}
