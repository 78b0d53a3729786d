//! The machine's ceiling for the benchmarks: a bare axum route returning a constant.

use axum::Router;
use axum::routing::get;

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18090".into());
    let app = Router::new().route("/", get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .expect("binding the bench port");
    axum::serve(listener, app).await.expect("serving");
}
