//! The application state and the router with its middleware stack.

use crate::assets::Theme;
use crate::i18n::Messages;
use crate::{errors, limits, media, ops, page_cache, seo, shop};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::middleware;
use axum::routing::get;
use jangteo_app::App;
use minijinja::Environment;
use std::sync::Arc;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// Knobs of the web layer that are not shop configuration.
#[derive(Debug, Clone)]
pub struct WebOptions {
    /// URLs per sitemap file before a sitemap index is served (the protocol's limit is 50,000).
    pub sitemap_max_urls: usize,
}

impl Default for WebOptions {
    fn default() -> Self {
        Self {
            sitemap_max_urls: 50_000,
        }
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// Use cases.
    pub app: App,
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub env: Environment<'static>,
    pub messages: Arc<Messages>,
    pub theme: Theme,
    pub options: WebOptions,
}

impl AppState {
    /// Loads templates, static-file hashes and messages (built-in, overridden by the theme).
    pub fn new(app: App, options: WebOptions) -> Result<Self, String> {
        let theme = Theme::new(app.config.theme_dir.clone());
        let messages = Arc::new(Messages::load(&theme)?);
        let env =
            crate::templates::environment(theme.clone(), messages.clone(), theme.static_hashes());
        // Fail at start-up, not on the first visitor, when a (theme) template does not compile.
        for name in [
            "base.html",
            "shop/home.html",
            "shop/category.html",
            "shop/product.html",
            "shop/search.html",
            "shop/page.html",
            "errors/error.html",
        ] {
            env.get_template(name)
                .map_err(|e| format!("template {name}: {e}"))?;
        }
        Ok(Self {
            app,
            inner: Arc::new(Inner {
                env,
                messages,
                theme,
                options,
            }),
        })
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Every route and the middleware stack, outermost first: request id → trace → compression →
/// error pages → body limits → panic catcher → CSRF → routes.
pub fn router(state: AppState) -> Router {
    let cached_pages = Router::new()
        .route("/", get(shop::show_home))
        .route("/categories/{slug}", get(shop::list_category))
        .route("/products/{slug}", get(shop::show_product))
        .route("/pages/{slug}", get(shop::show_page))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            page_cache::serve_cached_pages,
        ));
    let routes = Router::new()
        .merge(cached_pages)
        .route("/search", get(shop::search_products))
        .route("/lang/{code}", get(shop::switch_locale))
        .route("/media/{hash}/{file}", get(media::show_thumbnail))
        .route("/static/{*path}", get(media::show_static))
        .route("/sitemap.xml", get(seo::show_sitemap))
        .route("/sitemaps/{file}", get(seo::show_sitemap_part))
        .route("/robots.txt", get(seo::show_robots))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .fallback(errors::not_found);

    routes
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                    let request_id = req
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("http", http.method = %req.method(), http.path = %req.uri().path(), request.id = %request_id)
                }))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(CompressionLayer::new())
                .layer(middleware::from_fn_with_state(state.clone(), errors::render_error_pages))
                .layer(middleware::from_fn_with_state(state.clone(), limits::limit_body))
                .layer(DefaultBodyLimit::disable())
                .layer(CatchPanicLayer::custom(errors::panic_response))
                // Header-based CSRF check (Sec-Fetch-Site / Origin) on every state-changing
                // request; gateway callbacks will be exempted explicitly when they arrive.
                .layer(CsrfLayer::new()),
        )
        .with_state(state)
}
