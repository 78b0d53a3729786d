//! The router with its middleware stack.

use crate::auth::{AuthSession, MemberBackend};
use crate::context::ViewerInfo;
use crate::session::DbSessionStore;
use crate::state::AppState;
use crate::{
    account, addresses, admin, cart_pages, checkout, claims, errors, identity_pages, input_guard,
    inquiries, limits, media, my_page, observability, ops, orders, outage, page_cache, posts,
    privacy, restock, reviews, seo, shop, slack, social_login, staff_api, webhooks, wishlist,
};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Request};
use axum::middleware;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use axum::routing::post;
use axum_login::AuthManagerLayerBuilder;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Every route and the middleware stack, outermost first: request id → trace → compression →
/// error pages → body limits → panic catcher → CSRF → routes.
pub fn router(state: AppState) -> Router {
    let cached_pages = Router::new()
        .route("/", get(shop::show_home))
        .route("/categories/{slug}", get(shop::list_category))
        .route("/products/{slug}", get(shop::show_product))
        .route("/products/{slug}/reviews", get(reviews::product_reviews))
        .route("/pages/{slug}", get(shop::show_page))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            page_cache::serve_cached_pages,
        ));
    let session_days = state.app.config.members.session_days.max(1);
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.app.clone()))
        .with_name("jt_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.app.config.base_url().starts_with("https://"))
        .with_expiry(Expiry::OnInactivity(time::Duration::days(session_days)));
    let auth =
        AuthManagerLayerBuilder::new(MemberBackend::new(state.app.clone()), sessions).build();
    let pages = Router::new()
        .merge(cached_pages)
        .merge(storefront_routes())
        .merge(account_routes())
        .merge(social_routes())
        .merge(shopping_routes())
        .fallback(errors::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), load_viewer))
        .layer(auth);
    let routes = Router::new()
        .merge(pages)
        .merge(admin::router(&state))
        .merge(machine_routes());

    let routes = with_middleware(routes, &state);
    // Outside the error pages, so a request's time includes rendering its error page.
    let routes = if state.app.config.metrics.enabled() && observability::install_metrics().is_some()
    {
        routes.layer(middleware::from_fn(observability::record_request))
    } else {
        routes
    };
    routes.with_state(state)
}

/// Kakao and Naver login, the first-login steps and My page › SNS 연결.
fn social_routes() -> Router<AppState> {
    Router::new()
        .route("/account/login/{provider}", get(social_login::start_login))
        .route(
            "/account/login/{provider}/callback",
            get(social_login::callback),
        )
        .route(
            "/account/social/join",
            get(social_login::new_join).post(social_login::create_join),
        )
        .route(
            "/account/social/connect",
            get(social_login::new_connect).post(social_login::create_connect),
        )
        .route("/account/social", get(social_login::list))
        .route(
            "/account/social/{provider}/link",
            post(social_login::start_link),
        )
        .route(
            "/account/social/{provider}/unlink",
            post(social_login::unlink),
        )
}

/// Sign-up, login, password reset and the member's own pages.
fn account_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/account/signup",
            get(account::new_signup).post(account::create_signup),
        )
        .route(
            "/account/login",
            get(account::new_login).post(account::create_login),
        )
        .route("/account/logout", post(account::logout))
        .route(
            "/account/password-reset",
            get(account::new_reset).post(account::create_reset),
        )
        .route(
            "/account/password-reset/{token}",
            get(account::edit_reset).post(account::update_reset),
        )
        .route("/account", get(my_page::show_account))
        .route("/account/coupons", post(my_page::register_coupon))
        .route("/account/orders", get(my_page::list_orders))
        .route("/account/points", get(my_page::list_points))
        .route("/account/wishlist", get(wishlist::list))
        .route("/account/wishlist/{product}/remove", post(wishlist::remove))
        .route("/wishlist", post(wishlist::keep))
        .route("/restock-alerts", post(restock::ask))
        .route(
            "/account/profile",
            get(my_page::edit_profile).post(my_page::update_profile),
        )
        .route(
            "/account/password",
            get(my_page::edit_password).post(my_page::update_password),
        )
        .route(
            "/account/withdraw",
            get(my_page::new_withdraw).post(my_page::create_withdraw),
        )
        .route(
            "/account/addresses",
            get(addresses::list_addresses).post(addresses::create_address),
        )
        .route(
            "/account/addresses/{id}/delete",
            post(addresses::delete_address),
        )
        .route(
            "/account/addresses/{id}/default",
            post(addresses::set_default_address),
        )
        .route(
            "/account/inquiries",
            get(inquiries::list_inquiries).post(inquiries::create_inquiry),
        )
        .route("/account/inquiries/new", get(inquiries::new_inquiry))
        .route("/account/inquiries/{id}", get(inquiries::show_inquiry))
        .route(
            "/account/inquiries/{id}/delete",
            post(inquiries::delete_inquiry),
        )
}

