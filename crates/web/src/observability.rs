//! Metrics and error reporting: request counts and latencies recorded per route, `/metrics`
//! for Prometheus (behind a token on the shop's address, or open on a separate private
//! address), and server errors reported to Sentry with the request id and nothing personal.

use crate::state::AppState;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Requests answered, by method, route and status.
const REQUESTS: &str = "jangteo_http_requests_total";
/// Seconds spent answering, by method and route.
const REQUEST_SECONDS: &str = "jangteo_http_request_duration_seconds";
/// Latency buckets: from a cached page to a slow gateway call.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process's Prometheus recorder, once; later calls return the same handle. None
/// when another recorder was installed first.
pub fn install_metrics() -> Option<PrometheusHandle> {
    RECORDER
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.into()), LATENCY_BUCKETS)
                .ok()?;
            let handle = builder
                .install_recorder()
                .map_err(|e| tracing::warn!(error = %e, "metrics recorder not installed"))
                .ok()?;
            // Histograms are kept in buckets that upkeep drains; without it they only grow.
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                let upkeep = handle.clone();
                runtime.spawn(async move {
                    loop {
                        tokio::time::sleep(Duration::from_secs(5)).await;
                        upkeep.run_upkeep();
                    }
                });
            }
            Some(handle)
        })
        .clone()
}

/// Counts the request and its time under its route's pattern (never the raw path, so order
/// numbers and tokens stay out and the series stay few).
pub async fn record_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method: &'static str = match request.method().as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        _ => "other",
    };
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(no route)".to_owned(), |m| m.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(REQUESTS, "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(REQUEST_SECONDS, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics` on the shop's address: only with `Authorization: Bearer TOKEN`; not there at
/// all (404) until a token is configured.
pub async fn show_metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if state.app.config.metrics.token.0.is_empty() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !state.app.metrics_token_accepted(presented) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    }
    render_metrics(&state).await
}

/// Serves the separate metrics address: `/metrics` without a token (the address is meant for
/// a private network) and nothing else.
pub async fn serve_metrics(
    listener: tokio::net::TcpListener,
    state: AppState,
) -> std::io::Result<()> {
    let router = Router::new()
        .route(
            "/metrics",
            get(|State(state): State<AppState>| async move { render_metrics(&state).await }),
        )
        .with_state(state);
    axum::serve(listener, router).await
}

async fn render_metrics(state: &AppState) -> Response {
    let Some(handle) = install_metrics() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if let Err(e) = state.app.measure_for_scrape().await {
        tracing::warn!(error = %e, "job queue and pool gauges not measured");
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// Starts Sentry when a DSN is configured; keep the guard for the life of the process (it
/// sends what is queued when dropped). Events carry no personal data: no user, no request
/// (its URL and headers could hold order numbers, names or tokens), no server name.
pub fn init_sentry(config: &jangteo_app::Config) -> Option<sentry::ClientInitGuard> {
    let dsn = config.sentry.dsn.0.trim();
    if dsn.is_empty() {
        return None;
    }
    let dsn = match dsn.parse::<sentry::types::Dsn>() {
        Ok(dsn) => dsn,
        Err(e) => {
            tracing::error!(error = %e, "[sentry] dsn is not a Sentry DSN: errors are not reported");
            return None;
        }
    };
    let environment = Some(config.sentry.environment.clone())
        .filter(|e| !e.is_empty())
        .map(Into::into);
    let mut options = sentry::ClientOptions::default();
    options.dsn = Some(dsn);
    options.release = Some(concat!("jangteo@", env!("CARGO_PKG_VERSION")).into());
    options.environment = environment;
    options.send_default_pii = false;
    options.before_send = Some(std::sync::Arc::new(|mut event| {
        event.user = None;
        event.request = None;
        event.server_name = None;
        Some(event)
    }));
    let guard = sentry::init(options);
    // `init` binds the calling thread's hub; the main hub must carry the client too, so that
    // every thread started from it reports, whichever thread called this.
    sentry::Hub::main().bind_client(sentry::Hub::current().client());
    Some(guard)
}

/// Reports a server error (not a deliberate 503: draining, the database outage page) with its
/// route pattern, status and request id.
pub fn report_server_error(status: StatusCode, method: &str, route: &str, request_id: &str) {
    if !status.is_server_error() || status == StatusCode::SERVICE_UNAVAILABLE {
        return;
    }
    sentry::with_scope(
        |scope| {
            scope.set_tag("request_id", request_id);
            scope.set_tag("route", route);
            scope.set_tag("status", status.as_u16());
        },
        || {
            sentry::capture_message(
                &format!("{} on {method} {route}", status.as_u16()),
                sentry::Level::Error,
            )
        },
    );
}