/// Cart, checkout, payment returns, order pages and the test gateway's window.
fn shopping_routes() -> Router<AppState> {
    Router::new()
        .route("/cart", get(cart_pages::show_cart))
        .route("/cart/items", post(cart_pages::add_item))
        .route("/cart/items/{sku_id}", post(cart_pages::update_item))
        .route("/cart/items/{sku_id}/delete", post(cart_pages::delete_item))
        .route(
            "/checkout",
            get(checkout::show_checkout).post(checkout::place_order),
        )
        .route("/checkout/pay/{number}", get(checkout::pay_order))
        .route(
            "/checkout/success",
            get(crate::payment_returns::payment_success),
        )
        .route("/checkout/fail", get(crate::payment_returns::payment_fail))
        .route(
            "/orders/lookup",
            get(orders::new_lookup).post(orders::create_lookup),
        )
        .route("/orders/{number}", get(orders::show_order))
        .route("/orders/{number}/complete", get(checkout::show_complete))
        .route("/orders/{number}/cancel", post(orders::cancel_order))
        .route(
            "/orders/{number}/refund-account",
            post(orders::save_refund_account),
        )
        .route("/orders/{number}/confirm", post(orders::confirm_order))
        .route("/orders/{number}/claims/new", get(claims::new_claim))
        .route("/orders/{number}/claims/quote", get(claims::quote))
        .route("/orders/{number}/pins", post(orders::reveal_pins))
        .route(
            "/identity",
            get(identity_pages::show).post(identity_pages::start),
        )
        .route("/identity/return", get(identity_pages::finish))
        .route(
            jangteo_app::identity::DEMO_WINDOW_PATH,
            post(identity_pages::demo_window),
        )
        .route(
            "/orders/{number}/pins/notice",
            post(orders::resend_pin_notice),
        )
        .route("/orders/{number}/claims", post(claims::create_claim))
        .route("/orders/{number}/review", get(reviews::review_form))
        .route(
            "/orders/{number}/review/{line}",
            post(reviews::write_review),
        )
        .route(
            "/payments/test/deposit/{number}",
            post(orders::simulate_deposit),
        )
        .route("/payments/test/{attempt}", get(checkout::show_test_gateway))
        .route(
            "/checkout/approve/{attempt}",
            get(crate::payment_returns::payment_approved),
        )
        .route(
            "/payments/test/{attempt}/approve",
            post(checkout::approve_test_payment),
        )
        .route(
            "/payments/test/{attempt}/decline",
            post(checkout::decline_test_payment),
        )
        .route("/dev/outbox", get(orders::show_outbox))
}

/// Pages shoppers browse that are not cached: policy, search, notices, questions, the locale switch.
fn storefront_routes() -> Router<AppState> {
    Router::new()
        .route("/pages/privacy", get(privacy::show_policy))
        .route("/pages/privacy/versions/{id}", get(privacy::show_version))
        .route("/search", get(shop::search_products))
        .route("/notices", get(posts::list))
        .route("/notices/{id}", get(posts::show))
        .route("/events", get(posts::list))
        .route("/events/{id}", get(posts::show))
        .route(
            "/products/{slug}/questions",
            get(inquiries::list_questions).post(inquiries::create_question),
        )
        .route("/staff/{*rest}", get(admin::moved_staff_page))
        .route(
            "/unsubscribe",
            get(addresses::show_unsubscribe).post(addresses::create_unsubscribe),
        )
        .route("/lang/{code}", get(shop::switch_locale))
}

/// Server-to-server and machine routes: gateway webhooks, the staff API, media, SEO files and
/// health checks.
fn machine_routes() -> Router<AppState> {
    Router::new()
        .route("/webhooks/{provider}", post(webhooks::payment_webhook))
        .route("/slack/commands", post(slack::command))
        .route("/slack/events", post(slack::events))
        .route(
            "/api/v1/staff/orders/{number}/{action}",
            post(staff_api::staff_order_action),
        )
        .route(
            "/api/v1/staff/members/{id}/grade",
            post(staff_api::staff_assign_grade),
        )
        .route(
            "/api/v1/staff/bulk-sends",
            post(staff_api::staff_start_bulk_send),
        )
        .route(
            "/api/v1/staff/bulk-sends/{id}",
            get(staff_api::staff_show_bulk_send),
        )
        .route("/media/{hash}/{file}", get(media::show_thumbnail))
        .route("/static/{*path}", get(media::show_static))
        .route("/sitemap.xml", get(seo::show_sitemap))
        .route("/sitemaps/{file}", get(seo::show_sitemap_part))
        .route("/robots.txt", get(seo::show_robots))
        .route("/metrics", get(observability::show_metrics))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
}

/// The middleware stack, outermost first: request id → trace → compression → error pages →
/// body limits → panic catcher → CSRF.
fn with_middleware(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
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
                .layer(middleware::from_fn_with_state(
                    SecurityHeaders::new(&state.app.config),
                    security_headers,
                ))
                .layer(CompressionLayer::new())
                .layer(middleware::from_fn_with_state(state.clone(), errors::render_error_pages))
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    outage::refuse_while_database_down,
                ))
                .layer(middleware::from_fn_with_state(state.clone(), limits::limit_body))
                .layer(middleware::from_fn(input_guard::refuse_nul))
                .layer(DefaultBodyLimit::disable())
                .layer(CatchPanicLayer::custom(errors::panic_response))
                // Header-based CSRF check (Sec-Fetch-Site / Origin) on every state-changing
                // request. Gateway webhooks are server to server and verified by the app
                // (shared secret + lookup at the gateway), so only they are exempt.
                .layer(CsrfLayer::new().with_insecure_bypass(|method, uri| {
                    method == axum::http::Method::POST && uri.path().starts_with("/webhooks/")
                })),
        )
}

/// Where the shop's pages may load script and frames from, besides the shop itself: the address
/// search (Kakao/Daum postcode) and the video embeds the editor allows. Inline script is never
/// allowed, so markup that slips into a page cannot run.
const SCRIPT_SOURCES: &str = "'self' https://t1.daumcdn.net https://t1.kakaocdn.net";
const FRAME_SOURCES: &str = "'self' https://*.daum.net https://*.kakao.com \
    https://www.youtube.com https://www.youtube-nocookie.com https://player.vimeo.com";

/// The security headers' values, computed once from the configuration.
#[derive(Clone)]
struct SecurityHeaders {
    content_security_policy: HeaderValue,
    https: bool,
}

impl SecurityHeaders {
    fn new(config: &jangteo_app::config::Config) -> Self {
        // Images also come from a configured media origin (a CDN), which may be plain http.
        let media_origin = config
            .media
            .public_url
            .as_deref()
            .and_then(|u| u.parse::<axum::http::Uri>().ok())
            .and_then(|u| Some(format!("{}://{}", u.scheme_str()?, u.authority()?.as_str())))
            .unwrap_or_default();
        let policy = format!(
            "default-src 'self'; script-src {SCRIPT_SOURCES}; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data: blob: https: {media_origin}; font-src 'self' data:; \
             connect-src 'self'; frame-src {FRAME_SOURCES}; frame-ancestors 'self'; \
             object-src 'none'; base-uri 'self'"
        );
        Self {
            content_security_policy: HeaderValue::from_str(policy.trim())
                .unwrap_or(HeaderValue::from_static("frame-ancestors 'self'")),
            https: config.base_url().starts_with("https://"),
        }
    }
}

/// Browser security headers on every answer: no MIME sniffing, no framing by other sites, no
/// inline script (CSP), no full URLs (order numbers, tokens) leaked in `Referer`, and HSTS when
/// the shop is served over https. A handler's own value wins.
async fn security_headers(
    State(config): State<SecurityHeaders>,
    request: axum::extract::Request,
    next: Next,
) -> Response {
    use axum::http::header;
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(config.content_security_policy);
    let mut set = |name: HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "SAMEORIGIN");
    set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    if config.https {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
    response
}

/// Puts who is visiting (member, cart size, notices) where pages find it.
async fn load_viewer(
    State(state): State<AppState>,
    auth: AuthSession,
    session: Session,
    mut request: axum::extract::Request,
    next: Next,
) -> Response {
    let mut viewer = ViewerInfo::default();
    if let Some(member) = &auth.user {
        viewer.is_member = true;
        viewer.name = member.name.clone();
        viewer.member_id = Some(member.id);
        viewer.cart_count = state.app.member_cart_count(member.id).await.unwrap_or(0);
    } else if request.headers().contains_key(axum::http::header::COOKIE) {
        viewer.cart_count =
            i64::try_from(crate::session::guest_cart(&session).await.len()).unwrap_or(0);
    }
    if request.method() == axum::http::Method::GET
        && request.headers().contains_key(axum::http::header::COOKIE)
    {
        viewer.flash = crate::session::take_flash(&session).await;
    }
    request.extensions_mut().insert(viewer);
    next.run(request).await
}
